"""The bookings target a plan works back from: per planned period and segment.

A plan looks forward from the period holding ``as_of`` (month or quarter). Its target is
new-business bookings (``new_bookings``, base currency), either **given** or **stored**:

- given: a number (the company target of every planned period) or a mapping from period
  (``"2026-Q3"``, ``"2026-07"`` or the period's first day) to a number (company-wide) or
  to ``{segment: number}``; the mapping's periods are the planned periods;
- stored: the ``targets`` rows of metric ``new_bookings`` in force. Per period the
  segment rows are used (team and region rows are left out); a company row fills the
  segments that have none with what the segment rows leave of it. Without rows at the
  plan's grain a month takes its quarter's ÷ 3 or its year's ÷ 12, a quarter the sum of
  its three months or its year's ÷ 4.

A company-wide amount is split across segments by their share of the trailing window's
new bookings (evenly when nothing was booked).

>>> split({"smb": 1.0, "enterprise": 3.0}, 100.0)
{'smb': 25.0, 'enterprise': 75.0}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal

import pandas as pd

from revhub.errors import PlanError, did_you_mean
from revhub.metrics.periods import Period, add_months, next_period_start, period_start, periods
from revhub.metrics.targets import parse_period, read_targets
from revhub.model.vocabulary import SEGMENTS

if TYPE_CHECKING:
    from revhub.workspace import Workspace

PlanGrain = Literal["month", "quarter"]
TargetInput = float | Mapping[str | dt.date, float | Mapping[str, float]]
TARGET_COLUMNS = ("period", "segment", "bookings", "source")
MONTHS = {"month": 1, "quarter": 3, "year": 12}


def planned_periods(as_of: dt.date, grain: PlanGrain, count: int) -> list[Period]:
    """``count`` periods of ``grain`` from the one holding ``as_of``.

    >>> [p.start.isoformat() for p in planned_periods(dt.date(2026, 8, 9), "quarter", 2)]
    ['2026-07-01', '2026-10-01']
    """
    if grain not in ("month", "quarter"):
        raise PlanError(f"a plan is made by month or quarter, not `{grain}`.")
    if count < 1:
        raise PlanError(f"a plan needs at least one period, not {count}.")
    first = period_start(as_of, grain)
    return periods(grain, first, add_months(first, count * MONTHS[grain]) - dt.timedelta(1))


def period_of(start: dt.date, grain: PlanGrain) -> Period:
    """The period of ``grain`` starting on ``start``."""
    following = next_period_start(start, grain)
    return Period(start, following, following - dt.timedelta(days=1))


def split(shares: Mapping[str, float], amount: float) -> dict[str, float]:
    """``amount`` split in proportion to ``shares`` (evenly when they sum to 0); a
    segment with no share gets no row."""
    total = sum(shares.values())
    if total <= 0:
        return {s: amount / len(shares) for s in shares}
    return {s: amount * share / total for s, share in shares.items() if share > 0}


def given_targets(
    target: TargetInput, as_of: dt.date, grain: PlanGrain, count: int, shares: Mapping[str, float]
) -> pd.DataFrame:
    """The targets of a given number or mapping (see the module docstring); every
    problem is reported at once."""
    if isinstance(target, int | float):
        per_period: dict[dt.date, object] = {
            p.start: float(target) for p in planned_periods(as_of, grain, count)
        }
    else:
        per_period = _periods_of(target, as_of, grain)
    rows, problems = [], []
    for start, value in sorted(per_period.items()):
        if isinstance(value, Mapping):
            for segment, amount in value.items():
                if segment not in SEGMENTS:
                    hint = did_you_mean(str(segment), SEGMENTS) or f" Use {', '.join(SEGMENTS)}."
                    problems.append(f"unknown segment `{segment}` in {start}.{hint}")
                rows.append((start, segment, amount, "given"))
        else:
            for segment, amount in split(shares, _number(value)).items():
                rows.append((start, segment, amount, "given (company, split by bookings)"))
    for start, segment, amount, _ in rows:
        if not isinstance(amount, int | float) or not amount >= 0:
            problems.append(f"target {amount!r} for {segment} in {start} is not a number ≥ 0")
    if problems:
        raise PlanError("; ".join(problems) + ". Fix the target and plan again.")
    return _frame(rows)


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else float("nan")


def _periods_of(
    target: Mapping[str | dt.date, object], as_of: dt.date, grain: PlanGrain
) -> dict[dt.date, object]:
    found: dict[dt.date, object] = {}
    problems = []
    first = period_start(as_of, grain)
    for key, value in target.items():
        parsed = parse_period(key) if isinstance(key, str) else (grain, key)
        if parsed is None or parsed[0] != grain or period_start(parsed[1], grain) != parsed[1]:
            problems.append(f"`{key}` is not a {grain} (write e.g. {_example(grain)})")
        elif parsed[1] < first:
            problems.append(f"{key} ends before {as_of}: a plan looks forward")
        else:
            found[parsed[1]] = value
    if problems or not found:
        problems = problems or ["the target names no period"]
        raise PlanError("; ".join(problems) + ".")
    return found


def _example(grain: str) -> str:
    return "2026-Q3" if grain == "quarter" else "2026-07"


def stored_targets(
    ws: Workspace, as_of: dt.date, grain: PlanGrain, count: int, shares: Mapping[str, float]
) -> pd.DataFrame:
    """The ``new_bookings`` targets in force for the planned periods (module docstring);
    a PlanError lists the periods without any."""
    table = read_targets(ws, metric="new_bookings").to_pandas()
    table = table[table.team_id.isna() & table.region.isna()]
    rows, missing = [], []
    for planned in planned_periods(as_of, grain, count):
        found = _resolved(table, grain, planned.start, shares)
        if found is None:
            missing.append(planned.start.isoformat())
            continue
        values, source = found
        rows += [(planned.start, segment, value, source) for segment, value in values.items()]
    if missing:
        raise PlanError(
            f"no new_bookings target for {', '.join(missing)} (by {grain}, or a period "
            "holding it); load one with `revhub targets load` or pass the target to the plan."
        )
    return _frame(rows)


def _resolved(
    table: pd.DataFrame, grain: str, start: dt.date, shares: Mapping[str, float]
) -> tuple[dict[str, float], str] | None:
    exact = _at(table, grain, start, shares)
    if exact is not None:
        return exact, f"targets ({grain})"
    if grain == "quarter":
        months = [_at(table, "month", add_months(start, i), shares) for i in range(3)]
        if all(m is not None for m in months):
            total = {s: sum(m.get(s, 0.0) for m in months if m) for s in SEGMENTS}
            return {s: v for s, v in total.items() if any(m and s in m for m in months)}, (
                "targets (sum of months)"
            )
    for coarser in ("quarter", "year"):
        if MONTHS[coarser] > MONTHS[grain]:
            found = _at(table, coarser, period_start(start, coarser), shares)
            if found is not None:
                parts = MONTHS[coarser] // MONTHS[grain]
                return {s: v / parts for s, v in found.items()}, f"targets ({coarser} ÷ {parts})"
    return None


def _at(
    table: pd.DataFrame, grain: str, start: dt.date, shares: Mapping[str, float]
) -> dict[str, float] | None:
    rows = table[(table.period_grain == grain) & (table.period_start == start)]
    by_segment = {
        str(r["segment"]): float(r["value"])
        for r in rows.to_dict("records")
        if pd.notna(r["segment"])
    }
    company = rows[rows.segment.isna()].value
    if company.empty:
        return by_segment or None
    rest = {s: shares[s] for s in SEGMENTS if s not in by_segment}
    left = max(float(company.iloc[0]) - sum(by_segment.values()), 0.0)
    return {**by_segment, **(split(rest, left) if rest else {})}


def _frame(rows: Sequence[tuple[dt.date, str, object, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(TARGET_COLUMNS))
    frame["bookings"] = frame.bookings.astype(float)
    return frame.sort_values(["period", "segment"]).reset_index(drop=True)
