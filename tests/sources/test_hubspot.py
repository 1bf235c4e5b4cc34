"""The HubSpot connector: small portals in, canonical rows out.

Each golden case writes a few HubSpot records the way the API, a UI export or a
warehouse sync writes them and states the canonical rows expected.
"""

# CSV golden text keeps one record per line, as HubSpot writes it, however long.
# ruff: noqa: E501

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from revhub.config import SourceSettings
from revhub.errors import DataError
from revhub.sources.base import Batch
from revhub.sources.hubspot import HubSpotSource
from revhub.sources.registry import connector_class

FIXTURES = Path(__file__).parents[1] / "fixtures" / "synced" / "hubspot"
T0 = "2024-01-01T00:00:00.000Z"


def crm(id_: str, updated: str = T0, archived: bool = False, **properties: Any) -> dict[str, Any]:
    """A CRM v3 record."""
    return {
        "id": id_,
        "properties": properties,
        "createdAt": T0,
        "updatedAt": updated,
        "archived": archived,
    }


def run(folder: Path, files: dict[str, Any]) -> list[Batch]:
    """Write ``files`` (JSON documents as Python values, or CSV text) and read them as `hs`."""
    for name, content in files.items():
        text = content if isinstance(content, str) else json.dumps(content)
        (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    source = HubSpotSource("hs", SourceSettings(kind="hubspot", path="."), folder)
    return list(source.batches())


def rows(batches: list[Batch], table: str, *columns: str) -> list[dict[str, Any]]:
    """The rows of ``table`` in every batch, restricted to ``columns`` (None where a batch
    has no such column)."""
    found = []
    for batch in (b for b in batches if b.table == table):
        for row in batch.rows.to_pylist():
            found.append({c: row.get(c) for c in columns})
    return found


def notes(batches: list[Batch]) -> list[str]:
    return [note for batch in batches for note in batch.notes]


def events(batches: list[Batch]) -> list[tuple[Any, ...]]:
    found = rows(
        batches,
        "lifecycle_events",
        "entity_type",
        "entity_id",
        "from_stage",
        "to_stage",
        "occurred_at",
    )
    return [tuple(r.values()) for r in found]


def test_registry_finds_the_connector() -> None:
    assert connector_class("hubspot") is HubSpotSource


def test_companies_and_people_split_by_company_association(tmp_path: Path) -> None:
    companies = {
        "results": [
            crm(
                "11",
                name="Acme",
                domain="acme.com",
                numberofemployees="250",
                annualrevenue="1000000.0",
                country="Germany",
                hubspot_owner_id="501",
                lifecyclestage="customer",
                hs_v2_date_entered_customer="2024-03-01T10:00:00Z",
                hs_lastmodifieddate="2024-03-02T00:00:00Z",
            ),
            crm("12", archived=True, name="Gone Ltd", lifecyclestage="salesqualifiedlead"),
        ]
    }
    contact = crm(
        "21",
        email="ada@acme.com",
        firstname="Ada",
        lastname="Lovelace",
        jobtitle="CTO",
        lifecyclestage="opportunity",
        hs_email_optout="false",
        hubspot_owner_id="501",
    )
    contact["associations"] = {
        "companies": {
            "results": [
                {"id": "12", "type": "contact_to_company_unlabeled"},
                {"id": "11", "type": "contact_to_company"},
            ]
        }
    }
    lead = crm(
        "22",
        email="bob@example.org",
        company="Bob & Co",
        lifecyclestage="marketingqualifiedlead",
        hs_lead_status="IN_PROGRESS",
        hs_analytics_source="ORGANIC_SEARCH",
        hubspotscore="41",
    )
    batches = run(
        tmp_path, {"companies.json": companies, "contacts.json": {"results": [contact, lead]}}
    )
    assert rows(
        batches, "accounts", "account_id", "name", "employees", "annual_revenue", "country",
        "owner_id", "lifecycle_stage", "became_customer_date", "source_id", "updated_at", "_deleted", "_origin",
    ) == [
        {"account_id": "hs:11", "name": "Acme", "employees": "250", "annual_revenue": "1000000.0",
         "country": "Germany", "owner_id": "hs:501", "lifecycle_stage": "customer",
         "became_customer_date": "2024-03-01T10:00:00Z", "source_id": "11", "updated_at": T0,
         "_deleted": False, "_origin": "companies.json:results[0]"},
        {"account_id": "hs:12", "name": "Gone Ltd", "employees": None, "annual_revenue": None,
         "country": None, "owner_id": None, "lifecycle_stage": "sql", "became_customer_date": None,
         "source_id": "12", "updated_at": T0, "_deleted": True, "_origin": "companies.json:results[1]"},
    ]  # fmt: skip
    assert rows(
        batches, "contacts", "contact_id", "account_id", "first_name", "title", "lifecycle_stage",
        "has_opted_out", "owner_id",
    ) == [
        {"contact_id": "hs:21", "account_id": "hs:11", "first_name": "Ada", "title": "CTO",
         "lifecycle_stage": "opportunity", "has_opted_out": "false", "owner_id": "hs:501"},
    ]  # fmt: skip
    assert rows(
        batches, "leads", "lead_id", "email", "company", "lifecycle_stage", "status", "channel",
        "score", "is_converted", "created_at",
    ) == [
        {"lead_id": "hs:22", "email": "bob@example.org", "company": "Bob & Co", "lifecycle_stage": "mql",
         "status": "working", "channel": "organic_search", "score": "41", "is_converted": False,
         "created_at": T0},
    ]  # fmt: skip


def test_newer_stage_dates_win_over_legacy_ones(tmp_path: Path) -> None:
    person = crm(
        "1",
        lifecyclestage="salesqualifiedlead",
        hs_lifecyclestage_lead_date="2024-01-05T00:00:00Z",  # legacy only
        hs_lifecyclestage_marketingqualifiedlead_date="2024-02-01T00:00:00Z",
        hs_v2_date_entered_marketingqualifiedlead="2024-02-10T00:00:00Z",  # both: the newer wins
        hs_v2_date_entered_salesqualifiedlead="1709251200000",  # epoch ms: 2024-03-01
    )
    batches = run(tmp_path, {"contacts.json": {"results": [person]}})
    assert events(batches) == [
        ("lead", "hs:1", None, "lead", "2024-01-05T00:00:00Z"),
        ("lead", "hs:1", "lead", "mql", "2024-02-10T00:00:00Z"),
        ("lead", "hs:1", "mql", "sql", "2024-03-01T00:00:00.000Z"),
    ]
    keys = rows(batches, "lifecycle_events", "lifecycle_event_id", "_origin")
    assert keys[1] == {
        "lifecycle_event_id": "hs:contact:1:mql:1",
        "_origin": "contacts.json:results[0] (mql date)",
    }


def test_property_history_gives_every_move_and_wins_over_dates(tmp_path: Path) -> None:
    company = crm(
        "7", lifecyclestage="customer", hs_v2_date_entered_customer="2030-01-01T00:00:00Z"
    )
    company["propertiesWithHistory"] = {
        "lifecyclestage": [  # newest first, as HubSpot returns it
            {"value": "customer", "timestamp": "2024-05-01T00:00:00Z", "sourceType": "CRM_UI"},
            {"value": "opportunity", "timestamp": "2024-04-01T00:00:00Z"},
            {"value": "customer", "timestamp": "2024-03-01T00:00:00Z"},
            {"value": "customer", "timestamp": "2024-02-15T00:00:00Z"},  # repeated: no move
            {"value": "lead", "timestamp": "2024-01-01T00:00:00Z"},
        ]
    }
    batches = run(tmp_path, {"companies.json": {"results": [company]}})
    assert events(batches) == [
        ("account", "hs:7", None, "lead", "2024-01-01T00:00:00Z"),
        ("account", "hs:7", "lead", "customer", "2024-02-15T00:00:00Z"),
        ("account", "hs:7", "customer", "opportunity", "2024-04-01T00:00:00Z"),
        ("account", "hs:7", "opportunity", "customer", "2024-05-01T00:00:00Z"),
    ]
    ids = [r["lifecycle_event_id"] for r in rows(batches, "lifecycle_events", "lifecycle_event_id")]
    assert ids[-1] == "hs:company:7:customer:2"
    assert len(set(ids)) == len(ids)


PIPELINES = {
    "results": [
        {"id": "default", "label": "Sales Pipeline", "stages": [
            {"id": "appointmentscheduled", "label": "Appointment Scheduled", "metadata": {"isClosed": "false", "probability": "0.2"}},
            {"id": "closedwon", "label": "Closed Won", "metadata": {"isClosed": "true", "probability": "1.0"}},
            {"id": "closedlost", "label": "Closed Lost", "metadata": {"isClosed": "true", "probability": "0.0"}},
        ]},
        {"id": "77", "label": "Expansion", "stages": [
            {"id": "1001", "label": "Discovery", "metadata": {"isClosed": "false", "probability": "0.3"}},
            {"id": "1002", "label": "Legal review", "metadata": {"isClosed": "false", "probability": "0.8"}},
            {"id": "1003", "label": "Signed", "metadata": {"isClosed": "true", "probability": "1.0"}},
        ]},
    ]
}  # fmt: skip


def test_deal_stages_are_read_through_the_pipelines(tmp_path: Path) -> None:
    def deal(id_: str, stage: str, **more: Any) -> dict[str, Any]:
        record = crm(
            id_,
            dealname=f"Deal {id_}",
            dealstage=stage,
            amount="1000",
            createdate="2024-01-02T00:00:00Z",
            closedate="2024-06-30T00:00:00Z",
            **more,
        )
        record["associations"] = {
            "companies": {"results": [{"id": "11", "type": "deal_to_company"}]}
        }
        return record

    deals = [
        deal("1", "appointmentscheduled", dealtype="newbusiness"),
        deal("2", "closedwon", deal_currency_code="EUR"),
        deal("3", "closedlost", closed_lost_reason="Price"),
        deal("4", "1001", dealtype="existingbusiness", hs_manual_forecast_category="BEST_CASE"),
        deal("5", "1002"),
        deal("6", "1003", closed_lost_reason="We were too slow"),
    ]
    batches = run(
        tmp_path,
        {
            "deals.json": {"results": deals},
            "pipelines.json": PIPELINES,
            "account_info.json": {"portalId": 1, "companyCurrency": "USD"},
        },
    )
    assert rows(
        batches, "opportunities", "opportunity_id", "account_id", "opportunity_type", "stage",
        "forecast_category", "probability", "currency", "is_closed", "is_won", "closed_date", "lost_reason",
    ) == [
        {"opportunity_id": "hs:1", "account_id": "hs:11", "opportunity_type": "new_business", "stage": "prospecting",
         "forecast_category": "pipeline", "probability": "0.2", "currency": "USD", "is_closed": False,
         "is_won": False, "closed_date": None, "lost_reason": None},
        {"opportunity_id": "hs:2", "account_id": "hs:11", "opportunity_type": "new_business", "stage": "closed_won",
         "forecast_category": "closed", "probability": "1.0", "currency": "EUR", "is_closed": True,
         "is_won": True, "closed_date": "2024-06-30T00:00:00Z", "lost_reason": None},
        {"opportunity_id": "hs:3", "account_id": "hs:11", "opportunity_type": "new_business", "stage": "closed_lost",
         "forecast_category": "omitted", "probability": "0.0", "currency": "USD", "is_closed": True,
         "is_won": False, "closed_date": "2024-06-30T00:00:00Z", "lost_reason": "price"},
        {"opportunity_id": "hs:4", "account_id": "hs:11", "opportunity_type": "expansion", "stage": "discovery",
         "forecast_category": "best_case", "probability": "0.3", "currency": "USD", "is_closed": False,
         "is_won": False, "closed_date": None, "lost_reason": None},
        {"opportunity_id": "hs:5", "account_id": "hs:11", "opportunity_type": "new_business", "stage": "Legal review",
         "forecast_category": "pipeline", "probability": "0.8", "currency": "USD", "is_closed": False,
         "is_won": False, "closed_date": None, "lost_reason": None},
        {"opportunity_id": "hs:6", "account_id": "hs:11", "opportunity_type": "new_business", "stage": "closed_won",
         "forecast_category": "closed", "probability": "1.0", "currency": "USD", "is_closed": True,
         "is_won": True, "closed_date": "2024-06-30T00:00:00Z", "lost_reason": None},
    ]  # fmt: skip
    assert "deals.json: 4 deal(s) with no deal type (taken as new_business)" in notes(batches)
    assert "deals.json: 1 deal(s) with a lost reason revhub does not know (left empty)" in notes(
        batches
    )


def test_truncated_json_keeps_good_records_and_rejects_the_rest(tmp_path: Path) -> None:
    good = json.dumps({"results": [crm("1", name="Acme"), crm("2", name="Beta")]})
    batches = run(tmp_path, {"companies.json": good[: good.index('"2"') + 10]})
    accounts = [b for b in batches if b.table == "accounts"]
    assert rows(batches, "accounts", "account_id") == [{"account_id": "hs:1"}]
    assert [r.origin for r in accounts[0].rejected] == ["companies.json:results[1:]"]
    assert "truncated or malformed" in accounts[0].rejected[0].reason


def test_incremental_pulls_move_a_lead_to_contacts_with_every_version(tmp_path: Path) -> None:
    first = crm("5", updated="2024-01-01T00:00:00Z", email="x@y.z", lifecyclestage="lead")
    later = crm("5", updated="2024-02-01T00:00:00Z", email="x@y.z", lifecyclestage="opportunity")
    later["associations"] = {"companies": {"results": [{"id": "11", "type": "contact_to_company"}]}}
    batches = run(
        tmp_path,
        {"contacts.json": {"results": [first]}, "contacts.pull-0002.json": {"results": [later]}},
    )
    assert rows(batches, "leads", "lead_id") == []
    assert rows(batches, "contacts", "contact_id", "account_id", "_origin") == [
        {"contact_id": "hs:5", "account_id": None, "_origin": "contacts.json:results[0]"},
        {
            "contact_id": "hs:5",
            "account_id": "hs:11",
            "_origin": "contacts.pull-0002.json:results[0]",
        },
    ]
    assert all(b.snapshot for b in batches)
    pulls_only = tmp_path / "pulls"
    pulls_only.mkdir()
    batches = run(pulls_only, {"contacts.pull-0003.json": {"results": [later]}})
    assert not any(b.snapshot for b in batches)


def test_schema_drift(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"owners.json: no `id` field"):
        run(tmp_path, {"owners.json": {"results": [{"email": "a@b.c"}]}})
    (tmp_path / "owners.json").unlink()
    batches = run(
        tmp_path, {"companies.json": {"results": [crm("1", name="Acme", hs_custom_score="3")]}}
    )
    drift = notes(batches)
    assert any(
        n.startswith("companies.json: fields not in the file, left empty: annualrevenue, city")
        for n in drift
    )
    assert "companies.json: ignored fields not mapped by revhub: hs_custom_score" in drift


def test_ui_exports_of_contacts_and_companies(tmp_path: Path) -> None:
    batches = run(tmp_path, {
        "hubspot-crm-exports-all-contacts-2024-05-01.csv": '''
            Record ID,First Name,Last Name,Email,Company Name,Lifecycle Stage,Lead Status,Original Source,Create Date,Last Modified Date,Associated Company IDs,Unsubscribed from all email,"Date entered ""Marketing Qualified Lead (Lifecycle Stage Pipeline)""",Became a Lead Date,Favourite colour
            101,Ada,Lovelace,ada@acme.com,Acme,Customer,,Organic Search,2024-01-02 03:04,2024-02-01 10:00,9001;9002,No,,2024-01-02 03:04,blue
            102,Bob,Builder,bob@example.org,Bob & Co,Marketing Qualified Lead,Open Deal,Offline Sources,2024-01-03 09:00,2024-01-03 09:00,,,2024-01-10 12:00,2024-01-03 09:00,green
            ''',
        "all-companies.csv": """
            Record ID,Company name,Company Domain Name,Industry,Number of Employees,Lifecycle Stage,Create Date,Last Modified Date
            9001,Acme,acme.com,COMPUTER_SOFTWARE,250,Customer,2023-12-01 08:00,2024-01-01 08:00
            """,
    })  # fmt: skip
    assert rows(batches, "accounts", "account_id", "name", "domain", "lifecycle_stage", "created_at", "_origin") == [
        {"account_id": "hs:9001", "name": "Acme", "domain": "acme.com", "lifecycle_stage": "customer",
         "created_at": "2023-12-01 08:00", "_origin": "all-companies.csv:2"},
    ]  # fmt: skip
    assert rows(batches, "contacts", "contact_id", "account_id", "lifecycle_stage", "has_opted_out", "updated_at") == [
        {"contact_id": "hs:101", "account_id": "hs:9001", "lifecycle_stage": "customer",
         "has_opted_out": "false", "updated_at": "2024-02-01 10:00"},
    ]  # fmt: skip
    assert rows(batches, "leads", "lead_id", "lifecycle_stage", "status", "channel") == [
        {
            "lead_id": "hs:102",
            "lifecycle_stage": "mql",
            "status": "qualified",
            "channel": "outbound",
        },
    ]
    assert events(batches) == [
        ("contact", "hs:101", None, "lead", "2024-01-02 03:04"),
        ("lead", "hs:102", None, "lead", "2024-01-03 09:00"),
        ("lead", "hs:102", "lead", "mql", "2024-01-10 12:00"),
    ]
    assert any("ignored fields not mapped by revhub: Favourite colour" in n for n in notes(batches))


def test_exports_without_a_record_id_or_an_object_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"export.csv: a HubSpot UI export .* rename it"):
        run(tmp_path, {"export.csv": "Record ID,Name\n1,Acme\n"})
    (tmp_path / "export.csv").unlink()
    with pytest.raises(DataError, match=r"contacts.csv: no `id` field \(Record ID / id\)"):
        run(tmp_path, {"contacts.csv": "Email,First Name\nada@acme.com,Ada\n"})


def test_email_events_become_touchpoints_of_the_recipient(tmp_path: Path) -> None:
    person = crm("21", email="Ada@Acme.com")
    person["associations"] = {
        "companies": {"results": [{"id": "11", "type": "contact_to_company"}]}
    }
    email_events = {"events": [
        {"id": "e1", "type": "SENT", "created": 1704103200000, "recipient": "ada@acme.com", "emailCampaignId": 555},
        {"id": "e2", "type": "DELIVERED", "created": 1704103201000, "recipient": "ada@acme.com", "emailCampaignId": 555},
        {"id": "e3", "type": "CLICK", "created": 1704106800000, "recipient": "ada@acme.com", "emailCampaignId": 555,
         "url": "https://acme.io/pricing?utm_source=hubspot&utm_medium=email&utm_campaign=spring"},
        {"id": "e4", "type": "OPEN", "created": 1704106800000, "recipient": "nobody@else.com", "filteredEvent": True},
        {"id": "e5", "type": "OPEN", "created": 1704106900000, "recipient": "stranger@else.com"},
    ]}  # fmt: skip
    marketing_emails = {
        "results": [
            {"id": "9", "name": "Spring launch", "campaign": "c-1", "allEmailCampaignIds": [555]}
        ]
    }
    batches = run(
        tmp_path,
        {
            "contacts.json": {"results": [person]},
            "email_events.json": email_events,
            "marketing_emails.json": marketing_emails,
        },
    )
    assert rows(
        batches, "touchpoints", "touchpoint_id", "touchpoint_type", "occurred_at", "channel", "campaign_id",
        "contact_id", "account_id", "lead_id", "utm_campaign", "_origin",
    ) == [
        {"touchpoint_id": "hs:e1", "touchpoint_type": "email_send", "occurred_at": "2024-01-01T10:00:00.000Z",
         "channel": "email", "campaign_id": "hs:c-1", "contact_id": "hs:21", "account_id": "hs:11",
         "lead_id": None, "utm_campaign": None, "_origin": "email_events.json:events[0]"},
        {"touchpoint_id": "hs:e3", "touchpoint_type": "email_click", "occurred_at": "2024-01-01T11:00:00.000Z",
         "channel": "email", "campaign_id": "hs:c-1", "contact_id": "hs:21", "account_id": "hs:11",
         "lead_id": None, "utm_campaign": "spring", "_origin": "email_events.json:events[2]"},
        {"touchpoint_id": "hs:e5", "touchpoint_type": "email_open", "occurred_at": "2024-01-01T11:01:40.000Z",
         "channel": "email", "campaign_id": None, "contact_id": None, "account_id": None,
         "lead_id": None, "utm_campaign": None, "_origin": "email_events.json:events[4]"},
    ]  # fmt: skip
    assert (
        "email_events.json: 2 email events are not touchpoints and were skipped (DELIVERED 1, filtered 1)"
        in notes(batches)
    )


def test_engagements_forms_and_event_attendance(tmp_path: Path) -> None:
    engagements = {"results": [
        {"engagement": {"id": 31, "type": "CALL", "timestamp": 1704103200000, "ownerId": 501},
         "associations": {"contactIds": [22], "companyIds": []}, "metadata": {"durationMilliseconds": 60000}},
        {"engagement": {"id": 32, "type": "NOTE", "timestamp": 1704103200000},
         "associations": {"contactIds": [22]}},
    ]}  # fmt: skip
    forms = {"results": [
        {"guid": "f-1", "name": "Download: pricing guide", "campaignGuid": "c-1"},
        {"guid": "f-2", "name": "Contact us"},
    ]}  # fmt: skip
    submissions = {"results": [
        {"conversionId": "s1", "formId": "f-1", "contactId": "22", "submittedAt": 1704103200000,
         "pageUrl": "https://acme.io/guide?utm_source=google&utm_medium=cpc", "values": [{"name": "email", "value": "bob@example.org"}]},
        {"conversionId": "s2", "formId": "f-2", "submittedAt": 1704103200000,
         "values": [{"name": "email", "value": "BOB@example.org"}]},
    ]}  # fmt: skip
    marketing_events = {
        "results": [{"objectId": "m-1", "eventName": "RevOps 101", "eventType": "WEBINAR"}]
    }
    participations = {"results": [
        {"id": "p1", "associations": {"contact": {"contactId": "22"}, "marketingEvent": {"marketingEventId": "m-1"}},
         "properties": {"attendanceState": "ATTENDED", "occurredAt": 1704103200000}},
        {"id": "p2", "associations": {"contact": {"contactId": "22"}, "marketingEvent": {"marketingEventId": "m-1"}},
         "properties": {"attendanceState": "REGISTERED", "occurredAt": 1704000000000}},
    ]}  # fmt: skip
    campaigns = {
        "results": [
            crm(
                "c-1",
                hs_name="Pricing",
                channel="Content",
                campaign_type="content",
                hs_start_date="2024-01-01",
            )
        ]
    }
    lead = crm("22", email="bob@example.org", hs_analytics_source="PAID_SEARCH")
    batches = run(tmp_path, {
        "contacts.json": {"results": [lead]}, "engagements.json": engagements, "forms.json": forms,
        "form_submissions.json": submissions, "marketing_events.json": marketing_events,
        "marketing_event_participations.json": participations, "campaigns.json": campaigns,
    })  # fmt: skip
    assert rows(
        batches, "touchpoints", "touchpoint_id", "touchpoint_type", "channel", "campaign_id", "lead_id",
        "user_id", "utm_source",
    ) == [
        {"touchpoint_id": "hs:31", "touchpoint_type": "call", "channel": "paid_search", "campaign_id": None,
         "lead_id": "hs:22", "user_id": "hs:501", "utm_source": None},
        {"touchpoint_id": "hs:s1", "touchpoint_type": "content_download", "channel": "content",
         "campaign_id": "hs:c-1", "lead_id": "hs:22", "user_id": None, "utm_source": "google"},
        {"touchpoint_id": "hs:s2", "touchpoint_type": "form_fill", "channel": "paid_search", "campaign_id": None,
         "lead_id": "hs:22", "user_id": None, "utm_source": None},
        {"touchpoint_id": "hs:p1", "touchpoint_type": "webinar_attended", "channel": "webinar",
         "campaign_id": None, "lead_id": "hs:22", "user_id": None, "utm_source": None},
    ]  # fmt: skip
    assert rows(batches, "campaigns", "campaign_id", "name", "campaign_type", "channel", "start_date") == [
        {"campaign_id": "hs:c-1", "name": "Pricing", "campaign_type": "content", "channel": "content",
         "start_date": "2024-01-01"},
    ]  # fmt: skip


def test_owners_are_references_by_email_not_users(tmp_path: Path) -> None:
    owners = {"results": [
        {"id": "501", "email": "ann@revhub.io", "firstName": "Ann", "lastName": "Lee", "userId": 9,
         "createdAt": T0, "updatedAt": T0, "archived": False, "teams": [{"id": "3", "name": "EMEA", "primary": True}]},
        {"id": "502", "email": "old@revhub.io", "createdAt": T0, "updatedAt": T0, "archived": True},
    ]}  # fmt: skip
    companies = {"results": [crm("1", name="Acme", hubspot_owner_id="501")]}
    batches = run(tmp_path, {"owners.json": owners, "companies.json": companies})
    # HubSpot has no role, team or hire date for an owner: no users rows to quarantine,
    # and the records name their owner by email, for ingestion to key to a user
    assert rows(batches, "users", "user_id") == []
    assert rows(batches, "accounts", "account_id", "owner_id") == [
        {"account_id": "hs:1", "owner_id": "email:ann@revhub.io"}
    ]
    assert [n for n in notes(batches) if n.startswith("owners.json")] == [
        "owners.json: 2 owner(s) are references to users by email, not users (HubSpot has "
        "no role, team or hire date)"
    ]


# Rows each mapped warehouse-sync fixture gives: its records, less email events that are
# not touchpoints (3 DELIVERED, 3 filtered) and engagements that are not (all but 1 CALL).
SYNCED = {
    "accounts": 24,
    "leads": 22,
    "contacts": 0,
    "users": 0,  # owners stay references
    "opportunities": 44,
    "touchpoints": 94 + 1 + 5,
}


def test_every_mapped_synced_fixture_reads(tmp_path: Path) -> None:
    source = HubSpotSource("hs", SourceSettings(kind="hubspot", path=str(FIXTURES)), tmp_path)
    batches = list(source.batches())
    counts: dict[str, int] = {}
    for batch in batches:
        counts[batch.table] = counts.get(batch.table, 0) + batch.rows.num_rows
        assert batch.rejected == ()
    assert {t: counts.get(t, 0) for t in SYNCED} == SYNCED
    assert rows(batches, "accounts", "account_id", "name", "country", "created_at")[0] == {
        "account_id": "hs:2182162682", "name": "4b2c13cca3eb58ee49bbddcf00417130",
        "country": "United States", "created_at": "2019-07-05 20:35:26",
    }  # fmt: skip
    calls = [
        r
        for r in rows(batches, "touchpoints", "touchpoint_type", "occurred_at", "contact_id")
        if r["touchpoint_type"] == "call"
    ]
    assert calls == [
        {
            "touchpoint_type": "call",
            "occurred_at": "2014-08-27 20:50:44.778000",
            "contact_id": "hs:501",
        }
    ]
    skipped = next(n for n in notes(batches) if n.startswith("skipped copies"))
    assert skipped.endswith(
        "company_data_databricks.csv, company_data_postgres.csv, company_data_snowflake.csv"
    )
    ignored = next(n for n in notes(batches) if n.startswith("ignored files"))
    assert "ticket_data.csv" in ignored and "email_event_sent_data_snowflake.csv" in ignored
