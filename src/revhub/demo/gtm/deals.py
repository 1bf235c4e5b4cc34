"""What happens to each new-business deal, as events: stage moves, pushes, changes, the close.

A deal's fate (won, lost at some stage, or abandoned by its rep) and its time in each
stage depend on segment, channel quality and the AE's skill. Close dates slip and are
pushed, seat counts change, discounts are set at proposal and deepen at quarter end and
for weaker reps. ``pipeline`` turns these events into versions.

>>> STAGES[0], PROBABILITY["negotiation"], FORECAST["proposal"]
('prospecting', 0.8, 'best_case')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from revhub.demo.gtm.arrays import NAT, NONE, lookup
from revhub.demo.gtm.seasons import SECOND, add_days
from revhub.demo.market import SEGMENTS
from revhub.demo.spec import DemoSpec
from revhub.model.vocabulary import FORECAST_CATEGORIES, OPPORTUNITY_STAGES

STAGES = OPPORTUNITY_STAGES
PROBABILITY = dict(zip(STAGES, (0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 0.0), strict=True))
FORECAST = dict(
    zip(
        STAGES,
        ("pipeline", "pipeline", "pipeline", "best_case", "commit", "closed", "omitted"),
        strict=True,
    )
)
CATEGORIES = FORECAST_CATEGORIES
KINDS = ("created", "stage", "amount", "close_date", "forecast_category", "owner", "closed")
STAGE_SHARE = np.array([0.15, 0.20, 0.20, 0.25, 0.20])  # of the cycle spent in each open stage
LOST_AT = np.array([0.25, 0.25, 0.20, 0.15, 0.15])  # where lost deals die
ABANDON_SHARE = 0.15  # lost deals the rep never closes
BASE_DISCOUNT = {"smb": 0.04, "mid_market": 0.10, "enterprise": 0.18}
QUARTER_END_DISCOUNT = 0.07
PROPOSAL = 3
WON, LOST = 5, 6


@dataclass
class DealEvents:
    """Long table of deal events; -1 / NaT / NaN mean "unchanged" for that field."""

    deal: np.ndarray
    time: np.ndarray  # datetime64[s]
    kind: np.ndarray  # index into KINDS
    stage: np.ndarray
    category: np.ndarray
    close_day: np.ndarray  # datetime64[D]
    owner: np.ndarray
    seats: np.ndarray  # seats valid after the event
    discount: np.ndarray  # discount valid after the event


@dataclass
class DealFates:
    """Per-deal outcome: closing time (NaT if open at the end), won, abandoned, last activity."""

    won: np.ndarray
    closed_at: np.ndarray
    abandoned: np.ndarray
    last_activity: np.ndarray
    lost_reason: np.ndarray
    seats: np.ndarray  # final seats
    discount: np.ndarray  # final negotiated discount


def _quarter_end_days(days: np.ndarray) -> np.ndarray:
    month = days.astype("datetime64[M]").astype(np.int64)
    next_quarter = (month - month % 3 + 3).astype("datetime64[M]").astype("datetime64[D]")
    return np.asarray((next_quarter - days).astype(np.int64))


def simulate_deals(
    spec: DemoSpec,
    rng: np.random.Generator,
    created: np.ndarray,
    segment: np.ndarray,
    quality: np.ndarray,
    skill: np.ndarray,
    owner: np.ndarray,
    owner_leaves: np.ndarray,
    successor: np.ndarray,
) -> tuple[DealEvents, DealFates]:
    """All events of ``len(created)`` deals and their fates, cut at ``spec.end``."""
    m = len(created)
    end = spec.end.astype("datetime64[s]")
    cycle = lookup({k: s.cycle_days for k, s in SEGMENTS.items()}, segment)
    win_p = (
        lookup({k: s.win_rate for k, s in SEGMENTS.items()}, segment) * quality**0.8 * skill**1.2
    )
    won = rng.random(m) < np.clip(win_p * 1.1, 0.02, 0.8)
    last = np.where(won, 4, rng.choice(5, m, p=LOST_AT))
    speed = np.where(won, 1.0, 0.7) / np.sqrt(skill)
    durations = (
        cycle[:, None] * STAGE_SHARE[None, :] * rng.lognormal(0, 0.6, (m, 5)) * speed[:, None]
    )
    offsets = np.concatenate([np.zeros((m, 1)), np.cumsum(durations, axis=1)], axis=1)
    entry = np.stack([add_days(created, offsets[:, k]) for k in range(6)], axis=1)
    rows = np.arange(m)
    decided = entry[rows, last + 1]
    abandoned = ~won & (rng.random(m) < ABANDON_SHARE)
    quit_at = add_days(entry[rows, last], rng.uniform(2, 20, m))
    abandoned &= quit_at < end - np.int64(60 * 86400) * SECOND
    # Older rot gets cleaned up by RevOps (closed lost), so only the last year's stays open.
    abandoned &= quit_at > end - np.int64(365 * 86400) * SECOND
    closes = ~abandoned & (decided < end)
    active_until = np.where(closes, decided, np.where(abandoned, quit_at, end))
    ev: dict[str, list[np.ndarray]] = {
        k: [] for k in ("deal", "time", "kind", "stage", "category", "close_day", "owner")
    }

    def emit(
        deal: np.ndarray,
        time: np.ndarray,
        kind: int,
        *,
        stage: np.ndarray | int = -1,
        category: np.ndarray | int = -1,
        close_day: np.ndarray | None = None,
        owner_to: np.ndarray | None = None,
    ) -> None:
        k = len(deal)
        ev["deal"].append(deal)
        ev["time"].append(time.astype("datetime64[s]"))
        ev["kind"].append(np.full(k, kind))
        ev["stage"].append(np.broadcast_to(stage, (k,)).astype(np.int64))
        ev["category"].append(np.broadcast_to(category, (k,)).astype(np.int64))
        ev["close_day"].append(np.full(k, NAT, "datetime64[D]") if close_day is None else close_day)
        ev["owner"].append(np.full(k, -1) if owner_to is None else owner_to)

    expected = (
        created + np.round(cycle * rng.lognormal(0, 0.3, m)).astype(np.int64) * 86400 * SECOND
    )
    expected = np.maximum(expected.astype("datetime64[D]"), created.astype("datetime64[D]") + 7)
    emit(rows, created, 0, stage=0, category=0, close_day=expected, owner_to=owner)
    for k in range(1, 5):
        hit = np.flatnonzero((last >= k) & (entry[:, k] < active_until))
        emit(hit, entry[hit, k], 1, stage=k, category=CATEGORIES.index(FORECAST[STAGES[k]]))
    flip = np.flatnonzero(last >= PROPOSAL)
    flip_at = add_days(entry[flip, PROPOSAL], durations[flip, PROPOSAL] * 0.5)
    keep = (rng.random(len(flip)) < 0.35) & (flip_at < active_until[flip])
    emit(flip[keep], flip_at[keep], 4, category=CATEGORIES.index("commit"))
    for _ in range(3):  # slipped close dates get pushed when they pass
        late = np.flatnonzero(expected.astype("datetime64[s]") + 10 * 3600 * SECOND < active_until)
        pushed = expected[late] + rng.integers(14, 46, len(late))
        emit(late, expected[late].astype("datetime64[s]") + 10 * 3600 * SECOND, 3, close_day=pushed)
        expected[late] = pushed
    still_open = np.flatnonzero(~closes & ~abandoned & (expected < spec.end))
    at = np.maximum(expected[still_open].astype("datetime64[s]"), end - 86400 * SECOND)
    at = np.maximum(at, created[still_open] + 60 * SECOND)
    future = spec.end + rng.integers(10, 60, len(still_open))
    emit(still_open, at, 3, close_day=future)
    expected[still_open] = future
    leaves = owner_leaves.astype("datetime64[s]") + 17 * 3600 * SECOND
    moved = np.flatnonzero((leaves > created) & (leaves < active_until))
    emit(moved, leaves[moved], 5, owner_to=successor[moved])
    seats0 = seats_for(rng, segment)
    change_at = add_days(
        created, rng.uniform(0.2, 0.9, m) * (active_until - created) / (86400 * SECOND)
    )
    changes = np.flatnonzero((rng.random(m) < 0.25) & (change_at < active_until))
    seats1 = seats0.copy()
    seats1[changes] = np.maximum(1, np.round(seats0[changes] * rng.uniform(0.6, 1.4, len(changes))))
    emit(changes, change_at[changes], 2)
    shut = np.flatnonzero(closes)
    emit(
        shut,
        decided[shut],
        6,
        stage=np.where(won[shut], WON, LOST),
        category=np.where(won[shut], 3, 4),
        close_day=decided[shut].astype("datetime64[D]"),
    )
    merged = {k: np.concatenate(v) for k, v in ev.items() if v}
    blank = np.zeros(len(merged["deal"]))
    events = DealEvents(**merged, seats=blank.astype(np.int64), discount=blank)
    base = lookup(BASE_DISCOUNT, segment) + 0.15 * np.clip(1.0 - skill, 0.0, None)
    proposed = np.clip(np.round(base + rng.normal(0, 0.03, m), 2), 0.0, 0.4)
    rush = _quarter_end_days(decided.astype("datetime64[D]")) <= 15
    final = np.clip(proposed + np.where(rush & won, QUARTER_END_DISCOUNT, 0.0), 0.0, 0.5)
    d, t = events.deal, events.time
    events.seats = np.where(t >= change_at[d], seats1[d], seats0[d]).astype(np.int64)
    events.discount = np.where(t >= entry[d, PROPOSAL], proposed[d], 0.0)
    closing_won = (events.kind == 6) & won[d]
    events.discount = np.where(closing_won, final[d], events.discount)
    recent = end - np.round(rng.uniform(0.5, 20, m) * 86400).astype(np.int64) * SECOND
    last_activity = np.where(closes | abandoned, active_until, np.maximum(recent, created))
    reasons = np.array(
        ["price", "competitor", "no_decision", "timing", "missing_feature", "unresponsive"],
        dtype=object,
    )
    weights = np.array([0.22, 0.24, 0.22, 0.12, 0.12, 0.08])
    reason = reasons[rng.choice(6, m, p=weights)]
    reason = np.where((skill < 0.85) & (rng.random(m) < 0.3), "price", reason)
    fates = DealFates(
        won=won & closes,
        closed_at=np.where(closes, decided, NAT).astype("datetime64[s]"),
        abandoned=abandoned,
        last_activity=last_activity.astype("datetime64[s]"),
        lost_reason=np.where(~won & closes, reason, NONE),
        seats=seats1,
        discount=np.where(won, final, proposed),
    )
    return events, fates


def seats_for(rng: np.random.Generator, segment: np.ndarray) -> np.ndarray:
    """Seats a deal starts with: log-uniform in the segment's typical range."""
    seats = np.zeros(len(segment), dtype=np.int64)
    for name, seg in SEGMENTS.items():
        mask = segment == name
        lo, hi = np.log(seg.seats[0]), np.log(seg.seats[1])
        seats[mask] = np.round(np.exp(rng.uniform(lo, hi, mask.sum()))).astype(np.int64)
    return seats
