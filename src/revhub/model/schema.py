"""Declarative table definitions: the vocabulary every canonical table is written in.

A ``Table`` is data: name, description, columns (type, one-line description, nullability,
allowed values, foreign key), primary key. Lineage columns (``source``, ``source_id``,
``created_at``, ``updated_at``) are added to every canonical table by ``table()``. Money
follows one rule: a table with money has one ``currency`` column (ISO 4217), one
``fx_rate`` column (units of base currency per unit of ``currency`` on the recorded date)
and, for each money column ``x``, a ``x_base`` column = ``x * fx_rate`` rounded to cents.

Example::

    >>> t = table("teams", "Go-to-market teams.", ["team_id"],
    ...           col("team_id", STRING, "Team key.", nullable=False))
    >>> [c.name for c in t.columns][:2]
    ['team_id', 'source']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import numpy as np
import pyarrow as pa

from revhub.errors import DataError, ModelError, did_you_mean

# Logical column types and how each engine stores them.
STRING = "string"
INT = "int64"
FLOAT = "float64"
BOOL = "boolean"
DATE = "date"
TIMESTAMP = "timestamp"
MONEY = "decimal(18,2)"
RATE = "decimal(18,8)"

_ARROW_TYPES: dict[str, pa.DataType] = {
    STRING: pa.string(),
    INT: pa.int64(),
    FLOAT: pa.float64(),
    BOOL: pa.bool_(),
    DATE: pa.date32(),
    TIMESTAMP: pa.timestamp("us"),
    MONEY: pa.decimal128(18, 2),
    RATE: pa.decimal128(18, 8),
}

BASE_SCHEMA = "main"
TRUTH_SCHEMA = "truth"


@dataclass(frozen=True)
class Column:
    """One column: logical type, one-line description and its constraints."""

    name: str
    type: str
    description: str
    nullable: bool = True
    values: tuple[str, ...] | None = None
    references: str | None = None  # "table.column"
    minimum: float | None = None

    @property
    def arrow_type(self) -> pa.DataType:
        return _ARROW_TYPES[self.type]

    @property
    def ibis_type(self) -> dt.DataType:
        return dt.dtype(self.type).copy(nullable=self.nullable)


@dataclass(frozen=True)
class ForeignKey:
    """``table.column`` references ``ref_table.ref_column``."""

    table: str
    column: str
    ref_table: str
    ref_column: str


@dataclass(frozen=True)
class Table:
    """A canonical (or ground-truth) table definition."""

    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    group: str = ""
    schema: str = BASE_SCHEMA
    _by_name: Mapping[str, Column] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})
        if len(self._by_name) != len(self.columns):
            raise ModelError(f"table {self.name} defines a column twice")
        for key in self.primary_key:
            self.column(key)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        """The column called ``name``; a ModelError with a suggestion otherwise."""
        try:
            return self._by_name[name]
        except KeyError:
            hint = did_you_mean(name, self._by_name)
            raise ModelError(f"table `{self.name}` has no column `{name}`.{hint}") from None

    @property
    def foreign_keys(self) -> list[ForeignKey]:
        keys = []
        for c in self.columns:
            if c.references:
                ref_table, ref_column = c.references.split(".")
                keys.append(ForeignKey(self.name, c.name, ref_table, ref_column))
        return keys

    def arrow_schema(self) -> pa.Schema:
        return pa.schema(
            [pa.field(c.name, c.arrow_type, nullable=c.nullable) for c in self.columns]
        )

    def ibis_schema(self) -> ibis.Schema:
        return ibis.schema({c.name: c.ibis_type for c in self.columns})

    def to_arrow(self, columns: Mapping[str, Any]) -> pa.Table:
        """Build a typed Arrow table from column arrays (numpy, lists or Arrow).

        Missing nullable columns become nulls; floats for money are rounded to cents.
        Raises DataError for unknown or missing required columns.

        >>> import datetime as dt
        >>> from revhub.model import get_table
        >>> now = [dt.datetime(2026, 1, 1)]
        >>> get_table("teams").to_arrow({"team_id": ["t1"], "name": ["Sales"],
        ...     "department": ["sales"], "source": ["demo"], "source_id": ["t1"],
        ...     "created_at": now, "updated_at": now}).num_rows
        1
        """
        unknown = set(columns) - set(self._by_name)
        if unknown:
            raise DataError(f"table `{self.name}` has no column(s) {sorted(unknown)}")
        lengths = {len(v) for v in columns.values()}
        if len(lengths) > 1:
            raise DataError(f"table `{self.name}`: columns have different lengths {lengths}")
        n = lengths.pop() if lengths else 0
        arrays = []
        for c in self.columns:
            if c.name not in columns:
                if not c.nullable:
                    raise DataError(f"table `{self.name}`: required column `{c.name}` missing")
                arrays.append(pa.nulls(n, c.arrow_type))
                continue
            arrays.append(_as_arrow(columns[c.name], c))
        return pa.Table.from_arrays(arrays, schema=self.arrow_schema())


def _as_arrow(values: Any, column: Column) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, np.ndarray) and column.type in (MONEY, RATE):
        decimals = 2 if column.type == MONEY else 8
        values = pa.array(np.round(values.astype("float64"), decimals))
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        unit = "D" if column.type == DATE else "us"
        values = pa.array(values.astype(f"datetime64[{unit}]"))
    array = values if isinstance(values, pa.Array) else pa.array(values)
    if array.type != column.arrow_type:
        array = array.cast(column.arrow_type, safe=column.type not in (MONEY, RATE))
    return array


def col(
    name: str,
    type_: str,
    description: str,
    *,
    nullable: bool = True,
    values: Sequence[str] | None = None,
    references: str | None = None,
    minimum: float | None = None,
) -> Column:
    """Shorthand for a Column.

    >>> col("account_id", STRING, "Account key.", nullable=False).nullable
    False
    """
    return Column(
        name,
        type_,
        description,
        nullable=nullable,
        values=tuple(values) if values is not None else None,
        references=references,
        minimum=minimum,
    )


def key(name: str, description: str) -> Column:
    """A non-null string primary-key column."""
    return col(name, STRING, description, nullable=False)


def ref(name: str, target: str, description: str, *, nullable: bool = True) -> Column:
    """A string foreign-key column referencing ``target`` ("table.column")."""
    return col(name, STRING, description, nullable=nullable, references=target)


def money(*names_and_descriptions: tuple[str, str], minimum: float | None = 0) -> list[Column]:
    """Money columns: ``currency``, ``fx_rate`` and each amount with its ``_base`` twin.

    >>> [c.name for c in money(("amount", "Deal value."))]
    ['currency', 'fx_rate', 'amount', 'amount_base']
    """
    columns = [
        col("currency", STRING, "ISO 4217 currency of the amounts in this row.", nullable=False),
        col(
            "fx_rate",
            RATE,
            "Base-currency units per unit of `currency`, as recorded for this row.",
            nullable=False,
            minimum=0,
        ),
    ]
    for name, description in names_and_descriptions:
        columns.append(col(name, MONEY, description, minimum=minimum))
        columns.append(
            col(f"{name}_base", MONEY, f"{name} in the base currency (× fx_rate).", minimum=minimum)
        )
    return columns


LINEAGE = (
    col(
        "source",
        STRING,
        "System the row came from (salesforce, stripe, demo, ...).",
        nullable=False,
    ),
    col("source_id", STRING, "The row's id in its source system.", nullable=False),
    col("created_at", TIMESTAMP, "When the row was created in its source (UTC).", nullable=False),
    col("updated_at", TIMESTAMP, "When the row last changed in its source (UTC).", nullable=False),
)


def table(
    name: str,
    description: str,
    primary_key: Sequence[str],
    *columns: Column | Sequence[Column],
    group: str = "",
) -> Table:
    """A canonical table: the given columns followed by the lineage columns."""
    flat: list[Column] = []
    for c in columns:
        flat.extend([c] if isinstance(c, Column) else c)
    return Table(name, description, (*flat, *LINEAGE), tuple(primary_key), group=group)


def truth_table(name: str, description: str, primary_key: Sequence[str], *columns: Column) -> Table:
    """A ground-truth table of the demo company (schema ``truth``, no lineage)."""
    return Table(
        name, description, tuple(columns), tuple(primary_key), group="truth", schema=TRUTH_SCHEMA
    )
