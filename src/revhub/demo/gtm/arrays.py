"""Small vectorised helpers the go-to-market simulation shares.

Nullable Arrow arrays from numpy, picking an active person per row, forward-filling
values within sorted groups, and Arrow columns back to numpy.

>>> forward_fill(np.array([0, 1, 2]), np.array([True, False, True])).tolist()
[0, 0, 2]
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

NAT = np.datetime64("NaT")
NONE = np.array(None, dtype=object)  # a null for np.where on object columns


def nullable(values: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """An Arrow array with nulls where ``missing`` (default: NaN / NaT / None)."""
    if missing is None:
        if values.dtype.kind in "fM":
            missing = np.isnan(values) if values.dtype.kind == "f" else np.isnat(values)
        else:
            missing = np.equal(values, NONE)
    if values.dtype.kind == "f":
        values = np.round(np.where(missing, 0.0, values), 8)
    return pa.array(values, mask=np.asarray(missing, dtype=bool))


def column(table: pa.Table, name: str) -> np.ndarray:
    """A column as numpy (object for strings, datetime64 for times)."""
    return np.asarray(table.column(name).to_numpy(zero_copy_only=False))


def forward_fill(index: np.ndarray, is_set: np.ndarray) -> np.ndarray:
    """For each row, the index of the last row at or before it where ``is_set``.

    Rows are assumed sorted by group, and the first row of every group set.
    """
    return np.maximum.accumulate(np.where(is_set, index, 0))


def group_starts(keys: np.ndarray) -> np.ndarray:
    """Boolean mask of the first row of each run of equal ``keys`` (sorted input)."""
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return first


def pick_active(
    rng: np.random.Generator,
    pools: dict[str, np.ndarray],
    pool_of_row: np.ndarray,
    day: np.ndarray,
    hire: np.ndarray,
    leave: np.ndarray,
) -> np.ndarray:
    """For each row, a random member (user index) of its pool employed on ``day``.

    ``pools`` maps a pool name to user indices whose first member is always employed;
    rows that find nobody after a few tries get that member.
    """
    out = np.full(len(day), -1, dtype=np.int64)
    for name, members in pools.items():
        rows = np.flatnonzero(pool_of_row == name)
        if not len(rows):
            continue
        for _ in range(4):
            pending = rows[out[rows] < 0]
            choice = members[rng.integers(0, len(members), len(pending))]
            ok = (hire[choice] <= day[pending]) & ~(leave[choice] <= day[pending])
            out[pending[ok]] = choice[ok]
        pending = rows[out[rows] < 0]
        out[pending] = members[0]
    return out


def lookup(mapping: dict[str, float], keys: np.ndarray, default: float = 0.0) -> np.ndarray:
    """Vectorised ``mapping.get(key, default)`` for a few distinct keys."""
    out = np.full(len(keys), default, dtype=float)
    for name, value in mapping.items():
        out[keys == name] = value
    return out
