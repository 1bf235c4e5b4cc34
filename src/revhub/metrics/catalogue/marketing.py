"""Marketing metrics (being written)."""

from __future__ import annotations

from revhub.metrics.core import Metric

METRICS: tuple[Metric, ...] = ()
