"""Targets: what the company planned, per month and quarter, set ahead from the trend.

Each period's target is the trailing three months' actual, grown by the growth plan
(30% a year) two months ahead, with planning noise; so some periods are hit and some
missed. Scopes: the company, each segment, and each AE team (bookings, pipeline, win
rate). ``mqls`` is planned from opportunities created (about four MQLs per opportunity),
since the targets step only sees the opportunities.

>>> METRICS
('new_bookings', 'arr', 'pipeline_created', 'win_rate', 'mqls')
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa

from revhub.demo.customers.cohort import NULL, column
from revhub.demo.customers.engagement import month_starts
from revhub.demo.spec import DemoSpec, make_ids
from revhub.model import get_table

METRICS = ("new_bookings", "arr", "pipeline_created", "win_rate", "mqls")
TEAM_METRICS = ("new_bookings", "pipeline_created", "win_rate")
GROWTH_PLAN = 1.30  # yearly
MQLS_PER_OPPORTUNITY = 4.0


def targets(spec: DemoSpec, org: Mapping[str, pa.Table], opportunities: pa.Table) -> pa.Table:
    """The ``targets`` table for the whole company (built once, after all chunks).

    Example: ``targets(spec, build_org(spec), pa.concat_tables(opportunities))``.
    """
    rng = spec.rng("targets")
    actual = _actuals(spec, org, opportunities)
    starts = month_starts(spec, extra=0)
    rows: dict[str, list[object]] = {
        k: []
        for k in ("metric", "period_grain", "period_start", "team_id", "segment", "region", "value")
    }
    for (metric, team, segment, region), series in actual.items():
        monthly = _plan(series, metric, rng)
        quarter = starts.astype("datetime64[M]").astype(int) // 3
        first = np.r_[True, quarter[1:] != quarter[:-1]]
        for grain, values, period in (
            ("month", monthly, starts),
            ("quarter", _by_quarter(monthly, metric, quarter), starts[first]),
        ):
            if grain == "quarter":
                whole = np.bincount(quarter - quarter[0]) == 3
                values, period = values[whole], period[whole]
            rows["metric"] += [metric] * len(values)
            rows["period_grain"] += [grain] * len(values)
            rows["period_start"] += list(period)
            rows["team_id"] += [team] * len(values)
            rows["segment"] += [segment] * len(values)
            rows["region"] += [region] * len(values)
            rows["value"] += list(np.round(values, 4))
    n = len(rows["value"])
    ids = make_ids("tgt", 0, n)
    set_at = (np.array(rows["period_start"], dtype="datetime64[D]") - 30).astype("datetime64[us]")
    return get_table("targets").to_arrow(
        {
            "target_id": ids,
            **{k: np.array(v, dtype=object) for k, v in rows.items() if k != "period_start"},
            "period_start": np.array(rows["period_start"], dtype="datetime64[D]"),
            "value": np.array(rows["value"], dtype=float),
            "source": np.full(n, "anaplan", dtype=object),
            "source_id": ids,
            "created_at": set_at,
            "updated_at": set_at,
        }
    )


Key = tuple[str, str | None, str | None, str | None]


def _actuals(spec: DemoSpec, org: Mapping[str, pa.Table], opps: pa.Table) -> dict[Key, np.ndarray]:
    """Monthly actual per (metric, team, segment, region)."""
    months = spec.months
    first = spec.start.astype("datetime64[M]")

    def month_of(name: str) -> np.ndarray:
        day = column(opps, name).astype("datetime64[D]")
        index = (day.astype("datetime64[M]") - first).astype(int)
        return np.where(np.isnat(day), -1, index)

    closed_m, created_m = month_of("closed_date"), month_of("created_date")
    amount = opps["amount_base"].cast(pa.float64()).to_numpy(zero_copy_only=False)
    amount = np.nan_to_num(amount)
    kind = column(opps, "opportunity_type")
    won = column(opps, "is_won").astype(bool)
    closed = column(opps, "is_closed").astype(bool)
    users = org["users"]
    user_ids = column(users, "user_id").astype(str)
    order = np.argsort(user_ids)
    owner = column(opps, "owner_id").astype(str)
    pos = np.minimum(np.searchsorted(user_ids, owner, sorter=order), len(user_ids) - 1)
    found = user_ids[order[pos]] == owner
    team = np.where(found, column(users, "team_id")[order[pos]], NULL)
    segment = np.where(found, column(users, "segment")[order[pos]], NULL)

    def monthly(month: np.ndarray, weights: np.ndarray, mask: np.ndarray) -> np.ndarray:
        ok = mask & (month >= 0) & (month < months)
        return np.bincount(month[ok], weights=weights[ok], minlength=months)

    ones = np.ones(len(amount))
    new = kind == "new_business"
    growth = (won & (kind != "renewal")) * amount - (closed & ~won & (kind == "renewal")) * amount
    scopes: list[tuple[str | None, str | None, str | None, np.ndarray]] = [
        (None, None, None, np.ones(len(amount), bool))
    ]
    for name in ("smb", "mid_market", "enterprise"):
        scopes.append((None, name, None, segment == name))
    teams = users.filter(pa.compute.equal(users["role"], "ae"))
    for t in np.unique(column(teams, "team_id").astype(str)):
        info = column(org["teams"], "team_id").astype(str) == t
        t_seg = column(org["teams"], "segment")[info]
        t_reg = column(org["teams"], "region")[info]
        scopes.append(
            (t, t_seg[0] if len(t_seg) else None, t_reg[0] if len(t_reg) else None, team == t)
        )
    out: dict[Key, np.ndarray] = {}
    for team_id, seg, reg, mask in scopes:
        bookings = monthly(closed_m, amount, mask & won & new)
        wins = monthly(closed_m, ones, mask & won & new)
        decided = monthly(closed_m, ones, mask & closed & new)
        out[("new_bookings", team_id, seg, reg)] = bookings
        out[("pipeline_created", team_id, seg, reg)] = monthly(created_m, amount, mask & new)
        out[("win_rate", team_id, seg, reg)] = np.where(
            decided > 0, wins / np.maximum(decided, 1), np.nan
        )
        if team_id is None and seg is None:
            out[("arr", team_id, seg, reg)] = np.cumsum(monthly(closed_m, growth, mask))
            out[("mqls", team_id, seg, reg)] = (
                monthly(created_m, ones, mask & new) * MQLS_PER_OPPORTUNITY
            )
    return out


def _plan(actual: np.ndarray, metric: str, rng: np.random.Generator) -> np.ndarray:
    """Target per month: trailing 3-month actual, grown two months ahead, with noise."""
    months = len(actual)
    filled = np.where(
        np.isnan(actual), np.nanmean(actual) if np.isfinite(actual).any() else 0.2, actual
    )
    trailing = np.array(
        [filled[max(0, m - 3) : m].mean() if m >= 3 else filled[:3].mean() for m in range(months)]
    )
    noise = rng.lognormal(0.0, 0.10, months)
    if metric == "win_rate":
        return np.clip(trailing + 0.01 + rng.normal(0, 0.02, months), 0.05, 0.8)
    planned: np.ndarray = np.maximum(trailing * GROWTH_PLAN ** (2 / 12) * noise, 0.0)
    return planned


def _by_quarter(monthly: np.ndarray, metric: str, quarter: np.ndarray) -> np.ndarray:
    index = quarter - quarter[0]
    total = np.bincount(index, weights=monthly)
    if metric == "win_rate":
        return total / np.bincount(index)
    if metric == "arr":
        last = np.r_[index[1:] != index[:-1], True]
        return monthly[last]
    return total
