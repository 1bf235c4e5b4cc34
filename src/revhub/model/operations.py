"""Running the revenue engine: the go-to-market tech stack and targets.

>>> TARGETS.primary_key
('target_id',)
"""

from __future__ import annotations

from revhub.model.schema import BOOL, DATE, FLOAT, INT, STRING, col, key, money, ref, table
from revhub.model.vocabulary import DEPARTMENTS, REGIONS, SEGMENTS, TARGET_GRAINS, TOOL_CATEGORIES

GROUP = "operations"

TECH_STACK_TOOLS = table(
    "tech_stack_tools",
    "Go-to-market tools the company pays for, with cost, seats, usage and capabilities.",
    ["tool_id"],
    key("tool_id", "Tool key."),
    col("name", STRING, "Product name.", nullable=False),
    col("vendor", STRING, "Vendor.", nullable=False),
    col("category", STRING, "Main category.", nullable=False, values=TOOL_CATEGORIES),
    col(
        "capabilities",
        STRING,
        "Comma-separated capabilities it provides (overlaps show redundant tools).",
    ),
    col("owning_team", STRING, "Department that owns it.", values=DEPARTMENTS),
    *money(("annual_cost", "Annual licence cost.")),
    col("seats", INT, "Seats paid for.", minimum=0),
    col("active_users", INT, "Seats used in the last 30 days.", minimum=0),
    col("contract_end_date", DATE, "When the current contract ends."),
    col("is_system_of_record", BOOL, "The system of record for its category.", nullable=False),
    group=GROUP,
)

TARGETS = table(
    "targets",
    "Targets: a metric's goal value for a period, company-wide or for a team or segment.",
    ["target_id"],
    key("target_id", "Target key."),
    col("metric", STRING, "Metric name, as in the metric registry.", nullable=False),
    col("period_grain", STRING, "Length of the period.", nullable=False, values=TARGET_GRAINS),
    col("period_start", DATE, "First day of the period.", nullable=False),
    ref("team_id", "teams.team_id", "Team the target is for; null for company-wide."),
    col("segment", STRING, "Segment the target is for, if any.", values=SEGMENTS),
    col("region", STRING, "Region the target is for, if any.", values=REGIONS),
    col(
        "value",
        FLOAT,
        "Target value in the metric's unit (money in base currency).",
        nullable=False,
    ),
    group=GROUP,
)

TABLES = (TECH_STACK_TOOLS, TARGETS)
