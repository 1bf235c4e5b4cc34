"""Signing in and out, the caller's own profile, API tokens and saved views.

>>> router.prefix
'/api'
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from revhub.access import areas_of
from revhub.api.caller import SESSION_COOKIE, Caller, caller_for, client_ip, guard, hub_of
from revhub.api.hub import Hub
from revhub.api.problems import PROBLEM_RESPONSES
from revhub.appdb import (
    TokenRecord,
    ViewRecord,
    audit,
    authenticate,
    create_token,
    end_session,
    list_tokens,
    revoke_token,
    start_session,
)
from revhub.appdb import views as saved_views
from revhub.errors import AccessError

router = APIRouter(prefix="/api", tags=["auth"], responses=PROBLEM_RESPONSES)
Signed = Annotated[Caller, Depends(guard)]


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)


class UserOut(BaseModel):
    id: str
    username: str
    display_name: str | None
    role: str
    crm_user_id: str | None
    areas: list[str]
    scope: str


class LoginOut(BaseModel):
    user: UserOut
    csrf_token: str = Field(description="Send it as the X-CSRF-Token header on changes.")


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    days: int | None = Field(None, ge=1, le=3650, description="Expires after; default never.")


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to tell tokens apart.")
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="The token itself; shown this once, stored only hashed.")


class ViewIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    page: str = Field(min_length=1, max_length=100)
    query: str = Field("", max_length=2000)


class ViewOut(ViewIn):
    created_at: dt.datetime


def user_out(caller: Caller) -> UserOut:
    user = caller.user
    return UserOut(
        id=str(user.id),
        username=user.username,
        display_name=user.display_name,
        role=caller.role.value,
        crm_user_id=user.crm_user_id,
        areas=areas_of(caller.role),
        scope=caller.scope.describe(),
    )


def sign_in(hub: Hub, request: Request, response: Response, username: str, password: str) -> Caller:
    """Check the password (rate limited), start a session and set its cookie. Failed and
    successful logins are both audited."""
    server = hub.settings.server
    ip = client_ip(request)
    db = hub.database
    try:
        user = authenticate(
            db,
            username,
            password,
            ip=ip,
            window_minutes=server.login_window_minutes,
            max_attempts=server.login_attempts,
        )
    except AccessError:
        audit.record(db, "login_failed", actor=None, target=username, ip=ip)
        raise
    token, csrf = start_session(
        db,
        user.id,
        ip=ip,
        user_agent=request.headers.get("user-agent"),
        hours=server.session_hours,
    )
    audit.record(db, "login", actor=user, ip=ip)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        secure=server.secure_cookies,
        samesite="lax",
        max_age=int(server.session_hours * 3600),
        path="/",
    )
    return caller_for(hub, user, "session", csrf)


def sign_out(hub: Hub, request: Request, response: Response, caller: Caller) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(hub.database, token)
    audit.record(hub.database, "logout", actor=caller.user, ip=client_ip(request))
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.post("/auth/login", response_model=LoginOut)
def login(body: LoginIn, request: Request, response: Response) -> LoginOut:
    """Sign in with a user name and password; sets the session cookie."""
    caller = sign_in(hub_of(request), request, response, body.username, body.password)
    return LoginOut(user=user_out(caller), csrf_token=caller.csrf or "")


@router.post("/auth/logout", status_code=204)
def logout(caller: Signed, request: Request, response: Response) -> None:
    """End this session."""
    sign_out(hub_of(request), request, response, caller)


@router.get("/me", response_model=UserOut)
def me(caller: Signed) -> UserOut:
    """Who you are, your role, the areas you may open and the rows you see."""
    return user_out(caller)


def _token_out(record: TokenRecord) -> TokenOut:
    return TokenOut.model_validate(record, from_attributes=True)


@router.get("/tokens", response_model=list[TokenOut])
def tokens(caller: Signed, request: Request) -> list[TokenOut]:
    """Your API tokens (never the tokens themselves)."""
    db = hub_of(request).database
    return [_token_out(t) for t in list_tokens(db, caller.user.id)]


@router.post("/tokens", response_model=NewTokenOut, status_code=201)
def new_token(body: TokenIn, caller: Signed, request: Request) -> NewTokenOut:
    """Create an API token for yourself; the response shows it once."""
    db = hub_of(request).database
    record, plaintext = create_token(db, caller.user.id, body.name, days=body.days)
    audit.record(db, "token_created", actor=caller.user, target=body.name, ip=client_ip(request))
    return NewTokenOut(**_token_out(record).model_dump(), token=plaintext)


@router.delete("/tokens/{token_id}", status_code=204)
def delete_token(token_id: int, caller: Signed, request: Request) -> None:
    """Revoke one of your API tokens."""
    db = hub_of(request).database
    revoke_token(db, caller.user.id, token_id)
    audit.record(
        db, "token_revoked", actor=caller.user, target=str(token_id), ip=client_ip(request)
    )


@router.get("/views", response_model=list[ViewOut])
def views(caller: Signed, request: Request) -> list[ViewOut]:
    """Your saved dashboard views."""
    db = hub_of(request).database
    return [_view_out(v) for v in saved_views.list_views(db, caller.user.id)]


@router.post("/views", response_model=ViewOut, status_code=201)
def save_view(body: ViewIn, caller: Signed, request: Request) -> ViewOut:
    """Save (or replace) a named view: a page and its filters."""
    db = hub_of(request).database
    view = saved_views.save_view(db, caller.user.id, body.name, body.page, body.query)
    return _view_out(view)


@router.delete("/views/{name}", status_code=204)
def delete_view(name: str, caller: Signed, request: Request) -> None:
    """Delete one of your saved views."""
    saved_views.delete_view(hub_of(request).database, caller.user.id, name)


def _view_out(view: ViewRecord) -> ViewOut:
    return ViewOut.model_validate(view, from_attributes=True)
