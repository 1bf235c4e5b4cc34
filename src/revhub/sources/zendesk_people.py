"""Zendesk organizations and end users into canonical accounts and contacts.

An organization is Zendesk's copy of a customer company: ``name``, the first of its
``domain_names`` as ``domain``, first seen when it was created; ``deleted_at`` marks
it deleted. An end user (``role: end-user``) is a person at a customer: ``name`` is
split at its last space (``Mary Ann Smith`` -> ``Mary Ann`` / ``Smith``), the
account is their ``organization_id``; Zendesk keeps no marketing consent, so
``has_opted_out`` is false. ``active: false`` marks a deleted user. Agents and admins
are the company's own staff, not contacts, and are skipped.

>>> rows, skipped = contact_rows("zd", [
...     {"id": 1, "name": "Mary Ann Smith", "role": "end-user", "organization_id": 7},
...     {"id": 2, "name": "Agent", "role": "agent"}], ["u.json:users[0]", "u.json:users[1]"])
>>> rows.select(["contact_id", "account_id", "first_name", "last_name"]).to_pylist(), skipped
([{'contact_id': 'zd:1', 'account_id': 'zd:7', 'first_name': 'Mary Ann', 'last_name': 'Smith'}], 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pyarrow as pa

from revhub.sources.base import DELETED, ORIGIN, source_key

Record = Mapping[str, Any]


def account_rows(name: str, records: Sequence[Record], origins: Sequence[str]) -> pa.Table:
    """One ``accounts`` row per organization record.

    >>> rows = account_rows("zd", [{"id": 7, "name": "Acme", "domain_names": ["ACME.com"]}],
    ...                     ["o.json:organizations[0]"])
    >>> rows.select(["account_id", "domain", "_deleted"]).to_pylist()
    [{'account_id': 'zd:7', 'domain': 'acme.com', '_deleted': False}]
    """
    ids = text([r.get("id") for r in records])
    domains = [_first(r.get("domain_names")) for r in records]
    return pa.table(
        {
            "account_id": source_key(name, ids),
            "name": text([r.get("name") for r in records]),
            "domain": text([d.strip().lower() if d else None for d in domains]),
            "first_seen_at": text([r.get("created_at") for r in records]),
            **_lineage(ids, records, origins),
            DELETED: pa.array([r.get("deleted_at") is not None for r in records], pa.bool_()),
        }
    )


def contact_rows(
    name: str, records: Sequence[Record], origins: Sequence[str]
) -> tuple[pa.Table, int]:
    """One ``contacts`` row per end user, and how many staff users were skipped.

    >>> rows, skipped = contact_rows("zd", [{"id": 3, "name": "Cher", "active": False}], ["u"])
    >>> rows.select(["first_name", "last_name", "_deleted"]).to_pylist(), skipped
    ([{'first_name': 'Cher', 'last_name': None, '_deleted': True}], 0)
    """
    people = [i for i, r in enumerate(records) if r.get("role", "end-user") == "end-user"]
    kept = [records[i] for i in people]
    ids = text([r.get("id") for r in kept])
    names = [_split(r.get("name")) for r in kept]
    rows = pa.table(
        {
            "contact_id": source_key(name, ids),
            "account_id": source_key(name, text([r.get("organization_id") for r in kept])),
            "first_name": text([first for first, _ in names]),
            "last_name": text([last for _, last in names]),
            "email": text([r.get("email") for r in kept]),
            "phone": text([r.get("phone") for r in kept]),
            "has_opted_out": pa.array([False] * len(kept), pa.bool_()),
            **_lineage(ids, kept, [origins[i] for i in people]),
            DELETED: pa.array([r.get("active") is False for r in kept], pa.bool_()),
        }
    )
    return rows, len(records) - len(kept)


def organization_of(users: Iterable[Record]) -> dict[str, str]:
    """Each user's organization id (text), for tickets that do not name one.

    >>> organization_of([{"id": 1, "organization_id": 7}, {"id": 2}])
    {'1': '7'}
    """
    return {
        str(u["id"]): str(u["organization_id"])
        for u in users
        if u.get("id") is not None and u.get("organization_id") is not None
    }


def _lineage(ids: pa.Array, records: Sequence[Record], origins: Sequence[str]) -> dict[str, Any]:
    """``source_id``, ``created_at``, ``updated_at`` and ``_origin`` of records."""
    return {
        "source_id": ids,
        "created_at": text([r.get("created_at") for r in records]),
        "updated_at": text([r.get("updated_at") for r in records]),
        ORIGIN: pa.array(list(origins), pa.string()),
    }


def text(values: Iterable[Any]) -> pa.Array:
    """Values as a text array (ids may be JSON numbers); None stays null.

    >>> text([7, "a", None]).to_pylist()
    ['7', 'a', None]
    """
    return pa.array([None if v is None else str(v) for v in values], pa.string())


def _first(values: Any) -> str | None:
    if isinstance(values, list) and values:
        return str(values[0])
    return None


def _split(full: Any) -> tuple[str | None, str | None]:
    """First and last name from a full name, split at the last space."""
    if not isinstance(full, str) or not full.strip():
        return None, None
    first, _, last = full.strip().rpartition(" ")
    return (first, last) if first else (last, None)
