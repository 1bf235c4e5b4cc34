"""The generic-files connector: any CSV, Parquet or JSON file, told by a YAML mapping
which canonical table it fills (``kind = "files"``, ``mapping = "<file>.yaml"``).

The mapping format is described in ``files_mapping``; reading in ``files_read``;
value translation, date formats, defaults and keys in ``files_columns``. Each data file
is one batch. Keys are ``<source name>:<id>`` (a table with a composite key, such as
``fx_rates``, takes its key columns from ``columns`` and ``id`` gives ``source_id``).
When neither ``created_at`` nor ``updated_at`` is mapped, the record's own first date
stands in for both. Problems:

- in the mapping (unknown table or column, required column not mapped, …): a
  ConfigError naming the mapping file, before any file is read;
- a file without a column the mapping names: a DataError naming the mapping file, the
  column and the data file, with the closest column the file has (``optional: true``
  makes the column null instead, with a note);
- a value that cannot be read (a date not in ``format``, a value not allowed): left as
  written so ingestion quarantines the row and says why.

>>> import tempfile, pathlib
>>> from revhub.config import SourceSettings
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "rates.csv").write_text("day,cur,usd\\n02/01/2024,EUR,1.1\\n")
>>> _ = (folder / "fx.yaml").write_text("table: fx_rates\\nfiles: rates.csv\\nid: [cur, day]\\n"
...     "columns:\\n  currency: cur\\n  rate_date: {column: day, format: '%d/%m/%Y'}\\n"
...     "  base_currency: {default: USD}\\n  rate: usd\\n")
>>> settings = SourceSettings(kind="files", path=".", mapping="fx.yaml")
>>> batch = next(FileSource("fx", settings, folder).batches())
>>> batch.rows.select(["currency", "rate_date", "source_id", "created_at"]).to_pylist()
[{'currency': 'EUR', 'rate_date': '2024-01-02', 'source_id': 'EUR:02/01/2024', \
'created_at': '2024-01-02'}]
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from revhub.errors import ConfigError, DataError, did_you_mean
from revhub.model.schema import Table
from revhub.sources.base import ORIGIN, Batch, Source, source_key
from revhub.sources.files_check import check_against_model, own_key, timestamp_column
from revhub.sources.files_columns import constant, native_ids, read_spec, reference_keys
from revhub.sources.files_mapping import FileMapping, parse_mapping
from revhub.sources.files_read import FileColumns, file_format, read_columns


class FileSource(Source):
    """Files of one canonical table, read through the source's YAML mapping."""

    kind = "files"

    def batches(self) -> Iterator[Batch]:
        """One batch per data file the mapping's ``files`` globs find (sorted)."""
        mapping, where = self.load_mapping()
        yield from mapped_batches(self.name, mapping, where, self.path, self.settings.encoding)

    def load_mapping(self) -> tuple[FileMapping, str]:
        """The validated mapping and its file name (for messages)."""
        if self.settings.mapping is None:
            raise ConfigError(
                f"source `{self.name}` (kind files) needs `mapping`: a YAML file saying "
                "which table and columns its files hold."
            )
        path = Path(self.settings.mapping)
        path = path if path.is_absolute() else self.workspace / path
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigError(
                f"source `{self.name}`: cannot read the mapping file {path}: "
                f"{error.strerror}. Check `mapping` in revhub.toml."
            ) from error
        mapping = parse_mapping(text, path.name)
        check_against_model(mapping, path.name)
        return mapping, path.name


def mapped_batches(
    name: str, mapping: FileMapping, where: str, root: Path, encoding: str
) -> Iterator[Batch]:
    """Batches of every file of ``mapping`` under ``root`` (a directory, or the file).

    >>> import tempfile, pathlib
    >>> from revhub.sources.files_mapping import parse_mapping
    >>> root = pathlib.Path(tempfile.mkdtemp()) / "teams.csv"
    >>> _ = root.write_text("id,name,dept,since\\nt1,Sales,sales,2024-01-01\\n")
    >>> mapping = parse_mapping("table: teams\\nid: id\\ncolumns: {name: name, "
    ...     "department: dept, created_at: since}", "teams.yaml")
    >>> [b.rows["team_id"].to_pylist() for b in mapped_batches("crm", mapping, "teams.yaml",
    ...     root, "utf-8")]
    [['crm:t1']]
    """
    table = check_against_model(mapping, where)
    for path in _data_files(root, mapping.files, where):
        read = read_columns(
            path,
            file_format(path, mapping.format),
            mapping.source_columns(),
            encoding=encoding,
            delimiter=mapping.delimiter,
            records=mapping.pointer,
        )
        notes = _check_columns(mapping, where, path, read)
        rows = _canonical_rows(name, mapping, table, read.rows)
        rejected, all_notes = tuple(read.rejected), (*read.notes, *notes)
        yield Batch(table.name, rows, path.name, rejected=rejected, notes=all_notes)


def _data_files(root: Path, patterns: list[str], where: str) -> list[Path]:
    """The files ``patterns`` find under ``root``, sorted; ``root`` itself if it is a file."""
    if root.is_file() and not patterns:
        return [root]
    if not patterns:
        raise ConfigError(f"{where}: `files` is required when the source's path is a directory.")
    found = sorted({p for pattern in patterns for p in root.glob(pattern) if p.is_file()})
    if not found:
        raise DataError(
            f"{where}: no file under {root} matches `files` ({', '.join(patterns)}); "
            "check the source's `path` and the patterns."
        )
    return found


def _canonical_rows(name: str, mapping: FileMapping, table: Table, raw: pa.Table) -> pa.Table:
    """The canonical columns of one file's rows, as the mapping says."""
    n, present = raw.num_rows, set(raw.column_names)

    def source(column: str | None) -> pa.ChunkedArray | None:
        return raw[column] if column is not None and column in present else None

    source_id = native_ids([raw[c] for c in mapping.id])
    out: dict[str, pa.Array | pa.ChunkedArray] = {"source_id": source_id}
    key = own_key(table)
    if key is not None:
        out[key] = source_key(name, source_id)
    for canonical, spec in mapping.columns.items():
        out[canonical] = read_spec(source(spec.column), spec, table.column(canonical).type, n)
    for canonical, specs in mapping.keys.items():
        out[canonical] = reference_keys([raw[k.column] for k in specs], specs, name)
    if mapping.currency is not None and "currency" not in out:
        out["currency"] = constant(mapping.currency, n)
    stand_in = timestamp_column(table, mapping)
    if stand_in not in (None, "created_at", "updated_at"):
        out["created_at"] = out[str(stand_in)]
    out[ORIGIN] = raw[ORIGIN]
    return pa.table(out)


def _check_columns(mapping: FileMapping, where: str, path: Path, read: FileColumns) -> list[str]:
    """Refuse a file without a needed column; notes for optional ones and unread ones."""
    present = set(read.rows.column_names)
    optional = {s.column for s in mapping.columns.values() if s.column and s.optional}
    notes = []
    for column in mapping.source_columns():
        if column in present:
            continue
        if column in optional:
            notes.append(f"{path.name}: has no column `{column}`; it is empty ({where})")
            continue
        raise DataError(
            f"{where}: {_named_by(mapping, column)} names `{column}`, which "
            f"{path.name} does not have.{did_you_mean(column, read.names)} "
            f"Its columns: {', '.join(read.names[:20])}."
        )
    unread = [c for c in read.names if c not in present]
    if unread:
        notes.append(f"{path.name}: columns not in the mapping, not read: {', '.join(unread)}")
    return notes


def _named_by(mapping: FileMapping, column: str) -> str:
    """What in the mapping names source ``column``, for messages."""
    for canonical, spec in mapping.columns.items():
        if spec.column == column:
            return f"column `{canonical}`"
    for canonical, specs in mapping.keys.items():
        if any(k.column == column for k in specs):
            return f"key `{canonical}`"
    return "`id`"
