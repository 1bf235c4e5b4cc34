"""Account, Contact and Lead: companies, partners and people.

An Account whose ``Type`` is Partner (or "Channel Partner / Reseller", "Technology
Partner") is a channel partner and fills ``partners``; every other Account fills
``accounts``. Fields beyond the standard ones are the org's custom fields:

=====================  ================================================================
Account                Region__c, Segment__c, Lifecycle_Stage__c, CSM__c (User),
                       Partner_Account__c (Account), Customer_Since__c, Churn_Date__c;
                       partners: Partner_Type__c, Partner_Tier__c, Partner_Since__c,
                       Commission_Rate__c (percent)
Contact                Buying_Role__c (persona), Lifecycle_Stage__c
Lead                   Region__c, Segment__c, Lifecycle_Stage__c, Lead_Score__c,
                       Primary_Campaign__c (Campaign)
=====================  ================================================================

Territories come from ObjectTerritory2Association (Enterprise Territory Management);
a contact's ``converted_from_lead_id`` from the Lead whose ConvertedContactId it is.

>>> sorted(ACCOUNTS.fields)[:3]
['account_id', 'annual_revenue', 'became_customer_date']
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.salesforce import picklists as p
from revhub.sources.salesforce import values
from revhub.sources.salesforce.fields import (
    Field,
    TableMap,
    current_rows,
    derived,
    key,
    lineage,
    percent,
    pick,
    related_value,
    text,
)
from revhub.sources.salesforce.frame import Frame


def _is_partner(frame: Frame) -> pa.Array:
    kind = values.known(frame.column("Type"), p.PARTNER_ACCOUNT_TYPES)
    return pc.is_valid(kind)


def _customer_rows(frame: Frame) -> pa.Array:
    return pc.and_(pc.invert(_is_partner(frame)), frame.current())


def _partner_rows(frame: Frame) -> pa.Array:
    return pc.and_(_is_partner(frame), frame.current())


def _domain(frame: Frame) -> pa.Array:
    """Website "https://www.acme.com/about" as the domain "acme.com"."""
    site = pc.utf8_lower(pc.utf8_trim_whitespace(frame.column("Website")))
    bare = pc.replace_substring_regex(site, pattern=r"^[a-z]+://", replacement="")
    bare = pc.replace_substring_regex(bare, pattern=r"^www\.", replacement="")
    return pc.replace_substring_regex(bare, pattern=r"[/?#:].*$", replacement="")


def _industry(frame: Frame) -> pa.Array:
    """Industry labels in the model's snake case ("Financial Services" -> financial_services)."""
    return values.label_keys(frame.column("Industry"))


def _territory(frame: Frame) -> pa.Array:
    """The territory ObjectTerritory2Association assigns the account to, if any."""
    return frame.keyed(
        related_value(frame, "ObjectTerritory2Association", "ObjectId", "Territory2Id")
    )


ACCOUNTS = TableMap(
    "accounts",
    {
        **lineage("account_id"),
        "name": text("Name"),
        "domain": derived(_domain, "Website"),
        "industry": derived(_industry, "Industry"),
        "employees": text("NumberOfEmployees"),
        "annual_revenue": text("AnnualRevenue"),
        "segment": pick(p.SEGMENT, "Segment__c"),
        "region": pick(p.REGION, "Region__c"),
        "country": text("BillingCountryCode", "BillingCountry"),
        "city": text("BillingCity"),
        "phone": text("Phone"),
        "owner_id": key("OwnerId"),
        "csm_id": key("CSM__c"),
        "territory_id": derived(_territory),
        "partner_id": key("Partner_Account__c"),
        "parent_account_id": key("ParentId"),
        "lifecycle_stage": pick(p.LIFECYCLE, "Lifecycle_Stage__c"),
        "first_seen_at": text("CreatedDate"),
        "became_customer_date": text("Customer_Since__c"),
        "churned_date": text("Churn_Date__c"),
    },
    rows=_customer_rows,
)


def _partner_type(frame: Frame) -> pa.Array:
    """Partner_Type__c, else what Account.Type says ("Technology Partner" -> technology)."""
    custom = frame.column("Partner_Type__c")
    from_type = values.known(frame.column("Type"), p.PARTNER_TYPE)
    return values.picklist(pc.coalesce(custom, from_type, frame.column("Type")), p.PARTNER_TYPE)


PARTNERS = TableMap(
    "partners",
    {
        **lineage("partner_id"),
        "name": text("Name"),
        "partner_type": derived(_partner_type, "Partner_Type__c", "Type"),
        "tier": pick(p.PARTNER_TIER, "Partner_Tier__c"),
        "region": pick(p.REGION, "Region__c"),
        "partner_manager_id": key("OwnerId"),
        "joined_date": text("Partner_Since__c", "CreatedDate"),
        "commission_rate": percent("Commission_Rate__c"),
    },
    rows=_partner_rows,
)


def _converted_from(frame: Frame) -> pa.Array:
    """The lead converted into each contact (Lead.ConvertedContactId), if any."""
    return frame.keyed(related_value(frame, "Lead", "ConvertedContactId", "Id"))


CONTACTS = TableMap(
    "contacts",
    {
        **lineage("contact_id"),
        "account_id": key("AccountId"),
        "first_name": text("FirstName"),
        "last_name": text("LastName"),
        "email": text("Email"),
        "phone": text("Phone", "MobilePhone"),
        "title": text("Title"),
        "persona": pick(p.PERSONA, "Buying_Role__c"),
        "country": text("MailingCountryCode", "MailingCountry"),
        "owner_id": key("OwnerId"),
        "lifecycle_stage": pick(p.LIFECYCLE, "Lifecycle_Stage__c"),
        "converted_from_lead_id": derived(_converted_from),
        "has_opted_out": text("HasOptedOutOfEmail"),
    },
    rows=current_rows,
)


def _lead_status(frame: Frame) -> pa.Array:
    """Status as a canonical lead status; a converted lead (IsConverted) is "converted"."""
    status = values.picklist(frame.column("Status"), p.LEAD_STATUSES)
    converted = pc.fill_null(values.truthy(frame.column("IsConverted")), False)
    return pc.if_else(converted, "converted", status)


LEADS = TableMap(
    "leads",
    {
        **lineage("lead_id"),
        "first_name": text("FirstName"),
        "last_name": text("LastName"),
        "email": text("Email"),
        "phone": text("Phone", "MobilePhone"),
        "company": text("Company"),
        "title": text("Title"),
        "country": text("CountryCode", "Country"),
        "region": pick(p.REGION, "Region__c"),
        "segment": pick(p.SEGMENT, "Segment__c"),
        "channel": pick(p.CHANNEL, "LeadSource"),
        "campaign_id": key("Primary_Campaign__c"),
        "partner_id": key("PartnerAccountId"),
        "owner_id": key("OwnerId"),
        "status": Field(("Status",), lambda text, frame: _lead_status(frame), ("IsConverted",)),
        "lifecycle_stage": pick(p.LIFECYCLE, "Lifecycle_Stage__c"),
        "score": text("Lead_Score__c"),
        "is_converted": text("IsConverted"),
        "converted_at": text("ConvertedDate"),
        "converted_contact_id": key("ConvertedContactId"),
        "converted_account_id": key("ConvertedAccountId"),
        "converted_opportunity_id": key("ConvertedOpportunityId"),
    },
    rows=current_rows,
)
