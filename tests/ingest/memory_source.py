"""A connector whose batches a test sets directly: lets the ingest tests drive every case."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import pyarrow as pa

from revhub.sources.base import Batch, Source


class MemorySource(Source):
    """Hands over ``BATCHES[name]``: a list of (table, rows as a dict of columns, snapshot)."""

    kind = "memory"
    BATCHES: ClassVar[dict[str, list[Batch]]] = {}

    def batches(self) -> Iterator[Batch]:
        yield from self.BATCHES.get(self.name, [])


def batch(table: str, rows: list[dict[str, object]], *, snapshot: bool = True) -> Batch:
    """A batch from row dicts; each row gets an origin "<table>.csv:<line>"."""
    columns = sorted({k for row in rows for k in row})
    data = {c: [row.get(c) for row in rows] for c in columns}
    data["_origin"] = [f"{table}.csv:{i + 2}" for i in range(len(rows))]
    return Batch(table, pa.table(data), origin=f"{table}.csv", snapshot=snapshot)
