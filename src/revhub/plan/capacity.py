"""Sales capacity: how many ramped account executives the target needs, how many the
company has in each planned period, and the gap, per segment and region.

- **Roster**: users with role ``ae`` hired on or before ``as_of`` and not gone by then
  (a leaving date after ``as_of`` is not known at ``as_of`` and is ignored).
- **Ramp**: a rep counts for min(tenure ÷ ramp_months, 1) of a ramped rep, read at the
  middle of each month and averaged over the period (the linear ramp that
  ``quota_attainment`` uses).
- **Productivity**: bookings per ramped rep per period = measured ``quota_attainment``
  of the segment's AEs over the trailing window × their median ``annual_quota`` × the
  period's share of a year. The segment's attainment is smoothed toward all AEs' with
  ``k`` pseudo rep-months of quota (as ``plan.rates`` smooths rates).
- **Need**: the segment's bookings target is shared among regions by their part of the
  segment's trailing new bookings (by their reps when nothing was booked); required reps
  = that target ÷ productivity. ``gap`` = required − ramped (positive: short of reps).
  Every booked amount is assumed to be carried by an AE's quota.

>>> ramp_share(dt.date(2026, 1, 1), 4, dt.date(2026, 3, 3))  # 61 of 121.75 days
0.5010266940451745
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from revhub.metrics.periods import Period, add_months
from revhub.plan.window import Frames, measure_over, whole_months

if TYPE_CHECKING:
    from revhub.workspace import Workspace

DAYS_PER_MONTH = 365.25 / 12
CAPACITY_COLUMNS = (
    "period",
    "segment",
    "region",
    "headcount",
    "ramped_reps",
    "required_reps",
    "gap",
    "bookings_target",
    "bookings_per_ramped_rep",
    "attainment",
)
ROSTER_COLUMNS = ("user_id", "segment", "region", "hire_date", "ramp_months", "annual_quota")


def roster(ws: Workspace, as_of: dt.date) -> pd.DataFrame:
    """The AEs employed on ``as_of``: ``ROSTER_COLUMNS`` (quota in base currency)."""
    users = ws.table("users")
    users = users.filter(
        (users.role == "ae")
        & (users.hire_date <= as_of)
        & (users.termination_date.isnull() | (users.termination_date > as_of))
    )
    table: pd.DataFrame = users.select(
        "user_id",
        "segment",
        "region",
        "hire_date",
        "ramp_months",
        annual_quota=users.annual_quota_base.cast("float64"),
    ).to_pandas()
    table["hire_date"] = pd.to_datetime(table.hire_date).dt.date
    return table.sort_values("user_id").reset_index(drop=True)


def ramp_share(hire_date: dt.date, ramp_months: float | None, day: dt.date) -> float:
    """How much of a ramped rep someone hired on ``hire_date`` is on ``day``."""
    tenure = (day - hire_date).days
    if tenure < 0:
        return 0.0
    if not ramp_months or ramp_months != ramp_months or ramp_months <= 0:
        return 1.0
    return min(tenure / (float(ramp_months) * DAYS_PER_MONTH), 1.0)


def period_share(hire_date: dt.date, ramp_months: float | None, period: Period) -> float:
    """The average of ``ramp_share`` over the middle days of the period's months."""
    months = _months(period)
    middles = (month + dt.timedelta(days=14) for month in months)
    return sum(ramp_share(hire_date, ramp_months, day) for day in middles) / len(months)


def measure_productivity(
    ws: Workspace,
    as_of: dt.date,
    reps: pd.DataFrame,
    *,
    window_months: int = 12,
    prior_strength: float = 5.0,
    frames: Frames | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per segment its AEs' ``attainment`` (smoothed), ``won`` and ``quota`` over the
    window; and each segment's and region's trailing ``bookings``. ``reps`` (the
    roster) sets the size of a pseudo rep-month of quota."""
    start, end = whole_months(as_of, window_months)
    frame = (frames or Frames(ws, store=False)).get("month", start, end)
    quota = measure_over(ws, "quota_attainment", start=start, end=end, by=["segment"], frame=frame)
    quota = quota[quota.segment.notna()]
    total_won, total_quota = quota.numerator.sum(), quota.denominator.sum()
    overall = total_won / total_quota if total_quota > 0 else float("nan")
    typical = float(reps.annual_quota.median()) if len(reps) else float("nan")
    pseudo_quota = prior_strength * typical / 12 if typical == typical else 0.0
    attainment = quota.assign(
        won=quota.numerator,
        quota=quota.denominator,
        attainment=(quota.numerator + pseudo_quota * overall) / (quota.denominator + pseudo_quota),
    )[["segment", "won", "quota", "attainment"]]
    bookings = measure_over(
        ws, "new_bookings", start=start, end=end, by=["segment", "region"], frame=frame
    )
    bookings = bookings[bookings.segment.notna()].rename(columns={"value": "bookings"})
    return attainment.reset_index(drop=True), bookings[["segment", "region", "bookings"]]


def capacity_plan(
    targets: pd.DataFrame,
    reps: pd.DataFrame,
    attainment: pd.DataFrame,
    bookings: pd.DataFrame,
    planned: list[Period],
    *,
    as_of: dt.date,
    extra_reps: Mapping[tuple[str, str | None], int] | None = None,
) -> pd.DataFrame:
    """Capacity per planned period, segment and region (``CAPACITY_COLUMNS``).

    ``extra_reps`` adds (or, negative, removes ramped) AEs per (segment, region): new ones
    are hired on ``as_of`` and ramp like the segment's median AE."""
    reps = _with_extra(reps, extra_reps or {}, as_of)
    rows = []
    for period in planned:
        months = len(_months(period))
        for segment in sorted(set(targets.segment)):
            target = float(
                targets[(targets.period == period.start)]
                .set_index("segment")
                .bookings.get(segment, 0.0)
            )
            mine = reps[reps.segment == segment]
            found = attainment[attainment.segment == segment].attainment
            rate = float(found.iloc[0]) if len(found) else float("nan")
            quota = (
                float(mine[mine.weight > 0].annual_quota.median()) if len(mine) else float("nan")
            )
            per_rep = rate * quota * months / 12
            shares = _region_shares(bookings[bookings.segment == segment], mine)
            for region, share in shares.items():
                here = mine[mine.region.fillna("") == (region or "")]
                ramped = sum(
                    float(r["weight"]) * period_share(r["hire_date"], r["ramp_months"], period)
                    for r in here.to_dict("records")
                )
                need = target * share
                required = need / per_rep if per_rep > 0 else float("nan")
                rows.append(
                    (
                        period.start,
                        segment,
                        region,
                        max(float(here.weight.sum()), 0.0),
                        max(ramped, 0.0),
                        required,
                        required - max(ramped, 0.0),
                        need,
                        per_rep,
                        rate,
                    )
                )
    return pd.DataFrame(rows, columns=list(CAPACITY_COLUMNS))


def _months(period: Period) -> list[dt.date]:
    months, month = [], period.start
    while month < period.next_start:
        months.append(month)
        month = add_months(month, 1)
    return months


def _region_shares(bookings: pd.DataFrame, reps: pd.DataFrame) -> dict[str | None, float]:
    booked = bookings[bookings.bookings > 0]
    if booked.bookings.sum() > 0:
        weights: dict[str | None, float] = {
            r["region"]: float(r["bookings"]) for r in booked.to_dict("records")
        }
    else:
        counted = reps.groupby(reps.region.fillna(""), sort=True).weight.sum().to_dict()
        weights = {(str(k) or None): float(v) for k, v in counted.items() if v > 0}
    for region in set(reps.region.dropna()):  # regions with reps but no bookings
        weights.setdefault(region, 0.0)
    total = sum(weights.values())
    if total <= 0:
        return {None: 1.0} if not weights else {r: 1.0 / len(weights) for r in weights}
    return {r: w / total for r, w in sorted(weights.items(), key=lambda kv: kv[0] or "")}


def _with_extra(
    reps: pd.DataFrame, extra: Mapping[tuple[str, str | None], int], as_of: dt.date
) -> pd.DataFrame:
    reps = reps.assign(weight=1.0)
    added = []
    for (segment, region), count in extra.items():
        peers = reps[reps.segment == segment]
        peers = peers if len(peers) else reps
        ramp = float(peers.ramp_months.median()) if len(peers) else 0.0
        quota = float(peers.annual_quota.median()) if len(peers) else float("nan")
        hired = as_of if count > 0 else dt.date.min
        for _ in range(abs(count)):
            added.append(
                {
                    "user_id": f"scenario:{segment}:{region}",
                    "segment": segment,
                    "region": region,
                    "hire_date": hired,
                    "ramp_months": ramp,
                    "annual_quota": quota,
                    "weight": 1.0 if count > 0 else -1.0,
                }
            )
    return pd.concat([reps, pd.DataFrame(added)], ignore_index=True) if added else reps
