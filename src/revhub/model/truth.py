"""Ground truth of the demo company, kept in the separate ``truth`` schema.

The generator plants known facts into the canonical data and records them here, so that
identity resolution, data-quality rules, bottleneck finding and churn analysis can be
scored against what really happened. Nothing outside tests and benchmarks reads these.

>>> DUPLICATE_RECORDS.schema
'truth'
"""

from __future__ import annotations

from revhub.model.schema import DATE, FLOAT, STRING, TIMESTAMP, col, key, truth_table

DUPLICATE_RECORDS = truth_table(
    "duplicate_records",
    "Pairs of rows that are the same person or company, as planted by the generator.",
    ["entity_table", "duplicate_id"],
    col(
        "entity_table",
        STRING,
        "Table holding both rows (accounts, contacts, leads).",
        nullable=False,
    ),
    col(
        "original_table",
        STRING,
        "Table holding the original (contacts, for a lead re-entering a known person).",
        nullable=False,
    ),
    col("original_id", STRING, "Key of the original row.", nullable=False),
    col("duplicate_id", STRING, "Key of the planted duplicate row.", nullable=False),
    col("duplicate_source", STRING, "System the duplicate claims to come from.", nullable=False),
    col(
        "perturbations",
        STRING,
        "Comma-separated edits applied (typo, case, missing, ...).",
        nullable=False,
    ),
)

INVALID_VALUES = truth_table(
    "invalid_values",
    "Values the generator deliberately broke, and how.",
    ["entity_table", "row_id", "column_name"],
    col("entity_table", STRING, "Table holding the value.", nullable=False),
    col("row_id", STRING, "Primary key of the row.", nullable=False),
    col("column_name", STRING, "Column holding the bad value.", nullable=False),
    col("bad_value", STRING, "The value as written (null if blanked)."),
    col("good_value", STRING, "The value it should have been."),
    col("problem", STRING, "What is wrong with it.", nullable=False),
)

STALE_DEALS = truth_table(
    "stale_deals",
    "Open opportunities the generator left to rot: no activity, close date in the past.",
    ["opportunity_id"],
    key("opportunity_id", "Opportunity key."),
    col("last_activity_at", TIMESTAMP, "Last real activity.", nullable=False),
    col("reason", STRING, "Why it is stale.", nullable=False),
)

FUNNEL_BOTTLENECKS = truth_table(
    "funnel_bottlenecks",
    "The deliberately planted funnel bottleneck(s).",
    ["region", "quarter_start", "from_stage"],
    col("region", STRING, "Region affected.", nullable=False),
    col("quarter_start", DATE, "First day of the quarter affected.", nullable=False),
    col("from_stage", STRING, "Stage whose follow-up is slow.", nullable=False),
    col("to_stage", STRING, "Next stage.", nullable=False),
    col("normal_median_days", FLOAT, "Median days between the stages elsewhere.", nullable=False),
    col("planted_median_days", FLOAT, "Median days the generator aimed for here.", nullable=False),
    col("normal_conversion", FLOAT, "Conversion rate elsewhere.", nullable=False),
    col(
        "planted_conversion", FLOAT, "Conversion rate the generator aimed for here.", nullable=False
    ),
)

CHURN_REASONS = truth_table(
    "churn_reasons",
    "Every account that churned in the simulation, when and why.",
    ["account_id", "churned_date"],
    col("account_id", STRING, "Account.", nullable=False),
    col("churned_date", DATE, "Day service ended.", nullable=False),
    col(
        "reason",
        STRING,
        "Driver the simulation used (low_usage, support_pain, detractor, budget, competitor).",
        nullable=False,
    ),
    col("reactivated_date", DATE, "Day it came back, if it did."),
)

TABLES = (DUPLICATE_RECORDS, INVALID_VALUES, STALE_DEALS, FUNNEL_BOTTLENECKS, CHURN_REASONS)
