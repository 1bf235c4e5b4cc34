"""The contract between connectors and ingestion: what a source hands over.

A connector reads one system's native shape (export files, synced tables, API JSON)
and yields ``Batch``es: rows of one canonical table, with canonical column names, the
lineage ``source_id`` and ``created_at``/``updated_at``, an ``_origin`` per row (file
and line, or record path) and optionally ``_deleted``. Values may be typed Arrow
arrays or strings; ingestion casts every column to the model's type and quarantines a
row whose value cannot be read, naming the column. Records the connector could not
even read (broken quoting, bad encoding, truncated JSON) travel as ``Rejected``.

Keys: a record's primary key is ``<source name>:<native id>`` (see ``source_key``), so
records from different systems never collide and foreign keys inside one source line
up; identity resolution later says which records are the same entity.

>>> import pyarrow as pa
>>> rows = pa.table({"account_id": source_key("crm", pa.array(["1", None])),
...                  "_origin": ["Account.csv:2", "Account.csv:3"]})
>>> Batch("accounts", rows, origin="Account.csv").rows["account_id"].to_pylist()
['crm:1', None]
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    from revhub.config import SourceSettings
from revhub.errors import DataError

ORIGIN = "_origin"  # where a row came from: "Account.csv:17", "invoices.json:data[3]"
DELETED = "_deleted"  # optional boolean column: the source says this record is deleted


@dataclass(frozen=True)
class Rejected:
    """A record that could not be read at all, kept for the quarantine."""

    origin: str  # file and line, or record path
    reason: str  # what is wrong and what to do
    raw: str  # the record's text as read (possibly cut to a few kB)


@dataclass(frozen=True)
class Batch:
    """Rows of one canonical table from one file or API object of a source.

    ``snapshot`` says the batches of this table in this run together hold every live
    record of the source, so a record missing from them was deleted in the source.
    Incremental pulls set it False and report deletions through ``_deleted`` rows.
    ``notes`` carries schema drift and other observations for the run summary.
    """

    table: str
    rows: pa.Table
    origin: str
    snapshot: bool = True
    rejected: tuple[Rejected, ...] = ()
    notes: tuple[str, ...] = field(default=())


class Source(ABC):
    """A configured source: a name, a kind and the settings from revhub.toml.

    Subclasses set ``kind`` and implement ``batches``. They never touch the
    workspace: they read files (or pull an API into files) and hand over Batches.
    """

    kind: ClassVar[str]

    def __init__(self, name: str, settings: SourceSettings, workspace: Path) -> None:
        self.name = name
        self.settings = settings
        self.workspace = workspace

    @property
    def path(self) -> Path:
        """The source's directory or file, resolved against the workspace."""
        path = Path(self.settings.path)
        return path if path.is_absolute() else self.workspace / path

    def find_files(self, patterns: Sequence[str], what: str, *, deep: bool = False) -> list[Path]:
        """The source's files: ``path`` itself when it is a file, else the files under it
        matching ``patterns`` (at any depth with ``deep``); DataError naming ``what`` (e.g.
        "ad reports (*.csv)") when there are none."""
        if self.path.is_file():
            return [self.path]
        glob = self.path.rglob if deep else self.path.glob
        found = sorted({p for pattern in patterns for p in glob(pattern)})
        if not found:
            raise DataError(
                f"{self.path}: no {what} found; point the source's `path` at the folder "
                "holding them (or at one file)."
            )
        return found

    @abstractmethod
    def batches(self) -> Iterator[Batch]:
        """Every batch this source holds, in any order."""


def source_key(source: str, native_ids: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Canonical keys ``<source>:<native id>`` for an array of native ids (nulls stay null).

    >>> source_key("stripe", pa.array(["cus_1", None])).to_pylist()
    ['stripe:cus_1', None]
    """
    values = native_ids.cast(pa.string())
    keyed = pc.binary_join_element_wise(pa.scalar(f"{source}:"), values, "")
    if isinstance(keyed, pa.ChunkedArray):
        return keyed.combine_chunks()
    return keyed
