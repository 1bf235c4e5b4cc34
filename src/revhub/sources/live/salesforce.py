"""Salesforce pulls: for each object, its fields by ``describe``, then ``queryAll`` as CSV.

``queryAll`` includes deleted records (``IsDeleted`` true). The query selects every field
that is one value (compound address/location and binary fields are left out, as are
relationship objects), ordered by ``SystemModstamp``; after the first pull it asks only
for records whose ``SystemModstamp`` is past the saved cursor. SOQL takes datetimes to
the second, so the query starts at the cursor's second and records at or before the
cursor itself are dropped. An object the org does not have (describe answers 404) or
that cannot be queried is skipped with a note.

Files: ``<Object>.pull-<NNNN>.csv``, API field names as the header, values as the REST API
returns them: datetimes ``2024-01-02T03:04:05.000+0000``, booleans ``true``/``false``,
numbers as sent, nulls empty. Credentials: ``SALESFORCE_INSTANCE_URL`` and
``SALESFORCE_ACCESS_TOKEN`` (a session or OAuth access token, obtained outside revhub,
e.g. with ``sf org display --verbose``).

>>> soql_datetime("2024-01-02T03:04:05.250+0000")
'2024-01-02T03:04:05Z'
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from dlt.sources.helpers.rest_client.paginators import JSONLinkPaginator
from requests import Response

from revhub.errors import ConfigError, DataError
from revhub.sources.live.files import Staging
from revhub.sources.live.http import Api
from revhub.sources.live.report import ObjectPull, Pulled

API = "/services/data/v60.0"
OBJECTS = (
    "Account",
    "Contact",
    "Lead",
    "Opportunity",
    "OpportunityHistory",
    "OpportunityLineItem",
    "Campaign",
    "CampaignMember",
    "Task",
    "Event",
    "User",
    "UserRole",
)
CURSOR = "SystemModstamp"
_NOT_ONE_VALUE = {"address", "location", "base64"}
_FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"


def connect(base_url: str | None, env: Mapping[str, str], backoff: float) -> Api:
    """The org's REST API, from ``base_url`` or SALESFORCE_INSTANCE_URL, with the token.

    >>> connect(None, {"SALESFORCE_ACCESS_TOKEN": "00D!x"}, 1.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    revhub.errors.ConfigError: SALESFORCE_INSTANCE_URL is not set; export your org's address ...
    """
    token = env.get("SALESFORCE_ACCESS_TOKEN")
    if not token:
        raise ConfigError(
            "SALESFORCE_ACCESS_TOKEN is not set; export a Salesforce access token (e.g. from "
            "`sf org display --verbose`) to pull from Salesforce."
        )
    instance = base_url or env.get("SALESFORCE_INSTANCE_URL")
    if not instance:
        raise ConfigError(
            "SALESFORCE_INSTANCE_URL is not set; export your org's address "
            "(e.g. https://acme.my.salesforce.com) to pull from Salesforce."
        )
    return Api("Salesforce", instance, token=token, backoff=backoff, credential=_credential)


def pull(api: Api, staging: Staging, cursors: Mapping[str, Any]) -> Pulled:
    """Pull every object of ``OBJECTS`` newer than its cursor into ``staging``."""
    pulled = Pulled()
    for name in OBJECTS:
        fields = _fields(api, name, pulled.notes)
        if fields is None:
            continue
        done = _query(api, staging, name, fields, cursors.get(name))
        pulled.objects.append(done)
        if done.cursor is not None:
            pulled.cursors[name] = done.cursor
    return pulled


def soql_datetime(stamp: str) -> str:
    """A ``SystemModstamp`` as a SOQL datetime literal (UTC, to the second).

    >>> soql_datetime("2024-01-02T03:04:05.250+0100")
    '2024-01-02T02:04:05Z'
    """
    moment = dt.datetime.strptime(stamp, _FORMAT).astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def cell(value: Any) -> str:
    """One CSV cell: nulls empty, booleans true/false, anything else as sent.

    >>> [cell(v) for v in (None, True, "1500000.0", 12, "Acme")]
    ['', 'true', '1500000.0', '12', 'Acme']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _fields(api: Api, name: str, notes: list[str]) -> list[str] | None:
    describe = api.get(f"{API}/sobjects/{name}/describe", absent_ok=True)
    if describe is None:
        notes.append(f"{name}: skipped, the org has no such object (or the user cannot see it)")
        return None
    if not describe.get("queryable", True):
        notes.append(f"{name}: skipped, Salesforce says it cannot be queried")
        return None
    fields = [
        field["name"]
        for field in describe.get("fields", [])
        if field.get("type") not in _NOT_ONE_VALUE and not field.get("deprecatedAndHidden")
    ]
    if "Id" not in fields or CURSOR not in fields:
        raise DataError(
            f"Salesforce describe of {name} lists no Id or {CURSOR} field; revhub cannot pull "
            "it incrementally. Check the user's field-level security on the object."
        )
    return fields


def _query(
    api: Api, staging: Staging, name: str, fields: list[str], cursor: str | None
) -> ObjectPull:
    soql = f"SELECT {', '.join(fields)} FROM {name}"
    if cursor is not None:
        soql += f" WHERE {CURSOR} > {_literal(name, cursor)}"
    soql += f" ORDER BY {CURSOR}"
    file = staging.csv(name, fields)
    pages, newest = 0, cursor
    for page in api.pages(
        f"{API}/queryAll",
        params={"q": soql},
        paginator=JSONLinkPaginator(next_url_path="nextRecordsUrl"),
        records="records",
    ):
        pages += 1
        for record in _exact_records(page.response):
            stamp: str = record[CURSOR]
            if cursor is not None and stamp <= cursor:
                continue  # pulled already: the query starts at the cursor's second
            file.write(_row(record, fields))
            newest = stamp if newest is None or stamp > newest else newest
    return ObjectPull(name, file.count, pages, file.written, newest)


def _exact_records(response: Response) -> list[dict[str, Any]]:
    """The page's records with numbers as the text Salesforce sent (no float rounding)."""
    records: list[dict[str, Any]] = json.loads(response.text, parse_float=str)["records"]
    return records


def _row(record: Mapping[str, Any], fields: Iterable[str]) -> list[str]:
    return [cell(record.get(field)) for field in fields]


def _literal(name: str, cursor: str) -> str:
    try:
        return soql_datetime(cursor)
    except (TypeError, ValueError) as error:
        raise DataError(
            f"the saved Salesforce cursor of {name} ({cursor!r}) is not a SystemModstamp like "
            "2024-01-02T03:04:05.000+0000; remove it from .revhub-pull-state.json to pull "
            "the object in full."
        ) from error


def _credential(path: str, message: str) -> str | None:
    if "Limit exceeded" in message:  # REQUEST_LIMIT_EXCEEDED comes as a 403
        return None
    return (
        "the access token in SALESFORCE_ACCESS_TOKEN is invalid or expired, or the user may "
        "not use the API or read this object; export a fresh token (e.g. from "
        "`sf org display --verbose`) and check the user's profile"
    )
