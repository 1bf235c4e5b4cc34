"""Check data against the canonical model: columns and types, not-null, allowed values,
minimums, primary keys and foreign keys.

Checks are Ibis expressions, so they run on any engine; none calls a backend directly.
Each table costs two queries (one aggregate for every column rule, one for its key) and
all foreign keys together cost one, so millions of rows check in seconds on DuckDB.
Every violation is reported with its row count and one example, never only the first.

>>> from revhub.model.schema import STRING, Table, col
>>> teams = Table("teams", "Teams.", (col("team_id", STRING, "Key.", nullable=False),
...     col("department", STRING, "Dept.", values=("sales", "marketing"))), ("team_id",))
>>> data = ibis.memtable({"team_id": ["t1", "t1"], "department": ["sales", "law"]})
>>> for violation in check_table(teams, data): print(violation)
teams.department: value not in {sales, marketing}, 1 row(s) (e.g. law)
teams.team_id: primary key not unique, 2 row(s) (e.g. t1)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import ibis
import ibis.expr.datatypes as dt

from revhub.errors import Violation
from revhub.model.schema import Column, ForeignKey, Table

GetExpr = Callable[[str], ibis.Table]


def check_table(table_def: Table, expr: ibis.Table) -> list[Violation]:
    """Every violation of ``table_def``'s column and key rules in ``expr``.

    Missing columns and incompatible types are reported first; rules on those columns
    are then skipped (they cannot be evaluated).
    """
    violations, usable = _check_columns(table_def, expr.schema())
    violations += _check_rules(table_def, expr, usable)
    if all(name in usable for name in table_def.primary_key):
        violations += _check_primary_key(table_def, expr)
    return violations


def check_foreign_keys(defs: Iterable[Table], get_expr: GetExpr) -> list[Violation]:
    """Foreign-key values of ``defs`` that do not exist in the referenced table (one query).

    ``get_expr(name)`` returns the Ibis table holding canonical table ``name``.
    """
    violations: list[Violation] = []
    queries = []
    for fk in (fk for table in defs for fk in table.foreign_keys):
        child, parent = get_expr(fk.table), get_expr(fk.ref_table)
        missing = [
            f"{name}.{column}"
            for name, data, column in (
                (fk.table, child, fk.column),
                (fk.ref_table, parent, fk.ref_column),
            )
            if column not in data.columns
        ]
        if missing:
            violations.append(_fk_violation(fk, 0, f"cannot check, missing column {missing[0]}"))
            continue
        queries.append(_orphans(fk, child, parent))
    if queries:
        result = ibis.union(*queries).to_pyarrow().to_pylist()
        by_key = {(row["table"], row["column"]): row for row in result}
        for fk in (fk for table in defs for fk in table.foreign_keys):
            row = by_key.get((fk.table, fk.column))
            if row and row["rows"]:
                violations.append(_fk_violation(fk, int(row["rows"]), str(row["example"])))
    return violations


def check_all(get_expr: GetExpr) -> list[Violation]:
    """Check every canonical and truth table, then every foreign key of the model.

    >>> from revhub.model import get_table
    >>> check_all(lambda name: ibis.memtable(get_table(name).arrow_schema().empty_table()))
    []
    """
    from revhub.model import TABLES, TRUTH_TABLES

    violations: list[Violation] = []
    for table_def in (*TABLES, *TRUTH_TABLES):
        violations += check_table(table_def, get_expr(table_def.name))
    return violations + check_foreign_keys(TABLES, get_expr)


def _check_columns(table_def: Table, schema: ibis.Schema) -> tuple[list[Violation], set[str]]:
    violations, usable = [], set()
    for column in table_def.columns:
        if column.name not in schema:
            violations.append(Violation(table_def.name, column.name, "column missing", 0))
        elif not _compatible(column, schema[column.name]):
            rule = f"type {schema[column.name]} is not compatible with {column.type}"
            violations.append(Violation(table_def.name, column.name, rule, 0))
        else:
            usable.add(column.name)
    return violations, usable


def _compatible(column: Column, actual: dt.DataType) -> bool:
    expected = column.ibis_type
    if actual.is_null():
        return column.nullable
    if expected.is_decimal():
        return bool(actual.is_decimal() and actual.scale == expected.scale)
    if expected.is_integer():
        return bool(actual.is_integer())
    if expected.is_floating():
        return bool(actual.is_floating())
    if expected.is_timestamp():
        return bool(actual.is_timestamp())
    return bool(type(actual) is type(expected))


def _check_rules(table_def: Table, expr: ibis.Table, usable: set[str]) -> list[Violation]:
    """All not-null, allowed-value and minimum rules of one table, in one aggregate."""
    key = table_def.primary_key[0] if table_def.primary_key[0] in usable else None
    rules: list[tuple[Column, str, Any, Any, str]] = []  # column, rule, test, example, prefix
    for column in (c for c in table_def.columns if c.name in usable):
        value = expr[column.name]
        if not column.nullable:
            by_key = key is not None and key != column.name
            example = expr[key] if by_key else value
            rule = "null in a required column"
            rules.append((column, rule, value.isnull(), example, f"{key}=" if by_key else ""))
        if column.values is not None:
            bad = value.notnull() & ~value.isin(column.values)
            rules.append((column, f"value not in {_short(column.values)}", bad, value, ""))
        if column.minimum is not None:
            rule = f"value below minimum {column.minimum:g}"
            rules.append((column, rule, value < column.minimum, value, ""))
    if not rules:
        return []
    metrics: dict[str, Any] = {}
    for i, (_, _, test, example, _) in enumerate(rules):
        metrics[f"n{i}"] = test.cast("int64").sum()
        metrics[f"e{i}"] = example.cast("string").arbitrary(where=test)
    row = expr.aggregate(**metrics).to_pyarrow().to_pylist()[0]
    return [
        Violation(
            table_def.name, column.name, rule, int(row[f"n{i}"]), _label(prefix, row[f"e{i}"])
        )
        for i, (column, rule, _, _, prefix) in enumerate(rules)
        if row[f"n{i}"]
    ]


def _label(prefix: str, value: Any) -> str:
    return "" if value is None or value == "" else f"{prefix}{value}"


def _check_primary_key(table_def: Table, expr: ibis.Table) -> list[Violation]:
    keys = list(table_def.primary_key)
    parts = [expr[k].cast("string").fill_null("null") for k in keys]
    label = parts[0]
    for part in parts[1:]:
        label = label.concat("|", part)
    groups = expr.group_by(keys).aggregate(n=expr.count(), label=label.arbitrary())
    duplicated = groups.filter(groups.n > 1)
    summary = duplicated.aggregate(rows=duplicated.n.sum(), example=duplicated.label.arbitrary())
    row = summary.to_pyarrow().to_pylist()[0]
    if not row["rows"]:
        return []
    column = ", ".join(keys)
    return [
        Violation(
            table_def.name, column, "primary key not unique", int(row["rows"]), row["example"]
        )
    ]


def _orphans(fk: ForeignKey, child: ibis.Table, parent: ibis.Table) -> ibis.Table:
    parent = parent.view() if parent is child else parent
    values = child.filter(child[fk.column].notnull())
    keys = parent.select(_ref=parent[fk.ref_column])
    orphans = values.anti_join(keys, values[fk.column] == keys["_ref"])
    return orphans.aggregate(
        table=ibis.literal(fk.table),
        column=ibis.literal(fk.column),
        rows=orphans.count(),
        example=orphans[fk.column].cast("string").arbitrary(),
    )


def _fk_violation(fk: ForeignKey, rows: int, example: str) -> Violation:
    rule = f"value not found in {fk.ref_table}.{fk.ref_column}"
    if rows == 0:
        rule, example = f"references {fk.ref_table}.{fk.ref_column}: {example}", ""
    return Violation(fk.table, fk.column, rule, rows, example)


def _short(values: tuple[str, ...]) -> str:
    shown = ", ".join(values[:6])
    return "{" + (shown + ", ..." if len(values) > 6 else shown) + "}"
