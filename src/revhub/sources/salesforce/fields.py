"""How one Salesforce object fills one canonical table, written as data.

A ``TableMap`` names the canonical table and, for each canonical column, a ``Field``:
the Salesforce fields it reads (by API name; the first non-empty one per row wins) and
how their text becomes the canonical value, applied to a ``Frame`` of the object.

>>> frame = Frame.of({"Id": ["001A"], "Name": ["Acme"]})
>>> mapping = TableMap("accounts", {"account_id": key("Id"), "name": text("Name")})
>>> apply(mapping, frame).to_pylist()
[{'account_id': 'crm:001A', 'name': 'Acme', '_origin': 'example.csv:2', '_deleted': False}]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.base import DELETED, ORIGIN, source_key
from revhub.sources.salesforce import values
from revhub.sources.salesforce.frame import Frame
from revhub.sources.salesforce.picklists import Vocabulary

ORG_CURRENCY = "amounts read as {currency}, the org's currency (single-currency org)"
SYNCED = "_fivetran_synced"  # when a sync tool last wrote the row: updated_at at the latest


Convert = Callable[[pa.Array, Frame], pa.Array]


@dataclass(frozen=True)
class Field:
    """Salesforce fields read for one canonical column (first non-empty wins), a
    conversion of that text, and other fields the conversion consults."""

    reads: tuple[str, ...]
    convert: Convert | None = None
    uses: tuple[str, ...] = ()
    when_missing: str | None = None  # what the note says happens when the fields are absent

    def values(self, frame: Frame) -> pa.Array:
        """The column this field gives ``frame`` (empty cells when no field it reads exists).

        >>> text("Phone", "MobilePhone").values(Frame.of({"MobilePhone": ["1", "2"],
        ...     "Phone": [None, "3"]})).to_pylist()
        ['1', '3']
        """
        present = [frame.column(name) for name in self.reads if frame.has(name)]
        if self.reads and not present:
            return values.nulls(frame.num_rows)
        text = pc.coalesce(*present) if present else values.nulls(frame.num_rows)
        return text if self.convert is None else self.convert(text, frame)


@dataclass(frozen=True)
class TableMap:
    """One canonical table filled from one object: columns, which rows, and an optional
    reshaping of the frame first (e.g. history rows into validity intervals)."""

    table: str
    fields: Mapping[str, Field]
    rows: Callable[[Frame], pa.Array] | None = None
    reshape: Callable[[Frame], Frame] | None = None
    skipped: str | None = None  # note for rows ``rows`` leaves out, e.g. "... not mapped"

    def reads(self) -> set[str]:
        """Every Salesforce field this map reads or consults."""
        return {name for f in self.fields.values() for name in (*f.reads, *f.uses)}


def apply(mapping: TableMap, frame: Frame) -> pa.Table:
    """The canonical rows ``mapping`` makes of ``frame``, with ``_origin`` and ``_deleted``."""
    if mapping.reshape is not None:
        frame = mapping.reshape(frame)
    if mapping.rows is not None:
        frame = frame.where(mapping.rows(frame))
    columns = {name: f.values(frame) for name, f in mapping.fields.items()}
    columns[ORIGIN] = frame.column(ORIGIN)
    columns[DELETED] = values.as_array(frame.rows[DELETED])
    return pa.table(columns)


def related_value(frame: Frame, name: str, match: str, value: str, by: str = "Id") -> pa.Array:
    """Per row, ``value`` of the first live ``name`` record whose ``match`` equals the row's
    ``by`` field (e.g. the Territory2Id of the ObjectTerritory2Association of an Account).

    >>> frame = Frame.of({"Id": ["001A"]})
    >>> related_value(frame, "ObjectTerritory2Association", "ObjectId", "Territory2Id").to_pylist()
    [None]
    """
    other = frame.context.related(name)
    if other is None:
        return values.nulls(frame.num_rows)
    live = other.live()
    return values.lookup(frame.column(by), live.column(match), live.column(value))


def current_rows(frame: Frame) -> pa.Array:
    """Row filter: the current version of each record (all rows outside history mode).

    >>> current_rows(Frame.of({"Id": ["001A"]})).to_pylist()
    [True]
    """
    return frame.current()


def text(*names: str) -> Field:
    """The field's text as it is.

    >>> text("Name").values(Frame.of({"Name": ["Acme"]})).to_pylist()
    ['Acme']
    """
    return Field(names)


def key(*names: str) -> Field:
    """A Salesforce id as a canonical key ``<source>:<id>``.

    >>> key("OwnerId").values(Frame.of({"OwnerId": ["005X"]})).to_pylist()
    ['crm:005X']
    """
    return Field(names, lambda ids, frame: source_key(frame.source, ids))


def pick(vocabulary: Vocabulary, *names: str) -> Field:
    """A picklist label as a canonical value (unknown labels pass through).

    >>> from revhub.sources.salesforce.picklists import SEGMENT
    >>> pick(SEGMENT, "Segment__c").values(Frame.of({"Segment__c": ["Mid-Market", "Huge"]})
    ...     ).to_pylist()
    ['mid_market', 'Huge']
    """
    return Field(names, lambda labels, frame: values.picklist(labels, vocabulary))


def percent(*names: str) -> Field:
    """A percent field (0–100) as a fraction (0–1).

    >>> percent("Probability").values(Frame.of({"Probability": ["25"]})).to_pylist()
    ['0.25']
    """
    return Field(names, lambda text, frame: values.percent(text))


def const(value: str) -> Field:
    """The same value on every row.

    >>> const("account").values(Frame.of({"Id": ["1", "2"]})).to_pylist()
    ['account', 'account']
    """
    return Field((), lambda text, frame: values.constant(frame.num_rows, value))


def derived(make: Callable[[Frame], pa.Array], *uses: str) -> Field:
    """A value computed from several fields (or other objects) of the frame; ``uses``
    names the fields, for the drift notes.

    >>> both = derived(lambda f: pc.binary_join_element_wise(f.column("A"), f.column("B"), "-"))
    >>> both.values(Frame.of({"A": ["x"], "B": ["y"]})).to_pylist()
    ['x-y']
    """
    return Field((), lambda text, frame: make(frame), uses)


def currency() -> Field:
    """CurrencyIsoCode, or the org's currency where the org has one currency only.

    >>> currency().values(Frame.of({"Id": ["006A"]})).to_pylist()
    ['USD']
    """
    return Field(
        (),
        lambda text, frame: pc.fill_null(frame.column("CurrencyIsoCode"), frame.context.currency),
        ("CurrencyIsoCode",),
        ORG_CURRENCY,
    )


def lineage(key_column: str, created: tuple[str, ...] = ("CreatedDate",)) -> dict[str, Field]:
    """Key, ``source_id``, ``created_at`` and ``updated_at`` of a record with an ``Id``.

    >>> sorted(lineage("account_id"))
    ['account_id', 'created_at', 'source_id', 'updated_at']
    """
    return {
        key_column: key("Id"),
        "source_id": text("Id"),
        "created_at": text(*created),
        "updated_at": text("LastModifiedDate", "SystemModstamp", SYNCED),
    }
