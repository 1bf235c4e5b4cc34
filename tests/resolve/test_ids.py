"""Stable entity ids: the same records keep their ids run after run."""

from __future__ import annotations

import re

from planted_world import add_account, entity_of

from revhub.resolve import add_override, resolve
from revhub.workspace import Workspace


def crosswalk(ws: Workspace) -> dict[str, str]:
    rows = ws.con.con.execute("SELECT record_id, entity_id FROM resolve.crosswalk").fetchall()
    return dict(rows)


def register(ws: Workspace, entity_id: str) -> tuple[object, ...]:
    row = ws.con.con.execute(
        "SELECT first_record_id, minted_run_id, retired_run_id, merged_into "
        "FROM resolve.entities WHERE entity_id = ?",
        [entity_id],
    ).fetchone()
    assert row is not None, entity_id
    return tuple(row)


def test_ids_look_like_entity_ids(planted: Workspace) -> None:
    resolve(planted.con)
    ids = set(crosswalk(planted).values())
    assert all(re.fullmatch(r"ent_(acc|per)_[0-9a-f]{16}", i) for i in ids)


def test_a_rerun_keeps_every_id(planted: Workspace) -> None:
    first = resolve(planted.con)
    before = crosswalk(planted)
    second = resolve(planted.con)
    assert crosswalk(planted) == before
    assert second.run_id != first.run_id and second.retired_ids == 0
    runs = planted.con.con.execute("SELECT count(*) FROM resolve.runs").fetchone()
    assert runs == (2,)


def test_a_new_record_joins_its_entity_and_nothing_else_moves(planted: Workspace) -> None:
    resolve(planted.con)
    before = crosswalk(planted)
    add_account(planted, "acc_umbrella_hs", "Umbrella Health Inc.", "umbrella-health.com")
    add_account(planted, "acc_new", "Hooli", "hooli.xyz", country="US")
    resolve(planted.con)
    after = crosswalk(planted)
    assert {k: after[k] for k in before} == before
    assert after["acc_umbrella_hs"] == before["acc_umbrella"]
    assert after["acc_new"] not in before.values()
    assert register(planted, after["acc_new"])[0] == "acc_new"


def test_when_entities_merge_the_older_id_stays(planted: Workspace) -> None:
    add_account(planted, "acc_hooli", "Hooli", "hooli.xyz", country="US")
    resolve(planted.con)
    add_account(planted, "acc_nucleus", "Nucleus", "nucleus.app", country="US")
    second = resolve(planted.con)
    older, newer = entity_of(planted, "acc_hooli"), entity_of(planted, "acc_nucleus")
    add_override(planted.con, "account", "merge", "acc_hooli", "acc_nucleus", "Nucleus is Hooli")
    third = resolve(planted.con)
    assert entity_of(planted, "acc_nucleus") == entity_of(planted, "acc_hooli") == older
    assert third.retired_ids == 1
    first_record, minted_in, retired_in, merged_into = register(planted, newer)
    assert (first_record, minted_in, retired_in, merged_into) == (
        "acc_nucleus",
        second.run_id,
        third.run_id,
        older,
    )
    assert register(planted, older)[2:] == (None, None)


def test_when_an_entity_splits_the_larger_part_keeps_the_id(planted: Workspace) -> None:
    resolve(planted.con)
    acme = entity_of(planted, "acc_acme_sf")
    add_override(planted.con, "account", "split", "acc_acme_st", "acc_acme_sf", "Stripe's is X")
    report = resolve(planted.con)
    assert entity_of(planted, "acc_acme_sf") == entity_of(planted, "acc_acme_hs") == acme
    split_off = entity_of(planted, "acc_acme_st")
    assert split_off != acme
    assert register(planted, split_off)[:2] == ("acc_acme_st", report.run_id)
    assert report.retired_ids == 0


def test_an_id_once_used_is_never_minted_again(planted: Workspace) -> None:
    resolve(planted.con)
    acme = entity_of(planted, "acc_acme_sf")  # minted from its first record, acc_acme_sf
    for other in ("acc_acme_hs", "acc_acme_st"):
        add_override(planted.con, "account", "split", "acc_acme_sf", other, "not the same")
    resolve(planted.con)  # {hs, st} keeps the id; sf alone needs a new one
    assert entity_of(planted, "acc_acme_hs") == acme
    assert entity_of(planted, "acc_acme_sf") not in (acme, entity_of(planted, "acc_acme_hs"))
