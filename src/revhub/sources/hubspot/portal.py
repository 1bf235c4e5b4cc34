"""Find and read every file of a HubSpot source directory, in whichever shape it is.

* API JSON: ``<object>.json`` (a full pull) and ``<object>.pull-<n>.json`` (incremental
  pulls, read after it in name order), e.g. ``contacts.json``, ``contacts.pull-0002.json``;
  ``account_info.json`` gives the portal's currency.
* UI exports: a CSV whose header has a "Record ID" (or "Contact ID", ...) column; the file
  name says the object (``...contacts...``, ``...compan...``, ``...deals...``).
* Warehouse sync: ``<table>.csv`` or ``<table>_data.csv`` (see ``synced``).

Files that are none of these, and synced tables revhub has no use for, are listed in
one note. An object read only from incremental pulls is not a snapshot.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "owners.json").write_text('{"results": [{"id": "7"}]}')
>>> _ = (folder / "ticket_data.csv").write_text("id\\n1\\n")
>>> portal = read_portal(folder)
>>> portal.get(OWNERS).rows.num_rows, portal.notes
(1, ['ignored files (not HubSpot objects revhub reads): ticket_data.csv'])
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from revhub.errors import DataError
from revhub.sources.base import ORIGIN
from revhub.sources.hubspot import activities, api, exports, synced
from revhub.sources.hubspot.fields import (
    CAMPAIGNS,
    COMPANIES,
    CONTACTS,
    DEALS,
    OWNERS,
    PIPELINE_STAGES,
    HubSpotObject,
)
from revhub.sources.hubspot.records import Loaded, Part, combine

OBJECTS = (
    COMPANIES,
    CONTACTS,
    DEALS,
    OWNERS,
    PIPELINE_STAGES,
    CAMPAIGNS,
    activities.EMAIL_EVENTS,
    activities.MARKETING_EMAILS,
    activities.ENGAGEMENTS,
    activities.FORMS,
    activities.FORM_SUBMISSIONS,
    activities.MARKETING_EVENTS,
    activities.PARTICIPATIONS,
)
_EXPORT_IDS = {"record id", "contact id", "company id", "deal id"}
_HISTORY_KEYS = {"contact_property_history": "contact_id", "company_property_history": "company_id"}
_HISTORY_OF = {"contact_property_history": CONTACTS, "company_property_history": COMPANIES}
_LINKS = {  # link table -> (object, field, key column, value column)
    "deal_company": (DEALS, "company_ids", "deal_id", "company_id"),
    "deal_contact": (DEALS, "contact_ids", "deal_id", "contact_id"),
    "engagement_contact": (activities.ENGAGEMENTS, "contact_ids", "engagement_id", "contact_id"),
    "engagement_company": (activities.ENGAGEMENTS, "company_ids", "engagement_id", "company_id"),
}
_DETAILS = {f"engagement_{t}" for t in synced.ENGAGEMENT_TYPES}


@dataclass
class Portal:
    """Every object read from the directory, the portal currency and notes on the files."""

    objects: dict[str, Loaded]
    currency: str | None = None
    notes: list[str] = field(default_factory=list)

    def get(self, obj: HubSpotObject) -> Loaded:
        """The records of ``obj`` (none when the directory has no file of it)."""
        return self.objects.get(obj.name) or combine(obj, [], [], snapshot=False)


def read_portal(directory: Path, encoding: str = "utf-8") -> Portal:
    """Read every HubSpot file in ``directory``; DataError when it is not a directory."""
    if not directory.is_dir():
        raise DataError(
            f"{directory}: the HubSpot source directory does not exist; set the source's "
            "`path` to the folder holding the API JSON, exports or synced tables."
        )
    files = sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))
    parts: dict[str, list[tuple[Path, Part, bool]]] = defaultdict(list)
    variants: list[Path] = []
    for obj in OBJECTS:
        for path in _api_files(directory, obj):
            full = path.name == f"{obj.name}.json"
            parts[obj.name].append((path, api.read_api(path, obj), full))
    csvs = [p for p in files if p.suffix.lower() == ".csv"]
    tables = _synced_tables(csvs, variants)
    for path in csvs:
        held = None if path in tables.values() or path in variants else _export_object(path)
        if held is not None:
            parts[held.name].append((path, exports.read_export(path, held, encoding), True))
    _read_synced(tables, parts, encoding)
    claimed = {p for found in parts.values() for p, _, _ in found} | set(tables.values())
    claimed |= {*variants, directory / "account_info.json"}
    currency = _currency(directory / "account_info.json")
    ignored = [path.name for path in files if path not in claimed]
    objects = {}
    for obj in OBJECTS:
        found = parts.get(obj.name, [])
        if found:
            names = [p.name for p, _, _ in found]
            snapshot = any(full for _, _, full in found)
            objects[obj.name] = combine(obj, names, [part for _, part, _ in found], snapshot)
    notes = []
    if ignored:
        notes.append(f"ignored files (not HubSpot objects revhub reads): {', '.join(ignored)}")
    if variants:
        shown = ", ".join(p.name for p in variants)
        notes.append(f"skipped copies of synced tables written for another warehouse: {shown}")
    return Portal(objects, currency, notes)


def _api_files(directory: Path, obj: HubSpotObject) -> list[Path]:
    full = directory / f"{obj.name}.json"
    pulls = sorted(directory.glob(f"{obj.name}.pull-*.json"))
    return ([full] if full.is_file() else []) + pulls


def _export_object(path: Path) -> HubSpotObject | None:
    """The object a UI export holds, None for a CSV that is not one. An export has a
    Record ID column, or (without it, to be refused for that) two labels of the object
    its name says; a Record ID in a file whose name says no object is refused."""
    with path.open("rb") as handle:
        header = handle.readline().decode("utf-8", "replace").lstrip("\ufeff")
    cells = {cell.strip().strip('"').lower() for cell in re.split(r"[,;\t|]", header)}
    if "_fivetran_synced" in cells:
        return None
    has_id = bool(cells & _EXPORT_IDS)
    for obj in (CONTACTS, COMPANIES, DEALS):
        if obj.export_word and obj.export_word in path.stem.lower():
            labels = {label.lower() for f in obj.fields for label in f.export}
            return obj if has_id or len(cells & labels) >= 2 else None
    if has_id:
        raise DataError(
            f"{path}: a HubSpot UI export (it has a Record ID column), but its name says "
            "neither contacts, companies nor deals; rename it, e.g. contacts-export.csv."
        )
    return None


def _synced_tables(csvs: list[Path], variants: list[Path]) -> dict[str, Path]:
    """Synced table name -> file; plain files win over warehouse variants."""
    known = {o.synced_table for o in OBJECTS if o.synced_table}
    known |= set(_HISTORY_KEYS) | set(_LINKS) | _DETAILS
    tables: dict[str, Path] = {}
    for path in sorted(
        csvs, key=lambda p: any(p.stem.lower().endswith(v) for v in synced.VARIANTS)
    ):
        stem = path.stem.lower()
        variant = next((v for v in synced.VARIANTS if stem.endswith(v)), "")
        name = stem.removesuffix(variant).removesuffix("_data")
        if name not in known:
            continue
        if name in tables:
            variants.append(path)
        else:
            tables[name] = path
    return tables


def _read_synced(
    tables: dict[str, Path], parts: dict[str, list[tuple[Path, Part, bool]]], encoding: str
) -> None:
    linked: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for table, (obj, name, key, value) in _LINKS.items():
        if table in tables:
            linked[obj.name][name] = synced.links(tables[table], key, value, encoding=encoding)
    detail_paths = [tables[t] for t in sorted(_DETAILS) if t in tables]
    found, detail_rejected = synced.details(detail_paths, encoding=encoding)
    linked[activities.ENGAGEMENTS.name].update(found)
    for obj in OBJECTS:
        if obj.synced_table in tables:
            path = tables[obj.synced_table]
            part = synced.read_synced(path, obj, encoding=encoding, linked=linked.get(obj.name))
            if obj is activities.ENGAGEMENTS:
                part.rejected.extend(detail_rejected)
            parts[obj.name].append((path, part, True))
    for table, obj in _HISTORY_OF.items():
        if table in tables:
            rows = synced.history(tables[table], _HISTORY_KEYS[table], encoding=encoding)
            empty = pa.table({"id": pa.array([], pa.string()), ORIGIN: pa.array([], pa.string())})
            parts[obj.name].append((tables[table], Part(empty, history=rows), False))


def _currency(path: Path) -> str | None:
    if not path.is_file():
        return None
    try:
        info = json.loads(path.read_bytes())
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DataError(
            f"{path}: cannot read the portal details: {error}. Re-export it."
        ) from error
    currency = info.get("companyCurrency") if isinstance(info, dict) else None
    return str(currency) if currency else None
