"""What a metric is: its definition as data, plus a pure function that builds its facts.

A metric's ``facts`` function takes a ``Frame`` (the canonical tables, the grain and the
date range asked for) and returns an Ibis table with one row per fact: a ``period``
column (the first day of the period the fact falls in), one column per dimension the
metric offers, and the columns its ``measure`` aggregates. The function never runs a
query; ``revhub.metrics.compute`` groups the facts by period and the requested dimensions
and applies the measure. A ``Formula`` metric has no facts of its own: it combines other
metrics' values period by period (LTV from ARPA, gross margin and churn).

>>> Ratio(Sum("won"), Count()).columns()
('won',)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

import ibis

if TYPE_CHECKING:
    from revhub.metrics.frame import Frame

Grain = Literal["day", "week", "month", "quarter", "year"]
GRAINS: tuple[Grain, ...] = ("day", "week", "month", "quarter", "year")
Unit = Literal[
    "money", "count", "ratio", "days", "hours", "months", "money_per_day", "score", "multiple"
]
Direction = Literal["higher", "lower", "neutral"]
Indicator = Literal["leading", "lagging"]
DEPARTMENT_ORDER = ("company", "marketing", "sales", "customer_success", "partners", "finance")

FactsFn = Callable[["Frame"], ibis.Table]


class Measure(Protocol):
    """How a metric's facts aggregate into one value per group."""

    def value(self, facts: ibis.Table) -> ibis.Value:
        """The aggregate expression over ``facts`` (used inside ``aggregate``)."""
        ...

    def columns(self) -> tuple[str, ...]:
        """The fact columns it reads."""
        ...

    @property
    def additive(self) -> bool:
        """True when an empty group means 0 (a sum or count), not "undefined"."""
        ...


@dataclass(frozen=True)
class Sum:
    """The sum of a fact column (0 when there are no facts)."""

    column: str
    additive: bool = True

    def value(self, facts: ibis.Table) -> ibis.Value:
        return facts[self.column].cast("float64").sum().fill_null(0)

    def columns(self) -> tuple[str, ...]:
        return (self.column,)


@dataclass(frozen=True)
class Count:
    """The number of fact rows."""

    additive: bool = True

    def value(self, facts: ibis.Table) -> ibis.Value:
        return facts.count().cast("float64")

    def columns(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class CountDistinct:
    """The number of distinct non-null values of a fact column."""

    column: str
    additive: bool = True

    def value(self, facts: ibis.Table) -> ibis.Value:
        return facts[self.column].nunique().cast("float64")

    def columns(self) -> tuple[str, ...]:
        return (self.column,)


@dataclass(frozen=True)
class Mean:
    """The mean of a fact column; undefined (null) without facts."""

    column: str
    additive: bool = False

    def value(self, facts: ibis.Table) -> ibis.Value:
        return facts[self.column].cast("float64").mean()

    def columns(self) -> tuple[str, ...]:
        return (self.column,)


@dataclass(frozen=True)
class Median:
    """The median of a fact column (interpolated between the middle two values)."""

    column: str
    additive: bool = False

    def value(self, facts: ibis.Table) -> ibis.Value:
        return facts[self.column].cast("float64").median()

    def columns(self) -> tuple[str, ...]:
        return (self.column,)


@dataclass(frozen=True)
class Ratio:
    """``numerator ÷ denominator × scale + offset``; undefined (null) when the
    denominator is 0, never infinite."""

    numerator: Measure
    denominator: Measure
    scale: float = 1.0
    offset: float = 0.0
    additive: bool = False

    def value(self, facts: ibis.Table) -> ibis.Value:
        den = self.denominator.value(facts)
        ratio = self.numerator.value(facts) / ibis.ifelse(den == 0, ibis.null(), den)
        return ratio * self.scale + self.offset

    def columns(self) -> tuple[str, ...]:
        return (*self.numerator.columns(), *self.denominator.columns())


@dataclass(frozen=True)
class Formula:
    """A value computed from other metrics' values in the same period and group.

    ``inputs`` names each input metric; ``combine`` gets their value columns by those
    names and returns the result (undefined inputs give an undefined result).
    """

    inputs: Mapping[str, str]
    combine: Callable[[Mapping[str, ibis.Value]], ibis.Value]
    additive: bool = False


@dataclass(frozen=True)
class Metric:
    """One revenue metric, defined once.

    ``snapshot`` metrics are a state on each period's closing day (MRR, open pipeline),
    not a flow summed over the period: a running period is judged on its value so far
    against the full target, not a pro-rated one. ``always_by`` names dimensions the
    metric is always sliced by, because a total across them means nothing (the
    conversion of every funnel stage at once).

    >>> from revhub.metrics.registry import get_metric
    >>> get_metric("logo_churn_rate").unit
    'ratio'
    """

    name: str
    description: str
    formula: str
    unit: Unit
    direction: Direction
    department: str
    indicator: Indicator
    grains: tuple[Grain, ...]
    dimensions: tuple[str, ...]
    measure: Measure | Formula
    facts: FactsFn | None = None
    edge_cases: tuple[str, ...] = ()
    default_dimensions: tuple[str, ...] = ()
    always_by: tuple[str, ...] = ()
    snapshot: bool = False
    tags: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if (self.facts is None) != isinstance(self.measure, Formula):
            raise ValueError(f"metric {self.name}: a Formula has no facts; others need them")
        unknown = (set(self.default_dimensions) | set(self.always_by)) - set(self.dimensions)
        if unknown:
            raise ValueError(f"metric {self.name}: default dimensions {unknown} not offered")
