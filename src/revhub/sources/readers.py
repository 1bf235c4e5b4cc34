"""Reading native files without losing a record: CSV and JSON, good rows and bad.

Every reader returns the records it could read, each with its origin (``file:line`` for
CSV and JSON Lines, ``file:data[3]`` for a record inside a JSON document), and a
``Rejected`` for each record it could not read, saying where and why. A malformed file
never stops the other files, and never loses its good records.

CSV: the delimiter is sniffed from the header (comma, semicolon, tab or pipe); all
columns are read as text (ingestion casts them); a UTF-8 byte-order mark is dropped.
Clean files take pyarrow's multi-threaded reader; a file with broken quoting, a
wrong field count or invalid UTF-8 is re-read with Python's csv module so each bad
record is rejected with its line number and the rest still load.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "Account.csv"
>>> _ = path.write_text('Id;Name\\n1;Acme\\n2;"Broken\\n')
>>> table = read_csv(path)
>>> table.rows.to_pylist(), [r.origin for r in table.rejected]
([{'Id': '1', 'Name': 'Acme', '_origin': 'Account.csv:2'}], ['Account.csv:3'])
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ijson  # type: ignore[import-untyped]
import pyarrow as pa
import pyarrow.csv as pacsv

from revhub.errors import DataError
from revhub.sources.base import ORIGIN, Rejected

_DELIMITERS = (",", ";", "\t", "|")
_RAW_LIMIT = 4_000  # characters of a rejected record kept for the quarantine


@dataclass
class RawTable:
    """Text columns as read (plus ``_origin``), the records that could not be read,
    and notes about the file (delimiter, encoding) for the run summary."""

    rows: pa.Table
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RawRecords:
    """JSON records as Python objects with their origins, and the unreadable ones."""

    records: list[dict[str, Any]]
    origins: list[str]
    rejected: list[Rejected] = field(default_factory=list)


def read_csv(path: Path, *, delimiter: str | None = None, encoding: str = "utf-8") -> RawTable:
    """Read a CSV file as text columns, rejecting only the records that are malformed.

    ``delimiter`` None sniffs it from the header line. A file that cannot be opened,
    is empty or has no header raises DataError naming the file.
    """
    data = _read_bytes(path)
    if encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            data = data.decode(encoding).encode("utf-8")
        except (UnicodeDecodeError, LookupError) as error:
            raise DataError(
                f"{path}: cannot decode as {encoding}: {error}. Set the source's encoding."
            ) from error
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    header_end = data.find(b"\n")
    header = (data if header_end < 0 else data[:header_end]).decode("utf-8", "replace")
    if not header.strip():
        raise DataError(f"{path}: the file is empty or has no header line; re-export it.")
    sep = delimiter or _sniff_delimiter(header)
    notes = [] if sep == "," else [f"{path.name}: read as {_name(sep)}-delimited"]
    fast = _read_fast(path, data, sep)
    if fast is not None:
        return RawTable(fast, [], notes)
    rows, rejected = _read_slow(path, data, sep)
    return RawTable(rows, rejected, notes)


def read_json_records(path: Path, pointer: str | None = None) -> RawRecords:
    """Records of a JSON document (the list at ``pointer``, e.g. "data", "results";
    None for a top-level array) or of a JSON Lines file (``.jsonl``/``.ndjson``).

    A truncated or malformed document keeps the records before the damage and
    rejects the rest as one record naming the line and column.
    """
    data = _read_bytes(path)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return _read_json_lines(path, data)
    try:
        document = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return _salvage(path, data, pointer, error)
    items = document if pointer is None else _at(document, pointer)
    if not isinstance(items, list):
        where = "the top level" if pointer is None else f"`{pointer}`"
        raise DataError(
            f"{path}: expected a list of records at {where}, found {type(items).__name__}. "
            "Is this the right export for this source?"
        )
    label = pointer or ""
    origins = [f"{path.name}:{label}[{i}]" for i in range(len(items))]
    records, kept, rejected = [], [], []
    for origin, item in zip(origins, items, strict=True):
        if isinstance(item, dict):
            records.append(item)
            kept.append(origin)
        else:
            rejected.append(Rejected(origin, "record is not a JSON object", _cut(json.dumps(item))))
    return RawRecords(records, kept, rejected)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise DataError(f"{path}: cannot read the file: {error.strerror}.") from error


def _sniff_delimiter(header: str) -> str:
    counts = {d: _count_outside_quotes(header, d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def _name(delimiter: str) -> str:
    return {";": "semicolon", "\t": "tab", "|": "pipe"}.get(delimiter, repr(delimiter))


def _read_fast(path: Path, data: bytes, sep: str) -> pa.Table | None:
    """pyarrow's reader, or None when any record is malformed (the slow path decides)."""
    try:
        header = pacsv.read_csv(
            io.BytesIO(data.split(b"\n", 1)[0] + b"\n"),
            parse_options=pacsv.ParseOptions(delimiter=sep),
        ).column_names
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=sep, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    if _ends_in_open_quote(table):
        return None
    _check_header(path, table.column_names)
    lines = pa.array(range(2, table.num_rows + 2), pa.int64()).cast(pa.string())
    origins = pa.compute.binary_join_element_wise(f"{path.name}:", lines, "")
    table = _empty_as_null(table)
    return table.append_column(ORIGIN, origins)


def _ends_in_open_quote(table: pa.Table) -> bool:
    """pyarrow refuses line breaks inside values, except where a quote left open at the end
    of the file swallows the last line break: such a last record is malformed."""
    if not table.num_rows:
        return False
    last = table.slice(table.num_rows - 1)
    return any(
        "\n" in value or "\r" in value
        for column in last.columns
        for value in column.to_pylist()
        if isinstance(value, str)
    )


def _read_slow(path: Path, data: bytes, sep: str) -> tuple[pa.Table, list[Rejected]]:
    """Python's csv module over the lines that decode; exact line numbers."""
    rejected: list[Rejected] = []
    text_lines: list[str] = []
    line_numbers: list[int] = []
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            text_lines.append(raw.decode("utf-8"))
            line_numbers.append(number)
        except UnicodeDecodeError as error:
            rejected.append(
                Rejected(
                    f"{path.name}:{number}",
                    f"line {number} is not valid UTF-8 (byte {raw[error.start]:#04x} at "
                    f"column {error.start + 1}); re-export the file as UTF-8 or set the "
                    "source's encoding",
                    _cut(raw.decode("utf-8", "replace")),
                )
            )
    reader = csv.reader(_LineFeed(text_lines), delimiter=sep, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise DataError(f"{path}: cannot read the header line: {error}.") from error
    _check_header(path, header)
    columns: list[list[str | None]] = [[] for _ in header]
    origins: list[str] = []
    start = reader.line_num
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            line = line_numbers[min(start, len(line_numbers) - 1)]
            rejected.append(Rejected(f"{path.name}:{line}", f"unreadable CSV: {error}", ""))
            start = reader.line_num
            continue
        line = line_numbers[min(start, len(line_numbers) - 1)]
        end = reader.line_num
        start = end
        if not record or record == [""]:
            continue
        if len(record) != len(header):
            rejected.append(
                Rejected(
                    f"{path.name}:{line}",
                    f"expected {len(header)} fields, found {len(record)} (broken quoting or "
                    "a stray delimiter); fix the record and re-run",
                    _cut(sep.join(record)),
                )
            )
            continue
        for values, value in zip(columns, record, strict=True):
            values.append(value if value != "" else None)
        origins.append(f"{path.name}:{line}")
    arrays = {
        name: pa.array(values, pa.string()) for name, values in zip(header, columns, strict=True)
    }
    arrays[ORIGIN] = pa.array(origins, pa.string())
    return pa.table(arrays), rejected


class _LineFeed:
    """Iterates lines for csv.reader (which counts them in ``line_num``)."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = iter(lines)

    def __iter__(self) -> Iterator[str]:
        return self._lines


def _check_header(path: Path, header: list[str]) -> None:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise DataError(f"{path}: column `{name}` appears twice in the header; rename one.")
        seen.add(name)


def _empty_as_null(table: pa.Table) -> pa.Table:
    columns = []
    for column in table.columns:
        empty = pa.compute.equal(column, "")
        columns.append(pa.compute.if_else(empty, pa.scalar(None, pa.string()), column))
    return pa.table(columns, names=table.column_names)


def _read_json_lines(path: Path, data: bytes) -> RawRecords:
    records, origins, rejected = [], [], []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        origin = f"{path.name}:{number}"
        try:
            item = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            rejected.append(
                Rejected(origin, f"line {number} is not valid JSON: {error}", _cut(repr(line)))
            )
            continue
        if isinstance(item, dict):
            records.append(item)
            origins.append(origin)
        else:
            rejected.append(Rejected(origin, "record is not a JSON object", _cut(repr(line))))
    return RawRecords(records, origins, rejected)


def _salvage(path: Path, data: bytes, pointer: str | None, error: Exception) -> RawRecords:
    """Records before the damage of a malformed JSON document, and one Rejected for it."""
    where = (
        f"line {error.lineno} column {error.colno}"
        if isinstance(error, json.JSONDecodeError)
        else "an invalid byte"
    )
    prefix = "item" if pointer is None else f"{pointer}.item"
    records: list[dict[str, Any]] = []
    try:
        for item in ijson.items(io.BytesIO(data), prefix):
            if isinstance(item, dict):
                records.append(_plain(item))
    except (ijson.common.JSONError, UnicodeDecodeError):
        pass  # the damage: every record before it is kept, the rest is rejected below
    label = pointer or ""
    origins = [f"{path.name}:{label}[{i}]" for i in range(len(records))]
    reason = (
        f"the JSON is truncated or malformed at {where} ({error}); {len(records)} records "
        "before it were read, the rest were not — re-export the file"
    )
    tail = data[-_RAW_LIMIT:].decode("utf-8", "replace")
    return RawRecords(
        records, origins, [Rejected(f"{path.name}:{label}[{len(records)}:]", reason, tail)]
    )


def _plain(value: Any) -> Any:
    """ijson yields Decimal for non-integers; the json module's float is what callers expect."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _at(document: Any, pointer: str) -> Any:
    value = document
    for part in pointer.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _cut(text: str) -> str:
    return text if len(text) <= _RAW_LIMIT else text[:_RAW_LIMIT] + "…"
