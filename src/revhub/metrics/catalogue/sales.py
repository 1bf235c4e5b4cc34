"""Sales metrics: bookings, pipeline, win rates, deal size and speed, quota and renewals.

Sales metrics measure **new business** (``opportunity_type = new_business``), which is
what sales targets mean; expansion deals have ``expansion_bookings`` (and the MRR
metrics), renewals ``renewal_rate``. Deals and their history come from
``revhub.metrics.catalogue.deals`` (amounts in base currency, dimensions, the version of
a deal valid on a day). Families of facts:

- **closed deals**, each in the period of its close day (bookings, win rates, deal size,
  sales cycle, discount, renewals);
- **created deals**, in the period of ``created_date`` (pipeline created);
- **snapshots** of the open pipeline on each period's closing day, from
  ``opportunity_history``;
- **stage history**: stretches in a stage, and close dates pushed out of a period;
- **quota**, per seller and month, against the bookings they won;
- **coverage**: open pipeline against the part of the bookings target still to win.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import ibis
import pyarrow as pa

from revhub.metrics.catalogue.deals import (
    DEAL_DIMENSIONS,
    VERSION_DIMENSIONS,
    open_pipeline_on,
    opportunity_facts,
    slip_facts,
    stacked,
    stage_rank,
    stage_spells,
)
from revhub.metrics.core import Count, Formula, Mean, Median, Metric, Ratio, Sum
from revhub.metrics.frame import Frame
from revhub.metrics.periods import periods

ANY_GRAIN = ("day", "week", "month", "quarter", "year")
PLANNED_GRAINS = ("month", "quarter", "year")
DEFAULT_DIMENSIONS = ("segment", "region")
STAGE_DIMENSIONS = ("stage", *DEAL_DIMENSIONS)


def _closed(frame: Frame, kind: str) -> ibis.Table:
    """Deals of ``kind`` closed in range, each in the period of its close day."""
    deals = opportunity_facts(frame)
    closed = deals.filter(deals.is_closed & (deals.opportunity_type == kind))
    closed = frame.events(closed, "closed_on")
    return closed.mutate(
        won=closed.is_won.cast("int64"),
        won_amount=ibis.ifelse(closed.is_won, closed.amount.fill_null(0.0), 0.0),
        amount=closed.amount.fill_null(0.0),
    )


def closed_new_business(frame: Frame) -> ibis.Table:
    """New-business deals closed (won or lost) in range: ``won`` (0/1), ``won_amount``,
    ``amount`` and the deal dimensions."""
    return _closed(frame, "new_business")


def won_new_business(frame: Frame) -> ibis.Table:
    """New-business deals won in range, with ``cycle_days`` (created → closed)."""
    won = closed_new_business(frame)
    won = won.filter(won.won == 1)
    return won.mutate(cycle_days=won.closed_on.delta(won.created_date, unit="day"))


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
    closed = _closed(frame, "expansion")
    return closed.filter(closed.won == 1)


def closed_renewals(frame: Frame) -> ibis.Table:
    """Renewal deals closed (won or lost) in range."""
    return _closed(frame, "renewal")


def created_new_business(frame: Frame) -> ibis.Table:
    """New-business deals created in range, each in the period of ``created_date``."""
    deals = opportunity_facts(frame)
    created = frame.events(deals.filter(deals.opportunity_type == "new_business"), "created_date")
    return created.mutate(amount=created.amount.fill_null(0.0))


def open_pipeline_facts(frame: Frame) -> ibis.Table:
    """Open new-business deals on each period's closing day, at that day's version."""
    return frame.shared("open_pipeline_facts", lambda: _open_pipeline_facts(frame))


def _open_pipeline_facts(frame: Frame) -> ibis.Table:
    live = open_pipeline_on(frame, frame.periods(), "closing_day")
    return live.select(
        "period", "opportunity_id", *VERSION_DIMENSIONS, amount=live.amount.fill_null(0.0)
    )


def stage_exits(frame: Frame) -> ibis.Table:
    """Stretches in an open stage that ended in range, each in the period it ended:
    ``advanced`` (1 when the deal moved to a later stage or was won) and ``days``."""
    spells = stage_spells(frame)
    ended = frame.events(spells.filter(spells.left_at.notnull()), "left_at")
    forward = (stage_rank(ended.next_stage) > stage_rank(ended.stage)) & (
        ended.next_stage != "closed_lost"
    )
    seconds = ended.left_at.epoch_seconds() - ended.entered_at.epoch_seconds()
    return ended.mutate(
        advanced=forward.fill_null(False).cast("int64"),
        days=seconds.cast("float64") / 86400.0,
    )


def slipped(frame: Frame) -> ibis.Table:
    """Deals whose close date was pushed out of the period (see ``deals.slip_facts``)."""
    slips = slip_facts(frame)
    return slips.mutate(amount=slips.amount.fill_null(0.0))


QUOTA_DIMENSIONS = ("owner", "team", "region", "segment")
COVERAGE_DIMENSIONS = ("segment", "region", "team")
DAYS_PER_MONTH = 365.25 / 12
# Kinds of bookings target, broadest first: a group uses the broadest kind it holds.
TARGET_SCOPES = ("company", "segment", "region", "team")


def quota_facts(frame: Frame) -> ibis.Table:
    """Per quota-carrying seller: one row per month in range with its ``quota``, and one
    per won new-business deal credited to them with its amount as ``won``; ``period``
    and the seller's ``owner`` (name), ``team``, ``region`` and ``segment``."""
    sellers = _quota_carriers(frame)
    months = _whole_months(frame)
    grid = sellers.cross_join(months)
    grid = grid.filter(
        (grid.hire_date <= grid.month_last)
        & (grid.termination_date.isnull() | (grid.termination_date >= grid.month))
    )
    employed_from = ibis.greatest(grid.hire_date, grid.month)
    employed_to = ibis.least(grid.termination_date.fill_null(grid.month_last), grid.month_last)
    share = (employed_to.delta(employed_from, unit="day") + 1) / grid.month_days
    tenure = (
        employed_from.delta(grid.hire_date, unit="day")
        + employed_to.delta(grid.hire_date, unit="day")
    ) / 2.0
    ramp_days = grid.ramp_months.cast("float64") * DAYS_PER_MONTH
    ramp = ibis.ifelse(grid.ramp_months.fill_null(0) > 0, ibis.least(tenure / ramp_days, 1.0), 1.0)
    quota = grid.select(
        *QUOTA_DIMENSIONS,
        period=frame.period(grid.month),
        quota=grid.annual_quota / 12.0 * share * ramp,
        won=ibis.literal(0.0),
    )
    return stacked(quota, _credited_wins(frame, sellers))


def _quota_carriers(frame: Frame) -> ibis.Table:
    users = frame.raw("users")
    users = users.filter(users.annual_quota_base.cast("float64") > 0)
    teams = frame.teams_of_users().select(_user_id="user_id", team="team")
    joined = users.left_join(teams, users.user_id == teams._user_id)
    return joined.select(
        "user_id",
        "role",
        "hire_date",
        "termination_date",
        "ramp_months",
        "team",
        "region",
        "segment",
        owner=joined.name,
        annual_quota=joined.annual_quota_base.cast("float64"),
    )


def _credited_wins(frame: Frame, sellers: ibis.Table) -> ibis.Table:
    """Won new-business deals in range, credited to their owner and, for SDRs, to the
    SDR who sourced them (unless the SDR owns the deal)."""
    won = won_new_business(frame).select(
        "period", "owner_id", "sdr_id", won=lambda t: t.amount.fill_null(0.0)
    )
    owned = won.join(sellers, won.owner_id == sellers.user_id)
    sourced = won.join(
        sellers,
        (won.sdr_id == sellers.user_id)
        & (sellers.role == "sdr")
        & (won.owner_id.isnull() | (won.owner_id != won.sdr_id)),
    )
    columns = (*QUOTA_DIMENSIONS, "period")
    return stacked(
        owned.select(*columns, quota=ibis.literal(0.0), won=owned.won),
        sourced.select(*columns, quota=ibis.literal(0.0), won=sourced.won),
    )


def _whole_months(frame: Frame) -> ibis.Table:
    """Every month of the periods in range, whole (the running period's too):
    ``month``, ``month_last`` and ``month_days``."""
    calendar = frame.calendar
    first = calendar[0].start if calendar else frame.start
    last = calendar[-1].next_start - dt.timedelta(days=1) if calendar else frame.end
    months = periods("month", first, last)
    arrow = pa.table(
        {
            "month": pa.array([m.start for m in months], pa.date32()),
            "month_last": pa.array([m.next_start - dt.timedelta(days=1) for m in months]),
            "month_days": pa.array([(m.next_start - m.start).days for m in months], pa.int64()),
        }
    )
    return frame.shared("calendar_whole_months", lambda: ibis.memtable(arrow))


def coverage_facts(frame: Frame) -> ibis.Table:
    """Per period: the open new-business pipeline on its measuring day due by the
    period's end (``pipeline``), new bookings won in the period up to that day (``won``)
    and the period's new_bookings targets (``target``, ``target_scope`` = 1 company, 2
    segment, 3 region, 4 team), with ``segment``, ``region`` and ``team``."""
    days = _coverage_days(frame)
    live = open_pipeline_on(frame, days, "measured_on")
    live = live.filter((live.close_date >= live.measured_on) & (live.close_date <= live.last_day))
    none = ibis.null("float64")
    no_scope = ibis.null("int64")
    pipeline = live.select(
        "period",
        *COVERAGE_DIMENSIONS,
        pipeline=live.amount.fill_null(0.0),
        won=ibis.literal(0.0),
        target=none,
        target_scope=no_scope,
    )
    deals = opportunity_facts(frame)
    deals = deals.filter(deals.is_won & (deals.opportunity_type == "new_business"))
    won = deals.join(days, (deals.closed_on >= days.period) & (deals.closed_on <= days.measured_on))
    won = won.select(
        "period",
        *COVERAGE_DIMENSIONS,
        pipeline=ibis.literal(0.0),
        won=won.amount.fill_null(0.0),
        target=none,
        target_scope=no_scope,
    )
    return stacked(pipeline, won, _bookings_targets(frame, days))


def _coverage_days(frame: Frame) -> ibis.Table:
    """``period``, ``measured_on`` and ``last_day`` (the period's last day, even while it
    runs). A period is measured on the range's end while it runs (the end falls inside
    it, before its last day), on its opening day otherwise."""
    rows = []
    for p in frame.calendar:
        last_day = p.next_start - dt.timedelta(days=1)
        running = p.start <= frame.end < last_day
        rows.append((p.start, frame.end if running else p.opening, last_day))
    arrow = pa.table(
        {
            "period": pa.array([r[0] for r in rows], pa.date32()),
            "measured_on": pa.array([r[1] for r in rows], pa.date32()),
            "last_day": pa.array([r[2] for r in rows], pa.date32()),
        }
    )
    return frame.shared("calendar_coverage_days", lambda: ibis.memtable(arrow))


def _bookings_targets(frame: Frame, days: ibis.Table) -> ibis.Table:
    targets = frame.raw("targets")
    targets = targets.filter(
        (targets.metric == "new_bookings") & (targets.period_grain == frame.grain)
    )
    targets = targets.join(days, targets.period_start == days.period)
    teams = frame.raw("teams").select(_team_id="team_id", team="name")
    targets = targets.left_join(teams, targets.team_id == teams._team_id)
    scope = ibis.cases(
        (targets.team_id.notnull(), 4),
        (targets.segment.notnull() & targets.region.isnull(), 2),
        (targets.region.notnull() & targets.segment.isnull(), 3),
        (targets.segment.isnull() & targets.region.isnull(), 1),
        else_=ibis.null("int64"),
    )
    targets = targets.select(
        "period",
        "segment",
        "region",
        "team",
        pipeline=ibis.literal(0.0),
        won=ibis.literal(0.0),
        target=targets.value.cast("float64"),
        target_scope=scope.cast("int64"),
    )
    return targets.filter(targets.target_scope.notnull())


@dataclass(frozen=True)
class CoverageOfGap:
    """Σ pipeline ÷ (target − Σ won), undefined unless that gap is positive. The target
    is the sum of the group's targets of the broadest kind it holds (``TARGET_SCOPES``),
    so a company row and a segment's rows never add up twice.

    A company-wide target has no segment, region or team, so it also lands in the
    "unknown" group of any of these dimensions; a group whose rows know no segment, no
    region or no team at all is such a group, and its coverage is undefined.
    """

    additive: bool = False

    def value(self, facts: ibis.Table) -> ibis.Value:
        by_scope = [
            facts.target.sum(where=facts.target_scope == rank)
            for rank in range(1, len(TARGET_SCOPES) + 1)
        ]
        gap = ibis.coalesce(*by_scope) - facts.won.sum().fill_null(0.0)
        covered = facts.pipeline.sum().fill_null(0.0) / gap
        known = ibis.and_(*(facts[d].notnull().any() for d in COVERAGE_DIMENSIONS))
        return ibis.ifelse(known & (gap > 0), covered, ibis.null("float64"))

    def columns(self) -> tuple[str, ...]:
        return ("pipeline", "won", "target", "target_scope", *COVERAGE_DIMENSIONS)


def _pipeline_velocity(values: Mapping[str, ibis.Value]) -> ibis.Value:
    per_cycle = values["win_rate"] * values["deal_size"] / values["cycle"].nullif(0.0)
    return values["open"].fill_null(0.0) * per_cycle


def _sales(name: str, **fields: object) -> Metric:
    fields.setdefault("department", "sales")
    fields.setdefault("indicator", "lagging")
    fields.setdefault("grains", ANY_GRAIN)
    fields.setdefault("dimensions", DEAL_DIMENSIONS)
    fields.setdefault("default_dimensions", DEFAULT_DIMENSIONS)
    return Metric(name=name, **fields)  # type: ignore[arg-type]


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
_HISTORY = (
    "New-business deals only, from their recorded history (opportunity_history); a "
    "stretch in a stage ends when the stage changes, not when only the amount or close "
    "date does.",
)

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
        "pipeline_coverage",
        description="Open new-business pipeline due in the period as a multiple of the "
        "bookings target still to win.",
        formula="Open new-business pipeline on day d with close date in [d, period end] ÷ "
        "(new_bookings target − new bookings won in the period up to d); d is the as-of "
        "date while the period runs, the period's opening day once it is over.",
        unit="multiple",
        direction="higher",
        indicator="leading",
        grains=PLANNED_GRAINS,
        dimensions=COVERAGE_DIMENSIONS,
        default_dimensions=("segment", "team"),
        measure=CoverageOfGap(),
        facts=coverage_facts,
        edge_cases=(
            "Targets: targets rows with metric new_bookings and the query's grain; "
            "company-wide rows have no team, segment or region; by segment the segment "
            "rows, by region the region rows (else the sum of the region's team rows), by "
            "team the team rows. A group uses its broadest kind of target.",
            "The snapshot is taken at the end of day d, so deals won on d are subtracted "
            "from the target rather than counted as pipeline.",
            "A period whose last day is the as-of date is over: it is measured on its opening day.",
            "Undefined without a target, and when the target is already met.",
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
        "stage_conversion",
        description="Share of the new-business deals leaving a stage in the period that "
        "moved forward.",
        formula="Stretches in the stage that ended in the period by moving to a later stage "
        "or closed_won ÷ all stretches in the stage that ended in the period.",
        unit="ratio",
        direction="higher",
        indicator="leading",
        dimensions=STAGE_DIMENSIONS,
        default_dimensions=("stage",),
        measure=Ratio(Sum("advanced"), Count()),
        facts=stage_exits,
        edge_cases=(
            *_HISTORY,
            "Slice by `stage` (the stage left); moving back or to closed_lost is not "
            "moving forward; skipping stages is.",
            "Deals still in the stage do not count until they leave it.",
        ),
    ),
    _sales(
        "time_in_stage",
        description="Median days a new-business deal spent in a stage before leaving it.",
        formula="Median of (left − entered) in days over stretches in the stage that "
        "ended in the period.",
        unit="days",
        direction="lower",
        indicator="leading",
        dimensions=STAGE_DIMENSIONS,
        default_dimensions=("stage",),
        measure=Median("days"),
        facts=stage_exits,
        edge_cases=(
            *_HISTORY,
            "Slice by `stage`; deals still in a stage are not counted until they leave it.",
        ),
    ),
    _sales(
        "slipped_deals",
        description="Open new-business deals whose close date was pushed past the end of "
        "the period it was in.",
        formula="Count of deals with a recorded change moving the close date from inside "
        "the period to after it, once per deal and period.",
        unit="count",
        direction="lower",
        indicator="leading",
        measure=Count(),
        facts=slipped,
        edge_cases=(
            "Counted in the period of the old close date, whenever the change was made "
            "(up to the as-of date).",
            "New-business deals that were open before the change; closing a deal late "
            "counts as a slip.",
        ),
    ),
    _sales(
        "slipped_pipeline",
        description="Value of the open new-business deals whose close date was pushed past "
        "the end of the period it was in.",
        formula="Sum of amount before the change over the slipped deals, once per deal and period.",
        unit="money",
        direction="lower",
        indicator="leading",
        measure=Sum("amount"),
        facts=slipped,
        edge_cases=("Same deals as slipped_deals; the amount before the first slip.",),
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
        "quota_attainment",
        description="New bookings won by quota-carrying sellers as a share of their quota.",
        formula="Σ won new bookings of quota carriers ÷ Σ their quota for the period.",
        unit="ratio",
        direction="higher",
        grains=PLANNED_GRAINS,
        dimensions=QUOTA_DIMENSIONS,
        default_dimensions=("team",),
        measure=Ratio(Sum("won"), Sum("quota")),
        facts=quota_facts,
        edge_cases=(
            "A seller's quota is annual_quota_base ÷ 12 a month, ramped linearly from 0 "
            "at hire_date to full after ramp_months, prorated in the months they join or "
            "leave, 0 after termination_date.",
            "Sellers are credited with the won deals they own; SDRs also with the deals "
            "they sourced (sdr_id).",
            "Dimensions are the seller's: owner (name), team, region, segment.",
            "The running period's quota is the whole period's.",
            "Undefined when nobody carries quota in the period.",
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
