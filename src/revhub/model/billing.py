"""Money in: products, prices, subscriptions, invoices, payments, refunds, credit notes
and exchange rates.

Refunds and credit notes carry positive amounts; they are subtracted by the metrics that
use them. Only ``invoice_lines`` of kind ``discount`` are negative.

>>> SUBSCRIPTION_ITEMS.primary_key
('subscription_item_id',)
"""

from __future__ import annotations

from revhub.model.schema import (
    BOOL,
    DATE,
    FLOAT,
    INT,
    RATE,
    STRING,
    TIMESTAMP,
    col,
    key,
    money,
    ref,
    table,
)
from revhub.model.vocabulary import (
    BILLING_INTERVALS,
    INVOICE_LINE_KINDS,
    INVOICE_STATUSES,
    PAYMENT_STATUSES,
    PRODUCT_KINDS,
    SUBSCRIPTION_STATUSES,
)

GROUP = "billing"

PRODUCTS = table(
    "products",
    "What the company sells: plans, add-ons and services.",
    ["product_id"],
    key("product_id", "Product key."),
    col("name", STRING, "Product name.", nullable=False),
    col("kind", STRING, "Plan, add-on or one-off service.", nullable=False, values=PRODUCT_KINDS),
    col("family", STRING, "Product family / tier."),
    col("is_recurring", BOOL, "Billed on a subscription.", nullable=False),
    col("is_active", BOOL, "Still sold.", nullable=False),
    group=GROUP,
)

PRICES = table(
    "prices",
    "Price points: a product at a list price per unit, billing interval and currency.",
    ["price_id"],
    key("price_id", "Price key."),
    ref("product_id", "products.product_id", "Product priced.", nullable=False),
    col(
        "billing_interval", STRING, "Billing interval; null for one-off.", values=BILLING_INTERVALS
    ),
    col("interval_count", INT, "Number of intervals per billing period.", minimum=1),
    *money(
        ("unit_amount", "List price per unit per billing period."),
        ("unit_cost", "Cost to serve one unit per billing period (for gross margin)."),
    ),
    col("is_active", BOOL, "Still offered.", nullable=False),
    group=GROUP,
)

SUBSCRIPTIONS = table(
    "subscriptions",
    "Recurring contracts of an account.",
    ["subscription_id"],
    key("subscription_id", "Subscription key."),
    ref("account_id", "accounts.account_id", "Paying account.", nullable=False),
    ref("opportunity_id", "opportunities.opportunity_id", "Deal that created it."),
    col("status", STRING, "Billing status.", nullable=False, values=SUBSCRIPTION_STATUSES),
    col("currency", STRING, "ISO 4217 billing currency.", nullable=False),
    col("billing_interval", STRING, "Billing interval.", nullable=False, values=BILLING_INTERVALS),
    col("start_date", DATE, "First day of service (after any trial).", nullable=False),
    col("trial_end_date", DATE, "Last day of the free trial, if any."),
    col("current_period_start", DATE, "Start of the current billing period."),
    col("current_period_end", DATE, "End (exclusive) of the current billing period."),
    col("cancel_at_period_end", BOOL, "Cancels when the current period ends.", nullable=False),
    col("canceled_at", TIMESTAMP, "When the cancellation was requested."),
    col("ended_date", DATE, "Last day of service (exclusive); null while running."),
    col("discount_percent", FLOAT, "Recurring discount in [0, 1].", minimum=0),
    group=GROUP,
)

SUBSCRIPTION_ITEMS = table(
    "subscription_items",
    "Line items of a subscription; a change of quantity or price starts a new item row.",
    ["subscription_item_id"],
    key("subscription_item_id", "Item key."),
    ref("subscription_id", "subscriptions.subscription_id", "Subscription.", nullable=False),
    ref("price_id", "prices.price_id", "Price billed.", nullable=False),
    col("quantity", INT, "Units (seats).", nullable=False, minimum=0),
    col("start_date", DATE, "First day this item was billed.", nullable=False),
    col("end_date", DATE, "Day it stopped (exclusive); null while current."),
    *money(("unit_amount", "Price per unit per billing period, before discount.")),
    group=GROUP,
)

INVOICES = table(
    "invoices",
    "Invoices issued to accounts.",
    ["invoice_id"],
    key("invoice_id", "Invoice key."),
    ref("account_id", "accounts.account_id", "Billed account.", nullable=False),
    ref("subscription_id", "subscriptions.subscription_id", "Subscription billed, if any."),
    col("number", STRING, "Invoice number printed on it."),
    col("status", STRING, "Invoice status.", nullable=False, values=INVOICE_STATUSES),
    col("invoice_date", DATE, "Issue date.", nullable=False),
    col("due_date", DATE, "Payment due date."),
    col("period_start", DATE, "Start of the service period billed."),
    col("period_end", DATE, "End (exclusive) of the service period billed."),
    *money(
        ("subtotal", "Sum of lines before tax."),
        ("tax", "Tax."),
        ("total", "Amount due: subtotal + tax."),
    ),
    group=GROUP,
)

INVOICE_LINES = table(
    "invoice_lines",
    "Lines of invoices: subscription charges, one-off charges, discounts, tax.",
    ["invoice_line_id"],
    key("invoice_line_id", "Line key."),
    ref("invoice_id", "invoices.invoice_id", "Invoice.", nullable=False),
    ref("subscription_item_id", "subscription_items.subscription_item_id", "Item billed."),
    ref("price_id", "prices.price_id", "Price billed."),
    col("kind", STRING, "What the line is.", nullable=False, values=INVOICE_LINE_KINDS),
    col("description", STRING, "Text on the invoice."),
    col("quantity", INT, "Units.", minimum=0),
    col("period_start", DATE, "Service period start."),
    col("period_end", DATE, "Service period end (exclusive)."),
    *money(("amount", "Line amount (negative for discounts)."), minimum=None),
    group=GROUP,
)

PAYMENTS = table(
    "payments",
    "Payments (charges) against invoices.",
    ["payment_id"],
    key("payment_id", "Payment key."),
    ref("invoice_id", "invoices.invoice_id", "Invoice paid."),
    ref("account_id", "accounts.account_id", "Paying account.", nullable=False),
    col("status", STRING, "Whether the charge succeeded.", nullable=False, values=PAYMENT_STATUSES),
    col("paid_at", TIMESTAMP, "When it was charged.", nullable=False),
    col("method", STRING, "Payment method.", values=("card", "bank_transfer", "sepa_debit")),
    *money(("amount", "Amount charged.")),
    group=GROUP,
)

REFUNDS = table(
    "refunds",
    "Money returned to a customer against a payment (positive amounts).",
    ["refund_id"],
    key("refund_id", "Refund key."),
    ref("payment_id", "payments.payment_id", "Payment refunded.", nullable=False),
    ref("account_id", "accounts.account_id", "Account refunded.", nullable=False),
    col("refunded_at", TIMESTAMP, "When the refund was made.", nullable=False),
    col("reason", STRING, "Why.", values=("requested_by_customer", "duplicate", "fraudulent")),
    *money(("amount", "Amount refunded (positive).")),
    group=GROUP,
)

CREDIT_NOTES = table(
    "credit_notes",
    "Credit notes reducing an invoice (positive amounts).",
    ["credit_note_id"],
    key("credit_note_id", "Credit note key."),
    ref("invoice_id", "invoices.invoice_id", "Invoice credited.", nullable=False),
    ref("account_id", "accounts.account_id", "Account credited.", nullable=False),
    col("issued_date", DATE, "Issue date.", nullable=False),
    col(
        "reason",
        STRING,
        "Why.",
        values=("service_issue", "billing_error", "goodwill", "order_change"),
    ),
    *money(("amount", "Amount credited (positive).")),
    group=GROUP,
)

FX_RATES = table(
    "fx_rates",
    "Exchange rates to the base currency, one per currency per day published.",
    ["currency", "rate_date"],
    col("currency", STRING, "ISO 4217 currency.", nullable=False),
    col("rate_date", DATE, "Day the rate applies to.", nullable=False),
    col("base_currency", STRING, "ISO 4217 base currency.", nullable=False),
    col("rate", RATE, "Base-currency units per unit of `currency`.", nullable=False, minimum=0),
    group=GROUP,
)

TABLES = (
    PRODUCTS,
    PRICES,
    SUBSCRIPTIONS,
    SUBSCRIPTION_ITEMS,
    INVOICES,
    INVOICE_LINES,
    PAYMENTS,
    REFUNDS,
    CREDIT_NOTES,
    FX_RATES,
)
