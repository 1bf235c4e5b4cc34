"""An object's records as text columns named by field, whatever shape they came in.

Each reader (``api``, ``exports``, ``synced``) hands ``assemble`` the values it found
per field name, the names it recognised and the ones it did not; ``assemble`` checks the
id is there, turns schema drift into notes and builds a ``Part`` (one file). ``combine``
joins the parts of one object (a full export plus incremental pulls) into ``Loaded``.

Lifecycle-stage date properties are open-ended (one per stage, custom stages too), so
they travel as extra columns named like the API property
(``hs_v2_date_entered_<stage>``, ``hs_lifecyclestage_<stage>_date``).

>>> from revhub.sources.hubspot.fields import OWNERS
>>> part = assemble(OWNERS, "owners.json", {"id": ["7"], "email": ["a@b.c"]},
...                 ["owners.json:results[0]"], extras=["userId"])
>>> part.rows.column("email").to_pylist(), part.notes[-1]
(['a@b.c'], 'owners.json: ignored fields not mapped by revhub: userId')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from revhub.errors import DataError
from revhub.sources.base import ORIGIN, Rejected
from revhub.sources.hubspot.fields import HubSpotObject
from revhub.sources.hubspot.times import moments

STAGE_DATE = re.compile(r"^(hs_v2_date_entered_.+|hs_lifecyclestage_.+_date)$")
HISTORY_SCHEMA = pa.schema(
    [("id", pa.string()), ("value", pa.string()), ("timestamp", pa.string()), (ORIGIN, pa.string())]
)
_SHOWN = 12  # names listed in one drift note


@dataclass
class Part:
    """One file of one object: rows, lifecycle-stage history, unreadable records, notes."""

    rows: pa.Table
    history: pa.Table = field(default_factory=HISTORY_SCHEMA.empty_table)
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Loaded:
    """All files of one object. ``snapshot``: the files together hold every live record."""

    obj: HubSpotObject
    rows: pa.Table
    history: pa.Table
    files: list[str]
    snapshot: bool
    rejected: list[Rejected]
    notes: list[str]

    def column(self, name: str) -> pa.Array:
        """Text values of column ``name``; all null when no file had it."""
        if name not in self.rows.column_names:
            return pa.nulls(self.rows.num_rows, pa.string())
        return self.rows.column(name).combine_chunks()

    @property
    def deleted(self) -> pa.Array:
        """Whether the source says each record is archived or deleted."""
        archived = pc.utf8_lower(self.column("archived"))
        return pc.fill_null(pc.equal(archived, "true"), False)

    def where(self, mask: pa.Array) -> Loaded:
        """The same object with only the rows where ``mask`` is true (history kept)."""
        return Loaded(
            self.obj, self.rows.filter(mask), self.history, self.files, self.snapshot, [], []
        )

    @property
    def latest(self) -> pa.Array:
        """Whether each row is the latest version of its record (by last modification,
        then file order)."""
        n = self.rows.num_rows
        order = pa.table(
            {
                "id": self.column("id"),
                "updated": moments(self.column("lastmodified")),
                "row": pa.array(range(n), pa.int64()),
            }
        ).sort_by([("updated", "ascending", "at_start"), ("row", "ascending")])
        last = dict(zip(order["id"].to_pylist(), order["row"].to_pylist(), strict=True))
        mask = [False] * n
        for row in last.values():
            mask[row] = True
        return pa.array(mask, pa.bool_())

    @property
    def origin(self) -> str:
        """The files, as a Batch origin."""
        return ", ".join(self.files)


def assemble(
    obj: HubSpotObject,
    file: str,
    values: Mapping[str, Sequence[str | None] | pa.Array],
    origins: Sequence[str] | pa.Array,
    *,
    extras: Sequence[str] = (),
    missing: Sequence[str] = (),
) -> Part:
    """A Part from the values found per field name (others become null, with a note).

    Raises DataError naming the file when it has no id field at all.
    """
    if obj.id.name not in values:
        raise DataError(
            f"{file}: no `{obj.id.name}` field ({' / '.join(_spellings(obj))}) in the "
            f"{obj.name} records; revhub cannot tell them apart. Export the record id too."
        )
    n = len(origins)
    columns = {name: _text(column) for name, column in values.items()}
    for name in obj.names:
        columns.setdefault(name, pa.nulls(n, pa.string()))
    columns[ORIGIN] = _text(origins)
    rows = pa.table(columns)
    notes = []
    if missing:
        notes.append(f"{file}: fields not in the file, left empty: {_listing(missing)}")
    if extras:
        notes.append(f"{file}: ignored fields not mapped by revhub: {_listing(extras)}")
    has_id = pc.is_valid(rows.column(obj.id.name))
    if pc.all(has_id).as_py() is not False:
        return Part(rows, notes=notes)
    rejected = [
        Rejected(origin, f"the record has no {obj.id.name}; it cannot be keyed", "")
        for origin in rows.filter(pc.invert(has_id)).column(ORIGIN).to_pylist()
    ]
    return Part(rows.filter(has_id), rejected=rejected, notes=notes)


def combine(obj: HubSpotObject, files: list[str], parts: list[Part], snapshot: bool) -> Loaded:
    """One object's parts in file order (later files hold later versions)."""
    if parts:
        rows = pa.concat_tables([p.rows for p in parts], promote_options="default")
        history = pa.concat_tables([p.history for p in parts])
    else:
        rows = pa.table({name: pa.array([], pa.string()) for name in [*obj.names, ORIGIN]})
        history = HISTORY_SCHEMA.empty_table()
    rejected = [r for p in parts for r in p.rejected]
    notes = [n for p in parts for n in p.notes]
    return Loaded(obj, rows, history, files, snapshot, rejected, notes)


def first_id(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The first of ``;``-joined ids (the primary association).

    >>> first_id(pa.array(["9;8", "5", None])).to_pylist()
    ['9', '5', None]
    """
    first = pc.list_element(pc.split_pattern(_text(values), ";"), 0)
    return pc.if_else(pc.equal(first, ""), pa.scalar(None, pa.string()), first)


def _text(values: Sequence[str | None] | pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    array = values if isinstance(values, pa.Array) else pa.array(values, pa.string())
    return array if array.type == pa.string() else array.cast(pa.string())


def _spellings(obj: HubSpotObject) -> list[str]:
    return sorted({*obj.id.api, *obj.id.export, *obj.id.synced})


def _listing(names: Sequence[str]) -> str:
    shown = ", ".join(sorted(names)[:_SHOWN])
    more = len(names) - _SHOWN
    return shown + (f" and {more} more" if more > 0 else "")
