"""The dashboard in a real browser: every page a role may open loads, draws its charts
with data and logs no error or CSP violation; filters change the numbers and travel in
the URL; the customer search narrows; CSV links download; German formatting shows."""

from __future__ import annotations

import contextlib
import csv
import json
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from live_server import DASHBOARD_PAGES, PASSWORD, Tab, Tabs
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from revhub.access import Role, may_use

PAGES = DASHBOARD_PAGES
RECORD_PAGES = {
    # a record page: (the list linking to it, the prefix of its links, its area)
    "account": ("/customers", "/customers/", "customers"),
    "deal": ("/pipeline", "/pipeline/deals/", "pipeline"),
}
ROLES = [
    Role.admin,
    Role.cro,
    Role.marketing_ops,
    Role.sales_manager,
    Role.sales_rep,
    Role.finance,
    Role.partner_ops,
    Role.cs_ops,
]
SCOPED = {Role.sales_rep, Role.sales_manager, Role.partner_ops}
NOT_FOR_YOUR_ROLE = "Not available for your role"
ALL_DRAWN = """() => Array.from(document.querySelectorAll('[data-chart]'))
    .every(e => e.hasAttribute('data-rendered'))"""
CHART_STATES = (
    """els => els.map(e => [e.getAttribute('data-chart'), e.getAttribute('data-rendered')])"""
)
FETCH_ALL_AT_ONCE = """paths => Promise.all(paths.map(path =>
    fetch(path, {headers: {"HX-Request": "true"}}).then(response => response.status)))"""
GERMAN_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?\s?[$€]|\d+,\d\s?%")
ENGLISH_NUMBER = re.compile(r"\$\d{1,3}(?:,\d{3})+|\d+\.\d%")


def _cases() -> list[Any]:
    cases = []
    for role in ROLES:
        for path, area in PAGES.items():
            if may_use(role, area):
                cases.append(pytest.param(role, path, id=f"{role}-{area}"))
        for label, (_, _, area) in RECORD_PAGES.items():
            if may_use(role, area):
                cases.append(pytest.param(role, label, id=f"{role}-{label}"))
    return cases


def record_path(tab: Tab, label: str) -> str:
    """The first record of its kind linked from its list page."""
    listing, prefix, _ = RECORD_PAGES[label]
    assert tab.open(listing) == 200, f"{listing} did not open for {tab.role}"
    links = tab.links(prefix)
    assert links, f"{listing} links to no {label} page ({prefix}...) for {tab.role}"
    return links[0]


def check_charts(tab: Tab) -> None:
    """Every chart is drawn with data; only a row-scoped role may instead be told that a
    chart is not for its role."""
    page, scoped = tab.page, tab.role in SCOPED
    with contextlib.suppress(PlaywrightTimeout):  # the states below say which were not drawn
        page.wait_for_function(ALL_DRAWN, timeout=15_000)
    states = page.eval_on_selector_all("[data-chart]", CHART_STATES)
    problems = [f"chart {c} is {s or 'not drawn'}" for c, s in states if s != "true"]
    for text in page.locator(".chart-card .unavailable").all_inner_texts():
        if not (scoped and text.startswith(NOT_FOR_YOUR_ROLE)):
            problems.append(f"chart unavailable: {text}")
    for card in page.locator(".chart-card:has(.empty) h2").all_inner_texts():
        problems.append(f"chart without data: {card}")
    assert not problems, f"{tab.path()} as {tab.role}:\n" + "\n".join(problems)


@pytest.mark.parametrize(("role", "page"), _cases())
def test_every_page_a_role_may_open_draws_its_charts_without_browser_errors(
    tabs: Tabs, role: Role, page: str
) -> None:
    tab = tabs.new(role)
    path = record_path(tab, page) if page in RECORD_PAGES else page
    assert tab.open(path) == 200, f"{path} as {role}: {tab.page.title()}"
    assert tab.path().startswith(path), f"{path} as {role} ended on {tab.path()}"
    check_charts(tab)
    tab.screenshot(PAGES.get(page, page))
    tab.expect_no_problems()


def chart_series(tab: Tab, chart: str) -> list[dict[str, Any]]:
    """The series of chart ``chart`` as the page hands them to app.js."""
    text = tab.page.text_content(f"script#chart-data-{chart}")
    assert text, f"{tab.path()} has no data block for chart {chart}"
    series: list[dict[str, Any]] = json.loads(text)["series"]
    return series


def test_a_filter_changes_the_numbers_and_its_url_shows_the_same_to_another_browser(
    tabs: Tabs,
) -> None:
    tab = tabs.new(Role.cro)
    tab.open("/revenue")
    everyone = chart_series(tab, "arr")
    with tab.page.expect_navigation():
        tab.page.select_option("form[data-filters] select[name=segment]", "enterprise")
    query = parse_qs(urlsplit(tab.page.url).query, keep_blank_values=True)
    assert query.get("segment") == ["enterprise"], tab.page.url
    assert all(values != [""] for values in query.values()), f"empty filters in {tab.page.url}"
    enterprise = chart_series(tab, "arr")
    assert enterprise != everyone
    assert tab.page.input_value("select[name=segment]") == "enterprise"
    check_charts(tab)
    tab.screenshot("revenue-enterprise")
    shared = tab.path()

    other = tabs.new()
    other.open(shared)
    assert urlsplit(other.page.url).path == "/login"
    other.page.fill("#username", Role.cro.value)
    other.page.fill("#password", PASSWORD)
    with other.page.expect_navigation():
        other.page.click("form[action='/login'] button[type=submit]")
    other.role = Role.cro
    assert other.path() == shared
    assert chart_series(other, "arr") == enterprise
    check_charts(other)
    tab.expect_no_problems()
    other.expect_no_problems()


def _account_names(tab: Tab) -> list[str]:
    return tab.page.locator("main a[href^='/customers/']").all_inner_texts()


def _wait_for(condition: Any, what: str, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except PlaywrightError:
            pass  # the page was being replaced; look again
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_the_customer_search_narrows_the_list_and_leads_to_an_account_timeline(
    tabs: Tabs,
) -> None:
    tab = tabs.new(Role.cro)
    tab.open("/customers")
    names = _account_names(tab)
    assert len(names) > 1, "the customer list shows fewer than two accounts"
    wanted = names[0].strip()
    search = tab.page.locator("main input[type=search], main input[name=q]").first
    search.fill(wanted)
    search.press("Enter")

    def narrowed() -> bool:
        shown = _account_names(tab)
        return 0 < len(shown) < len(names) and all(wanted.lower() in n.lower() for n in shown)

    _wait_for(narrowed, f"the list to narrow to accounts named {wanted!r}")
    tab.screenshot("customers-search")
    with tab.page.expect_navigation():
        tab.page.locator("main a[href^='/customers/']").first.click()
    assert tab.path().startswith("/customers/")
    events = tab.page.locator(
        "[id*=timeline] li, [id*=timeline] tbody tr, .timeline li, .timeline tbody tr"
    )
    _wait_for(lambda: events.count() > 0, "the account's timeline to show events")
    check_charts(tab)
    tab.screenshot("account-timeline")
    tab.expect_no_problems()


@pytest.mark.parametrize(
    ("path", "link"),
    [
        pytest.param("/revenue", "#card-arr a.csv", id="chart"),
        pytest.param("/", "#department-company a.csv", id="scorecard"),
        pytest.param("/customers", "main .table-card a.csv", id="table"),
    ],
)
def test_a_csv_link_downloads_a_file_with_a_header_row(
    tabs: Tabs, artifacts: Path, path: str, link: str
) -> None:
    tab = tabs.new(Role.cro)
    tab.open(path)
    with tab.page.expect_download() as started:
        tab.page.locator(link).first.click()
    download = started.value
    assert download.failure() is None
    saved = artifacts / f"download-{download.suggested_filename}"
    download.save_as(saved)
    assert saved.suffix == ".csv", download.suggested_filename
    with saved.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert len(rows) >= 2, f"{saved.name} has no data rows"
    header = rows[0]
    assert len(header) >= 2 and all(name.strip() for name in header), header
    assert all(len(row) == len(header) for row in rows), f"{saved.name} has ragged rows"
    tab.expect_no_problems()


def test_the_overview_in_german_writes_numbers_the_german_way(tabs: Tabs) -> None:
    english = tabs.new(Role.cro, locale="en-US")
    english.open("/")
    assert ENGLISH_NUMBER.search(english.page.inner_text("main"))

    asked = tabs.new(Role.cro, locale="en-US")
    asked.open("/?locale=de_DE")
    text = asked.page.inner_text("main")
    assert GERMAN_NUMBER.search(text), "no German-formatted number on the overview"
    assert not ENGLISH_NUMBER.search(text), ENGLISH_NUMBER.search(text)
    assert (asked.page.get_attribute("html", "lang") or "").startswith("de")
    nav = asked.page.eval_on_selector_all("nav[aria-label='Main'] a", "a => a.map(x => x.href)")
    assert nav and all("locale=de_DE" in href for href in nav), nav
    asked.screenshot("overview-de_DE")

    browser_german = tabs.new(Role.cro, locale="de-DE")
    browser_german.open("/")
    assert GERMAN_NUMBER.search(browser_german.page.inner_text("main"))
    for tab in (english, asked, browser_german):
        check_charts(tab)
        tab.expect_no_problems()


def test_pages_asked_for_at_the_same_time_all_load(tabs: Tabs) -> None:
    """As when a search box fires a request per keystroke while the form submits."""
    tab = tabs.new(Role.cro)
    tab.open("/customers")
    paths = [f"/customers?q={letter}" for letter in "aeiorstn"]
    paths += ["/?grain=quarter", "/pipeline", "/quality", "/customers?sort=name"]
    statuses = tab.page.evaluate(FETCH_ALL_AT_ONCE, paths)
    failed = {path: status for path, status in zip(paths, statuses, strict=True) if status != 200}
    assert not failed, f"pages failing when asked for at the same time: {failed}"
