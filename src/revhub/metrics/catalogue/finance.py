"""Finance metrics: recognised revenue and its growth, cost of revenue, gross margin,
revenue per customer, LTV, LTV:CAC and CAC payback.

Definitions every metric here shares:

- **Recognised revenue** comes from invoices that were issued (not void, not draft):
  their subscription and one-off lines, less their discount lines (tax is never
  revenue). A line with a service period (``period_start`` to ``period_end``, exclusive)
  is earned evenly by day over it, so an annual invoice is spread over its 12 months; a
  line without one is earned on its invoice date. Credit notes reduce revenue on the
  day they are issued. Refunds return cash, not revenue, and do not count. Only the days
  inside the range asked for count.
- **Cost of revenue** is the general ledger's ``cost_of_revenue`` rows, each counted in
  the month it was booked in, whole.
- **Gross margin** of a set of months is (revenue − cost of revenue) ÷ revenue over the
  months whose cost of revenue is recorded: a month without any ledger row is left out,
  never counted as free.
- **Trailing window**: LTV and CAC payback average churn and margin over the
  ``metrics.ltv_window_months`` months (default 12) that end with the month of the
  period's closing day. Monthly logo churn over the window is Σ companies lost ÷ Σ
  companies paying at the start of each month, from the MRR movements (the definition
  of ``logo_churn_rate`` at month grain).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import ibis

from revhub.metrics.catalogue.subscriptions import snapshot_facts
from revhub.metrics.core import Formula, Grain, Metric, Ratio, Sum
from revhub.metrics.frame import COMPANY_DIMENSIONS, Frame
from revhub.metrics.mrr import movements
from revhub.metrics.periods import add_months
from revhub.metrics.revenue import (
    earned,
    in_trailing_window,
    monthly_margin,
    revenue_items,
    trailing_window_start,
)

ANY_GRAIN: tuple[Grain, ...] = ("day", "week", "month", "quarter", "year")
MONTHLY: tuple[Grain, ...] = ("month", "quarter", "year")
REVENUE_DIMENSIONS = (*COMPANY_DIMENSIONS, "kind")
_MONTHS_PER_PERIOD = {"month": 1, "quarter": 3, "year": 12}


def recognised_revenue_facts(frame: Frame) -> ibis.Table:
    """Revenue earned per company, kind and period in range (``amount``), with company
    dimensions. Built once per frame."""
    return frame.shared("recognised_revenue_facts", lambda: _recognised_revenue_facts(frame))


def _recognised_revenue_facts(frame: Frame) -> ibis.Table:
    facts = earned(revenue_items(frame), frame.grain, frame.start, frame.end)
    return frame.with_company(facts, *COMPANY_DIMENSIONS)


def growth_facts(frame: Frame, months_back: int) -> ibis.Table:
    """Revenue of each period in range as ``current`` and, shifted ``months_back`` months
    later, as ``previous``: Σ current ÷ Σ previous − 1 is the growth on the period that
    far back. The earlier revenue is read from before the range's start."""
    name = f"revenue_growth_facts_{months_back}"
    return frame.shared(name, lambda: _growth_facts(frame, months_back))


def _growth_facts(frame: Frame, months_back: int) -> ibis.Table:
    items = revenue_items(frame)
    first = frame.calendar[0].start if frame.calendar else frame.start
    now = earned(items, frame.grain, frame.start, frame.end)
    now = now.mutate(current=now.amount, previous=ibis.literal(0.0))
    before = earned(items, frame.grain, add_months(first, -months_back), frame.end)
    before = before.mutate(
        period=(before.period + ibis.interval(months=months_back)).cast("date"),
        current=ibis.literal(0.0),
        previous=before.amount,
    )
    columns = ("period", "account_id", "kind", "current", "previous")
    facts = now.select(*columns).union(before.select(*columns))
    return frame.with_company(facts, *COMPANY_DIMENSIONS)


# -- cost of revenue and margin ------------------------------------------------------------
def cost_facts(frame: Frame) -> ibis.Table:
    """Cost of revenue rows booked in range: ``period``, ``category``, ``cost``."""
    costs = frame.events(frame.raw("cost_of_revenue"), "month")
    return costs.select("period", "category", cost=costs.amount_base.cast("float64"))


def gross_margin_facts(frame: Frame) -> ibis.Table:
    """Months in range with cost of revenue recorded: ``period``, ``revenue``,
    ``gross_profit``."""
    months = monthly_margin(frame, frame.start)
    return months.select(
        period=frame.period(months.month),
        revenue=months.revenue,
        gross_profit=months.revenue - months.cost,
    )


def trailing_margin_facts(frame: Frame) -> ibis.Table:
    """Per period, the months of its trailing window with cost of revenue recorded:
    ``period``, ``revenue``, ``gross_profit``. Built once per frame."""
    return frame.shared("trailing_margin_facts", lambda: _trailing_margin_facts(frame))


def _trailing_margin_facts(frame: Frame) -> ibis.Table:
    months = in_trailing_window(frame, monthly_margin(frame, trailing_window_start(frame)))
    return months.select("period", "revenue", gross_profit=months.revenue - months.cost)


# -- lifetime value ------------------------------------------------------------------------
def trailing_churn_facts(frame: Frame) -> ibis.Table:
    """Per period, every company-month of its trailing window that opened with the company
    paying: ``period``, ``account_id``, ``churned`` (1 when it paid nothing at the month's
    end), company dimensions. Built once per frame."""
    return frame.shared("trailing_churn_facts", lambda: _trailing_churn_facts(frame))


def _trailing_churn_facts(frame: Frame) -> ibis.Table:
    def source(name: str) -> ibis.Table | None:
        return frame.raw(name) if frame.has(name) else None

    window = Frame(
        source,
        grain="month",
        start=trailing_window_start(frame),
        end=frame.end,
        settings=frame.settings,
    )
    moves = movements(window)
    moves = moves.filter(moves.opening > 0).select(
        "account_id", "month", churned=(moves.churn > 0).cast("int64")
    )
    facts = in_trailing_window(frame, moves).drop("month")
    return frame.with_company(facts, *COMPANY_DIMENSIONS)


def ltv_facts(frame: Frame) -> ibis.Table:
    """Two kinds of rows per period: the items in service on its closing day (``mrr``,
    ``customer``, and the company-wide trailing ``margin``), and the company-months of its
    trailing window (``opening`` = 1, ``churned``). Built once per frame."""
    return frame.shared("ltv_facts", lambda: _ltv_facts(frame))


def _ltv_facts(frame: Frame) -> ibis.Table:
    margins = trailing_margin_facts(frame)
    margins = margins.group_by("period").aggregate(
        margin=margins.gross_profit.sum() / margins.revenue.sum().nullif(0.0)
    )
    margins = margins.rename(_period="period")
    live = snapshot_facts(frame)
    live = live.left_join(margins, live.period == margins._period)
    live = live.select(
        "period",
        *COMPANY_DIMENSIONS,
        mrr=live.mrr,
        customer=live.account_id,
        opening=ibis.literal(0, "int64"),
        churned=ibis.literal(0, "int64"),
        margin=live.margin,
    )
    churn = trailing_churn_facts(frame)
    churn = churn.select(
        "period",
        *COMPANY_DIMENSIONS,
        mrr=ibis.literal(0.0),
        customer=ibis.null("string"),
        opening=ibis.literal(1, "int64"),
        churned=churn.churned,
        margin=ibis.null("float64"),
    )
    return live.union(churn)


@dataclass(frozen=True)
class LifetimeValue:
    """ARPA × margin ÷ churn over LTV facts: ARPA = Σ mrr ÷ distinct customers, churn =
    Σ churned ÷ Σ opening, margin the (company-wide) trailing margin; undefined when
    churn, margin or ARPA is."""

    additive: bool = False

    def value(self, facts: ibis.Table) -> ibis.Value:
        arpa = facts.mrr.sum() / facts.customer.nunique().cast("float64").nullif(0.0)
        opening = facts.opening.sum().cast("float64").nullif(0.0)
        churn = facts.churned.sum().cast("float64") / opening
        return arpa * facts.margin.max() / churn.nullif(0.0)

    def columns(self) -> tuple[str, ...]:
        return ("mrr", "customer", "opening", "churned", "margin")


def _ratio(numerator: str, denominator: str) -> Formula:
    def combine(values: Mapping[str, ibis.Value]) -> ibis.Value:
        return values[numerator] / values[denominator].nullif(0.0)

    return Formula(inputs={numerator: numerator, denominator: denominator}, combine=combine)


def _payback(values: Mapping[str, ibis.Value]) -> ibis.Value:
    per_customer = values["new_mrr"] / values["new_customers"].nullif(0.0)
    return values["cac"] / (per_customer * values["margin"]).nullif(0.0)


_finance = partial(Metric, department="finance", indicator="lagging", grains=MONTHLY)


_REVENUE_EDGES = (
    "Invoices that are void or draft do not count; uncollectible invoices do (bad debt is "
    "an expense, not less revenue).",
    "A line with a service period is earned evenly by day over it: an annual invoice "
    "becomes twelve months of revenue. A line without one is earned on its invoice date.",
    "Tax lines are not revenue; discount lines and credit notes (on their issue date) "
    "reduce it. Slice by `kind` to see each.",
    "Refunds return cash and do not reduce revenue; a credit note does.",
)
_GROWTH_EDGES = (
    "The earlier period's revenue is read from before the range's start, so the first "
    "period in range has a growth rate.",
    "A period still running compares its revenue so far with the whole earlier period.",
    "Undefined when the earlier period had no revenue.",
)
_WINDOW_EDGE = (
    "Margin and churn are averaged over the trailing `metrics.ltv_window_months` months "
    "ending with the month of the period's closing day."
)
_MARGIN_EDGE = (
    "Months without any cost of revenue recorded are left out of the margin; with none "
    "recorded the margin is undefined, not 100%."
)

METRICS = (
    _finance(
        "recognised_revenue",
        description="Revenue earned in the period from issued invoices, spread over the "
        "service periods they bill.",
        formula="Σ subscription and one-off invoice lines, less discount lines, each spread "
        "by day over its service period, less credit notes issued, in base currency.",
        unit="money",
        direction="higher",
        grains=ANY_GRAIN,
        dimensions=REVENUE_DIMENSIONS,
        measure=Sum("amount"),
        facts=recognised_revenue_facts,
        edge_cases=_REVENUE_EDGES,
        default_dimensions=("segment", "kind"),
    ),
    _finance(
        "revenue_growth",
        description="Growth of recognised revenue on the previous period of the same grain "
        "(month on month, quarter on quarter, year on year).",
        formula="Recognised revenue ÷ recognised revenue of the previous period − 1.",
        unit="ratio",
        direction="higher",
        dimensions=REVENUE_DIMENSIONS,
        measure=Ratio(Sum("current"), Sum("previous"), offset=-1.0),
        facts=lambda frame: growth_facts(frame, _MONTHS_PER_PERIOD[frame.grain]),
        edge_cases=_GROWTH_EDGES,
    ),
    _finance(
        "revenue_growth_yoy",
        description="Growth of recognised revenue on the same period a year earlier.",
        formula="Recognised revenue ÷ recognised revenue of the same period a year earlier − 1.",
        unit="ratio",
        direction="higher",
        dimensions=REVENUE_DIMENSIONS,
        measure=Ratio(Sum("current"), Sum("previous"), offset=-1.0),
        facts=lambda frame: growth_facts(frame, 12),
        edge_cases=_GROWTH_EDGES,
    ),
    _finance(
        "cost_of_revenue",
        description="Cost of delivering the revenue (hosting, third-party software, "
        "support, payment fees, services), as booked in the general ledger.",
        formula="Σ cost_of_revenue amounts in base currency, by the month booked.",
        unit="money",
        direction="lower",
        dimensions=("category",),
        measure=Sum("cost"),
        facts=cost_facts,
        edge_cases=(
            "A ledger row counts in the month it was booked in, whole; weeks and days are "
            "not offered.",
        ),
        default_dimensions=("category",),
    ),
    _finance(
        "gross_margin",
        description="Share of recognised revenue left after the cost of revenue.",
        formula="(Recognised revenue − cost of revenue) ÷ recognised revenue, over the "
        "period's months with cost of revenue recorded.",
        unit="ratio",
        direction="higher",
        dimensions=(),
        measure=Ratio(Sum("gross_profit"), Sum("revenue")),
        facts=gross_margin_facts,
        edge_cases=(
            _MARGIN_EDGE,
            "Company-wide only: the ledger does not record costs per customer.",
            "Undefined when the period had no revenue.",
        ),
    ),
    _finance(
        "trailing_gross_margin",
        description="Gross margin over the trailing months that LTV and CAC payback use.",
        formula="(Recognised revenue − cost of revenue) ÷ recognised revenue over the "
        "`metrics.ltv_window_months` months ending with the period's closing month.",
        unit="ratio",
        direction="higher",
        dimensions=(),
        measure=Ratio(Sum("gross_profit"), Sum("revenue")),
        facts=trailing_margin_facts,
        edge_cases=(_MARGIN_EDGE, "Company-wide only, like `gross_margin`."),
    ),
    _finance(
        "revenue_per_customer",
        description="Recognised revenue per company paying on the period's closing day.",
        formula="Recognised revenue ÷ paying customers.",
        unit="money",
        direction="higher",
        grains=ANY_GRAIN,
        dimensions=COMPANY_DIMENSIONS,
        measure=_ratio("recognised_revenue", "paying_customers"),
        edge_cases=(
            "Revenue of the whole period (a quarter's at grain quarter) over the companies "
            "paying at its close.",
            "Undefined when no company pays.",
        ),
    ),
    _finance(
        "ltv",
        description="Customer lifetime value: the gross profit a paying company brings over "
        "its expected life.",
        formula="ARPA on the closing day × trailing gross margin ÷ trailing monthly logo "
        "churn rate.",
        unit="money",
        direction="higher",
        dimensions=COMPANY_DIMENSIONS,
        measure=LifetimeValue(),
        facts=ltv_facts,
        edge_cases=(
            _WINDOW_EDGE,
            "Monthly logo churn = Σ companies that stopped paying ÷ Σ companies paying at "
            "the start of each month of the window (as `logo_churn_rate` at grain month).",
            "ARPA $100, 5% monthly churn and 100% margin give $2,000.",
            "Undefined when no company churned over the window (life would be endless), "
            "or when no cost of revenue is recorded in it.",
            "The margin is company-wide in every slice; ARPA and churn are the slice's.",
        ),
        default_dimensions=("segment",),
    ),
    _finance(
        "ltv_to_cac",
        description="Lifetime value per unit of blended acquisition cost.",
        formula="LTV ÷ blended CAC.",
        unit="multiple",
        direction="higher",
        dimensions=(),
        measure=_ratio("ltv", "cac_blended"),
        edge_cases=("Undefined when LTV or CAC is.",),
    ),
    _finance(
        "cac_payback_months",
        description="Months of gross profit from a new customer's MRR needed to earn back "
        "what acquiring it cost.",
        formula="Blended CAC ÷ (new MRR ÷ new customers × trailing gross margin).",
        unit="months",
        direction="lower",
        dimensions=(),
        measure=Formula(
            inputs={
                "cac": "cac_blended",
                "new_mrr": "new_mrr",
                "new_customers": "new_customers",
                "margin": "trailing_gross_margin",
            },
            combine=_payback,
        ),
        edge_cases=(
            "New MRR per new customer is the period's new MRR ÷ its new customers (first "
            "month's MRR, before any expansion).",
            _WINDOW_EDGE,
            "Undefined when there were no new customers, no marketing spend-based CAC, or no "
            "margin.",
        ),
    ),
)
