"""Why the forecast of a period moved between two stored runs: a waterfall, deal by deal.

Each deal's share of the forecast (its amount × P(won in the period) while open, its
amount once won inside the period) is compared between the earlier and the later run,
and the change is put in exactly one step:

- **new deals**: not open in the earlier run;
- **won** / **lost**: closed won inside the period, or lost, in between;
- **won outside the period**: won, but on a day outside it;
- **pulled in** / **slipped**: still open, close date moved earlier / later;
- **amount changes**: still open, same close date, amount changed;
- **probability changes**: still open, nothing of the above (stage moves, ageing,
  activity, the model itself);
- **pipeline to come**: the change in what deals not created yet are expected to add.

The steps add up exactly to the change of the total (checked by a property test).

>>> step_of(pd.Series({"in_earlier": True, "in_later": True, "status_later": "open",
...     "close_earlier": dt.date(2026, 8, 1), "close_later": dt.date(2026, 9, 1),
...     "amount_earlier": 10.0, "amount_later": 10.0, "lost": False}))
'slipped'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from revhub.errors import ForecastError
from revhub.forecast.deal_states import deal_outcomes

if TYPE_CHECKING:
    from revhub.workspace import Workspace

STEPS = (
    "new deals",
    "pulled in",
    "slipped",
    "amount changes",
    "probability changes",
    "won",
    "lost",
    "won outside the period",
    "pipeline to come",
)


@dataclass(frozen=True)
class Movement:
    """The waterfall from ``earlier_total`` to ``later_total`` and each deal's step."""

    period_start: dt.date
    earlier: dt.date
    later: dt.date
    earlier_total: float
    later_total: float
    steps: pd.DataFrame  # step, change, deals
    deals: pd.DataFrame  # opportunity_id, step, change, expected_earlier, expected_later


def step_of(row: pd.Series) -> str:
    """The one step a deal's change belongs to."""
    if not row["in_earlier"]:
        return "new deals"
    if not row["in_later"]:
        return "lost" if row["lost"] else "won outside the period"
    if row["status_later"] == "won":
        return "won"
    if row["close_later"] < row["close_earlier"]:
        return "pulled in"
    if row["close_later"] > row["close_earlier"]:
        return "slipped"
    if row["amount_later"] != row["amount_earlier"]:
        return "amount changes"
    return "probability changes"


def _run(ws: Workspace, made_on: dt.date, period_start: dt.date, grain: str) -> pd.DataFrame:
    table = ws.table("forecast_deal_snapshots")
    rows = table.filter(
        (table.made_on == made_on)
        & (table.period_start == period_start)
        & (table.period_grain == grain)
    )
    found: pd.DataFrame = rows.select(
        "opportunity_id", "status", "amount", "expected", close="close_date"
    ).to_pandas()
    return found


def _total(ws: Workspace, made_on: dt.date, period_start: dt.date, grain: str) -> float:
    table = ws.table("forecast_snapshots")
    rows = table.filter(
        (table.made_on == made_on)
        & (table.period_start == period_start)
        & (table.period_grain == grain)
        & (table.method == "deal_monte_carlo")
        & table.team_id.isnull()
        & table.segment.isnull()
        & table.region.isnull()
    ).value.to_pyarrow()
    if not len(rows):
        raise ForecastError(
            f"no stored {grain} forecast made on {made_on} for the period starting "
            f"{period_start}. Run `revhub forecast run --as-of {made_on}` first."
        )
    return float(rows[0].as_py())


def explain_movement(
    ws: Workspace, earlier: dt.date, later: dt.date, period_start: dt.date, *, grain: str
) -> Movement:
    """The waterfall of one period's forecast from the run of ``earlier`` to ``later``."""
    if earlier >= later:
        raise ForecastError(f"the earlier run ({earlier}) must come before the later ({later}).")
    totals = [_total(ws, day, period_start, grain) for day in (earlier, later)]
    before, after = (_run(ws, day, period_start, grain) for day in (earlier, later))
    joined = before.merge(
        after, on="opportunity_id", how="outer", suffixes=("_earlier", "_later"), indicator=True
    )
    joined["in_earlier"] = joined["_merge"] != "right_only"
    joined["in_later"] = joined["_merge"] != "left_only"
    outcomes = deal_outcomes(ws, later)
    lost_ids = set(outcomes.loc[~outcomes["is_won"], "opportunity_id"])
    joined["lost"] = joined["opportunity_id"].isin(lost_ids)
    joined["step"] = joined.apply(step_of, axis=1) if len(joined) else pd.Series(dtype=str)
    joined["change"] = joined["expected_later"].fillna(0.0) - joined["expected_earlier"].fillna(0.0)
    deal_part = [float(frame["expected"].sum()) for frame in (before, after)]
    to_come = (totals[1] - deal_part[1]) - (totals[0] - deal_part[0])
    steps = joined.groupby("step").agg(change=("change", "sum"), deals=("change", "size"))
    steps = steps.reindex(list(STEPS)).fillna(0.0)
    steps.loc["pipeline to come"] = [to_come, 0]
    steps = steps.reset_index().rename(columns={"index": "step"})
    steps["deals"] = steps["deals"].astype(int)
    deals = joined[["opportunity_id", "step", "change", "expected_earlier", "expected_later"]]
    deals = deals[deals["change"].abs() > 0].sort_values("change", key=abs, ascending=False)
    return Movement(period_start, earlier, later, totals[0], totals[1], steps, deals)
