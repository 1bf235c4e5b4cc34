"""HubSpot pulls: companies, contacts and deals (CRM v3) with every property, owners, pipelines.

The first pull lists each object in full (``GET /crm/v3/objects/<object>``, every property
from ``/crm/v3/properties/<object>``, ``associations`` as the file connector reads them).
Later pulls search for records modified after the cursor (``POST .../search``, sorted by
the last-modified property, ascending). Search stops at 10,000 results per query, so at
that point the query starts again from the last modified time reached. Search results
carry no associations: they are read with the associations batch API and put where the
list endpoint puts them (``associations.<to>.results``, ``{"id", "type"}`` items). Archived
records come from ``archived=true`` lists (only those archived after the previous pull)
into the same files. Owners (active and archived) and deal pipelines are pulled in full.

Files: ``companies|contacts|deals|owners|pipelines.pull-<NNNN>.json`` as ``{"results":
[...]}`` with the API's records. Cursors: milliseconds of the newest ``updatedAt`` per
object and of the newest ``archivedAt`` (``<object>.archived``). Credential:
HUBSPOT_ACCESS_TOKEN, a private app token.

>>> milliseconds("2024-09-11T13:27:39.356Z")
1726061259356
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator
from requests import Response

from revhub.errors import ConfigError, DataError
from revhub.sources.live.files import JsonListFile, Staging
from revhub.sources.live.http import Api
from revhub.sources.live.report import ObjectPull, Pulled

BASE_URL = "https://api.hubapi.com"
ASSOCIATIONS = {"companies": (), "contacts": ("companies",), "deals": ("companies", "contacts")}
MODIFIED = {"companies": "hs_lastmodifieddate", "contacts": "lastmodifieddate"}
SEARCH_LIMIT = 10_000  # results one search query can page through
PAGE = 100
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class SearchPaginator(JSONResponseCursorPaginator):
    """``paging.next.after`` into the body's ``after``, stopping at the search limit."""

    def __init__(self) -> None:
        super().__init__(cursor_path="paging.next.after", cursor_body_path="after")
        self.capped = False

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        """Read the next ``after``; past the limit, stop and say so in ``capped``."""
        super().update_state(response, data)
        after = self._next_reference
        if after is not None and int(after) >= SEARCH_LIMIT:
            self.capped = True
            self._has_next_page = False


def connect(base_url: str | None, env: Mapping[str, str], backoff: float) -> Api:
    """The HubSpot API (``base_url`` or api.hubapi.com) with HUBSPOT_ACCESS_TOKEN.

    >>> connect(None, {"HUBSPOT_ACCESS_TOKEN": "pat-na1-x"}, 1.0).base_url
    'https://api.hubapi.com'
    """
    token = env.get("HUBSPOT_ACCESS_TOKEN")
    if not token:
        raise ConfigError(
            "HUBSPOT_ACCESS_TOKEN is not set; export a HubSpot private app token to pull "
            "from HubSpot."
        )
    return Api("HubSpot", base_url or BASE_URL, token=token, backoff=backoff, credential=scope)


def pull(api: Api, staging: Staging, cursors: Mapping[str, Any]) -> Pulled:
    """Pull companies, contacts and deals since their cursors, then owners and pipelines."""
    pulled = Pulled()
    for name in ASSOCIATIONS:
        _crm_object(api, staging, name, cursors, pulled)
    pulled.objects.append(_owners(api, staging))
    pipelines = staging.json_list("pipelines", "results")
    for pipeline in api.get("/crm/v3/pipelines/deals")["results"]:
        pipelines.write(pipeline)
    pulled.objects.append(ObjectPull("pipelines", pipelines.count, 1, pipelines.written))
    return pulled


def milliseconds(stamp: str) -> int:
    """An ISO timestamp as HubSpot's milliseconds since 1970."""
    moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return (moment - _EPOCH) // dt.timedelta(milliseconds=1)


def scope(path: str, message: str = "") -> str:
    """What to check when HubSpot refuses ``path`` (401/403).

    >>> print(scope("/crm/v3/objects/contacts/search"))  # doctest: +ELLIPSIS
    the token in HUBSPOT_ACCESS_TOKEN is invalid or lacks the crm.objects.contacts.read scope; ...
    """
    parts = path.strip("/").split("/")
    name = parts[3] if len(parts) > 3 else "owners"
    needed = f"crm.objects.{name}.read"
    if parts[2:3] == ["properties"]:
        needed = f"crm.schemas.{name}.read"
    elif parts[2:3] == ["pipelines"]:
        needed = "crm.objects.deals.read"
    elif parts[2:3] == ["associations"] and len(parts) > 4:
        needed = f"crm.objects.{parts[3]}.read and crm.objects.{parts[4]}.read"
    return (
        f"the token in HUBSPOT_ACCESS_TOKEN is invalid or lacks the {needed} scope; check the "
        "private app's token and scopes"
    )


def _crm_object(
    api: Api, staging: Staging, name: str, cursors: Mapping[str, Any], pulled: Pulled
) -> None:
    properties = [p["name"] for p in api.get(f"/crm/v3/properties/{name}")["results"]]
    file = staging.json_list(name, "results")
    since = cursors.get(name)
    if since is None:
        pages, newest = _list(api, file, name, properties)
    else:
        pages, newest = _search(api, file, name, properties, int(since))
    more, archived = _archived(api, file, name, properties, cursors.get(f"{name}.archived"))
    pulled.objects.append(ObjectPull(name, file.count, pages + more, file.written, newest))
    if newest is not None:
        pulled.cursors[name] = newest
    if archived is not None:
        pulled.cursors[f"{name}.archived"] = archived


def _list_params(name: str, properties: list[str], archived: bool) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": PAGE, "properties": ",".join(properties)}
    params["archived"] = "true" if archived else "false"
    if ASSOCIATIONS[name] and not archived:
        params["associations"] = ",".join(ASSOCIATIONS[name])
    return params


def _cursor_paging() -> JSONResponseCursorPaginator:
    return JSONResponseCursorPaginator(cursor_path="paging.next.after", cursor_param="after")


def _list(api: Api, file: JsonListFile, name: str, properties: list[str]) -> tuple[int, int | None]:
    pages, newest = 0, None
    params = _list_params(name, properties, archived=False)
    for page in api.pages(
        f"/crm/v3/objects/{name}", params=params, paginator=_cursor_paging(), records="results"
    ):
        pages += 1
        for record in page:
            file.write(record)
            newest = max(newest or 0, milliseconds(record["updatedAt"]))
    return pages, newest


def _search(
    api: Api, file: JsonListFile, name: str, properties: list[str], since: int
) -> tuple[int, int]:
    modified = MODIFIED.get(name, "hs_lastmodifieddate")
    pages, newest, operator, seen = 0, since, "GT", set()
    while True:
        start = newest
        body = {
            "filterGroups": [
                {"filters": [{"propertyName": modified, "operator": operator, "value": str(start)}]}
            ],
            "sorts": [{"propertyName": modified, "direction": "ASCENDING"}],
            "properties": properties,
            "limit": PAGE,
        }
        paging = SearchPaginator()
        path = f"/crm/v3/objects/{name}/search"
        for page in api.pages(path, paginator=paging, records="results", body=body):
            pages += 1
            fresh = [record for record in page if record["id"] not in seen]
            _attach_associations(api, name, fresh)
            for record in fresh:
                seen.add(record["id"])
                file.write(record)
                newest = max(newest, milliseconds(record["updatedAt"]))
        if not paging.capped:
            return pages, newest
        if newest == start:
            raise DataError(
                f"HubSpot has more than {SEARCH_LIMIT} {name} modified at the same millisecond "
                f"({start}); the search API cannot page past them. Delete the {name} cursor "
                "from .revhub-pull-state.json to pull them in full instead."
            )
        operator = "GTE"  # records sharing the last time may straddle the limit


def _attach_associations(api: Api, name: str, records: list[dict[str, Any]]) -> None:
    if not records:
        return
    for target in ASSOCIATIONS[name]:
        inputs = [{"id": record["id"]} for record in records]
        answer = api.post(f"/crm/v3/associations/{name}/{target}/batch/read", {"inputs": inputs})
        linked = {item["from"]["id"]: item["to"] for item in answer.get("results", [])}
        for record in records:
            if linked.get(record["id"]):
                record.setdefault("associations", {})[target] = {"results": linked[record["id"]]}


def _archived(
    api: Api, file: JsonListFile, name: str, properties: list[str], since: Any
) -> tuple[int, int | None]:
    pages, newest = 0, None if since is None else int(since)
    params = _list_params(name, properties, archived=True)
    for page in api.pages(
        f"/crm/v3/objects/{name}", params=params, paginator=_cursor_paging(), records="results"
    ):
        pages += 1
        for record in page:
            archived_at = milliseconds(record.get("archivedAt") or record["updatedAt"])
            if since is None or archived_at > int(since):
                file.write(record)
                newest = max(newest or 0, archived_at)
    return pages, newest


def _owners(api: Api, staging: Staging) -> ObjectPull:
    file = staging.json_list("owners", "results")
    pages = 0
    for archived in ("false", "true"):
        for page in api.pages(
            "/crm/v3/owners",
            params={"limit": PAGE, "archived": archived},
            paginator=_cursor_paging(),
            records="results",
        ):
            pages += 1
            for owner in page:
                file.write(owner)
    return ObjectPull("owners", file.count, pages, file.written)
