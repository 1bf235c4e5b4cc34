"""Who sells and who buys: teams, territories, go-to-market users, partners, accounts,
contacts and leads.

>>> ACCOUNTS.primary_key
('account_id',)
"""

from __future__ import annotations

from revhub.model.schema import (
    BOOL,
    DATE,
    FLOAT,
    INT,
    STRING,
    TIMESTAMP,
    col,
    key,
    money,
    ref,
    table,
)
from revhub.model.vocabulary import DEPARTMENTS, GTM_ROLES, LIFECYCLE_STAGES, REGIONS, SEGMENTS

GROUP = "organisation"

TEAMS = table(
    "teams",
    "Go-to-market teams (marketing, SDR, AE, CS, partners, finance, ...).",
    ["team_id"],
    key("team_id", "Team key."),
    col("name", STRING, "Team name as people say it.", nullable=False),
    col(
        "department", STRING, "Department the team belongs to.", nullable=False, values=DEPARTMENTS
    ),
    ref("parent_team_id", "teams.team_id", "Team this one reports into, if any."),
    col("region", STRING, "Region the team covers, if regional.", values=REGIONS),
    col("segment", STRING, "Customer segment the team covers, if any.", values=SEGMENTS),
    group=GROUP,
)

TERRITORIES = table(
    "territories",
    "Sales territories: a region × segment slice of the market with an owning team.",
    ["territory_id"],
    key("territory_id", "Territory key."),
    col("name", STRING, "Territory name.", nullable=False),
    col("region", STRING, "Region of the territory.", nullable=False, values=REGIONS),
    col("segment", STRING, "Segment of the territory.", nullable=False, values=SEGMENTS),
    ref("team_id", "teams.team_id", "Team that owns the territory."),
    group=GROUP,
)

USERS = table(
    "users",
    "Go-to-market staff: marketers, SDRs, AEs, managers, CSMs, partner and finance people.",
    ["user_id"],
    key("user_id", "User key."),
    col("name", STRING, "Full name.", nullable=False),
    col("email", STRING, "Work email."),
    ref("team_id", "teams.team_id", "Team the user belongs to.", nullable=False),
    col("role", STRING, "Go-to-market role.", nullable=False, values=GTM_ROLES),
    ref("manager_id", "users.user_id", "The user's manager, if any."),
    col("region", STRING, "Region the user covers.", values=REGIONS),
    col("segment", STRING, "Segment the user covers, if any.", values=SEGMENTS),
    ref("territory_id", "territories.territory_id", "Territory the user owns, if any."),
    col("hire_date", DATE, "First day at the company.", nullable=False),
    col("termination_date", DATE, "Last day at the company, if they left."),
    col("ramp_months", INT, "Months until a new seller is expected at full quota.", minimum=0),
    *money(("annual_quota", "Annual quota at full ramp (bookings, ARR), if quota-carrying.")),
    col("is_active", BOOL, "Still employed and active.", nullable=False),
    group=GROUP,
)

PARTNERS = table(
    "partners",
    "Channel partners: resellers, referral partners, technology partners, agencies.",
    ["partner_id"],
    key("partner_id", "Partner key."),
    col("name", STRING, "Partner company name.", nullable=False),
    col(
        "partner_type",
        STRING,
        "Kind of partnership.",
        nullable=False,
        values=("reseller", "referral", "technology", "agency"),
    ),
    col("tier", STRING, "Partner programme tier.", values=("registered", "silver", "gold")),
    col("region", STRING, "Region the partner works in.", values=REGIONS),
    ref("partner_manager_id", "users.user_id", "Partner manager who owns the relationship."),
    col("joined_date", DATE, "When the partnership started.", nullable=False),
    col("commission_rate", FLOAT, "Share of first-year ARR paid as commission.", minimum=0),
    group=GROUP,
)

ACCOUNTS = table(
    "accounts",
    "Companies: prospects, customers and former customers.",
    ["account_id"],
    key("account_id", "Account key."),
    col("name", STRING, "Company name.", nullable=False),
    col("domain", STRING, "Primary web domain, e.g. acme.com."),
    col("industry", STRING, "Industry."),
    col("employees", INT, "Number of employees.", minimum=0),
    col("annual_revenue", INT, "Company revenue per year in the base currency.", minimum=0),
    col("segment", STRING, "Customer segment (by size).", values=SEGMENTS),
    col("region", STRING, "Sales region.", values=REGIONS),
    col("country", STRING, "ISO 3166-1 alpha-2 country code."),
    col("city", STRING, "City of the head office."),
    col("phone", STRING, "Main phone number."),
    ref("owner_id", "users.user_id", "Account owner (AE)."),
    ref("csm_id", "users.user_id", "Customer success manager, once a customer."),
    ref("territory_id", "territories.territory_id", "Territory the account falls in."),
    ref("partner_id", "partners.partner_id", "Partner that sourced or manages the account."),
    ref("parent_account_id", "accounts.account_id", "Parent company, if a subsidiary."),
    col("lifecycle_stage", STRING, "Current lifecycle stage.", values=LIFECYCLE_STAGES),
    col("first_seen_at", TIMESTAMP, "First time any system saw this company."),
    col("became_customer_date", DATE, "Date of the first paid subscription."),
    col("churned_date", DATE, "Date the account stopped paying (if it did)."),
    group=GROUP,
)

CONTACTS = table(
    "contacts",
    "People at accounts (CRM contacts), including converted leads.",
    ["contact_id"],
    key("contact_id", "Contact key."),
    ref("account_id", "accounts.account_id", "Account the person works for."),
    col("first_name", STRING, "Given name."),
    col("last_name", STRING, "Family name."),
    col("email", STRING, "Email address."),
    col("phone", STRING, "Phone number."),
    col("title", STRING, "Job title."),
    col(
        "persona",
        STRING,
        "Buying role.",
        values=("economic_buyer", "champion", "user", "technical", "other"),
    ),
    col("country", STRING, "ISO 3166-1 alpha-2 country code."),
    ref("owner_id", "users.user_id", "Owner in the CRM."),
    col("lifecycle_stage", STRING, "Current lifecycle stage.", values=LIFECYCLE_STAGES),
    ref("converted_from_lead_id", "leads.lead_id", "Lead this contact was converted from."),
    col("has_opted_out", BOOL, "Unsubscribed from marketing email.", nullable=False),
    group=GROUP,
)

LEADS = table(
    "leads",
    "Inbound and outbound leads, before (or after) conversion to contact and account.",
    ["lead_id"],
    key("lead_id", "Lead key."),
    col("first_name", STRING, "Given name."),
    col("last_name", STRING, "Family name."),
    col("email", STRING, "Email address."),
    col("phone", STRING, "Phone number."),
    col("company", STRING, "Company name as the lead typed it."),
    col("title", STRING, "Job title."),
    col("country", STRING, "ISO 3166-1 alpha-2 country code."),
    col("region", STRING, "Sales region.", values=REGIONS),
    col("segment", STRING, "Segment of the lead's company.", values=SEGMENTS),
    col("channel", STRING, "Channel that created the lead (first touch).", nullable=False),
    ref("campaign_id", "campaigns.campaign_id", "Campaign that created the lead."),
    ref("partner_id", "partners.partner_id", "Partner that referred the lead."),
    ref("owner_id", "users.user_id", "Current owner (SDR, then AE)."),
    col(
        "status",
        STRING,
        "Lead status.",
        nullable=False,
        values=("new", "working", "nurturing", "qualified", "unqualified", "converted"),
    ),
    col("lifecycle_stage", STRING, "Current lifecycle stage.", values=LIFECYCLE_STAGES),
    col("score", INT, "Lead score recorded by marketing automation.", minimum=0),
    col("is_converted", BOOL, "Converted into a contact (and account).", nullable=False),
    col("converted_at", TIMESTAMP, "When it was converted."),
    ref("converted_contact_id", "contacts.contact_id", "Contact it became."),
    ref("converted_account_id", "accounts.account_id", "Account it joined."),
    ref("converted_opportunity_id", "opportunities.opportunity_id", "Opportunity it opened."),
    group=GROUP,
)

TABLES = (TEAMS, TERRITORIES, USERS, PARTNERS, ACCOUNTS, CONTACTS, LEADS)
