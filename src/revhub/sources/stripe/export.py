"""Every Stripe object in a source directory, whatever shape it came in, as frames.

A directory may hold API list JSON (``customers.json``, ``customers.pull-0002.json``,
``invoices.2.json``), sync tables (``customer.csv``, ``invoice_data.csv``) or both;
each file is read on its own and the records of one object are put together in file
order. A record that appears more than once (a later pull, an expanded copy inside
another record) is read once: its own file's latest version wins.

Two objects stand in for others: plans are the older form of prices (their ``amount``
and ``interval`` become the price fields), and a history-mode ``subscription_history``
table is the subscriptions when there is no plain ``subscription`` table.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from revhub.errors import DataError
from revhub.sources.base import DELETED
from revhub.sources.stripe.api import JSON_SUFFIXES, read_api
from revhub.sources.stripe.frame import Frame
from revhub.sources.stripe.objects import HISTORY, RawObject
from revhub.sources.stripe.synced import pick_files, read_synced, truthy

_FLAGS = ("deleted", "is_deleted", "_fivetran_deleted")
_PLAN_AS_PRICE = {
    "amount": "unit_amount",
    "amount_decimal": "unit_amount_decimal",
    "interval": "recurring_interval",
    "interval_count": "recurring_interval_count",
    "usage_type": "recurring_usage_type",
}


class Export:
    """The objects of one Stripe source directory, by object name."""

    def __init__(self, source: str, path: Path, encoding: str = "utf-8") -> None:
        if not path.is_dir():
            raise DataError(
                f"stripe source `{source}`: {path} is not a directory; point `path` at the "
                "folder holding the Stripe exports (customers.json, ...) or sync tables."
            )
        self.source = source
        self.notes: list[str] = []
        own: dict[str, RawObject] = {}
        inside: dict[str, RawObject] = {}
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        for file in files:
            if file.suffix.lower() not in (*JSON_SUFFIXES, ".csv"):
                self.notes.append(f"{file.name}: not a JSON or CSV file; not read")
        for file in (f for f in files if f.suffix.lower() in JSON_SUFFIXES):
            read = read_api(file)
            if read is None:
                self.notes.append(f"{file.name}: not a Stripe object revhub maps; not read")
                continue
            _add(own, read.main)
            for raw in read.inside.values():
                _add(inside, raw)
        picked, notes = pick_files([f for f in files if f.suffix.lower() == ".csv"])
        self.notes.extend(notes)
        for name, paths in picked.items():
            for file in paths:
                _add(own, read_synced(file, name, encoding))
        self.raw = self._stand_ins(own, inside)
        self.frames = {name: self._frame(raw) for name, raw in self.raw.items()}

    def related(self, name: str) -> Frame | None:
        """Every row of object ``name`` (deleted ones flagged), or None."""
        return self.frames.get(name)

    def _stand_ins(
        self, own: dict[str, RawObject], inside: dict[str, RawObject]
    ) -> dict[str, RawObject]:
        """Records of each object: expanded copies first, own files after (later wins)."""
        if HISTORY in own:
            history = own.pop(HISTORY)
            if "subscription" in own:
                self.notes.append(
                    f"{', '.join(history.files)}: subscription history left aside; the "
                    "subscription table holds the current versions"
                )
            else:
                history.name = "subscription"
                own["subscription"] = history
        merged: dict[str, RawObject] = {}
        for pool in (inside, own):
            for raw in pool.values():
                _add(merged, raw)
        if "plan" in merged:
            plans = merged.pop("plan")
            plans.rows = _plans_as_prices(plans.rows)
            if "price" in merged:  # prices are the newer form of the same record: last
                plans.extend(merged["price"])
            plans.name = "price"
            merged["price"] = plans
        return merged

    def _frame(self, raw: RawObject) -> Frame:
        fields = [name for name in raw.rows.column_names if not name.startswith("_")]
        if not fields and raw.rows.num_rows == 0:
            # an empty list ({"data": []}: no refunds yet) has no fields at all
            raw.rows = raw.rows.append_column("id", pa.array([], pa.string()))
        if "id" not in raw.rows.column_names:
            raise DataError(
                f"{', '.join(raw.files)}: no `id` field in the {raw.name} records; revhub "
                "needs Stripe's ids to key them. Re-export with the `id` column."
            )
        rows = _latest(raw.rows)
        deleted = pa.array([False] * rows.num_rows, pa.bool_())
        for flag in _FLAGS:
            if flag in rows.column_names:
                deleted = pc.or_(deleted, truthy(rows[flag]))
        rows = rows.append_column(DELETED, deleted)
        shown = raw.files[:3] + (["…"] if len(raw.files) > 3 else [])
        return Frame(raw.name, rows, self.source, ", ".join(shown), self)


def _add(pool: dict[str, RawObject], raw: RawObject) -> None:
    if raw.name in pool:
        pool[raw.name].extend(raw)
    else:
        pool[raw.name] = RawObject(
            raw.name, raw.rows, list(raw.files), list(raw.rejected), list(raw.notes)
        )


def _latest(rows: pa.Table) -> pa.Table:
    """One row per id: the last one (rows without an id all stay, to be quarantined)."""
    last: dict[str, int] = {}
    keep: list[int] = []
    for index, value in enumerate(rows["id"].to_pylist()):
        if value is None:
            keep.append(index)
        else:
            last[value] = index
    if len(last) + len(keep) == rows.num_rows:
        return rows
    return rows.take(pa.array(sorted([*keep, *last.values()]), pa.int64()))


def _plans_as_prices(rows: pa.Table) -> pa.Table:
    renamed = rows.rename_columns([_PLAN_AS_PRICE.get(n, n) for n in rows.column_names])
    if "type" not in renamed.column_names:
        renamed = renamed.append_column("type", pa.array(["recurring"] * rows.num_rows))
    return renamed
