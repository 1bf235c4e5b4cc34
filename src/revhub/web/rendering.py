"""What every dashboard page shares: the templates, the caller's navigation, the filters,
the locale's formatter, and ``render`` — which also answers ``?export=<id>`` with the CSV
of one of the page's charts or tables (audited like the API's downloads).

Page modules import ``router``, ``render`` and ``page_for`` from here and add their routes
to that one ``router``; ``pages`` imports the page modules and re-exports it.

>>> safe_next("/pipeline?segment=smb"), safe_next("//evil.example"), safe_next("https://x")
('/pipeline?segment=smb', '/', '/')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import QueryParams

from revhub.access import may_use
from revhub.api.caller import Caller, client_ip, hub_of
from revhub.api.hub import Hub
from revhub.api.routes_metrics import csv_response
from revhub.appdb import audit
from revhub.errors import FilterError, NotFoundError
from revhub.web.chart_builder import ChartBuilder
from revhub.web.filters import FilterOptions, Filters, filter_options, member_label, read_filters
from revhub.web.locale import SUPPORTED_LOCALES, Formatter, choose_locale, locale_name
from revhub.web.tables import Table

router = APIRouter(include_in_schema=False)
"""The dashboard's one router: every page module adds its routes to it (the app's route
table check reads a router's own routes, so page routers are not nested)."""
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES_DIR)
templates.env.filters["member"] = member_label
templates.env.filters["sentence"] = lambda text: str(text)[:1].upper() + str(text)[1:]
templates.env.globals["locale_name"] = locale_name
NAV = (
    ("overview", "Overview", "/"),
    ("revenue", "Revenue", "/revenue"),
    ("funnel", "Funnel", "/funnel"),
    ("pipeline", "Pipeline", "/pipeline"),
    ("marketing", "Marketing", "/marketing"),
    ("customers", "Customers", "/customers"),
    ("quality", "Data quality", "/quality"),
    ("planning", "Forecast & Plan", "/forecast"),
)
"""(area, label, path) of the pages in the navigation, in order."""


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    active: bool


@dataclass
class Page:
    """One page view: who asks, with which filters, formatted for which locale."""

    hub: Hub
    caller: Caller | None
    filters: Filters
    options: FilterOptions
    fmt: Formatter
    path: str

    def charts(self, extra: Mapping[str, str] | None = None) -> ChartBuilder:
        """A chart builder for this page (``extra``: page parameters its links keep)."""
        scope = self.caller.scope if self.caller else None
        if scope is None:
            raise NotFoundError("page", self.path, " Sign in to see charts.")
        return ChartBuilder(self.hub, scope, self.filters, self.fmt, self.path, dict(extra or {}))

    def nav(self) -> list[NavItem]:
        """The pages the caller's role may open, each keeping the current filters."""
        if self.caller is None:
            return []
        items = []
        for area, name, path in NAV:
            if may_use(self.caller.role, area):
                active = self.path == path or (path != "/" and self.path.startswith(path + "/"))
                items.append(NavItem(name, self.filters.href(path), active))
        return items


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a local path only (never another site)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if target.split("?")[0] in ("/login", "/logout"):
        return "/"
    return target


def page_for(request: Request, caller: Caller | None = None, *, strict: bool = True) -> Page:
    """This request's page view (read once per request). With ``strict=False`` (error
    pages) filters that cannot be read fall back to the defaults."""
    cached: Page | None = getattr(request.state, "page", None)
    if cached is not None:
        return cached
    hub = hub_of(request)
    caller = caller or getattr(request.state, "caller", None)
    scope = caller.scope if caller else None
    query = request.query_params
    try:
        filters = read_filters(query, hub, scope)
    except FilterError:
        if strict:
            raise
        filters = read_filters(QueryParams(), hub, scope)
    asked = query.get("locale")
    chosen = choose_locale(
        asked, request.headers.get("accept-language"), hub.settings.server.locale
    )
    page = Page(
        hub,
        caller,
        filters,
        filter_options(hub, scope),
        Formatter(chosen, hub.settings.base_currency),
        request.url.path,
    )
    request.state.page = page
    return page


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    strict: bool = True,
) -> Response:
    """The page ``template`` with ``context`` plus what every page has: ``caller``,
    ``nav``, ``filters``, ``options``, ``fmt`` (the formatter), ``js_config`` and
    ``csrf_token``. ``?export=<id>`` returns the CSV of the chart or table with that id
    among ``context["charts"]`` (a ChartBuilder), ``context["tables"]`` and
    ``context["exports"]`` (id → anything with ``csv_rows()``)."""
    page = page_for(request, strict=strict)
    values = dict(context or {})
    export = request.query_params.get("export")
    if export and status_code == 200:
        return _export(request, page, values, export)
    caller = page.caller
    base = {
        "caller": caller,
        "viewer": caller,
        "nav": page.nav(),
        "filters": page.filters,
        "options": page.options,
        "fmt": page.fmt,
        "js_config": page.fmt.js_config(),
        "path": page.path,
        "csrf_token": caller.csrf if caller else None,
        "title": "revhub",
        "supported_locales": SUPPORTED_LOCALES,
        "export_href": lambda id: export_href(request, id),
    }
    return templates.TemplateResponse(request, template, base | values, status_code=status_code)


def export_href(request: Request, export: str) -> str:
    """This page, with all its parameters, as the CSV of its chart or table ``export``."""
    url = request.url.include_query_params(export=export)
    return f"{url.path}?{url.query}"


def exportables(context: Mapping[str, Any]) -> dict[str, Any]:
    """Every chart and table of a page's context, by id."""
    found: dict[str, Any] = {}
    charts = context.get("charts")
    if isinstance(charts, ChartBuilder):
        found |= charts.charts
    for table in context.get("tables", ()):
        if isinstance(table, Table):
            found[table.id] = table
    found |= dict(context.get("exports", {}))
    return found


def _export(request: Request, page: Page, context: Mapping[str, Any], export: str) -> Response:
    item = exportables(context).get(export)
    if item is None:
        raise NotFoundError("download", export, " Use the page's Download CSV links.")
    rows = item.csv_rows()
    if page.caller is not None:
        audit.record(
            page.hub.database,
            "export",
            actor=page.caller.user,
            target=f"page {page.path} {export}",
            detail={"query": str(request.url.query)},
            ip=client_ip(request),
        )
    name = (page.path.strip("/").replace("/", "-") or "overview") + f"-{export}.csv"
    return csv_response(rows, name)
