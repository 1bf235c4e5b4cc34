"""Checking a files mapping against the canonical model, before any data file is read.

>>> from revhub.sources.files_mapping import parse_mapping
>>> mapping = parse_mapping("table: fx_rates\\nid: [c, d]\\ncolumns: {currency: c, "
...     "rate_date: d, base_currency: b, rate: r}", "fx.yaml")
>>> table = check_against_model(mapping, "fx.yaml")
>>> table.name, own_key(table), timestamp_column(table, mapping)
('fx_rates', None, 'rate_date')
"""

from __future__ import annotations

from revhub.errors import ConfigError, did_you_mean
from revhub.model import TABLES
from revhub.model.schema import DATE, TIMESTAMP, Column, Table
from revhub.sources.files_mapping import FileMapping


def check_against_model(mapping: FileMapping, where: str) -> Table:
    """The canonical table the mapping fills, once every name in it is known to the model.

    Refuses (ConfigError naming ``where``) an unknown table or column, ``keys`` on a column
    that is no reference, a column given twice, the table's own key outside ``id``, a
    ``currency`` for a table without money, and required columns left unmapped.

    >>> from revhub.sources.files_mapping import parse_mapping
    >>> check_against_model(parse_mapping("table: acounts\\nid: x", "m.yaml"), "m.yaml")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    revhub.errors.ConfigError: m.yaml: `table`: ... no table `acounts`. Did you mean `accounts`?
    """
    tables = {t.name: t for t in TABLES}
    if mapping.table not in tables:
        hint = did_you_mean(mapping.table, tables)
        raise ConfigError(f"{where}: `table`: the model has no table `{mapping.table}`.{hint}")
    table = tables[mapping.table]
    own = own_key(table)
    for section, names in (("columns", mapping.columns), ("keys", mapping.keys)):
        for name in names:
            _check_column(table, section, name, own, where)
    for name in mapping.keys:
        if table.column(name).references is None:
            raise ConfigError(
                f"{where}: `keys.{name}`: `{name}` is not a reference to another table; "
                "move it under `columns`."
            )
    both = sorted(set(mapping.columns) & set(mapping.keys))
    if both:
        raise ConfigError(f"{where}: `{both[0]}` is under both `columns` and `keys`; keep one.")
    if mapping.currency is not None and "currency" not in table.column_names:
        raise ConfigError(f"{where}: `currency`: table `{table.name}` has no money columns.")
    given = {*mapping.columns, *mapping.keys, *([own] if own else [])}
    if mapping.currency is not None:
        given.add("currency")
    missing = [c.name for c in table.columns if _required(c) and c.name not in given]
    if missing:
        raise ConfigError(
            f"{where}: table `{table.name}` needs {', '.join(f'`{m}`' for m in missing)}; "
            "map each under `columns` or `keys` (or give a `default`)."
        )
    if timestamp_column(table, mapping) is None:
        dates = _dates_of(table)
        raise ConfigError(
            f"{where}: map `created_at` or `updated_at`{f' (or {dates})' if dates else ''}, "
            "so every record has a time of its own and re-runs give the same rows."
        )
    return table


def own_key(table: Table) -> str | None:
    """The table's single key column that ``id`` fills (None for composite keys).

    >>> from revhub.model import get_table
    >>> own_key(get_table("targets")), own_key(get_table("product_usage"))
    ('target_id', None)
    """
    if len(table.primary_key) != 1:
        return None
    key = table.column(table.primary_key[0])
    return key.name if key.references is None else None


def timestamp_column(table: Table, mapping: FileMapping) -> str | None:
    """``created_at`` or ``updated_at`` if mapped, else the first mapped date of the record
    (which then stands in for both, so re-runs give each record the same time).

    >>> from revhub.model import get_table
    >>> from revhub.sources.files_mapping import parse_mapping
    >>> mapping = parse_mapping("table: targets\\nid: i\\ncolumns: {period_start: s}", "t.yaml")
    >>> timestamp_column(get_table("targets"), mapping)
    'period_start'
    """
    mapped = {*mapping.columns, *mapping.keys}
    for name in ("created_at", "updated_at"):
        if name in mapped:
            return name
    for column in table.columns:
        if column.type in (DATE, TIMESTAMP) and column.name in mapped:
            return column.name
    return None


def _check_column(table: Table, section: str, name: str, own: str | None, where: str) -> None:
    names = [c.name for c in table.columns]
    if name not in names:
        hint = did_you_mean(name, names)
        raise ConfigError(
            f"{where}: `{section}.{name}`: table `{table.name}` has no column `{name}`.{hint}"
        )
    if name in ("source", "source_id") or name == own:
        raise ConfigError(
            f"{where}: `{section}.{name}`: revhub fills `{name}` itself "
            f"({'from `id`' if name != 'source' else 'with the source name'}); remove it."
        )


def _required(column: Column) -> bool:
    filled = ("source", "source_id", "created_at", "updated_at", "fx_rate")
    return not column.nullable and column.name not in filled


def _dates_of(table: Table) -> str:
    """The record's own dates that can stand in for its timestamps, for messages."""
    lineage = ("created_at", "updated_at")
    dates = [c.name for c in table.columns if c.type in (DATE, TIMESTAMP)]
    return " or ".join(f"`{d}`" for d in dates if d not in lineage)
