"""HubSpot API JSON documents (CRM v3 lists and the other APIs) as a ``Part``.

A record is flattened to dotted paths (``properties.email``, ``engagement.id``,
``associations.contact.contactId``) with text values, which ``fields`` names. Lists
become ``;``-joined text: association results their ids (labelled associations before
``*_unlabeled`` ones, so the primary company comes first), form ``values`` one path per
field name (``values.email``). ``propertiesWithHistory.lifecyclestage`` becomes history
rows; deal pipelines become one row per stage.

>>> flatten({"id": "1", "properties": {"hs_email_optout": False},
...          "associations": {"companies": {"results": [
...              {"id": "8", "type": "contact_to_company_unlabeled"},
...              {"id": "9", "type": "contact_to_company"}]}}})
{'id': '1', 'properties.hs_email_optout': 'false', 'associations.companies': '9;8'}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from revhub.sources.base import ORIGIN
from revhub.sources.hubspot.fields import LIFECYCLE, PIPELINE_STAGES, HubSpotObject
from revhub.sources.hubspot.records import HISTORY_SCHEMA, STAGE_DATE, Part, assemble
from revhub.sources.readers import read_json_records

_HISTORY = "propertiesWithHistory"
_PROPERTY = "properties."


def read_api(path: Path, obj: HubSpotObject) -> Part:
    """The records of one API JSON file of ``obj`` (good records kept past damage).

    >>> import tempfile
    >>> from revhub.sources.hubspot.fields import OWNERS
    >>> file = Path(tempfile.mkdtemp()) / "owners.json"
    >>> _ = file.write_text('{"results": [{"id": "7", "email": "a@b.c", "archived": false}]}')
    >>> read_api(file, OWNERS).rows.select(["id", "email", "archived"]).to_pylist()
    [{'id': '7', 'email': 'a@b.c', 'archived': 'false'}]
    """
    raw = read_json_records(path, obj.pointer)
    records, origins = raw.records, raw.origins
    if obj is PIPELINE_STAGES:
        records, origins = _stages(records, origins)
    flats = [flatten(record) for record in records]
    seen = {key for flat in flats for key in flat}
    values: dict[str, list[str | None]] = {} if flats else {obj.id.name: []}
    missing = []
    for field in (obj.id, *obj.fields):
        if any(path in seen for path in field.api):
            values[field.name] = [_first(flat, field.api) for flat in flats]
        elif field is not obj.id and flats:
            missing.append(field.name)
    dates = []
    if obj.has(LIFECYCLE.name):
        dates = sorted(k for k in seen if k.startswith(_PROPERTY) and STAGE_DATE.match(k[11:]))
        for key in dates:
            values[key[len(_PROPERTY) :]] = [flat.get(key) for flat in flats]
    known = {p for f in (obj.id, *obj.fields) for p in f.api} | set(dates)
    extras = sorted(k[len(_PROPERTY) :] for k in seen - known if k.startswith(_PROPERTY))
    part = assemble(obj, path.name, values, origins, extras=extras, missing=missing)
    part.rejected[:0] = raw.rejected
    history = _history(records, origins)
    if history:
        part.history = pa.Table.from_pylist(history, schema=HISTORY_SCHEMA)
    return part


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str | None]:
    """A JSON record as dotted paths with text values (see the module docstring)."""
    flat: dict[str, str | None] = {}
    for key, value in record.items():
        path = f"{prefix}{key}"
        if not prefix and key == _HISTORY:
            continue
        if isinstance(value, dict):
            if path.startswith("associations.") and "results" in value:
                flat[path] = _ids(value["results"])
            else:
                flat.update(flatten(value, f"{path}."))
        elif isinstance(value, list):
            if value and all(isinstance(v, dict) and {"name", "value"} <= set(v) for v in value):
                for item in value:
                    flat[f"{path}.{item['name']}"] = _scalar(item["value"])
            else:
                flat[path] = _ids(value)
        else:
            flat[path] = _scalar(value)
    return flat


def _first(flat: dict[str, str | None], paths: tuple[str, ...]) -> str | None:
    for path in paths:
        value = flat.get(path)
        if value is not None:
            return value
    return None


def _scalar(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _ids(items: list[Any]) -> str | None:
    """Ids of a list (dicts with an ``id``, or scalars), primary association first."""
    if items and all(isinstance(i, dict) and "id" in i for i in items):
        ranked = sorted(items, key=lambda i: str(i.get("type", "")).endswith("unlabeled"))
        if any(i.get("primary") is True for i in items):
            ranked = sorted(items, key=lambda i: i.get("primary") is not True)
        ids = list(dict.fromkeys(str(i["id"]) for i in ranked))
    elif all(not isinstance(i, dict | list) for i in items):
        ids = [str(i) for i in items if i is not None and i != ""]
    else:
        return json.dumps(items, sort_keys=True)
    return ";".join(ids) or None


def _stages(
    pipelines: list[dict[str, Any]], origins: list[str]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Deal pipelines -> one record per stage with ``pipelineId``."""
    stages, stage_origins = [], []
    for pipeline, origin in zip(pipelines, origins, strict=True):
        for index, stage in enumerate(pipeline.get("stages") or []):
            if isinstance(stage, dict):
                stages.append({**stage, "pipelineId": pipeline.get("id")})
                stage_origins.append(f"{origin}.stages[{index}]")
    return stages, stage_origins


def _history(records: list[dict[str, Any]], origins: list[str]) -> list[dict[str, str | None]]:
    """``propertiesWithHistory.lifecyclestage`` versions as rows (id, value, timestamp)."""
    rows = []
    for record, origin in zip(records, origins, strict=True):
        versions = (record.get(_HISTORY) or {}).get(LIFECYCLE.name) or []
        for index, version in enumerate(versions):
            if isinstance(version, dict):
                rows.append(
                    {
                        "id": _scalar(record.get("id")),
                        "value": _scalar(version.get("value")),
                        "timestamp": _scalar(version.get("timestamp")),
                        ORIGIN: f"{origin}.{_HISTORY}.{LIFECYCLE.name}[{index}]",
                    }
                )
    return rows
