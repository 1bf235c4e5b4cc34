"""References one system makes to another's records: a user by email, a person who may be
a lead or a contact. Keyed at ingest, before the diff, so re-runs still change nothing."""

from __future__ import annotations

from typing import Any

from memory_source import MemorySource, batch
from test_run import TEAM, user

from revhub.workspace import Workspace

T0 = "2024-03-01T00:00:00Z"


def account(n: int, owner: str | None) -> dict[str, Any]:
    return {"account_id": f"billing:a{n}", "name": f"Acme {n}", "owner_id": owner,
            "source_id": f"a{n}", "created_at": T0}  # fmt: skip


def visit(n: int, contact: str | None) -> dict[str, Any]:
    return {"touchpoint_id": f"billing:v{n}", "touchpoint_type": "web_visit",
            "occurred_at": T0, "channel": "organic_search", "contact_id": contact,
            "source_id": f"v{n}", "created_at": T0}  # fmt: skip


def crm(ws: Workspace) -> None:
    MemorySource.BATCHES["crm"] = [
        batch("teams", [TEAM]),
        batch(
            "users",
            [user(1), user(2, email="Shared@Example.com"), user(3, email="shared@example.com")],
        ),
        batch(
            "leads",
            [
                {
                    "lead_id": "crm:l1",
                    "channel": "organic_search",
                    "status": "new",
                    "is_converted": "false",
                    "source_id": "l1",
                    "created_at": T0,
                }
            ],
        ),
        batch(
            "contacts",
            [
                {
                    "contact_id": "crm:c1",
                    "has_opted_out": "false",
                    "source_id": "c1",
                    "created_at": T0,
                }
            ],
        ),
    ]
    ws.ingest(["crm"])


def rows(ws: Workspace, sql: str) -> list[tuple[Any, ...]]:
    return ws.con.con.execute(sql).fetchall()


def test_an_owner_given_by_email_becomes_the_user_with_that_email(ws: Workspace) -> None:
    crm(ws)
    MemorySource.BATCHES["billing"] = [batch("accounts", [
        account(1, "email:rep1@example.com"),   # one user has it: keyed
        account(2, "email:shared@example.com"),  # two users have it: left for quality to name
        account(3, "email:nobody@example.com"),  # none has it: left
        account(4, None),
    ])]  # fmt: skip
    ws.ingest(["billing"])
    assert rows(ws, "SELECT account_id, owner_id FROM accounts ORDER BY 1") == [
        ("billing:a1", "crm:u1"),
        ("billing:a2", "email:shared@example.com"),
        ("billing:a3", "email:nobody@example.com"),
        ("billing:a4", None),
    ]
    again = ws.ingest(["billing"]).sources[0].counts
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 4)


def test_a_person_reference_goes_where_the_crm_holds_the_person(ws: Workspace) -> None:
    crm(ws)
    MemorySource.BATCHES["billing"] = [batch("touchpoints", [
        visit(1, "crm:l1"),  # a lead, given as "the person": moved to lead_id
        visit(2, "crm:c1"),  # a contact: stays
        visit(3, "crm:x9"),  # unknown: stays, for the integrity check to name
    ])]  # fmt: skip
    ws.ingest(["billing"])
    assert rows(ws, "SELECT touchpoint_id, lead_id, contact_id FROM touchpoints ORDER BY 1") == [
        ("billing:v1", "crm:l1", None),
        ("billing:v2", None, "crm:c1"),
        ("billing:v3", None, "crm:x9"),
    ]
    again = ws.ingest(["billing"]).sources[0].counts
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
