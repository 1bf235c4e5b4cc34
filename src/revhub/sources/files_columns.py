"""Turning a file's columns into canonical columns, as the mapping says, vectorised.

Each canonical column is one source column, read through its spec: ``values``
translates (a value not listed passes through, so ingestion quarantines it if the
model does not allow it), ``decimal: ","`` reads "1.234,5" as 1234.5, ``format``
parses dates and timestamps with ``strptime`` — a value that does not parse stays as
written, so ingestion quarantines its row naming the column and the value — and
``default`` fills what is empty. Keys become ``<source>:<value>``; ``id`` columns
joined by ":" are ``source_id``.

>>> import pyarrow as pa
>>> from revhub.sources.files_mapping import ColumnSpec
>>> raw = pa.chunked_array([["31/01/2024", "2024-13-45", None]])
>>> read_spec(raw, ColumnSpec(column="d", format="%d/%m/%Y"), "date").to_pylist()
['2024-01-31', '2024-13-45', None]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from revhub.model.schema import DATE, TIMESTAMP
from revhub.sources.base import source_key
from revhub.sources.files_mapping import ColumnSpec, KeySpec

Values: TypeAlias = pa.Array | pa.ChunkedArray


def read_spec(values: Values | None, spec: ColumnSpec, model_type: str, rows: int = 0) -> Values:
    """The canonical values of one column: ``values`` (None when the file has no such
    column, or the spec names none) read through ``spec``.

    >>> spec = ColumnSpec(column="s", values={"Open": "open"}, default="new")
    >>> read_spec(pa.array(["Open", "Shut", None]), spec, "string").to_pylist()
    ['open', 'Shut', 'new']
    """
    if values is None:
        return constant(spec.default, rows)
    if spec.values:
        values = translate(values, spec.values)
    if spec.decimal == "," and _is_text(values):
        values = pc.replace_substring(pc.replace_substring(values, ".", ""), ",", ".")
    if spec.format and model_type in (DATE, TIMESTAMP) and _is_text(values):
        values = parse_moments(values, spec.format, model_type)
    if spec.default is not None:
        values = pc.coalesce(_as_text(values), pa.scalar(spec.default))
    return values


def constant(value: str | None, rows: int) -> pa.Array:
    """``value`` (text, or null) repeated ``rows`` times.

    >>> constant("USD", 2).to_pylist()
    ['USD', 'USD']
    """
    return pa.repeat(pa.scalar(value, pa.string()), rows)


def translate(values: Values, table: dict[str, str]) -> Values:
    """Each value looked up in ``table``; values not in it are kept as they are.

    >>> translate(pa.array(["Yes", "No", "Maybe"]), {"Yes": "true", "No": "false"}).to_pylist()
    ['true', 'false', 'Maybe']
    """
    text = _as_text(values)
    keys = pa.array(list(table), pa.string())
    index = pc.index_in(text, value_set=keys)
    found = pc.take(pa.array(list(table.values()), pa.string()), index)
    return pc.coalesce(found, text)


def parse_moments(values: Values, fmt: str, model_type: str) -> Values:
    """Texts in ``fmt`` as ISO dates or timestamps; a text that does not parse is kept.

    ``strptime`` rolls an impossible day over (31/02 becomes 02/03), so a parse only
    counts when writing the result back in ``fmt`` gives the text again (ignoring case,
    spaces and leading zeros).

    >>> parse_moments(pa.array(["02.01.2024 13:05", "31.02.2024 10:00", "soon"]),
    ...               "%d.%m.%Y %H:%M", "timestamp").to_pylist()
    ['2024-01-02 13:05:00', '31.02.2024 10:00', 'soon']
    """
    parsed = pc.strptime(values, format=fmt, unit="s", error_is_null=True)
    same = pc.equal(_comparable(pc.strftime(parsed, format=fmt)), _comparable(values))
    parsed = pc.if_else(pc.fill_null(same, False), parsed, None)
    if model_type == DATE:
        parsed = parsed.cast(pa.date32())
    return pc.coalesce(parsed.cast(pa.string()), values)


def _comparable(texts: Values) -> Values:
    """Text without case, surrounding spaces or leading zeros of numbers ("01" ~ "1")."""
    trimmed = pc.utf8_lower(pc.utf8_trim_whitespace(texts))
    return pc.replace_substring_regex(trimmed, r"(^|\D)0+(\d)", r"\1\2")


def native_ids(columns: Sequence[Values]) -> Values:
    """The native id of each row: the ``id`` columns' values joined by ":" (null when
    any part is empty, so ingestion refuses the row).

    >>> native_ids([pa.array(["EUR", "USD"]), pa.array(["2024-01-02", None])]).to_pylist()
    ['EUR:2024-01-02', None]
    """
    texts = [_as_text(c) for c in columns]
    if len(texts) == 1:
        return texts[0]
    return pc.binary_join_element_wise(*texts, ":")


def reference_keys(columns: Sequence[Values], specs: Sequence[KeySpec], own: str) -> Values:
    """Keys ``<source>:<value>`` of a reference: the first spec whose column has a value
    (``own`` is this source's name, for specs without ``source``).

    >>> reference_keys([pa.array(["001", None]), pa.array(["7", "9"])],
    ...     [KeySpec(column="sf", source="salesforce"), KeySpec(column="hs", source="hubspot")],
    ...     "nps").to_pylist()
    ['salesforce:001', 'hubspot:9']
    """
    keyed = [source_key(spec.source or own, c) for c, spec in zip(columns, specs, strict=True)]
    return keyed[0] if len(keyed) == 1 else pc.coalesce(*keyed)


def _is_text(values: Values) -> bool:
    return bool(pa.types.is_string(values.type) or pa.types.is_large_string(values.type))


def _as_text(values: Values) -> Values:
    if _is_text(values):
        return values
    if pa.types.is_boolean(values.type):
        return pc.if_else(values, "true", "false")
    return values.cast(pa.string())
