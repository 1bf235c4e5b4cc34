"""HubSpot pulls against recorded CRM v3 responses."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import responses
from live_recorded import body, calls, json_body, query, serve

from revhub.config import SourceSettings
from revhub.errors import ConfigError, DataError
from revhub.sources.live import pull
from revhub.sources.live.hubspot import milliseconds
from revhub.sources.live.state import STATE_FILE
from revhub.sources.readers import read_json_records

HOST = "https://hubspot.test"
TOKEN = "pat-na1-1f2e3d4c-secret-token"
ENV = {"HUBSPOT_ACCESS_TOKEN": TOKEN}
SETTINGS = SourceSettings(kind="hubspot", path="hubspot", base_url=HOST)
CONTACTS = "/crm/v3/objects/contacts"
COMPANIES = "/crm/v3/objects/companies"


def serve_rest(mock: responses.RequestsMock) -> None:
    """Owners (active, archived) and deal pipelines."""
    for name in ("owners", "owners_archived", "pipelines_deals"):
        serve(mock, HOST, "hubspot", name)


def serve_first_pull(mock: responses.RequestsMock) -> None:
    serve(mock, HOST, "hubspot", "properties_companies")
    serve(mock, HOST, "hubspot", "companies")
    serve(mock, HOST, "hubspot", "empty_list", path=COMPANIES)  # archived
    for name in ("properties_contacts", "contacts_page1", "contacts_page2", "contacts_archived"):
        serve(mock, HOST, "hubspot", name)
    serve(mock, HOST, "hubspot", "properties_deals")
    serve(mock, HOST, "hubspot", "deals")
    serve(mock, HOST, "hubspot", "empty_list", path="/crm/v3/objects/deals")  # archived
    serve_rest(mock)


def serve_second_pull(mock: responses.RequestsMock, *contact_pages: str) -> None:
    """Search finds ``contact_pages`` of contacts and nothing else; nothing newly archived."""
    serve(mock, HOST, "hubspot", "properties_companies")
    serve(mock, HOST, "hubspot", "search_empty")
    serve(mock, HOST, "hubspot", "empty_list", path=COMPANIES)
    serve(mock, HOST, "hubspot", "properties_contacts")
    for page in contact_pages:
        serve(mock, HOST, "hubspot", page)
        serve(mock, HOST, "hubspot", "associations_contacts_companies")
    serve(mock, HOST, "hubspot", "contacts_archived")  # archived before the last pull
    serve(mock, HOST, "hubspot", "properties_deals")
    serve(mock, HOST, "hubspot", "search_empty", path="/crm/v3/objects/deals/search")
    serve(mock, HOST, "hubspot", "empty_list", path="/crm/v3/objects/deals")
    serve_rest(mock)


def test_first_pull_lists_every_page_with_all_properties(
    mock: responses.RequestsMock, tmp_path: Path
):
    serve_first_pull(mock)

    report = pull("hs", SETTINGS, tmp_path, ENV, backoff=0.001)

    by_name = {o.name: o for o in report.objects}
    assert [o.name for o in report.objects] == [
        "companies",
        "contacts",
        "deals",
        "owners",
        "pipelines",
    ]
    assert (by_name["contacts"].records, by_name["contacts"].pages) == (4, 3)
    first, second, archived = calls(mock, CONTACTS)
    assert query(first)["properties"] == [
        "email,firstname,lastname,lifecyclestage,hubspot_owner_id,associatedcompanyid,"
        "createdate,lastmodifieddate,hs_object_id"
    ]
    assert query(first)["associations"] == ["companies"]
    assert query(first)["limit"] == ["100"]
    assert query(second)["after"] == ["103"]
    assert query(archived)["archived"] == ["true"]
    assert query(calls(mock, "/crm/v3/objects/deals")[0])["associations"] == ["companies,contacts"]
    assert "associations" not in query(calls(mock, COMPANIES)[0])
    assert json.loads((tmp_path / STATE_FILE).read_text()) == {
        "companies": milliseconds("2024-04-20T18:00:00.000Z"),
        "contacts": milliseconds("2024-05-03T08:00:00.000Z"),
        "contacts.archived": milliseconds("2024-04-30T16:00:00.000Z"),
        "deals": milliseconds("2024-05-04T09:10:11.213Z"),
    }


def test_files_hold_the_api_records_unchanged(mock: responses.RequestsMock, tmp_path: Path):
    serve_first_pull(mock)

    pull("hs", SETTINGS, tmp_path, ENV, backoff=0.001)

    contacts = json.loads((tmp_path / "contacts.pull-0001.json").read_text())
    recorded = [*body("hubspot", "contacts_page1")["results"]]
    recorded += body("hubspot", "contacts_page2")["results"]
    recorded += body("hubspot", "contacts_archived")["results"]
    assert contacts == {"results": recorded}
    owners = read_json_records(tmp_path / "owners.pull-0001.json", "results").records
    assert [o["id"] for o in owners] == ["4134", "4135"]
    pipelines = json.loads((tmp_path / "pipelines.pull-0001.json").read_text())
    assert pipelines == body("hubspot", "pipelines_deals")


def test_second_pull_searches_only_newer_records(mock: responses.RequestsMock, tmp_path: Path):
    serve_first_pull(mock)
    pull("hs", SETTINGS, tmp_path, ENV, backoff=0.001)
    serve_second_pull(mock, "search_contacts_page1", "search_contacts_page2")

    report = pull("hs", SETTINGS, tmp_path, ENV, backoff=0.001)

    first, second = (json_body(c) for c in calls(mock, f"{CONTACTS}/search"))
    assert first["filterGroups"] == [
        {
            "filters": [
                {
                    "propertyName": "lastmodifieddate",
                    "operator": "GT",
                    "value": str(milliseconds("2024-05-03T08:00:00.000Z")),
                }
            ]
        }
    ]
    assert first["sorts"] == [{"propertyName": "lastmodifieddate", "direction": "ASCENDING"}]
    assert "after" not in first
    assert second["after"] == "1"
    company_filter = json_body(calls(mock, f"{COMPANIES}/search")[0])["filterGroups"]
    assert company_filter[0]["filters"][0]["propertyName"] == "hs_lastmodifieddate"
    contacts = json.loads((tmp_path / "contacts.pull-0002.json").read_text())["results"]
    assert [c["id"] for c in contacts] == ["102", "104"]  # the archived one was pulled before
    assert contacts[0]["associations"] == {
        "companies": {
            "results": [
                {"id": "8802", "type": "contact_to_company"},
                {"id": "8802", "type": "contact_to_company_unlabeled"},
            ]
        }
    }
    assert "associations" not in contacts[1]
    assert {o.name: o.file for o in report.objects}["companies"] is None
    assert json.loads((tmp_path / STATE_FILE).read_text())["contacts"] == milliseconds(
        "2024-05-11T07:00:00.000Z"
    )


def test_search_limit_moves_the_cursor_forward(mock: responses.RequestsMock, tmp_path: Path):
    serve_first_pull(mock)
    pull("hs", SETTINGS, tmp_path, ENV, backoff=0.001)
    serve_second_pull(mock, "search_contacts_capped", "search_contacts_page2")

    pull("hs", SETTINGS, tmp_path, ENV, backoff=0.001)

    _, restarted = (json_body(c) for c in calls(mock, f"{CONTACTS}/search"))
    assert "after" not in restarted  # a new query, not page 10,000 of the old one
    assert restarted["filterGroups"][0]["filters"][0] == {
        "propertyName": "lastmodifieddate",
        "operator": "GTE",
        "value": str(milliseconds("2024-05-12T07:00:00.000Z")),
    }
    contacts = json.loads((tmp_path / "contacts.pull-0002.json").read_text())["results"]
    assert [c["id"] for c in contacts] == ["105", "104"]


def test_rate_limit_waits_as_long_as_retry_after_says(mock: responses.RequestsMock, tmp_path):
    serve(mock, HOST, "hubspot", "error_429")  # Retry-After: 10
    serve_first_pull(mock)

    started = time.monotonic()
    report = pull("hs", SETTINGS, tmp_path, ENV, backoff=0.02)

    assert time.monotonic() - started >= 10 * 0.02  # not the 1 s first exponential step
    assert report.retries == 1
    assert report.objects[0].records == 2


def test_retries_run_out(mock: responses.RequestsMock, tmp_path: Path):
    for _ in range(5):
        serve(mock, HOST, "hubspot", "error_502")

    with pytest.raises(DataError) as caught:
        pull("hs", SETTINGS, tmp_path, ENV, backoff=0.001)

    message = str(caught.value)
    assert message.startswith(
        "HubSpot returned 502 for /crm/v3/properties/companies after 5 attempts"
    )
    assert TOKEN not in message
    assert len(mock.calls) == 5
    assert list(tmp_path.iterdir()) == []


def test_bad_token_names_the_scope(mock: responses.RequestsMock, tmp_path: Path):
    serve(mock, HOST, "hubspot", "error_401")

    with pytest.raises(ConfigError) as caught:
        pull("hs", SETTINGS, tmp_path, ENV, backoff=0.001)

    assert str(caught.value) == (
        "HubSpot returned 401 for /crm/v3/properties/companies: the token in "
        "HUBSPOT_ACCESS_TOKEN is invalid or lacks the crm.schemas.companies.read scope; "
        "check the private app's token and scopes."
    )
    assert len(mock.calls) == 1


def test_missing_token_is_named(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"^HUBSPOT_ACCESS_TOKEN is not set"):
        pull("hs", SETTINGS, tmp_path, {})
