"""Manual overrides: force-merge and force-split, respected on every later run."""

from __future__ import annotations

import pytest
from planted_world import entity_of

from revhub.errors import DataError
from revhub.resolve import add_override, list_overrides, resolve
from revhub.workspace import Workspace


def matched_by(ws: Workspace, record_id: str) -> str:
    row = ws.con.con.execute(
        "SELECT matched_by FROM resolve.crosswalk WHERE record_id = ?", [record_id]
    ).fetchone()
    assert row is not None
    return str(row[0])


def test_force_merge_holds_on_every_run(planted: Workspace) -> None:
    resolve(planted.con)
    assert entity_of(planted, "acc_initech") != entity_of(planted, "acc_initrode")
    add_override(planted.con, "account", "merge", "acc_initech", "acc_initrode", "acquired")
    for _ in range(2):
        resolve(planted.con)
        assert entity_of(planted, "acc_initech") == entity_of(planted, "acc_initrode")
        assert matched_by(planted, "acc_initrode") == "override"


def test_force_split_holds_on_every_run(planted: Workspace) -> None:
    add_override(planted.con, "person", "split", "con_jane_sf", "lead_jane", "a namesake")
    for _ in range(2):
        resolve(planted.con)
        assert entity_of(planted, "con_jane_sf") != entity_of(planted, "lead_jane")
    # the rest of Jane's links stand where they do not join the two
    assert entity_of(planted, "con_jane_hs") in (
        entity_of(planted, "con_jane_sf"),
        entity_of(planted, "lead_jane"),
    )


def test_force_split_beats_a_deterministic_rule(planted: Workspace) -> None:
    add_override(planted.con, "person", "split", "con_mary", "lead_mary", "wrong conversion")
    resolve(planted.con)
    assert entity_of(planted, "con_mary") != entity_of(planted, "lead_mary")
    assert matched_by(planted, "lead_mary") == "singleton"


def test_the_latest_override_of_a_pair_wins(planted: Workspace) -> None:
    add_override(planted.con, "account", "merge", "acc_bakery", "acc_cafe", "same owner")
    resolve(planted.con)
    assert entity_of(planted, "acc_bakery") == entity_of(planted, "acc_cafe")
    add_override(planted.con, "account", "split", "acc_cafe", "acc_bakery", "no, two shops")
    resolve(planted.con)
    assert entity_of(planted, "acc_bakery") != entity_of(planted, "acc_cafe")


def test_overrides_are_listed_with_their_records(planted: Workspace) -> None:
    assert list_overrides(planted.con) == []
    first = add_override(planted.con, "person", "merge", "lead_tom", "con_bob_sf", "same man")
    second = add_override(planted.con.con, "account", "split", "acc_cafe", "acc_bakery", "")
    listed = list_overrides(planted.con)
    assert listed == [first, second]
    assert (first.override_id, first.left_table, first.right_table) == (1, "leads", "contacts")
    assert (second.override_id, second.kind, second.note) == (2, "split", "")


@pytest.mark.parametrize(
    ("entity", "kind", "left", "right", "message"),
    [
        ("company", "merge", "acc_cafe", "acc_bakery", "unknown entity `company`"),
        ("account", "join", "acc_cafe", "acc_bakery", "unknown override kind `join`"),
        ("account", "merge", "acc_cafe", "acc_cafe", "two different records"),
        ("account", "merge", "acc_cafe", "acc_nowhere", "`acc_nowhere` is in none of"),
        ("person", "merge", "acc_cafe", "lead_tom", "`acc_cafe` is in none of"),
    ],
)
def test_bad_overrides_are_refused(
    planted: Workspace, entity: str, kind: str, left: str, right: str, message: str
) -> None:
    with pytest.raises(DataError, match=message):
        add_override(planted.con, entity, kind, left, right, "")
    assert list_overrides(planted.con) == []
