"""Every route, for every role: the access table in revhub/api/route_access.py holds.

A role the table allows gets past the role check (any status but 401/403: a record may
still be missing); a role it does not allow gets 403; nobody unauthenticated gets past a
non-public route.
"""

from __future__ import annotations

import re

import pytest
from served_app import Served

from revhub.access import AREAS, Role, may_use
from revhub.api.route_access import PUBLIC, ROUTE_ACCESS

PATH_VALUES = {
    "account_id": "no-such-account",
    "opportunity_id": "no-such-deal",
    "cluster_id": "no-such-cluster",
    "token_id": "999999",
    "name": "no-such-view",
    "department": "company",
}
BODIES = {
    "POST /api/tokens": {"name": "route-table"},
    "POST /api/views": {"name": "route-table", "page": "/pipeline", "query": "segment=smb"},
}
PROTECTED = sorted(k for k, area in ROUTE_ACCESS.items() if area != PUBLIC)


def url_of(key: str) -> tuple[str, str]:
    method, path = key.split(" ", 1)
    path = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], path)
    if key == "GET /api/metrics/{name}":
        path = "/api/metrics/arr"
    if key == "GET /api/metrics/{name}/values":
        path = "/api/metrics/arr/values"
    return method, path


def call(served: Served, role: Role | None, key: str) -> int:
    method, path = url_of(key)
    client = served.client(role)
    response = client.request(method, path, json=BODIES.get(key), follow_redirects=False)
    return response.status_code


def test_every_area_is_known() -> None:
    assert {area for area in ROUTE_ACCESS.values() if area != PUBLIC} <= set(AREAS)


@pytest.mark.parametrize("key", PROTECTED)
def test_no_route_without_credentials(served: Served, key: str) -> None:
    status = call(served, None, key)
    expected = 303 if not key.split(" ", 1)[1].startswith("/api") else 401
    assert status == expected, key


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("key", PROTECTED)
def test_role_table(served: Served, role: Role, key: str) -> None:
    status = call(served, role, key)
    if may_use(role, ROUTE_ACCESS[key]):
        assert status not in (401, 403), f"{role} should reach {key}, got {status}"
        assert status < 500, f"{key} failed for {role}: {status}"
    else:
        assert status == 403, f"{role} must not reach {key}, got {status}"
