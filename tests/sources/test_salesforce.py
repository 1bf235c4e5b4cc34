"""The Salesforce connector: small exports in, canonical rows out.

Each golden case writes a few lines of CSV the way Salesforce (Bulk API 2.0, Data
Loader) or a warehouse sync writes them and states the canonical rows expected.
"""

# CSV golden text keeps one record per line, as Salesforce writes it, however long.
# ruff: noqa: E501

from __future__ import annotations

import csv
import textwrap
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from revhub.config import SourceSettings
from revhub.errors import DataError
from revhub.sources.base import Batch
from revhub.sources.registry import connector_class
from revhub.sources.salesforce import SalesforceSource

FIXTURES = Path(__file__).parents[1] / "fixtures" / "synced" / "salesforce"
T0 = "2024-01-01T00:00:00.000+0000"


def run(folder: Path, files: dict[str, str]) -> list[Batch]:
    """Write ``files`` (dedented CSV text) to ``folder`` and read it as source `crm`."""
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    source = SalesforceSource("crm", SourceSettings(kind="salesforce", path="."), folder)
    return list(source.batches())


def rows(batches: list[Batch], table: str, *columns: str) -> list[dict[str, Any]]:
    """The rows of ``table`` in every batch, restricted to ``columns``."""
    tables = [b.rows.select(list(columns)) for b in batches if b.table == table]
    return pa.concat_tables(tables).to_pylist() if tables else []


def notes(batches: list[Batch]) -> list[str]:
    return [note for batch in batches for note in batch.notes]


def test_registry_finds_the_connector() -> None:
    assert connector_class("salesforce") is SalesforceSource


def test_accounts_partners_and_deleted_flags(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "Account.csv": f"""
            Id,Name,Type,Website,Industry,NumberOfEmployees,Segment__c,Region__c,BillingCountryCode,OwnerId,ParentId,Partner_Tier__c,Commission_Rate__c,CreatedDate,SystemModstamp,IsDeleted
            001A,Acme Corp,Customer - Direct,https://www.acme.com/about,Financial Services,250,Mid-Market,EMEA,DE,005X,,,,{T0},2024-02-01T00:00:00.000+0000,false
            001B,Acme GmbH,Prospect,acme.de,Retail,12,SMB,North America,US,005X,001A,,,{T0},{T0},true
            001P,Partner Co,Technology Partner,,,,,APAC,,005Y,,Gold,15,2023-05-01T10:00:00.000+0000,{T0},false
            """
        },
    )
    assert rows(
        batches, "accounts", "account_id", "domain", "industry", "segment", "region",
        "country", "owner_id", "parent_account_id", "updated_at", "_deleted",
    ) == [
        {"account_id": "crm:001A", "domain": "acme.com", "industry": "financial_services",
         "segment": "mid_market", "region": "emea", "country": "DE", "owner_id": "crm:005X",
         "parent_account_id": None, "updated_at": "2024-02-01T00:00:00.000+0000",
         "_deleted": False},
        {"account_id": "crm:001B", "domain": "acme.de", "industry": "retail", "segment": "smb",
         "region": "north_america", "country": "US", "owner_id": "crm:005X",
         "parent_account_id": "crm:001A", "updated_at": T0, "_deleted": True},
    ]  # fmt: skip
    assert rows(
        batches, "partners", "partner_id", "name", "partner_type", "tier", "region",
        "partner_manager_id", "joined_date", "commission_rate", "source_id",
    ) == [
        {"partner_id": "crm:001P", "name": "Partner Co", "partner_type": "technology",
         "tier": "gold", "region": "apac", "partner_manager_id": "crm:005Y",
         "joined_date": "2023-05-01T10:00:00.000+0000", "commission_rate": "0.15",
         "source_id": "001P"},
    ]  # fmt: skip


OPPORTUNITIES = f"""
Id,Name,AccountId,StageName,ForecastCategoryName,IsClosed,IsWon,Probability,Amount,CloseDate,Type,LeadSource,CreatedDate
006A,Standard,001A,Negotiation/Review,Commit,false,false,80,1000.50,2024-03-31,New Customer,Partner Referral,{T0}
006B,Custom won,001A,Signed,Closed,true,true,100,2000,2024-03-01,Existing Customer - Upgrade,Web,{T0}
006C,Custom lost,001A,Went Dark,Omitted,true,false,0,,2024-03-02,Renewal,Cold Call,{T0}
006D,Custom open,001A,Parked,Best Case,false,false,50,300,2024-06-30,Expansion,Webinar,{T0}
006E,Plain,001A,Prospecting,Pipeline,false,false,10,5,2024-06-30,New Business,Organic Search,{T0}
"""


def test_opportunity_picklists_and_custom_stages(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "Opportunity.csv": OPPORTUNITIES,
            "OpportunityLineItem.csv": """
            Id,OpportunityId,Quantity,ListPrice,UnitPrice,TotalPrice,IsDeleted
            00k1,006A,2,600,500.25,1000.50,false
            00k2,006B,1,2500,2000,2000,false
            00k3,006B,1,100,0,0,true
            """,
        },
    )
    assert rows(
        batches, "opportunities", "opportunity_id", "stage", "forecast_category", "probability",
        "opportunity_type", "source_channel", "currency", "list_amount", "discount", "closed_date",
    ) == [
        {"opportunity_id": "crm:006A", "stage": "negotiation", "forecast_category": "commit",
         "probability": "0.8", "opportunity_type": "new_business", "source_channel": "partner",
         "currency": "USD", "list_amount": "1200", "discount": "0.16625", "closed_date": None},
        {"opportunity_id": "crm:006B", "stage": "closed_won", "forecast_category": "closed",
         "probability": "1", "opportunity_type": "expansion", "source_channel": "direct",
         "currency": "USD", "list_amount": "2500", "discount": "0.2",
         "closed_date": "2024-03-01"},
        {"opportunity_id": "crm:006C", "stage": "closed_lost", "forecast_category": "omitted",
         "probability": "0", "opportunity_type": "renewal", "source_channel": "outbound",
         "currency": "USD", "list_amount": None, "discount": None, "closed_date": "2024-03-02"},
        {"opportunity_id": "crm:006D", "stage": "Parked", "forecast_category": "best_case",
         "probability": "0.5", "opportunity_type": "expansion", "source_channel": "webinar",
         "currency": "USD", "list_amount": None, "discount": None, "closed_date": None},
        {"opportunity_id": "crm:006E", "stage": "prospecting", "forecast_category": "pipeline",
         "probability": "0.1", "opportunity_type": "new_business",
         "source_channel": "organic_search", "currency": "USD", "list_amount": None,
         "discount": None, "closed_date": None},
    ]  # fmt: skip
    assert (
        "Opportunity.csv: column CurrencyIsoCode missing; amounts read as USD, the org's "
        "currency (single-currency org)" in notes(batches)
    )
    assert "OpportunityLineItem.csv: read to complete other objects" in notes(batches)


def test_single_currency_org_takes_the_organization_currency(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "Opportunity.csv": OPPORTUNITIES,
            "Organization.csv": "Id,DefaultCurrencyIsoCode\n00D1,EUR\n",
        },
    )
    assert {r["currency"] for r in rows(batches, "opportunities", "currency")} == {"EUR"}


def test_opportunity_history_becomes_intervals(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "Opportunity.csv": f"""
            Id,AccountId,StageName,ForecastCategoryName,IsClosed,IsWon,Amount,CloseDate,CurrencyIsoCode,CreatedDate
            006A,001A,Closed Won,Closed,true,true,1200,2024-01-20,EUR,{T0}
            006Z,001A,Signed,Closed,true,true,50,2024-02-01,GBP,{T0}
            """,
            "OpportunityHistory.csv": """
            Id,OpportunityId,StageName,Amount,CloseDate,ForecastCategory,Probability,CreatedDate
            008B,006A,Discovery,1000,2024-03-31,Pipeline,20,2024-01-05T10:00:00.000+0000
            008A,006A,Prospecting,1000,2024-03-31,Pipeline,10,2024-01-01T09:00:00.000+0000
            008C,006A,Discovery,1200,2024-03-31,Pipeline,20,2024-01-07T00:00:00.000+0000
            008D,006A,Discovery,1200,2024-04-30,Pipeline,20,2024-01-09T00:00:00.000+0000
            008E,006A,Proposal,1200,2024-04-30,BestCase,60,2024-01-11T00:00:00.000+0000
            008F,006A,Proposal,1200,2024-04-30,Forecast,60,2024-01-12T00:00:00.000+0000
            008G,006A,Closed Won,1200,2024-01-15,Closed,100,2024-01-15T00:00:00.000+0000
            008H,006Z,Signed,50,2024-02-01,Closed,100,2024-02-01T00:00:00.000+0000
            """,
        },
    )
    got = rows(
        batches,
        "opportunity_history",
        "opportunity_id",
        "valid_from",
        "valid_to",
        "stage",
        "forecast_category",
        "change_kind",
        "currency",
    )
    day = "2024-01-{}T00:00:00.000+0000".format
    assert got == [
        {"opportunity_id": "crm:006A", "valid_from": "2024-01-01T09:00:00.000+0000",
         "valid_to": "2024-01-05T10:00:00.000+0000", "stage": "prospecting",
         "forecast_category": "pipeline", "change_kind": "created", "currency": "EUR"},
        {"opportunity_id": "crm:006A", "valid_from": "2024-01-05T10:00:00.000+0000",
         "valid_to": day("07"), "stage": "discovery", "forecast_category": "pipeline",
         "change_kind": "stage", "currency": "EUR"},
        {"opportunity_id": "crm:006A", "valid_from": day("07"), "valid_to": day("09"),
         "stage": "discovery", "forecast_category": "pipeline", "change_kind": "amount",
         "currency": "EUR"},
        {"opportunity_id": "crm:006A", "valid_from": day("09"), "valid_to": day("11"),
         "stage": "discovery", "forecast_category": "pipeline", "change_kind": "close_date",
         "currency": "EUR"},
        {"opportunity_id": "crm:006A", "valid_from": day("11"), "valid_to": day("12"),
         "stage": "proposal", "forecast_category": "best_case", "change_kind": "stage",
         "currency": "EUR"},
        {"opportunity_id": "crm:006A", "valid_from": day("12"), "valid_to": day("15"),
         "stage": "proposal", "forecast_category": "commit",
         "change_kind": "forecast_category", "currency": "EUR"},
        {"opportunity_id": "crm:006A", "valid_from": day("15"), "valid_to": None,
         "stage": "closed_won", "forecast_category": "closed", "change_kind": "closed",
         "currency": "EUR"},
        {"opportunity_id": "crm:006Z", "valid_from": "2024-02-01T00:00:00.000+0000",
         "valid_to": None, "stage": "closed_won", "forecast_category": "closed",
         "change_kind": "created", "currency": "GBP"},
    ]  # fmt: skip
    # The deal closed on the day its history entered Closed Won, not on its CloseDate.
    closed = rows(batches, "opportunities", "opportunity_id", "closed_date")
    assert closed[0] == {"opportunity_id": "crm:006A", "closed_date": "2024-01-15"}


def test_history_mode_sync_gives_versions_and_the_current_deal(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "opportunity_history.csv": """
            id,account_id,stage_name,amount,close_date,forecast_category_name,is_closed,is_won,probability,created_date,is_deleted,_fivetran_start,_fivetran_end,_fivetran_active,_fivetran_synced
            006A,001A,Prospecting,100,2024-03-01,Pipeline,false,false,10,2024-01-01 00:00:00,false,2024-01-01 00:00:00,2024-01-04 23:59:59,false,2024-01-05 00:00:00
            006A,001A,Closed Won,100,2024-01-05,Closed,true,true,100,2024-01-01 00:00:00,false,2024-01-05 00:00:00,9999-12-31 23:59:59,true,2024-01-05 00:00:00
            """
        },
    )
    assert rows(batches, "opportunities", "opportunity_id", "stage", "updated_at") == [
        {"opportunity_id": "crm:006A", "stage": "closed_won", "updated_at": "2024-01-05 00:00:00"}
    ]
    assert rows(
        batches, "opportunity_history", "valid_from", "valid_to", "stage", "change_kind"
    ) == [
        {"valid_from": "2024-01-01 00:00:00", "valid_to": "2024-01-05 00:00:00",
         "stage": "prospecting", "change_kind": "created"},
        {"valid_from": "2024-01-05 00:00:00", "valid_to": None, "stage": "closed_won",
         "change_kind": "closed"},
    ]  # fmt: skip


def test_lead_status_follows_status_and_conversion(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "Lead.csv": f"""
            Id,LastName,Company,Status,IsConverted,ConvertedContactId,ConvertedAccountId,ConvertedDate,LeadSource,CreatedDate
            00QA,Lee,Acme,Open - Not Contacted,false,,,,Web,{T0}
            00QB,Ng,Beta,Working - Contacted,false,,,,Trade Show,{T0}
            00QC,Ok,Gamma,Closed - Converted,true,003C,001C,2024-02-02,Partner Referral,{T0}
            00QD,Ma,Delta,Qualified,true,003D,001D,2024-02-03,Email,{T0}
            00QE,Po,Eps,Closed - Not Converted,false,,,,Purchased List,{T0}
            00QF,Re,Zeta,Sleeping,false,,,,Carrier Pigeon,{T0}
            """,
            "Contact.csv": f"Id,LastName,AccountId,HasOptedOutOfEmail,CreatedDate\n003C,Ok,001C,false,{T0}\n",
        },
    )
    assert rows(batches, "leads", "lead_id", "status", "channel", "converted_contact_id") == [
        {"lead_id": "crm:00QA", "status": "new", "channel": "direct", "converted_contact_id": None},
        {"lead_id": "crm:00QB", "status": "working", "channel": "events",
         "converted_contact_id": None},
        {"lead_id": "crm:00QC", "status": "converted", "channel": "partner",
         "converted_contact_id": "crm:003C"},
        {"lead_id": "crm:00QD", "status": "converted", "channel": "email",
         "converted_contact_id": "crm:003D"},
        {"lead_id": "crm:00QE", "status": "unqualified", "channel": "outbound",
         "converted_contact_id": None},
        {"lead_id": "crm:00QF", "status": "Sleeping", "channel": "Carrier Pigeon",
         "converted_contact_id": None},
    ]  # fmt: skip
    assert rows(batches, "contacts", "contact_id", "account_id", "converted_from_lead_id") == [
        {"contact_id": "crm:003C", "account_id": "crm:001C", "converted_from_lead_id": "crm:00QC"}
    ]


def test_tasks_and_events_are_sales_touchpoints(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "Task.csv": """
            Id,WhoId,WhatId,AccountId,OwnerId,TaskSubtype,Type,IsClosed,CompletedDateTime,CreatedDate
            00T1,00QA,701C,,005X,Call,Call,true,2024-01-02T10:00:00.000+0000,2024-01-02T09:00:00.000+0000
            00T2,003C,006A,001C,005X,Email,,true,,2024-01-03T09:00:00.000+0000
            00T3,003C,,001C,005X,Task,Meeting,true,,2024-01-04T09:00:00.000+0000
            00T4,003C,,001C,005X,Task,Other,true,,2024-01-05T09:00:00.000+0000
            00T5,003C,,001C,005X,Call,Call,false,,2024-01-05T09:00:00.000+0000
            """,
            "Event.csv": f"""
            Id,WhoId,AccountId,OwnerId,Type,StartDateTime,CreatedDate,Channel__c
            00U1,003C,001C,005X,Meeting,2024-01-06T15:00:00.000+0000,{T0},Webinar
            00U2,00QA,,005X,Call,2024-01-07T15:00:00.000+0000,{T0},
            00U3,00QA,,005X,,2024-01-08T15:00:00.000+0000,{T0},
            """,
        },
    )
    got = rows(
        batches,
        "touchpoints",
        "touchpoint_id",
        "touchpoint_type",
        "occurred_at",
        "channel",
        "campaign_id",
        "lead_id",
        "contact_id",
    )
    assert got == [
        {"touchpoint_id": "crm:00T1", "touchpoint_type": "call",
         "occurred_at": "2024-01-02T10:00:00.000+0000", "channel": "outbound",
         "campaign_id": "crm:701C", "lead_id": "crm:00QA", "contact_id": None},
        {"touchpoint_id": "crm:00T2", "touchpoint_type": "sales_email",
         "occurred_at": "2024-01-03T09:00:00.000+0000", "channel": "outbound",
         "campaign_id": None, "lead_id": None, "contact_id": "crm:003C"},
        {"touchpoint_id": "crm:00T3", "touchpoint_type": "meeting",
         "occurred_at": "2024-01-04T09:00:00.000+0000", "channel": "outbound",
         "campaign_id": None, "lead_id": None, "contact_id": "crm:003C"},
        {"touchpoint_id": "crm:00T4", "touchpoint_type": "Other",
         "occurred_at": "2024-01-05T09:00:00.000+0000", "channel": "outbound",
         "campaign_id": None, "lead_id": None, "contact_id": "crm:003C"},
        {"touchpoint_id": "crm:00U1", "touchpoint_type": "meeting",
         "occurred_at": "2024-01-06T15:00:00.000+0000", "channel": "webinar",
         "campaign_id": None, "lead_id": None, "contact_id": "crm:003C"},
        {"touchpoint_id": "crm:00U2", "touchpoint_type": "call",
         "occurred_at": "2024-01-07T15:00:00.000+0000", "channel": "outbound",
         "campaign_id": None, "lead_id": "crm:00QA", "contact_id": None},
        {"touchpoint_id": "crm:00U3", "touchpoint_type": "meeting",
         "occurred_at": "2024-01-08T15:00:00.000+0000", "channel": "outbound",
         "campaign_id": None, "lead_id": "crm:00QA", "contact_id": None},
    ]  # fmt: skip
    said = notes(batches)
    assert "Task.csv: column Channel__c missing; channel outbound" in said
    assert (
        "Task.csv: 1 row left out: open tasks (IsClosed false) are to-dos, not touchpoints" in said
    )


def test_campaign_members_who_responded_are_touchpoints(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "Campaign.csv": f"""
            Id,Name,Type,StartDate,Channel__c,BudgetedCost,CurrencyIsoCode,CreatedDate
            701C,Spring webinar,Webinar,2024-01-01,,500,EUR,{T0}
            701D,Expo,Trade Show,2024-02-01,Paid Social,,USD,{T0}
            """,
            "CampaignMember.csv": f"""
            Id,CampaignId,LeadId,ContactId,HasResponded,FirstRespondedDate,CreatedDate
            00v1,701C,00QA,,true,2024-01-10,2024-01-09T00:00:00.000+0000
            00v2,701D,,003C,true,,2024-02-02T00:00:00.000+0000
            00v3,701C,00QB,,false,,{T0}
            """,
        },
    )
    assert rows(batches, "campaigns", "campaign_id", "campaign_type", "channel", "budget") == [
        {"campaign_id": "crm:701C", "campaign_type": "webinar", "channel": "webinar",
         "budget": "500"},
        {"campaign_id": "crm:701D", "campaign_type": "event", "channel": "paid_social",
         "budget": None},
    ]  # fmt: skip
    assert rows(
        batches, "touchpoints", "touchpoint_id", "touchpoint_type", "channel", "occurred_at",
        "campaign_id", "lead_id", "contact_id",
    ) == [
        {"touchpoint_id": "crm:00v1", "touchpoint_type": "webinar_attended",
         "channel": "webinar", "occurred_at": "2024-01-10", "campaign_id": "crm:701C",
         "lead_id": "crm:00QA", "contact_id": None},
        {"touchpoint_id": "crm:00v2", "touchpoint_type": "event_attended",
         "channel": "paid_social", "occurred_at": "2024-02-02T00:00:00.000+0000",
         "campaign_id": "crm:701D", "lead_id": None, "contact_id": "crm:003C"},
    ]  # fmt: skip
    assert (
        "CampaignMember.csv: 1 row left out: campaign members who did not respond are not "
        "touchpoints" in notes(batches)
    )


def test_roles_users_and_territories(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "UserRole.csv": f"""
            Id,Name,ParentRoleId,LastModifiedDate
            00E1,Sales,,{T0}
            00E2,AE EMEA SMB,00E1,{T0}
            00E3,Marketing,,{T0}
            """,
            "User.csv": """
            Id,Name,UserRoleId,Title,Department,ManagerId,Region__c,Segment__c,IsActive,CreatedDate
            0051,Cara Ro,00E1,Sales Manager,Sales,,,,true,2021-03-01T09:00:00.000+0000
            0052,Abe Oz,00E2,Account Executive,Sales,0051,EMEA,SMB,true,2022-03-01T09:00:00.000+0000
            0053,Bea Ek,00E2,Account Executive,Sales,0051,EMEA,Mid-Market,false,2022-04-01T09:00:00.000+0000
            0054,Mo Li,00E3,Marketing Manager,Marketing,,,,true,2020-06-01T00:00:00.000+0000
            """,
            "Territory2.csv": f"Id,Name,Region__c,Segment__c,LastModifiedDate\n0MI1,EMEA SMB,EMEA,SMB,{T0}\n",
            "UserTerritory2Association.csv": "Id,UserId,Territory2Id\n0R01,0052,0MI1\n0R02,0053,0MI1\n",
        },
    )
    assert rows(batches, "teams", "team_id", "department", "parent_team_id", "region", "segment") == [
        {"team_id": "crm:00E1", "department": "sales", "parent_team_id": None, "region": None,
         "segment": None},
        {"team_id": "crm:00E2", "department": "sales", "parent_team_id": "crm:00E1",
         "region": "emea", "segment": None},
        {"team_id": "crm:00E3", "department": "marketing", "parent_team_id": None,
         "region": None, "segment": None},
    ]  # fmt: skip
    assert rows(batches, "users", "user_id", "role", "team_id", "territory_id", "hire_date") == [
        {"user_id": "crm:0051", "role": "sales_manager", "team_id": "crm:00E1",
         "territory_id": None, "hire_date": "2021-03-01T09:00:00.000+0000"},
        {"user_id": "crm:0052", "role": "ae", "team_id": "crm:00E2", "territory_id": "crm:0MI1",
         "hire_date": "2022-03-01T09:00:00.000+0000"},
        {"user_id": "crm:0053", "role": "ae", "team_id": "crm:00E2", "territory_id": "crm:0MI1",
         "hire_date": "2022-04-01T09:00:00.000+0000"},
        {"user_id": "crm:0054", "role": "marketer", "team_id": "crm:00E3", "territory_id": None,
         "hire_date": "2020-06-01T00:00:00.000+0000"},
    ]  # fmt: skip
    assert rows(batches, "territories", "territory_id", "region", "segment", "team_id") == [
        {"territory_id": "crm:0MI1", "region": "emea", "segment": "smb", "team_id": "crm:00E2"}
    ]


def test_lifecycle_stage_changes_from_field_history(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "AccountHistory.csv": """
            Id,AccountId,Field,OldValue,NewValue,CreatedDate
            017A,001A,Lifecycle_Stage__c,Opportunity,Customer,2024-03-01T00:00:00.000+0000
            017B,001A,Industry,Retail,Media,2024-03-02T00:00:00.000+0000
            017C,001A,Lifecycle_Stage__c,Customer,Former Customer,2024-09-01T00:00:00.000+0000
            """
        },
    )
    assert rows(
        batches, "lifecycle_events", "lifecycle_event_id", "entity_type", "entity_id",
        "account_id", "from_stage", "to_stage", "occurred_at",
    ) == [
        {"lifecycle_event_id": "crm:017A", "entity_type": "account", "entity_id": "crm:001A",
         "account_id": "crm:001A", "from_stage": "opportunity", "to_stage": "customer",
         "occurred_at": "2024-03-01T00:00:00.000+0000"},
        {"lifecycle_event_id": "crm:017C", "entity_type": "account", "entity_id": "crm:001A",
         "account_id": "crm:001A", "from_stage": "customer", "to_stage": "churned",
         "occurred_at": "2024-09-01T00:00:00.000+0000"},
    ]  # fmt: skip


def test_schema_drift_is_noted(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "Account.csv": f"Id,Name,Fax,Jigsaw,CreatedDate,SystemModstamp\n001A,Acme,1,2,{T0},{T0}\n"
        },
    )
    assert rows(batches, "accounts", "account_id", "name", "industry") == [
        {"account_id": "crm:001A", "name": "Acme", "industry": None}
    ]
    said = notes(batches)
    assert "Account.csv: column Industry missing; industry left empty" in said
    assert "Account.csv: 2 columns not mapped, ignored: Fax, Jigsaw" in said


def test_a_file_without_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"Account\.csv: column Id .* missing"):
        run(tmp_path, {"Account.csv": "Name,Industry\nAcme,Retail\n"})


def test_a_folder_without_salesforce_objects_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="holds no Salesforce object revhub maps"):
        run(tmp_path, {"notes.csv": "a,b\n1,2\n"})


def test_broken_line_is_rejected_and_the_rest_maps(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "Contact.csv": f"""
            Id,LastName,AccountId,HasOptedOutOfEmail,CreatedDate
            003A,Lee,001A,false,{T0}
            003B,Ng,001A,false,{T0},stray
            003C,Ok,001A,true,{T0}
            """
        },
    )
    assert rows(batches, "contacts", "contact_id", "_origin") == [
        {"contact_id": "crm:003A", "_origin": "Contact.csv:2"},
        {"contact_id": "crm:003C", "_origin": "Contact.csv:4"},
    ]
    rejected = [r for b in batches for r in b.rejected]
    assert [r.origin for r in rejected] == ["Contact.csv:3"]
    assert "expected 5 fields, found 6" in rejected[0].reason


def test_incremental_pulls_are_read_after_the_export(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "Account.pull-0002.csv": "Id,Name,SystemModstamp,IsDeleted\n001A,Acme Inc,2024-03-01,false\n001B,Old,2024-03-01,true\n",
            "Account.csv": f"Id,Name,CreatedDate,SystemModstamp\n001A,Acme,{T0},{T0}\n001B,Old,{T0},{T0}\n",
        },
    )
    assert rows(batches, "accounts", "account_id", "name", "_origin", "_deleted") == [
        {"account_id": "crm:001A", "name": "Acme", "_origin": "Account.csv:2", "_deleted": False},
        {"account_id": "crm:001B", "name": "Old", "_origin": "Account.csv:3", "_deleted": False},
        {"account_id": "crm:001A", "name": "Acme Inc", "_origin": "Account.pull-0002.csv:2",
         "_deleted": False},
        {"account_id": "crm:001B", "name": "Old", "_origin": "Account.pull-0002.csv:3",
         "_deleted": True},
    ]  # fmt: skip


# Each synced fixture file alone: canonical table -> (rows, rows flagged deleted). History-
# mode tables (``*_history`` with ``_fivetran_start``) keep their active versions for the
# object's own table; every version of an opportunity goes to opportunity_history.
SYNCED = {
    "sf_account_data.csv": {"accounts": (10, 9)},
    "sf_account_history_data.csv": {"accounts": (7, 6)},
    "sf_contact_data.csv": {"contacts": (4, 0)},
    "sf_contact_history_data.csv": {"contacts": (4, 0)},
    "sf_event_data.csv": {"touchpoints": (10, 0)},
    "sf_lead_data.csv": {"leads": (1, 0)},
    "sf_opportunity_data.csv": {"opportunities": (10, 10)},
    "sf_opportunity_history_data.csv": {"opportunities": (8, 8), "opportunity_history": (10, 10)},
    "sf_task_data.csv": {"touchpoints": (10, 0)},
    "sf_user_data.csv": {"users": (10, 5)},
    "sf_user_role_data.csv": {"teams": (10, 0)},
}


@pytest.mark.parametrize("file_name", sorted(SYNCED))
def test_synced_fixture_maps(tmp_path: Path, file_name: str) -> None:
    (tmp_path / file_name).write_bytes((FIXTURES / file_name).read_bytes())
    batches = run(tmp_path, {})
    got = {
        b.table: (b.rows.num_rows, sum(b.rows["_deleted"].to_pylist()))
        for b in batches
        if b.rows.num_rows
    }
    assert got == SYNCED[file_name]
    with (FIXTURES / file_name).open(newline="", encoding="utf-8") as handle:
        ids = {row["id"] for row in csv.DictReader(handle)}
    keys = {k for b in batches for k in b.rows.column(0).to_pylist()}
    assert keys <= {f"crm:{i}" for i in ids}


def test_synced_folder_reads_line_items_and_notes_unmapped_objects(tmp_path: Path) -> None:
    folder = tmp_path / "sync"
    folder.mkdir()
    for file in FIXTURES.glob("*.csv"):
        (folder / file.name).write_bytes(file.read_bytes())
    source = SalesforceSource("crm", SourceSettings(kind="salesforce", path="sync"), tmp_path)
    batches = list(source.batches())
    assert {b.table for b in batches} == {
        "accounts", "contacts", "leads", "opportunities", "opportunity_history", "touchpoints",
        "users", "teams",
    }  # fmt: skip
    said = notes(batches)
    assert (
        "sf_order_data.csv: not a Salesforce object revhub maps; ignored (orders come from the "
        "billing source)" in said
    )
    assert "sf_opportunity_line_item_data.csv: read to complete other objects" in said
    teams = rows(batches, "teams", "team_id", "updated_at")
    assert all(t["updated_at"] for t in teams)  # _fivetran_synced stands in for edit times


def test_reads_the_configured_encoding(tmp_path: Path) -> None:
    (tmp_path / "Account.csv").write_bytes(
        f"Id,Name,CreatedDate\n001A,Müller AG,{T0}\n".encode("latin-1")
    )
    settings = SourceSettings(kind="salesforce", path=".", encoding="latin-1")
    batches = list(SalesforceSource("crm", settings, tmp_path).batches())
    assert rows(batches, "accounts", "name") == [{"name": "Müller AG"}]
