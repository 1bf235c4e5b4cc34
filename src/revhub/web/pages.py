"""The dashboard's router (``router``, shared with the page modules through
``rendering``): signing in and out, the error pages, and — by importing them — the pages
of ``overview_page`` and ``metric_pages`` (overview, revenue, funnel, pipeline,
marketing), ``record_pages`` (customers, account 360, deals), ``quality_page`` and
``forecast_page`` (Forecast & Plan).

Every page route takes ``caller: Annotated[Caller, Depends(guard)]``; an unsigned
visitor is sent to ``/login?next=<the page>``, a role that may not open a page gets a 403
page that still shows its navigation. The sign-in form is protected against login CSRF
by a double-submit token: a random value in a short-lived cookie and in a hidden field,
compared when the form comes back.

>>> LOGIN_CSRF_COOKIE
'revhub_login_csrf'
"""

from __future__ import annotations

import hmac
import secrets
from http import HTTPStatus
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from revhub.api.caller import Caller, guard, hub_of, optional_caller
from revhub.api.routes_auth import sign_in, sign_out
from revhub.errors import (
    AuthenticationError,
    CsrfError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RevhubError,
)
from revhub.web import (
    forecast_page,
    metric_pages,
    overview_page,
    quality_page,
    record_pages,
)
from revhub.web.rendering import page_for, render, router, safe_next

__all__ = [
    "error_page",
    "forecast_page",
    "http_error_page",
    "metric_pages",
    "overview_page",
    "page_for",
    "quality_page",
    "record_pages",
    "render",
    "router",
]

Signed = Annotated[Caller, Depends(guard)]
MaybeSigned = Annotated[Caller | None, Depends(optional_caller)]
LOGIN_CSRF_COOKIE = "revhub_login_csrf"
_LOGIN_FORM_SECONDS = 1800


# -- signing in and out ------------------------------------------------------------------
def _login_form(
    request: Request,
    next_page: str,
    *,
    error: str = "",
    username: str = "",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(
        request,
        "login.html",
        {
            "next": next_page,
            "error": error,
            "username": username,
            "login_csrf": token,
            "title": "Sign in",
        },
        status_code=status,
        strict=False,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=_LOGIN_FORM_SECONDS,
        path="/login",
        httponly=True,
        secure=hub_of(request).settings.server.secure_cookies,
        samesite="strict",
    )
    response.headers.update(headers or {})
    return response


@router.get("/login")
def login_page(request: Request, caller: MaybeSigned, next: str = "/") -> Response:
    """The sign-in form (or straight on, when already signed in)."""
    if caller is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_form(request, safe_next(next))


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
    login_csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Check the form's token and the password; on success start a session and go on."""
    target = safe_next(next)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), login_csrf.encode()):
        message = "This sign-in form has expired or came from another site; please sign in again."
        return _login_form(request, target, error=message, username=username, status=403)
    if not username.strip() or not password:
        message = "Enter your user name and your password."
        return _login_form(request, target, error=message, username=username, status=400)
    response = RedirectResponse(target, status_code=303)
    try:
        sign_in(hub_of(request), request, response, username.strip(), password)
    except RateLimitedError as error:
        return _login_form(
            request,
            target,
            error=str(error),
            username=username,
            status=429,
            headers={"Retry-After": str(error.retry_after)},
        )
    except AuthenticationError as error:
        return _login_form(request, target, error=str(error), username=username, status=401)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(caller: Signed, request: Request) -> Response:
    """End this session and go back to the sign-in form."""
    response = RedirectResponse("/login", status_code=303)
    sign_out(hub_of(request), request, response, caller)
    return response


# -- errors ------------------------------------------------------------------------------
def _error(request: Request, status: int, title: str, message: str) -> Response:
    context = {"status": status, "heading": title, "message": message, "title": title}
    return render(request, "error.html", context, status_code=status, strict=False)


def error_page(request: Request, error: RevhubError) -> Response:
    """A page for an error revhub raised on purpose: sign in, forbidden, not found, or
    the message of anything else the request got wrong."""
    if isinstance(error, AuthenticationError):
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target = here if request.method == "GET" else "/"
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
    if isinstance(error, PermissionDeniedError | CsrfError):
        return _error(request, 403, "Not for your role", str(error))
    if isinstance(error, RateLimitedError):
        return _error(request, 429, "Too many attempts", str(error))
    if isinstance(error, NotFoundError):
        return _error(request, 404, "Not found", str(error))
    return _error(request, 400, "Cannot show this page", str(error))


def http_error_page(request: Request, error: HTTPException) -> Response:
    """A page for an unknown address or a method a page does not take."""
    title = HTTPStatus(error.status_code).phrase
    message = (
        f"there is no page at {request.url.path}."
        if error.status_code == 404
        else error.detail
        if isinstance(error.detail, str)
        else title
    )
    response = _error(request, error.status_code, title, message)
    response.headers.update(error.headers or {})
    return response
