"""One Salesforce object's rows as read, and the rest of the export they can consult.

A ``Frame`` holds text columns under field API names plus ``_origin`` (file and line)
and ``_deleted``; in a history-mode sync also ``_current``, false for superseded
versions. Through its ``Context`` a mapping reaches the other objects of the export
(converted leads for contacts, line items for opportunities, ...) and the org's
currency.

>>> frame = Frame.of({"Id": ["001A", "001B"], "Name": ["Acme", None]})
>>> frame.column("Name").to_pylist(), frame.keyed(frame.column("Id")).to_pylist()
(['Acme', None], ['crm:001A', 'crm:001B'])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.base import DELETED, ORIGIN, Rejected, source_key
from revhub.sources.salesforce import values

CURRENT = "_current"  # False for superseded versions in a history-mode sync


class Context(Protocol):
    """What a mapping may consult besides its own object's rows."""

    @property
    def currency(self) -> str:
        """The org's currency, for money rows without CurrencyIsoCode."""

    def related(self, name: str) -> Frame | None:
        """Every row of object ``name`` in the export, or None if it has no file."""


class _NoContext:
    currency = "USD"

    def related(self, name: str) -> Frame | None:
        return None


NO_CONTEXT: Context = _NoContext()


@dataclass
class Frame:
    """One Salesforce object's rows: text columns by API name, ``_origin``, ``_deleted``."""

    name: str
    rows: pa.Table
    source: str
    context: Context
    origin: str = ""
    notes: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    @classmethod
    def of(cls, columns: Mapping[str, list[str | None]], context: Context | None = None) -> Frame:
        """A frame of source ``crm`` from plain text columns, for examples and tests.

        >>> Frame.of({"Id": ["001A", "001B"]}).column("Name").to_pylist()
        [None, None]
        """
        n = len(next(iter(columns.values())))
        rows = pa.table({name: pa.array(cells, pa.string()) for name, cells in columns.items()})
        rows = rows.append_column(ORIGIN, pa.array([f"example.csv:{i + 2}" for i in range(n)]))
        rows = rows.append_column(DELETED, pa.array([False] * n))
        return cls("Example", rows, "crm", context or NO_CONTEXT)

    @property
    def num_rows(self) -> int:
        return int(self.rows.num_rows)

    def has(self, name: str) -> bool:
        """Whether the export has the field ``name``."""
        return name in self.rows.column_names

    def column(self, name: str) -> pa.Array:
        """The column ``name``, or empty cells when the export has no such field."""
        if not self.has(name):
            return values.nulls(self.num_rows)
        return values.as_array(self.rows[name])

    def keyed(self, ids: pa.Array) -> pa.Array:
        """Canonical keys ``<source>:<id>`` for native ids.

        >>> Frame.of({"Id": ["001A"]}).keyed(pa.array(["005X", None])).to_pylist()
        ['crm:005X', None]
        """
        return source_key(self.source, ids)

    def current(self) -> pa.Array:
        """False for the superseded versions of a history-mode sync, else true."""
        if not self.has(CURRENT):
            return pa.array([True] * self.num_rows, pa.bool_())
        return values.as_array(self.rows[CURRENT])

    def live(self) -> Frame:
        """The current versions that are not flagged deleted.

        >>> Frame.of({"Id": ["001A"]}).live().num_rows
        1
        """
        deleted = values.as_array(self.rows[DELETED])
        return self.where(pc.and_(self.current(), pc.invert(deleted)))

    def where(self, mask: pa.Array) -> Frame:
        """The rows where ``mask`` holds (nulls count as false).

        >>> Frame.of({"Id": ["1", "2"]}).where(pa.array([None, True])).column("Id").to_pylist()
        ['2']
        """
        kept = self.rows.filter(pc.fill_null(mask, False))
        return Frame(self.name, kept, self.source, self.context, self.origin)

    def with_columns(self, columns: Mapping[str, pa.Array]) -> Frame:
        """This frame with ``columns`` added or replaced."""
        rows = self.rows
        for name, array in columns.items():
            if name in rows.column_names:
                rows = rows.set_column(rows.column_names.index(name), name, array)
            else:
                rows = rows.append_column(name, array)
        return Frame(self.name, rows, self.source, self.context, self.origin)
