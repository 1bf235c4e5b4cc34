"""One error shape for every API error: RFC 9457 problem details (``application/problem+json``).

Every error leaves the server as ``{"type", "title", "status", "detail", "instance"}`` plus
members that locate it (``errors`` for invalid fields, ``suggestions`` for an unknown
name, ``retry_after`` when rate limited). Errors revhub raises on purpose are translated
here, once; anything else is a 500 whose detail carries only a reference to the server
log — never a stack trace.

>>> response = problem(404, "Not found", "account `a1` not found.", instance="/api/accounts/a1")
>>> response.status_code, response.media_type
(404, 'application/problem+json')
"""

from __future__ import annotations

import difflib
import logging
import uuid
from collections.abc import Iterable, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from revhub.errors import (
    AuthenticationError,
    BrowseQueryError,
    CsrfError,
    ForecastError,
    MetricError,
    NotFoundError,
    PermissionDeniedError,
    PlanError,
    RateLimitedError,
    RevhubError,
    UserAdminError,
)

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("revhub.api")


class FieldProblem(BaseModel):
    field: str = Field(description="Where: e.g. `query.page` or `path.account_id`.")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, with revhub's own members where they apply."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] | None = Field(None, description="Invalid fields (422).")
    suggestions: list[str] | None = Field(None, description="Nearest known names (404).")
    retry_after: int | None = Field(None, description="Seconds to wait (429).")
    reference: str | None = Field(None, description="Where the server log has it (500).")


def _documented(status: int, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "model": Problem,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _documented(400, "A request revhub cannot answer."),
    401: _documented(401, "Not signed in."),
    403: _documented(403, "The role may not use this, or a change without its CSRF token."),
    404: _documented(404, "No such record, metric or endpoint (or outside your scope)."),
    409: _documented(409, "A change that conflicts with what exists."),
    422: _documented(422, "An invalid parameter; `errors` names each field."),
    429: _documented(429, "Too many failed logins; see Retry-After."),
    500: _documented(500, "The server failed; `reference` finds it in the server log."),
}
"""Every error status an API route may answer, all in the problem+json shape."""


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **members: Any,
) -> JSONResponse:
    """A problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(members)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def suggestions(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The known names nearest ``word``.

    >>> suggestions("win_rat", ["win_rate", "win_rate_value", "arr"])
    ['win_rate', 'win_rate_value']
    """
    return difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)


class UnknownMetricError(NotFoundError):
    """A metric name the workspace does not know; carries the nearest names."""

    def __init__(self, name: str, nearest: Sequence[str]) -> None:
        self.nearest = list(nearest)
        hint = f" Did you mean {', '.join(f'`{n}`' for n in nearest)}?" if nearest else ""
        super().__init__("metric", name, hint + " GET /api/metrics lists them all.")


class InvalidParameterError(RevhubError):
    """A parameter a forecast or a plan cannot use: ``parameter`` names it, ``location``
    says where it came (``query`` or ``body``) and the message is the error it caused.

    >>> str(InvalidParameterError("target", PlanError("no target for 2026-07-01.")))
    'target: no target for 2026-07-01.'
    """

    def __init__(self, parameter: str, error: RevhubError, location: str = "query") -> None:
        self.parameter, self.location = parameter, location
        super().__init__(f"{parameter}: {error}")


def _field(location: Sequence[Any]) -> str:
    parts = [str(p) for p in location if p not in ("body",)]
    return ".".join(parts) if parts else "request"


def validation_problem(request: Request, error: RequestValidationError) -> JSONResponse:
    """422 naming every invalid field, e.g. ``query.page: Input should be greater than 0``."""
    errors = [{"field": _field(e["loc"]), "message": e["msg"]} for e in error.errors()]
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return problem(
        422,
        "Invalid request",
        f"invalid value for {fields}: " + "; ".join(e["message"] for e in errors[:3]),
        instance=request.url.path,
        errors=errors,
    )


def revhub_problem(request: Request, error: RevhubError) -> JSONResponse:
    """The status and shape of an error revhub raised on purpose."""
    path = request.url.path
    if isinstance(error, UnknownMetricError):
        return problem(404, "Unknown metric", str(error), instance=path, suggestions=error.nearest)
    if isinstance(error, NotFoundError):
        return problem(404, "Not found", str(error), instance=path)
    if isinstance(error, RateLimitedError):
        retry = str(error.retry_after)
        return problem(
            429,
            "Too many attempts",
            str(error),
            instance=path,
            headers={"Retry-After": retry},
            retry_after=error.retry_after,
        )
    if isinstance(error, AuthenticationError):
        return problem(
            401,
            "Not signed in",
            str(error),
            instance=path,
            headers={"WWW-Authenticate": 'Bearer realm="revhub"'},
        )
    if isinstance(error, PermissionDeniedError | CsrfError):
        return problem(403, "Forbidden", str(error), instance=path)
    if isinstance(error, UserAdminError):
        return problem(409, "Conflict", str(error), instance=path)
    if isinstance(error, InvalidParameterError):
        field = f"{error.location}.{error.parameter}"
        errors = [{"field": field, "message": str(error)}]
        return problem(422, "Invalid request", str(error), instance=path, errors=errors)
    if isinstance(error, PlanError):
        return problem(422, "Invalid plan request", str(error), instance=path)
    if isinstance(error, ForecastError):
        return problem(422, "Invalid forecast request", str(error), instance=path)
    if isinstance(error, MetricError):
        return problem(422, "Invalid metric request", str(error), instance=path)
    if isinstance(error, BrowseQueryError):
        return problem(422, "Invalid request", str(error), instance=path)
    return problem(400, "Bad request", str(error), instance=path)


def http_problem(request: Request, error: HTTPException) -> JSONResponse:
    """Starlette's own errors (unknown route, wrong method) in the same shape."""
    title = HTTPStatus(error.status_code).phrase
    detail = error.detail if isinstance(error.detail, str) else title
    if error.status_code == 404:
        detail = f"no such endpoint: {request.method} {request.url.path}. See /api/openapi.json."
    return problem(
        error.status_code,
        title,
        detail,
        instance=request.url.path,
        headers=dict(error.headers) if error.headers else None,
    )


def internal_problem(request: Request, error: Exception) -> JSONResponse:
    """500 with a reference the operator can find in the server log; no trace to clients."""
    reference = uuid.uuid4().hex[:12]
    log.error(
        "unhandled error %s on %s %s", reference, request.method, request.url.path, exc_info=error
    )
    return problem(
        500,
        "Internal error",
        f"the server failed on this request; the operator can find it in the server log "
        f"under reference {reference}.",
        instance=request.url.path,
        reference=reference,
    )
