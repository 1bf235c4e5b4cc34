"""The groups a forecast is reported by — the company, then each team, segment, region.

A forecast sums deals (or subscriptions) into every group they belong to at once: a
0/1 membership matrix, one column per group, turns the per-row Monte Carlo draws into
per-group totals with one matrix product.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

Group = tuple[str, str]


def group_members(frames: Iterable[pd.DataFrame], groupings: Sequence[str]) -> list[Group]:
    """The company and every (grouping, value) found in ``frames``, sorted.

    A frame either has one column per grouping, or long rows of ``grouping`` and
    ``member`` (a totals table).

    >>> deals = pd.DataFrame({"segment": ["smb", "ent", None]})
    >>> group_members([deals], ["segment"])
    [('company', 'all'), ('segment', 'ent'), ('segment', 'smb')]
    """
    found: set[Group] = {("company", "all")}
    for frame in frames:
        for grouping in groupings:
            if grouping == "company":
                continue
            if grouping in frame:
                values = frame[grouping].dropna()
            elif "grouping" in frame:
                values = frame.loc[frame["grouping"] == grouping, "member"].dropna()
            else:
                continue
            found.update((grouping, str(v)) for v in values.unique())
    return sorted(found)


def membership(
    frame: pd.DataFrame, members: Sequence[Group], dtype: type = np.float64
) -> np.ndarray:
    """A rows × groups matrix of 1 where the row belongs to the group.

    >>> deals = pd.DataFrame({"segment": ["smb", "ent", None]})
    >>> membership(deals, [("company", "all"), ("segment", "smb")]).tolist()
    [[1.0, 1.0], [1.0, 0.0], [1.0, 0.0]]
    """
    matrix: np.ndarray = np.zeros((len(frame), len(members)), dtype=dtype)
    for k, (grouping, value) in enumerate(members):
        if grouping == "company":
            matrix[:, k] = 1.0
        else:
            matrix[:, k] = (frame[grouping].astype("string") == value).fillna(False).to_numpy()
    return matrix
