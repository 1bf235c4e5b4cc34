"""After the sale: product usage, support tickets and NPS responses.

>>> PRODUCT_USAGE.primary_key
('account_id', 'usage_date')
"""

from __future__ import annotations

from revhub.model.schema import BOOL, DATE, INT, STRING, TIMESTAMP, col, key, ref, table
from revhub.model.vocabulary import TICKET_PRIORITIES, TICKET_STATUSES

GROUP = "customer"

PRODUCT_USAGE = table(
    "product_usage",
    "Product usage per account per day (days with any activity).",
    ["account_id", "usage_date"],
    ref("account_id", "accounts.account_id", "Account.", nullable=False),
    col("usage_date", DATE, "Day of activity.", nullable=False),
    col("active_users", INT, "Distinct users active that day.", nullable=False, minimum=0),
    col("events", INT, "Product events recorded that day.", nullable=False, minimum=0),
    col("seats_licensed", INT, "Seats paid for on that day.", minimum=0),
    col("key_feature_used", BOOL, "The 'first value' feature was used."),
    group=GROUP,
)

SUPPORT_TICKETS = table(
    "support_tickets",
    "Support tickets with their satisfaction rating (CSAT).",
    ["ticket_id"],
    key("ticket_id", "Ticket key."),
    ref("account_id", "accounts.account_id", "Account that asked.", nullable=False),
    ref("contact_id", "contacts.contact_id", "Person who asked."),
    ref("assignee_id", "users.user_id", "Agent working it."),
    col("subject", STRING, "Subject line."),
    col(
        "category",
        STRING,
        "Topic.",
        values=("bug", "how_to", "billing", "feature_request", "outage", "integration"),
    ),
    col("priority", STRING, "Priority.", nullable=False, values=TICKET_PRIORITIES),
    col("status", STRING, "Status.", nullable=False, values=TICKET_STATUSES),
    col("opened_at", TIMESTAMP, "When it was opened.", nullable=False),
    col("first_response_at", TIMESTAMP, "First agent reply."),
    col("solved_at", TIMESTAMP, "When it was solved."),
    col("csat_score", INT, "Satisfaction rating 1 (bad) to 5 (good), if given.", minimum=1),
    col("channel", STRING, "How it came in.", values=("email", "web", "chat", "phone")),
    group=GROUP,
)

NPS_RESPONSES = table(
    "nps_responses",
    "Net Promoter Score survey answers (0-10).",
    ["nps_response_id"],
    key("nps_response_id", "Response key."),
    ref("account_id", "accounts.account_id", "Account of the respondent.", nullable=False),
    ref("contact_id", "contacts.contact_id", "Respondent."),
    col("responded_at", TIMESTAMP, "When they answered.", nullable=False),
    col("score", INT, "Likelihood to recommend, 0-10.", nullable=False, minimum=0),
    col("comment", STRING, "Free-text comment."),
    group=GROUP,
)

TABLES = (PRODUCT_USAGE, SUPPORT_TICKETS, NPS_RESPONSES)
