"""Companies, people and campaigns in the demo's Salesforce export.

``Account`` holds the customer and prospect companies (``Type`` from the lifecycle
stage and partner) and the channel partners (``Type`` "Partner"); ``Contact`` and
``Lead`` the people, leads with their conversion; ``Campaign`` the campaigns, copies
of other systems' campaigns without budget (the budget stays with the system that owns
the campaign).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from revhub.demo.native.salesforce_csv import csv_table, label, percent, stamps
from revhub.demo.native.salesforce_org import Org


def accounts(org: Org) -> pa.Table:
    """``Account``: the companies in the org, then the channel partners."""
    rows = org.account_rows
    stage = rows["lifecycle_stage"]
    customer = pc.is_in(stage, pa.array(["customer", "evangelist"]))
    kind = pc.if_else(
        customer,
        pc.if_else(pc.is_valid(rows["partner_id"]), "Customer - Channel", "Customer - Direct"),
        pc.if_else(pc.equal(stage, "churned"), "Former Customer", "Prospect"),
    )
    companies = csv_table(
        Id=org.account_ids(rows["account_id"]),
        Name=rows["name"],
        Type=kind,
        Website=rows["domain"],
        Industry=label(rows["industry"]),
        NumberOfEmployees=rows["employees"],
        AnnualRevenue=rows["annual_revenue"],
        Segment__c=label(rows["segment"]),
        Region__c=label(rows["region"]),
        BillingCountryCode=rows["country"],
        BillingCity=rows["city"],
        Phone=rows["phone"],
        OwnerId=org.user(rows["owner_id"]),
        CSM__c=org.user(rows["csm_id"]),
        Partner_Account__c=org.partner(rows["partner_id"]),
        ParentId=org.account_ids(rows["parent_account_id"]),
        Lifecycle_Stage__c=label(stage),
        Customer_Since__c=rows["became_customer_date"],
        Churn_Date__c=rows["churned_date"],
        **stamps(rows),
    )
    partners = org.sf("partners")
    channel = csv_table(
        Id=partners["source_id"],
        Name=partners["name"],
        Type="Partner",
        Partner_Type__c=label(partners["partner_type"]),
        Partner_Tier__c=label(partners["tier"]),
        Region__c=label(partners["region"]),
        OwnerId=org.user(partners["partner_manager_id"]),
        Partner_Since__c=partners["joined_date"],
        Commission_Rate__c=percent(partners["commission_rate"]),
        **stamps(partners),
    )
    return pa.concat_tables([companies, channel], promote_options="default")


def contacts(org: Org) -> pa.Table:
    """``Contact``: the people of accounts, buying role and opt-out."""
    rows = org.contact_rows
    return csv_table(
        Id=org.contact_ids(rows["contact_id"]),
        AccountId=org.account_ids(rows["account_id"]),
        FirstName=rows["first_name"],
        LastName=rows["last_name"],
        Email=rows["email"],
        Phone=rows["phone"],
        Title=rows["title"],
        Buying_Role__c=label(rows["persona"]),
        MailingCountryCode=rows["country"],
        OwnerId=org.user(rows["owner_id"]),
        Lifecycle_Stage__c=label(rows["lifecycle_stage"]),
        HasOptedOutOfEmail=rows["has_opted_out"],
        **stamps(rows),
    )


def leads(org: Org) -> pa.Table:
    """``Lead``: source, campaign, status and score, and what a lead converted into."""
    rows = org.lead_rows
    return csv_table(
        Id=org.lead_ids(rows["lead_id"]),
        FirstName=rows["first_name"],
        LastName=rows["last_name"],
        Email=rows["email"],
        Phone=rows["phone"],
        Company=rows["company"],
        Title=rows["title"],
        CountryCode=rows["country"],
        Region__c=label(rows["region"]),
        Segment__c=label(rows["segment"]),
        LeadSource=label(rows["channel"]),
        Primary_Campaign__c=org.campaign(rows["campaign_id"]),
        PartnerAccountId=org.partner(rows["partner_id"]),
        OwnerId=org.user(rows["owner_id"]),
        Status=label(rows["status"]),
        Lifecycle_Stage__c=label(rows["lifecycle_stage"]),
        Lead_Score__c=rows["score"],
        IsConverted=rows["is_converted"],
        ConvertedDate=pc.cast(rows["converted_at"], pa.date32()),
        ConvertedContactId=org.contact_ids(rows["converted_contact_id"]),
        ConvertedAccountId=org.account_ids(rows["converted_account_id"]),
        ConvertedOpportunityId=org.opportunity(rows["converted_opportunity_id"]),
        **stamps(rows),
    )


def campaigns(org: Org) -> pa.Table:
    """``Campaign``: type, channel and dates; budget only on Salesforce's own campaigns."""
    rows = org.campaign_rows
    own = pc.equal(rows["source"], "salesforce")
    return csv_table(
        Id=org.campaign(rows["campaign_id"]),
        Name=rows["name"],
        Type=label(rows["campaign_type"]),
        Channel__c=label(rows["channel"]),
        StartDate=rows["start_date"],
        EndDate=rows["end_date"],
        OwnerId=org.user(rows["owner_id"]),
        UTM_Campaign__c=rows["utm_campaign"],
        CurrencyIsoCode=rows["currency"],
        BudgetedCost=pc.if_else(own, rows["budget"], pa.scalar(None, rows["budget"].type)),
        **stamps(rows),
    )
