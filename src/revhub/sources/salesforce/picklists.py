"""Salesforce picklist values as canonical values: one vocabulary per canonical column.

A vocabulary accepts the canonical values themselves, their labels (matching ignores
case, spaces and punctuation, so "Closed Won", "closed-won" and "CLOSED_WON" all read
as ``closed_won``) and the standard Salesforce values that mean the same thing
("Negotiation/Review" is ``negotiation``, ForecastCategory "BestCase" is
``best_case``). A value no vocabulary knows is passed through unchanged, so ingestion
quarantines its row and says which value it did not know.

>>> STAGES["negotiation_review"], FORECAST["forecast"], LEAD_STATUSES["open_not_contacted"]
('negotiation', 'commit', 'new')
>>> label_key("Proposal/Price Quote")
'proposal_price_quote'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from revhub.model.vocabulary import (
    CAMPAIGN_TYPES,
    CHANNELS,
    DEPARTMENTS,
    FORECAST_CATEGORIES,
    GTM_ROLES,
    LIFECYCLE_STAGES,
    LOST_REASONS,
    OPPORTUNITY_STAGES,
    OPPORTUNITY_TYPES,
    REGIONS,
    SEGMENTS,
)

Vocabulary = Mapping[str, str]  # label key -> canonical value

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def label_key(label: str) -> str:
    """The form a picklist label is matched in: lower case, runs of other characters as "_".

    >>> label_key("  Mid-Market ")
    'mid_market'
    """
    return _NOT_ALNUM.sub("_", label.lower()).strip("_")


def vocabulary(values: Iterable[str], synonyms: Mapping[str, str] | None = None) -> Vocabulary:
    """Canonical ``values`` plus ``synonyms`` (Salesforce label -> canonical value).

    >>> vocabulary(("smb",), {"Small Business": "smb"})
    {'smb': 'smb', 'small_business': 'smb'}
    """
    table = {label_key(v): v for v in values}
    for label, value in (synonyms or {}).items():
        table[label_key(label)] = value
    return table


# Opportunity.StageName: the standard Sales Process stages and the demo's own labels.
STAGES = vocabulary(
    OPPORTUNITY_STAGES,
    {
        "Qualification": "discovery",
        "Needs Analysis": "discovery",
        "Value Proposition": "demo",
        "Id. Decision Makers": "demo",
        "Perception Analysis": "demo",
        "Proposal/Price Quote": "proposal",
        "Negotiation/Review": "negotiation",
    },
)
CLOSED_STAGES = ("closed_won", "closed_lost")

# ForecastCategoryName labels and the API values of OpportunityHistory.ForecastCategory.
FORECAST = vocabulary(FORECAST_CATEGORIES, {"BestCase": "best_case", "Forecast": "commit"})

OPPORTUNITY_TYPE = vocabulary(
    OPPORTUNITY_TYPES,
    {
        "New Customer": "new_business",
        "New": "new_business",
        "Existing Customer - Upgrade": "expansion",
        "Upsell": "expansion",
        "Cross-sell": "expansion",
    },
)

LEAD_STATUSES = vocabulary(
    ("new", "working", "nurturing", "qualified", "unqualified", "converted"),
    {
        "Open - Not Contacted": "new",
        "Open": "new",
        "Working - Contacted": "working",
        "Contacted": "working",
        "Closed - Converted": "converted",
        "Closed - Not Converted": "unqualified",
        "Disqualified": "unqualified",
        "Nurture": "nurturing",
    },
)

# LeadSource (Lead and Opportunity) -> marketing channel.
CHANNEL = vocabulary(
    CHANNELS,
    {
        "Web": "direct",
        "Phone Inquiry": "direct",
        "Partner Referral": "partner",
        "Employee Referral": "referral",
        "External Referral": "referral",
        "Word of mouth": "referral",
        "Trade Show": "events",
        "Seminar - Internal": "events",
        "Seminar - Partner": "events",
        "Conference": "events",
        "Purchased List": "outbound",
        "Cold Call": "outbound",
        "Google AdWords": "paid_search",
    },
)

CAMPAIGN_TYPE = vocabulary(
    CAMPAIGN_TYPES,
    {
        "Conference": "event",
        "Trade Show": "event",
        "Seminar / Conference": "event",
        "Email": "email",
        "Telemarketing": "outbound",
        "Direct Mail": "outbound",
    },
)

# A campaign's channel when the org keeps no Channel__c field: follows from its type.
CHANNEL_OF_CAMPAIGN_TYPE = {
    "paid_search": "paid_search",
    "paid_social": "paid_social",
    "content": "content",
    "event": "events",
    "webinar": "webinar",
    "email": "email",
    "outbound": "outbound",
}

# CampaignMember of a campaign of this (canonical) type who responded -> touchpoint type.
TOUCH_OF_CAMPAIGN_TYPE = {
    "paid_search": "ad_click",
    "paid_social": "ad_click",
    "content": "content_download",
    "event": "event_attended",
    "webinar": "webinar_attended",
    "email": "email_click",
    "outbound": "sales_email",
}

# Task.TaskSubtype / Task.Type / Event.Type -> touchpoint type.
ACTIVITY = vocabulary(
    (),
    {
        "Call": "call",
        "Email": "sales_email",
        "ListEmail": "sales_email",
        "List Email": "sales_email",
        "Send Letter": "sales_email",
        "Meeting": "meeting",
        "Event": "meeting",
    },
)

LIFECYCLE = vocabulary(
    LIFECYCLE_STAGES,
    {
        "Marketing Qualified Lead": "mql",
        "Sales Qualified Lead": "sql",
        "Former Customer": "churned",
    },
)

REGION = vocabulary(
    REGIONS, {"NA": "north_america", "NAMER": "north_america", "AMER": "north_america"}
)
SEGMENT = vocabulary(SEGMENTS, {"Small Business": "smb", "Mid Market": "mid_market"})
PERSONA = vocabulary(
    ("economic_buyer", "champion", "user", "technical", "other"),
    {"Decision Maker": "economic_buyer", "Technical Buyer": "technical", "End User": "user"},
)
LOST_REASON = vocabulary(LOST_REASONS, {"No Budget": "price", "Lost to Competitor": "competitor"})
PARTNER_TYPE = vocabulary(
    ("reseller", "referral", "technology", "agency"),
    {"Channel Partner / Reseller": "reseller", "Technology Partner": "technology"},
)
PARTNER_TIER = vocabulary(("registered", "silver", "gold"))

# Account.Type values that make the account a channel partner rather than a customer.
PARTNER_ACCOUNT_TYPES = vocabulary(
    (), dict.fromkeys(("Partner", "Channel Partner / Reseller", "Technology Partner"), "partner")
)

DEPARTMENT = vocabulary(
    DEPARTMENTS,
    {
        "Revenue Operations": "revops",
        "Sales Operations": "revops",
        "Partnerships": "partners",
        "Customer Support": "support",
        "Sales Development": "sales",
    },
)

# User.Title -> go-to-market role; the demo org writes these titles.
ROLE_TITLES = {
    "cro": "Chief Revenue Officer",
    "revops_manager": "Revenue Operations Manager",
    "revenue_analyst": "Revenue Analyst",
    "marketing_ops": "Marketing Operations Manager",
    "marketer": "Marketing Manager",
    "sdr": "Sales Development Representative",
    "ae": "Account Executive",
    "sales_manager": "Sales Manager",
    "csm": "Customer Success Manager",
    "cs_manager": "Head of Customer Success",
    "cs_ops": "Customer Success Operations",
    "partner_manager": "Partner Manager",
    "partner_ops": "Partner Operations",
    "finance": "Finance Manager",
    "support_agent": "Support Agent",
}
ROLE = vocabulary(
    GTM_ROLES,
    {
        **{title: role for role, title in ROLE_TITLES.items()},
        "Business Development Representative": "sdr",
        "Account Manager": "ae",
        "Customer Success Director": "cs_manager",
    },
)
