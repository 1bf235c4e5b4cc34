"""One Stripe object's rows, and the reading a mapping does on them.

Both shapes arrive here alike: text columns named the way a sync tool names fields
(``address_country``, ``customer_id``), ``_origin`` per row and ``_deleted``. A mapping
asks for fields by name (the first non-empty of several wins), for keys
(``<source>:<id>``) and for values of related objects (the currency of a subscription's
price). The frame remembers which fields were read and which were looked for in vain,
and says so in two notes: schema drift made visible without stopping the run.

>>> frame = frame_of("customer", [{"id": "cus_1", "balance": "0"}])
>>> frame.key("id").to_pylist(), frame.text("name").to_pylist()
(['stripe:cus_1'], [None])
>>> frame.notes()  # doctest: +NORMALIZE_WHITESPACE
['customers.json: no field `name` in the customer records; left empty',
 'customers.json: 1 field revhub does not map ignored: balance']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.base import DELETED, ORIGIN, source_key
from revhub.sources.stripe import nested

SYNCED = "_fivetran_synced"  # when the sync tool last wrote the row
# Fields every record has that carry nothing for the model.
_BOOKKEEPING = frozenset({"object", "livemode", "deleted", "is_deleted", "url", "has_more"})
_SHOWN = 8  # ignored field names listed in the note


class Related(Protocol):
    """Where a frame finds the other objects of the same export."""

    def related(self, name: str) -> Frame | None:
        """Every row of object ``name``, or None when the export has none."""


class _NoRelated:
    def related(self, name: str) -> Frame | None:
        return None


NO_RELATED: Related = _NoRelated()


def frame_of(
    name: str,
    records: list[dict[str, str | None]],
    others: Mapping[str, list[dict[str, str | None]]] | None = None,
) -> Frame:
    """A frame of source `stripe` over plain text records, as the readers would give
    them, with ``others`` as the related objects (for examples and tests).

    >>> frame = frame_of("price", [{"id": "price_1", "product_id": "prod_1"}],
    ...                  {"product": [{"id": "prod_1", "name": "Growth"}]})
    >>> frame.lookup(frame.text("product_id"), "product", "name").to_pylist()
    ['Growth']
    """
    names = list(dict.fromkeys(key for record in records for key in record))
    columns = {n: pa.array([r.get(n) for r in records], pa.string()) for n in names}
    columns[ORIGIN] = pa.array([f"{name}s.json:data[{i}]" for i in range(len(records))])
    columns[DELETED] = pa.array([False] * len(records), pa.bool_())
    return Frame(name, pa.table(columns), "stripe", f"{name}s.json", _Plain(others or {}))


class _Plain:
    def __init__(self, others: Mapping[str, list[dict[str, str | None]]]) -> None:
        self.others = others

    def related(self, name: str) -> Frame | None:
        rows = self.others.get(name)
        return None if rows is None else frame_of(name, rows, self.others)


@dataclass
class Frame:
    """One object's rows: text columns, ``_origin`` and ``_deleted``."""

    object: str
    rows: pa.Table
    source: str
    origin: str  # the files it came from, for notes
    export: Related
    read: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)
    unreadable: dict[str, int] = field(default_factory=dict)  # JSON fields that are not JSON
    left_out: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)  # what a mapping did, for the notes

    @property
    def num_rows(self) -> int:
        return int(self.rows.num_rows)

    def has(self, name: str) -> bool:
        """Whether the records have field ``name`` (or an empty object holding it)."""
        columns = set(self.rows.column_names)
        parts = name.split("_")
        return any("_".join(parts[:i]) in columns for i in range(1, len(parts) + 1))

    def text(self, *names: str, optional: bool = False) -> pa.Array:
        """The first non-empty of fields ``names`` per row, as text.

        A field none of the records has reads as empty; unless ``optional`` (fields of
        newer API versions only, say), the note lists it.
        """
        self.read.update(names)
        present = [self.column(n) for n in names if n in self.rows.column_names]
        if not any(self.has(n) for n in names) and not optional:
            self.missing.add(names[0])
        if not present:
            return pa.nulls(self.num_rows, pa.string())
        return present[0] if len(present) == 1 else pc.coalesce(*present)

    def metadata(self, *keys: str) -> pa.Array:
        """The first non-empty of metadata values ``keys`` per row, as text."""
        found = [self._nested("metadata", nested.metadata, key) for key in keys]
        return found[0] if len(found) == 1 else pc.coalesce(*found)

    def amounts(self, name: str, *, optional: bool = False) -> pa.Array:
        """Sum of the ``amount`` of each object in the JSON list field ``name`` (int64)."""
        if not self.has(name) and optional:
            return pa.nulls(self.num_rows, pa.int64())
        return self._nested(name, nested.amounts_sum, type_=pa.int64())

    def first(self, name: str, *path: str) -> pa.Array:
        """The value at ``path`` in the first object of the JSON list field ``name``."""
        return self._nested(name, nested.first_text, *path)

    def _nested(
        self,
        name: str,
        read: Callable[..., tuple[list[Any], int]],
        *args: str,
        type_: pa.DataType = pa.string(),  # noqa: B008 - an immutable type instance
    ) -> pa.Array:
        values, unreadable = read(self.text(name, optional=True), *args)
        if unreadable:
            self.unreadable[name] = max(unreadable, self.unreadable.get(name, 0))
        return pa.array(values, type_)

    def column(self, name: str) -> pa.Array:
        """Field ``name`` as text (nulls when absent), not counted as read."""
        if name not in self.rows.column_names:
            return pa.nulls(self.num_rows, pa.string())
        return self.rows[name].combine_chunks()

    def key(self, *names: str) -> pa.Array:
        """Canonical keys ``<source>:<id>`` for the ids in the first non-empty of ``names``."""
        return source_key(self.source, self.text(*names))

    def related(self, name: str) -> Frame | None:
        """The live rows of another object of the export."""
        other = self.export.related(name)
        return None if other is None else other.where(pc.invert(other.column_flag(DELETED)))

    def lookup(self, ids: pa.Array, name: str, value: str, match: str = "id") -> pa.Array:
        """Per id, field ``value`` of the first live ``name`` record whose ``match`` is it."""
        other = self.related(name)
        if other is None:
            return pa.nulls(len(ids), pa.string())
        other.read.update((value, match))
        index = pc.index_in(ids, value_set=other.column(match))
        return pc.take(other.column(value), index)

    def column_flag(self, name: str) -> pa.Array:
        """A boolean bookkeeping column such as ``_deleted``."""
        return self.rows[name].combine_chunks()

    def where(self, mask: pa.Array) -> Frame:
        """The rows where ``mask`` holds; reads and misses count towards this frame's notes."""
        kept = self.rows.filter(pc.fill_null(mask, False))
        return Frame(
            self.object,
            kept,
            self.source,
            self.origin,
            self.export,
            self.read,
            self.missing,
            self.unreadable,
            self.left_out,
            self.remarks,
        )

    def keep(self, mask: pa.Array, why: str) -> Frame:
        """The rows where ``mask`` holds; the note says how many were left out and why."""
        kept = self.where(mask)
        count = self.num_rows - kept.num_rows
        if count:
            plural = "s" if count > 1 else ""
            self.left_out.append(
                f"{self.origin}: left out {count} {self.object} record{plural}: {why}"
            )
        return kept

    def table(self, columns: Mapping[str, pa.Array]) -> pa.Table:
        """Canonical rows: ``columns`` plus each row's ``_origin`` and ``_deleted``."""
        arrays = dict(columns)
        arrays[ORIGIN] = self.column(ORIGIN)
        arrays[DELETED] = self.column_flag(DELETED)
        return pa.table(arrays)

    def notes(self) -> list[str]:
        """Fields looked for in vain, and fields present that nothing read."""
        notes = [*self.left_out, *self.remarks]
        if self.missing and self.num_rows:  # an empty list has no fields to miss
            names = ", ".join(f"`{n}`" for n in sorted(self.missing))
            notes.append(
                f"{self.origin}: no field {names} in the {self.object} records; left empty"
            )
        for name, count in sorted(self.unreadable.items()):
            notes.append(f"{self.origin}: `{name}` of {count} records is not JSON; read as empty")
        ignored = [c for c in self.rows.column_names if not self._known(c)]
        if ignored:
            shown = ", ".join(ignored[:_SHOWN]) + (", …" if len(ignored) > _SHOWN else "")
            plural = "s" if len(ignored) > 1 else ""
            notes.append(
                f"{self.origin}: {len(ignored)} field{plural} revhub does not map ignored: {shown}"
            )
        return notes

    def _known(self, column: str) -> bool:
        if column.startswith("_") or column in _BOOKKEEPING or column in self.read:
            return True
        return any(name.startswith(column + "_") for name in self.read)
