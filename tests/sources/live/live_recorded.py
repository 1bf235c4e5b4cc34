"""Serve the recorded vendor responses in tests/fixtures/recorded/ with `responses`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import responses
from responses import matchers

RECORDED = Path(__file__).resolve().parents[2] / "fixtures" / "recorded"


def recording(vendor: str, name: str) -> dict[str, Any]:
    """The exchange recorded in ``<vendor>/<name>.json``."""
    exchange: dict[str, Any] = json.loads((RECORDED / vendor / f"{name}.json").read_text())
    return exchange


def body(vendor: str, name: str) -> Any:
    """The response body of a recorded exchange."""
    return recording(vendor, name)["response"]["body"]


def serve(
    mock: responses.RequestsMock,
    host: str,
    vendor: str,
    name: str,
    *,
    path: str | re.Pattern[str] | None = None,
) -> None:
    """Answer the next matching request at ``host`` with the recorded exchange ``name``."""
    exchange = recording(vendor, name)
    request, response = exchange["request"], exchange["response"]
    where = path if path is not None else request["path"]
    url = (
        re.compile(re.escape(host) + where.pattern)
        if isinstance(where, re.Pattern)
        else host + where
    )
    match = []
    if request.get("query"):
        match.append(matchers.query_param_matcher(request["query"], strict_match=False))
    mock.add(
        request["method"],
        url,
        body=json.dumps(response["body"]),
        status=response["status"],
        headers={k: v for k, v in response["headers"].items() if k != "Content-Type"},
        content_type=response["headers"].get("Content-Type", "application/json"),
        match=match,
    )


def calls(mock: responses.RequestsMock, path: str) -> list[responses.Call]:
    """The requests made to ``path`` (any host), in order."""
    return [c for c in mock.calls if urlsplit(c.request.url or "").path == path]


def query(call: responses.Call) -> dict[str, list[str]]:
    """The query parameters of a recorded request."""
    return parse_qs(urlsplit(call.request.url or "").query)


def json_body(call: responses.Call) -> Any:
    """The JSON body of a recorded request."""
    raw = call.request.body
    return json.loads(raw.decode() if isinstance(raw, bytes) else str(raw))
