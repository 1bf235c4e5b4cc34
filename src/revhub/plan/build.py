"""Building a plan: measure once as of a date, then work plans out for targets and
scenarios.

``Planner.measure`` reads everything a plan needs from the workspace as it stood on
``as_of`` (rates, AEs and their productivity, channel costs and mix, spend and pipeline
history, closed deals); ``Planner.plan`` turns a target and a scenario into a ``Plan``
without measuring again, so scenarios are cheap to compare. ``build_plan`` does both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from revhub.errors import PlanError
from revhub.metrics.periods import add_months
from revhub.plan.budget import budget_plan, measure_channels
from revhub.plan.capacity import capacity_plan, measure_productivity, roster
from revhub.plan.plan import Plan
from revhub.plan.pricing import by_discount, by_price_point, closed_deals, realisation
from revhub.plan.rates import measure_rates
from revhub.plan.response import measure_response_history, rank_channels, recommendation
from revhub.plan.reverse_funnel import measure_actuals, reverse_funnel, with_actuals
from revhub.plan.scenarios import Scenario, parse_scenario, place_hires
from revhub.plan.targets import (
    MONTHS,
    PlanGrain,
    TargetInput,
    given_targets,
    period_of,
    stored_targets,
)
from revhub.plan.window import Frames

if TYPE_CHECKING:
    from revhub.workspace import Workspace

SMOOTHING_NOTED = 0.05  # a note when smoothing moves a segment's value more than 5 %


@dataclass(frozen=True, eq=False)
class Planner:
    """What a plan is made from, measured from ``ws`` as of ``as_of``."""

    ws: Workspace
    as_of: dt.date
    rates: pd.DataFrame
    reps: pd.DataFrame
    attainment: pd.DataFrame
    bookings: pd.DataFrame
    channel_mix: pd.DataFrame
    channel_costs: pd.DataFrame
    response_history: pd.DataFrame
    deals: pd.DataFrame
    actuals: pd.DataFrame
    actuals_from: dt.date

    @classmethod
    def measure(
        cls,
        ws: Workspace,
        as_of: dt.date | None = None,
        *,
        window_months: int = 12,
        prior_strength: float = 5.0,
        curve_months: int = 24,
    ) -> Planner:
        """Measure everything as of ``as_of`` (default: the workspace's as-of date) over
        the ``window_months`` whole months before it (``curve_months`` for the spend
        response curves, and for the actual funnel beside the plan)."""
        as_of = as_of or ws.as_of()
        if window_months < 1 or curve_months < 1:
            raise PlanError("window_months and curve_months must be at least 1.")
        actuals_from = add_months(as_of, -max(curve_months, window_months))
        with Frames(ws) as frames:
            rates = measure_rates(
                ws, as_of, window_months=window_months, prior_strength=prior_strength, frames=frames
            )
            reps = roster(ws, as_of)
            attainment, bookings = measure_productivity(
                ws,
                as_of,
                reps,
                window_months=window_months,
                prior_strength=prior_strength,
                frames=frames,
            )
            mix, costs = measure_channels(ws, as_of, window_months=window_months, frames=frames)
            return cls(
                ws=ws,
                as_of=as_of,
                rates=rates,
                reps=reps,
                attainment=attainment,
                bookings=bookings,
                channel_mix=mix,
                channel_costs=costs,
                response_history=measure_response_history(
                    ws, as_of, months=curve_months, frames=frames
                ),
                deals=closed_deals(ws, as_of, months=window_months, frames=frames),
                actuals=measure_actuals(ws, actuals_from, as_of, frames=frames),
                actuals_from=actuals_from,
            )

    def segment_shares(self) -> dict[str, float]:
        """Each segment's part of the window's new bookings (for splitting a company
        target)."""
        from revhub.model.vocabulary import SEGMENTS

        booked = self.bookings.groupby("segment").bookings.sum()
        return {s: float(booked.get(s, 0.0)) for s in SEGMENTS}

    def plan(
        self,
        target: TargetInput | None = None,
        *,
        grain: PlanGrain = "quarter",
        periods: int = 4,
        scenario: Scenario | str | None = None,
    ) -> Plan:
        """The plan for ``target`` (None: the stored ``new_bookings`` targets) over
        ``periods`` periods of ``grain`` from the one holding ``as_of`` (a target mapping
        names its own periods), under ``scenario`` (a Scenario or a string for
        ``parse_scenario``)."""
        if grain not in ("month", "quarter"):
            raise PlanError(f"a plan is made by month or quarter, not `{grain}`.")
        if isinstance(scenario, str):
            scenario = parse_scenario(scenario)
        scenario = scenario or Scenario()
        shares = self.segment_shares()
        if target is None:
            targets = stored_targets(self.ws, self.as_of, grain, periods, shares)
        else:
            targets = given_targets(target, self.as_of, grain, periods, shares)
        targets = scenario.apply_to_targets(targets)
        planned = [period_of(start, grain) for start in sorted(set(targets.period))]
        rates = scenario.apply_to_rates(self.rates)
        funnel = reverse_funnel(targets, rates, grain)
        funnel = with_actuals(
            funnel, self.actuals, as_of=self.as_of, grain=grain, measured_from=self.actuals_from
        )
        args = (targets, self.reps, self.attainment, self.bookings, planned)
        capacity = capacity_plan(*args, as_of=self.as_of)
        hires = place_hires(scenario.extra_reps, capacity)
        if hires:
            capacity = capacity_plan(*args, as_of=self.as_of, extra_reps=hires)
        channels = rank_channels(self.response_history)
        return Plan(
            as_of=self.as_of,
            grain=grain,
            periods=tuple(p.start for p in planned),
            scenario=scenario,
            targets=targets,
            rates=rates,
            funnel=funnel,
            capacity=capacity,
            budget=budget_plan(
                funnel, self.channel_mix, self.channel_costs, months_per_period=MONTHS[grain]
            ),
            channels=channels,
            discounts=by_discount(self.deals),
            price_points=by_price_point(self.deals),
            realisation=realisation(self.deals),
            recommendation=recommendation(channels),
            notes=tuple(self._notes(set(targets.segment), capacity, channels, hires)),
        )

    def _notes(
        self,
        segments: set[str],
        capacity: pd.DataFrame,
        channels: pd.DataFrame,
        hires: Mapping[tuple[str, str | None], int],
    ) -> list[str]:
        notes = [
            f"{count:+d} AE in {segment} {region or ''} left out: no target for {segment}."
            for (segment, region), count in hires.items()
            if segment not in segments
        ]
        for row in self.rates[self.rates.segment.isin(segments)].to_dict("records"):
            own, used = float(row["own_value"]), float(row["value"])
            what = f"{row['measure']} of {row['segment']}"
            if own != own:
                notes.append(f"{what}: no data, the company's is used.")
            elif abs(used - own) > SMOOTHING_NOTED * abs(own):
                notes.append(
                    f"{what} rests on {row['sample']} observations: "
                    f"smoothed from {own:,.3g} toward the company's, to {used:,.3g}."
                )
        if capacity.empty or capacity.bookings_per_ramped_rep.isna().all():
            notes.append("No quota-carrying AE productivity measured: capacity is not planned.")
        unsure = channels[channels["rank"].isna()]
        if len(unsure):
            names = ", ".join(
                f"{c} ({s})" for c, s in zip(unsure.channel, unsure.status, strict=True)
            )
            notes.append(f"Response curves not trusted for {names}.")
        return notes


def build_plan(
    ws: Workspace,
    *,
    as_of: dt.date | None = None,
    target: TargetInput | None = None,
    grain: PlanGrain = "quarter",
    periods: int = 4,
    scenario: Scenario | str | None = None,
    window_months: int = 12,
    prior_strength: float = 5.0,
) -> Plan:
    """The plan that works back from ``target`` to the funnel, the sales team and the
    budget it needs, as of ``as_of`` (default: the workspace's); see ``revhub.plan``.

    >>> import tempfile, revhub
    >>> with revhub.init(tempfile.mkdtemp()) as ws:
    ...     build_plan(ws, as_of=dt.date(2026, 7, 1), target=1_000_000)
    Traceback (most recent call last):
    ...
    revhub.errors.PlanError: cannot measure lead_to_mql, ...
    """
    planner = Planner.measure(ws, as_of, window_months=window_months, prior_strength=prior_strength)
    return planner.plan(target, grain=grain, periods=periods, scenario=scenario)
