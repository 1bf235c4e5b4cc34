"""Turn a metric into its values: facts → filter → group by period and dimensions → value.

``metric_values`` returns an Ibis expression with the columns ``period``, the requested
dimensions and ``value``, one row per period and dimension value. It checks the request
first and reports every problem at once, naming the metric and offering the nearest
valid name. Without dimensions (or with each kept to one value by ``where``) every period
in range is present: sums and counts are 0 in a period without facts, rates are
undefined (null), never a made-up 0.

>>> import datetime as dt
>>> from revhub.metrics.registry import get_metric
>>> frame = Frame(lambda name: None, grain="month", start=dt.date(2026, 1, 1),
...               end=dt.date(2026, 3, 31))
>>> check_request(get_metric("mrr"), frame, by=["colour"], where={})
Traceback (most recent call last):
...
revhub.errors.MetricError: metric `mrr`: cannot slice by `colour`: it offers segment, ...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ibis

from revhub.errors import MetricError, did_you_mean
from revhub.metrics.core import Formula, Metric
from revhub.metrics.frame import Frame

WhereValue = str | int | float | bool | None | Sequence[str | int | float | bool | None]


def check_request(
    metric: Metric, frame: Frame, *, by: Sequence[str], where: Mapping[str, WhereValue]
) -> None:
    """Refuse a grain or dimension the metric does not offer (all problems at once)."""
    problems = []
    if frame.grain not in metric.grains:
        problems.append(
            f"has no `{frame.grain}` grain: it is measured by {', '.join(metric.grains)}"
        )
    offered = ", ".join(metric.dimensions) or "no dimensions"
    for name in (*by, *where):
        if name not in metric.dimensions:
            hint = did_you_mean(name, metric.dimensions)
            problems.append(f"cannot slice by `{name}`: it offers {offered}.{hint}")
    if len(set(by)) != len(by):
        problems.append("lists a dimension in `by` twice")
    if frame.end < frame.start:
        problems.append(f"range ends ({frame.end}) before it starts ({frame.start})")
    if problems:
        message = "; ".join(p.rstrip(".") for p in problems)
        raise MetricError(metric.name, message if message.endswith("?") else message + ".")


def metric_values(
    metric: Metric,
    frame: Frame,
    *,
    by: Sequence[str] = (),
    where: Mapping[str, WhereValue] | None = None,
) -> ibis.Table:
    """The values of ``metric`` in ``frame`` by ``by`` (after the dimensions it is always
    sliced by), keeping facts matching ``where`` (dimension → value or list of values;
    None matches unknown)."""
    where = dict(where or {})
    by = [*(d for d in metric.always_by if d not in by), *by]
    check_request(metric, frame, by=by, where=where)
    if isinstance(metric.measure, Formula):
        values = _formula_values(metric, metric.measure, frame, by, where)
    else:
        assert metric.facts is not None
        facts = _filtered(metric.facts(frame), where)
        first, last = frame.calendar[0].start, frame.calendar[-1].start
        facts = facts.filter((facts.period >= first) & (facts.period <= last))
        values = facts.group_by(["period", *by]).aggregate(value=metric.measure.value(facts))
    values = values.select("period", *by, value=values.value.cast("float64"))
    pinned = {d: where[d] for d in by if isinstance(where.get(d), str | int | float | bool)}
    if len(pinned) == len(by):  # one value per period: list every period in range
        values = _every_period(values, frame, pinned, filled=metric.measure.additive)
    return values.order_by(["period", *by])


def _filtered(facts: ibis.Table, where: Mapping[str, WhereValue]) -> ibis.Table:
    for name, wanted in where.items():
        column = facts[name]
        if wanted is None:
            facts = facts.filter(column.isnull())
        elif isinstance(wanted, str | int | float | bool):
            facts = facts.filter(column == wanted)
        else:
            values = [v for v in wanted if v is not None]
            test = column.isin(values)
            facts = facts.filter(test | column.isnull() if None in wanted else test)
    return facts


def _every_period(
    values: ibis.Table, frame: Frame, pinned: Mapping[str, WhereValue], *, filled: bool
) -> ibis.Table:
    """``values`` with a row for every period in range; ``pinned`` dimensions (each kept
    to one value by ``where``) carry that value in the periods without facts."""
    spine = frame.periods().select(spine_period="period")
    joined = spine.left_join(values, spine.spine_period == values.period)
    value = joined.value.fill_null(0.0) if filled else joined.value
    constants = {d: ibis.literal(v, type=values[d].type()) for d, v in pinned.items()}
    return joined.select(period=joined.spine_period, **constants, value=value)


def _formula_values(
    metric: Metric,
    formula: Formula,
    frame: Frame,
    by: Sequence[str],
    where: Mapping[str, WhereValue],
) -> ibis.Table:
    from revhub.metrics.registry import get_metric

    keys = ["period", *by]
    joined: ibis.Table | None = None
    for alias, name in formula.inputs.items():
        part = metric_values(get_metric(name), frame, by=by, where=where)
        part = part.rename({alias: "value"})
        if joined is None:
            joined = part
        else:
            right = part.rename({f"_{k}": k for k in keys})
            condition = [joined[k].identical_to(right[f"_{k}"]) for k in keys]
            joined = joined.outer_join(right, condition)
            joined = joined.mutate(
                **{k: ibis.coalesce(joined[k], joined[f"_{k}"]) for k in keys}
            ).drop(*(f"_{k}" for k in keys))
    assert joined is not None, f"formula metric {metric.name} has no inputs"
    value = formula.combine({alias: joined[alias] for alias in formula.inputs})
    return joined.select(*keys, value=value)
