"""Signing in: session cookies with CSRF, API tokens shown once, rate-limited logins,
logout, and the audit trail of each."""

from __future__ import annotations

from served_app import PASSWORD, Served

from revhub.access import Role
from revhub.api.caller import CSRF_HEADER, SESSION_COOKIE
from revhub.appdb import recent


def login(served: Served, username: str = "revenue_analyst", password: str = PASSWORD):  # type: ignore[no-untyped-def]
    client = served.client()
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    return client, response


def test_login_sets_a_secure_http_only_cookie_and_returns_the_csrf_token(served: Served) -> None:
    client, response = login(served)
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["role"] == "revenue_analyst"
    assert "revenue" in body["user"]["areas"] and "admin" not in body["user"]["areas"]
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "Secure" in cookie and "samesite=lax" in cookie.lower()
    assert client.get("/api/me").json()["username"] == "revenue_analyst"


def test_changes_with_a_session_need_the_csrf_token(served: Served) -> None:
    client, response = login(served)
    csrf = response.json()["csrf_token"]
    refused = client.post("/api/views", json={"name": "mine", "page": "/funnel"})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    wrong = client.post(
        "/api/views", json={"name": "mine", "page": "/funnel"}, headers={CSRF_HEADER: "x" * 43}
    )
    assert wrong.status_code == 403
    saved = client.post(
        "/api/views",
        json={"name": "mine", "page": "/funnel", "query": "segment=smb"},
        headers={CSRF_HEADER: csrf},
    )
    assert saved.status_code == 201
    assert [v["name"] for v in client.get("/api/views").json()] == ["mine"]


def test_wrong_password_is_401_without_saying_which_part_was_wrong(served: Served) -> None:
    _, wrong_password = login(served, password="not the password at all")
    _, no_such_user = login(served, username="nobody-here")
    assert wrong_password.status_code == no_such_user.status_code == 401
    assert wrong_password.json()["detail"] == no_such_user.json()["detail"]
    assert wrong_password.headers["content-type"] == "application/problem+json"
    assert recent(served.hub.database, action="login_failed")


def test_too_many_failed_logins_are_refused_with_retry_after(served: Served) -> None:
    limit = served.hub.settings.server.login_attempts
    statuses = [
        login(served, username="finance", password=f"wrong {i}")[1] for i in range(limit + 1)
    ]
    assert [r.status_code for r in statuses[:limit]] == [401] * limit
    blocked = statuses[-1]
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    # even the right password waits until the window has passed
    assert login(served, username="finance")[1].status_code == 429


def test_logout_ends_the_session(served: Served) -> None:
    client, response = login(served, username="cro")
    csrf = response.json()["csrf_token"]
    assert client.post("/api/auth/logout", headers={CSRF_HEADER: csrf}).status_code == 204
    assert client.get("/api/me").status_code == 401


def test_api_tokens_are_shown_once_and_stop_working_when_revoked(served: Served) -> None:
    client = served.client(Role.revops_manager)
    created = client.post("/api/tokens", json={"name": "laptop", "days": 30})
    assert created.status_code == 201
    token = created.json()["token"]
    assert token.startswith("rh_")
    listed = client.get("/api/tokens").json()
    assert all("token" not in t for t in listed)
    assert {t["name"] for t in listed} >= {"laptop"}
    bearer = served.client()
    bearer.headers["Authorization"] = f"Bearer {token}"
    assert bearer.get("/api/me").json()["username"] == "revops_manager"
    assert client.delete(f"/api/tokens/{created.json()['id']}").status_code == 204
    assert bearer.get("/api/me").status_code == 401


def test_a_malformed_authorization_header_is_explained(served: Served) -> None:
    client = served.client()
    client.headers["Authorization"] = "Token abc"
    response = client.get("/api/me")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
