"""Retries below the HTTP client: 429, 5xx and dropped connections, with exponential backoff.

``RetryingAdapter`` is a requests transport adapter, so a retried request never reaches the
response hooks or dlt's paginator twice. It waits what ``Retry-After`` asks (seconds or an
HTTP date) and otherwise 1, 2, 4, ... seconds, at most ``MAX_WAIT``, every wait multiplied
by ``backoff`` (1.0 in use; tests pass a tiny one). After ``attempts`` tries it returns the
last answer (or raises the last connection error) for the caller to report.

>>> RetryingAdapter(attempts=5, backoff=0.0).retries
0
"""

from __future__ import annotations

import email.utils
import re
import time
from typing import Any

from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter
from requests.exceptions import ChunkedEncodingError, ConnectionError, Timeout

ATTEMPTS = 5  # tries of one request before giving up
MAX_WAIT = 60.0  # seconds, before scaling by ``backoff``
RETRY_STATUS = frozenset({429, *range(500, 600)})
_TRANSIENT = (ConnectionError, Timeout, ChunkedEncodingError)
_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")


class RetryingAdapter(HTTPAdapter):
    """Resends a request answered 429/5xx (or dropped) up to ``attempts`` times in all."""

    def __init__(self, attempts: int, backoff: float) -> None:
        super().__init__()
        self.attempts = attempts
        self.backoff = backoff
        self.retries = 0

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        """Send ``request``; the last answer is returned even when it is an error."""
        attempt = 1
        while True:
            try:
                response = super().send(request, *args, **kwargs)
            except _TRANSIENT:
                if attempt >= self.attempts:
                    raise
                wait = exponential(attempt)
            else:
                if response.status_code not in RETRY_STATUS or attempt >= self.attempts:
                    return response
                wait = retry_after(response.headers.get("Retry-After")) or exponential(attempt)
                response.close()
            time.sleep(min(wait, MAX_WAIT) * self.backoff)
            self.retries += 1
            attempt += 1


def exponential(attempt: int) -> float:
    """Seconds to wait after the ``attempt``-th failed try: 1, 2, 4, ...

    >>> [exponential(n) for n in (1, 2, 3)]
    [1.0, 2.0, 4.0]
    """
    return float(2 ** (attempt - 1))


def retry_after(header: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (a number or an HTTP date), or None.

    >>> retry_after("7"), retry_after(None), retry_after("soon")
    (7.0, None, None)
    """
    if not header:
        return None
    if _NUMBER.match(header):
        return float(header)
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None  # neither form: wait the exponential step instead
    return max(when.timestamp() - time.time(), 0.0)
