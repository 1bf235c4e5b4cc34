"""Duplicate records: the same company or person again, as another system wrote it.

A share of accounts and contacts get a second row "from another system" (HubSpot when
the original came from Salesforce and vice versa; Stripe for some billing contacts of
customers), with a new key and realistic edits: typos, case, legal suffixes, whitespace,
nicknames, transliteration, email and phone variants, missing fields. Some contacts also
come back as a new lead, having filled in a form again. Every duplicate is returned with
the edits applied to it, comma-separated, for ``truth.duplicate_records``.

>>> import datetime as dt
>>> spec = DemoSpec(accounts=10, months=12, as_of=dt.date(2026, 1, 1))
>>> len(source_ids(spec.rng("x"), np.array(["salesforce", "stripe"]), "003")[0])
18
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revhub.demo.problems import perturb as pt
from revhub.demo.spec import DemoSpec

_ALNUM = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", np.uint8)
_SECOND = np.timedelta64(1, "s")
_DAY = np.timedelta64(86_400_000_000, "us")

Edit = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (values of picked rows, pick mask)


@dataclass
class Duplicates:
    """Rows to append to a table, and what was done to them."""

    rows: pa.Table
    original_id: np.ndarray
    perturbations: np.ndarray
    touched: dict[str, np.ndarray]  # column -> rows whose value an edit changed


class Edits:
    """Copies of rows being edited column by column, remembering which edit changed what."""

    def __init__(self, rows: pa.Table, rng: np.random.Generator) -> None:
        self.columns = {name: rows[name].combine_chunks() for name in rows.column_names}
        self.n = rows.num_rows
        self.rng = rng
        self.applied: dict[str, np.ndarray] = {}
        self.touched: dict[str, np.ndarray] = {}

    def text(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(values with nulls as "", null mask) of a string column."""
        array = self.columns[column]
        null = array.is_null().to_numpy(zero_copy_only=False)
        return pt.text(array.fill_null("").to_numpy(zero_copy_only=False)), null

    def edit(self, name: str, column: str, pick: float | np.ndarray, change: Edit) -> None:
        """Apply ``change`` to the picked non-null rows; record ``name`` where it changed them."""
        values, null = self.text(column)
        rows = self.pick(pick) & ~null
        new = values.copy()
        if rows.any():
            new[rows] = change(values[rows], rows)
        self.put(column, new, null)
        self.record(name, column, new != values)

    def blank(self, name: str, column: str, pick: float | np.ndarray) -> None:
        """Make the picked values null (a field the other system does not hold)."""
        rows = self.pick(pick)
        values, null = self.text(column)
        self.put(column, values, null | rows)
        self.record(name, column, rows & ~null)

    def pick(self, pick: float | np.ndarray) -> np.ndarray:
        """A random share of the rows, or the given mask."""
        if isinstance(pick, float):
            mask: np.ndarray = self.rng.random(self.n) < pick
            return mask
        return pick

    def put(self, column: str, values: np.ndarray, null: np.ndarray) -> None:
        self.columns[column] = pa.array(values.astype(object), type=pa.string(), mask=null)

    def record(self, name: str, column: str, changed: np.ndarray) -> None:
        self.applied[name] = self.applied.get(name, np.zeros(self.n, bool)) | changed
        self.touched[column] = self.touched.get(column, np.zeros(self.n, bool)) | changed

    def perturbations(self) -> np.ndarray:
        """Comma-separated names of the edits applied to each row ("none" for exact copies)."""
        joined = np.full(self.n, "", dtype=pt.TEXT)
        for name, mask in self.applied.items():
            joined = np.where(mask, joined + ("," + name), joined)
        joined = np.strings.lstrip(joined, ",")
        return np.where(joined == "", "none", joined)

    def result(self, original_id: np.ndarray) -> Duplicates:
        rows = pa.table(self.columns)
        return Duplicates(rows, original_id, self.perturbations(), self.touched)


def pick_rows(rng: np.random.Generator, n: int, low: float, high: float) -> np.ndarray:
    """Indices of a random share between ``low`` and ``high`` of ``n`` rows."""
    return np.flatnonzero(rng.random(n) < rng.uniform(low, high))


def other_crm(source: pa.Array) -> np.ndarray:
    """The CRM a copy comes from: HubSpot for rows from Salesforce, else Salesforce."""
    original = source.to_numpy(zero_copy_only=False)
    return np.where(original == "salesforce", "hubspot", "salesforce").astype(object)


def source_ids(rng: np.random.Generator, source: np.ndarray, sf_prefix: str) -> np.ndarray:
    """Ids in each system's own format: Salesforce 18-char, HubSpot numeric, Stripe ``cus_``."""
    n = len(source)
    salesforce = sf_prefix + "5g0000" + _random_text(rng, n, 9)
    hubspot = rng.integers(10**9, 10**11, n).astype(str).astype(pt.TEXT)
    stripe = "cus_" + _random_text(rng, n, 14)
    ids = np.where(source == "stripe", stripe, np.where(source == "hubspot", hubspot, salesforce))
    return np.asarray(ids, dtype=object)


def _random_text(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    codes = _ALNUM[rng.integers(0, len(_ALNUM), (n, width))]
    return np.ascontiguousarray(codes).view(f"S{width}").ravel().astype(str).astype(pt.TEXT)


def set_lineage(
    edits: Edits,
    spec: DemoSpec,
    source: np.ndarray,
    sf_prefix: str,
    created: np.ndarray,
) -> None:
    """Source, source id and timestamps of copies first written at ``created``."""
    rng = edits.rng
    end = spec.end.astype("datetime64[us]") - _SECOND
    created = np.minimum(created.astype("datetime64[us]"), end)
    room = np.maximum((end - created) / _DAY, 0.0)
    updated = created + (rng.random(edits.n) * np.minimum(room, 60.0) * _DAY).astype(
        "timedelta64[us]"
    )
    edits.columns["source"] = pa.array(source, pa.string())
    edits.columns["source_id"] = pa.array(source_ids(rng, source, sf_prefix), pa.string())
    edits.columns["created_at"] = pa.array(created, pa.timestamp("us"))
    edits.columns["updated_at"] = pa.array(updated, pa.timestamp("us"))


def copied_later(rows: pa.Table, rng: np.random.Generator, max_days: float) -> np.ndarray:
    """Creation times of copies: the original's, plus up to ``max_days``."""
    created = rows["created_at"].to_numpy().astype("datetime64[us]")
    later: np.ndarray = created + (rng.random(len(created)) * max_days * _DAY).astype(
        "timedelta64[us]"
    )
    return later


def lookup(keys: pa.Array, table: pa.Table, key: str, column: str) -> pa.Array:
    """``table[column]`` of the row whose ``key`` equals each of ``keys`` (null if none)."""
    index = pc.index_in(keys, value_set=table[key].combine_chunks().cast(keys.type))
    return table[column].combine_chunks().take(index)
