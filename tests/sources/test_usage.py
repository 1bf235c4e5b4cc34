"""The product-usage connector: columns recognised by name, CSV and Parquet, or a mapping."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from revhub.config import SourceSettings
from revhub.errors import ConfigError, DataError
from revhub.sources.base import Batch
from revhub.sources.registry import connector_class
from revhub.sources.usage import ProductUsageSource


def run(folder: Path, **settings: Any) -> list[Batch]:
    source_settings = SourceSettings(kind="usage", path=".", **settings)
    return list(ProductUsageSource("app", source_settings, folder).batches())


def rows(batches: list[Batch], *columns: str) -> list[dict[str, Any]]:
    return [{c: row.get(c) for c in columns} for b in batches for row in b.rows.to_pylist()]


def test_registry_finds_the_connector() -> None:
    assert connector_class("usage") is ProductUsageSource


def test_csv_with_product_analytics_names(tmp_path: Path) -> None:
    (tmp_path / "usage.csv").write_text(
        "Stripe Customer ID,Day,DAU,Event Count,Licensed Seats,Key Feature,Plan\n"
        "cus_A,2024-03-01,4,120,10,true,pro\n"
    )
    batches = run(tmp_path)
    assert rows(batches, "account_id", "usage_date", "active_users", "events", "seats_licensed",
                "key_feature_used", "source_id", "created_at", "_origin") == [
        {"account_id": "stripe:cus_A", "usage_date": "2024-03-01", "active_users": "4",
         "events": "120", "seats_licensed": "10", "key_feature_used": "true",
         "source_id": "cus_A:2024-03-01", "created_at": "2024-03-01", "_origin": "usage.csv:2"}
    ]  # fmt: skip
    assert batches[0].notes == ("usage.csv: columns not in the mapping, not read: Plan",)


def test_parquet_is_read_with_its_types(tmp_path: Path) -> None:
    table = pa.table(
        {
            "customer_id": ["cus_B"],
            "date": pa.array([dt.date(2024, 3, 2)]),
            "active_users": pa.array([7], pa.int64()),
            "events": pa.array([90], pa.int64()),
        }
    )
    pq.write_table(table, tmp_path / "part-0.parquet")
    batches = run(tmp_path)
    assert rows(batches, "account_id", "usage_date", "active_users", "_origin") == [
        {"account_id": "stripe:cus_B", "usage_date": dt.date(2024, 3, 2), "active_users": 7,
         "_origin": "part-0.parquet:row 1"}
    ]  # fmt: skip
    notes = batches[0].notes
    assert "part-0.parquet: has no column `seats_licensed`; it is empty" in " ".join(notes)


def test_the_id_column_says_whose_account_keys_they_are(tmp_path: Path) -> None:
    (tmp_path / "u.csv").write_text("sfdc_account_id,date,users,events\n001A,2024-01-01,1,2\n")
    assert rows(run(tmp_path), "account_id") == [{"account_id": "salesforce:001A"}]


def test_a_file_without_an_account_column_names_what_was_looked_for(tmp_path: Path) -> None:
    (tmp_path / "u.csv").write_text("company,date,users,events\nacme,2024-01-01,1,2\n")
    with pytest.raises(DataError) as error:
        run(tmp_path)
    message = str(error.value)
    assert "u.csv: no account column; looked for stripe_customer_id, customer_id" in message
    assert "set `mapping`" in message


def test_a_mapping_reads_any_other_layout(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text("org,when,people,clicks\n42,01/03/2024,3,30\n")
    (tmp_path / "usage.yaml").write_text(
        "table: product_usage\nfiles: export.csv\nid: [org, when]\n"
        "columns:\n  usage_date: {column: when, format: '%d/%m/%Y'}\n"
        "  active_users: people\n  events: clicks\n"
        "keys:\n  account_id: {column: org, source: hubspot}\n"
    )
    batches = run(tmp_path, mapping="usage.yaml")
    assert rows(batches, "account_id", "usage_date", "source_id") == [
        {"account_id": "hubspot:42", "usage_date": "2024-03-01", "source_id": "42:01/03/2024"}
    ]


def test_a_mapping_for_another_table_is_refused(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(
        "table: targets\nid: x\ncolumns: {metric: m, period_grain: g, period_start: s, value: v}\n"
    )
    with pytest.raises(ConfigError, match="a usage source fills `product_usage`, not `targets`"):
        run(tmp_path, mapping="m.yaml")


def test_an_empty_directory_is_explained(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"no usage files \(\*\.csv, \*\.parquet\) found"):
        run(tmp_path)
