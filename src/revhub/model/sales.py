"""Pipeline: opportunities and their full history.

``opportunity_history`` holds one row per version of an opportunity, valid from
``valid_from`` (inclusive) until ``valid_to`` (exclusive; null for the current version).
The versions of one opportunity never overlap, so the pipeline as it stood on any past
day is ``valid_from <= day < coalesce(valid_to, +inf)``.

>>> OPPORTUNITY_HISTORY.primary_key
('opportunity_id', 'valid_from')
"""

from __future__ import annotations

from revhub.model.schema import BOOL, DATE, FLOAT, STRING, TIMESTAMP, col, key, money, ref, table
from revhub.model.vocabulary import (
    CHANNELS,
    FORECAST_CATEGORIES,
    LOST_REASONS,
    OPPORTUNITY_STAGES,
    OPPORTUNITY_TYPES,
)

GROUP = "sales"

OPPORTUNITIES = table(
    "opportunities",
    "Deals: new business, expansion and renewal, open and closed.",
    ["opportunity_id"],
    key("opportunity_id", "Opportunity key."),
    col("name", STRING, "Deal name."),
    ref("account_id", "accounts.account_id", "Account buying.", nullable=False),
    ref("primary_contact_id", "contacts.contact_id", "Main contact on the deal."),
    ref("owner_id", "users.user_id", "Opportunity owner (AE or CSM)."),
    ref("sdr_id", "users.user_id", "SDR who sourced or qualified it, if any."),
    col("opportunity_type", STRING, "Kind of deal.", nullable=False, values=OPPORTUNITY_TYPES),
    col("stage", STRING, "Current sales stage.", nullable=False, values=OPPORTUNITY_STAGES),
    col(
        "forecast_category",
        STRING,
        "Forecast category (Salesforce meaning).",
        nullable=False,
        values=FORECAST_CATEGORIES,
    ),
    col("probability", FLOAT, "Stage probability in [0, 1] recorded in the CRM.", minimum=0),
    *money(
        ("amount", "Deal value: first-year ARR for subscriptions (after discount)."),
        ("list_amount", "Deal value at list price, before discount."),
    ),
    col("discount", FLOAT, "1 - amount / list_amount.", minimum=0),
    col("created_date", DATE, "Date the opportunity was created.", nullable=False),
    col("close_date", DATE, "Expected (open) or actual (closed) close date.", nullable=False),
    col("closed_date", DATE, "Date it was closed; null while open."),
    col("is_closed", BOOL, "Closed, won or lost.", nullable=False),
    col("is_won", BOOL, "Closed won.", nullable=False),
    col("lost_reason", STRING, "Why it was lost.", values=LOST_REASONS),
    col("source_channel", STRING, "Channel that sourced the deal.", values=CHANNELS),
    ref("campaign_id", "campaigns.campaign_id", "Primary campaign, if any."),
    ref("partner_id", "partners.partner_id", "Partner that sourced or co-sold it."),
    ref("renewed_subscription_id", "subscriptions.subscription_id", "Subscription it renews."),
    col("last_activity_at", TIMESTAMP, "Most recent logged sales activity."),
    group=GROUP,
)

OPPORTUNITY_HISTORY = table(
    "opportunity_history",
    "Every version of every opportunity (stage, amount, close date, forecast category).",
    ["opportunity_id", "valid_from"],
    ref("opportunity_id", "opportunities.opportunity_id", "Opportunity.", nullable=False),
    col("valid_from", TIMESTAMP, "Version valid from (inclusive).", nullable=False),
    col("valid_to", TIMESTAMP, "Version valid until (exclusive); null if current."),
    col("stage", STRING, "Stage in this version.", nullable=False, values=OPPORTUNITY_STAGES),
    col(
        "forecast_category",
        STRING,
        "Forecast category in this version.",
        nullable=False,
        values=FORECAST_CATEGORIES,
    ),
    col("probability", FLOAT, "Stage probability in this version.", minimum=0),
    *money(("amount", "Deal value in this version.")),
    col("close_date", DATE, "Expected close date in this version.", nullable=False),
    ref("owner_id", "users.user_id", "Owner in this version."),
    col(
        "change_kind",
        STRING,
        "What changed to start this version.",
        nullable=False,
        values=("created", "stage", "amount", "close_date", "forecast_category", "owner", "closed"),
    ),
    group=GROUP,
)

TABLES = (OPPORTUNITIES, OPPORTUNITY_HISTORY)
