"""Reading the columns a mapping needs from a CSV, Parquet or JSON file, fast.

``read_columns`` returns the requested columns that the file has (text for CSV and
JSON, Arrow's own types for Parquet), an ``_origin`` per row and every column name the
file has, so the caller can say which requested ones are missing.

CSV takes pyarrow's multi-threaded reader over only the requested columns, empty
cells as nulls, with the source's encoding. When any record is malformed (wrong
field count, broken quoting, bytes the encoding cannot read) or records span lines,
the file is read again by ``readers.read_csv``, which rejects each bad record with its
line number and keeps the rest. Origins: ``file.csv:<line>``, ``file.parquet:row <n>``
and the JSON reader's ``file.json:data[3]`` / ``file.jsonl:<line>``.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "rates.csv"
>>> _ = path.write_text("day;cur;rate\\n2024-01-02;EUR;1.1\\n")
>>> read = read_columns(path, "csv", ["cur", "rate"])
>>> read.rows.to_pylist(), read.names
([{'cur': 'EUR', 'rate': '1.1', '_origin': 'rates.csv:2'}], ['day', 'cur', 'rate'])
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from revhub.errors import DataError
from revhub.sources.base import ORIGIN, Rejected
from revhub.sources.readers import read_csv, read_json_records

_DELIMITERS = (",", ";", "\t", "|")
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_CHUNK = 1 << 24


@dataclass
class FileColumns:
    """Requested columns as read (plus ``_origin``), all column names of the file, the
    records that could not be read and notes for the run summary."""

    rows: pa.Table
    names: list[str]
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def file_format(path: Path, given: str | None = None) -> str:
    """The format to read ``path`` as: ``given``, else from its extension.

    >>> file_format(Path("usage.PARQUET")), file_format(Path("x.dat"), "csv")
    ('parquet', 'csv')
    """
    if given is not None:
        return given
    try:
        return _EXTENSIONS[path.suffix.lower()]
    except KeyError:
        raise DataError(
            f"{path}: cannot tell the format from the extension `{path.suffix}`; "
            "set `format` (csv, parquet, json or jsonl) in the mapping."
        ) from None


def read_columns(
    path: Path,
    fmt: str,
    wanted: Sequence[str],
    *,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    records: str | None = None,
) -> FileColumns:
    """The ``wanted`` columns of ``path`` that it has, read as ``fmt`` (see module doc).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "rows.jsonl"
    >>> _ = path.write_text('{"id": 1, "customer": {"id": "cus_1"}}\\n')
    >>> read_columns(path, "jsonl", ["id", "customer.id", "missing"]).rows.to_pylist()
    [{'id': '1', 'customer.id': 'cus_1', '_origin': 'rows.jsonl:1'}]
    """
    if fmt == "parquet":
        return _read_parquet(path, wanted)
    if fmt in ("json", "jsonl"):
        return _read_json(path, wanted, records)
    return _read_csv(path, wanted, encoding, delimiter)


def csv_header(path: Path, encoding: str, delimiter: str | None) -> tuple[list[str], str]:
    """The header names of a CSV file and its delimiter (sniffed when not given).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "usage.csv"
    >>> _ = path.write_text("customer|day\\ncus_1|2024-01-01\\n")
    >>> csv_header(path, "utf-8", None)
    (['customer', 'day'], '|')
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 16)
    except OSError as error:
        raise DataError(f"{path}: cannot read the file: {error.strerror}.") from error
    try:
        line = head.decode(encoding, errors="replace").lstrip("\ufeff").splitlines()[0]
    except (IndexError, LookupError) as error:
        raise DataError(
            f"{path}: the file is empty or has no header line (or the encoding "
            f"`{encoding}` is unknown); re-export it or set the source's encoding."
        ) from error
    sep = delimiter or max(_DELIMITERS, key=line.count)
    return next(csv.reader([line], delimiter=sep)), sep


def _read_csv(path: Path, wanted: Sequence[str], encoding: str, sep: str | None) -> FileColumns:
    header, sep = csv_header(path, encoding, sep)
    keep = [name for name in dict.fromkeys(wanted) if name in header]
    notes = [] if sep == "," else [f"{path.name}: read as {_label(sep)}-delimited"]
    fast = _read_csv_fast(path, keep, encoding, sep)
    if fast is not None and fast.num_rows == _lines(path) - 1:
        origins = numbered(f"{path.name}:", 2, fast.num_rows)
        return FileColumns(fast.append_column(ORIGIN, origins), header, [], notes)
    raw = read_csv(path, delimiter=sep, encoding=encoding)
    return FileColumns(raw.rows.select([*keep, ORIGIN]), header, raw.rejected, raw.notes)


def _read_csv_fast(path: Path, keep: list[str], encoding: str, sep: str) -> pa.Table | None:
    """pyarrow's reader over ``keep``; None when a record is malformed (the slow path
    then says which)."""
    invalid: list[object] = []

    def on_invalid(row: object) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding=encoding, block_size=_CHUNK),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, invalid_row_handler=on_invalid, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=keep,
                column_types=dict.fromkeys(keep, pa.string()),
                strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError, LookupError):
        return None
    return None if invalid else table


def numbered(prefix: str, first: int, count: int) -> pa.Array:
    """Origins ``<prefix><n>`` for ``count`` rows numbered from ``first``.

    >>> numbered("usage.parquet:row ", 1, 2).to_pylist()
    ['usage.parquet:row 1', 'usage.parquet:row 2']
    """
    numbers = pa.array(np.arange(first, first + count, dtype=np.int64)).cast(pa.string())
    return pc.binary_join_element_wise(prefix, numbers, "")


def _lines(path: Path) -> int:
    """Lines in the file (a last line without a newline counts)."""
    count, last = 0, b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def _read_parquet(path: Path, wanted: Sequence[str]) -> FileColumns:
    try:
        names = pq.ParquetFile(path).schema_arrow.names
        keep = [name for name in dict.fromkeys(wanted) if name in names]
        table = pq.read_table(path, columns=keep)
    except (OSError, pa.ArrowInvalid) as error:
        raise DataError(f"{path}: cannot read as Parquet: {error}. Re-export the file.") from error
    origins = numbered(f"{path.name}:row ", 1, table.num_rows)
    return FileColumns(table.append_column(ORIGIN, origins), names)


def _read_json(path: Path, wanted: Sequence[str], pointer: str | None) -> FileColumns:
    raw = read_json_records(path, pointer)
    names = list(dict.fromkeys(key for record in raw.records for key in record))
    columns: dict[str, pa.Array] = {}
    for name in dict.fromkeys(wanted):
        values = [_text(_at(record, name)) for record in raw.records]
        if name in names or any(v is not None for v in values):
            columns[name] = pa.array(values, pa.string())
    columns[ORIGIN] = pa.array(raw.origins, pa.string())
    return FileColumns(pa.table(columns), names, raw.rejected)


def _at(record: dict[str, Any], name: str) -> Any:
    """``record[name]``, or the nested value at a dotted ``name`` ("customer.id")."""
    if name in record:
        return record[name]
    value: Any = record
    for part in name.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _label(delimiter: str) -> str:
    return {";": "semicolon", "\t": "tab", "|": "pipe"}.get(delimiter, repr(delimiter))
