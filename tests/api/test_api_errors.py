"""One error shape (RFC 9457 problem+json) for every error, security headers on every
response, and no stack trace ever reaching a client."""

from __future__ import annotations

import pytest
from served_app import Served

from revhub.access import Role
from revhub.api.security import CONTENT_SECURITY_POLICY

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def assert_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body.keys() >= PROBLEM_KEYS and body["status"] == status
    assert "Traceback" not in response.text
    return body  # type: ignore[no-any-return]


def test_an_invalid_parameter_is_a_422_naming_the_field(served: Served) -> None:
    response = served.client(Role.cro).get("/api/accounts", params={"page": 0})
    body = assert_problem(response, 422)
    assert "query.page" in body["detail"]
    assert body["errors"][0]["field"] == "query.page"


def test_an_unknown_sort_is_a_422_naming_the_field(served: Served) -> None:
    body = assert_problem(served.client(Role.cro).get("/api/deals?sort=colour"), 422)
    assert "query.sort" in body["detail"]


def test_an_unknown_metric_is_a_404_with_suggestions(served: Served) -> None:
    body = assert_problem(served.client(Role.cro).get("/api/metrics/win_rat/values"), 404)
    assert body["suggestions"][0] == "win_rate"
    assert "win_rate" in body["detail"]


def test_a_metric_request_it_cannot_answer_is_a_422(served: Served) -> None:
    response = served.client(Role.cro).get("/api/metrics/arr/values", params={"by": "colour"})
    body = assert_problem(response, 422)
    assert "colour" in body["detail"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/scorecards/all", {"as_of": "0007-01-01", "grain": "year"}),
        ("/api/scorecards/all", {"as_of": "0002-01-01"}),
        ("/api/metrics/arr/values", {"start": "0001-01-01", "end": "0001-12-31"}),
    ],
)
def test_a_day_before_the_calendar_the_metrics_know_is_a_422(
    served: Served, path: str, params: dict[str, str]
) -> None:
    """Found by the schema test: the trend behind year 7 runs off the calendar."""
    body = assert_problem(served.client(Role.cro).get(path, params=params), 422)
    assert "1900-01-01" in body["detail"]


def test_an_unknown_endpoint_is_a_problem_too(served: Served) -> None:
    body = assert_problem(served.client(Role.cro).get("/api/no/such/thing"), 404)
    assert "/api/no/such/thing" in body["detail"]


def test_a_missing_record_is_a_404(served: Served) -> None:
    assert_problem(served.client(Role.cro).get("/api/accounts/acc_does_not_exist"), 404)


@pytest.mark.parametrize("path", ["/api/health", "/api/metrics", "/login", "/static/app.css"])
def test_security_headers_on_every_response(served: Served, path: str) -> None:
    response = served.client(Role.cro).get(path)
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_openapi_lists_every_api_route(served: Served) -> None:
    schema = served.client().get("/api/openapi.json").json()
    assert "/api/metrics/{name}/values" in schema["paths"]
    assert "/api/accounts/{account_id}/timeline" in schema["paths"]
