"""When a deal that wins will close: its close date, moved by how close dates really slipped.

For every won deal seen open at a past cutoff, the **slip** is the day it closed minus
its *anchor* then: the close date the CRM held, or the cutoff itself when that date had
already passed. An open deal's close day is its own anchor plus a slip drawn from the
won deals seen in the same stage (all stages pooled when a stage has fewer than
``MIN_SLIPS``), and never before the as-of day. The probability of closing within a
period is the share of those slips that land in it.

>>> timing = CloseTiming({"demo": np.array([0, 10, 40])}, np.array([0, 10, 40]))
>>> anchor = np.array(["2026-04-10"], dtype="datetime64[D]")
>>> timing.share_within(pd.Series(["demo"]), anchor, np.datetime64("2026-04-01"),
...     np.datetime64("2026-04-01"), np.datetime64("2026-04-30"))
array([0.66666667])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_SLIPS = 30


def anchors(close_date: pd.Series, cutoff: pd.Series) -> np.ndarray:
    """Each deal's anchor day: its close date, or the cutoff day once that has passed."""
    close = pd.to_datetime(close_date).to_numpy().astype("datetime64[D]")
    day = pd.to_datetime(cutoff).to_numpy().astype("datetime64[D]")
    anchor: np.ndarray = np.maximum(close, day)
    return anchor


@dataclass(frozen=True)
class CloseTiming:
    """Sorted slips (days) of won deals per stage, and pooled."""

    by_stage: dict[str, np.ndarray]
    pooled: np.ndarray

    @classmethod
    def fit(cls, stage: pd.Series, anchor: np.ndarray, closed_day: np.ndarray) -> CloseTiming:
        """Learn from won deals: their stage and anchor at a cutoff, and the day they closed."""
        slips = (closed_day.astype("datetime64[D]") - anchor).astype(np.int64)
        frame = pd.DataFrame({"stage": stage.to_numpy(), "slip": slips})
        by_stage = {
            str(s): np.sort(group.to_numpy())
            for s, group in frame.groupby("stage")["slip"]
            if len(group) >= MIN_SLIPS
        }
        pooled = np.sort(slips) if len(slips) else np.zeros(1, dtype=np.int64)
        return cls(by_stage, pooled)

    def slips_for(self, stage: str) -> np.ndarray:
        """The slips a deal in ``stage`` draws from."""
        return self.by_stage.get(stage, self.pooled)

    def share_within(
        self,
        stage: pd.Series,
        anchor: np.ndarray,
        as_of: np.datetime64,
        first: np.datetime64,
        last: np.datetime64,
    ) -> np.ndarray:
        """P(close day in [first, last] | won) of each deal; close days before the as-of
        day count as the as-of day."""
        share = np.zeros(len(anchor))
        if last < as_of:
            return share
        stages = stage.to_numpy()
        for name in np.unique(stages):
            rows = np.flatnonzero(stages == name)
            slips = self.slips_for(str(name))
            high = np.searchsorted(slips, (last - anchor[rows]).astype(np.int64), side="right")
            low = np.zeros(len(rows), dtype=np.int64)
            if first > as_of:  # slips landing before the as-of day close on it, so inside
                low = np.searchsorted(slips, (first - anchor[rows]).astype(np.int64), "left")
            share[rows] = (high - low) / len(slips)
        return share

    def draw(
        self, stage: pd.Series, anchor: np.ndarray, as_of: np.datetime64, rng: np.random.Generator
    ) -> np.ndarray:
        """One close day per deal, drawn from its stage's slips."""
        days = np.empty(len(anchor), dtype="datetime64[D]")
        stages = stage.to_numpy()
        for name in np.unique(stages):
            rows = np.flatnonzero(stages == name)
            slips = self.slips_for(str(name))
            picked = slips[rng.integers(0, len(slips), len(rows))]
            days[rows] = np.maximum(anchor[rows] + picked.astype("timedelta64[D]"), as_of)
        return days
