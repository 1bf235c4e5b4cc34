"""Deals, activities and lifecycle history in the demo's Salesforce export.

``Opportunity`` with one ``OpportunityLineItem`` (list price, discount) and its
``OpportunityHistory`` (forecast categories in their API values); calls and emails as
completed ``Task``s, meetings as ``Event``s; lifecycle changes as the field history
(``AccountHistory``, ``ContactHistory``, ``LeadHistory``) of ``Lifecycle_Stage__c``.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from revhub.demo.native.salesforce_csv import array, csv_table, label, percent, stamps
from revhub.demo.native.salesforce_org import Org

_FORECAST_API = {"best_case": "BestCase", "commit": "Forecast"}  # OpportunityHistory values


def opportunities(org: Org) -> pa.Table:
    """``Opportunity``: stage, forecast, amount and the records the deal points at."""
    rows = org.sf("opportunities")
    return csv_table(
        Id=rows["source_id"],
        Name=rows["name"],
        AccountId=org.account_ids(rows["account_id"]),
        ContactId=org.contact_ids(rows["primary_contact_id"]),
        OwnerId=org.user(rows["owner_id"]),
        SDR__c=org.user(rows["sdr_id"]),
        Type=label(rows["opportunity_type"]),
        StageName=label(rows["stage"]),
        ForecastCategoryName=label(rows["forecast_category"]),
        Probability=percent(rows["probability"]),
        CurrencyIsoCode=rows["currency"],
        Amount=rows["amount"],
        CloseDate=rows["close_date"],
        IsClosed=rows["is_closed"],
        IsWon=rows["is_won"],
        Loss_Reason__c=label(rows["lost_reason"]),
        LeadSource=label(rows["source_channel"]),
        CampaignId=org.campaign(rows["campaign_id"]),
        PartnerAccountId=org.partner(rows["partner_id"]),
        LastActivityDate=pc.cast(rows["last_activity_at"], pa.date32()),
        **stamps(rows),
    )


def line_items(org: Org) -> pa.Table:
    """``OpportunityLineItem``: one subscription line per deal with a list amount."""
    rows = org.sf("opportunities")
    rows = rows.filter(pc.is_valid(rows["list_amount"]))
    native = array(rows["source_id"])
    return csv_table(
        Id=pc.binary_join_element_wise("00k", pc.utf8_slice_codeunits(native, 3), ""),
        OpportunityId=native,
        Name="Subscription",
        Quantity="1",
        ListPrice=rows["list_amount"],
        UnitPrice=rows["list_amount"],
        Discount=percent(rows["discount"]),
        TotalPrice=rows["amount"],
        CurrencyIsoCode=rows["currency"],
        **stamps(rows),
    )


def history(org: Org) -> pa.Table:
    """``OpportunityHistory``: one row per version of a deal."""
    rows = org.sf("opportunity_history")
    forecast = rows["forecast_category"]
    api = pc.take(
        pa.array(list(_FORECAST_API.values())),
        pc.index_in(forecast, pa.array(list(_FORECAST_API))),
    )
    return csv_table(
        Id=rows["source_id"],
        OpportunityId=org.opportunity(rows["opportunity_id"]),
        StageName=label(rows["stage"]),
        Amount=rows["amount"],
        CloseDate=rows["close_date"],
        ForecastCategory=pc.coalesce(api, label(forecast)),
        Probability=percent(rows["probability"]),
        CurrencyIsoCode=rows["currency"],
        CreatedDate=rows["valid_from"],
        SystemModstamp=rows["valid_from"],
        IsDeleted="false",
    )


def activities(org: Org, kinds: tuple[str, ...]) -> pa.Table:
    """``Task`` (calls, emails) or ``Event`` (meetings) of the touchpoints of ``kinds``."""
    rows = org.sf("touchpoints")
    rows = rows.filter(pc.is_in(rows["touchpoint_type"], pa.array(kinds)))
    kind = pc.replace_substring(label(rows["touchpoint_type"]), "Sales Email", "Email")
    when = rows["occurred_at"]
    common = {
        "Id": rows["source_id"],
        "Type": kind,
        "WhoId": pc.coalesce(org.contact_ids(rows["contact_id"]), org.lead_ids(rows["lead_id"])),
        "WhatId": org.campaign(rows["campaign_id"]),
        "AccountId": org.account_ids(rows["account_id"]),
        "OwnerId": org.user(rows["user_id"]),
        "Channel__c": label(rows["channel"]),
        **stamps(rows),
    }
    if "meeting" in kinds:
        return csv_table(**common, StartDateTime=when)
    return csv_table(**common, TaskSubtype=kind, IsClosed="true", CompletedDateTime=when)


def lifecycle(org: Org) -> dict[str, pa.Table]:
    """``<Object>History`` of ``Lifecycle_Stage__c`` for accounts, contacts and leads."""
    events = org.sf("lifecycle_events")
    files = {}
    for entity, obj, ids in (
        ("account", "Account", org.account_ids),
        ("contact", "Contact", org.contact_ids),
        ("lead", "Lead", org.lead_ids),
    ):
        rows = events.filter(pc.equal(events["entity_type"], entity))
        files[f"{obj}History"] = csv_table(
            Id=rows["source_id"],
            **{f"{obj}Id": ids(rows["entity_id"])},
            Field="Lifecycle_Stage__c",
            OldValue=label(rows["from_stage"]),
            NewValue=label(rows["to_stage"]),
            CreatedDate=rows["occurred_at"],
            IsDeleted="false",
        )
    return files
