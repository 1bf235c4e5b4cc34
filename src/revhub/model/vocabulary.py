"""The closed sets of values that canonical columns may take.

These are the RevOps vocabulary shared by connectors, metrics and the demo company:
lifecycle stages, opportunity types, forecast categories (Salesforce's meaning),
touchpoint kinds, marketing channels, billing intervals, roles and departments.

>>> LIFECYCLE_STAGES[:3]
('subscriber', 'lead', 'mql')
"""

from __future__ import annotations

LIFECYCLE_STAGES = (
    "subscriber",
    "lead",
    "mql",
    "sql",
    "opportunity",
    "customer",
    "evangelist",
    "churned",
)

DEPARTMENTS = ("marketing", "sales", "customer_success", "finance", "partners", "revops", "support")

GTM_ROLES = (
    "cro",
    "revops_manager",
    "revenue_analyst",
    "marketing_ops",
    "marketer",
    "sdr",
    "ae",
    "sales_manager",
    "csm",
    "cs_manager",
    "cs_ops",
    "partner_manager",
    "partner_ops",
    "finance",
    "support_agent",
)

SEGMENTS = ("smb", "mid_market", "enterprise")
REGIONS = ("north_america", "emea", "apac", "latam")

OPPORTUNITY_TYPES = ("new_business", "expansion", "renewal")

# Salesforce's forecast categories (ForecastCategoryName).
FORECAST_CATEGORIES = ("pipeline", "best_case", "commit", "closed", "omitted")

OPPORTUNITY_STAGES = (
    "prospecting",
    "discovery",
    "demo",
    "proposal",
    "negotiation",
    "closed_won",
    "closed_lost",
)

LOST_REASONS = (
    "price",
    "competitor",
    "no_decision",
    "timing",
    "missing_feature",
    "unresponsive",
)

CHANNELS = (
    "organic_search",
    "paid_search",
    "paid_social",
    "content",
    "events",
    "webinar",
    "email",
    "outbound",
    "partner",
    "referral",
    "direct",
)

TOUCHPOINT_TYPES = (
    "web_visit",
    "form_fill",
    "email_send",
    "email_open",
    "email_click",
    "ad_click",
    "event_attended",
    "webinar_attended",
    "content_download",
    "call",
    "meeting",
    "sales_email",
)

CAMPAIGN_TYPES = ("paid_search", "paid_social", "content", "event", "webinar", "email", "outbound")

BILLING_INTERVALS = ("month", "quarter", "year")

PRODUCT_KINDS = ("plan", "addon", "service")

SUBSCRIPTION_STATUSES = ("trialing", "active", "past_due", "canceled")

INVOICE_STATUSES = ("draft", "open", "paid", "void", "uncollectible")

INVOICE_LINE_KINDS = ("subscription", "one_off", "tax", "discount")

PAYMENT_STATUSES = ("succeeded", "failed")

TICKET_PRIORITIES = ("low", "normal", "high", "urgent")
TICKET_STATUSES = ("new", "open", "pending", "solved", "closed")

TOOL_CATEGORIES = (
    "crm",
    "marketing_automation",
    "sales_engagement",
    "conversation_intelligence",
    "billing",
    "support",
    "web_analytics",
    "data_enrichment",
    "cpq",
    "customer_success",
    "bi",
    "forecasting",
    "partner_management",
)

TARGET_GRAINS = ("month", "quarter", "year")

CURRENCIES = ("USD", "EUR", "GBP", "ISK", "TRY")
