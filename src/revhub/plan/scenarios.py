"""Scenarios: what-if changes to the measured rates, the target and the sales team, as
data, and read from short strings for the command line.

``Scenario("win rate +2 points", win_rate_delta=0.02)`` or ``Scenario("+1 AE in EMEA",
extra_reps={"emea": 1})``; ``build_plan(..., scenario=...)`` measures as usual, applies
the scenario and works the plan out again. Changes to rates are absolute (points of a
share: +0.02 is two points), to the deal size and the target relative (+5 %), to the
sales cycle in days or relative; extra reps name a region, a segment or both
(``emea``, ``smb``, ``emea.smb``), the open part going where the gap is largest.

Strings, comma- or semicolon-separated, every change with its sign::

    win_rate=+0.02   win_rate=+2pt   lead_to_mql=-1pt   mql_to_sql=+0.05
    sql_to_opportunity=+3pt          deal_size=+5%      target=+10%
    cycle=-10d       cycle=-15%      aes=+2             aes.emea=+1    aes.emea.smb=-1

>>> parse_scenario("win_rate=+2pt, deal_size=+5%, aes.emea=+1").changes()
['win rate +2.0 points', 'deal size +5%', '+1 AE in emea']
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from revhub.errors import ScenarioError, did_you_mean
from revhub.model.vocabulary import REGIONS, SEGMENTS

_RATE_KEYS = {
    "win_rate": "win_rate_delta",
    "lead_to_mql": "lead_to_mql_delta",
    "mql_to_sql": "mql_to_sql_delta",
    "sql_to_opportunity": "sql_to_opportunity_delta",
}
_PERCENT_KEYS = {"deal_size": "deal_size_pct", "target": "target_pct"}
KEYS = (*_RATE_KEYS, *_PERCENT_KEYS, "cycle", "aes")
_NUMBER = re.compile(r"^(?P<sign>[+-])\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[a-z%]*)$")
_POINTS = ("pt", "pts", "point", "points")
_DAYS = ("", "d", "day", "days")


@dataclass(frozen=True)
class Scenario:
    """A what-if: each field is a change from what was measured (0 = none)."""

    name: str = "baseline"
    win_rate_delta: float = 0.0
    lead_to_mql_delta: float = 0.0
    mql_to_sql_delta: float = 0.0
    sql_to_opportunity_delta: float = 0.0
    deal_size_pct: float = 0.0
    target_pct: float = 0.0
    cycle_days_delta: float = 0.0
    cycle_pct: float = 0.0
    extra_reps: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        known = (*REGIONS, *SEGMENTS)
        for key in self.extra_reps:
            for part in (p for p in key.split(".") if p):
                if part not in known:
                    hint = did_you_mean(part, known) or f" Use one of {', '.join(known)}."
                    raise ScenarioError(f"aes.{key}", f"unknown region or segment `{part}`.{hint}")
        for name in ("deal_size_pct", "target_pct", "cycle_pct"):
            if getattr(self, name) <= -1:
                raise ScenarioError(f"{name}={getattr(self, name)}", "takes away 100% or more.")

    def changes(self) -> list[str]:
        """The changes in words, for reports."""
        words = {
            "win_rate_delta": "win rate",
            "lead_to_mql_delta": "lead→MQL",
            "mql_to_sql_delta": "MQL→SQL",
            "sql_to_opportunity_delta": "SQL→opportunity",
        }
        said = [
            f"{w} {getattr(self, k) * 100:+.1f} points"
            for k, w in words.items()
            if getattr(self, k)
        ]
        said += [
            f"{w} {getattr(self, k):+.0%}"
            for k, w in (
                ("deal_size_pct", "deal size"),
                ("target_pct", "target"),
                ("cycle_pct", "sales cycle"),
            )
            if getattr(self, k)
        ]
        if self.cycle_days_delta:
            said.append(f"sales cycle {self.cycle_days_delta:+g} days")
        said += [f"{n:+d} AE in {k or 'the team'}" for k, n in self.extra_reps.items() if n]
        return said

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe fields plus the changes in words."""
        return {**asdict(self), "extra_reps": dict(self.extra_reps), "changes": self.changes()}

    def apply_to_rates(self, rates: pd.DataFrame) -> pd.DataFrame:
        """``rates`` (``plan.rates``) with the changes made; a ScenarioError when a rate
        would leave (0, 1] or the cycle would go below 0 days."""
        changed = rates.copy()
        for measure, attribute in _RATE_KEYS.items():
            delta = getattr(self, f"{attribute}")
            rows = changed.measure == measure
            changed.loc[rows, "value"] = changed.loc[rows, "value"] + delta
            bad = changed[rows & ~changed.value.between(0, 1, inclusive="right")]
            if len(bad):
                row = bad.iloc[0]
                raise ScenarioError(
                    f"{measure}={delta:+g}",
                    f"{measure} of {row.segment} would be {row.value:.3f}, outside (0, 1].",
                )
        rows = changed.measure == "deal_size"
        changed.loc[rows, "value"] = changed.loc[rows, "value"] * (1 + self.deal_size_pct)
        rows = changed.measure == "days_opportunity_to_won"
        cycle = changed.loc[rows, "value"] * (1 + self.cycle_pct) + self.cycle_days_delta
        if (cycle < 0).any():
            raise ScenarioError(
                f"cycle={self.cycle_days_delta:+g}d", "the sales cycle would be below 0 days."
            )
        changed.loc[rows, "value"] = cycle
        return changed

    def apply_to_targets(self, targets: pd.DataFrame) -> pd.DataFrame:
        """``targets`` with the bookings changed by ``target_pct``."""
        return targets.assign(bookings=targets.bookings * (1 + self.target_pct))


def parse_scenario(specs: str | Sequence[str], *, name: str | None = None) -> Scenario:
    """A Scenario from strings such as ``"win_rate=+0.02, aes.emea=+1"`` (see the module
    docstring); every problem is reported at once in one ScenarioError."""
    text = specs if isinstance(specs, str) else ",".join(specs)
    parts = [p.strip() for p in re.split(r"[,;]", text) if p.strip()]
    if not parts:
        raise ScenarioError(text, "is empty; write changes such as win_rate=+2pt, aes.emea=+1.")
    values: dict[str, Any] = {}
    reps: dict[str, int] = {}
    problems: list[ScenarioError] = []
    for part in parts:
        try:
            field_name, value = _one(part)
        except ScenarioError as error:
            problems.append(error)
            continue
        if field_name == "extra_reps":
            where, count = value
            reps[where] = reps.get(where, 0) + count
        elif field_name in values:
            problems.append(ScenarioError(part, "changes the same thing twice."))
        else:
            values[field_name] = value
    if len(problems) == 1:
        raise problems[0]
    if problems:
        said = (f"`{e.text}`: {str(e).split(': ', 1)[1].rstrip('.')}" for e in problems)
        raise ScenarioError(text, "; ".join(said) + ".")
    return Scenario(name or ", ".join(parts), extra_reps=reps, **values)


def _one(part: str) -> tuple[str, Any]:
    """The Scenario field one ``key=change`` sets and its value."""
    key, equals, raw = part.partition("=")
    key, raw = key.strip().lower(), raw.strip().lower()
    root = key.split(".")[0]
    if not equals or root not in KEYS:
        hint = did_you_mean(root, KEYS) or f" Known: {', '.join(KEYS)}."
        raise ScenarioError(part, f"write key=change, with a known key.{hint}")
    match = _NUMBER.match(raw)
    if not match:
        raise ScenarioError(part, "write the change with its sign, e.g. +0.02, -5%, +1.")
    number = float(match["number"]) * (1 if match["sign"] == "+" else -1)
    unit = match["unit"]
    if root == "aes":
        if unit or number != int(number):
            raise ScenarioError(part, "takes a whole number of reps, e.g. aes.emea=+1.")
        where = key.removeprefix("aes").lstrip(".")
        unknown = [p for p in where.split(".") if p and p not in (*REGIONS, *SEGMENTS)]
        if unknown:
            hint = did_you_mean(unknown[0], (*REGIONS, *SEGMENTS))
            raise ScenarioError(part, f"unknown region or segment `{unknown[0]}`.{hint}")
        return "extra_reps", (where, int(number))
    if key != root:
        raise ScenarioError(part, f"`{root}` has no parts; write {root}=<change>.")
    if root in _RATE_KEYS:
        if unit == "%":
            raise ScenarioError(part, "is ambiguous: write points as +2pt or as +0.02.")
        if unit not in ("", *_POINTS):
            raise ScenarioError(part, f"unknown unit `{unit}`; write +2pt or +0.02.")
        return _RATE_KEYS[root], number / 100 if unit in _POINTS else number
    if unit == "%" and number <= -100:
        raise ScenarioError(part, "cannot take away 100% or more.")
    if root in _PERCENT_KEYS:
        if unit != "%":
            raise ScenarioError(part, f"takes a percentage, e.g. {root}=+5%.")
        return _PERCENT_KEYS[root], number / 100
    if unit == "%":
        return "cycle_pct", number / 100
    if unit not in _DAYS:
        raise ScenarioError(part, "takes days (cycle=-10d) or a percentage (cycle=-10%).")
    return "cycle_days_delta", number


def place_hires(
    requests: Mapping[str, int], baseline: pd.DataFrame
) -> dict[tuple[str, str | None], int]:
    """Where each requested hire goes: a key names a region, a segment or both
    (``emea``, ``smb``, ``emea.smb``; ``""`` for anywhere); the part left open is the
    segment or region with the largest gap in the first planned period of ``baseline``
    (a capacity plan without the hires).

    >>> base = pd.DataFrame({"period": [1, 1], "segment": ["smb", "enterprise"],
    ...     "region": ["emea", "emea"], "gap": [0.5, 2.0]})
    >>> place_hires({"emea": 1, "smb.emea": 2}, base)
    {('enterprise', 'emea'): 1, ('smb', 'emea'): 2}
    """
    first = baseline[baseline.period == baseline.period.min()] if len(baseline) else baseline
    placed: dict[tuple[str, str | None], int] = {}
    for key, count in requests.items():
        if not count:
            continue
        parts = [p for p in key.split(".") if p]
        segment = next((p for p in parts if p in SEGMENTS), None)
        region = next((p for p in parts if p in REGIONS), None)
        rows = first
        if segment is not None:
            rows = rows[rows.segment == segment]
        if region is not None:
            rows = rows[rows.region == region]
        if (segment is None or region is None) and len(rows):
            best = rows.sort_values(["gap", "segment"], ascending=[False, True]).iloc[0]
            segment, region = segment or str(best.segment), region or best.region
        if segment is None:
            segment = SEGMENTS[0]
        placed[(segment, region)] = placed.get((segment, region), 0) + count
    return placed
