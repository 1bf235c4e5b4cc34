"""Sales targets metrics: new bookings against the plan, per seller and per period.

- **Quota attainment**: per seller and month, the new-business bookings credited to
  quota-carrying sellers against their quota (``users.annual_quota_base``, ramped up
  after hire and prorated in the months they join or leave).
- **Pipeline coverage**: the open new-business pipeline due in a period against the part
  of its ``new_bookings`` target (``targets``) still to win.

Both compare with plans made per month, quarter or year, so neither offers weeks or days.
Deals and their history come from ``catalogue.deals`` and ``catalogue.deal_history``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

import ibis
import pyarrow as pa

from revhub.metrics.catalogue.deal_history import open_pipeline_on
from revhub.metrics.catalogue.deals import opportunity_facts, stacked, won_new_business
from revhub.metrics.core import Grain, Metric, Ratio, Sum
from revhub.metrics.frame import Frame
from revhub.metrics.periods import periods

PLANNED_GRAINS: tuple[Grain, ...] = ("month", "quarter", "year")
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


_sales = partial(
    Metric,
    department="sales",
    indicator="lagging",
    grains=PLANNED_GRAINS,
)

METRICS = (
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
)
