"""Sales metrics: bookings, pipeline, win rates, deal size and speed, and renewals.

Sales metrics measure **new business** (``opportunity_type = new_business``), which is
what sales targets mean; expansion deals have ``expansion_bookings`` (and the MRR
metrics), renewals ``renewal_rate``. Deals come from ``revhub.metrics.catalogue.deals``
(amounts in base currency, dimensions), their history from ``catalogue.deal_history``
(the version of a deal valid on a day). Families of facts:

- **closed deals**, each in the period of its close day (bookings, win rates, deal size,
  sales cycle, discount, renewals);
- **created deals**, in the period of ``created_date`` (pipeline created);
- **snapshots** of the open pipeline on each period's closing day, from
  ``opportunity_history``.

How deals move through the stages and slip is in ``catalogue.sales_progress``; quota
attainment and pipeline coverage, which compare with plans, in ``catalogue.sales_targets``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import ibis

from revhub.metrics.catalogue.deal_history import VERSION_DIMENSIONS, open_pipeline_on
from revhub.metrics.catalogue.deals import (
    DEAL_DIMENSIONS,
    closed_deals,
    closed_new_business,
    created_new_business,
    won_new_business,
)
from revhub.metrics.core import Count, Formula, Grain, Mean, Median, Metric, Ratio, Sum
from revhub.metrics.frame import Frame

ANY_GRAIN: tuple[Grain, ...] = ("day", "week", "month", "quarter", "year")
DEFAULT_DIMENSIONS = ("segment", "region")


def sales_cycles(frame: Frame) -> ibis.Table:
    """Won new-business deals with a sales cycle of 0 days or more."""
    won = won_new_business(frame)
    return won.filter(won.cycle_days >= 0)


def discounted_wins(frame: Frame) -> ibis.Table:
    """Won new-business deals whose discount is known."""
    won = won_new_business(frame)
    return won.filter(won.discount.notnull())


def won_expansion(frame: Frame) -> ibis.Table:
    """Expansion deals won in range."""
    closed = closed_deals(frame, "expansion")
    return closed.filter(closed.won == 1)


def closed_renewals(frame: Frame) -> ibis.Table:
    """Renewal deals closed (won or lost) in range."""
    return closed_deals(frame, "renewal")


def open_pipeline_facts(frame: Frame) -> ibis.Table:
    """Open new-business deals on each period's closing day, at that day's version."""
    return frame.shared("open_pipeline_facts", lambda: _open_pipeline_facts(frame))


def _open_pipeline_facts(frame: Frame) -> ibis.Table:
    live = open_pipeline_on(frame, frame.periods(), "closing_day")
    return live.select(
        "period", "opportunity_id", *VERSION_DIMENSIONS, amount=live.amount.fill_null(0.0)
    )


def _pipeline_velocity(values: Mapping[str, ibis.Value]) -> ibis.Value:
    per_cycle = values["win_rate"] * values["deal_size"] / values["cycle"].nullif(0.0)
    return values["open"].fill_null(0.0) * per_cycle


_sales = partial(
    Metric,
    department="sales",
    indicator="lagging",
    grains=ANY_GRAIN,
    dimensions=DEAL_DIMENSIONS,
    default_dimensions=DEFAULT_DIMENSIONS,
)


_NEW_ONLY = (
    "New-business deals only; expansion and renewal deals have their own metrics.",
    "Counted in the period of the close day (closed_date, else close_date when empty).",
)
_SNAPSHOT = (
    "New-business deals only; the version of each deal valid at the end of the period's "
    "closing day (opportunity_history), at that version's amount.",
    "Deals without any history count as open from created_date until they closed.",
)
_RATE = "Undefined when no deal closed in the period."

METRICS = (
    _sales(
        "new_bookings",
        description="First-year value of the new-business deals won in the period.",
        formula="Sum of amount (base currency) of won new-business deals, by close day.",
        unit="money",
        direction="higher",
        measure=Sum("amount"),
        facts=won_new_business,
        edge_cases=(*_NEW_ONLY, "The amount is the deal's current amount_base."),
    ),
    _sales(
        "expansion_bookings",
        description="Value of the expansion deals won in the period.",
        formula="Sum of amount (base currency) of won expansion deals, by close day.",
        unit="money",
        direction="higher",
        department="customer_success",
        measure=Sum("amount"),
        facts=won_expansion,
        edge_cases=(
            "Expansion deals only (opportunity_type expansion).",
            "Counted in the period of the close day (closed_date, else close_date when empty).",
        ),
    ),
    _sales(
        "pipeline_created",
        description="Value of the new-business deals created in the period.",
        formula="Sum of amount (base currency) of new-business deals, by created_date.",
        unit="money",
        direction="higher",
        indicator="leading",
        measure=Sum("amount"),
        facts=created_new_business,
        edge_cases=("New-business deals only, whatever became of them; at their current amount.",),
    ),
    _sales(
        "pipeline_created_count",
        description="Number of new-business deals created in the period.",
        formula="Count of new-business deals, by created_date.",
        unit="count",
        direction="higher",
        indicator="leading",
        measure=Count(),
        facts=created_new_business,
        edge_cases=("New-business deals only, whatever became of them.",),
    ),
    _sales(
        "open_pipeline",
        description="Value of the open new-business deals on the period's closing day.",
        formula="Sum of amount (base currency) of the versions of new-business deals valid "
        "at the end of the closing day whose stage is not closed_won or closed_lost.",
        unit="money",
        direction="higher",
        indicator="leading",
        dimensions=VERSION_DIMENSIONS,
        measure=Sum("amount"),
        facts=open_pipeline_facts,
        edge_cases=_SNAPSHOT,
    ),
    _sales(
        "open_opportunities",
        description="Number of open new-business deals on the period's closing day.",
        formula="Count of new-business deals whose version valid at the end of the closing "
        "day is in an open stage.",
        unit="count",
        direction="higher",
        indicator="leading",
        dimensions=VERSION_DIMENSIONS,
        measure=Count(),
        facts=open_pipeline_facts,
        edge_cases=_SNAPSHOT,
    ),
    _sales(
        "win_rate",
        description="Share of the new-business deals closed in the period that were won.",
        formula="Won ÷ closed (won + lost) new-business deals, by close day.",
        unit="ratio",
        direction="higher",
        measure=Ratio(Sum("won"), Count()),
        facts=closed_new_business,
        edge_cases=(*_NEW_ONLY, "Open deals do not count, however old.", _RATE),
    ),
    _sales(
        "win_rate_value",
        description="Share of the value of the new-business deals closed in the period "
        "that was won.",
        formula="Amount of won ÷ amount of closed new-business deals, by close day.",
        unit="ratio",
        direction="higher",
        measure=Ratio(Sum("won_amount"), Sum("amount")),
        facts=closed_new_business,
        edge_cases=(*_NEW_ONLY, "Undefined when the closed deals are worth nothing."),
    ),
    _sales(
        "average_deal_size",
        description="Average value of the new-business deals won in the period.",
        formula="New bookings ÷ number of won new-business deals.",
        unit="money",
        direction="higher",
        measure=Ratio(Sum("amount"), Count()),
        facts=won_new_business,
        edge_cases=(
            *_NEW_ONLY,
            "A won deal without an amount counts as 0.",
            "Undefined when no deal was won.",
        ),
    ),
    _sales(
        "sales_cycle_length",
        description="Median days from creating a new-business deal to winning it.",
        formula="Median of closed day − created_date over new-business deals won in the period.",
        unit="days",
        direction="lower",
        measure=Median("cycle_days"),
        facts=sales_cycles,
        edge_cases=(
            *_NEW_ONLY,
            "Won deals only; lost deals do not shorten or lengthen it.",
            "Deals closed before they were created (bad data) are left out.",
            "Undefined when no deal was won.",
        ),
    ),
    _sales(
        "pipeline_velocity",
        description="Expected new bookings per day from the open pipeline.",
        formula="Open opportunities × win rate × average deal size ÷ sales cycle length.",
        unit="money_per_day",
        direction="higher",
        indicator="leading",
        measure=Formula(
            inputs={
                "open": "open_opportunities",
                "win_rate": "win_rate",
                "deal_size": "average_deal_size",
                "cycle": "sales_cycle_length",
            },
            combine=_pipeline_velocity,
        ),
        edge_cases=(
            "Open opportunities on the closing day; win rate, deal size and cycle from the "
            "deals closed in the period.",
            "Undefined when no deal closed, or the median cycle is 0 days.",
        ),
    ),
    _sales(
        "average_discount",
        description="Average discount off list price of the new-business deals won in the period.",
        formula="Mean over won new-business deals of the discount (1 − amount ÷ list amount).",
        unit="ratio",
        direction="lower",
        measure=Mean("discount"),
        facts=discounted_wins,
        edge_cases=(
            *_NEW_ONLY,
            "Each deal weighs the same; deals without a discount or list amount are left out.",
            "Undefined when no deal was won.",
        ),
    ),
    _sales(
        "renewal_rate",
        description="Share of the renewal deals closed in the period that were won.",
        formula="Won ÷ closed (won + lost) renewal deals, by close day.",
        unit="ratio",
        direction="higher",
        department="customer_success",
        measure=Ratio(Sum("won"), Count()),
        facts=closed_renewals,
        edge_cases=(
            "Renewal deals only (opportunity_type renewal); open renewals do not count.",
            _RATE,
        ),
    ),
    _sales(
        "renewal_value_rate",
        description="Share of the value of the renewal deals closed in the period that was won.",
        formula="Amount of won ÷ amount of closed renewal deals, by close day.",
        unit="ratio",
        direction="higher",
        department="customer_success",
        measure=Ratio(Sum("won_amount"), Sum("amount")),
        facts=closed_renewals,
        edge_cases=(
            "Renewal deals only (opportunity_type renewal); open renewals do not count.",
            "Undefined when the closed renewals are worth nothing.",
        ),
    ),
)
