"""The Forecast & Plan page, served by the real app on the demo company with two stored
runs: who may open it and which parts each role sees, that every chart has data and a
CSV download, that a sales rep's at-risk deals are their own, and the empty state."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_site import Site, serve_site

import revhub
from revhub.access import Role, may_use

CHART_BLOCK = re.compile(
    r'<script type="application/json" id="chart-data-([\w-]+)">(.*?)</script>', re.S
)
FORECAST_CHARTS = {"forecast-target", "forecast-history", "forecast-movement", "forecast-calls"}
PLAN_CHARTS = {"plan-funnel", "plan-actual", "plan-capacity", "plan-budget"}


@pytest.fixture(scope="module")
def site(hub_workspace_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The dashboard on a copy of the demo company, a user per role."""
    yield from serve_site(hub_workspace_dir, tmp_path_factory)


def charts_of(html: str) -> dict[str, dict[str, Any]]:
    return {name: json.loads(spec) for name, spec in CHART_BLOCK.findall(html)}


@pytest.mark.parametrize("role", list(Role))
def test_the_page_opens_for_who_may_forecast_or_plan(site: Site, role: Role) -> None:
    response = site.client(role).get("/forecast")
    if not may_use(role, "planning"):
        assert response.status_code == 403 and "may not use" in response.text
        return
    assert response.status_code == 200, response.text[:500]
    html = response.text
    assert ('id="forecast"' in html) == may_use(role, "forecast")
    assert ('id="plan"' in html) == may_use(role, "plan")
    drawn = set(charts_of(html))
    assert (drawn >= FORECAST_CHARTS) == may_use(role, "forecast")
    assert (drawn >= PLAN_CHARTS) == may_use(role, "plan")
    nav = html.split("<main", 1)[0]
    assert 'href="/forecast' in nav


def test_every_chart_has_data_and_runs_no_inline_code(site: Site) -> None:
    html = site.client(Role.cro).get("/forecast").text
    assert not re.search(r"<[^>]+\sstyle=|<style|<[^>]+\son\w+=", html)
    charts = charts_of(html)
    assert set(charts) == FORECAST_CHARTS | PLAN_CHARTS | {"forecast-accuracy", "forecast-arr"}
    for name, spec in charts.items():
        assert any(v is not None for s in spec["series"] for v in s["values"]), name
    target = charts["forecast-target"]
    assert {s.get("band") for s in target["series"]} >= {"low", "high"}
    assert [s["name"] for s in target["series"]][:3] == [
        "Closed",
        "Open pipeline",
        "Pipeline to come",
    ]
    arr = charts["forecast-arr"]
    assert {s.get("band") for s in arr["series"]} >= {"low", "high"}
    assert arr["series"][0]["name"] == "ARR forecast"
    movement = charts["forecast-movement"]
    assert movement["opening_total"] and movement["categories"][0] == "Jun 1, 2026"
    values = movement["series"][0]["values"]
    assert sum(values[1:-1]) == pytest.approx(values[-1] - values[0])


def test_every_chart_and_table_downloads_as_csv(site: Site) -> None:
    client = site.client(Role.admin)
    html = client.get("/forecast").text
    cards = html.count('class="card chart-card') + html.count('class="card table-card"')
    links = re.findall(r'<a class="csv" href="([^"]+)" download>Download CSV</a>', html)
    assert len(links) == cards >= 12
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        assert response.headers["content-type"].startswith("text/csv"), link
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert rows, f"{link} downloads no rows"


def test_a_sales_rep_sees_their_own_deals_at_risk_and_no_plan(site: Site) -> None:
    rep = site.crm_users[Role.sales_rep]
    html = site.client(Role.sales_rep).get("/forecast").text
    assert 'id="plan"' not in html and "Your deals" in html
    linked = set(re.findall(r'href="/pipeline/deals/([\w-]+)"', html))
    assert linked
    owners = {
        row[0]
        for row in site.ws.con.con.execute(
            "SELECT DISTINCT owner_id FROM opportunities WHERE opportunity_id IN "
            f"({', '.join('?' * len(linked))})",
            sorted(linked),
        ).fetchall()
    }
    assert owners == {rep}
    assert "forecast-arr" not in charts_of(html)  # a rep's book is not an ARR forecast
    accuracy = html.split('id="card-forecast-accuracy"', 1)[1].split("</figure>", 1)[0]
    assert "Not available for your role" in accuracy


def test_finance_sees_deals_without_links_to_the_pipeline(site: Site) -> None:
    html = site.client(Role.finance).get("/forecast").text
    risk = html.split('id="table-at-risk"', 1)[1].split("</section>", 1)[0]
    assert "<tbody>" in risk and "/pipeline/deals/" not in risk


def test_the_plan_without_a_stored_target_holds_the_latest_flat_and_says_so(site: Site) -> None:
    client = site.client(Role.marketing_ops)
    html = client.get("/forecast").text
    assert "holds the latest stored one" in html
    chosen = client.get("/forecast", params={"target": "2500000"}).text
    assert "holds the latest stored one" not in chosen and 'value="2500000"' in chosen
    refused = client.get("/forecast", params={"target": "lots"})
    assert refused.status_code == 400 and "neither a number" in refused.text


def test_choosing_the_earlier_run_and_period(site: Site) -> None:
    html = site.client(Role.cro).get("/forecast?made_on=2026-06-01&period=2026-04-01").text
    assert "as of Jun 1, 2026" in html
    history = charts_of(html)["forecast-history"]
    assert "Q2 2026" in history["title"]
    assert "Actual" in {s["name"] for s in history["series"]}


@pytest.fixture(scope="module")
def no_runs(hub_workspace_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo company without any stored forecast."""
    root = tmp_path_factory.mktemp("no-runs")
    shutil.copytree(hub_workspace_dir, root / "template")
    with revhub.open(root / "template") as ws:
        for table in ("forecast_runs", "forecast_snapshots", "forecast_deal_snapshots"):
            ws.con.con.execute(f"DELETE FROM {table}")
    yield from serve_site(root / "template", tmp_path_factory)


def test_without_a_stored_run_the_page_says_how_to_make_one(no_runs: Site) -> None:
    response = no_runs.client(Role.sales_manager).get("/forecast")
    assert response.status_code == 200
    assert "No forecast stored yet: run <code>revhub forecast run</code>" in response.text
    assert not set(charts_of(response.text)) & FORECAST_CHARTS
