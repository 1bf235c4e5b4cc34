"""Marketing budget by channel for the plan's funnel, from what each stage costs.

What a channel's stage costs is measured over the trailing window with revhub's own
definitions: spend (``marketing_spend``) ÷ the channel's leads, MQLs and SQLs
(``cost_per_lead``, ``cost_per_mql``, ``cost_per_sql``: entries into the stage by
first-touch channel) and ÷ its new customers (``cac_blended``, by acquisition channel).
A channel without recorded spend (referral, partner) costs 0; one with spend but no
volume has no cost per unit (null).

The plan's required volume of a stage in a period and segment is shared among channels
by that segment's channel mix of the stage over the window (the company's when the
segment has none), and priced at the channel's cost. Each ``basis`` (leads, mqls, sqls,
won_deals) is a separate estimate of the same budget, not a part of it: they agree when
a channel converts like the rest of the company, and the gap between them shows where
it does not. ``current_spend`` is the channel's average spend per period in the window.

>>> mix = pd.DataFrame({"segment": ["smb", "smb"], "stage": ["leads", "leads"],
...     "channel": ["paid_search", "referral"], "volume": [30.0, 10.0]})
>>> costs = pd.DataFrame({"channel": ["paid_search", "referral"], "stage": ["leads", "leads"],
...     "cost_per_unit": [100.0, 0.0], "monthly_spend": [2000.0, 0.0]})
>>> funnel = pd.DataFrame({"period": [1], "segment": ["smb"], "stage": ["leads"],
...     "required": [80.0]})
>>> budget_plan(funnel, mix, costs)[["channel", "volume", "spend"]].to_dict("records")
[{'channel': 'paid_search', 'volume': 60.0, 'spend': 6000.0}, \
{'channel': 'referral', 'volume': 20.0, 'spend': 0.0}]
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from revhub.plan.window import Frames, measure_over, whole_months

if TYPE_CHECKING:
    from revhub.workspace import Workspace

BASES = ("leads", "mqls", "sqls", "won_deals")
BUDGET_COLUMNS = (
    "period",
    "channel",
    "basis",
    "volume",
    "cost_per_unit",
    "spend",
    "current_spend",
)
_ENTRY_STAGES = {"lead": "leads", "mql": "mqls", "sql": "sqls"}


def measure_channels(
    ws: Workspace,
    as_of: dt.date,
    *,
    window_months: int = 12,
    frames: Frames | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The window's channel mix (``segment``, ``stage``, ``channel``, ``volume``; the
    segment is null where unknown) and costs (``channel``, ``stage``, ``volume``,
    ``spend``, ``cost_per_unit``, ``monthly_spend``)."""
    start, end = whole_months(as_of, window_months)
    frame = (frames or Frames(ws, store=False)).get("month", start, end)
    entries = measure_over(
        ws,
        "funnel_entries",
        start=start,
        end=end,
        by=["stage", "segment", "channel"],
        frame=frame,
    )
    entries = entries[entries.stage.isin(list(_ENTRY_STAGES))]
    entries = entries.assign(stage=entries.stage.map(_ENTRY_STAGES), volume=entries.value)
    won = measure_over(
        ws, "new_bookings", start=start, end=end, by=["segment", "channel"], frame=frame
    )
    won = won.assign(stage="won_deals", volume=won.facts.astype(float))
    columns = ["segment", "stage", "channel", "volume"]
    mix = pd.concat([entries[columns], won[columns]], ignore_index=True)
    mix = mix[mix.channel.notna()].reset_index(drop=True)
    spend = measure_over(ws, "marketing_spend", start=start, end=end, by=["channel"], frame=frame)
    cac = measure_over(ws, "cac_blended", start=start, end=end, by=["channel"], frame=frame)
    volumes = mix[mix.stage != "won_deals"].groupby(["channel", "stage"]).volume.sum()
    costs: pd.DataFrame = pd.concat(
        [
            volumes.reset_index(),
            cac[cac.channel.notna()].assign(stage="won_deals", volume=cac.denominator)[
                ["channel", "stage", "volume"]
            ],
        ],
        ignore_index=True,
    )
    spent = spend.set_index("channel").value
    costs["spend"] = costs.channel.map(spent).fillna(0.0)
    costs["cost_per_unit"] = [
        0.0 if s == 0 else (s / v if v > 0 else float("nan"))
        for s, v in zip(costs.spend, costs.volume, strict=True)
    ]
    costs["monthly_spend"] = costs.spend / window_months
    return mix, costs.sort_values(["channel", "stage"]).reset_index(drop=True)


def budget_plan(
    funnel: pd.DataFrame, mix: pd.DataFrame, costs: pd.DataFrame, *, months_per_period: int = 3
) -> pd.DataFrame:
    """Spend by period, channel and basis for the required volumes of ``funnel``
    (``BUDGET_COLUMNS``; see the module docstring) in periods of ``months_per_period``."""
    rows: dict[tuple[object, str, str], float] = {}
    company = mix.groupby(["stage", "channel"]).volume.sum()
    for row in funnel[funnel.stage.isin(BASES)].to_dict("records"):
        own = mix[(mix.segment == row["segment"]) & (mix.stage == row["stage"])]
        shares = own.groupby("channel").volume.sum()
        if shares.sum() <= 0:
            shares = company.get(row["stage"], pd.Series(dtype=float))
        total = float(shares.sum())
        for channel, volume in shares.to_dict().items():
            if total > 0 and volume > 0:
                key = (row["period"], str(channel), str(row["stage"]))
                share = float(volume) / total  # before multiplying: subnormal volumes
                rows[key] = rows.get(key, 0.0) + float(row["required"]) * share
    plan = pd.DataFrame(
        [(p, c, b, v) for (p, c, b), v in rows.items()],
        columns=["period", "channel", "basis", "volume"],
    )
    priced = costs.rename(columns={"stage": "basis"})
    priced = priced.assign(current_spend=priced.monthly_spend * months_per_period)
    priced = priced[["channel", "basis", "cost_per_unit", "current_spend"]]
    plan = plan.merge(priced, on=["channel", "basis"], how="left")
    plan["cost_per_unit"] = plan.cost_per_unit.where(plan.current_spend.notna(), 0.0)
    plan["current_spend"] = plan.current_spend.fillna(0.0)
    plan["spend"] = plan.volume * plan.cost_per_unit
    plan = plan.sort_values(["period", "basis", "channel"]).reset_index(drop=True)
    return plan[list(BUDGET_COLUMNS)]
