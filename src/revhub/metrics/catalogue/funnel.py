"""Funnel metrics: people and companies moving lead → MQL → SQL → opportunity → customer.

**Who moves.** ``lead``, ``mql`` and ``sql`` are stages of *people*. A person is identity
resolution's person (``resolve.crosswalk``, entity ``person``), so a lead and the contact
it became, or the same person in HubSpot and Salesforce, count once; without a crosswalk
a converted lead is the contact it became (``converted_contact_id`` /
``converted_from_lead_id``). ``opportunity`` is a stage of *deals*: every new-business
opportunity, on its ``created_date``. ``customer`` is a stage of *companies*: each
company enters it on the close day of its first won deal. (Account lifecycle events are
not used: CRMs record them for some companies only.)

**Entering a stage.** A person enters a stage the first time a ``lifecycle_events`` row
(entity_type lead or contact) moves them to it. ``leads`` come from these lifecycle
``lead`` entries, so a subscriber becomes a lead when promoted, not when first seen; a
person with no lifecycle event at all enters ``lead`` when their first lead record was
created.

**Moving on.** lead → mql: the person's first entry into mql, or straight into sql,
on or after the day they became a lead; mql → sql: their first entry into sql on or
after the day they became an MQL; sql → opportunity: the earliest new-business deal of
the person's company created on or after the day they became an SQL; opportunity →
customer: the deal was won (on its close day). Days between stages are calendar days
between the days of entering them.

**Dimensions** (``FUNNEL_DIMENSIONS``): ``stage``; ``channel`` (a person's first-touch
channel, a deal's source channel); ``segment``, ``region``, ``industry``, ``country`` of
the company (for a person whose company is unknown, what their lead record says);
``owner`` and ``team``: who owns the person or deal on entering the stage (the deal
owner; for ``customer``, the owner of the first won deal).
"""

from __future__ import annotations

from functools import partial

import ibis

from revhub.metrics.catalogue.deals import stacked
from revhub.metrics.catalogue.funnel_entries import FUNNEL_DIMENSIONS, FUNNEL_STAGES, funnel_entries
from revhub.metrics.core import Count, FactsFn, Grain, Median, Metric, Ratio, Sum
from revhub.metrics.frame import Frame

ANY_GRAIN: tuple[Grain, ...] = ("day", "week", "month", "quarter", "year")
STAGE_COUNT_DIMENSIONS = FUNNEL_DIMENSIONS[1:]


def stage_entries(frame: Frame) -> ibis.Table:
    """Entries into every funnel stage in range, each in the period of its day."""
    return frame.events(funnel_entries(frame), "entered_on")


def _entries_into(stage: str) -> FactsFn:
    def facts(frame: Frame) -> ibis.Table:
        entries = stage_entries(frame)
        return entries.filter(entries.stage == stage)

    facts.__name__ = f"{stage}_entries"
    facts.__doc__ = f"Entries into the {stage} stage in range."
    return facts


def _moving_on(frame: Frame) -> ibis.Table:
    """Entries into every stage that has a next one (all but the last, customer)."""
    entries = funnel_entries(frame)
    return entries.filter(entries.stage != FUNNEL_STAGES[-1])


def conversion_flows(frame: Frame) -> ibis.Table:
    """Per stage (but customer), entries in range (``entered`` = 1, in the period they
    entered) and moves on to the next stage in range (``moved`` = 1, in the period they
    moved)."""
    entries = _moving_on(frame)
    entered = frame.events(entries, "entered_on").mutate(
        entered=ibis.literal(1), moved=ibis.literal(0)
    )
    moved = frame.events(entries.filter(entries.next_on.notnull()), "next_on").mutate(
        entered=ibis.literal(0), moved=ibis.literal(1)
    )
    return stacked(entered, moved)


def conversion_cohorts(frame: Frame) -> ibis.Table:
    """Per stage (but customer), entries in range, each in the period it entered, with
    ``reached`` = 1 when it moved on by the end of the range."""
    entries = frame.events(_moving_on(frame), "entered_on")
    reached = entries.next_on.notnull() & (entries.next_on <= frame.end)
    return entries.mutate(reached=reached.cast("int64"))


def stage_moves(frame: Frame) -> ibis.Table:
    """Moves on from a stage in range, each in the period of the move, with ``days``
    since entering the stage."""
    entries = _moving_on(frame)
    moves = frame.events(entries.filter(entries.next_on.notnull()), "next_on")
    return moves.mutate(days=moves.next_on.delta(moves.entered_on, unit="day"))


_funnel = partial(
    Metric,
    department="marketing",
    indicator="leading",
    grains=ANY_GRAIN,
    dimensions=FUNNEL_DIMENSIONS,
    default_dimensions=("stage",),
)


_PEOPLE = (
    "One person counted once: records of the same person (identity resolution's people "
    "crosswalk, or a lead and the contact it became) share their first entry.",
)
_BY_STAGE = "Always by `stage` (the stage moved from: lead, mql, sql or opportunity)."
_CONVERSION_EDGES = (
    _BY_STAGE,
    "Next stage: lead → mql (or straight to sql), mql → sql, sql → the company's next "
    "new-business deal, opportunity → won.",
    "customer is the last stage and has no conversion.",
)

METRICS = (
    _funnel(
        "leads",
        description="People who became leads in the period.",
        formula="Count of people whose first lifecycle entry into lead falls in the period.",
        unit="count",
        direction="higher",
        dimensions=STAGE_COUNT_DIMENSIONS,
        default_dimensions=("channel",),
        measure=Count(),
        facts=_entries_into("lead"),
        edge_cases=(
            *_PEOPLE,
            "From lifecycle events (a subscriber counts when promoted to lead); a person "
            "with no lifecycle event counts when their first lead record was created.",
        ),
    ),
    _funnel(
        "mqls",
        description="People who became marketing-qualified leads in the period.",
        formula="Count of people whose first lifecycle entry into mql falls in the period.",
        unit="count",
        direction="higher",
        dimensions=STAGE_COUNT_DIMENSIONS,
        default_dimensions=("channel",),
        measure=Count(),
        facts=_entries_into("mql"),
        edge_cases=_PEOPLE,
    ),
    _funnel(
        "sqls",
        description="People who became sales-qualified leads in the period.",
        formula="Count of people whose first lifecycle entry into sql falls in the period.",
        unit="count",
        direction="higher",
        department="sales",
        dimensions=STAGE_COUNT_DIMENSIONS,
        default_dimensions=("channel",),
        measure=Count(),
        facts=_entries_into("sql"),
        edge_cases=_PEOPLE,
    ),
    _funnel(
        "funnel_entries",
        description="Entries into each funnel stage in the period.",
        formula="Count of first entries of people into lead, mql and sql, of new-business "
        "deals created (opportunity) and of companies winning their first deal (customer).",
        unit="count",
        direction="higher",
        always_by=("stage",),
        measure=Count(),
        facts=stage_entries,
        edge_cases=(
            *_PEOPLE,
            "Always by `stage`: the stages do not add up.",
            "opportunity counts deals, customer companies, the others people.",
        ),
    ),
    _funnel(
        "funnel_conversion",
        description="Moves from a funnel stage to the next in the period, per entry into "
        "the stage in the period.",
        formula="Moves on from the stage in the period ÷ entries into the stage in the period.",
        unit="ratio",
        direction="higher",
        always_by=("stage",),
        measure=Ratio(Sum("moved"), Sum("entered")),
        facts=conversion_flows,
        edge_cases=(
            *_CONVERSION_EDGES,
            "A period view: the moves need not come from the same period's entries, so "
            "it can exceed 1; funnel_cohort_conversion follows the entries instead.",
            "Undefined when nobody entered the stage in the period.",
        ),
    ),
    _funnel(
        "funnel_cohort_conversion",
        description="Share of the entries into a funnel stage in the period that moved "
        "on to the next stage by the end of the range.",
        formula="Entries in the period that moved on by the range's end ÷ entries in the period.",
        unit="ratio",
        direction="higher",
        always_by=("stage",),
        measure=Ratio(Sum("reached"), Count()),
        facts=conversion_cohorts,
        edge_cases=(
            *_CONVERSION_EDGES,
            "Recent periods look worse: their entries have had less time to move on.",
            "Undefined when nobody entered the stage in the period.",
        ),
    ),
    _funnel(
        "funnel_days_to_next_stage",
        description="Median days from entering a funnel stage to entering the next.",
        formula="Median of (day of moving on − day of entering) over moves on from the "
        "stage in the period.",
        unit="days",
        direction="lower",
        always_by=("stage",),
        measure=Median("days"),
        facts=stage_moves,
        edge_cases=(
            *_CONVERSION_EDGES,
            "Counted in the period of the move (the later entry).",
            "Undefined when nobody moved on from the stage in the period.",
        ),
    ),
)
