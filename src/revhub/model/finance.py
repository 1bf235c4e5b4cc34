"""Finance: what revenue costs to deliver, and forecasts as they were made.

``cost_of_revenue`` holds the general ledger's cost of revenue per month and category;
gross margin, LTV and CAC payback need it (billing systems do not know what serving a
customer costs). ``forecast_snapshots`` keeps every forecast exactly as it was made, so
that forecast accuracy can later compare it with what happened.

>>> COST_OF_REVENUE.primary_key, FORECAST_SNAPSHOTS.primary_key
(('cost_id',), ('snapshot_id',))
"""

from __future__ import annotations

from revhub.model.schema import DATE, FLOAT, STRING, col, key, money, ref, table
from revhub.model.vocabulary import REGIONS, SEGMENTS, TARGET_GRAINS

GROUP = "finance"

# What a cost of revenue was spent on (the ledger's cost-of-revenue accounts).
COST_CATEGORIES = (
    "hosting",
    "third_party_software",
    "support",
    "payment_fees",
    "services",
    "other",
)

COST_OF_REVENUE = table(
    "cost_of_revenue",
    "Cost of revenue per month and category, from the general ledger.",
    ["cost_id"],
    key("cost_id", "Ledger entry key."),
    col("month", DATE, "First day of the month the cost was booked in.", nullable=False),
    col("category", STRING, "What the cost was for.", nullable=False, values=COST_CATEGORIES),
    col("gl_account", STRING, "General-ledger account it was booked to, as the ledger names it."),
    *money(("amount", "Cost booked.")),
    group=GROUP,
)

FORECAST_SNAPSHOTS = table(
    "forecast_snapshots",
    "Forecasts as they were made: a metric's expected value for a future period, with its "
    "interval and method.",
    ["snapshot_id"],
    key("snapshot_id", "Forecast key."),
    col("made_on", DATE, "Day the forecast was made.", nullable=False),
    col("metric", STRING, "Metric forecast, as in the metric registry.", nullable=False),
    col("period_grain", STRING, "Length of the period.", nullable=False, values=TARGET_GRAINS),
    col("period_start", DATE, "First day of the period forecast.", nullable=False),
    ref("team_id", "teams.team_id", "Team the forecast is for; null for company-wide."),
    col("segment", STRING, "Segment the forecast is for, if any.", values=SEGMENTS),
    col("region", STRING, "Region the forecast is for, if any.", values=REGIONS),
    col(
        "value",
        FLOAT,
        "Forecast value in the metric's unit (money in base currency).",
        nullable=False,
    ),
    col("low", FLOAT, "Lower end of the forecast's interval, if it has one."),
    col("high", FLOAT, "Upper end of the forecast's interval, if it has one."),
    col("method", STRING, "How it was made (e.g. rep_commit, weighted_pipeline, ets)."),
    group=GROUP,
)

TABLES = (COST_OF_REVENUE, FORECAST_SNAPSHOTS)
