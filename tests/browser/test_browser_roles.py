"""Who sees what, in a real browser: a page a role may not open is a 403 page and is not
in its navigation; a sales rep opens their own deal but not another rep's; signing out
returns to the login form and every page asks to sign in again."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from live_server import DASHBOARD_PAGES, LiveServer, Tabs

from revhub.access import Role, may_use
from revhub.api.caller import SESSION_COOKIE

PAGES = DASHBOARD_PAGES


@pytest.mark.parametrize("role", list(Role))
def test_a_page_the_role_may_not_open_is_forbidden_and_not_in_its_navigation(
    tabs: Tabs, role: Role
) -> None:
    allowed = {path for path, area in PAGES.items() if may_use(role, area)}
    tab = tabs.new(role)
    assert tab.open("/") == 200
    assert tab.nav_paths() == allowed
    for path in PAGES.keys() - allowed:
        assert tab.open(path) == 403, f"{path} as {role}"
        assert tab.page.inner_text("h1") == "Not for your role"
        assert tab.nav_paths() == allowed, f"the 403 page of {path} shows another navigation"
        tab.screenshot(f"forbidden{path.replace('/', '-')}")
    tab.expect_no_problems(allowed=("status of 403",))


def test_a_sales_rep_opens_their_own_deal_but_not_another_reps(
    tabs: Tabs, live: LiveServer
) -> None:
    tab = tabs.new(Role.sales_rep)
    own = f"/pipeline/deals/{live.own_deal}"
    assert tab.open(own) == 200
    assert tab.path() == own
    tab.screenshot("own-deal")
    other = f"/pipeline/deals/{live.other_deal}"
    assert tab.open(other) == 404, f"{other} (another rep's deal) opened for a sales rep"
    assert tab.page.inner_text("h1") == "Not found"
    tab.screenshot("other-reps-deal")
    tab.expect_no_problems(allowed=("status of 404",))


def test_a_sales_rep_lists_only_their_own_deals(tabs: Tabs, live: LiveServer) -> None:
    tab = tabs.new(Role.sales_rep)
    assert tab.open("/pipeline") == 200
    linked = {urlsplit(href).path.rsplit("/", 1)[-1] for href in tab.links("/pipeline/deals/")}
    assert linked, "the sales rep's pipeline links to no deal"
    assert linked <= live.rep_deals, (
        f"deals of other reps listed: {sorted(linked - live.rep_deals)}"
    )
    tab.expect_no_problems()


def test_signing_out_returns_to_the_login_form_and_pages_then_ask_to_sign_in(
    tabs: Tabs,
) -> None:
    tab = tabs.new(Role.finance, fresh_sign_in=True)
    session = [c for c in tab.page.context.cookies() if c["name"] == SESSION_COOKIE]
    assert len(session) == 1, "signing in set no session cookie"
    assert session[0].get("secure") and session[0].get("httpOnly"), session
    assert tab.open("/revenue") == 200
    with tab.page.expect_navigation():
        tab.page.click("form.logout button[type=submit]")
    assert urlsplit(tab.page.url).path == "/login"
    assert tab.page.locator("form[action='/login']").is_visible()
    tab.screenshot("signed-out")
    for path in PAGES:
        assert tab.open(path) == 200  # the login form, after a redirect
        url = urlsplit(tab.page.url)
        assert url.path == "/login", f"{path} opened after signing out"
        assert parse_qs(url.query).get("next") == [path]
    assert not [c for c in tab.page.context.cookies() if c["name"] == SESSION_COOKIE]
    tab.expect_no_problems()
