"""The Zendesk connector: Support API JSON in, accounts, contacts and tickets out.

Each golden case writes a few records the way the Zendesk API returns them (list
responses, the incremental export, side-loads) and states the canonical rows expected.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from revhub.config import SourceSettings
from revhub.errors import DataError
from revhub.sources.base import Batch
from revhub.sources.registry import connector_class
from revhub.sources.zendesk import ZendeskSource

T0 = "2024-03-01T09:00:00Z"


def ticket(id_: int, **fields: Any) -> dict[str, Any]:
    """A ticket as GET /api/v2/tickets returns it (only what matters here)."""
    return {"id": id_, "subject": f"Ticket {id_}", "status": "open", "priority": "high",
            "type": "question", "via": {"channel": "email"}, "requester_id": 11,
            "organization_id": 7, "assignee_id": 99, "tags": [], "custom_fields": [],
            "created_at": T0, "updated_at": T0, **fields}  # fmt: skip


def run(folder: Path, files: dict[str, Any]) -> list[Batch]:
    for name, document in files.items():
        text = document if isinstance(document, str) else json.dumps(document)
        (folder / name).write_text(text)
    return list(ZendeskSource("zd", SourceSettings(kind="zendesk", path="."), folder).batches())


def rows(batches: list[Batch], table: str, *columns: str) -> list[dict[str, Any]]:
    found = [row for b in batches if b.table == table for row in b.rows.to_pylist()]
    return [{c: row.get(c) for c in columns} for row in found]


def test_registry_finds_the_connector() -> None:
    assert connector_class("zendesk") is ZendeskSource


def test_organizations_and_end_users_become_accounts_and_contacts(tmp_path: Path) -> None:
    batches = run(tmp_path, {
        "organizations.json": {"organizations": [
            {"id": 7, "name": "Acme Ltd", "domain_names": ["Acme.com", "acme.co.uk"],
             "details": "", "created_at": T0, "updated_at": T0},
            {"id": 8, "name": "Gone Inc", "domain_names": [], "created_at": T0,
             "updated_at": T0, "deleted_at": T0}]},
        "users.json": {"users": [
            {"id": 11, "name": "Mary Ann Smith", "email": "mary@acme.com", "phone": "+44 1",
             "organization_id": 7, "role": "end-user", "active": True, "created_at": T0,
             "updated_at": T0},
            {"id": 99, "name": "Agent Smith", "role": "agent", "created_at": T0,
             "updated_at": T0}]},
    })  # fmt: skip
    assert rows(batches, "accounts", "account_id", "name", "domain", "first_seen_at",
                "_deleted") == [
        {"account_id": "zd:7", "name": "Acme Ltd", "domain": "acme.com", "first_seen_at": T0,
         "_deleted": False},
        {"account_id": "zd:8", "name": "Gone Inc", "domain": None, "first_seen_at": T0,
         "_deleted": True},
    ]  # fmt: skip
    assert rows(batches, "contacts", "contact_id", "account_id", "first_name", "last_name",
                "email", "has_opted_out", "_origin") == [
        {"contact_id": "zd:11", "account_id": "zd:7", "first_name": "Mary Ann",
         "last_name": "Smith", "email": "mary@acme.com", "has_opted_out": False,
         "_origin": "users.json:users[0]"}
    ]  # fmt: skip
    contacts = next(b for b in batches if b.table == "contacts")
    assert contacts.notes == ("users: 1 agents/admins skipped (staff, not contacts)",)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"status": "hold", "priority": None}, {"status": "pending", "priority": "normal"}),
        ({"status": "solved", "priority": "URGENT"}, {"status": "solved", "priority": "urgent"}),
        ({"via": {"channel": "voice"}}, {"channel": "phone"}),
        ({"via": {"channel": "web_widget"}}, {"channel": "web"}),
        ({"via": {"channel": "native_messaging"}}, {"channel": "chat"}),
        ({"via": {"channel": "api"}}, {"channel": None}),
        ({"custom_fields": [{"id": 1, "value": "Feature Request"}]},
         {"category": "feature_request"}),
        ({"tags": ["vip", "category_billing"]}, {"category": "billing"}),
        ({"tags": ["vip"]}, {"category": None}),
        ({"satisfaction_rating": {"score": "good"}}, {"csat_score": 5}),
        ({"satisfaction_rating": {"score": "offered"}}, {"csat_score": None}),
    ],
)  # fmt: skip
def test_ticket_fields_in_canonical_terms(
    tmp_path: Path, fields: dict[str, Any], expected: dict[str, Any]
) -> None:
    batches = run(tmp_path, {"tickets.json": {"tickets": [ticket(5, **fields)]}})
    assert rows(batches, "support_tickets", *expected) == [expected]


def test_metrics_ratings_and_the_requesters_organization(tmp_path: Path) -> None:
    batches = run(tmp_path, {
        "users.json": {"users": [{"id": 12, "name": "Bo", "organization_id": 8,
                                  "role": "end-user", "created_at": T0, "updated_at": T0}]},
        "tickets.json": {"tickets": [ticket(5), ticket(6, organization_id=None, requester_id=12)]},
        "ticket_metrics.json": {"ticket_metrics": [
            {"id": 1, "ticket_id": 5, "updated_at": T0, "solved_at": "2024-03-02T10:00:00Z",
             "reply_time_in_minutes": {"calendar": 90, "business": 30}},
            {"id": 2, "ticket_id": 6, "updated_at": T0, "solved_at": None,
             "reply_time_in_minutes": {"calendar": 1, "business": 1},
             "reply_time_in_seconds": {"calendar": 75}}]},
        "satisfaction_ratings.json": {"satisfaction_ratings": [
            {"id": 1, "ticket_id": 5, "score": "good", "created_at": T0, "updated_at": T0},
            {"id": 2, "ticket_id": 5, "score": "bad", "created_at": T0,
             "updated_at": "2024-03-05T00:00:00Z"},
            {"id": 3, "ticket_id": 6, "score": "4", "created_at": T0, "updated_at": T0}]},
    })  # fmt: skip
    assert rows(batches, "support_tickets", "ticket_id", "account_id", "contact_id",
                "opened_at", "first_response_at", "solved_at", "csat_score") == [
        {"ticket_id": "zd:5", "account_id": "zd:7", "contact_id": "zd:11", "opened_at": T0,
         "first_response_at": "2024-03-01T10:30:00+00:00",
         "solved_at": "2024-03-02T10:00:00Z", "csat_score": 1},
        {"ticket_id": "zd:6", "account_id": "zd:8", "contact_id": "zd:12", "opened_at": T0,
         "first_response_at": "2024-03-01T09:01:15+00:00", "solved_at": None,
         "csat_score": 4},
    ]  # fmt: skip


def test_incremental_export_pages_sideloads_and_deletions(tmp_path: Path) -> None:
    page = {"tickets": [ticket(5, status="deleted")], "end_time": 1709283600, "next_page": None,
            "metric_sets": [{"ticket_id": 5, "solved_at": T0, "updated_at": T0}]}  # fmt: skip
    batches = run(tmp_path, {
        "tickets_0002.json": page,
        "tickets_0001.json": {"tickets": [ticket(4)], "end_time": 1, "next_page": "…"},
    })  # fmt: skip
    [tickets] = [b for b in batches if b.table == "support_tickets"]
    assert tickets.snapshot is False
    assert rows(batches, "support_tickets", "ticket_id", "status", "solved_at", "_deleted",
                "_origin") == [
        {"ticket_id": "zd:4", "status": "open", "solved_at": None, "_deleted": False,
         "_origin": "tickets_0001.json:tickets[0]"},
        {"ticket_id": "zd:5", "status": "closed", "solved_at": T0, "_deleted": True,
         "_origin": "tickets_0002.json:tickets[0]"},
    ]  # fmt: skip


def test_json_lines_and_a_truncated_file_keep_every_readable_record(tmp_path: Path) -> None:
    lines = json.dumps(ticket(1)) + "\n{broken\n" + json.dumps(ticket(2)) + "\n"
    batches = run(tmp_path, {"tickets.jsonl": lines})
    assert rows(batches, "support_tickets", "ticket_id") == [
        {"ticket_id": "zd:1"},
        {"ticket_id": "zd:2"},
    ]
    [tickets] = batches
    assert [r.origin for r in tickets.rejected] == ["tickets.jsonl:2"]
    truncated = json.dumps({"organizations": [{"id": 1, "name": "A"}, {"id": 2, "name": "B"}]})
    batches = run(tmp_path, {"organizations.json": truncated[:-12]})
    assert rows(batches, "accounts", "account_id") == [{"account_id": "zd:1"}]
    assert "truncated or malformed" in batches[0].rejected[0].reason


def test_a_directory_without_zendesk_files_is_explained(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no Zendesk files found"):
        run(tmp_path, {"notes.txt": "hello"})
