"""Schemathesis against the OpenAPI the server publishes: generated requests to every API
operation, signed in as an admin, find no 5xx and no response that breaks the schema."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from served_app import PASSWORD, Served

from revhub.access import Role
from revhub.api.route_access import ROUTE_ACCESS
from revhub.appdb import create_token, create_user

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzz_token(served: Served) -> str:
    """An admin of its own: a generated request may revoke or sign out its credentials."""
    user = create_user(served.hub.database, "fuzzer", Role.admin, PASSWORD)
    return create_token(served.hub.database, user.id, "schemathesis")[1]


@pytest.fixture(scope="module")
def api_schema(served: Served) -> Any:
    return schemathesis.openapi.from_asgi("/api/openapi.json", served.app)


# every API operation but those that end the caller's own credentials (the auth tests
# cover them); listed from the route table so that a new route is fuzzed too
OPERATIONS = sorted(
    key
    for key in ROUTE_ACCESS
    if key.split(" ", 1)[1].startswith("/api/")
    and key not in ("POST /api/auth/logout", "DELETE /api/tokens/{token_id}")
)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_api_conforms_to_its_schema(api_schema: Any, fuzz_token: str, operation: str) -> None:
    method, path = operation.split(" ", 1)
    strategy = api_schema[path][method].as_strategy()
    headers = {"Authorization": f"Bearer {fuzz_token}"}

    @given(case=strategy)
    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def conforms(case: Any) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    conforms()
