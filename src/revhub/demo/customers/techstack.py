"""The go-to-market tech stack: the tools the company pays for, with planted overlap.

Two sales-engagement tools both send email sequences, two conversation-intelligence
tools record calls, a forecasting tool repeats what the CRM already does, and a few
tools are shelfware (many seats, few active users). Exactly one tool per category is
the system of record. An audit of the stack should find these.

>>> t = build_tech_stack(DemoSpec(accounts=10, months=12))
>>> 15 <= t.num_rows <= 25
True
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from revhub.demo.spec import BASE_CURRENCY, DemoSpec
from revhub.model import get_table

# name, vendor, category, capabilities, owning team, annual USD, seats, usage share, is SoR
# fmt: off
TOOLS: tuple[tuple[str, str, str, str, str, float, int, float, bool], ...] = (
    ("Salesforce Sales Cloud", "Salesforce", "crm",
     "crm,pipeline,forecasting,reporting,activity_logging", "revops", 180_000, 120, 0.92, True),
    ("HubSpot Marketing Hub", "HubSpot", "marketing_automation",
     "email_marketing,landing_pages,lead_scoring,forms,crm", "marketing", 48_000, 25, 0.80, True),
    ("Outreach", "Outreach", "sales_engagement",
     "email_sequences,dialer,activity_logging", "sales", 54_000, 60, 0.85, True),
    ("Salesloft", "Salesloft", "sales_engagement",
     "email_sequences,dialer,conversation_recording", "sales", 30_000, 40, 0.30, False),
    ("Gong", "Gong", "conversation_intelligence",
     "conversation_recording,deal_insights,forecasting", "sales", 72_000, 70, 0.75, True),
    ("Chorus", "ZoomInfo", "conversation_intelligence",
     "conversation_recording,deal_insights", "sales", 25_000, 40, 0.15, False),
    ("Clari", "Clari", "forecasting",
     "forecasting,pipeline,reporting", "revops", 60_000, 35, 0.40, True),
    ("Stripe Billing", "Stripe", "billing",
     "invoicing,subscriptions,payments", "finance", 36_000, 8, 1.00, True),
    ("Chargebee", "Chargebee", "billing",
     "invoicing,subscriptions", "finance", 12_000, 5, 0.20, False),
    ("Zendesk Suite", "Zendesk", "support",
     "ticketing,help_center,chat,csat_surveys", "support", 42_000, 30, 0.90, True),
    ("Intercom", "Intercom", "support",
     "chat,help_center,product_tours", "customer_success", 24_000, 15, 0.45, False),
    ("Google Analytics 4", "Google", "web_analytics",
     "web_analytics,attribution", "marketing", 0, 20, 0.60, True),
    ("ZoomInfo SalesOS", "ZoomInfo", "data_enrichment",
     "enrichment,intent_data,contact_data", "sales", 45_000, 50, 0.55, True),
    ("Apollo.io", "Apollo", "data_enrichment",
     "enrichment,contact_data,email_sequences", "sales", 14_000, 30, 0.35, False),
    ("Salesforce CPQ", "Salesforce", "cpq",
     "quoting,pricing,approvals", "revops", 40_000, 60, 0.70, True),
    ("Gainsight", "Gainsight", "customer_success",
     "health_scores,playbooks,nps_surveys,renewals", "customer_success", 50_000, 25, 0.65, True),
    ("Delighted", "Qualtrics", "customer_success",
     "nps_surveys,csat_surveys", "customer_success", 6_000, 10, 0.30, False),
    ("Tableau", "Salesforce", "bi",
     "reporting,dashboards", "revops", 35_000, 40, 0.35, True),
    ("Looker Studio", "Google", "bi",
     "reporting,dashboards", "marketing", 0, 30, 0.50, False),
    ("PartnerStack", "PartnerStack", "partner_management",
     "partner_portal,commissions,referral_tracking", "partners", 28_000, 12, 0.60, True),
)
# fmt: on


def build_tech_stack(spec: DemoSpec) -> pa.Table:
    """The ``tech_stack_tools`` table: one row per tool, as of the end of the history.

    >>> build_tech_stack(DemoSpec(accounts=1, months=12))["is_system_of_record"].to_pylist()[:2]
    [True, True]
    """
    rng = spec.rng("tech_stack")
    n = len(TOOLS)
    seats = np.array([t[6] for t in TOOLS])
    usage = np.clip(np.array([t[7] for t in TOOLS]) + rng.normal(0, 0.04, n), 0.02, 1.0)
    active = np.minimum(seats, np.round(seats * usage)).astype(int)
    cost = np.array([t[5] for t in TOOLS], dtype=float) * rng.uniform(0.92, 1.08, n)
    cost = np.round(cost, -2)
    ids = np.array([f"tool_{i + 1:03d}" for i in range(n)], dtype=object)
    bought = spec.start - rng.integers(60, 900, n).astype("timedelta64[D]")
    renewals = np.ceil((spec.end - bought).astype(int) / 365).astype(int)
    contract_end = bought + (renewals * 365).astype("timedelta64[D]")
    updated = (spec.end - rng.integers(1, 60, n).astype("timedelta64[D]")).astype("datetime64[us]")
    return get_table("tech_stack_tools").to_arrow(
        {
            "tool_id": ids,
            "name": [t[0] for t in TOOLS],
            "vendor": [t[1] for t in TOOLS],
            "category": [t[2] for t in TOOLS],
            "capabilities": [t[3] for t in TOOLS],
            "owning_team": [t[4] for t in TOOLS],
            "currency": [BASE_CURRENCY] * n,
            "fx_rate": np.ones(n),
            "annual_cost": cost,
            "annual_cost_base": cost,
            "seats": seats,
            "active_users": active,
            "contract_end_date": contract_end,
            "is_system_of_record": [t[8] for t in TOOLS],
            "source": ["netsuite"] * n,
            "source_id": np.char.add("VEND-", np.arange(1001, 1001 + n).astype(str)).astype(object),
            "created_at": bought.astype("datetime64[us]"),
            "updated_at": updated,
        }
    )
