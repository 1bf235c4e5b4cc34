"""Ingestion end to end on a real workspace: accounting, re-runs, deletions, quarantine."""

from __future__ import annotations

from typing import Any

import pytest
from memory_source import MemorySource, batch

from revhub.errors import ConfigError
from revhub.workspace import Workspace

TEAM = {
    "team_id": "crm:t1",
    "name": "Sales EMEA",
    "department": "sales",
    "source_id": "t1",
    "created_at": "2024-01-01T09:00:00.000+0000",
}


def user(n: int, **changes: Any) -> dict[str, Any]:
    row = {
        "user_id": f"crm:u{n}",
        "name": f"Rep {n}",
        "email": f"rep{n}@example.com",
        "team_id": "crm:t1",
        "role": "ae",
        "is_active": "true",
        "hire_date": "2024-01-01",
        "ramp_months": "3",
        "currency": "USD",
        "annual_quota": "120000",
        "source_id": f"u{n}",
        "created_at": "2024-01-02T03:04:05Z",
        "updated_at": "2024-02-01T00:00:00Z",
    }
    row.update(changes)
    return row


def load(ws: Workspace, *batches: Any, source: str = "crm") -> Any:
    MemorySource.BATCHES[source] = list(batches)
    return ws.ingest([source])


def users(ws: Workspace) -> dict[str, Any]:
    rows = ws.con.con.execute("SELECT user_id, annual_quota FROM users ORDER BY 1").fetchall()
    return dict(rows)


def test_rows_are_typed_lineaged_and_counted(ws: Workspace) -> None:
    report = load(ws, batch("teams", [TEAM]), batch("users", [user(1), user(2)]))
    counts = report.sources[0].counts
    assert (counts.read, counts.inserted, counts.quarantined) == (3, 3, 0)
    row = ws.con.con.execute(
        "SELECT source, created_at, annual_quota_base, fx_rate FROM users WHERE user_id='crm:u1'"
    ).fetchone()
    assert row is not None
    assert row[0] == "crm"
    assert str(row[1]) == "2024-01-02 03:04:05"
    assert float(row[2]) == 120000 and float(row[3]) == 1


def test_running_twice_changes_nothing(ws: Workspace) -> None:
    load(ws, batch("teams", [TEAM]), batch("users", [user(1), user(2)]))
    before = ws.con.con.execute("SELECT * FROM users ORDER BY user_id").fetchall()
    counts = load(ws, batch("teams", [TEAM]), batch("users", [user(1), user(2)])).sources[0].counts
    assert (counts.inserted, counts.updated, counts.unchanged, counts.removed) == (0, 0, 3, 0)
    assert ws.con.con.execute("SELECT * FROM users ORDER BY user_id").fetchall() == before


def test_changes_update_and_snapshot_absence_removes(ws: Workspace) -> None:
    load(ws, batch("teams", [TEAM]), batch("users", [user(1), user(2)]))
    counts = (
        load(ws, batch("teams", [TEAM]), batch("users", [user(1, annual_quota="150000")]))
        .sources[0]
        .counts
    )
    assert (counts.updated, counts.unchanged, counts.removed) == (1, 1, 1)
    assert {k: float(v) for k, v in users(ws).items()} == {"crm:u1": 150000.0}


def test_incremental_batches_keep_what_they_do_not_mention(ws: Workspace) -> None:
    load(ws, batch("teams", [TEAM]), batch("users", [user(1), user(2)]))
    delta = batch("users", [user(3), {**user(1), "_deleted": True}], snapshot=False)
    counts = load(ws, delta).sources[0].counts
    assert (counts.inserted, counts.deleted, counts.removed) == (1, 1, 1)
    assert sorted(users(ws)) == ["crm:u2", "crm:u3"]


def test_latest_version_of_a_record_wins(ws: Workspace) -> None:
    older = user(1, annual_quota="1", updated_at="2024-01-05T00:00:00Z")
    newer = user(1, annual_quota="2", updated_at="2024-03-05T00:00:00Z")
    counts = load(ws, batch("teams", [TEAM]), batch("users", [newer, older])).sources[0].counts
    assert (counts.inserted, counts.superseded) == (2, 1)
    assert float(users(ws)["crm:u1"]) == 2


def test_bad_rows_are_quarantined_with_reasons_and_taken_in_after_a_fix(ws: Workspace) -> None:
    bad = [user(1, annual_quota="lots"), user(2, team_id="crm:nowhere"), user(3, role="wizard")]
    report = load(ws, batch("teams", [TEAM]), batch("users", [*bad, user(4)]))
    counts = report.sources[0].counts
    assert (counts.read, counts.inserted, counts.quarantined) == (5, 2, 3)
    rows, total = ws.quarantine()
    reasons = {r["origin"]: r["reason"] for r in rows}
    assert total == 3
    assert reasons["users.csv:2"] == 'annual_quota: cannot read "lots" as an amount'
    assert reasons["users.csv:3"] == "team_id: crm:nowhere is not in teams"
    assert reasons["users.csv:4"].startswith('role: "wizard" is not one of')
    fixed = [user(1), user(2), user(3), user(4)]
    counts = load(ws, batch("teams", [TEAM]), batch("users", fixed)).sources[0].counts
    assert (counts.inserted, counts.unchanged, counts.quarantined) == (3, 2, 0)
    assert ws.quarantine()[1] == 0


def test_a_quarantined_record_keeps_its_previous_version(ws: Workspace) -> None:
    load(ws, batch("teams", [TEAM]), batch("users", [user(1)]))
    counts = load(ws, batch("teams", [TEAM]), batch("users", [user(1, hire_date="soon")]))
    assert counts.sources[0].counts.removed == 0
    assert list(users(ws)) == ["crm:u1"]


def test_money_in_another_currency_takes_the_rate_of_its_day(ws: Workspace) -> None:
    rates = [
        {
            "currency": "EUR",
            "rate_date": "2024-01-01",
            "base_currency": "USD",
            "rate": "1.10",
            "source_id": "EUR-2024-01-01",
            "created_at": "2024-01-01",
        },
        {
            "currency": "EUR",
            "rate_date": "2024-02-01",
            "base_currency": "USD",
            "rate": "1.20",
            "source_id": "EUR-2024-02-01",
            "created_at": "2024-02-01",
        },
    ]
    MemorySource.BATCHES["billing"] = [batch("fx_rates", rates)]
    MemorySource.BATCHES["crm"] = [
        batch("teams", [TEAM]),
        batch(
            "users",
            [
                user(1, currency="EUR", annual_quota="100", created_at="2024-01-20T00:00:00Z"),
                user(2, currency="GBP"),
            ],
        ),
    ]
    report = ws.ingest()
    row = ws.con.con.execute(
        "SELECT fx_rate, annual_quota_base FROM users WHERE user_id = 'crm:u1'"
    ).fetchone()
    assert row is not None and (float(row[0]), float(row[1])) == (1.1, 110.0)
    reasons = [r["reason"] for r in ws.quarantine()[0]]
    assert reasons == ["no exchange rate for GBP on or before 2024-01-02; ingest fx_rates first"]
    assert all(s.counts.balanced for s in report.sources)


def test_two_sources_cannot_claim_one_key(ws: Workspace) -> None:
    load(ws, batch("teams", [TEAM]))
    counts = load(ws, batch("teams", [TEAM]), source="billing").sources[0].counts
    assert counts.quarantined == 1
    assert "already loaded from another source" in ws.quarantine(source="billing")[0][0]["reason"]


def test_unknown_source_name_is_refused_with_a_suggestion(ws: Workspace) -> None:
    with pytest.raises(ConfigError, match=r"no source `crn`.*Did you mean `crm`"):
        ws.ingest(["crn"])


def test_runs_and_counts_are_stored(ws: Workspace) -> None:
    load(ws, batch("teams", [TEAM]), batch("users", [user(1)]))
    load(ws, batch("teams", [TEAM]), batch("users", [user(1)]))
    rows = ws.con.con.execute(
        "SELECT run_id, table_name, read, inserted, unchanged FROM ingest.run_tables "
        "ORDER BY run_id, table_name"
    ).fetchall()
    assert rows == [
        (1, "teams", 1, 1, 0),
        (1, "users", 1, 1, 0),
        (2, "teams", 1, 0, 1),
        (2, "users", 1, 0, 1),
    ]
