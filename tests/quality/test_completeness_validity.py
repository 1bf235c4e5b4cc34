"""Golden cases of the completeness and validity rules on a few hand-made rows."""

from __future__ import annotations

import datetime as dt

from quality_world import World


def test_required_fields_missing_or_blank(world: World) -> None:
    world.put(
        "accounts",
        {"account_id": "ok", "owner_id": "u1"},
        {"account_id": "no_domain", "domain": None, "owner_id": "u1"},
        {"account_id": "blank_country", "country": "  ", "owner_id": "u1"},
        {"account_id": "no_owner"},
    )
    report = world.run(
        "rules:\n  need:\n    kind: required\n    table: accounts\n"
        "    fields: [domain, country, owner_id]\n"
    )
    assert world.failing(report) == {
        ("no_domain", "domain"),
        ("blank_country", "country"),
        ("no_owner", "owner_id"),
    }
    messages = {i.record_id: i.message for i in world.issues(report)}
    assert messages["no_domain"] == "domain is missing"
    assert report.rules[0].checked == 4 and report.rules[0].failed == 3


def test_required_with_where_checks_only_matching_records(world: World) -> None:
    world.put(
        "accounts",
        {"account_id": "customer", "lifecycle_stage": "customer"},
        {"account_id": "prospect", "lifecycle_stage": "lead"},
    )
    report = world.run(
        "rules:\n  csm:\n    kind: required\n    table: accounts\n    fields: [csm_id]\n"
        "    where: {lifecycle_stage: customer}\n"
    )
    assert world.failing(report) == {("customer", "csm_id")}
    assert report.rules[0].checked == 1


def test_email_syntax(world: World) -> None:
    good = ["jo@acme.com", "a.b+tag@mail.example.co.uk"]
    bad = ["jo@@acme.com", "jo@acme", "n/a", "jo at acme.com", "@acme.com"]
    world.put(
        "contacts",
        *({"contact_id": f"c{n}", "email": e} for n, e in enumerate(good + bad)),
        {"contact_id": "none", "email": None},
    )
    report = world.run("rules:\n  mail:\n    kind: email\n    table: contacts\n")
    failing = {record for record, _ in world.failing(report)}
    assert failing == {f"c{n}" for n in range(len(good), len(good) + len(bad))}
    assert "email 'jo@@acme.com' is not a valid email address" in {
        i.message for i in world.issues(report)
    }


def test_country_and_currency_codes(world: World) -> None:
    world.put(
        "accounts",
        {"account_id": "de", "country": "DE"},
        {"account_id": "name", "country": "Deutschland"},
        {"account_id": "lower", "country": "de"},
        {"account_id": "uk", "country": "UK"},
        {"account_id": "xk", "country": "XK"},
    )
    world.put(
        "subscriptions",
        {"subscription_id": "s1", "account_id": "de", "currency": "EUR"},
        {"subscription_id": "s2", "account_id": "de", "currency": "EURO"},
    )
    report = world.run(
        "rules:\n"
        "  country:\n    kind: country_code\n    table: accounts\n    also_allow: [XK]\n"
        "  currency:\n    kind: currency_code\n    table: subscriptions\n"
    )
    assert world.failing(report) == {
        ("name", "country"),
        ("lower", "country"),
        ("uk", "country"),
        ("s2", "currency"),
    }


def test_phone_digits(world: World) -> None:
    good = ["+1 (415) 555-0100", "+44 20 7946 0958", "4155550100"]
    bad = ["000-000-0000", "call me", "n/a", "0", "1234567", "-", "+1234567890123456"]
    world.put("leads", *({"lead_id": f"l{n}", "phone": p} for n, p in enumerate(good + bad)))
    report = world.run("rules:\n  phone:\n    kind: phone\n    table: leads\n")
    failing = {record for record, _ in world.failing(report)}
    assert failing == {f"l{n}" for n in range(len(good), len(good) + len(bad))}


def test_bare_domain(world: World) -> None:
    values = {
        "ok": "acme.com",
        "sub": "shop.acme.co.uk",
        "url": "https://acme.com/",
        "www": "www.acme.com",
        "http": "http://www.acme.com",
        "space": "acme .com",
    }
    world.put("accounts", *({"account_id": k, "domain": v} for k, v in values.items()))
    report = world.run("rules:\n  domain:\n    kind: domain\n    table: accounts\n")
    assert {r for r, _ in world.failing(report)} == {"url", "www", "http", "space"}


def test_dates_in_a_sane_range(world: World) -> None:
    world.put("accounts", {"account_id": "a1"})
    world.put(
        "opportunities",
        {"opportunity_id": "ok", "account_id": "a1"},
        {"opportunity_id": "old", "account_id": "a1", "created_date": dt.date(1999, 12, 31)},
        {"opportunity_id": "far", "account_id": "a1", "close_date": dt.date(2031, 7, 2)},
        {"opportunity_id": "edge", "account_id": "a1", "close_date": dt.date(2031, 7, 1)},
        {
            "opportunity_id": "ts",
            "account_id": "a1",
            "last_activity_at": dt.datetime(1990, 1, 1, 12, 0),
        },
    )
    report = world.run(
        "rules:\n  dates:\n    kind: date_range\n    table: opportunities\n"
        "    fields: [created_date, close_date, last_activity_at]\n"
    )
    assert world.failing(report) == {
        ("old", "created_date"),
        ("far", "close_date"),
        ("ts", "last_activity_at"),
    }
    far = next(i for i in world.issues(report) if i.record_id == "far")
    assert far.message == "close_date 2031-07-02 is outside 2000-01-01 to 2031-07-01"


def test_placeholder_blank_and_pattern(world: World) -> None:
    world.put(
        "contacts",
        {"contact_id": "ok", "first_name": "Ada", "last_name": "Lovelace", "title": "CTO"},
        {"contact_id": "test", "first_name": " TEST ", "last_name": "Lovelace"},
        {"contact_id": "blank", "first_name": "Ada", "title": ""},
        {"contact_id": "badtitle", "title": "cto!"},
    )
    report = world.run(
        "rules:\n"
        "  fake:\n    kind: placeholder\n    table: contacts\n    fields: [first_name]\n"
        "  empty:\n    kind: blank\n    table: contacts\n"
        "  title:\n    kind: pattern\n    table: contacts\n    fields: [title]\n"
        "    regex: '^[A-Za-z ]+$'\n"
    )
    assert world.failing(report) == {
        ("test", "first_name"),
        ("blank", "title"),
        ("badtitle", "title"),
    }
    by_rule = {i.rule: i for i in world.issues(report)}
    assert by_rule["empty"].message == "title is blank text"
    assert by_rule["fake"].message == "first_name ' TEST ' is a placeholder, not a real value"
