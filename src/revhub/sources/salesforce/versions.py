"""Versions of an opportunity as validity intervals, and what changed to start each.

Salesforce keeps one OpportunityHistory row per change of stage, amount, probability
or close date, stamped with its CreatedDate; a history-mode sync keeps one row per
version with ``_fivetran_start``. Either way a version is valid from its own start
until the next version's start (null for the current one). The first version is
``created``; later ones are ``closed`` (moved into a closed stage), ``stage``,
``amount``, ``close_date`` or ``forecast_category``, checked in that order; a row
where none of these changed (a probability edit) counts as ``stage``. Two versions of
one opportunity with the same start keep the one read last (a later pull wins).

>>> import numpy as np
>>> change_kinds(np.array(["o1", "o1", "o1"], object), np.array(["demo", "demo", "closed_won"],
...     object), np.array([1.0, 2.0, 2.0]), np.array(["d", "d", "d"], object),
...     np.array(["pipeline"] * 3, object)).tolist()
['created', 'amount', 'closed']
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.base import DELETED
from revhub.sources.salesforce import values
from revhub.sources.salesforce.frame import Frame
from revhub.sources.salesforce.picklists import CLOSED_STAGES

VALID_FROM = "_valid_from"
VALID_TO = "_valid_to"
CHANGE_KIND = "_change_kind"
STAGE = "_stage"
FORECAST = "_forecast"


def intervals(frame: Frame, entity: str, start: str, stage: pa.Array, forecast: pa.Array) -> Frame:
    """``frame``'s versions sorted per ``entity`` with ``_valid_from``, ``_valid_to``,
    ``_change_kind``, ``_stage`` and ``_forecast`` added. Rows flagged deleted are
    linked among themselves, so their keys still name the versions to remove.

    >>> frame = Frame.of({"OpportunityId": ["006A", "006A"], "Amount": ["2", "1"],
    ...                   "CreatedDate": ["2024-01-02", "2024-01-01"]})
    >>> out = intervals(frame, "OpportunityId", "CreatedDate", pa.array(["demo", "demo"]),
    ...                 pa.array(["pipeline", "pipeline"]))
    >>> out.column(VALID_TO).to_pylist(), out.column(CHANGE_KIND).to_pylist()
    (['2024-01-02', None], ['created', 'amount'])
    """
    seq = pa.array(np.arange(frame.num_rows), pa.int64())
    marked = frame.with_columns(
        {
            STAGE: stage,
            FORECAST: forecast,
            "_order": values.sortable_instant(frame.column(start)),
            "_seq": seq,
            VALID_FROM: frame.column(start),
        }
    )
    usable = pc.and_(pc.is_valid(marked.column(entity)), pc.is_valid(marked.column(start)))
    marked = marked.where(usable)
    deleted = values.as_array(marked.rows[DELETED])
    parts = [
        _linked(marked.where(pc.invert(deleted)), entity),
        _linked(marked.where(deleted), entity),
    ]
    rows = pa.concat_tables([part.rows for part in parts])
    return Frame(frame.name, rows, frame.source, frame.context, frame.origin)


def _linked(frame: Frame, entity: str) -> Frame:
    rows = frame.rows.sort_by(
        [(entity, "ascending"), ("_order", "ascending"), ("_seq", "ascending")]
    )
    repeated = _same_as_next(rows[entity]) & _same_as_next(rows["_order"])
    rows = rows.filter(pa.array(~repeated))  # of equal starts, the one read last stays
    ordered = Frame(frame.name, rows, frame.source, frame.context, frame.origin)
    ids = _objects(rows[entity])
    starts = _objects(rows[VALID_FROM])
    valid_to = np.full(len(ids), None, object)
    following = _same_as_next(rows[entity])
    valid_to[:-1][following[:-1]] = starts[1:][following[:-1]]
    kinds = change_kinds(
        ids,
        _objects(rows[STAGE]),
        values.number(ordered.column("Amount")).to_numpy(zero_copy_only=False),
        _objects(pc.utf8_slice_codeunits(ordered.column("CloseDate"), 0, 10)),
        _objects(rows[FORECAST]),
    )
    return ordered.with_columns(
        {VALID_TO: pa.array(valid_to, pa.string()), CHANGE_KIND: pa.array(kinds, pa.string())}
    )


def _same_as_next(column: pa.ChunkedArray) -> np.ndarray:
    """Whether each row's value equals the next row's (false for the last row)."""
    items = _objects(column)
    same = np.zeros(len(items), bool)
    same[:-1] = items[1:] == items[:-1]
    return same


def change_kinds(
    ids: np.ndarray, stage: np.ndarray, amount: np.ndarray, close: np.ndarray, forecast: np.ndarray
) -> np.ndarray:
    """The change that starts each version; rows sorted by entity, then start."""
    n = len(ids)
    first = np.ones(n, bool)
    first[1:] = ids[1:] != ids[:-1]
    previous = np.roll(np.arange(n), 1)
    stage_moved = stage != stage[previous]
    amount_changed = ~(
        (amount == amount[previous]) | (np.isnan(amount) & np.isnan(amount[previous]))
    )
    closed = np.isin(stage, CLOSED_STAGES)
    return np.select(
        [
            first,
            stage_moved & closed,
            stage_moved,
            amount_changed,
            close != close[previous],
            forecast != forecast[previous],
        ],
        ["created", "closed", "stage", "amount", "close_date", "forecast_category"],
        default="stage",
    ).astype(object)


def _objects(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(values.as_array(column).to_numpy(zero_copy_only=False), dtype=object)
