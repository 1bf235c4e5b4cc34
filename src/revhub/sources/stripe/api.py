"""Stripe API list JSON: ``{"object": "list", "data": [...]}`` files, flattened to columns.

A list export holds records exactly as the API returns them: nested objects
(``address``, ``recurring``, ``period``), references as ids or as expanded objects
(``"customer": "cus_1"`` or ``"customer": {"id": "cus_1", ...}``), and child lists
(``items.data`` of a subscription, ``lines.data`` of an invoice). Each record becomes
one row whose columns carry the names a warehouse sync gives the same fields, so one
mapping serves both shapes:

- nested fields join with ``_``: ``address.country`` -> ``address_country``;
- a reference becomes ``<field>_id``: ``customer`` -> ``customer_id``. An expanded
  price, plan, product, coupon or customer becomes a record of its own object
  (records of their own file win); other expanded objects keep their fields
  (``discount_coupon_id``);
- child lists become records of their own object with the parent's id
  (``invoice_id`` of a line);
- ``metadata`` and other lists stay JSON text; booleans are "true"/"false".

Files may also be a top-level JSON array or JSON Lines (one record per line).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from revhub.errors import DataError
from revhub.sources.base import ORIGIN
from revhub.sources.readers import RawRecords, read_json_records
from revhub.sources.stripe.objects import OBJECTS, RawObject, object_of

JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")

# Fields holding another object's id (or the object itself when expanded).
REFERENCES = frozenset(
    {
        "customer",
        "subscription",
        "subscription_item",
        "invoice",
        "invoice_item",
        "charge",
        "refund",
        "product",
        "price",
        "plan",
        "coupon",
        "discount",
        "payment_intent",
        "balance_transaction",
        "latest_invoice",
        "default_payment_method",
        "payment_method",
        "tax_rate",
    }
)
_AS_TEXT = frozenset({"metadata"})
_EMBEDDED = frozenset({"price", "plan", "product", "coupon", "customer"})

Row = dict[str, str | None]
# Records found inside a record: object, row, origin, and whether it is a direct child.
Found = list[tuple[str, Row, str, bool]]


@dataclass
class ApiFile:
    """One list file: its object's records, and the records found inside them by object."""

    main: RawObject
    inside: dict[str, RawObject]


def read_api(path: Path) -> ApiFile | None:
    """The records of one list file, or None when its name names no object revhub reads.

    A file whose records carry no ``id`` at all raises DataError naming it.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "subscriptions.json"
    >>> item = {"id": "si_1", "object": "subscription_item"}
    >>> _ = path.write_text(json.dumps({"object": "list", "data": [
    ...     {"id": "sub_1", "items": {"object": "list", "data": [item]}}]}))
    >>> read = read_api(path)
    >>> items = read.inside["subscription_item"].rows
    >>> read.main.rows["id"].to_pylist(), items["subscription_id"].to_pylist()
    (['sub_1'], ['sub_1'])
    >>> items["_origin"].to_pylist()
    ['subscriptions.json:data[0].items.data[0]']
    """
    name = object_of(path.name.split(".")[0])
    if name is None:
        return None
    raw = _read(path)
    rows: list[Row] = []
    found: Found = []
    cut = 0
    for record, origin in zip(raw.records, raw.origins, strict=True):
        row, within = flatten(record, name, origin)
        rows.append(row)
        found.extend(within)
        cut += sum(1 for v in record.values() if isinstance(v, dict) and v.get("has_more"))
    if rows and not any(row.get("id") for row in rows):
        raise DataError(
            f"{path}: no record has an `id`; revhub needs Stripe's ids to key {name} records. "
            "Export the objects with their ids, as the API returns them."
        )
    notes = []
    if cut:
        notes.append(
            f"{path.name}: {cut} records hold only the first page of a nested list "
            "(has_more: true); export those children on their own (e.g. "
            "invoice_line_items.json) to read all of them"
        )
    main = RawObject(name, table(rows, raw.origins), [path.name], list(raw.rejected), notes)
    by_object: dict[str, tuple[list[Row], list[str]]] = {}
    for child_name, child, origin, _ in found:
        child_rows, origins = by_object.setdefault(child_name, ([], []))
        child_rows.append(child)
        origins.append(origin)
    inside = {k: RawObject(k, table(r, o), [path.name]) for k, (r, o) in by_object.items()}
    return ApiFile(main, inside)


def flatten(record: dict[str, Any], name: str, origin: str) -> tuple[Row, Found]:
    """One API record as a flat row, and the child and expanded records inside it.

    >>> row, found = flatten({"id": "in_1", "customer": "cus_1", "paid": True,
    ...     "lines": {"object": "list", "data": [{"id": "il_1", "object": "line_item"}]}},
    ...     "invoice", "invoices.json:data[0]")
    >>> row, [(name, child["invoice_id"]) for name, child, _, _ in found]
    ({'id': 'in_1', 'customer_id': 'cus_1', 'paid': 'true'}, [('invoice_line_item', 'in_1')])
    """
    row: Row = {}
    found: Found = []
    _flatten(record, "", row, found, origin)
    parent_key = f"{name}_id"
    for _, child, _, direct in found:
        if direct and parent_key not in child:
            child[parent_key] = row.get("id")
    return row, found


def table(rows: list[Row], origins: list[str]) -> pa.Table:
    """Text columns over the union of the rows' fields (first seen first), with ``_origin``.

    >>> table([{"id": "a"}, {"id": "b", "name": "B"}], ["f:1", "f:2"]).column_names
    ['id', 'name', '_origin']
    """
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    schema = pa.schema([(name, pa.string()) for name in names if name != ORIGIN])
    rows_table = pa.Table.from_pylist(rows, schema=schema)
    return rows_table.append_column(ORIGIN, pa.array(origins, pa.string()))


def _flatten(value: dict[str, Any], prefix: str, row: Row, found: Found, origin: str) -> None:
    for key, item in value.items():
        name = prefix + key
        if isinstance(item, dict):
            _nested(key, name, item, row, found, origin)
        elif isinstance(item, list):
            row[name] = json.dumps(item)
        elif key in REFERENCES:
            row[f"{name}_id"] = _scalar(item)
        else:
            row[name] = _scalar(item)


def _nested(key: str, name: str, item: dict[str, Any], row: Row, found: Found, origin: str) -> None:
    """A nested object: JSON text, child records, an expanded reference or more fields."""
    if key in _AS_TEXT:
        row[name] = json.dumps(item)
        return
    if item.get("object") == "list" and isinstance(item.get("data"), list):
        for index, child in enumerate(item["data"]):
            child_name = object_of(str(child.get("object"))) if isinstance(child, dict) else None
            if child_name is None or child_name not in OBJECTS:
                continue  # children revhub does not read (credit note lines, tax ids, ...)
            where = f"{origin}.{key}.data[{index}]"
            child_row, inside = flatten(child, child_name, where)
            found.append((child_name, child_row, where, True))
            found.extend((n, r, o, False) for n, r, o, _ in inside)
        return
    if isinstance(item.get("id"), str):
        row[f"{name}_id"] = item["id"]
        kind = object_of(str(item.get("object", "")))
        if kind in _EMBEDDED:  # a record of its own: only its id stays here
            embedded, inside = flatten(item, kind, f"{origin}.{key}")
            found.append((kind, embedded, f"{origin}.{key}", False))
            found.extend((n, r, o, False) for n, r, o, _ in inside)
            return
        rest = {k: v for k, v in item.items() if k not in ("id", "object")}
        _flatten(rest, f"{name}_", row, found, origin)
        return
    if not item:
        row[name] = None
        return
    _flatten(item, f"{name}_", row, found, origin)


def _scalar(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _read(path: Path) -> RawRecords:
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return read_json_records(path)
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip()
    return read_json_records(path, None if head.startswith(b"[") else "data")
