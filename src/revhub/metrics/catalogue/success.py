"""Customer-success metrics: support load and speed, satisfaction, NPS and onboarding.

- **Tickets** count in the period they were opened (volume, first response time) or
  solved (CSAT), after identity resolution: a company's Zendesk and CRM records count as
  one company. Tickets are sliced by company dimensions and by their own ``priority``,
  ``category``, ``ticket_channel`` (how it came in) and ``agent`` (the assignee's name).
- **CSAT** follows the usual convention: the share of ratings of 4 or 5 on the 1–5 scale.
- **NPS**: promoters answer 9–10, detractors 0–6; the score is the percentage of
  promoters minus the percentage of detractors, from −100 to 100.
- **Onboarding** runs from a company's first won new-business deal (the same deal that
  gives its acquisition channel, ``catalogue.deals.first_won_deals``) to its first day of
  product usage with the key feature on or after that day.

Churn, renewal and expansion by CSM and segment are the subscription metrics sliced by
``csm`` and ``segment``; they are not repeated here.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import ibis

from revhub.metrics.catalogue.deals import first_won_deals
from revhub.metrics.core import Count, Formula, Grain, Median, Metric, Ratio, Sum
from revhub.metrics.frame import COMPANY_DIMENSIONS, Frame

ANY_GRAIN: tuple[Grain, ...] = ("day", "week", "month", "quarter", "year")
TICKET_DIMENSIONS = (*COMPANY_DIMENSIONS, "priority", "category", "ticket_channel", "agent")
SATISFIED_SCORES = (4, 5)
PROMOTER_MIN = 9
DETRACTOR_MAX = 6
DEFAULT_DIMENSIONS = ("segment",)


def ticket_facts(frame: Frame) -> ibis.Table:
    """Every support ticket with its company and ticket dimensions, ``opened_at``,
    ``solved_at``, ``csat_score`` and ``first_response_hours`` (null without a reply).
    Built once per frame."""
    return frame.shared("ticket_facts", lambda: _ticket_facts(frame))


def _ticket_facts(frame: Frame) -> ibis.Table:
    tickets = frame.table("support_tickets")
    agents = frame.teams_of_users().select(_agent_id="user_id", agent="name")
    joined = tickets.left_join(agents, tickets.assignee_id == agents._agent_id)
    waited = joined.first_response_at.epoch_seconds() - joined.opened_at.epoch_seconds()
    facts = joined.select(
        "ticket_id",
        "account_id",
        "opened_at",
        "solved_at",
        "csat_score",
        "priority",
        "category",
        "agent",
        ticket_channel=joined.channel,
        first_response_hours=waited.cast("float64") / 3600,
    )
    return frame.with_company(facts, *COMPANY_DIMENSIONS)


def opened_ticket_facts(frame: Frame) -> ibis.Table:
    """Tickets opened in range, in their opening period."""
    return frame.events(ticket_facts(frame), "opened_at")


def answered_ticket_facts(frame: Frame) -> ibis.Table:
    """Tickets opened in range that an agent answered."""
    opened = opened_ticket_facts(frame)
    return opened.filter(opened.first_response_hours.notnull())


def rated_ticket_facts(frame: Frame) -> ibis.Table:
    """Tickets solved in range with a CSAT rating, and ``is_satisfied`` (rated 4 or 5)."""
    tickets = ticket_facts(frame)
    rated = frame.events(tickets.filter(tickets.csat_score.notnull()), "solved_at")
    return rated.mutate(is_satisfied=rated.csat_score.isin(SATISFIED_SCORES).cast("int64"))


def nps_facts(frame: Frame) -> ibis.Table:
    """NPS responses in range with ``nps_points``: +1 a promoter, −1 a detractor, 0 a
    passive; their mean × 100 is the score."""
    responses = frame.events(frame.table("nps_responses"), "responded_at")
    points = ibis.cases(
        (responses.score >= PROMOTER_MIN, 1),
        (responses.score <= DETRACTOR_MAX, -1),
        else_=0,
    )
    facts = responses.select("period", "account_id", nps_points=points.cast("int64"))
    return frame.with_company(facts, *COMPANY_DIMENSIONS)


def onboarding_facts(frame: Frame) -> ibis.Table:
    """Per company whose first value event falls in range: ``won_date`` (first won
    new-business deal), ``first_value_date`` (first key-feature day on or after it),
    ``days`` between them, in the period of the first value event."""
    won = first_won_deals(frame)
    usage = frame.table("product_usage")
    usage = usage.filter(usage.key_feature_used.fill_null(False))
    joined = won.join(
        usage, (won.account_id == usage.account_id) & (usage.usage_date >= won.won_date)
    )
    first = joined.group_by(["account_id", "won_date"]).aggregate(
        first_value_date=joined.usage_date.min()
    )
    first = first.mutate(days=first.first_value_date.delta(first.won_date, unit="day"))
    return frame.with_company(frame.events(first, "first_value_date"), *COMPANY_DIMENSIONS)


def _tickets_per_paying_customer(values: Mapping[str, ibis.Value]) -> ibis.Value:
    return values["tickets"].fill_null(0.0) / values["customers"].nullif(0.0)


_success = partial(
    Metric,
    department="customer_success",
    indicator="lagging",
    grains=ANY_GRAIN,
    default_dimensions=DEFAULT_DIMENSIONS,
)


_TICKET_EDGES = ("Tickets of every company count, paying or not (trials, former customers).",)

METRICS = (
    _success(
        "tickets_opened",
        description="Support tickets opened in the period.",
        formula="Count of tickets by the day they were opened.",
        unit="count",
        direction="neutral",
        indicator="leading",
        dimensions=TICKET_DIMENSIONS,
        measure=Count(),
        facts=opened_ticket_facts,
        edge_cases=_TICKET_EDGES,
    ),
    _success(
        "tickets_per_account",
        description="Support tickets opened in the period per company paying at its close.",
        formula="Tickets opened ÷ paying customers on the closing day.",
        unit="multiple",
        direction="lower",
        indicator="leading",
        dimensions=COMPANY_DIMENSIONS,
        measure=Formula(
            inputs={"tickets": "tickets_opened", "customers": "paying_customers"},
            combine=_tickets_per_paying_customer,
        ),
        edge_cases=(*_TICKET_EDGES, "Undefined when no company pays on the closing day."),
    ),
    _success(
        "csat",
        description="Customer satisfaction: the share of ratings of tickets solved in the "
        "period that are 4 or 5 out of 5.",
        formula="Rated tickets solved in the period with a rating of 4 or 5 ÷ rated tickets "
        "solved in the period.",
        unit="ratio",
        direction="higher",
        dimensions=TICKET_DIMENSIONS,
        measure=Ratio(Sum("is_satisfied"), Count()),
        facts=rated_ticket_facts,
        edge_cases=(
            "CSAT convention: 4 and 5 are satisfied; 1–3 are not. Unrated tickets are left out.",
            "Counted in the period the ticket was solved; undefined without ratings.",
        ),
    ),
    _success(
        "nps",
        description="Net Promoter Score of the survey answers given in the period.",
        formula="(Promoters (9–10) − detractors (0–6)) ÷ responses × 100.",
        unit="score",
        direction="higher",
        indicator="leading",
        dimensions=COMPANY_DIMENSIONS,
        measure=Ratio(Sum("nps_points"), Count(), scale=100.0),
        edge_cases=(
            "Ranges from −100 (all detractors) to 100 (all promoters); passives (7–8) count "
            "only in the number of responses.",
            "Every response counts, also several from one person; undefined without responses.",
        ),
        facts=nps_facts,
    ),
    _success(
        "time_to_onboard",
        description="Median days from a company's first won deal to its first use of the "
        "key feature.",
        formula="Median over companies of days from the close of the first won new-business "
        "deal to the first product-usage day with the key feature used on or after it.",
        unit="days",
        direction="lower",
        dimensions=COMPANY_DIMENSIONS,
        measure=Median("days"),
        facts=onboarding_facts,
        edge_cases=(
            "Counted in the period of the first value event, so slow onboardings show late.",
            "Key-feature use before the deal was won (trials, pilots) does not count.",
            "Companies without a won new-business deal or without key-feature use are left "
            "out; undefined when none reached first value in the period.",
        ),
    ),
    _success(
        "first_response_time",
        description="Median hours from a ticket being opened to the first agent reply.",
        formula="Median over tickets opened in the period of (first response − opened) in hours.",
        # "hours" is not yet a core.Unit: requested from the owner of core.py.
        unit="hours",
        direction="lower",
        dimensions=TICKET_DIMENSIONS,
        measure=Median("first_response_hours"),
        facts=answered_ticket_facts,
        edge_cases=(
            "Counted in the period the ticket was opened; tickets never answered are left out.",
            "Calendar hours, not business hours.",
        ),
    ),
)
