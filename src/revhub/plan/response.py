"""Where the next unit of budget buys the most pipeline: a concave response curve per
channel, with diminishing returns.

For each channel, monthly spend ``s`` (``marketing_spend``) and pipeline created ``p``
(``pipeline_created`` of the new-business deals it sourced, same month) over the
trailing ``months`` are fitted to the constant-elasticity (power) response curve
``p = a · s^b`` by ordinary least squares on ``log p = log a + b · log s`` — the
multiplicative market response model (Hanssens, Parsons & Schultz, 2001, *Market
Response Models*, 2nd ed., ch. 3; concave, diminishing returns when 0 < b < 1, as
advertising response usually is: Simon & Arndt, 1980, "The shape of the advertising
response function", J. Advertising Research 20(4)). ``b`` is kept in [0, 1]: a fit
above 1 is capped at 1 (no increasing returns are extrapolated) and ``a`` refitted; a
fit at or below 0 means no measurable response.

The next unit's pipeline at the current spend level ``s0`` (mean monthly spend of the
last three months, else of the whole history) is the slope ``a · b · s0^(b−1)``;
channels are ranked by it. Months without spend or without pipeline carry no
information on a log scale and are left out; with fewer than ``min_months`` usable
months, or spend that barely varied, the curve cannot be told from noise: the channel
is marked ``too_thin`` and given its average return (b = 1) instead, unranked. A fit
whose slope is not told from flat (p-value of b ≥ ``max_p_value``, default 0.1, from
``scipy.stats.linregress``) is marked ``weak`` and left unranked too.

>>> fit = fit_power_curve([100, 200, 400, 800, 1600, 3200], [30, 42.43, 60, 84.85, 120, 169.7])
>>> round(fit.a, 2), round(fit.b, 2), fit.status
(3.0, 0.5, 'fitted')
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.stats import linregress  # type: ignore[import-untyped]

from revhub.plan.window import Frames, measure_over, whole_months

if TYPE_CHECKING:
    from revhub.workspace import Workspace

RESPONSE_COLUMNS = (
    "channel",
    "rank",
    "marginal_pipeline",
    "current_spend",
    "pipeline_at_current",
    "a",
    "b",
    "r_squared",
    "p_value",
    "months",
    "status",
    "note",
)
MIN_LOG_SPREAD = 0.1
CENT = 0.01  # money below a cent (spend, pipeline) counts as none


@dataclass(frozen=True)
class CurveFit:
    """A fitted ``pipeline = a · spend^b`` and how far to trust it."""

    a: float
    b: float
    months: int
    r_squared: float
    p_value: float
    status: str  # fitted | capped | no_response | weak | too_thin | no_spend
    note: str

    def pipeline(self, spend: float) -> float:
        """Monthly pipeline at monthly ``spend``."""
        return float(self.a * spend**self.b) if spend > 0 else 0.0

    def marginal(self, spend: float) -> float:
        """Pipeline bought by the next unit of spend at ``spend``."""
        if self.b == 0:
            return 0.0
        if spend <= 0:
            return math.inf if self.b < 1 else self.a
        return float(self.a * self.b * spend ** (self.b - 1))


def fit_power_curve(
    spend: Sequence[float],
    pipeline: Sequence[float],
    *,
    min_months: int = 6,
    max_p_value: float = 0.1,
) -> CurveFit:
    """``pipeline = a · spend^b`` by least squares on logs (see the module docstring)."""
    s, p = np.asarray(spend, dtype=float), np.asarray(pipeline, dtype=float)
    s, p = np.where(s < CENT, 0.0, s), np.where(p < CENT, 0.0, p)
    if not (s > 0).any():
        return CurveFit(0.0, 0.0, 0, math.nan, math.nan, "no_spend", "no spend recorded")
    usable = (s > 0) & (p > 0)
    x, y = np.log(s[usable]), np.log(p[usable])
    months = int(usable.sum())
    if months < min_months or float(np.std(x)) < MIN_LOG_SPREAD:
        average = float(p[s > 0].sum() / s[s > 0].sum())
        why = f"{months} usable months" if months < min_months else "spend barely varied"
        return CurveFit(
            average, 1.0, months, math.nan, math.nan, "too_thin", f"{why}: average return"
        )
    fit = linregress(x, y)
    fitted, log_a, p_value = float(fit.slope), float(fit.intercept), float(fit.pvalue)
    b, status, note = fitted, "fitted", "diminishing returns" if fitted < 1 else "linear"
    if fitted > 1:
        b, status, note = 1.0, "capped", f"fitted b={fitted:.2f} > 1 capped at 1"
        log_a = float(np.mean(y - x))
    elif fitted <= 0:
        b, status = 0.0, "no_response"
        note = f"fitted b={fitted:.2f} ≤ 0: more spend, no more pipeline"
        log_a = float(np.mean(y))
    if p_value >= max_p_value:
        status, note = "weak", f"b={fitted:.2f} not told from flat (p={p_value:.2f})"
    residual = y - (log_a + b * x)
    total = float(((y - y.mean()) ** 2).sum())
    r_squared = 1 - float((residual**2).sum()) / total if total > 0 else math.nan
    return CurveFit(float(math.exp(log_a)), float(b), months, r_squared, p_value, status, note)


def measure_response_history(
    ws: Workspace, as_of: dt.date, *, months: int = 24, frames: Frames | None = None
) -> pd.DataFrame:
    """Monthly ``spend`` and ``pipeline`` per ``channel`` over the ``months`` whole
    months before ``as_of``'s month (0 where nothing was recorded)."""
    start, end = whole_months(as_of, months)
    frame = (frames or Frames(ws, store=False)).get("month", start, end)
    spend = measure_over(
        ws, "marketing_spend", start=start, end=end, by=["channel"], grain="month", frame=frame
    )
    pipeline = measure_over(
        ws, "pipeline_created", start=start, end=end, by=["channel"], grain="month", frame=frame
    )
    spend = spend.rename(columns={"value": "spend"})[["period", "channel", "spend"]]
    pipeline = pipeline.rename(columns={"value": "pipeline"})[["period", "channel", "pipeline"]]
    history = spend.merge(pipeline, on=["period", "channel"], how="left")
    history["pipeline"] = history.pipeline.fillna(0.0)
    grid = pd.MultiIndex.from_product(
        [[p.start for p in frame.calendar], sorted(set(history.channel.dropna()))],
        names=["period", "channel"],
    ).to_frame(index=False)
    history = grid.merge(history, on=["period", "channel"], how="left").fillna(0.0)
    return history.sort_values(["channel", "period"]).reset_index(drop=True)


def rank_channels(
    history: pd.DataFrame, *, min_months: int = 6, max_p_value: float = 0.1
) -> pd.DataFrame:
    """One row per channel with spend (``RESPONSE_COLUMNS``), best next unit first;
    ``rank`` is null for ``too_thin`` and ``weak`` channels."""
    rows = []
    for channel, months in history.groupby("channel", sort=True):
        ordered = months.sort_values("period")
        fit = fit_power_curve(
            ordered.spend.tolist(),
            ordered.pipeline.tolist(),
            min_months=min_months,
            max_p_value=max_p_value,
        )
        if fit.status == "no_spend":
            continue
        recent = ordered.spend.tail(3).mean()
        level = float(recent if recent > 0 else ordered.spend[ordered.spend > 0].mean())
        rows.append(
            {
                "channel": channel,
                "marginal_pipeline": fit.marginal(level),
                "current_spend": level,
                "pipeline_at_current": fit.pipeline(level),
                "a": fit.a,
                "b": fit.b,
                "r_squared": fit.r_squared,
                "p_value": fit.p_value,
                "months": fit.months,
                "status": fit.status,
                "note": fit.note,
            }
        )
    table = pd.DataFrame(rows, columns=[c for c in RESPONSE_COLUMNS if c != "rank"])
    trusted = ~table.status.isin(["too_thin", "weak"])
    table["rank"] = table.marginal_pipeline.where(trusted).rank(ascending=False, method="min")
    table = table.sort_values(["rank", "marginal_pipeline"], ascending=[True, False])
    return table[list(RESPONSE_COLUMNS)].reset_index(drop=True)


def recommendation(ranked: pd.DataFrame) -> str:
    """One sentence: where the next unit of budget goes, or why no channel can be told."""
    best = ranked[ranked["rank"] == 1]
    if best.empty:
        return (
            "No channel's pipeline follows its spend clearly enough to say where the next "
            "unit of budget goes (too few months, or a response not told from noise)."
        )
    top = best.iloc[0]
    return (
        f"The next unit of budget buys the most pipeline in {top.channel}: about "
        f"{top.marginal_pipeline:,.2f} of pipeline per unit at its current "
        f"{top.current_spend:,.0f} a month (elasticity b = {top.b:.2f})."
    )
