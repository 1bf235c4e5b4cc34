"""docs/metrics.md, generated from the registry: every metric with its definition.

>>> "### `mrr`" in metrics_reference()
True
"""

from __future__ import annotations

from revhub.metrics.core import DEPARTMENT_ORDER, Formula, Metric
from revhub.metrics.registry import shipped_metrics
from revhub.metrics.settings import MetricSettings

_INTRO = """\
# Metric catalogue

Generated from `revhub.metrics` by `make docs`; do not edit by hand. Every number revhub
shows — CLI, Python, API, dashboard, playbooks — comes from these definitions, on DuckDB
and on Spark alike. `revhub metric list` lists them; `revhub metric NAME` computes one.

## Conventions that hold for every metric

- **Periods.** A value belongs to a period of the chosen grain (day, week from Monday,
  month, quarter, year), shown by the period's first day. Flow metrics (bookings, spend,
  movements) count events dated inside the period. Snapshot metrics (MRR, ARR, open
  pipeline, paying customers) are the state on the period's **closing day**: its last
  day, or the as-of date while the period is still running. A period's **opening day**
  is the day before it starts.
- **Companies, not records.** Every `account_id` is mapped to the company identity
  resolution found (`resolve.crosswalk`), so a company kept by the CRM, billing and
  support counts once. Company dimensions (segment, region, industry, country, owner,
  team, CSM, partner) come from its golden record.
- **Money** is in the workspace's base currency. Recurring revenue uses a rate fixed for
  each subscription item's life (`metrics.fx_policy`), so exchange rates alone never move
  MRR.
- **Undefined is not zero.** A rate whose denominator is 0 (a churn rate with no
  customers at the start, a win rate with no closed deals) is undefined: null in data,
  `—` on screen. Sums and counts of a period without events are 0.
- **Dimensions.** `--by` slices by a dimension the metric offers; `--where` keeps facts
  whose dimension has the given value(s). Without `--by`, every period in range is listed
  (for a metric always sliced by a dimension, such as a funnel stage, when `--where`
  keeps one value of it).

## Settings (`[metrics]` in revhub.toml)

| setting | default | meaning |
|---|---|---|
"""


def _settings_rows() -> list[str]:
    defaults = MetricSettings()
    rows = []
    for name, info in MetricSettings.model_fields.items():
        rows.append(f"| `{name}` | `{getattr(defaults, name)}` | {info.description} |")
    return rows


def _metric_section(metric: Metric) -> list[str]:
    better = {"higher": "higher is better", "lower": "lower is better", "neutral": "neutral"}
    stored = ", ".join(f"`{d}`" for d in metric.default_dimensions)
    lines = [
        f"### `{metric.name}`",
        "",
        metric.description,
        "",
        f"- **Formula:** {metric.formula}",
        f"- **Unit:** {metric.unit}; {better[metric.direction]}; {metric.indicator} indicator.",
        f"- **Grains:** {', '.join(metric.grains)}.",
        "- **Dimensions:** "
        + (", ".join(f"`{d}`" for d in metric.dimensions) or "none")
        + (f" (stored by `revhub compute`: {stored})" if metric.default_dimensions else "")
        + ".",
    ]
    if metric.always_by:
        always = ", ".join(f"`{d}`" for d in metric.always_by)
        lines.append(f"- **Always by:** {always} (a total across them means nothing).")
    if isinstance(metric.measure, Formula):
        inputs = ", ".join(f"`{name}`" for name in metric.measure.inputs.values())
        lines.append(f"- **Computed from:** {inputs}.")
    lines += [f"- {rule}" for rule in metric.edge_cases]
    return [*lines, ""]


def metrics_reference() -> str:
    """Markdown reference of every shipped metric, grouped by owning department."""
    metrics = list(shipped_metrics().values())
    lines = [_INTRO.rstrip("\n"), *_settings_rows(), ""]
    departments = sorted(
        {m.department for m in metrics},
        key=lambda d: (DEPARTMENT_ORDER.index(d) if d in DEPARTMENT_ORDER else 99, d),
    )
    lines += ["## Index", ""]
    for department in departments:
        names = ", ".join(f"`{m.name}`" for m in metrics if m.department == department)
        lines.append(f"- **{department.replace('_', ' ').capitalize()}:** {names}")
    lines.append("")
    for department in departments:
        lines += [f"## {department.replace('_', ' ').capitalize()}", ""]
        for metric in metrics:
            if metric.department == department:
                lines += _metric_section(metric)
    return "\n".join(lines).rstrip() + "\n"
