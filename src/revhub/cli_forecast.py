"""`revhub forecast`: run and store forecasts, replay them, explain their movement, plan.

>>> parse_day("2026-07-01")
datetime.date(2026, 7, 1)
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table as RichTable

from revhub.cli_output import WorkspaceOption, console, open_workspace
from revhub.errors import ForecastError
from revhub.metrics.formatting import format_value

if TYPE_CHECKING:
    from revhub.forecast import ForecastRun

forecast_app = typer.Typer(
    help="Forecast bookings (P10/P50/P90), keep every run, backtest, and plan from the target.",
    no_args_is_help=True,
)


class ForecastGrain(StrEnum):
    """The length of the periods forecast."""

    month = "month"
    quarter = "quarter"


def parse_day(text: str) -> dt.date:
    """A YYYY-MM-DD day, or a clear error."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise ForecastError(f"`{text}` is not a day; write it as YYYY-MM-DD.") from error


def _money(value: float) -> str:
    return format_value(float(value), "money")


def _print_run(run: ForecastRun) -> None:
    bookings = run.bookings
    totals = bookings.totals
    table = RichTable(title=f"New-business bookings forecast as of {bookings.as_of}")
    for name in ("period", "group", "closed", "P10", "P50", "P90", "mean"):
        table.add_column(name, justify="left" if name in ("period", "group") else "right")
    shown = totals[totals["grouping"].isin(["company", "segment"])]
    for row in shown.to_dict("records"):
        table.add_row(
            str(row["period_start"]),
            escape(str(row["member"]) if row["grouping"] == "segment" else "company"),
            *(_money(row[k]) for k in ("closed", "p10", "p50", "p90", "mean")),
        )
    console.print(table)
    if run.arr is not None:
        _print_arr(run.arr.totals)
    calls = run.calls[run.calls["manager_id"] == "all"]
    for call in calls.to_dict("records"):
        console.print(
            f"{call['period_start']}: commit call {_money(call['commit_call'])}, best case "
            f"{_money(call['best_case_call'])}, the model on the same deals "
            f"{_money(call['model'])}"
        )
    model = bookings.models.win
    console.print(
        f"Win model: {model.method} from {model.training.closed_deals:,} closed deals "
        f"({model.training.won_deals:,} won); {len(bookings.deals):,} open deals; "
        f"{bookings.draws:,} draws; shared spread {bookings.shock_sigma:.2f}; "
        f"{run.seconds:.1f}s."
    )
    _print_at_risk(bookings.deals, bookings.periods[0][0])


def _print_arr(totals: pd.DataFrame) -> None:
    company = totals[totals["grouping"] == "company"]
    table = RichTable(title="ARR at the end of each period")
    for name in ("period end", "ARR now", "− churn", "+ expansion", "+ new", "P10", "P50", "P90"):
        table.add_column(name, justify="left" if name == "period end" else "right")
    for row in company.to_dict("records"):
        table.add_row(
            str(row["period_end"]),
            *(
                _money(row[k])
                for k in ("arr_start", "churn_expected", "expansion_expected", "new_expected")
            ),
            *(_money(row[k]) for k in ("p10", "p50", "p90")),
        )
    console.print(table)


def _print_at_risk(deals: pd.DataFrame, first: dt.date, limit: int = 10) -> None:
    """The biggest deals the CRM calls commit or best case that the model doubts."""
    column = f"p_{first.isoformat()}"
    called = deals[deals["forecast_category"].isin(["commit", "best_case"])]
    risky = called.assign(at_risk=called["amount"] * (1 - called[column]))
    risky = risky.sort_values("at_risk", ascending=False).head(limit)
    if risky.empty:
        return
    table = RichTable(title=f"At-risk deals called commit or best case (period {first})")
    for name in ("deal", "stage", "amount", "P(win in period)", "why"):
        table.add_column(
            name, justify="right" if name in ("amount", "P(win in period)") else "left"
        )
    for _, row in risky.iterrows():
        why = "; ".join(f"{r['text']} ({r['effect']:+.0%})" for r in row["reasons"])
        table.add_row(
            row["opportunity_id"],
            row["stage"],
            _money(row["amount"]),
            f"{row[column]:.0%}",
            escape(why),
        )
    console.print(table)


@forecast_app.command("run")
def run_command(
    as_of: Annotated[
        str | None, typer.Option(help="Forecast as of this day (default: the data's as-of day).")
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", help="Store a run for every --every days from this day."),
    ] = None,
    every: Annotated[int, typer.Option(min=1, help="Days between runs with --from.")] = 7,
    grain: Annotated[ForecastGrain, typer.Option(help="month or quarter.")] = ForecastGrain.quarter,
    periods: Annotated[int, typer.Option(min=1, max=8, help="Periods to forecast.")] = 2,
    draws: Annotated[int, typer.Option(min=100, help="Monte Carlo draws.")] = 10_000,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Forecast new-business bookings and store the run (weekly with --from)."""
    with open_workspace(workspace) as ws:
        last = parse_day(as_of) if as_of else ws.as_of()
        days = [last]
        if start:
            first = parse_day(start)
            days = [first + dt.timedelta(days=k) for k in range(0, (last - first).days + 1, every)]
        for day in days[:-1]:
            run = ws.forecast.run(day, grain=grain.value, periods=periods, draws=draws)
            console.print(f"stored the forecast as of {day} ({run.seconds:.1f}s)")
        _print_run(ws.forecast.run(days[-1], grain=grain.value, periods=periods, draws=draws))


@forecast_app.command("backtest")
def backtest_command(
    start: Annotated[str, typer.Option("--from", help="First as-of day to replay.")],
    end: Annotated[str, typer.Option("--to", help="Last as-of day to replay.")],
    step: Annotated[int, typer.Option(min=1, help="Days between replayed as-of days.")] = 7,
    grain: Annotated[ForecastGrain, typer.Option(help="month or quarter.")] = ForecastGrain.quarter,
    draws: Annotated[int, typer.Option(min=100, help="Monte Carlo draws per run.")] = 2_000,
    output: Annotated[
        Path | None, typer.Option(help="Also write every replayed forecast to this CSV file.")
    ] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Replay forecasts knowing only what was known then; compare with naive baselines."""
    with open_workspace(workspace) as ws:
        result = ws.forecast.backtest(
            parse_day(start), parse_day(end), grain=grain.value, step_days=step, draws=draws
        )
    table = RichTable(title=f"Backtest {start} to {end}, every {step} days ({grain.value})")
    for name in (
        "horizon",
        "periods",
        "MAPE model",
        "MAPE run-rate",
        "MAPE CRM-weighted",
        "bias model",
        "P10–P90 coverage",
    ):
        table.add_column(name, justify="right")
    for row in result.accuracy.to_dict("records"):
        table.add_row(
            str(row["horizon"]),
            str(row["periods"]),
            f"{row['model_mape']:.1%}",
            f"{row['run_rate_mape']:.1%}",
            f"{row['crm_weighted_mape']:.1%}",
            f"{row['model_bias']:+.1%}",
            f"{row['coverage']:.0%}",
        )
    console.print(table)
    console.print(
        f"Deal probabilities: Brier score {result.brier:.3f}, expected calibration error "
        f"{result.calibration_error:.3f} over {int(result.reliability['deals'].sum()):,} "
        "deal-periods."
    )
    if output:
        result.forecasts.to_csv(output, index=False)
        console.print(f"wrote {len(result.forecasts):,} forecasts to {output}")


@forecast_app.command("movement")
def movement_command(
    earlier: Annotated[str, typer.Argument(help="As-of day of the earlier stored run.")],
    later: Annotated[str, typer.Argument(help="As-of day of the later stored run.")],
    period: Annotated[str, typer.Option(help="First day of the period forecast.")],
    grain: Annotated[ForecastGrain, typer.Option(help="month or quarter.")] = ForecastGrain.quarter,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Why one period's forecast moved between two stored runs, step by step."""
    with open_workspace(workspace) as ws:
        move = ws.forecast.movement(
            parse_day(earlier), parse_day(later), parse_day(period), grain=grain.value
        )
    table = RichTable(title=f"Forecast of {move.period_start}: {move.earlier} → {move.later}")
    table.add_column("step")
    table.add_column("change", justify="right")
    table.add_column("deals", justify="right")
    table.add_row(f"forecast on {move.earlier}", _money(move.earlier_total), "")
    for row in move.steps.to_dict("records"):
        table.add_row(row["step"], f"{row['change']:+,.0f}", str(row["deals"] or ""))
    table.add_row(f"forecast on {move.later}", _money(move.later_total), "")
    console.print(table)


@forecast_app.command("plan")
def plan_command(
    target: Annotated[
        str | None,
        typer.Option(
            help="Bookings target per period (a number), or JSON like "
            "'{\"2026-Q3\": 1000000}'; default: the stored new_bookings targets."
        ),
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="Plan from this day.")] = None,
    grain: Annotated[ForecastGrain, typer.Option(help="month or quarter.")] = ForecastGrain.quarter,
    periods: Annotated[int, typer.Option(min=1, max=12, help="Periods to plan.")] = 4,
    scenario: Annotated[
        str | None,
        typer.Option(help='A what-if, e.g. "win_rate=+2pt, aes.emea=+1, deal_size=+5%".'),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole plan as JSON.")] = False,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Work a bookings target back to leads, reps and budget; with pricing evidence."""
    from revhub.cli_plan import parse_target, print_plan
    from revhub.plan import build_plan, parse_scenario

    with open_workspace(workspace) as ws:
        plan = build_plan(
            ws,
            as_of=parse_day(as_of) if as_of else None,
            target=parse_target(target),  # type: ignore[arg-type]
            grain=grain.value,
            periods=periods,
            scenario=parse_scenario(scenario) if scenario else None,
        )
    if as_json:
        console.print_json(json.dumps(plan.to_dict()))
    else:
        print_plan(plan)
