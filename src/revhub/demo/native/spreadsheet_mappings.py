"""The YAML mappings of the demo's spreadsheet sources, which double as examples of the format.

The label tables (``GRAINS``, ``SEGMENTS``, …) are how the exporting tools write the
canonical values; ``mapping_text`` puts them into the mappings' ``values``.
"""

from __future__ import annotations

from revhub.demo.customers.costs import GL_ACCOUNTS  # cost category -> NetSuite GL account

SEGMENTS = {"smb": "SMB", "mid_market": "Mid-Market", "enterprise": "Enterprise"}
REGIONS = {"north_america": "North America", "emea": "EMEA", "apac": "APAC", "latam": "LATAM"}
GRAINS = {"month": "Month", "quarter": "Quarter", "year": "Year"}
DEPARTMENTS = {
    "email": "Email Marketing",
    "outbound": "Sales Development",
    "content": "Content",
    "events": "Field Events",
    "organic_search": "SEO",
    "webinar": "Webinars",
    "paid_search": "Paid Search",
    "paid_social": "Paid Social",
    "partner": "Partner Marketing",
    "referral": "Referral Programme",
    "direct": "Brand",
}
MAPPINGS = {
    "fx_rates": """\
table: fx_rates
files: rates.csv
id: [currency, date]
columns:
  currency: currency
  rate_date: date
  base_currency: base
  rate: rate
""",
    "targets": """\
table: targets
files: targets.csv
delimiter: ";"
id: Target ID
columns:
  metric: Metric
  period_grain: {column: Time Period, values: {GRAINS}}
  period_start: {column: Period Start, format: "%d/%m/%Y"}
  segment: {column: Segment, values: {SEGMENTS}}
  region: {column: Region, values: {REGIONS}}
  value: Target Value
  created_at: {column: Last Modified, format: "%d/%m/%Y %H:%M"}
keys:
  team_id: {column: Team ID, source: salesforce}
""",
    "tech_stack": """\
table: tech_stack_tools
files: vendors.csv
id: Vendor ID
columns:
  name: Product
  vendor: Vendor
  category: Category
  capabilities: Capabilities
  owning_team: Owning Team
  currency: Currency
  annual_cost: Annual Cost
  seats: Seats
  active_users: Active Users
  contract_end_date: Contract End
  is_system_of_record: {column: System of Record, values: {"Yes": "true", "No": "false"}}
  created_at: Created
  updated_at: Last Modified
""",
    "marketing_spend": """\
table: marketing_spend
files: marketing_spend.csv
id: Transaction ID
columns:
  month: {column: Period, format: "%b %Y"}
  channel: {column: Department, values: {DEPARTMENTS}}
  currency: Currency
  amount: Amount
  created_at: Posted
keys:
  campaign_id: {column: HubSpot Campaign ID, source: hubspot}
""",
    "cost_of_revenue": """\
table: cost_of_revenue
files: cost_of_revenue.csv
id: Journal Line ID
columns:
  month: {column: Period, format: "%b %Y"}
  category: {column: Account, values: {GL_ACCOUNTS}}
  gl_account: Account
  currency: Currency
  amount: Amount
  created_at: Posted
""",
    "nps": """\
table: nps_responses
files: responses.csv
id: Response ID
columns:
  score: Score
  comment: Comment
  responded_at: {column: Created At, format: "%Y-%m-%d %H:%M:%S UTC"}
keys:
  account_id: {column: Stripe Customer ID, source: stripe}
  contact_id:
    - {column: Salesforce Contact ID, source: salesforce}
    - {column: HubSpot Contact ID, source: hubspot}
""",
}


def mapping_text(name: str) -> str:
    """The YAML mapping ``name`` with its label tables filled in.

    >>> "Mid-Market: mid_market" in mapping_text("targets")
    True
    """
    text = MAPPINGS[name]
    labels = {
        "GRAINS": GRAINS,
        "SEGMENTS": SEGMENTS,
        "REGIONS": REGIONS,
        "GL_ACCOUNTS": GL_ACCOUNTS,
    }
    for label, values in {**labels, "DEPARTMENTS": DEPARTMENTS}.items():
        inline = ", ".join(f"{shown}: {canonical}" for canonical, shown in values.items())
        text = text.replace("{" + label + "}", "{" + inline + "}")
    return text
