"""docs/access.md, generated from the access tables: which role may open which area, and
which area every route is in.

>>> "| `GET /api/deals` | pipeline |" in access_reference()
True
"""

from __future__ import annotations

from revhub.access import AREAS, HOME_DEPARTMENT, ROW_SCOPE, Role
from revhub.api.route_access import PUBLIC, ROUTE_ACCESS

_SCOPES = {
    "all": "every row",
    "owner": "the accounts and deals their CRM user owns",
    "team": "the accounts and deals of the teams they manage (and everyone reporting to them)",
    "partner": "partner-sourced accounts and deals",
}


def access_reference() -> str:
    """Markdown: roles × areas, each role's rows, and the route table."""
    roles = list(Role)
    lines = [
        "# Roles and access",
        "",
        "Generated from `revhub.access` and `revhub.api.route_access` by `make docs`; do not "
        "edit by hand. Every route of the API and the dashboard is in exactly one area; the "
        "server refuses to start otherwise, and a test calls every route as every role.",
        "",
        "## Areas each role may open",
        "",
        "| area | " + " | ".join(r.value for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for area, allowed in AREAS.items():
        marks = " | ".join("✓" if r in allowed else "" for r in roles)
        lines.append(f"| {area} | {marks} |")
    lines += [
        "",
        "## Rows each role sees",
        "",
        "| role | rows | overview opens on |",
        "|---|---|---|",
    ]
    for role in roles:
        lines.append(f"| {role.value} | {_SCOPES[ROW_SCOPE[role]]} | {HOME_DEPARTMENT[role]} |")
    lines += ["", "## Routes", "", "| route | area |", "|---|---|"]
    for key, area in sorted(ROUTE_ACCESS.items(), key=lambda kv: kv[0].split(" ", 1)[::-1]):
        lines.append(f"| `{key}` | {area if area != PUBLIC else 'public (no sign-in)'} |")
    return "\n".join(lines) + "\n"
