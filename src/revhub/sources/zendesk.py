"""The Zendesk connector: a Zendesk Support account's API JSON into the canonical model.

A Zendesk source is a directory of Support API responses, one object per file name
(``tickets.json``, or pages ``tickets_0001.json``, … read in name order; ``.jsonl``
with one record per line works too). List responses (``{"tickets": [...]}``) and the
incremental export (``{"tickets": [...], "end_time": …, "next_page": …}``) are both
read; an incremental page is not a full snapshot, so records it lacks are not deleted.

=====================================  ============================================
Zendesk                                canonical table
=====================================  ============================================
organizations                          accounts (Zendesk's copy of the company)
users with role ``end-user``           contacts (agents and admins are staff, skipped)
tickets (+ ticket_metrics / the        support_tickets
``metric_sets`` side-load,
satisfaction_ratings)
=====================================  ============================================

Keys are ``<source name>:<Zendesk id>``. Deleted records (``deleted_at`` on an
organization, ``active: false`` on a user, status ``deleted`` on a ticket) come with
``_deleted``. How ticket fields are read is in ``zendesk_tickets``; people and
organizations in ``zendesk_people``.

>>> import json, tempfile, pathlib
>>> from revhub.config import SourceSettings
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "organizations.json").write_text(json.dumps({"organizations": [{"id": 7,
...     "name": "Acme", "domain_names": ["acme.com"], "created_at": "2024-01-02T03:04:05Z",
...     "updated_at": "2024-01-02T03:04:05Z"}]}))
>>> source = ZendeskSource("zd", SourceSettings(kind="zendesk", path="."), folder)
>>> batch = next(source.batches())
>>> batch.table, batch.rows.select(["account_id", "name", "domain"]).to_pylist()
('accounts', [{'account_id': 'zd:7', 'name': 'Acme', 'domain': 'acme.com'}])
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from revhub.errors import DataError
from revhub.sources.base import Batch, Rejected, Source
from revhub.sources.readers import RawRecords, read_json_records
from revhub.sources.zendesk_people import account_rows, contact_rows, organization_of
from revhub.sources.zendesk_tickets import ticket_metrics, ticket_ratings, ticket_rows

OBJECTS = ("organizations", "users", "tickets", "ticket_metrics", "satisfaction_ratings")
_SIDELOADS = {"tickets": ("metric_sets",)}


@dataclass
class Records:
    """Every record of one Zendesk object read from the directory, with its origin."""

    records: list[dict[str, Any]] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    incremental: bool = False


class ZendeskSource(Source):
    """A Zendesk Support account as API JSON files (see the module docstring)."""

    kind = "zendesk"

    def batches(self) -> Iterator[Batch]:
        """accounts, contacts and support_tickets batches, for the objects present."""
        objects = _read_objects(self.path)
        if not any(objects[name].files for name in OBJECTS):
            raise DataError(
                f"{self.path}: no Zendesk files found (organizations.json, users.json, "
                "tickets.json, …); point the source's `path` at the exported API responses."
            )
        orgs, users, tickets = objects["organizations"], objects["users"], objects["tickets"]
        if orgs.files:
            yield _batch("accounts", orgs, account_rows(self.name, orgs.records, orgs.origins))
        if users.files:
            rows, skipped = contact_rows(self.name, users.records, users.origins)
            notes = (f"users: {skipped} agents/admins skipped (staff, not contacts)",)
            yield _batch("contacts", users, rows, notes if skipped else ())
        if tickets.files:
            metrics = objects["ticket_metrics"].records + objects["metric_sets"].records
            ratings = objects["satisfaction_ratings"]
            rows = ticket_rows(
                self.name,
                tickets.records,
                tickets.origins,
                organization_of(users.records),
                ticket_metrics(metrics),
                ticket_ratings(ratings.records),
            )
            rejected = (*objects["ticket_metrics"].rejected, *ratings.rejected)
            yield _batch("support_tickets", tickets, rows, rejected=rejected)


def _read_objects(root: Path) -> dict[str, Records]:
    """The records of each Zendesk object (and side-load) in directory ``root``."""
    objects = {name: Records() for name in (*OBJECTS, *_SIDELOADS["tickets"])}
    for name in OBJECTS:
        for path in _files(root, name):
            raw = _read_bytes(path)
            pointer = None if path.suffix == ".jsonl" else name
            _add(objects[name], path, read_json_records(path, pointer), raw)
            for sideload in _SIDELOADS.get(name, ()):
                if pointer is not None and f'"{sideload}"'.encode() in raw:
                    _add(objects[sideload], path, read_json_records(path, sideload), raw)
    return objects


def _files(root: Path, name: str) -> list[Path]:
    """``<name>.json``, ``<name>_0001.json``, … and ``.jsonl`` alike, in name order."""
    found = [*root.glob(f"{name}.json*"), *root.glob(f"{name}_*.json*")]
    return sorted({p for p in found if p.suffix in (".json", ".jsonl") and p.is_file()})


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise DataError(f"{path}: cannot read the file: {error.strerror}.") from error


def _add(into: Records, path: Path, read: RawRecords, raw: bytes) -> None:
    into.records += read.records
    into.origins += read.origins
    into.rejected += read.rejected
    into.files.append(path.name)
    into.incremental = into.incremental or b'"end_time"' in raw


def _batch(
    table: str,
    records: Records,
    rows: pa.Table,
    notes: tuple[str, ...] = (),
    rejected: tuple[Rejected, ...] = (),
) -> Batch:
    return Batch(
        table,
        rows,
        origin=", ".join(records.files),
        snapshot=not records.incremental,
        rejected=(*records.rejected, *rejected),
        notes=notes,
    )
