"""The Stripe connector: small exports in, canonical rows out.

Each golden case writes a few API records the way Stripe's list endpoints return them
(``{"object": "list", "data": [...]}``, amounts in minor units, unix-second times) or a
few sync-table rows, and states the canonical rows expected.
"""

# ruff: noqa: E501

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from revhub.config import SourceSettings
from revhub.errors import DataError
from revhub.sources.base import Batch
from revhub.sources.registry import connector_class
from revhub.sources.stripe import StripeSource

FIXTURES = Path(__file__).parents[1] / "fixtures" / "synced" / "stripe"

JAN1 = 1704067200  # 2024-01-01 00:00 UTC
JAN15 = 1705276800  # 2024-01-15 00:00 UTC
FEB1 = 1706745600  # 2024-02-01 00:00 UTC
NEXT_JAN15 = 1736899200  # 2025-01-15 00:00 UTC

ANNUAL = {
    "id": "price_year", "object": "price", "active": True, "currency": "usd",
    "product": "prod_growth", "type": "recurring", "unit_amount": 29990, "created": JAN1,
    "recurring": {"interval": "year", "interval_count": 1, "usage_type": "licensed"},
}  # fmt: skip
ISK_MONTHLY = {
    "id": "price_isk", "object": "price", "active": True, "currency": "isk",
    "product": "prod_growth", "type": "recurring", "unit_amount": 350000, "created": JAN1,
    "recurring": {"interval": "month", "interval_count": 1, "usage_type": "licensed"},
}  # fmt: skip


def run(folder: Path, files: dict[str, Any]) -> list[Batch]:
    """Write ``files`` to ``folder`` (lists as API list objects, str as text) and read it
    as source `stripe`."""
    for name, content in files.items():
        if isinstance(content, str):
            text = textwrap.dedent(content).lstrip()
        else:
            text = json.dumps(
                {"object": "list", "url": "/v1/x", "has_more": False, "data": content}
            )
        (folder / name).write_text(text, encoding="utf-8")
    source = StripeSource("stripe", SourceSettings(kind="stripe", path="."), folder)
    return list(source.batches())


def rows(batches: list[Batch], table: str, *columns: str) -> list[dict[str, Any]]:
    """The rows of ``table`` in every batch, restricted to ``columns``."""
    tables = [b.rows.select(list(columns)) for b in batches if b.table == table]
    return pa.concat_tables(tables).to_pylist() if tables else []


def notes(batches: list[Batch]) -> list[str]:
    return [note for batch in batches for note in batch.notes]


def test_registry_finds_the_connector() -> None:
    assert connector_class("stripe") is StripeSource


def test_customers_are_accounts_with_a_billing_contact(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "customers.json": [
                {
                    "id": "cus_A",
                    "object": "customer",
                    "name": "Hekla Software ehf.",
                    "individual_name": "Anna Jónsdóttir",
                    "email": "anna@hekla.is",
                    "phone": "+354 555 0100",
                    "created": JAN1,
                    "address": {"city": "Reykjavík", "country": "IS", "line1": "Laugavegur 1"},
                    "metadata": {"salesforce_account_id": "001A"},
                },
                {
                    "id": "cus_B",
                    "object": "customer",
                    "name": None,
                    "email": "billing@beta.io",
                    "phone": None,
                    "address": None,
                    "created": JAN15,
                    "metadata": {},
                },
                {
                    "id": "cus_C",
                    "object": "customer",
                    "name": "Quiet GmbH",
                    "email": None,
                    "phone": None,
                    "address": {"city": None, "country": "de"},
                    "created": JAN15,
                },
                {"id": "cus_D", "object": "customer", "deleted": True},
            ]
        },
    )
    assert rows(
        batches, "accounts", "account_id", "name", "country", "city", "phone", "first_seen_at",
        "source_id", "created_at", "_deleted",
    ) == [
        {"account_id": "stripe:cus_A", "name": "Hekla Software ehf.", "country": "IS", "city": "Reykjavík", "phone": "+354 555 0100", "first_seen_at": "2024-01-01 00:00:00", "source_id": "cus_A", "created_at": "2024-01-01 00:00:00", "_deleted": False},
        {"account_id": "stripe:cus_B", "name": "billing@beta.io", "country": None, "city": None, "phone": None, "first_seen_at": "2024-01-15 00:00:00", "source_id": "cus_B", "created_at": "2024-01-15 00:00:00", "_deleted": False},
        {"account_id": "stripe:cus_C", "name": "Quiet GmbH", "country": "DE", "city": None, "phone": None, "first_seen_at": "2024-01-15 00:00:00", "source_id": "cus_C", "created_at": "2024-01-15 00:00:00", "_deleted": False},
        {"account_id": "stripe:cus_D", "name": None, "country": None, "city": None, "phone": None, "first_seen_at": None, "source_id": "cus_D", "created_at": None, "_deleted": True},
    ]  # fmt: skip
    assert rows(
        batches, "contacts", "contact_id", "account_id", "first_name", "last_name", "email",
        "country", "has_opted_out", "source_id",
    ) == [
        {"contact_id": "stripe:cus_A:billing", "account_id": "stripe:cus_A", "first_name": "Anna", "last_name": "Jónsdóttir", "email": "anna@hekla.is", "country": "IS", "has_opted_out": False, "source_id": "cus_A:billing"},
        {"contact_id": "stripe:cus_B:billing", "account_id": "stripe:cus_B", "first_name": None, "last_name": None, "email": "billing@beta.io", "country": None, "has_opted_out": False, "source_id": "cus_B:billing"},
    ]  # fmt: skip


def test_catalog_intervals_and_currency_units(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "products.json": [
                {
                    "id": "prod_growth",
                    "object": "product",
                    "name": "Growth",
                    "active": True,
                    "created": JAN1,
                    "updated": FEB1,
                    "metadata": {},
                },
                {
                    "id": "prod_addon",
                    "object": "product",
                    "name": "Analytics",
                    "active": True,
                    "created": JAN1,
                    "updated": JAN1,
                    "metadata": {"kind": "addon", "family": "analytics"},
                },
                {
                    "id": "prod_setup",
                    "object": "product",
                    "name": "Onboarding",
                    "active": False,
                    "created": JAN1,
                    "updated": JAN1,
                    "metadata": {},
                },
            ],
            "prices.json": [
                ANNUAL,
                ISK_MONTHLY,  # ISK stays two-decimal in Stripe's API: 350000 is 3,500 ISK
                {
                    "id": "price_jpy",
                    "object": "price",
                    "active": True,
                    "currency": "jpy",
                    "product": "prod_addon",
                    "type": "recurring",
                    "unit_amount": 5000,
                    "created": JAN1,
                    "recurring": {"interval": "month", "interval_count": 1},
                },  # zero-decimal
                {
                    "id": "price_setup",
                    "object": "price",
                    "active": False,
                    "currency": "eur",
                    "product": "prod_setup",
                    "type": "one_time",
                    "unit_amount": 150000,
                    "recurring": None,
                    "created": JAN1,
                },
            ],
            "plans.json": [
                {
                    "id": "plan_quarterly",
                    "object": "plan",
                    "active": True,
                    "amount": 8000,
                    "currency": "gbp",
                    "interval": "month",
                    "interval_count": 3,
                    "product": "prod_growth",
                    "created": JAN1,
                },
            ],
        },
    )
    assert rows(
        batches, "products", "product_id", "name", "kind", "family", "is_recurring", "is_active", "updated_at",
    ) == [
        {"product_id": "stripe:prod_growth", "name": "Growth", "kind": "plan", "family": None, "is_recurring": True, "is_active": "true", "updated_at": "2024-02-01 00:00:00"},
        {"product_id": "stripe:prod_addon", "name": "Analytics", "kind": "addon", "family": "analytics", "is_recurring": True, "is_active": "true", "updated_at": "2024-01-01 00:00:00"},
        {"product_id": "stripe:prod_setup", "name": "Onboarding", "kind": "service", "family": None, "is_recurring": False, "is_active": "false", "updated_at": "2024-01-01 00:00:00"},
    ]  # fmt: skip
    assert rows(
        batches, "prices", "price_id", "product_id", "billing_interval", "interval_count", "currency", "unit_amount",
    ) == [
        {"price_id": "stripe:plan_quarterly", "product_id": "stripe:prod_growth", "billing_interval": "quarter", "interval_count": "1", "currency": "GBP", "unit_amount": "80.00"},
        {"price_id": "stripe:price_year", "product_id": "stripe:prod_growth", "billing_interval": "year", "interval_count": "1", "currency": "USD", "unit_amount": "299.90"},
        {"price_id": "stripe:price_isk", "product_id": "stripe:prod_growth", "billing_interval": "month", "interval_count": "1", "currency": "ISK", "unit_amount": "3500.00"},
        {"price_id": "stripe:price_jpy", "product_id": "stripe:prod_addon", "billing_interval": "month", "interval_count": "1", "currency": "JPY", "unit_amount": "5000.00"},
        {"price_id": "stripe:price_setup", "product_id": "stripe:prod_setup", "billing_interval": None, "interval_count": None, "currency": "EUR", "unit_amount": "1500.00"},
    ]  # fmt: skip


SUBSCRIPTIONS = [
    {"id": "sub_trial", "object": "subscription", "customer": "cus_A", "status": "active",
     "currency": "usd", "created": JAN1, "start_date": JAN1, "trial_start": JAN1, "trial_end": JAN15,
     "current_period_start": JAN15, "current_period_end": NEXT_JAN15,
     "cancel_at_period_end": True, "canceled_at": FEB1, "ended_at": None,
     "discount": {"id": "di_1", "object": "discount",
                  "coupon": {"id": "TWENTY", "object": "coupon", "percent_off": 20.0, "duration": "forever"}},
     "metadata": {"salesforce_opportunity_id": "0065e000001"},
     "items": {"object": "list", "has_more": False, "data": [
         {"id": "si_1", "object": "subscription_item", "subscription": "sub_trial",
          "created": JAN1, "quantity": 5, "price": ANNUAL}]}},
    {"id": "sub_isk", "object": "subscription", "customer": "cus_B", "status": "unpaid",
     "created": JAN15, "start_date": JAN15, "trial_end": None,
     "current_period_start": FEB1, "current_period_end": FEB1 + 29 * 86400,
     "cancel_at_period_end": False, "canceled_at": None, "ended_at": None, "discount": None,
     "metadata": {"hubspot_deal_id": "987"},
     "items": {"object": "list", "has_more": False, "data": [
         {"id": "si_2", "object": "subscription_item", "subscription": "sub_isk",
          "created": JAN15, "quantity": 2, "price": ISK_MONTHLY}]}},
    {"id": "sub_gone", "object": "subscription", "customer": "cus_A", "status": "canceled",
     "created": JAN1, "start_date": JAN1, "trial_end": None,
     "current_period_start": JAN1, "current_period_end": FEB1,
     "cancel_at_period_end": False, "canceled_at": JAN15, "ended_at": FEB1,
     "discount": None, "metadata": {},
     "items": {"object": "list", "has_more": False, "data": [
         {"id": "si_3", "object": "subscription_item", "subscription": "sub_gone",
          "created": JAN1, "quantity": 1, "price": {"id": "price_year", "object": "price"}}]}},
]  # fmt: skip


def test_subscriptions_trials_cancellations_and_discounts(tmp_path: Path) -> None:
    batches = run(
        tmp_path, {"prices.json": [ANNUAL, ISK_MONTHLY], "subscriptions.json": SUBSCRIPTIONS}
    )
    assert rows(
        batches, "subscriptions", "subscription_id", "account_id", "opportunity_id", "status", "currency",
        "billing_interval", "start_date", "trial_end_date", "current_period_start", "current_period_end",
        "cancel_at_period_end", "canceled_at", "ended_date", "discount_percent",
    ) == [
        {"subscription_id": "stripe:sub_trial", "account_id": "stripe:cus_A", "opportunity_id": "salesforce:0065e000001", "status": "active", "currency": "USD",
         "billing_interval": "year", "start_date": "2024-01-15", "trial_end_date": "2024-01-14", "current_period_start": "2024-01-15", "current_period_end": "2025-01-15",
         "cancel_at_period_end": "true", "canceled_at": "2024-02-01 00:00:00", "ended_date": None, "discount_percent": "0.2"},
        {"subscription_id": "stripe:sub_isk", "account_id": "stripe:cus_B", "opportunity_id": "hubspot:987", "status": "past_due", "currency": "ISK",
         "billing_interval": "month", "start_date": "2024-01-15", "trial_end_date": None, "current_period_start": "2024-02-01", "current_period_end": "2024-03-01",
         "cancel_at_period_end": "false", "canceled_at": None, "ended_date": None, "discount_percent": None},
        {"subscription_id": "stripe:sub_gone", "account_id": "stripe:cus_A", "opportunity_id": None, "status": "canceled", "currency": "USD",
         "billing_interval": "year", "start_date": "2024-01-01", "trial_end_date": None, "current_period_start": "2024-01-01", "current_period_end": "2024-02-01",
         "cancel_at_period_end": "false", "canceled_at": "2024-01-15 00:00:00", "ended_date": "2024-02-01", "discount_percent": None},
    ]  # fmt: skip
    assert rows(
        batches, "subscription_items", "subscription_item_id", "subscription_id", "price_id", "quantity",
        "start_date", "end_date", "currency", "unit_amount", "_origin",
    ) == [
        {"subscription_item_id": "stripe:si_1", "subscription_id": "stripe:sub_trial", "price_id": "stripe:price_year", "quantity": "5", "start_date": "2024-01-01", "end_date": None, "currency": "USD", "unit_amount": "299.90", "_origin": "subscriptions.json:data[0].items.data[0]"},
        {"subscription_item_id": "stripe:si_2", "subscription_id": "stripe:sub_isk", "price_id": "stripe:price_isk", "quantity": "2", "start_date": "2024-01-15", "end_date": None, "currency": "ISK", "unit_amount": "3500.00", "_origin": "subscriptions.json:data[1].items.data[0]"},
        {"subscription_item_id": "stripe:si_3", "subscription_id": "stripe:sub_gone", "price_id": "stripe:price_year", "quantity": "1", "start_date": "2024-01-01", "end_date": "2024-02-01", "currency": "USD", "unit_amount": "299.90", "_origin": "subscriptions.json:data[2].items.data[0]"},
    ]  # fmt: skip


INVOICE = {
    "id": "in_1", "object": "invoice", "customer": "cus_A", "subscription": "sub_trial",
    "number": "HEKLA-0001", "status": "paid", "currency": "usd", "created": JAN15 + 3600,
    "due_date": FEB1, "period_start": JAN1, "period_end": JAN15,  # Stripe's look-back period
    "subtotal": 164950, "total_discount_amounts": [{"amount": 29990, "discount": "di_1"}],
    "total_excluding_tax": 134960, "tax": 26992,
    "total_tax_amounts": [{"amount": 26992, "inclusive": False, "tax_rate": {"id": "txr_1", "object": "tax_rate", "display_name": "VAT"}}],
    "total": 161952,
    "lines": {"object": "list", "has_more": False, "data": [
        {"id": "il_sub", "object": "line_item", "type": "subscription", "amount": 149950,
         "currency": "usd", "description": "5 × Growth (at $299.90 / year)", "quantity": 5,
         "period": {"start": JAN15, "end": NEXT_JAN15}, "price": ANNUAL,
         "subscription": "sub_trial", "subscription_item": "si_1",
         "discount_amounts": [{"amount": 29990, "discount": "di_1"}]},
        {"id": "il_setup", "object": "line_item", "type": "invoiceitem", "amount": 15000,
         "currency": "usd", "description": "Onboarding", "quantity": 1,
         "period": {"start": JAN15, "end": JAN15}, "price": {"id": "price_setup", "object": "price"},
         "invoice_item": "ii_1", "discount_amounts": []},
    ]},
}  # fmt: skip
ISK_INVOICE = {
    "id": "in_2", "object": "invoice", "customer": "cus_B", "subscription": "sub_isk",
    "number": "BETA-0001", "status": "open", "currency": "isk", "created": FEB1,
    "due_date": None, "period_start": FEB1, "period_end": FEB1, "subtotal": 700000,
    "total_discount_amounts": [], "total_excluding_tax": 700000, "tax": None, "total": 700000,
    "lines": {"object": "list", "has_more": False, "data": [
        {"id": "il_isk", "object": "line_item", "type": "subscription", "amount": 700000,
         "currency": "isk", "description": "2 × Growth", "quantity": 2,
         "period": {"start": FEB1, "end": FEB1 + 29 * 86400}, "price": ISK_MONTHLY,
         "subscription_item": "si_2", "discount_amounts": []}]},
}  # fmt: skip
INVOICE_COLUMNS = (
    "invoice_id", "account_id", "subscription_id", "number", "status", "invoice_date", "due_date",
    "period_start", "period_end", "currency", "subtotal", "tax", "total",
)  # fmt: skip
LINE_COLUMNS = (
    "invoice_line_id", "invoice_id", "subscription_item_id", "price_id", "kind", "description",
    "quantity", "period_start", "period_end", "currency", "amount",
)  # fmt: skip
EXPECTED_LINES = [
    {"invoice_line_id": "stripe:in_1:tax", "invoice_id": "stripe:in_1", "subscription_item_id": None, "price_id": None, "kind": "tax", "description": "VAT", "quantity": "1", "period_start": "2024-01-15", "period_end": "2025-01-15", "currency": "USD", "amount": "269.92"},
    {"invoice_line_id": "stripe:il_sub", "invoice_id": "stripe:in_1", "subscription_item_id": "stripe:si_1", "price_id": "stripe:price_year", "kind": "subscription", "description": "5 × Growth (at $299.90 / year)", "quantity": "5", "period_start": "2024-01-15", "period_end": "2025-01-15", "currency": "USD", "amount": "1499.50"},
    {"invoice_line_id": "stripe:il_setup", "invoice_id": "stripe:in_1", "subscription_item_id": None, "price_id": "stripe:price_setup", "kind": "one_off", "description": "Onboarding", "quantity": "1", "period_start": "2024-01-15", "period_end": "2024-01-15", "currency": "USD", "amount": "150.00"},
    {"invoice_line_id": "stripe:il_isk", "invoice_id": "stripe:in_2", "subscription_item_id": "stripe:si_2", "price_id": "stripe:price_isk", "kind": "subscription", "description": "2 × Growth", "quantity": "2", "period_start": "2024-02-01", "period_end": "2024-03-01", "currency": "ISK", "amount": "7000.00"},
    {"invoice_line_id": "stripe:il_sub:discount", "invoice_id": "stripe:in_1", "subscription_item_id": "stripe:si_1", "price_id": "stripe:price_year", "kind": "discount", "description": "Discount", "quantity": "1", "period_start": "2024-01-15", "period_end": "2025-01-15", "currency": "USD", "amount": "-299.90"},
]  # fmt: skip


def test_invoices_with_nested_lines_discounts_and_tax(tmp_path: Path) -> None:
    batches = run(tmp_path, {"invoices.json": [INVOICE, ISK_INVOICE]})
    assert rows(batches, "invoices", *INVOICE_COLUMNS) == [
        {"invoice_id": "stripe:in_1", "account_id": "stripe:cus_A", "subscription_id": "stripe:sub_trial", "number": "HEKLA-0001", "status": "paid",
         "invoice_date": "2024-01-15", "due_date": "2024-02-01", "period_start": "2024-01-15", "period_end": "2025-01-15",
         "currency": "USD", "subtotal": "1349.60", "tax": "269.92", "total": "1619.52"},
        {"invoice_id": "stripe:in_2", "account_id": "stripe:cus_B", "subscription_id": "stripe:sub_isk", "number": "BETA-0001", "status": "open",
         "invoice_date": "2024-02-01", "due_date": None, "period_start": "2024-02-01", "period_end": "2024-03-01",
         "currency": "ISK", "subtotal": "7000.00", "tax": None, "total": "7000.00"},
    ]  # fmt: skip
    assert rows(batches, "invoice_lines", *LINE_COLUMNS) == EXPECTED_LINES
    lines = rows(batches, "invoice_lines", "invoice_id", "amount")
    total = sum(float(r["amount"]) for r in lines if r["invoice_id"] == "stripe:in_1")
    assert round(total, 2) == 1619.52  # lines, discount and tax add up to the invoice


def test_invoice_lines_in_their_own_file(tmp_path: Path) -> None:
    invoice = {**INVOICE, "lines": {"object": "list", "has_more": True, "data": []}}
    lines = [{**line, "invoice": "in_1"} for line in INVOICE["lines"]["data"]]
    batches = run(tmp_path, {"invoices.json": [invoice], "invoice_line_items.json": lines})
    assert rows(batches, "invoice_lines", *LINE_COLUMNS) == EXPECTED_LINES[:3] + EXPECTED_LINES[4:]
    assert any("first page of a nested list" in n for n in notes(batches))


MAR1 = 1709251200  # 2024-03-01 00:00 UTC
APR1 = 1711929600  # 2024-04-01 00:00 UTC
STARTER = {
    "id": "price_starter", "object": "price", "active": True, "currency": "usd",
    "product": "prod_starter", "type": "recurring", "unit_amount": 1500, "created": JAN1,
    "recurring": {"interval": "month", "interval_count": 1, "usage_type": "licensed"},
}  # fmt: skip
GROWTH = {**STARTER, "id": "price_growth", "product": "prod_growth", "unit_amount": 4000}
UPGRADED = {
    "id": "sub_up", "object": "subscription", "customer": "cus_A", "status": "active",
    "currency": "usd", "created": JAN1, "start_date": JAN1, "current_period_start": MAR1,
    "current_period_end": APR1, "cancel_at_period_end": False,
    "items": {"object": "list", "has_more": False, "data": [  # only the item it has now
        {"id": "si_growth", "object": "subscription_item", "created": MAR1, "quantity": 5,
         "subscription": "sub_up", "price": GROWTH}]},
}  # fmt: skip


def _monthly_invoice(
    number: int, start: int, end: int, item: str, price: dict[str, Any], quantity: int
) -> dict[str, Any]:
    amount = quantity * price["unit_amount"]
    return {
        "id": f"in_up{number}", "object": "invoice", "customer": "cus_A", "subscription": "sub_up",
        "status": "paid", "currency": "usd", "created": start, "total": amount, "tax": 0,
        "lines": {"object": "list", "has_more": False, "data": [
            {"id": f"il_up{number}", "object": "line_item", "type": "subscription", "amount": amount,
             "currency": "usd", "quantity": quantity, "period": {"start": start, "end": end},
             "price": price, "subscription": "sub_up", "subscription_item": item,
             "discount_amounts": []}]},
    }  # fmt: skip


def test_items_replaced_in_an_upgrade_are_recovered_from_invoice_lines(tmp_path: Path) -> None:
    """Stripe lists a subscription's current items only; the starter item replaced by the
    upgrade in March lives on in the lines of January's and February's invoices."""
    invoices = [
        _monthly_invoice(1, JAN1, FEB1, "si_starter", STARTER, 2),
        _monthly_invoice(2, FEB1, MAR1, "si_starter", STARTER, 3),  # quantity changed in place
        _monthly_invoice(3, MAR1, APR1, "si_growth", GROWTH, 5),
    ]
    batches = run(
        tmp_path,
        {
            "prices.json": [STARTER, GROWTH],
            "subscriptions.json": [UPGRADED],
            "invoices.json": invoices,
        },
    )
    items = rows(
        batches,
        "subscription_items",
        "subscription_item_id",
        "subscription_id",
        "price_id",
        "quantity",
        "start_date",
        "end_date",
        "currency",
        "unit_amount",
        "source_id",
        "_origin",
    )
    assert items == [
        {"subscription_item_id": "stripe:si_growth", "subscription_id": "stripe:sub_up", "price_id": "stripe:price_growth", "quantity": "5",
         "start_date": "2024-03-01", "end_date": None, "currency": "USD", "unit_amount": "40.00", "source_id": "si_growth",
         "_origin": "subscriptions.json:data[0].items.data[0]"},
        {"subscription_item_id": "stripe:si_starter", "subscription_id": "stripe:sub_up", "price_id": "stripe:price_starter", "quantity": "3",
         "start_date": "2024-01-01", "end_date": "2024-03-01", "currency": "USD", "unit_amount": "15.00", "source_id": "si_starter",
         "_origin": "invoices.json:data[1].lines.data[0]"},
    ]  # fmt: skip
    billed = {
        r["subscription_item_id"] for r in rows(batches, "invoice_lines", "subscription_item_id")
    }
    assert billed - {None} <= {item["subscription_item_id"] for item in items}
    assert [n for n in notes(batches) if "recovered" in n] == [
        "subscriptions.json: recovered 1 past subscription item from invoice lines "
        "(replaced items their subscription no longer lists)"
    ]


def test_no_item_is_recovered_when_the_subscriptions_list_them_all(tmp_path: Path) -> None:
    invoices = [_monthly_invoice(3, MAR1, APR1, "si_growth", GROWTH, 5)]
    batches = run(tmp_path, {"subscriptions.json": [UPGRADED], "invoices.json": invoices})
    assert [
        r["subscription_item_id"]
        for r in rows(batches, "subscription_items", "subscription_item_id")
    ] == ["stripe:si_growth"]
    assert not [n for n in notes(batches) if "recovered" in n]


def test_charges_refunds_and_credit_notes(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "invoices.json": [INVOICE],
            "charges.json": [
                {
                    "id": "ch_1",
                    "object": "charge",
                    "amount": 161952,
                    "currency": "usd",
                    "customer": "cus_A",
                    "invoice": "in_1",
                    "created": FEB1,
                    "status": "succeeded",
                    "paid": True,
                    "payment_method_details": {"type": "card", "card": {"brand": "visa"}},
                },
                {
                    "id": "ch_2",
                    "object": "charge",
                    "amount": 700000,
                    "currency": "isk",
                    "customer": "cus_B",
                    "invoice": "in_2",
                    "created": FEB1,
                    "status": "failed",
                    "paid": False,
                    "payment_method_details": {"type": "sepa_debit"},
                },
                {
                    "id": "ch_3",
                    "object": "charge",
                    "amount": 5000,
                    "currency": "eur",
                    "customer": "cus_B",
                    "invoice": None,
                    "created": FEB1,
                    "status": "succeeded",
                    "payment_method_details": {"type": "customer_balance"},
                },
            ],
            "refunds.json": [
                {
                    "id": "re_1",
                    "object": "refund",
                    "amount": 15000,
                    "charge": "ch_1",
                    "currency": "usd",
                    "created": FEB1 + 86400,
                    "reason": "requested_by_customer",
                    "status": "succeeded",
                },
                {
                    "id": "re_2",
                    "object": "refund",
                    "amount": 100,
                    "charge": "ch_1",
                    "currency": "usd",
                    "created": FEB1 + 86400,
                    "reason": None,
                    "status": "failed",
                },
            ],
            "credit_notes.json": [
                {
                    "id": "cn_1",
                    "object": "credit_note",
                    "amount": 15000,
                    "currency": "usd",
                    "invoice": "in_1",
                    "created": FEB1 + 86400,
                    "reason": "product_unsatisfactory",
                    "status": "issued",
                },
                {
                    "id": "cn_2",
                    "object": "credit_note",
                    "amount": 100,
                    "currency": "usd",
                    "invoice": "in_1",
                    "customer": "cus_A",
                    "created": FEB1,
                    "reason": "duplicate",
                    "status": "void",
                },
            ],
        },
    )
    assert rows(
        batches, "payments", "payment_id", "invoice_id", "account_id", "status", "paid_at", "method", "currency", "amount",
    ) == [
        {"payment_id": "stripe:ch_1", "invoice_id": "stripe:in_1", "account_id": "stripe:cus_A", "status": "succeeded", "paid_at": "2024-02-01 00:00:00", "method": "card", "currency": "USD", "amount": "1619.52"},
        {"payment_id": "stripe:ch_2", "invoice_id": "stripe:in_2", "account_id": "stripe:cus_B", "status": "failed", "paid_at": "2024-02-01 00:00:00", "method": "sepa_debit", "currency": "ISK", "amount": "7000.00"},
        {"payment_id": "stripe:ch_3", "invoice_id": None, "account_id": "stripe:cus_B", "status": "succeeded", "paid_at": "2024-02-01 00:00:00", "method": "bank_transfer", "currency": "EUR", "amount": "50.00"},
    ]  # fmt: skip
    assert rows(
        batches, "refunds", "refund_id", "payment_id", "account_id", "refunded_at", "reason", "amount",
    ) == [
        {"refund_id": "stripe:re_1", "payment_id": "stripe:ch_1", "account_id": "stripe:cus_A", "refunded_at": "2024-02-02 00:00:00", "reason": "requested_by_customer", "amount": "150.00"},
    ]  # fmt: skip
    assert rows(
        batches, "credit_notes", "credit_note_id", "invoice_id", "account_id", "issued_date", "reason", "amount",
    ) == [
        {"credit_note_id": "stripe:cn_1", "invoice_id": "stripe:in_1", "account_id": "stripe:cus_A", "issued_date": "2024-02-02", "reason": "service_issue", "amount": "150.00"},
    ]  # fmt: skip
    assert (
        "refunds.json: left out 1 refund record: failed or canceled, nothing was returned"
        in notes(batches)
    )
    assert "credit_notes.json: left out 1 credit_note record: void" in notes(batches)


def test_truncated_file_keeps_good_records_and_rejects_the_rest(tmp_path: Path) -> None:
    good = json.dumps({"object": "list", "data": [
        {"id": "cus_1", "object": "customer", "name": "One", "email": None, "created": JAN1},
        {"id": "cus_2", "object": "customer", "name": "Two", "email": None, "created": JAN1},
    ]})  # fmt: skip
    batches = run(tmp_path, {"customers.json": good[: good.index('"Two"') + 5]})
    assert rows(batches, "accounts", "account_id", "name") == [
        {"account_id": "stripe:cus_1", "name": "One"}
    ]
    rejected = [r for b in batches for r in b.rejected]
    assert [r.origin for r in rejected] == ["customers.json:data[1:]"]
    assert "truncated" in rejected[0].reason


def test_pages_and_pulls_are_read_together_the_latest_version_wins(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "customers.json": [
                {"id": "cus_1", "object": "customer", "name": "Old name", "created": JAN1},
                {"id": "cus_2", "object": "customer", "name": "Two", "created": JAN1},
            ],
            "customers.pull-0002.json": [
                {"id": "cus_1", "object": "customer", "name": "New name", "created": JAN1},
                {"id": "cus_2", "object": "customer", "deleted": True},
            ],
            "customers.pull-0003.json": [
                {"id": "cus_3", "object": "customer", "name": "Three", "created": JAN15},
            ],
            ".customers.pull-0004.json.partial": "{not read",
        },
    )
    assert rows(batches, "accounts", "account_id", "name", "_deleted", "_origin") == [
        {"account_id": "stripe:cus_1", "name": "New name", "_deleted": False, "_origin": "customers.pull-0002.json:data[0]"},
        {"account_id": "stripe:cus_2", "name": None, "_deleted": True, "_origin": "customers.pull-0002.json:data[1]"},
        {"account_id": "stripe:cus_3", "name": "Three", "_deleted": False, "_origin": "customers.pull-0003.json:data[0]"},
    ]  # fmt: skip


def test_schema_drift_is_noted_and_a_missing_id_stops_the_source(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "products.json": [
                {"id": "prod_1", "object": "product", "title": "Renamed", "created": JAN1}
            ]
        },
    )
    assert rows(batches, "products", "product_id", "name") == [
        {"product_id": "stripe:prod_1", "name": None}
    ]
    assert notes(batches) == [
        "products.json: no field `active`, `name` in the product records; left empty",
        "products.json: 1 field revhub does not map ignored: title",
    ]
    (tmp_path / "products.json").unlink()
    with pytest.raises(DataError, match=r"charges.json: no record has an `id`"):
        run(tmp_path, {"charges.json": [{"object": "charge", "amount": 100}]})
    (tmp_path / "charges.json").unlink()
    with pytest.raises(DataError, match=r"customer_data.csv: no `id` field in the customer"):
        run(tmp_path, {"customer_data.csv": "customer_id,name\ncus_1,Acme\n"})


def test_an_empty_list_is_an_object_without_records(tmp_path: Path) -> None:
    # a young account has no refunds or credit notes yet: the API lists them empty
    customer = {"id": "cus_1", "object": "customer", "name": "Acme", "created": JAN1}
    batches = run(tmp_path, {"customers.json": [customer], "refunds.json": [],
                             "credit_notes.json": []})  # fmt: skip
    assert rows(batches, "accounts", "account_id") == [{"account_id": "stripe:cus_1"}]
    assert rows(batches, "refunds", "refund_id") == rows(batches, "credit_notes", "amount") == []
    assert {b.table for b in batches} >= {"refunds", "credit_notes"}  # snapshots: none left
    assert not [n for n in notes(batches) if "refund" in n or "credit_note" in n]
    # a sync table names its fields even without rows: one without `id` still stops
    synced = tmp_path / "synced"
    synced.mkdir()
    with pytest.raises(DataError, match=r"customer_data.csv: no `id` field in the customer"):
        run(synced, {"customer_data.csv": "customer_id,name\n"})


def test_a_directory_without_stripe_objects_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="holds no Stripe object revhub maps"):
        run(tmp_path, {"payouts.json": [{"id": "po_1", "object": "payout"}]})


def test_the_sync_shape_uses_the_same_mappings(tmp_path: Path) -> None:
    batches = run(
        tmp_path,
        {
            "customer.csv": """
                id,_fivetran_synced,address_country,created,email,name,is_deleted,metadata
                cus_1,2024-03-01 10:00:00,se,2024-01-01 00:00:00,ap@nord.se,Nord AB,false,{}
                cus_2,2024-03-01 10:00:00,,2024-01-01 00:00:00,,Gone Ltd,true,{}
            """,
            "plan.csv": """
                id,_fivetran_synced,active,amount,created,currency,interval,interval_count,product_id
                plan_q,2024-03-01 10:00:00,true,9000,2024-01-01 00:00:00,sek,month,3,prod_1
            """,
            "subscription.csv": """
                id,_fivetran_synced,customer_id,status,created,start_date,trial_end,current_period_start,current_period_end,cancel_at_period_end,canceled_at,ended_at,metadata,_fivetran_deleted
                sub_1,2024-03-01 10:00:00,cus_1,trialing,2024-01-01 00:00:00,2024-01-01 00:00:00,2024-01-15 00:00:00,2024-01-01 00:00:00,2024-01-15 00:00:00,FALSE,,,"{""sfdc_opportunity_id"": ""006B""}",false
            """,
            "subscription_item_data.csv": """
                id,_fivetran_synced,created,plan_id,quantity,subscription_id
                si_1,2024-03-01 10:00:00,2024-01-01 00:00:00,plan_q,3,sub_1
            """,
            "discount_data_snowflake.csv": """
                id,_fivetran_synced,coupon_id,customer_id,\"\"\"END\"\"\",\"\"\"START\"\"\",subscription_id
                di_1,2024-03-01 10:00:00,HALF,cus_1,,2024-01-01 00:00:00,sub_1
            """,
            "coupon.csv": """
                id,_fivetran_synced,percent_off,amount_off,currency,duration
                HALF,2024-03-01 10:00:00,50,,,forever
            """,
        },
    )
    assert rows(batches, "accounts", "account_id", "name", "country", "updated_at", "_deleted") == [
        {"account_id": "stripe:cus_1", "name": "Nord AB", "country": "SE", "updated_at": "2024-03-01 10:00:00", "_deleted": False},
        {"account_id": "stripe:cus_2", "name": "Gone Ltd", "country": None, "updated_at": "2024-03-01 10:00:00", "_deleted": True},
    ]  # fmt: skip
    assert rows(batches, "prices", "price_id", "billing_interval", "currency", "unit_amount") == [
        {"price_id": "stripe:plan_q", "billing_interval": "quarter", "currency": "SEK", "unit_amount": "90.00"}
    ]  # fmt: skip
    assert rows(
        batches, "subscriptions", "subscription_id", "opportunity_id", "status", "currency", "billing_interval",
        "start_date", "trial_end_date", "discount_percent",
    ) == [
        {"subscription_id": "stripe:sub_1", "opportunity_id": "salesforce:006B", "status": "trialing", "currency": "SEK", "billing_interval": "quarter",
         "start_date": "2024-01-15", "trial_end_date": "2024-01-14", "discount_percent": "0.5"},
    ]  # fmt: skip


SYNCED_COUNTS = {
    "accounts": 12,  # customer_data.csv
    "contacts": 0,  # the sample customers have no email
    "products": 10,
    "prices": 17,  # 4 prices and 13 plans
    "subscriptions": 2,  # subscription_data.csv; the history table is left aside
    "subscription_items": 17,  # 14 listed, 3 recovered from the invoice lines naming them
    "invoices": 2,
    "invoice_lines": 3,  # no tax on the sample invoices
    "payments": 16,
    "refunds": 4,
    "credit_notes": 2,
}


def test_every_synced_fixture_is_read() -> None:
    batches = list(
        StripeSource("stripe", SourceSettings(kind="stripe", path="."), FIXTURES).batches()
    )
    counts: dict[str, int] = {}
    for batch in batches:
        counts[batch.table] = counts.get(batch.table, 0) + batch.rows.num_rows
    assert counts == SYNCED_COUNTS
    assert not [r for b in batches for r in b.rejected]
    said = notes(batches)
    assert (
        "discount_data_postgres.csv, discount_data_snowflake.csv, subscription_discount_data_postgres.csv, "
        "subscription_discount_data_snowflake.csv: same table as discount_data.csv; not read again"
    ) in said
    assert (
        "balance_transaction_data.csv: Stripe `balance_transaction` is not mapped by revhub; not read"
        in said
    )


def test_a_history_mode_sync_gives_the_active_versions(tmp_path: Path) -> None:
    for name in ("subscription_history_data.csv", "customer_data.csv"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    batches = run(tmp_path, {})
    assert rows(batches, "subscriptions", "subscription_id", "status") == [
        {"subscription_id": "stripe:sdgfs4536", "status": "active"}
    ]
    assert "subscription_history_data.csv: history mode; 1 superseded versions left out" in notes(
        batches
    )
