"""A vendor API as a dlt ``RESTClient``: auth, retries with backoff, errors that say what to do.

Requests go through dlt's ``Session`` (timeouts) and ``RESTClient`` (pagination); 429 and
5xx answers and dropped connections are retried below them (``retry.RetryingAdapter``).
Any other error status becomes a ``ConfigError`` (401/403: the credential) or a
``DataError``, naming the vendor, the URL path and the status, never the token.

dlt's own retrying ``Client`` is not used: creating one initialises dlt's runtime (reads
``.dlt/*.toml`` from the working and home directories, installs a log handler and starts
its anonymous telemetry), and it caps ``Retry-After`` by its maximum delay, so waits could
not be scaled for tests.

>>> api = Api("Stripe", "https://api.stripe.com", token="sk_test_x", backoff=0.0)
>>> api.url("/v1/customers")
'https://api.stripe.com/v1/customers'
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib.metadata import version
from typing import Any
from urllib.parse import urlsplit

from dlt.common.configuration.specs import RuntimeConfiguration
from dlt.sources.helpers.requests import Session
from dlt.sources.helpers.rest_client.client import PageData, RESTClient
from dlt.sources.helpers.rest_client.paginators import BasePaginator
from dlt.sources.helpers.rest_client.typing import HTTPMethodBasic
from requests import PreparedRequest, RequestException, Response
from requests.auth import AuthBase

from revhub.errors import ConfigError, DataError
from revhub.sources.live.retry import ATTEMPTS, RETRY_STATUS, RetryingAdapter

TIMEOUT = (10.0, 120.0)  # connect, read (seconds)


class Bearer(AuthBase):
    """``Authorization: Bearer <token>``, kept out of dlt's request logging and reprs."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request

    def __repr__(self) -> str:
        return "Bearer(***)"


class Api:
    """A vendor's API at ``base_url``: JSON requests and pages, with vendor-named errors.

    ``credential(path, message)`` says, for a path answered 401/403 with the vendor's error
    ``message``, what is wrong with the credential and how to fix it; None when the answer
    is about something else (e.g. Salesforce's 403 for a used-up API limit).
    """

    def __init__(
        self,
        vendor: str,
        base_url: str,
        *,
        token: str,
        backoff: float = 1.0,
        headers: Mapping[str, str] | None = None,
        credential: Callable[[str, str], str | None] | None = None,
        attempts: int = ATTEMPTS,
    ) -> None:
        self.vendor = vendor
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._credential = credential or (lambda path, message: "the credential is invalid")
        self._adapter = RetryingAdapter(attempts, backoff)
        session = Session(timeout=TIMEOUT, raise_for_status=False)
        session.mount("https://", self._adapter)
        session.mount("http://", self._adapter)
        session.headers["User-Agent"] = f"revhub/{version('revhub')}"
        self.client = RESTClient(
            self.base_url,
            headers=dict(headers or {}),
            auth=Bearer(token),
            session=session,
            config=RuntimeConfiguration(),
        )

    @property
    def retries(self) -> int:
        """Requests resent so far after a 429, a 5xx or a dropped connection."""
        return self._adapter.retries

    def url(self, path: str) -> str:
        """The full URL of ``path``."""
        return f"{self.base_url}/{path.lstrip('/')}"

    def get(
        self, path: str, params: Mapping[str, Any] | None = None, *, absent_ok: bool = False
    ) -> Any:
        """The JSON body of ``GET path``; None for a 404 when ``absent_ok``."""
        response = self._request("GET", path, params=params)
        if absent_ok and response.status_code == 404:
            return None
        self._check(response)
        return self._json(response)

    def post(self, path: str, body: Mapping[str, Any]) -> Any:
        """The JSON body of ``POST path`` with a JSON ``body``."""
        response = self._request("POST", path, json=body)
        self._check(response)
        return self._json(response)

    def pages(
        self,
        path: str,
        *,
        paginator: BasePaginator,
        records: str,
        params: Mapping[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Iterator[PageData[Any]]:
        """Every page of ``path`` (POST when ``body`` is given), the list at ``records`` each."""
        pages = self.client.paginate(
            path,
            method="POST" if body is not None else "GET",
            params=dict(params or {}),
            json=body,
            paginator=paginator,
            data_selector=records,
            hooks={"response": [self._check]},
        )
        try:
            yield from pages
        except RequestException as error:
            raise self._unreachable(path, error) from error

    def _request(self, method: HTTPMethodBasic, path: str, **kwargs: Any) -> Response:
        try:
            return self.client.request(path, method=method, **kwargs)
        except RequestException as error:
            raise self._unreachable(path, error) from error

    def _json(self, response: Response) -> Any:
        try:
            return response.json()
        except ValueError as error:
            raise DataError(
                f"{self.vendor} answered {self._path(response.url)} with a body that is not "
                f"JSON ({error}); is base_url pointing at the {self.vendor} API?"
            ) from error

    def _check(self, response: Response, *args: Any, **kwargs: Any) -> None:
        """Raise the revhub error for an error status (a requests response hook)."""
        status = response.status_code
        if status < 400:
            return
        path = self._path(response.url)
        said = f"{self.vendor} returned {status} for {path}"
        detail = self._redact(_vendor_message(response))
        hint = self._credential(path, detail) if status in (401, 403) else None
        if hint is not None:
            raise ConfigError(f"{said}: {hint}.")
        if status in RETRY_STATUS:
            raise DataError(
                f"{said} after {self._adapter.attempts} attempts; the API is rate-limiting or "
                "unavailable. Try the pull again later; nothing was changed."
            )
        raise DataError(f"{said}: {detail or response.reason}. Nothing was changed.")

    def _unreachable(self, path: str, error: RequestException) -> DataError:
        host = urlsplit(self.base_url).netloc
        return DataError(
            f"could not reach {self.vendor} at {host} for {self._path(path)} "
            f"({type(error).__name__}) after {self._adapter.attempts} attempts; check the "
            "network and the source's base_url. Nothing was changed."
        )

    def _path(self, url: str | None) -> str:
        return urlsplit(url or "").path or "/"

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text


def _vendor_message(response: Response) -> str:
    """The error message in a vendor's error body (Salesforce, HubSpot, Stripe), cut short."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, list) and body and isinstance(body[0], dict):
        body = body[0]  # Salesforce: [{"message": ..., "errorCode": ...}]
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]  # Stripe: {"error": {"message": ..., "type": ...}}
    message = body.get("message") if isinstance(body, dict) else None
    return " ".join(message.split())[:300] if isinstance(message, str) else ""
