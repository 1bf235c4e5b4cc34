"""Finance: what revenue costs to deliver, and forecasts as they were made.

``cost_of_revenue`` holds the general ledger's cost of revenue per month and category;
gross margin, LTV and CAC payback need it (billing systems do not know what serving a
customer costs). ``forecast_snapshots`` keeps every forecast exactly as it was made, so
that forecast accuracy can later compare it with what happened.

>>> COST_OF_REVENUE.primary_key, FORECAST_SNAPSHOTS.primary_key
(('cost_id',), ('snapshot_id',))
"""

from __future__ import annotations

from revhub.model.schema import DATE, FLOAT, INT, STRING, TIMESTAMP, col, key, money, ref, table
from revhub.model.vocabulary import (
    FORECAST_CATEGORIES,
    OPPORTUNITY_STAGES,
    REGIONS,
    SEGMENTS,
    TARGET_GRAINS,
)

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

FORECAST_DEAL_SNAPSHOTS = table(
    "forecast_deal_snapshots",
    "What each deal added to a stored forecast: open deals with their probability and "
    "expected value, and deals already won in the period, so that two forecasts can be "
    "compared deal by deal.",
    ["made_on", "period_grain", "period_start", "opportunity_id"],
    col("made_on", DATE, "Day the forecast was made (its as-of day).", nullable=False),
    col("period_grain", STRING, "Length of the period.", nullable=False, values=TARGET_GRAINS),
    col("period_start", DATE, "First day of the period forecast.", nullable=False),
    ref("opportunity_id", "opportunities.opportunity_id", "Deal.", nullable=False),
    col(
        "status",
        STRING,
        "open, or won (inside the period).",
        nullable=False,
        values=("open", "won"),
    ),
    col("stage", STRING, "Stage on the as-of day.", values=OPPORTUNITY_STAGES),
    col("forecast_category", STRING, "CRM forecast category.", values=FORECAST_CATEGORIES),
    col("amount", FLOAT, "Deal value (base currency) on the as-of day.", nullable=False),
    col("close_date", DATE, "Close date the CRM held (the close day, once won)."),
    col("p_win", FLOAT, "P(won within a year).", minimum=0),
    col("p_period", FLOAT, "P(won inside the period).", minimum=0),
    col(
        "expected",
        FLOAT,
        "What the deal adds to the forecast: amount × p_period, or the amount once won.",
        nullable=False,
    ),
    ref("owner_id", "users.user_id", "Owner on the as-of day."),
    ref("team_id", "teams.team_id", "Owner's team."),
    col("segment", STRING, "Account segment.", values=SEGMENTS),
    col("region", STRING, "Account region.", values=REGIONS),
    col("reasons", STRING, "Top reasons for its probability, as JSON."),
    group=GROUP,
)

FORECAST_RUNS = table(
    "forecast_runs",
    "One row per stored forecast run: what it knew and how it was made.",
    ["made_on", "period_grain"],
    col("made_on", DATE, "As-of day of the run.", nullable=False),
    col("period_grain", STRING, "Length of the periods.", nullable=False, values=TARGET_GRAINS),
    col("periods", INT, "Periods forecast from the one holding the as-of day.", nullable=False),
    col("win_method", STRING, "gradient_boosting or stage_baseline.", nullable=False),
    col("closed_deals", INT, "Closed deals the win model learned from.", nullable=False),
    col("won_deals", INT, "Won deals among them.", nullable=False),
    col("open_deals", INT, "New-business deals open on the as-of day.", nullable=False),
    col("draws", INT, "Monte Carlo draws.", nullable=False),
    col("shock_sigma", FLOAT, "Spread of the shared factor in the draws.", nullable=False),
    col("seconds", FLOAT, "Time the run took.", nullable=False),
    col("run_at", TIMESTAMP, "When it ran.", nullable=False),
    group=GROUP,
)

TABLES = (COST_OF_REVENUE, FORECAST_SNAPSHOTS, FORECAST_DEAL_SNAPSHOTS, FORECAST_RUNS)
