"""Vectorised cell work on Salesforce text columns: picklists, flags, numbers, lookups.

Every function takes and returns whole Arrow arrays, so a million rows cost a few
compute calls. Values that cannot be interpreted are never dropped silently: picklists
pass unknown values through, and ``percent`` keeps text it cannot read, so ingestion
quarantines the row naming the value.

>>> import pyarrow as pa
>>> from revhub.sources.salesforce.picklists import STAGES
>>> picklist(pa.array(["Closed Won", "Signed", None]), STAGES).to_pylist()
['closed_won', 'Signed', None]
>>> percent(pa.array(["60", "n/a"])).to_pylist()
['0.6', 'n/a']
"""

from __future__ import annotations

from typing import Any, cast

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.salesforce.picklists import Vocabulary

_NUMBER = r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$"


def nulls(n: int) -> pa.Array:
    """``n`` empty text cells.

    >>> nulls(2).to_pylist()
    [None, None]
    """
    return pa.nulls(n, pa.string())


def constant(n: int, value: str) -> pa.Array:
    """``n`` cells holding ``value``.

    >>> constant(2, "call").to_pylist()
    ['call', 'call']
    """
    return nulls(n).fill_null(value)


def label_keys(values: pa.Array) -> pa.Array:
    """Labels in the form vocabularies match them (see ``picklists.label_key``).

    >>> label_keys(pa.array(["Proposal/Price Quote", None])).to_pylist()
    ['proposal_price_quote', None]
    """
    lowered = pc.utf8_lower(values)
    joined = pc.replace_substring_regex(lowered, pattern="[^a-z0-9]+", replacement="_")
    return pc.utf8_trim(joined, characters="_")


def picklist(values: pa.Array, vocabulary: Vocabulary) -> pa.Array:
    """Canonical values for picklist labels; unknown labels pass through unchanged."""
    return pc.coalesce(known(values, vocabulary), values)


def known(values: pa.Array, vocabulary: Vocabulary) -> pa.Array:
    """Canonical values for labels the vocabulary knows; null for every other label.

    >>> from revhub.sources.salesforce.picklists import ACTIVITY
    >>> known(pa.array(["Call", "Other"]), ACTIVITY).to_pylist()
    ['call', None]
    """
    labels = pa.array(list(vocabulary), pa.string())
    return lookup(label_keys(values), labels, pa.array(list(vocabulary.values()), pa.string()))


def truthy(values: pa.Array) -> pa.Array:
    """Salesforce checkbox text ("true", "TRUE", "1") as booleans; anything else null.

    >>> truthy(pa.array(["TRUE", "false", "", None])).to_pylist()
    [True, False, None, None]
    """
    keys = label_keys(values)
    yes = pc.is_in(keys, value_set=pa.array(["true", "1", "yes"]))
    no = pc.is_in(keys, value_set=pa.array(["false", "0", "no"]))
    return pc.if_else(yes, True, pc.if_else(no, False, pa.scalar(None, pa.bool_())))


def number(values: pa.Array) -> pa.Array:
    """Numeric text as float64; null where the text is not a number.

    >>> number(pa.array(["1.5", "abc", None])).to_pylist()
    [1.5, None, None]
    """
    readable = pc.fill_null(pc.match_substring_regex(values, _NUMBER), False)
    kept = pc.if_else(readable, pc.utf8_trim_whitespace(values), pa.scalar(None, pa.string()))
    return pc.cast(kept, pa.float64())


def percent(values: pa.Array) -> pa.Array:
    """Salesforce percent fields (0–100) as fractions (0–1) in text; unreadable text kept."""
    fraction = pc.round(pc.divide(number(values), 100.0), 6)
    return pc.coalesce(pc.cast(fraction, pa.string()), values)


def lookup(keys: pa.Array, table_keys: pa.Array, table_values: pa.Array) -> pa.Array:
    """For each key, the value at the first matching ``table_keys`` entry (null if none).

    >>> lookup(pa.array(["b", "x"]), pa.array(["a", "b"]), pa.array(["1", "2"])).to_pylist()
    ['2', None]
    """
    index = pc.index_in(keys, value_set=table_keys, skip_nulls=True)
    return pc.take(table_values, index)


def starts_with(values: pa.Array, prefix: str) -> pa.Array:
    """Whether each id has the given key prefix ("00Q" leads, "003" contacts); nulls false.

    >>> starts_with(pa.array(["00Q5e01", "0035e01", None]), "00Q").to_pylist()
    [True, False, False]
    """
    return pc.fill_null(pc.starts_with(values, prefix), False)


def keep(values: pa.Array, mask: pa.Array) -> pa.Array:
    """``values`` where ``mask`` holds, null elsewhere.

    >>> keep(pa.array(["a", "b"]), pa.array([True, False])).to_pylist()
    ['a', None]
    """
    return pc.if_else(pc.fill_null(mask, False), values, pa.scalar(None, values.type))


def sortable_instant(values: pa.Array) -> pa.Array:
    """Timestamps as text that sorts in time order: "2024-01-02T03:04:05.000+0000" and
    "2024-01-02 03:04:05" both become "2024-01-02 03:04:05" (Salesforce writes UTC).

    >>> sortable_instant(pa.array(["2024-01-02T03:04:05.000+0000", "2024-01-02"])).to_pylist()
    ['2024-01-02 03:04:05', '2024-01-02']
    """
    head = pc.utf8_slice_codeunits(values, 0, 19)
    return pc.replace_substring(head, pattern="T", replacement=" ")


def as_array(values: Any) -> pa.Array:
    """One contiguous array from an Arrow array or chunked array.

    >>> as_array(pa.chunked_array([["a"], ["b"]])).to_pylist()
    ['a', 'b']
    """
    if isinstance(values, pa.ChunkedArray):
        return cast(pa.Array, values.combine_chunks())
    return cast(pa.Array, values)


def most_common(groups: pa.Array, items: pa.Array, *, unanimous: bool = False) -> pa.Table:
    """Per group, its most common non-null item (ties: the smallest); with ``unanimous``
    only groups whose items all agree. Columns ``group`` and ``item``.

    >>> most_common(pa.array(["a", "a", "a", "b", "b"]), pa.array(["x", "y", "x", "x", "y"]),
    ...             unanimous=False).to_pylist()
    [{'group': 'a', 'item': 'x'}, {'group': 'b', 'item': 'x'}]
    """
    pairs = pa.table({"group": groups, "item": items})
    pairs = pairs.filter(pc.and_(pc.is_valid(pairs["group"]), pc.is_valid(pairs["item"])))
    counts = pairs.group_by(["group", "item"]).aggregate([("item", "count")])
    if unanimous:
        kinds = counts.group_by("group").aggregate([("item", "count")])
        agreed = kinds.filter(pc.equal(kinds["item_count"], 1))["group"]
        counts = counts.filter(pc.is_in(counts["group"], value_set=agreed))
    ranked = counts.sort_by(
        [("group", "ascending"), ("item_count", "descending"), ("item", "ascending")]
    )
    first = pc.equal(
        pc.index_in(ranked["group"], value_set=ranked["group"]),
        pa.array(range(ranked.num_rows), pa.int32()),
    )
    return ranked.filter(first).select(["group", "item"])
