"""The FastAPI application: the REST API under /api and the dashboard, one process.

``create_app(hub)`` wires the routers, the error translation, the security headers and
the static files, and refuses to start when a route's access is not declared in
``ROUTE_ACCESS`` (or the table names a route that does not exist).

>>> check_route_table.__name__
'check_route_table'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles

from revhub import __version__
from revhub.api import problems
from revhub.api.hub import Hub
from revhub.api.problems import PROBLEM_JSON
from revhub.api.route_access import ROUTE_ACCESS, route_key
from revhub.api.security import SecurityHeaders
from revhub.errors import RevhubError

STATIC = Path(__file__).resolve().parent.parent / "web" / "static"


def route_keys(routers: Iterable[APIRouter]) -> set[str]:
    """``"METHOD /path"`` of every route of ``routers``."""
    return {
        route_key(method, route.path)
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }


def check_route_table(routers: Iterable[APIRouter]) -> None:
    """Refuse to start unless every route's access is declared, and only those."""
    found = route_keys(routers)
    undeclared = sorted(found - ROUTE_ACCESS.keys())
    stale = sorted(ROUTE_ACCESS.keys() - found)
    if undeclared or stale:
        raise RuntimeError(
            f"route access table out of date: undeclared {undeclared}, no such route {stale}. "
            "Declare every route in revhub/api/route_access.py."
        )


def routers() -> list[APIRouter]:
    """Every router of the server: the API's and the dashboard's."""
    from revhub.api import (
        routes_auth,
        routes_forecast,
        routes_metrics,
        routes_records,
        routes_service,
    )
    from revhub.web import pages

    return [
        routes_service.router,
        routes_auth.router,
        routes_metrics.router,
        routes_records.router,
        routes_forecast.router,
        pages.router,
    ]


def problem_only_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """``app.openapi`` whose error responses list only ``application/problem+json`` (FastAPI
    adds ``application/json`` beside every documented model)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            for operations in schema["paths"].values():
                for operation in operations.values():
                    for status, response in operation.get("responses", {}).items():
                        content = response.get("content", {})
                        if status.isdigit() and int(status) >= 400 and PROBLEM_JSON in content:
                            content.pop("application/json", None)
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def create_app(hub: Hub) -> FastAPI:
    """The server's app for ``hub`` (which stays the caller's to close)."""
    from revhub.web import pages

    app = FastAPI(
        title="revhub",
        version=__version__,
        description="One revenue data model, one set of numbers: metrics, scorecards, "
        "accounts, deals, data quality, forecasts and plans. Authenticate with a session cookie "
        "(POST /api/auth/login) or an API token (Authorization: Bearer rh_...).",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.hub = hub
    app.openapi = problem_only_openapi(app)  # type: ignore[method-assign]
    every_router = routers()
    check_route_table(every_router)
    for router in every_router:
        app.include_router(router)

    @app.exception_handler(RevhubError)
    def revhub_error(request: Request, error: RevhubError) -> Response:
        if _is_api(request):
            return problems.revhub_problem(request, error)
        return pages.error_page(request, error)

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, error: RequestValidationError) -> Response:
        problem = problems.validation_problem(request, error)
        if _is_api(request):
            return problem
        detail = json.loads(bytes(problem.body))["detail"]
        return pages.http_error_page(request, HTTPException(422, detail=detail))

    @app.exception_handler(HTTPException)
    def http_error(request: Request, error: HTTPException) -> Response:
        if _is_api(request):
            return problems.http_problem(request, error)
        return pages.http_error_page(request, error)

    @app.exception_handler(Exception)
    def unexpected(request: Request, error: Exception) -> Response:
        problem = problems.internal_problem(request, error)  # logs it, with a reference
        if _is_api(request):
            return problem
        detail = json.loads(bytes(problem.body))["detail"]
        return pages.http_error_page(request, HTTPException(500, detail=detail))

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeaders)
    return app
