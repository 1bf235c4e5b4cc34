"""The metrics layer: every revenue metric defined once and computed the same everywhere.

``core`` says what a metric is, ``catalogue`` holds the definitions, ``frame`` and
``compute`` turn a definition into values, and ``Metrics`` (``ws.metrics``) is the door
the CLI, the API and notebooks use.
"""

from revhub.metrics.core import Metric
from revhub.metrics.registry import get_metric, shipped_metrics

__all__ = ["Metric", "get_metric", "shipped_metrics"]
