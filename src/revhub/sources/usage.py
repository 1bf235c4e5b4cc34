"""The product-usage connector: daily usage per customer from CSV or Parquet files.

Product analytics exports (Segment, Amplitude, a warehouse query) rarely agree on
column names, so each file's columns are recognised by name (case and spaces do not
matter) and the first match wins:

================  ============================================================
product_usage     column names recognised
================  ============================================================
account_id        stripe_customer_id, customer_id, customer (Stripe customers:
                  key ``stripe:<id>``); salesforce_account_id, sfdc_account_id
                  (``salesforce:<id>``); hubspot_company_id (``hubspot:<id>``)
usage_date        usage_date, date, day, activity_date, event_date
active_users      active_users, daily_active_users, dau, users
events            events, event_count, events_count, total_events
seats_licensed    seats_licensed, licensed_seats, seats
key_feature_used  key_feature_used, key_feature, used_key_feature
================  ============================================================

A file without an account or date column is refused naming the names looked for;
the other columns, when missing, are left empty with a note. Any other layout (or
another system's account ids) is read through a files mapping: set ``mapping`` to a
YAML file as for ``kind = "files"`` with ``table: product_usage``. A usage row has no
timestamps of its own: ``created_at`` is its usage date, so re-runs are identical.

>>> import tempfile, pathlib
>>> from revhub.config import SourceSettings
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "usage.csv").write_text("Customer ID,Date,DAU,Events\\ncus_1,2024-01-02,3,40\\n")
>>> source = ProductUsageSource("app", SourceSettings(kind="usage", path="."), folder)
>>> next(source.batches()).rows.select(["account_id", "usage_date", "active_users"]).to_pylist()
[{'account_id': 'stripe:cus_1', 'usage_date': '2024-01-02', 'active_users': '3'}]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq

from revhub.errors import ConfigError, DataError
from revhub.sources.base import Batch, Source
from revhub.sources.files import FileSource, mapped_batches
from revhub.sources.files_mapping import FileMapping
from revhub.sources.files_read import csv_header, file_format

ACCOUNT_COLUMNS: dict[str, str] = {
    "stripe_customer_id": "stripe",
    "customer_id": "stripe",
    "customer": "stripe",
    "salesforce_account_id": "salesforce",
    "sfdc_account_id": "salesforce",
    "hubspot_company_id": "hubspot",
}
COLUMNS: dict[str, tuple[str, ...]] = {
    "usage_date": ("usage_date", "date", "day", "activity_date", "event_date"),
    "active_users": ("active_users", "daily_active_users", "dau", "users"),
    "events": ("events", "event_count", "events_count", "total_events"),
    "seats_licensed": ("seats_licensed", "licensed_seats", "seats"),
    "key_feature_used": ("key_feature_used", "key_feature", "used_key_feature"),
}
_PATTERNS = ("*.csv", "*.parquet")


class ProductUsageSource(Source):
    """Daily product usage per account (see the module docstring)."""

    kind = "usage"

    def batches(self) -> Iterator[Batch]:
        """One batch per usage file (sorted), or per file of the mapping if one is set."""
        if self.settings.mapping is not None:
            mapping, where = FileSource(self.name, self.settings, self.workspace).load_mapping()
            if mapping.table != "product_usage":
                raise ConfigError(
                    f"{where}: a usage source fills `product_usage`, not `{mapping.table}`; "
                    "set `table: product_usage` or declare the source as kind files."
                )
            yield from mapped_batches(self.name, mapping, where, self.path, self.settings.encoding)
            return
        for path in self._files():
            mapping = usage_mapping(path, self._names(path))
            where = f"{path.name} (usage columns recognised by name)"
            yield from mapped_batches(self.name, mapping, where, path, self.settings.encoding)

    def _files(self) -> list[Path]:
        return self.find_files(_PATTERNS, "usage files (*.csv, *.parquet)")

    def _names(self, path: Path) -> list[str]:
        if file_format(path) == "parquet":
            return list(pq.ParquetFile(path).schema_arrow.names)
        return csv_header(path, self.settings.encoding, None)[0]


def usage_mapping(path: Path, names: list[str]) -> FileMapping:
    """The files mapping of one usage file, from its column ``names``.

    >>> usage_mapping(Path("u.csv"), ["SFDC Account ID", "day", "users"]).keys["account_id"]
    [KeySpec(column='SFDC Account ID', source='salesforce')]
    """
    by_name = {_normal(name): name for name in reversed(names)}
    account = next((a for a in ACCOUNT_COLUMNS if a in by_name), None)
    found = {
        canonical: next((by_name[a] for a in aliases if a in by_name), None)
        for canonical, aliases in COLUMNS.items()
    }
    date = found.pop("usage_date")
    if account is None or date is None:
        wanted = ", ".join(ACCOUNT_COLUMNS) if account is None else ", ".join(COLUMNS["usage_date"])
        raise DataError(
            f"{path}: no {'account' if account is None else 'date'} column; looked for "
            f"{wanted} (its columns: {', '.join(names[:20])}). Rename the column or set "
            "`mapping` to a files mapping for this layout."
        )
    columns: dict[str, object] = {"usage_date": date}
    for canonical, column in found.items():
        columns[canonical] = {"column": column or canonical, "optional": True}
    key = {"column": by_name[account], "source": ACCOUNT_COLUMNS[account]}
    return FileMapping.model_validate(
        {
            "table": "product_usage",
            "id": [by_name[account], date],
            "columns": columns,
            "keys": {"account_id": key},
        }
    )


def _normal(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())
