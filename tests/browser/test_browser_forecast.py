"""The Forecast & Plan page in a real browser, beyond what every page gets (charts drawn
with data, no console error or CSP violation: test_browser_pages): picking another run
and period redraws the page from the URL, and a sales rep's at-risk deals are their own
and download as CSV."""

from __future__ import annotations

import contextlib
import csv
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from live_server import LiveServer, Tab, Tabs
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from revhub.access import Role

DRAWN = """() => Array.from(document.querySelectorAll('[data-chart]'))
    .every(e => e.getAttribute('data-rendered') === 'true')"""


def wait_until_drawn(tab: Tab) -> None:
    with contextlib.suppress(PlaywrightTimeout):  # the assertion says which were not
        tab.page.wait_for_function(DRAWN, timeout=15_000)
    states = tab.page.eval_on_selector_all(
        "[data-chart]", "els => els.map(e => e.getAttribute('data-rendered'))"
    )
    assert states and all(s == "true" for s in states), states


def test_picking_a_run_and_a_period_redraws_from_the_url(tabs: Tabs) -> None:
    tab = tabs.new(Role.cro)
    assert tab.open("/forecast") == 200
    wait_until_drawn(tab)
    with tab.page.expect_navigation():
        tab.page.select_option("form[data-filters] select[name=made_on]", "2026-06-01")
    query = parse_qs(urlsplit(tab.page.url).query)
    assert query.get("made_on") == ["2026-06-01"] and "target" not in query, tab.page.url
    with tab.page.expect_navigation():
        tab.page.select_option("form[data-filters] select[name=period]", "2026-04-01")
    assert parse_qs(urlsplit(tab.page.url).query).get("period") == ["2026-04-01"]
    wait_until_drawn(tab)
    assert "Q2 2026" in tab.page.inner_text("#card-forecast-history h2")
    tab.screenshot("forecast-earlier-run")
    tab.expect_no_problems()


def test_a_sales_rep_sees_their_own_deals_at_risk_and_downloads_them(
    tabs: Tabs, live: LiveServer, artifacts: Path
) -> None:
    tab = tabs.new(Role.sales_rep)
    assert tab.open("/forecast") == 200
    wait_until_drawn(tab)
    linked = {href.rsplit("/", 1)[-1] for href in tab.links("/pipeline/deals/")}
    assert linked and linked <= live.rep_deals, sorted(linked - live.rep_deals)
    with tab.page.expect_download() as started:
        tab.page.locator("#table-at-risk a.csv").click()
    saved = artifacts / f"download-rep-{started.value.suggested_filename}"
    started.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert rows and {row["owner_id"] for row in rows} == {live.crm_users[Role.sales_rep]}
    tab.expect_no_problems()
