"""Every route of the server and the area it belongs to: access declared in one place.

``revhub.access.AREAS`` says which roles may use an area; this table says which area each
route is in. ``public`` routes need no sign-in (health, login, static files). The app
refuses to start when a route is missing here or an entry names no route, and the route
table test walks every route for every role.

>>> ROUTE_ACCESS["GET /api/health"], ROUTE_ACCESS["GET /api/deals/{opportunity_id}"]
('public', 'pipeline')
"""

from __future__ import annotations

PUBLIC = "public"

ROUTE_ACCESS: dict[str, str] = {
    # service
    "GET /api/health": PUBLIC,
    # signing in and out, the caller's own tokens and views
    "POST /api/auth/login": PUBLIC,
    "POST /api/auth/logout": "self",
    "GET /api/me": "self",
    "GET /api/tokens": "self",
    "POST /api/tokens": "self",
    "DELETE /api/tokens/{token_id}": "self",
    "GET /api/views": "self",
    "POST /api/views": "self",
    "DELETE /api/views/{name}": "self",
    # numbers
    "GET /api/metrics": "metrics",
    "GET /api/metrics/{name}": "metrics",
    "GET /api/metrics/{name}/values": "metrics",
    "GET /api/scorecards/{department}": "overview",
    # records
    "GET /api/accounts": "customers",
    "GET /api/accounts/{account_id}": "customers",
    "GET /api/accounts/{account_id}/timeline": "customers",
    "GET /api/deals": "pipeline",
    "GET /api/deals/{opportunity_id}": "pipeline",
    # forecasts and plans
    "GET /api/forecast": "forecast",
    "GET /api/forecast/history": "forecast",
    "GET /api/forecast/deals": "forecast",
    "GET /api/forecast/movement": "forecast",
    "POST /api/forecast/runs": "operations",
    "GET /api/plan": "plan",
    # data quality and operations
    "GET /api/quality": "quality",
    "GET /api/quality/issues": "quality",
    "GET /api/clusters": "quality",
    "GET /api/clusters/{cluster_id}": "quality",
    "GET /api/ingest/runs": "operations",
    "GET /api/ingest/quarantine": "operations",
    # administration
    "GET /api/users": "admin",
    "GET /api/audit": "admin",
    # dashboard pages
    "GET /login": PUBLIC,
    "POST /login": PUBLIC,
    "POST /logout": "self",
    "GET /": "overview",
    "GET /revenue": "revenue",
    "GET /funnel": "funnel",
    "GET /pipeline": "pipeline",
    "GET /pipeline/deals/{opportunity_id}": "pipeline",
    "GET /marketing": "marketing",
    "GET /customers": "customers",
    "GET /customers/{account_id}": "customers",
    "GET /quality": "quality",
    "GET /forecast": "planning",
}
"""``"METHOD /path"`` → area (a key of ``revhub.access.AREAS``) or ``public``."""


def route_key(method: str, path: str) -> str:
    """The table's key of a route: ``"GET /api/accounts/{account_id}"``.

    >>> route_key("HEAD", "/api/health")
    'GET /api/health'
    """
    return f"{'GET' if method == 'HEAD' else method} {path}"
