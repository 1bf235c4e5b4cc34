"""The registry: every metric revhub ships, by name, in catalogue order.

>>> get_metric("mrr").unit
'money'
>>> get_metric("mmr")
Traceback (most recent call last):
...
revhub.errors.MetricError: metric `mmr`: no such metric. Did you mean `mrr`? `revhub metric list` shows them all.
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from revhub.errors import MetricError, did_you_mean
from revhub.metrics.catalogue import (
    finance,
    forecasting,
    funnel,
    marketing,
    retention,
    sales,
    sales_progress,
    sales_targets,
    subscriptions,
    success,
)
from revhub.metrics.core import Metric

_MODULES = (
    subscriptions,
    retention,
    funnel,
    sales,
    sales_progress,
    sales_targets,
    marketing,
    success,
    finance,
    forecasting,
)


@cache
def shipped_metrics() -> dict[str, Metric]:
    """Every shipped metric by name, in catalogue order (checked for duplicate names)."""
    metrics: dict[str, Metric] = {}
    for module in _MODULES:
        for metric in module.METRICS:
            if metric.name in metrics:
                raise ValueError(f"metric {metric.name} is defined twice")
            metrics[metric.name] = metric
    return metrics


def get_metric(name: str, extra: Iterable[Metric] = ()) -> Metric:
    """The metric called ``name`` (shipped, or among ``extra``, e.g. custom metrics)."""
    known = {**shipped_metrics(), **{m.name: m for m in extra}}
    if name not in known:
        hint = did_you_mean(name, known)
        raise MetricError(name, f"no such metric.{hint} `revhub metric list` shows them all.")
    return known[name]
