"""Metrics, accounts and deals through the API: the numbers equal the Python API's, rows
follow the caller's scope, lists page and export as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from served_app import Served

from revhub.access import Role
from revhub.appdb import recent


def values_of(rows: list[dict], dimension: str | None = None) -> dict:  # type: ignore[type-arg]
    return {(r["period"], r.get(dimension) if dimension else None): r["value"] for r in rows}


@pytest.mark.parametrize(("metric", "by"), [("arr", None), ("new_mrr", "segment")])
def test_stored_values_equal_the_python_api(served: Served, metric: str, by: str | None) -> None:
    response = served.client(Role.cro).get(
        f"/api/metrics/{metric}/values", params={"by": by} if by else {}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "stored"
    expected = served.ws.metrics.compute(metric, by=[by] if by else [])
    assert len(body["rows"]) == len(expected)
    want = {
        (str(row.period)[:10], getattr(row, by) if by else None): row.value
        for row in expected.itertuples()
    }
    got = values_of(body["rows"], by)
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert got[key] == pytest.approx(value, nan_ok=True)


def test_filtered_values_are_computed_and_equal_the_python_api(served: Served) -> None:
    response = served.client(Role.cro).get(
        "/api/metrics/win_rate/values",
        params={"grain": "quarter", "where": "segment:enterprise,mid_market"},
    )
    body = response.json()
    assert body["source"] == "computed"
    expected = served.ws.metrics.compute(
        "win_rate", grain="quarter", where={"segment": ["enterprise", "mid_market"]}
    )
    assert [r["value"] for r in body["rows"]] == pytest.approx(list(expected.value), nan_ok=True)


def crm_name(served: Served, user_id: str) -> str:
    row = served.ws.con.con.execute("SELECT name FROM users WHERE user_id = ?", [user_id])
    return str(row.fetchone()[0])  # type: ignore[index]


def test_a_rep_sees_their_own_numbers(served: Served) -> None:
    rep = served.crm_users[Role.sales_rep]
    assert rep
    body = served.client(Role.sales_rep).get("/api/metrics/new_bookings/values").json()
    expected = served.ws.metrics.compute("new_bookings", where={"owner": crm_name(served, rep)})
    assert [r["value"] for r in body["rows"]] == pytest.approx(list(expected.value), nan_ok=True)
    company = served.ws.metrics.compute("new_bookings")
    assert sum(company.value) > sum(expected.value)


def test_a_rep_sees_only_their_own_deals_and_not_anothers_by_url(served: Served) -> None:
    rep = served.crm_users[Role.sales_rep]
    client = served.client(Role.sales_rep)
    mine = client.get("/api/deals", params={"page_size": 500}).json()
    assert mine["total"] > 0
    assert {d["owner_id"] for d in mine["items"]} == {rep}
    other = served.ws.con.con.execute(
        "SELECT opportunity_id FROM opportunities WHERE owner_id <> ? LIMIT 1", [rep]
    ).fetchone()[0]  # type: ignore[index]
    assert client.get(f"/api/deals/{other}").status_code == 404
    assert served.client(Role.cro).get(f"/api/deals/{other}").status_code == 200
    own = mine["items"][0]["opportunity_id"]
    assert client.get(f"/api/deals/{own}").status_code == 200


def test_a_manager_sees_their_reps_deals(served: Served) -> None:
    manager = served.crm_users[Role.sales_manager]
    reps = {
        r[0]
        for r in served.ws.con.con.execute(
            "SELECT user_id FROM users WHERE manager_id = ?", [manager]
        ).fetchall()
    }
    deals = served.client(Role.sales_manager).get("/api/deals", params={"page_size": 500}).json()
    owners = {d["owner_id"] for d in deals["items"]}
    assert owners and owners <= reps | {manager}
    assert len(owners) > 1


def test_accounts_page_and_search(served: Served) -> None:
    client = served.client(Role.revenue_analyst)
    first = client.get("/api/accounts", params={"page_size": 20}).json()
    second = client.get("/api/accounts", params={"page_size": 20, "page": 2}).json()
    assert first["total"] == second["total"] > 40
    assert first["pages"] == -(-first["total"] // 20)
    ids = [a["account_id"] for a in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 40
    name = first["items"][0]["name"]
    found = client.get("/api/accounts", params={"q": name[:6]}).json()
    assert name in {a["name"] for a in found["items"]}


def test_account_detail_and_timeline(served: Served) -> None:
    client = served.client(Role.finance)
    account = client.get("/api/accounts", params={"sort": "-arr"}).json()["items"][0]
    detail = client.get(f"/api/accounts/{account['account_id']}")
    assert detail.status_code == 200
    timeline = client.get(f"/api/accounts/{account['account_id']}/timeline").json()
    times = [event["at"] for event in timeline]
    assert times == sorted(times, reverse=True) or times == sorted(times)
    kinds = {event["kind"] for event in timeline}
    assert {"sales", "billing"} <= kinds
    rep_view = served.client(Role.marketing_ops).get(
        f"/api/accounts/{account['account_id']}/timeline"
    )
    assert "billing" not in {event["kind"] for event in rep_view.json()}


def test_lists_export_as_csv_and_the_export_is_audited(served: Served) -> None:
    response = served.client(Role.revops_manager).get(
        "/api/deals", params={"status": "open", "format": "csv", "page_size": 10}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 10 and "opportunity_id" in rows[0]
    exports = recent(served.hub.database, action="export")
    assert any(e.target == "deals" for e in exports)


def test_admin_sees_users_and_the_audit_log(served: Served) -> None:
    client = served.client(Role.admin)
    users = client.get("/api/users").json()
    assert {u["role"] for u in users} == {r.value for r in Role}
    assert client.get("/api/audit").status_code == 200
