"""The dashboard pages, served by the real app on the demo company: who may open what,
signing in and out, the content security policy, filters, locales and CSV downloads."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from web_site import PASSWORD, Site, login_token, serve_site

from revhub.access import Role, may_use

PAGES = {
    "/": "overview",
    "/revenue": "revenue",
    "/funnel": "funnel",
    "/pipeline": "pipeline",
    "/marketing": "marketing",
    "/customers": "customers",
    "/quality": "quality",
}
METRIC_PAGES = ["/", "/revenue", "/funnel", "/pipeline", "/marketing"]


@pytest.fixture(scope="module")
def site(hub_workspace_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The dashboard on a copy of the demo company, a user per role."""
    yield from serve_site(hub_workspace_dir, tmp_path_factory)


class PageParts(HTMLParser):
    """What a rendered page holds: scripts, inline styles and handlers, JSON blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.json_blocks: dict[str, Any] = {}
        self.links: list[str] = []
        self._json_id: str | None = None
        self._script_has_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, _ in attrs:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            if values.get("type") == "application/json":
                self._json_id = values.get("id") or "?"
            elif not values.get("src"):
                self._script_has_code = True
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))

    def handle_data(self, data: str) -> None:
        if self._json_id is not None:
            self.json_blocks[self._json_id] = json.loads(data)
            self._json_id = None
        elif self._script_has_code and data.strip():
            self.problems.append(f"inline script: {data.strip()[:40]}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_has_code = False


def parts(html: str) -> PageParts:
    parser = PageParts()
    parser.feed(html)
    return parser


def chart(html: str, chart_id: str) -> dict[str, Any]:
    spec: dict[str, Any] = parts(html).json_blocks[f"chart-data-{chart_id}"]
    return spec


# -- who may open what -------------------------------------------------------------------
@pytest.mark.parametrize("role", list(Role))
def test_every_page_opens_for_the_roles_that_may_see_it(site: Site, role: Role) -> None:
    client = site.client(role)
    for path, area in PAGES.items():
        response = client.get(path, follow_redirects=False)
        expected = 200 if may_use(role, area) else 403
        assert response.status_code == expected, (role, path, response.text[:300])
        if expected == 403:
            assert "may not use" in response.text
            assert 'action="/logout"' in response.text  # the navigation is still there


def test_the_navigation_shows_only_what_the_role_may_open(site: Site) -> None:
    html = site.client(Role.sales_rep).get("/pipeline").text
    nav = html.split("<main", 1)[0]
    assert 'href="/pipeline' in nav and 'href="/customers' in nav
    assert 'href="/revenue' not in nav and 'href="/quality' not in nav
    assert "sales rep" in nav and "sales_rep" in nav  # role chip and user name


def test_an_unsigned_visitor_is_sent_to_the_login_with_the_page_to_return_to(
    site: Site,
) -> None:
    response = site.anonymous().get("/pipeline?segment=smb", follow_redirects=False)
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/pipeline?segment=smb"]


# -- signing in and out ------------------------------------------------------------------
def test_signing_in_returns_to_the_page_asked_for(site: Site) -> None:
    client = site.anonymous()
    response = client.post(
        "/login",
        data={"username": "finance", "password": PASSWORD, "next": "/revenue?grain=quarter",
              "login_csrf": login_token(client)},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == "/revenue?grain=quarter"
    assert client.get("/revenue?grain=quarter").status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_signing_in_never_sends_to_another_site(site: Site, target: str) -> None:
    client = site.anonymous()
    response = client.post(
        "/login",
        data={"username": "cro", "password": PASSWORD, "next": target,
              "login_csrf": login_token(client)},
        follow_redirects=False,
    )  # fmt: skip
    assert response.headers["location"] == "/"


def test_a_wrong_password_shows_the_form_again_with_a_message(site: Site) -> None:
    client = site.anonymous()
    response = client.post(
        "/login",
        data={"username": "admin", "password": "not the password", "next": "/",
              "login_csrf": login_token(client)},
    )  # fmt: skip
    assert response.status_code == 401
    assert 'role="alert"' in response.text and 'name="password"' in response.text
    assert "Traceback" not in response.text and "revhub_session" not in response.cookies
    assert client.get("/", follow_redirects=False).status_code == 303


def test_too_many_wrong_passwords_are_refused_for_a_while(site: Site) -> None:
    client = site.anonymous()
    statuses = []
    for _ in range(site.hub.settings.server.login_attempts + 1):
        response = client.post(
            "/login",
            data={
                "username": "no-such-user",
                "password": "guess",
                "login_csrf": login_token(client),
            },
        )
        statuses.append(response.status_code)
    assert statuses[0] == 401 and statuses[-1] == 429
    assert int(response.headers["retry-after"]) > 0
    assert "Too many failed logins" in response.text


@pytest.mark.parametrize("forged", ["forged", "", "fälscht"])
def test_a_login_form_from_elsewhere_is_refused(site: Site, forged: str) -> None:
    client = site.anonymous()
    login_token(client)
    response = client.post(
        "/login",
        data={"username": "admin", "password": PASSWORD, "login_csrf": forged},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "expired or came from another site" in response.text


def test_signing_out_ends_the_session(site: Site) -> None:
    client = site.sign_in(Role.marketing_ops)
    html = client.get("/marketing").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    refused = client.post("/logout", data={"csrf_token": "wrong"}, follow_redirects=False)
    assert refused.status_code == 403
    response = client.post("/logout", data={"csrf_token": found.group(1)}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/login")
    assert client.get("/marketing", follow_redirects=False).status_code == 303


# -- what every page holds ---------------------------------------------------------------
@pytest.mark.parametrize("path", list(PAGES))
def test_pages_run_no_inline_code_under_the_content_security_policy(site: Site, path: str) -> None:
    response = site.client(Role.admin).get(path)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    found = parts(response.text)
    assert found.problems == []
    assert "revhub-config" in found.json_blocks


def test_the_login_and_error_pages_run_no_inline_code_either(site: Site) -> None:
    for response in (site.anonymous().get("/login"), site.client(Role.admin).get("/nowhere")):
        assert parts(response.text).problems == []
    assert site.client(Role.admin).get("/nowhere").status_code == 404


def test_every_chart_and_table_offers_a_csv_download(site: Site) -> None:
    html = site.client(Role.admin).get("/funnel").text
    charts = html.count('class="card chart-card')
    tables = html.count('class="card table-card"')
    assert charts >= 5 and tables == 1
    assert html.count(">Download CSV</a>") == charts + tables


# -- the numbers -------------------------------------------------------------------------
def test_the_overview_puts_the_home_scorecard_first(site: Site) -> None:
    html = site.client(Role.marketing_ops).get("/").text
    sections = re.findall(r'id="department-(\w+)"', html)
    assert sections[0] == "marketing" and "company" in sections
    assert "sales" not in sections  # marketing ops may not open the pipeline
    assert "Leading indicators" in html and "Lagging indicators" in html
    assert re.search(r'class="badge status-(on-track|at-risk|off-track|no-target)"', html)


def test_a_filter_changes_the_numbers(site: Site) -> None:
    client = site.client(Role.revenue_analyst)
    everyone = chart(client.get("/revenue").text, "arr")["series"][0]["values"]
    enterprise = chart(client.get("/revenue?segment=enterprise").text, "arr")["series"][0]["values"]
    assert len(everyone) == len(enterprise) == 12
    assert enterprise != everyone
    assert all(e <= a for e, a in zip(enterprise, everyone, strict=True) if e is not None)


def test_a_filter_a_metric_cannot_take_is_named_on_its_chart(site: Site) -> None:
    html = site.client(Role.marketing_ops).get("/marketing?segment=smb").text
    assert "The segment filter does not apply: Cost per lead has no segment breakdown." in html


def test_quarters_and_a_custom_range(site: Site) -> None:
    html = site.client(Role.cro).get("/pipeline?grain=quarter&start=2025-07-01&end=2026-06-30")
    spec = chart(html.text, "pipeline-created")
    assert spec["categories"] == ["Q3 2025", "Q4 2025", "Q1 2026", "Q2 2026"]


def test_a_filter_that_cannot_be_read_is_a_page_saying_so(site: Site) -> None:
    client = site.client(Role.cro)
    response = client.get("/revenue?start=yesterday")
    assert response.status_code == 400
    assert "is not a date" in response.text and 'action="/logout"' in response.text
    assert client.get("/revenue?segment=enterprize").status_code == 400
    assert "Did you mean `enterprise`?" in client.get("/revenue?segment=enterprize").text


def test_a_sales_rep_sees_their_own_numbers_and_not_what_cannot_be_scoped(site: Site) -> None:
    mine = site.client(Role.sales_rep).get("/pipeline").text
    company = site.client(Role.cro).get("/pipeline").text
    assert chart(mine, "pipeline-created") != chart(company, "pipeline-created")
    coverage = mine.split('id="card-coverage"', 1)[1].split("</figure>", 1)[0]
    assert "Not available for your role" in coverage


def test_german_locale_formats_money_the_german_way(site: Site) -> None:
    client = site.client(Role.finance)
    html = client.get("/revenue?locale=de_DE").text
    assert re.search(r"\d{1,3}(\.\d{3})+\xa0\$", html), "no German money in the page"
    assert parts(html).json_blocks["revhub-config"]["locale"] == "de-DE"
    assert 'href="/?locale=de_DE"' in html  # links keep the locale
    browser = client.get("/revenue", headers={"Accept-Language": "de-DE,de;q=0.9"}).text
    assert parts(browser).json_blocks["revhub-config"]["locale"] == "de-DE"


def test_the_metric_csv_link_downloads_the_charted_values(site: Site) -> None:
    client = site.client(Role.revops_manager)
    spec = chart(client.get("/revenue?segment=smb").text, "arr")
    assert spec["csv_url"].startswith("/api/metrics/arr/values?")
    assert "where=segment%3Asmb" in spec["csv_url"]
    response = client.get(spec["csv_url"])
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    values = [float(r["value"]) for r in rows]
    assert values == pytest.approx(spec["series"][0]["values"])


def test_a_page_csv_download_holds_a_charts_data(site: Site) -> None:
    client = site.client(Role.admin)
    spec = chart(client.get("/revenue").text, "mrr-bridge")
    response = client.get(spec["csv_url"])
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["category"] for r in rows] == spec["categories"]
    assert client.get("/revenue?export=nothing").status_code == 404
    funnel_csv = client.get("/funnel?by=region&export=funnel-by").text
    assert funnel_csv.startswith("member,lead_entries")


def test_a_range_before_the_history_shows_empty_charts_not_an_error(site: Site) -> None:
    response = site.client(Role.cro).get("/revenue?start=2020-01-01&end=2020-06-30")
    assert response.status_code == 200
    cohorts = response.text.split('id="card-cohort-retention"', 1)[1].split("</figure>", 1)[0]
    assert "before it starts" in cohorts
