"""The demo company's Zendesk Support account, exported as the API JSON ``ZendeskSource`` reads.

``write_zendesk`` writes ``zendesk/*.json`` for the demo's support tickets (the rows
whose source is ``zendesk``; native id = their ``source_id``):

- ``organizations.json``: Zendesk's copy of each account that has tickets (id from
  ``copy_ids("zendesk_organization", …)``), with the demo name and domain, created
  when its first ticket came in;
- ``users.json``: a copy of each ticket requester (a demo contact; id from
  ``copy_ids("zendesk_user", …)``) as an end user of its organization, and the
  agents the tickets are assigned to (role ``agent``);
- ``tickets.json``: status, priority, ``via.channel`` (phone is ``voice``), the
  category as a custom field and a tag, the ticket type from the category;
- ``ticket_metrics.json``: reply time (calendar seconds and minutes) and solved time;
- ``satisfaction_ratings.json``: Zendesk's legacy good/bad rating of each rated ticket
  (the demo's 4-5 are ``good``, 1-3 ``bad``), also inline on the ticket.

Identity truth: each organization copies its demo account (``account``), each end
user its demo contact (``person``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from revhub.demo.native.export import NativeExport, identity_rows
from revhub.demo.native.ids import copy_ids

CATEGORY_FIELD = 360_001_234_567  # the "Category" custom dropdown field
_VIA = {"phone": "voice"}
_TYPES = {"outage": "incident", "bug": "problem"}  # others: question
_SUBDOMAIN = "https://revhub-demo.zendesk.com/api/v2"
Record = dict[str, Any]


def write_zendesk(tables: Mapping[str, pa.Table], out: Path) -> NativeExport:
    """Write ``out/zendesk/*.json`` from the canonical demo ``tables``; who is who."""
    root = out / "zendesk"
    root.mkdir(parents=True, exist_ok=True)
    all_tickets = tables["support_tickets"]
    rows = all_tickets.filter(pc.equal(all_tickets["source"], "zendesk")).to_pylist()
    rows.sort(key=lambda r: int(r["source_id"]))
    contacts = {r["contact_id"]: r for r in tables["contacts"].to_pylist()}
    accounts = {r["account_id"]: r for r in tables["accounts"].to_pylist()}
    requesters = sorted({r["contact_id"] for r in rows if r["contact_id"]})
    account_ids = {r["account_id"] for r in rows}
    account_ids |= {contacts[c]["account_id"] for c in requesters if contacts[c]["account_id"]}
    orgs = sorted(account_ids)
    org_of = dict(zip(orgs, copy_ids("zendesk_organization", orgs), strict=True))
    user_of = dict(zip(requesters, copy_ids("zendesk_user", requesters), strict=True))
    agents = sorted({r["assignee_id"] for r in rows if r["assignee_id"]})
    agent_of = dict(zip(agents, copy_ids("zendesk_user", agents), strict=True))
    first_ticket = _first_ticket_times(rows)
    organizations = [_organization(accounts[a], org_of[a], first_ticket.get(a)) for a in orgs]
    users = [_end_user(contacts[c], user_of[c], org_of, first_ticket.get(c)) for c in requesters]
    staff = {r["user_id"]: r for r in tables["users"].to_pylist()}
    users += [_agent(staff[a], agent_of[a]) for a in agents]
    tickets = [_ticket(r, org_of, user_of, agent_of) for r in rows]
    _dump(root / "organizations.json", {"organizations": organizations})
    _dump(root / "users.json", {"users": users})
    _dump(root / "tickets.json", {"tickets": tickets, "count": len(tickets)})
    _dump(root / "ticket_metrics.json", {"ticket_metrics": [_metrics(r) for r in rows]})
    ratings = [_rating(r, user_of, agent_of) for r in rows if r["csat_score"] is not None]
    _dump(root / "satisfaction_ratings.json", {"satisfaction_ratings": ratings})
    identity = pa.concat_tables(
        [
            identity_rows("account", list(org_of.values()), list(org_of)),
            identity_rows("person", list(user_of.values()), list(user_of)),
        ]
    )
    export = NativeExport()
    export.add("zendesk", {"kind": "zendesk", "path": "zendesk"}, identity)
    return export


def _organization(account: Record, native: str, first: dt.datetime | None) -> Record:
    created = _time(first or account["created_at"])
    return {
        "url": f"{_SUBDOMAIN}/organizations/{native}.json",
        "id": int(native),
        "name": account["name"],
        "domain_names": [account["domain"]] if account["domain"] else [],
        "details": ", ".join(p for p in (account["city"], account["country"]) if p),
        "notes": "",
        "tags": [],
        "created_at": created,
        "updated_at": created,
        "deleted_at": None,
    }


def _end_user(
    contact: Record, native: str, org_of: Mapping[str, str], first: dt.datetime | None
) -> Record:
    created = _time(first or contact["created_at"])
    name = " ".join(p for p in (contact["first_name"], contact["last_name"]) if p)
    return {
        "id": int(native),
        "name": name or contact["email"],
        "email": contact["email"],
        "phone": contact["phone"],
        "organization_id": int(org_of[contact["account_id"]]) if contact["account_id"] else None,
        "role": "end-user",
        "active": True,
        "created_at": created,
        "updated_at": created,
    }


def _agent(user: Record, native: str) -> Record:
    hired = _time(dt.datetime.combine(user["hire_date"], dt.time(9)))
    return {
        "id": int(native),
        "name": user["name"],
        "email": user["email"],
        "role": "agent",
        "active": True,
        "organization_id": None,
        "created_at": hired,
        "updated_at": hired,
    }


def _ticket(
    row: Record, org_of: Mapping[str, str], user_of: Mapping[str, str], agent_of: Mapping[str, str]
) -> Record:
    requester = int(user_of[row["contact_id"]]) if row["contact_id"] else None
    category = row["category"]
    score = row["csat_score"]
    return {
        "url": f"{_SUBDOMAIN}/tickets/{row['source_id']}.json",
        "id": int(row["source_id"]),
        "via": {"channel": _VIA.get(row["channel"], row["channel"]), "source": {}},
        "created_at": _time(row["opened_at"]),
        "updated_at": _time(row["updated_at"]),
        "type": _TYPES.get(category, "question"),
        "subject": row["subject"],
        "raw_subject": row["subject"],
        "priority": row["priority"],
        "status": row["status"],
        "requester_id": requester,
        "submitter_id": requester,
        "assignee_id": int(agent_of[row["assignee_id"]]) if row["assignee_id"] else None,
        "organization_id": int(org_of[row["account_id"]]),
        "tags": [category] if category else [],
        "custom_fields": [{"id": CATEGORY_FIELD, "value": category}],
        "satisfaction_rating": {"score": _good_or_bad(score)} if score else None,
    }


def _metrics(row: Record) -> Record:
    reply = None
    if row["first_response_at"] is not None:
        reply = int((row["first_response_at"] - row["opened_at"]).total_seconds())
    minutes = None if reply is None else round(reply / 60)
    return {
        "id": int(row["source_id"]) + 10_000_000,
        "ticket_id": int(row["source_id"]),
        "created_at": _time(row["opened_at"]),
        "updated_at": _time(row["updated_at"]),
        "solved_at": _time(row["solved_at"]) if row["solved_at"] else None,
        "reply_time_in_minutes": {"calendar": minutes, "business": minutes},
        "reply_time_in_seconds": {"calendar": reply},
    }


def _rating(row: Record, user_of: Mapping[str, str], agent_of: Mapping[str, str]) -> Record:
    rated = _time(row["solved_at"] or row["updated_at"])
    return {
        "id": int(row["source_id"]) + 20_000_000,
        "ticket_id": int(row["source_id"]),
        "requester_id": int(user_of[row["contact_id"]]) if row["contact_id"] else None,
        "assignee_id": int(agent_of[row["assignee_id"]]) if row["assignee_id"] else None,
        "score": _good_or_bad(row["csat_score"]),
        "comment": None,
        "created_at": rated,
        "updated_at": rated,
    }


def _good_or_bad(score: int) -> str:
    return "good" if score >= 4 else "bad"


def _first_ticket_times(rows: list[Record]) -> dict[str, dt.datetime]:
    """The first ticket time of each account and each requester."""
    first: dict[str, dt.datetime] = {}
    for row in rows:
        for who in (row["account_id"], row["contact_id"]):
            if who and (who not in first or row["opened_at"] < first[who]):
                first[who] = row["opened_at"]
    return first


def _time(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _dump(path: Path, document: Record) -> None:
    path.write_text(json.dumps(document, indent=1, default=str), encoding="utf-8")
