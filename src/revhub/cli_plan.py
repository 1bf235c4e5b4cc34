"""How `revhub forecast plan` reads a target and prints a plan.

>>> parse_target("2500000")
2500000.0
>>> parse_target('{"2026-Q3": 1000000}')
{'2026-Q3': 1000000}
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from rich.markup import escape
from rich.table import Table as RichTable

from revhub.cli_output import console
from revhub.errors import PlanError
from revhub.plan import Plan


def parse_target(text: str | None) -> float | dict[str, Any] | None:
    """A number, a JSON object of period → amount (or → segment → amount), or None."""
    if text is None:
        return None
    try:
        return float(text.replace(",", "").replace("_", ""))
    except ValueError:
        pass
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise PlanError(
            f"--target `{text}` is neither a number nor JSON ({error.msg}). Write 2500000 or "
            '\'{"2026-Q3": 1000000, "2026-Q4": {"smb": 200000, "enterprise": 900000}}\'.'
        ) from error
    if not isinstance(value, dict):
        raise PlanError(f"--target `{text}` must be a number or a JSON object of periods.")
    return value


def print_plan(plan: Plan) -> None:
    """The plan's funnel, capacity, budget ranking and pricing evidence as tables."""
    funnel = plan.funnel_totals()
    table = RichTable(title=f"Reverse funnel from the target (as of {plan.as_of})")
    for name in ("period", "stage", "required", "actual so far"):
        table.add_column(name, justify="left" if name in ("period", "stage") else "right")
    for row in funnel.to_dict("records"):
        actual = "" if pd.isna(row["actual"]) else f"{row['actual']:,.0f}"  # not yet
        table.add_row(str(row["period"]), str(row["stage"]), f"{row['required']:,.0f}", actual)
    console.print(table)
    capacity = plan.capacity.groupby("period", as_index=False)[
        ["headcount", "ramped_reps", "required_reps", "gap"]
    ].sum()
    table = RichTable(title="Account executives needed")
    for name in ("period", "headcount", "ramped", "needed", "gap"):
        table.add_column(name, justify="left" if name == "period" else "right")
    for row in capacity.to_dict("records"):
        table.add_row(
            str(row["period"]),
            f"{row['headcount']:,.0f}",
            f"{row['ramped_reps']:,.1f}",
            f"{row['required_reps']:,.1f}",
            f"{row['gap']:+,.1f}",
        )
    console.print(table)
    table = RichTable(title="Where the next unit of budget buys the most pipeline")
    for name in ("rank", "channel", "pipeline per unit", "spend a month", "status"):
        table.add_column(name, justify="right" if name != "channel" else "left")
    for row in plan.channels.to_dict("records"):
        rank = "" if pd.isna(row["rank"]) else f"{row['rank']:.0f}"
        table.add_row(
            rank,
            str(row["channel"]),
            f"{row['marginal_pipeline']:,.2f}",
            f"{row['current_spend']:,.0f}",
            escape(f"{row['status']}: {row['note']}"),
        )
    console.print(table)
    company = plan.discounts[plan.discounts["segment"] == "all"]
    table = RichTable(title="Win rate and cycle by discount band (closed new business)")
    for name in ("band", "closed", "win rate", "median cycle (days)"):
        table.add_column(name, justify="left" if name == "band" else "right")
    for row in company.to_dict("records"):
        days = row["median_cycle_days"]
        cycle = "" if pd.isna(days) else f"{days:.0f}"
        table.add_row(str(row["band"]), f"{row['closed_deals']:,}", f"{row['win_rate']:.0%}", cycle)
    console.print(table)
    console.print(escape(plan.recommendation))
    for note in plan.notes:
        console.print(f"[dim]{escape(note)}[/]")
