"""Forecasts and plans through the API, on the demo company with two stored runs (2026-06-01
and 2026-07-01, both forecasting Q3 2026): the numbers equal what the runs stored, rows
follow the caller's scope, parameter errors are 422 problems naming the parameter, and
exports are audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from served_app import Served

from revhub.access import Role
from revhub.appdb import recent

Q2, Q3 = "2026-04-01", "2026-07-01"


def sql(served: Served, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return served.ws.con.con.execute(query, params or []).fetchall()


def company(body: dict[str, Any], period: str) -> dict[str, Any]:
    rows = [t for t in body["totals"] if t["period_start"] == period and t["grouping"] == "company"]
    assert len(rows) == 1, rows
    return rows[0]


def test_the_latest_run_with_its_totals_and_the_calls(served: Served) -> None:
    body = served.client(Role.cro).get("/api/forecast").json()
    assert body["run"]["made_on"] == "2026-07-01" and body["scope"] == "all"
    assert body["runs"] == ["2026-07-01", "2026-06-01"]
    assert [p["period_start"] for p in body["periods"]] == [Q3, "2026-10-01"]
    stored = {
        (str(r.made_on)[:10], str(r.period_start)[:10]): (r.value, r.low, r.high)
        for r in served.ws.forecast.history().itertuples()
    }
    for period in (Q3, "2026-10-01"):
        row = company(body, period)
        want = stored[("2026-07-01", period)]
        assert (row["mean"], row["p10"], row["p90"]) == pytest.approx(want)
        assert row["closed"] + row["open"] + row["to_come"] == pytest.approx(row["mean"])
        assert row["p10"] <= row["mean"] <= row["p90"] and row["basis"] == "model"
    # the calls rolled up from the stored deals equal the calls the run stored
    calls = {(c["period_start"], c["manager_id"]): c for c in body["calls"]}
    for method, key in (("commit_call", "commit_call"), ("best_case_call", "best_case_call")):
        [(value,)] = sql(
            served,
            "SELECT value FROM forecast_snapshots WHERE made_on = '2026-07-01' "
            "AND period_start = ? AND method = ?",
            [Q3, method],
        )
        assert calls[(Q3, "all")][key] == pytest.approx(value)
    assert calls[(Q3, "all")]["manager"] == "Company" and len(calls) > 2


def test_groups_add_up_to_the_company(served: Served) -> None:
    body = served.client(Role.finance).get("/api/forecast", params={"made_on": "2026-06-01"}).json()
    for grouping in ("segment", "region"):
        rows = [t for t in body["totals"] if t["grouping"] == grouping and t["period_start"] == Q2]
        assert len(rows) > 1
        for part in ("closed", "open"):
            assert sum(r[part] for r in rows) == pytest.approx(company(body, Q2)[part])


def test_arr_at_each_period_end_by_team_segment_and_region(served: Served) -> None:
    body = served.client(Role.finance).get("/api/forecast").json()
    arr = [a for a in body["arr"] if a["period_start"] == Q3]
    [whole] = [a for a in arr if a["grouping"] == "company"]
    [(stored,)] = sql(
        served,
        "SELECT value FROM forecast_snapshots WHERE metric = 'arr' AND made_on = '2026-07-01' "
        "AND period_start = ? AND team_id IS NULL AND segment IS NULL AND region IS NULL",
        [Q3],
    )
    assert whole["mean"] == pytest.approx(stored)
    assert whole["p10"] <= whole["mean"] <= whole["p90"]
    for grouping in ("team_id", "segment", "region"):
        rows = [a for a in arr if a["grouping"] == grouping]
        assert len(rows) > 1, grouping
        assert sum(r["mean"] for r in rows) == pytest.approx(whole["mean"], rel=0.02)
    assert all(r["name"] != r["member"] for r in arr if r["grouping"] == "team_id")
    manager = served.client(Role.sales_manager).get("/api/forecast").json()["arr"]
    assert manager and {a["grouping"] for a in manager} == {"team_id"}
    assert served.client(Role.sales_rep).get("/api/forecast").json()["arr"] == []


def test_the_stored_target_stands_beside_the_forecast(served: Served) -> None:
    body = served.client(Role.cro).get("/api/forecast", params={"made_on": "2026-06-01"}).json()
    [(target,)] = sql(
        served,
        "SELECT value FROM targets WHERE metric = 'new_bookings' AND period_grain = 'quarter' "
        "AND period_start = ? AND team_id IS NULL AND segment IS NULL AND region IS NULL",
        [Q2],
    )
    assert company(body, Q2)["target"] == pytest.approx(target)
    assert company(body, Q3)["target"] is None  # the demo stores targets up to its as-of day
    smb = next(
        t for t in body["totals"] if t["grouping"] == "segment" and t["member"] == "smb"
        and t["period_start"] == Q2
    )  # fmt: skip
    assert smb["target"] is not None and smb["target"] < company(body, Q2)["target"]


def expected_of(served: Served, owners: set[str], made_on: str, period: str) -> float:
    rows = sql(
        served,
        "SELECT owner_id, sum(expected) FROM forecast_deal_snapshots WHERE made_on = ? "
        "AND period_start = ? GROUP BY owner_id",
        [made_on, period],
    )
    return sum(float(total) for owner, total in rows if owner in owners)


def test_a_rep_sees_only_their_own_deals_and_totals(served: Served) -> None:
    rep = served.crm_users[Role.sales_rep]
    assert rep
    client = served.client(Role.sales_rep)
    body = client.get("/api/forecast").json()
    assert body["scope"] == "owner"
    assert {t["grouping"] for t in body["totals"]} == {"yours"}
    mine = body["totals"][0]
    assert mine["basis"] == "deals" and mine["p10"] is None and mine["to_come"] is None
    assert mine["mean"] == pytest.approx(expected_of(served, {rep}, "2026-07-01", Q3))
    assert {c["manager_id"] for c in body["calls"]} == {"all"}
    deals = client.get("/api/forecast/deals", params={"page_size": 500}).json()
    assert deals["total"] > 0 and {d["owner_id"] for d in deals["items"]} == {rep}
    history = client.get("/api/forecast/history").json()["runs"]
    assert [r["value"] for r in history] == pytest.approx(
        [expected_of(served, {rep}, day, Q3) for day in ("2026-06-01", "2026-07-01")]
    )
    assert all(r["low"] is None for r in history)


def test_a_manager_sees_their_teams_deals_and_the_model_for_their_teams(served: Served) -> None:
    client = served.client(Role.sales_manager)
    scope = served.hub.scope_of(0, Role.sales_manager, served.crm_users[Role.sales_manager])
    deals = client.get("/api/forecast/deals", params={"page_size": 500}).json()
    owners = {d["owner_id"] for d in deals["items"]}
    assert owners and owners <= scope.user_ids and len(owners) > 1
    body = client.get("/api/forecast").json()
    yours = next(t for t in body["totals"] if t["grouping"] == "yours" and t["period_start"] == Q3)
    assert yours["mean"] == pytest.approx(
        expected_of(served, set(scope.user_ids), "2026-07-01", Q3)
    )
    teams = [t for t in body["totals"] if t["grouping"] == "team_id"]
    assert teams and all(t["basis"] == "model" and t["p90"] is not None for t in teams)
    everyone = served.client(Role.cro).get("/api/forecast").json()
    assert yours["mean"] < company(everyone, Q3)["mean"]


def test_history_of_a_period_and_its_actual_once_ended(served: Served) -> None:
    client = served.client(Role.revenue_analyst)
    q3 = client.get("/api/forecast/history").json()
    assert q3["period_start"] == Q3 and q3["actual"] is None
    assert [r["made_on"] for r in q3["runs"]] == ["2026-06-01", "2026-07-01"]
    assert all(r["low"] <= r["value"] <= r["high"] for r in q3["runs"])
    q2 = client.get("/api/forecast/history", params={"period_start": Q2}).json()
    actual = served.ws.metrics.compute(
        "new_bookings", grain="quarter", start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 30)
    )
    assert q2["actual"] == pytest.approx(float(actual.value.iloc[-1]))
    missing = client.get("/api/forecast/history", params={"period_start": "1999-01-01"})
    assert missing.status_code == 404


def test_deals_sort_by_risk_page_and_export_as_audited_csv(served: Served) -> None:
    client = served.client(Role.revops_manager)
    first = client.get("/api/forecast/deals", params={"page_size": 5}).json()
    second = client.get("/api/forecast/deals", params={"page_size": 5, "page": 2}).json()
    risks = [d["at_risk"] for d in first["items"] + second["items"]]
    assert risks == sorted(risks, reverse=True) and risks[0] > 0
    top = first["items"][0]
    assert top["forecast_category"] in ("commit", "best_case") and top["reasons"]
    assert top["at_risk"] == pytest.approx(top["amount"] * (1 - top["p_period"]))
    response = client.get("/api/forecast/deals", params={"format": "csv", "page_size": 10})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 10 and "%)" in rows[0]["reasons"]
    assert any(e.target == "forecast_deals" for e in recent(served.hub.database, action="export"))
    wrong = client.get("/api/forecast/deals", params={"period_start": "2026-07-02"})
    assert wrong.status_code == 404 and "2026-10-01" in wrong.json()["detail"]


def test_the_movement_waterfall_adds_up(served: Served) -> None:
    runs = {"earlier": "2026-06-01", "later": "2026-07-01"}
    company_move = served.client(Role.cro).get("/api/forecast/movement", params=runs).json()
    assert company_move["period_start"] == Q3
    change = sum(s["change"] for s in company_move["steps"])
    assert change == pytest.approx(company_move["later_total"] - company_move["earlier_total"])
    rep = served.client(Role.sales_rep).get("/api/forecast/movement", params=runs).json()
    assert rep["basis"] == "deals" and "pipeline to come" not in {s["step"] for s in rep["steps"]}
    assert sum(s["change"] for s in rep["steps"]) == pytest.approx(
        rep["later_total"] - rep["earlier_total"]
    )
    backwards = {"earlier": "2026-07-01", "later": "2026-06-01"}
    refused = served.client(Role.cro).get("/api/forecast/movement", params=backwards)
    assert refused.status_code == 422


def test_the_plan_works_back_from_the_target(served: Served) -> None:
    body = served.client(Role.marketing_ops).get(
        "/api/plan", params={"target": "2,000,000", "periods": 2}
    )
    assert body.status_code == 200
    plan = body.json()
    assert plan["periods"] == [Q3, "2026-10-01"]
    booked = [r for r in plan["funnel"] if r["stage"] == "bookings"]
    for period in plan["periods"]:
        total = sum(r["required"] for r in booked if r["period"] == period)
        assert total == pytest.approx(2_000_000)
    assert plan["budget"] and plan["capacity"] and plan["recommendation"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"target": "lots"}, "query.target"),
        ({"target": '{"2026-Q9": 5}'}, "query.target"),
        ({}, "query.target"),  # no stored target for the planned quarters
        ({"target": "1000000", "scenario": "win_rate=2"}, "query.scenario"),
        ({"target": "1000000", "scenario": "discounts=+1pt"}, "query.scenario"),
    ],
)
def test_a_plan_parameter_that_cannot_be_used_is_a_422_naming_it(
    served: Served, params: dict[str, str], field: str
) -> None:
    response = served.client(Role.cro).get("/api/plan", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert [e["field"] for e in problem["errors"]] == [field]
    assert problem["detail"].startswith(field.split(".")[1] + ":")


def test_no_stored_run_of_a_grain_is_a_404_saying_how_to_make_one(served: Served) -> None:
    response = served.client(Role.cro).get("/api/forecast", params={"grain": "month"})
    assert response.status_code == 404
    assert "revhub forecast run" in response.json()["detail"]


def test_revops_stores_a_new_run_and_the_change_is_audited(served: Served) -> None:
    client = served.client(Role.revops_manager)
    body = {"as_of": "2026-06-15", "draws": 300}
    response = client.post("/api/forecast/runs", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["made_on"] == "2026-06-15" and response.json()["draws"] == 300
    listed = client.get("/api/forecast").json()["runs"]
    assert listed == ["2026-07-01", "2026-06-15", "2026-06-01"]
    assert any(e.target == "2026-06-15" for e in recent(served.hub.database, action="forecast_run"))
    later = client.post("/api/forecast/runs", json={"as_of": "2099-01-01"})
    assert later.status_code == 422 and "the data runs to" in later.json()["detail"]
    early = client.post("/api/forecast/runs", json={"as_of": "0001-01-01"})
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "body.as_of"
    assert (
        served.client(Role.sales_manager).post("/api/forecast/runs", json=body).status_code == 403
    )
