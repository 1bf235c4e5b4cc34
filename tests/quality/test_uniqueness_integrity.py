"""Golden cases of the uniqueness (resolution crosswalk) and referential-integrity rules."""

from __future__ import annotations

import datetime as dt

from quality_world import World

from revhub.model import TABLES
from revhub.quality.integrity import ForeignKeys

DUPLICATES = "rules:\n  dups:\n    kind: duplicates\n    table: accounts\n"


def _crosswalk(world: World, *rows: tuple[str, str, str]) -> None:
    """resolve.crosswalk as identity resolution writes it: (record_table, record_id, entity)."""
    con = world.ws.con.con
    con.execute("CREATE SCHEMA resolve")
    con.execute(
        "CREATE TABLE resolve.crosswalk (entity VARCHAR, record_table VARCHAR, "
        "record_id VARCHAR, entity_id VARCHAR, matched_by VARCHAR)"
    )
    for table, record, entity in rows:
        kind = "account" if table == "accounts" else "person"
        con.execute(
            "INSERT INTO resolve.crosswalk VALUES (?, ?, ?, ?, 'rule')",
            [kind, table, record, entity],
        )


def test_duplicates_skipped_until_resolution_ran(world: World) -> None:
    world.put("accounts", {"account_id": "a1"})
    report = world.run(DUPLICATES)
    [result] = report.rules
    assert (result.status, result.checked) == ("skipped", 0)
    assert result.note == "not run yet — run `revhub resolve`"


def test_duplicates_within_a_source(world: World) -> None:
    day = dt.datetime(2026, 1, 1)
    world.put(
        "accounts",
        {"account_id": "a1", "created_at": day},
        {"account_id": "a2", "created_at": day + dt.timedelta(days=3)},
        {"account_id": "a0", "created_at": day + dt.timedelta(days=1)},
        {"account_id": "solo"},
        {"account_id": "unresolved"},
    )
    world.put("accounts", {"account_id": "b1", "created_at": day}, source="billing")
    _crosswalk(
        world,
        ("accounts", "a1", "E1"),
        ("accounts", "a2", "E1"),
        ("accounts", "a0", "E1"),
        ("accounts", "b1", "E1"),
        ("accounts", "solo", "E2"),
        ("contacts", "a2", "P1"),  # another table's record with the same id: ignored
    )
    report = world.run(DUPLICATES)
    assert world.failing(report) == {("a0", None), ("a2", None)}
    message = {i.record_id: i.message for i in world.issues(report)}["a2"]
    assert message == "duplicate of a1 (same account entity E1); merge it into the original"
    across = world.run(DUPLICATES + "    within: table\n")
    # b1 and a1 were created at the same moment; the smaller id is the original
    assert {r for r, _ in world.failing(across)} == {"a0", "a2", "b1"}


def test_foreign_keys_come_from_the_model() -> None:
    rule = ForeignKeys(kind="foreign_keys")
    declared = {(t.name, c.name) for t in TABLES for c in t.columns if c.references}
    assert {(fk.table, fk.column) for fk in rule.foreign_keys()} == declared
    narrowed = ForeignKeys(kind="foreign_keys", tables=["contacts"], exclude=["contacts.owner_id"])
    assert [fk.column for fk in narrowed.foreign_keys()] == ["account_id", "converted_from_lead_id"]


def test_foreign_keys_whose_target_is_missing(world: World) -> None:
    world.put("teams", {"team_id": "t1"})
    world.put("users", {"user_id": "u1", "team_id": "t1"})
    world.put(
        "accounts",
        {"account_id": "a1", "owner_id": "u1"},
        {"account_id": "child", "parent_account_id": "a1", "owner_id": "u1"},
        {"account_id": "orphan", "parent_account_id": "nowhere", "owner_id": "ghost"},
    )
    world.put(
        "contacts",
        {"contact_id": "c1", "account_id": "a1"},
        {"contact_id": "c2", "account_id": "gone"},
        {"contact_id": "c3"},  # null references are not integrity problems
    )
    report = world.run(
        "rules:\n  refs:\n    kind: foreign_keys\n    tables: [accounts, contacts]\n"
    )
    assert world.failing(report) == {
        ("orphan", "parent_account_id"),
        ("orphan", "owner_id"),
        ("c2", "account_id"),
    }
    messages = {(i.record_id, i.field): i.message for i in world.issues(report)}
    assert messages["c2", "account_id"] == "account_id 'gone' matches no accounts.account_id"
    assert report.rules[0].checked == 6
