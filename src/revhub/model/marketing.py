"""Demand: campaigns, touchpoints, marketing spend and lifecycle events.

>>> LIFECYCLE_EVENTS.primary_key
('lifecycle_event_id',)
"""

from __future__ import annotations

from revhub.model.schema import DATE, STRING, TIMESTAMP, col, key, money, ref, table
from revhub.model.vocabulary import (
    CAMPAIGN_TYPES,
    CHANNELS,
    DEPARTMENTS,
    LIFECYCLE_STAGES,
    TOUCHPOINT_TYPES,
)

GROUP = "marketing"

CAMPAIGNS = table(
    "campaigns",
    "Marketing and sales campaigns (ads, content, events, webinars, email, outbound).",
    ["campaign_id"],
    key("campaign_id", "Campaign key."),
    col("name", STRING, "Campaign name.", nullable=False),
    col("campaign_type", STRING, "Kind of campaign.", nullable=False, values=CAMPAIGN_TYPES),
    col("channel", STRING, "Marketing channel.", nullable=False, values=CHANNELS),
    col("start_date", DATE, "First day the campaign ran.", nullable=False),
    col("end_date", DATE, "Last day the campaign ran, if it ended."),
    ref("owner_id", "users.user_id", "Marketer who owns the campaign."),
    col("utm_campaign", STRING, "utm_campaign value used in its links."),
    *money(("budget", "Planned budget.")),
    group=GROUP,
)

TOUCHPOINTS = table(
    "touchpoints",
    "Every marketing and sales touch on a person: visits, forms, emails, ads, events, calls.",
    ["touchpoint_id"],
    key("touchpoint_id", "Touchpoint key."),
    col("touchpoint_type", STRING, "What happened.", nullable=False, values=TOUCHPOINT_TYPES),
    col("occurred_at", TIMESTAMP, "When it happened (UTC).", nullable=False),
    col("channel", STRING, "Marketing channel.", nullable=False, values=CHANNELS),
    ref("campaign_id", "campaigns.campaign_id", "Campaign it belongs to, if any."),
    ref("lead_id", "leads.lead_id", "Person, while still a lead."),
    ref("contact_id", "contacts.contact_id", "Person, once a contact."),
    ref("account_id", "accounts.account_id", "Account of the person, if known."),
    ref("user_id", "users.user_id", "Seller who made the touch (calls, meetings, emails)."),
    col("utm_source", STRING, "utm_source of the landing URL."),
    col("utm_medium", STRING, "utm_medium of the landing URL."),
    col("utm_campaign", STRING, "utm_campaign of the landing URL."),
    col("utm_content", STRING, "utm_content of the landing URL."),
    col("utm_term", STRING, "utm_term of the landing URL."),
    col("page_url", STRING, "Page or asset involved, if any."),
    group=GROUP,
)

MARKETING_SPEND = table(
    "marketing_spend",
    "Marketing spend per channel, campaign and month.",
    ["spend_id"],
    key("spend_id", "Spend row key."),
    col("month", DATE, "First day of the month the money was spent in.", nullable=False),
    col("channel", STRING, "Marketing channel.", nullable=False, values=CHANNELS),
    ref("campaign_id", "campaigns.campaign_id", "Campaign, if the spend is per campaign."),
    *money(("amount", "Money spent.")),
    group=GROUP,
)

LIFECYCLE_EVENTS = table(
    "lifecycle_events",
    "A person or account moving from one lifecycle stage to another.",
    ["lifecycle_event_id"],
    key("lifecycle_event_id", "Event key."),
    col(
        "entity_type",
        STRING,
        "Whether a person (lead/contact) or an account moved.",
        nullable=False,
        values=("lead", "contact", "account"),
    ),
    col("entity_id", STRING, "lead_id, contact_id or account_id of what moved.", nullable=False),
    ref("account_id", "accounts.account_id", "Account of the entity, if known."),
    col("from_stage", STRING, "Stage before (null for the first stage).", values=LIFECYCLE_STAGES),
    col("to_stage", STRING, "Stage after.", nullable=False, values=LIFECYCLE_STAGES),
    col("occurred_at", TIMESTAMP, "When the move happened (UTC).", nullable=False),
    col(
        "owning_team", STRING, "Department that owns the entity after the move.", values=DEPARTMENTS
    ),
    ref("owner_id", "users.user_id", "Person who owns the entity after the move."),
    col("channel", STRING, "First-touch channel of the entity.", values=CHANNELS),
    group=GROUP,
)

TABLES = (CAMPAIGNS, TOUCHPOINTS, MARKETING_SPEND, LIFECYCLE_EVENTS)
