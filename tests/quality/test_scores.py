"""Scores on a hand-checked example, owners and teams of issues, and a property of scores."""

from __future__ import annotations

from collections import defaultdict

import ibis
from hypothesis import given, settings
from hypothesis import strategies as st
from quality_world import World

from revhub.quality.scores import score_rows

RULES = (
    "rules:\n"
    "  need_domain:\n    kind: required\n    table: accounts\n    fields: [domain]\n"
    "  account_country:\n    kind: country_code\n    table: accounts\n"
    "  contact_email:\n    kind: email\n    table: contacts\n"
)


def _people(world: World) -> None:
    world.put("teams", {"team_id": "t1", "name": "AE"}, {"team_id": "t2", "name": "CS"})
    world.put(
        "users",
        {"user_id": "u1", "team_id": "t1", "name": "Ada"},
        {"user_id": "u2", "team_id": "t2", "name": "Bo"},
    )


def _company(world: World) -> None:
    """a1 lacks a domain, a2 has a country name, c1 a broken email; a3 and c2 are fine."""
    _people(world)
    world.put(
        "accounts",
        {"account_id": "a1", "domain": None, "owner_id": "u1"},
        {"account_id": "a2", "country": "Germany", "owner_id": "u2"},
    )
    world.put("accounts", {"account_id": "a3", "owner_id": "u1"}, source="billing")
    world.put(
        "contacts",
        {"contact_id": "c1", "email": "c1@@acme.com", "owner_id": "u2"},
        {"contact_id": "c2", "email": "c2@acme.com"},
    )


def test_scores_by_hand(world: World) -> None:
    _company(world)
    report = world.run(RULES)

    def score(kind: str, value: str | None, dimension: str = "all") -> tuple[int, int]:
        found = report.score(kind, value, dimension)
        assert found is not None, (kind, value, dimension)
        return found.checked, found.failed

    assert report.records_checked == 5
    assert score("overall", "all") == (5, 3)
    assert report.overall.score == 0.4
    assert score("dimension", "completeness", "completeness") == (3, 1)
    assert score("dimension", "validity", "validity") == (5, 2)
    assert score("object", "accounts") == (3, 2)
    assert score("object", "contacts") == (2, 1)
    assert score("source", "crm") == (4, 3)
    assert score("source", "billing") == (1, 0)
    assert score("owner", "u1") == (2, 1)
    assert score("owner", "u1", "validity") == (2, 0)
    assert score("owner", "u2") == (2, 2)
    assert score("owner", None) == (1, 0)
    assert score("team", "t1") == (2, 1)
    assert score("team", "t2") == (2, 2)
    assert score("rule", "need_domain", "completeness") == (3, 1)
    assert [s.scope_value for s in report.worst("owner")] == ["u2", "u1", None]
    assert report.names == {"u1": "Ada", "u2": "Bo", "t1": "AE", "t2": "CS"}


def test_issues_carry_the_owner_and_team_who_should_fix_them(world: World) -> None:
    _people(world)
    world.put(
        "accounts",
        {"account_id": "a1", "owner_id": "u1", "csm_id": "u2"},
        {"account_id": "a2", "owner_id": "u2"},
    )
    world.put(
        "subscriptions",
        {"subscription_id": "s1", "account_id": "a1", "currency": "EURO"},
        {"subscription_id": "s2", "account_id": "a2", "currency": "DOLLAR"},
    )
    world.put("invoices", {"invoice_id": "i1", "account_id": "a1", "currency": "XYZ"})
    world.put(
        "products",
        {"product_id": "p1", "name": "", "kind": "plan", "is_recurring": True, "is_active": True},
    )
    report = world.run(
        "rules:\n"
        "  sub_currency:\n    kind: currency_code\n    table: subscriptions\n"
        "  sub_currency_csm:\n    kind: currency_code\n    table: subscriptions\n"
        "    owner: account_id.csm_id\n"
        "  invoice_currency:\n    kind: currency_code\n    table: invoices\n"
        "  product_name:\n    kind: blank\n    table: products\n"
    )
    owners = {(i.rule, i.record_id): (i.owner_id, i.team_id) for i in world.issues(report)}
    assert owners == {
        ("sub_currency", "s1"): ("u1", "t1"),  # the account's owner
        ("sub_currency", "s2"): ("u2", "t2"),
        ("sub_currency_csm", "s1"): ("u2", "t2"),  # the account's CSM, as configured
        ("sub_currency_csm", "s2"): (None, None),  # a2 has no CSM
        ("invoice_currency", "i1"): ("u1", "t1"),
        ("product_name", "p1"): (None, None),  # products have no owner
    }
    group = next(g for g in report.top_issues if g.rule == "invoice_currency")
    assert (group.owner_id, group.team_id, group.issues) == ("u1", "t1", 1)


def test_owner_two_steps_away(world: World) -> None:
    _people(world)
    world.put("accounts", {"account_id": "a1", "owner_id": "u2"})
    world.put("invoices", {"invoice_id": "i1", "account_id": "a1"})
    world.ws.con.con.execute(
        "INSERT INTO invoice_lines (invoice_line_id, invoice_id, kind, currency, fx_rate, "
        "description, source, source_id, created_at, updated_at) VALUES "
        "('l1', 'i1', 'one_off', 'USD', 1, ' ', 'crm', 'l1', now(), now())"
    )
    report = world.run("rules:\n  text:\n    kind: blank\n    table: invoice_lines\n")
    [issue] = world.issues(report)
    assert (issue.owner_id, issue.team_id) == ("u2", "t2")


def _reference_scores(rows: list[dict[str, object]]) -> dict[tuple[str, object, str], list[int]]:
    """The scores computed the slow, obvious way (overall and per owner, all dimensions)."""
    records: dict[tuple[str, object, str], dict[tuple[object, object], bool]] = defaultdict(dict)
    for row in rows:
        record = (row["table_name"], row["record_id"])
        for key in (("overall", "all", "all"), ("owner", row["owner_id"], "all")):
            records[key][record] = records[key].get(record, False) or bool(row["failed"])
    return {key: [len(found), sum(found.values())] for key, found in records.items()}


_ROW = st.fixed_dictionaries(
    {
        "rule": st.sampled_from(["r1", "r2", "r3"]),
        "dimension": st.sampled_from(["validity", "completeness"]),
        "table_name": st.sampled_from(["accounts", "contacts"]),
        "record_id": st.sampled_from(["a", "b", "c", "d"]),
        "source": st.sampled_from(["crm", "billing"]),
        "owner_id": st.sampled_from(["u1", "u2", None]),
        "team_id": st.sampled_from(["t1", None]),
        "failed": st.booleans(),
    }
)
_CON = ibis.duckdb.connect()


@settings(max_examples=25, deadline=None)
@given(st.lists(_ROW, min_size=1, max_size=30))
def test_every_score_is_a_share_and_matches_a_reference(rows: list[dict[str, object]]) -> None:
    table = ibis.memtable({k: [r[k] for r in rows] for k in rows[0]}, schema=_SCHEMA)
    scores = _CON.to_pyarrow(score_rows(table)).to_pylist()
    for score in scores:
        assert 0 <= score["failed"] <= score["checked"]
        assert 0.0 <= score["score"] <= 1.0
    reference = _reference_scores(rows)
    found = {
        (s["scope_kind"], s["scope_value"], s["dimension"]): [s["checked"], s["failed"]]
        for s in scores
        if s["scope_kind"] in ("overall", "owner") and s["dimension"] == "all"
    }
    assert found == reference


_SCHEMA = ibis.schema(
    {
        "rule": "string",
        "dimension": "string",
        "table_name": "string",
        "record_id": "string",
        "source": "string",
        "owner_id": "string",
        "team_id": "string",
        "failed": "boolean",
    }
)
