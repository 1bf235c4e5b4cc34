"""Golden cases of the consistency and timeliness rules on a few hand-made rows."""

from __future__ import annotations

import datetime as dt

from quality_world import World


def _deal(opportunity_id: str, **columns: object) -> dict[str, object]:
    return {"opportunity_id": opportunity_id, "account_id": "a1", **columns}


def test_stage_against_closed_and_won_flags(world: World) -> None:
    world.put("accounts", {"account_id": "a1"})
    world.put(
        "opportunities",
        _deal("open_ok"),
        _deal("won_ok", stage="closed_won", is_closed=True, is_won=True),
        _deal("lost_ok", stage="closed_lost", is_closed=True, is_won=False),
        _deal("won_open", stage="closed_won", is_closed=False, is_won=True),
        _deal("lost_won", stage="closed_lost", is_closed=True, is_won=True),
        _deal("open_closed", stage="proposal", is_closed=True, is_won=False),
    )
    report = world.run("rules:\n  flags:\n    kind: stage_flags\n")
    assert {r for r, _ in world.failing(report)} == {"won_open", "lost_won", "open_closed"}
    message = {i.record_id: i.message for i in world.issues(report)}["won_open"]
    assert message == "stage 'closed_won' contradicts is_closed=false, is_won=true"


def test_close_date_before_created_date(world: World) -> None:
    world.put("accounts", {"account_id": "a1"})
    world.put(
        "opportunities",
        _deal("ok", created_date=dt.date(2026, 1, 1), close_date=dt.date(2026, 1, 1)),
        _deal("bad", created_date=dt.date(2026, 3, 1), close_date=dt.date(2026, 2, 1)),
    )
    report = world.run(
        "rules:\n  order:\n    kind: date_order\n    table: opportunities\n"
        "    earlier: created_date\n    later: close_date\n"
    )
    [issue] = world.issues(report)
    assert (issue.record_id, issue.field) == ("bad", "close_date")
    assert issue.message == "close_date 2026-02-01 is before created_date 2026-03-01"


def test_subscription_without_account(world: World) -> None:
    world.put("accounts", {"account_id": "a1"})
    world.put(
        "subscriptions",
        {"subscription_id": "ok", "account_id": "a1"},
        {"subscription_id": "dangling", "account_id": "gone"},
    )
    report = world.run(
        "rules:\n  parent:\n    kind: has_related\n    table: subscriptions\n"
        "    field: account_id\n"
    )
    [issue] = world.issues(report)
    assert issue.record_id == "dangling"
    assert issue.message == "has no accounts (account_id is gone)"


def test_invoice_currency_differs_from_subscription(world: World) -> None:
    world.put("accounts", {"account_id": "a1"})
    world.put("subscriptions", {"subscription_id": "s1", "account_id": "a1", "currency": "EUR"})
    world.put(
        "invoices",
        {"invoice_id": "same", "account_id": "a1", "subscription_id": "s1", "currency": "EUR"},
        {"invoice_id": "other", "account_id": "a1", "subscription_id": "s1", "currency": "USD"},
        {"invoice_id": "one_off", "account_id": "a1", "currency": "GBP"},
    )
    report = world.run(
        "rules:\n  currency:\n    kind: matches_related\n    table: invoices\n"
        "    field: currency\n    via: subscription_id\n"
    )
    [issue] = world.issues(report)
    assert issue.record_id == "other"
    assert issue.message == "currency 'USD' differs from subscriptions.currency 'EUR'"


def test_converted_lead_without_contact(world: World) -> None:
    world.put("contacts", {"contact_id": "c1"})
    world.put(
        "leads",
        {"lead_id": "ok", "is_converted": True, "converted_contact_id": "c1"},
        {"lead_id": "bad", "is_converted": True},
        {"lead_id": "open", "is_converted": False},
    )
    report = world.run(
        "rules:\n  converted:\n    kind: required_when\n    table: leads\n"
        "    fields: [converted_contact_id]\n    where: {is_converted: true}\n"
    )
    [issue] = world.issues(report)
    assert issue.record_id == "bad"
    assert issue.dimension == "consistency"
    assert issue.message == "converted_contact_id is missing although is_converted = true"
    assert report.rules[0].checked == 2


def test_open_deals_past_close_date_and_idle(world: World) -> None:
    world.put("accounts", {"account_id": "a1"})
    recent = dt.datetime(2026, 6, 20, 10, 0)
    old = dt.datetime(2026, 3, 1, 10, 0)
    world.put(
        "opportunities",
        _deal("fresh", close_date=dt.date(2026, 8, 1), last_activity_at=recent),
        _deal("overdue", close_date=dt.date(2026, 6, 30), last_activity_at=recent),
        _deal("idle", close_date=dt.date(2026, 8, 1), last_activity_at=old),
        _deal("never", close_date=dt.date(2026, 8, 1), created_date=dt.date(2026, 1, 5)),
        _deal("new", close_date=dt.date(2026, 8, 1), created_date=dt.date(2026, 6, 25)),
        _deal("closed", stage="closed_lost", is_closed=True, close_date=dt.date(2026, 1, 1)),
    )
    report = world.run(
        "rules:\n"
        "  past:\n    kind: overdue\n    table: opportunities\n    fields: [close_date]\n"
        "    where: {is_closed: false}\n"
        "  idle:\n    kind: idle\n    table: opportunities\n    fields: [last_activity_at]\n"
        "    fallback: created_date\n    days: 30\n    where: {is_closed: false}\n"
    )
    failing = {(i.rule, i.record_id) for i in world.issues(report)}
    assert failing == {("past", "overdue"), ("idle", "idle"), ("idle", "never")}
    messages = {i.record_id: i.message for i in world.issues(report)}
    assert messages["idle"] == "no activity since 2026-03-01 (30+ days before 2026-07-01)"
    assert messages["never"] == "no activity since 2026-01-05 (30+ days before 2026-07-01)"
    assert {r.rule: r.checked for r in report.rules} == {"past": 5, "idle": 5}


def test_stale_leads(world: World) -> None:
    world.put(
        "leads",
        {"lead_id": "stale", "status": "new", "updated_at": dt.datetime(2026, 5, 1)},
        {"lead_id": "fresh", "status": "working", "updated_at": dt.datetime(2026, 6, 28)},
        {"lead_id": "parked", "status": "nurturing", "updated_at": dt.datetime(2025, 1, 1)},
    )
    report = world.run(
        "rules:\n  stale:\n    kind: idle\n    table: leads\n    fields: [updated_at]\n"
        "    days: 30\n    where: {status: [new, working]}\n"
    )
    assert world.failing(report) == {("stale", "updated_at")}


def test_as_of_decides_timeliness(world: World) -> None:
    world.put("accounts", {"account_id": "a1"})
    world.put("opportunities", _deal("d1", close_date=dt.date(2026, 6, 1)))
    rules = (
        "rules:\n  past:\n    kind: overdue\n    table: opportunities\n    fields: [close_date]\n"
    )
    assert world.run(rules, as_of=dt.date(2026, 5, 1)).issue_count == 0
    assert world.run(rules, as_of=dt.date(2026, 7, 1)).issue_count == 1
