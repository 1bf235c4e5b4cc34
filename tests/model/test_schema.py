"""The canonical model's definitions are complete and self-consistent."""

from __future__ import annotations

import pyarrow as pa
import pytest

from revhub.errors import DataError, ModelError
from revhub.model import SCHEMA_VERSION, TABLES, TRUTH_TABLES, get_table
from revhub.model.migrations import MIGRATIONS
from revhub.model.schema import MONEY

REQUIRED_TABLES = {
    "accounts", "contacts", "leads", "users", "teams", "territories", "partners", "campaigns",
    "touchpoints", "marketing_spend", "lifecycle_events", "opportunities", "opportunity_history",
    "products", "prices", "subscriptions", "subscription_items", "invoices", "invoice_lines",
    "payments", "refunds", "credit_notes", "product_usage", "support_tickets", "nps_responses",
    "tech_stack_tools", "targets", "fx_rates",
}  # fmt: skip


def test_every_table_the_issue_asks_for_is_defined() -> None:
    assert {t.name for t in TABLES} >= REQUIRED_TABLES


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_foreign_key_names_an_existing_table_and_column(table) -> None:
    for fk in table.foreign_keys:
        target = get_table(fk.ref_table)
        assert fk.ref_column in target.column_names, fk
        assert fk.ref_column in target.primary_key or target.primary_key == (fk.ref_column,)
        assert target.column(fk.ref_column).type == table.column(fk.column).type


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_canonical_row_carries_lineage(table) -> None:
    for name in ("source", "source_id", "created_at", "updated_at"):
        assert not table.column(name).nullable


@pytest.mark.parametrize("table", (*TABLES, *TRUTH_TABLES), ids=lambda t: t.name)
def test_every_column_is_described_and_keys_are_not_null(table) -> None:
    assert table.description
    for column in table.columns:
        assert column.description.strip(), f"{table.name}.{column.name}"
    for key in table.primary_key:
        assert not table.column(key).nullable


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_money_is_amount_currency_and_base_amount(table) -> None:
    money = [c.name for c in table.columns if c.type == MONEY]
    if not money:
        return
    assert {"currency", "fx_rate"} <= set(table.column_names), table.name
    for name in money:
        if not name.endswith("_base"):
            assert f"{name}_base" in table.column_names


def test_schema_version_is_the_last_migration() -> None:
    assert MIGRATIONS[-1].version == SCHEMA_VERSION
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def test_unknown_names_suggest_the_closest() -> None:
    with pytest.raises(ModelError, match="Did you mean `accounts`"):
        get_table("acounts")
    with pytest.raises(ModelError, match="Did you mean `amount`"):
        get_table("opportunities").column("amout")


def test_to_arrow_types_columns_and_rejects_unknown_ones() -> None:
    teams = get_table("teams")
    row = {"team_id": ["t1"], "name": ["Sales"], "department": ["sales"], "source": ["demo"],
           "source_id": ["t1"], "created_at": [None], "updated_at": [None]}  # fmt: skip
    with pytest.raises(DataError, match="created_at"):
        teams.to_arrow({k: v for k, v in row.items() if k != "created_at"})
    with pytest.raises(DataError, match="no column"):
        teams.to_arrow({**row, "colour": ["red"]})
    data = teams.to_arrow(row)
    assert data.schema.field("created_at").type == pa.timestamp("us")
    assert data.column("region").null_count == 1
