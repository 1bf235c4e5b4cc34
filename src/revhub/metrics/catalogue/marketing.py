"""Marketing metrics: spend, cost per lead, CAC and marketing-sourced pipeline and revenue.

Definitions every metric here shares:

- **Spend** is the rows of ``marketing_spend`` (``amount_base``, base currency), each in
  the period holding its ``month``. Salaries, agencies and tools count only when the
  company records them as spend rows.
- **Acquisition channel** of a company: the ``source_channel`` of its first won
  new-business deal (earliest close day, ties broken by opportunity id), after identity
  resolution. It stays null for a company without a won new-business deal.
- **Paid channels** (``PAID_CHANNELS``) are the channels bought per click or impression.
- **Marketing-sourced** deals are new-business deals whose first touch, the deal's
  ``source_channel``, is a marketing channel (``MARKETING_CHANNELS``): every channel but
  outbound, partner and referral, which sales and partners source. This first-touch rule
  stands until multi-touch attribution replaces it. Marketing-sourced pipeline and
  revenue are ``pipeline_created`` and ``new_bookings`` (``catalogue.sales``) restricted
  to those deals, built from the same facts (``catalogue.deals``).

Counts defined elsewhere (leads, MQLs, SQLs, new bookings) are divided through a
``Formula`` naming their metric, so each is counted in one place. CAC needs new
customers by acquisition channel, which ``new_customers`` cannot give, so its facts count
them from the same MRR movements (a company-month with new MRR), and agree with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import ibis

from revhub.metrics.catalogue.deals import (
    DEAL_DIMENSIONS,
    created_new_business,
    first_won_deals,
    stacked,
    won_new_business,
)
from revhub.metrics.core import Formula, Grain, Metric, Ratio, Sum
from revhub.metrics.frame import Frame
from revhub.metrics.mrr import movements

PAID_CHANNELS = ("paid_search", "paid_social")
MARKETING_CHANNELS = (
    "organic_search",
    "paid_search",
    "paid_social",
    "content",
    "events",
    "webinar",
    "email",
    "direct",
)
MONTHLY: tuple[Grain, ...] = ("month", "quarter", "year")
ANY_GRAIN: tuple[Grain, ...] = ("day", "week", "month", "quarter", "year")
SPEND_DIMENSIONS = ("channel", "campaign")
SOURCED_DIMENSIONS = (*DEAL_DIMENSIONS, "campaign")


def spend_facts(frame: Frame) -> ibis.Table:
    """Spend rows in range: ``period``, ``channel``, ``campaign`` (its name, null when the
    spend is not per campaign) and ``spend`` (base currency). Built once per frame."""
    return frame.shared("spend_facts", lambda: _spend_facts(frame))


def _spend_facts(frame: Frame) -> ibis.Table:
    spend = frame.raw("marketing_spend")
    # whole months, as MRR movements count them: a range starting mid-month keeps its spend
    first = frame.calendar[0].start if frame.calendar else frame.start
    spend = spend.filter((spend.month >= first) & (spend.month <= frame.end))
    spend = spend.mutate(period=frame.period(spend.month))
    campaigns = _campaign_names(frame)
    joined = spend.left_join(campaigns, spend.campaign_id == campaigns._campaign_id)
    return joined.select(
        "period", "channel", "campaign", spend=joined.amount_base.cast("float64").fill_null(0.0)
    )


def _campaign_names(frame: Frame) -> ibis.Table:
    return frame.raw("campaigns").select(_campaign_id="campaign_id", campaign="name")


def cac_facts(frame: Frame) -> ibis.Table:
    """Spend rows and new customers side by side: ``period``, ``channel`` (the spend's
    channel, or the new customer's acquisition channel), ``spend`` and ``new_customer``
    (1 for each company-month with new MRR, as ``new_customers`` counts them)."""
    return frame.shared("cac_facts", lambda: _cac_facts(frame))


def _cac_facts(frame: Frame) -> ibis.Table:
    spend = spend_facts(frame)
    spend = spend.select("period", "channel", "spend", new_customer=ibis.literal(0, type="int64"))
    moves = movements(frame)
    new = moves.filter(moves.new > 0)
    acquired = first_won_deals(frame)
    new = new.left_join(acquired, new.account_id == acquired.account_id)
    new = new.select(
        period=frame.period(new.month),
        channel=new.acquisition_channel,
        spend=ibis.literal(0.0, type="float64"),
        new_customer=ibis.literal(1, type="int64"),
    )
    return stacked(spend, new)


def paid_cac_facts(frame: Frame) -> ibis.Table:
    """``cac_facts`` of the paid channels only."""
    facts = cac_facts(frame)
    return facts.filter(facts.channel.isin(PAID_CHANNELS))


def sourced_pipeline_facts(frame: Frame) -> ibis.Table:
    """The facts of ``pipeline_created`` (new-business deals by created_date) whose
    source channel is a marketing channel, with their ``campaign``."""
    return _marketing_sourced(frame, created_new_business(frame))


def sourced_revenue_facts(frame: Frame) -> ibis.Table:
    """The facts of ``new_bookings`` (new-business deals won, by close day) whose source
    channel is a marketing channel, with their ``campaign``."""
    return _marketing_sourced(frame, won_new_business(frame))


def _marketing_sourced(frame: Frame, deals: ibis.Table) -> ibis.Table:
    sourced = deals.filter(deals.channel.isin(MARKETING_CHANNELS))
    campaigns = _deal_campaigns(frame)
    joined = sourced.left_join(campaigns, sourced.opportunity_id == campaigns._opportunity_id)
    return joined.drop("_opportunity_id")


def _deal_campaigns(frame: Frame) -> ibis.Table:
    """``_opportunity_id`` → ``campaign``: the name of each deal's primary campaign."""
    deals = frame.raw("opportunities").select(_opportunity_id="opportunity_id", _cid="campaign_id")
    campaigns = _campaign_names(frame)
    joined = deals.left_join(campaigns, deals._cid == campaigns._campaign_id)
    return joined.select("_opportunity_id", "campaign")


def _spend_per(count: str) -> Formula:
    """Spend ÷ the metric ``count``; no recorded spend is 0, a count of 0 undefined."""

    def combine(values: Mapping[str, ibis.Value]) -> ibis.Value:
        return values["spend"].fill_null(0.0) / values["count"].nullif(0.0)

    return Formula(inputs={"spend": "marketing_spend", "count": count}, combine=combine)


_marketing = partial(Metric, department="marketing", indicator="lagging", grains=MONTHLY)


_SPEND_EDGES = (
    "Only spend recorded in marketing_spend counts: salaries, agencies and tools count only "
    "when recorded there as spend rows.",
    "Spend is counted in the month it was spent in, whole (also when the range starts "
    "inside the month); weeks and days are not offered.",
)
_COST_PER_EDGES = (
    *_SPEND_EDGES,
    "A channel with no recorded spend costs 0 per lead; undefined when the count is 0.",
)
_CAC_EDGES = (
    "Counts marketing spend only: sales salaries and commissions are not in the model, "
    "unless the company records them as marketing_spend rows.",
    "New customers are counted as `new_customers` counts them: company-months with new MRR.",
    "By channel, spend in a channel is divided by the new customers acquired through it "
    "(source channel of each company's first won new-business deal); customers without "
    "one have no channel. Channels without recorded spend (referral, partner) show 0.",
    "Undefined when there are no new customers.",
)
_SOURCED_EDGES = (
    "Marketing-sourced: a new-business deal whose source channel is organic_search, "
    "paid_search, paid_social, content, events, webinar, email or direct (not outbound, "
    "partner, referral or unknown) — first touch, until attribution replaces it.",
    "Expansion and renewal deals are excluded; `owner` and `team` are the deal owner's.",
)

METRICS = (
    _marketing(
        "marketing_spend",
        description="Money spent on marketing in the period.",
        formula="Sum of marketing_spend amounts in base currency, by the month spent.",
        unit="money",
        direction="neutral",
        dimensions=SPEND_DIMENSIONS,
        default_dimensions=("channel",),
        measure=Sum("spend"),
        facts=spend_facts,
        edge_cases=_SPEND_EDGES,
    ),
    _marketing(
        "cost_per_lead",
        description="Marketing spend per lead created in the period.",
        formula="Marketing spend ÷ leads.",
        unit="money",
        direction="lower",
        dimensions=("channel",),
        measure=_spend_per("leads"),
        edge_cases=_COST_PER_EDGES,
    ),
    _marketing(
        "cost_per_mql",
        description="Marketing spend per marketing-qualified lead in the period.",
        formula="Marketing spend ÷ MQLs.",
        unit="money",
        direction="lower",
        dimensions=("channel",),
        measure=_spend_per("mqls"),
        edge_cases=_COST_PER_EDGES,
    ),
    _marketing(
        "cost_per_sql",
        description="Marketing spend per sales-qualified lead in the period.",
        formula="Marketing spend ÷ SQLs.",
        unit="money",
        direction="lower",
        dimensions=("channel",),
        measure=_spend_per("sqls"),
        edge_cases=_COST_PER_EDGES,
    ),
    _marketing(
        "cac_blended",
        description="Blended customer acquisition cost: marketing spend per new customer.",
        formula="All marketing spend ÷ new customers (companies paying for the first time).",
        unit="money",
        direction="lower",
        dimensions=("channel",),
        measure=Ratio(Sum("spend"), Sum("new_customer")),
        facts=cac_facts,
        edge_cases=_CAC_EDGES,
    ),
    _marketing(
        "cac_paid",
        description="Paid customer acquisition cost: paid-channel spend per new customer "
        "acquired through a paid channel.",
        formula="Spend on paid_search and paid_social ÷ new customers whose acquisition "
        "channel is one of them.",
        unit="money",
        direction="lower",
        dimensions=("channel",),
        measure=Ratio(Sum("spend"), Sum("new_customer")),
        facts=paid_cac_facts,
        edge_cases=(*_CAC_EDGES[:3], "Undefined when no new customer came through a paid channel."),
    ),
    _marketing(
        "marketing_sourced_pipeline",
        description="Pipeline created by new-business deals that marketing sourced.",
        formula="Pipeline created by new-business deals whose source channel is a "
        "marketing channel: the sum of their amounts (base currency) by created_date.",
        unit="money",
        direction="higher",
        indicator="leading",
        grains=ANY_GRAIN,
        dimensions=SOURCED_DIMENSIONS,
        default_dimensions=("channel",),
        measure=Sum("amount"),
        facts=sourced_pipeline_facts,
        edge_cases=_SOURCED_EDGES,
    ),
    _marketing(
        "marketing_sourced_revenue",
        description="Bookings won from new-business deals that marketing sourced.",
        formula="New bookings from deals whose source channel is a marketing channel: "
        "the sum of their amounts (base currency, first-year ARR) by close day.",
        unit="money",
        direction="higher",
        grains=ANY_GRAIN,
        dimensions=SOURCED_DIMENSIONS,
        default_dimensions=("channel",),
        measure=Sum("amount"),
        facts=sourced_revenue_facts,
        edge_cases=(*_SOURCED_EDGES, "Counted in the period the deal was won (its close day)."),
    ),
    _marketing(
        "marketing_cost_share_of_new_revenue",
        description="Marketing spend as a share of the new-business bookings won in the period.",
        formula="Marketing spend ÷ new bookings.",
        unit="ratio",
        direction="lower",
        dimensions=("channel",),
        measure=Formula(
            inputs={"spend": "marketing_spend", "bookings": "new_bookings"},
            combine=lambda v: v["spend"].fill_null(0.0) / v["bookings"].nullif(0.0),
        ),
        edge_cases=(
            *_SPEND_EDGES,
            "By channel: the channel's spend ÷ bookings of deals it sourced; a channel "
            "without recorded spend shows 0.",
            "Undefined when nothing was booked in the period.",
        ),
    ),
)
