"""The warehouse-sync shape (Fivetran's HubSpot schema) as ``Part``s.

One CSV per table, named ``<table>.csv`` or ``<table>_data.csv``: ``company``,
``contact``, ``deal`` (``property_<name>`` columns, ``_fivetran_deleted`` or
``is_deleted``), ``owner``, ``deal_pipeline_stage``, ``email_event``, ``engagement``
(id and type) with one detail table per type (``engagement_call``, ...: timestamp and
owner), ``contact_form_submission``, ``form``. Associations live in link tables
(``deal_company``, ``deal_contact``, ``engagement_contact``, ``engagement_company``)
and lifecycle-stage history in ``contact_property_history`` and
``company_property_history`` (rows with ``name = 'lifecyclestage'``). Column names are
matched in lower case (Snowflake writes them upper case).

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "deal_company_data.csv").write_text("company_id,deal_id\\n5,9\\n6,9\\n")
>>> links(folder / "deal_company_data.csv", "deal_id", "company_id")
{'9': '5;6'}
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from revhub.errors import DataError
from revhub.sources.base import ORIGIN, Rejected
from revhub.sources.hubspot.activities import ENGAGEMENTS
from revhub.sources.hubspot.fields import Field, HubSpotObject
from revhub.sources.hubspot.records import HISTORY_SCHEMA, STAGE_DATE, Part, assemble
from revhub.sources.readers import read_csv

# The same table written for warehouses that rename reserved words: read only when the
# plain file is absent.
VARIANTS = ("_postgres", "_snowflake", "_databricks")

ENGAGEMENT_TYPES = ("call", "meeting", "email", "note", "task", "communication")

# Detail tables of engagements: the engagement's fields other than type and associations.
ENGAGEMENT_DETAILS = HubSpotObject(
    "engagement details",
    Field("id", (), (), ("engagement_id",)),
    tuple(f for f in ENGAGEMENTS.fields if f.name not in ("type", "contact_ids", "company_ids")),
)


def read_synced(
    path: Path,
    obj: HubSpotObject,
    *,
    encoding: str = "utf-8",
    linked: Mapping[str, Mapping[str, str]] | None = None,
) -> Part:
    """The records of one synced table of ``obj``; ``linked`` adds fields by record id
    (e.g. ``{"company_ids": {deal id: "company ids"}}`` from a link table)."""
    raw = read_csv(path, encoding=encoding)
    table = raw.rows.rename_columns([n.lower() for n in raw.rows.column_names])
    names = set(table.column_names) - {ORIGIN}
    values: dict[str, pa.Array] = {}
    used: set[str] = set()
    missing = []
    for field in (obj.id, *obj.fields):
        columns = [c for c in field.synced if c in names]
        used.update(columns)
        if columns:
            arrays = [table.column(c).combine_chunks() for c in columns]
            values[field.name] = arrays[0] if len(arrays) == 1 else pc.coalesce(*arrays)
        elif field.synced and field is not obj.id and field.name not in (linked or {}):
            missing.append(field.name)
    if obj.has("lifecyclestage"):
        for name in sorted(names):
            if name.startswith("property_") and STAGE_DATE.match(name[9:]):
                values[name[9:]] = table.column(name).combine_chunks()
                used.add(name)
    if obj.id.name in values:
        ids = values[obj.id.name].to_pylist()
        for name, by_id in (linked or {}).items():
            values[name] = pa.array([by_id.get(i) for i in ids], pa.string())
    extras = sorted(names - used - {n for n in names if n.startswith("_fivetran")})
    part = assemble(obj, path.name, values, table.column(ORIGIN), extras=extras, missing=missing)
    part.rejected[:0] = raw.rejected
    part.notes[:0] = raw.notes
    return part


def links(path: Path, key: str, value: str, *, encoding: str = "utf-8") -> dict[str, str]:
    """``key`` -> ``;``-joined ``value``s of a link table, in the table's order."""
    rows = _columns(path, read_csv(path, encoding=encoding).rows, (key, value))
    keys = rows.column(key).to_pylist()
    values = rows.column(value).to_pylist()
    joined: dict[str, list[str]] = {}
    for k, v in zip(keys, values, strict=True):
        if k is not None and v is not None:
            joined.setdefault(k, []).append(v)
    return {k: ";".join(dict.fromkeys(v)) for k, v in joined.items()}


def details(
    paths: list[Path], *, encoding: str = "utf-8"
) -> tuple[dict[str, dict[str, str]], list[Rejected]]:
    """Engagement detail tables as field -> {engagement id: value} (first table wins),
    and the detail records that could not be read."""
    found: dict[str, dict[str, str]] = {}
    rejected: list[Rejected] = []
    for path in paths:
        part = read_synced(path, ENGAGEMENT_DETAILS, encoding=encoding)
        rejected.extend(part.rejected)
        rows = part.rows
        ids = rows.column("id").to_pylist()
        for field in ENGAGEMENT_DETAILS.fields:
            target = found.setdefault(field.name, {})
            for engagement, value in zip(ids, rows.column(field.name).to_pylist(), strict=True):
                if engagement is not None and value is not None:
                    target.setdefault(engagement, value)
    return found, rejected


def history(path: Path, key: str, *, encoding: str = "utf-8") -> pa.Table:
    """Lifecycle-stage versions of a ``*_property_history`` table: id, value, timestamp."""
    rows = _columns(
        path, read_csv(path, encoding=encoding).rows, (key, "name", "value", "timestamp")
    )
    rows = rows.filter(pc.equal(rows.column("name"), "lifecyclestage"))
    return pa.table(
        {
            "id": rows.column(key),
            "value": rows.column("value"),
            "timestamp": rows.column("timestamp"),
            ORIGIN: rows.column(ORIGIN),
        },
        schema=HISTORY_SCHEMA,
    )


def _columns(path: Path, rows: pa.Table, needed: tuple[str, ...]) -> pa.Table:
    """``rows`` with lower-case names; DataError naming the file if a column is missing."""
    rows = rows.rename_columns([n.lower() for n in rows.column_names])
    absent = [n for n in needed if n not in rows.column_names]
    if absent:
        raise DataError(
            f"{path}: no column {', '.join(absent)}; a synced HubSpot table `{path.stem}` "
            "has them. Re-sync the table or remove the file."
        )
    return rows
