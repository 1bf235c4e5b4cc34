"""Who is calling: a session cookie (the dashboard) or an API token (scripts), then the
role check every route goes through.

``guard`` is the one dependency of every non-public route: it identifies the caller,
looks the route up in ``ROUTE_ACCESS``, checks the role may use that area, and for
cookie-authenticated changes checks the CSRF token (header ``X-CSRF-Token`` or form field
``csrf_token``). API tokens are not sent by browsers on their own, so they need no CSRF.

>>> SESSION_COOKIE, CSRF_HEADER
('revhub_session', 'X-CSRF-Token')
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Literal

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from revhub.access import Role, RowScope, parse_role, require
from revhub.api.hub import Hub
from revhub.api.route_access import PUBLIC, ROUTE_ACCESS, route_key
from revhub.appdb import UserRecord, resolve_session, resolve_token
from revhub.errors import AuthenticationError, CsrfError

SESSION_COOKIE = "revhub_session"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Caller:
    """The signed-in user behind a request, their role and the rows they see."""

    user: UserRecord
    role: Role
    scope: RowScope
    via: Literal["session", "token"]
    csrf: str | None = None


def hub_of(request: Request) -> Hub:
    """The app's Hub."""
    hub: Hub = request.app.state.hub
    return hub


def client_ip(request: Request) -> str | None:
    """The caller's address (as the socket sees it)."""
    return request.client.host if request.client else None


def _identify(hub: Hub, authorization: str | None, cookie: str | None) -> Caller | None:
    if authorization:
        kind, _, credential = authorization.partition(" ")
        if kind.lower() != "bearer" or not credential:
            raise AuthenticationError(
                "the Authorization header must be `Bearer <token>`; create a token with "
                "`revhub user token NAME --name TOKEN` or POST /api/tokens."
            )
        user = resolve_token(hub.database, credential.strip())
        if user is None:
            raise AuthenticationError("unknown, expired or revoked API token.")
        return caller_for(hub, user, "token", None)
    if cookie:
        hours = hub.settings.server.session_hours
        found = resolve_session(hub.database, cookie, hours=hours)
        if found is not None:
            return caller_for(hub, found[0], "session", found[1])
    return None


def caller_for(
    hub: Hub, user: UserRecord, via: Literal["session", "token"], csrf: str | None
) -> Caller:
    """The Caller for a user identified one way or the other."""
    role = parse_role(user.role)
    scope = hub.scope_of(user.id, role, user.crm_user_id)
    return Caller(user=user, role=role, scope=scope, via=via, csrf=csrf)


async def optional_caller(request: Request) -> Caller | None:
    """The caller, or None when the request carries no valid credentials."""
    if "caller" not in request.state._state:
        request.state.caller = await run_in_threadpool(
            _identify,
            hub_of(request),
            request.headers.get("authorization"),
            request.cookies.get(SESSION_COOKIE),
        )
    caller: Caller | None = request.state.caller
    return caller


async def _csrf_token_sent(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get("csrf_token")
        return value if isinstance(value, str) else None
    return None


async def guard(request: Request) -> Caller:
    """Identify the caller and check their role may use this route's area."""
    route = request.scope["route"]
    area = ROUTE_ACCESS[route_key(request.method, route.path)]
    caller = await optional_caller(request)
    if caller is None:
        raise AuthenticationError("sign in first: POST /api/auth/login, or send an API token.")
    if area != PUBLIC:
        require(caller.role, area)
    if caller.via == "session" and request.method not in _SAFE_METHODS:
        sent = await _csrf_token_sent(request)
        if (
            not sent
            or not caller.csrf
            or not hmac.compare_digest(sent.encode(), caller.csrf.encode())
        ):
            raise CsrfError(f"{request.method} {route.path}")
    return caller
