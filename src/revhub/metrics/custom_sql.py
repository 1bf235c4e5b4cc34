"""The SQL of a custom metric, checked with sqlglot before it ever runs.

A custom metric (``revhub.metrics.custom``) is one statement: a SELECT (or a UNION of
them) over canonical tables and ``resolve.<table>`` only, with no table functions and no
file or system access. Every column it names must exist, and it must return ``day`` (a
date or timestamp) and ``value`` (numeric when the aggregate needs it); its other
columns are the metric's dimensions. ``check_sql`` reports every problem at once, with a
"did you mean" hint where one helps.

>>> shape, problems = check_sql("SELECT closed_date AS day, amount_base AS value, stage "
...                             "FROM opportunities")
>>> shape.dimensions, problems
(('stage',), [])
>>> check_sql("SELECT closed_date AS day, amount AS value FROM opportunity")[1]
['unknown table `opportunity`. Did you mean `opportunities`?']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeGuard

import sqlglot
from sqlglot import exp
from sqlglot.errors import OptimizeError
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, traverse_scope
from sqlglot.schema import MappingSchema

from revhub.engine import sql_type
from revhub.errors import did_you_mean
from revhub.model import TABLES

ResolveTables = Mapping[str, Mapping[str, str]]  # resolve.<table> → column → SQL type
Schema = dict[str, dict[str, dict[str, str]]]
_SYSTEM_SCHEMAS = ("information_schema", "pg_catalog", "system", "temp")
_SYSTEM_PREFIXES = ("duckdb_", "pragma_", "sqlite_")
_STATEMENTS = (
    exp.DDL,
    exp.DML,
    exp.Drop,
    exp.Alter,
    exp.Attach,
    exp.Detach,
    exp.Pragma,
    exp.Set,
    exp.Command,
    exp.Install,
    exp.Use,
    exp.Describe,
    exp.TruncateTable,
)
# Scalar functions that reach outside the canonical tables (files, settings, environment).
_OUTSIDE = ("read_", "getenv", "current_setting", "glob", "query", "sniff_csv", "parquet_")


@dataclass(frozen=True)
class SqlShape:
    """A checked query: the SQL that runs and the dimensions it returns."""

    query: str
    dimensions: tuple[str, ...]


def resolve_tables_of(con: Any) -> dict[str, dict[str, str]]:
    """The ``resolve`` schema's tables and their columns' SQL types (empty before the
    first `revhub resolve`)."""
    from ibis.backends.sql.datatypes import DuckDBType

    if "resolve" not in con.list_databases():
        return {}
    return {
        name: {
            column: DuckDBType.from_ibis(dtype).sql("duckdb")
            for column, dtype in con.table(name, database="resolve").schema().items()
        }
        for name in con.list_tables(database="resolve")
    }


def check_sql(
    sql: str, *, resolve_tables: ResolveTables | None = None, numeric_value: bool = True
) -> tuple[SqlShape, list[str]]:
    """Check a custom metric's SQL; every problem found, and the query's shape.

    >>> check_sql("DELETE FROM opportunities")[1]
    ['DELETE is not allowed: a custom metric is one SELECT over the canonical tables']
    """
    empty = SqlShape("", ())
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.ParseError as error:
        first = error.errors[0] if error.errors else {}
        where = f" at line {first.get('line')}, column {first.get('col')}" if first else ""
        near = f" near `{first['highlight']}`" if first.get("highlight") else ""
        what = str(first.get("description", error)).split(" but got <Token")[0]
        return empty, [f"does not parse{where}{near}: {what}"]
    if len(statements) != 1:
        return empty, [f"holds {len(statements)} statements; a custom metric is exactly one"]
    statement = statements[0]
    refused = [node for node in statement.walk() if isinstance(node, _STATEMENTS)]
    if refused or not isinstance(statement, exp.Select | exp.SetOperation):
        keyword = _keyword(refused[0] if refused else statement)
        return empty, [
            f"{keyword} is not allowed: a custom metric is one SELECT over the canonical tables"
        ]
    schema = _schema(resolve_tables)
    ctes = {cte.alias_or_name for cte in statement.find_all(exp.CTE)}
    problems = _table_problems(statement, schema, ctes, resolve_tables is not None)
    problems += _function_problems(statement)
    problems += _column_problems(statement, schema)
    columns, types = _outputs(statement, schema, problems)
    problems += _output_problems(columns, types, numeric_value)
    if problems:
        return empty, list(dict.fromkeys(problems))
    dimensions = tuple(c for c in columns if c not in ("day", "value"))
    return SqlShape(statement.sql(dialect="duckdb"), dimensions), []


def _keyword(node: exp.Expr) -> str:
    if isinstance(node, exp.Command):
        return str(node.this).upper()
    return type(node).__name__.upper()


@cache
def _canonical_schema() -> dict[str, dict[str, str]]:
    return {t.name: {c.name: sql_type(c.type) for c in t.columns} for t in TABLES}


def _schema(resolve_tables: ResolveTables | None) -> Schema:
    resolve = {name: dict(columns) for name, columns in (resolve_tables or {}).items()}
    return {"main": _canonical_schema(), **({"resolve": resolve} if resolve else {})}


def _table_problems(
    statement: exp.Expr, schema: Schema, ctes: set[str], resolved: bool
) -> list[str]:
    problems = []
    for table in statement.find_all(exp.Table):
        name, db = table.name, table.db
        shown = f"{db}.{name}" if db else name
        if not isinstance(table.this, exp.Identifier):
            function = _function_name(table.this)
            problems.append(f"table function `{function}` is not allowed; read canonical tables")
        elif table.catalog:
            problems.append(f"`{table.sql()}`: name tables as `table` or `resolve.table`")
        elif db.lower() in _SYSTEM_SCHEMAS or name.lower().startswith(_SYSTEM_PREFIXES):
            problems.append(f"system table `{shown}` is not allowed; read canonical tables")
        elif not db and name in ctes:
            continue
        elif db in ("", "main"):
            if name not in schema["main"]:
                hint = did_you_mean(name, [*schema["main"], *ctes])
                problems.append(
                    _hinted(f"unknown table `{name}`", hint or " docs/model.md lists the tables.")
                )
        elif db == "resolve":
            if name not in schema.get("resolve", {}):
                hint = did_you_mean(name, schema.get("resolve", {}))
                later = "" if resolved else " (its tables exist after `revhub resolve`)"
                problems.append(_hinted(f"unknown table `resolve.{name}`{later}", hint))
        else:
            problems.append(f"unknown schema `{db}` in `{shown}`; use `table` or `resolve.table`")
    return problems


def _function_name(node: exp.Expr) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    return node.sql_name().lower() if isinstance(node, exp.Func) else node.sql()


def _function_problems(statement: exp.Expr) -> list[str]:
    problems = []
    for function in statement.find_all(exp.Func):
        name = _function_name(function)
        if name.startswith(_OUTSIDE) and not isinstance(function.parent, exp.Table):
            problems.append(f"function `{name}` is not allowed: it reads outside the tables")
    return problems


def _column_problems(statement: exp.Expr, schema: Schema) -> list[str]:
    """Columns that no table in reach offers (all of them, not only the first)."""
    problems = []
    for scope in traverse_scope(statement):
        for column in scope.columns:
            if column.find_ancestor(exp.Select) is not scope.expression:
                continue  # a subquery's column, checked in the subquery's own scope
            problem = _column_problem(scope, column, schema)
            if problem:
                problems.append(problem)
    return problems


def _offered(source: object, schema: Schema) -> set[str] | None:
    """The columns a FROM source offers; None when unknown (then anything goes)."""
    if isinstance(source, exp.Table):
        if not isinstance(source.this, exp.Identifier):
            return None
        columns = schema.get(source.db or "main", {}).get(source.name)
        return None if columns is None else set(columns)
    if isinstance(source, Scope) and isinstance(source.expression, exp.Query):
        names = source.expression.named_selects
        return None if "*" in names else set(names)
    return None


def _column_problem(scope: Scope, column: exp.Column, schema: Schema) -> str | None:
    name = column.name
    if column.table:
        reach: Scope | None = scope
        while reach is not None and column.table not in reach.sources:
            reach = reach.parent
        if reach is None:
            return f"`{column.sql()}`: no table or alias `{column.table}` in its FROM"
        source = reach.sources[column.table]
        offered = _offered(source, schema)
        if offered is None or name in offered:
            return None
        table = source.name if isinstance(source, exp.Table) else column.table
        return _hinted(f"unknown column `{name}` in `{table}`", did_you_mean(name, offered))
    here = [s.name if isinstance(s, exp.Table) else a for a, s in scope.sources.items()]
    having = [a for a, s in scope.sources.items() if name in (_offered(s, schema) or ())]
    if len(having) > 1 and name not in _using(scope.expression):
        listed = ", ".join(f"`{a}`" for a in having)
        return f"column `{name}` is ambiguous ({listed} have it); write `{having[0]}.{name}`"
    known: set[str] = set()
    reach = scope
    while reach is not None:
        aliases = {s.alias for s in getattr(reach.expression, "selects", []) if s.alias}
        for source in reach.sources.values():
            offered = _offered(source, schema)
            if offered is None or name in offered:
                return None
            known |= offered
        if name in aliases:
            return None
        reach = reach.parent
    tables = f" in any of {', '.join(f'`{t}`' for t in here)}" if len(here) > 1 else ""
    tables = f" in `{here[0]}`" if len(here) == 1 else tables
    return _hinted(f"unknown column `{name}`{tables}", did_you_mean(name, known))


def _using(select: exp.Expr) -> set[str]:
    """Columns named in the ``USING (...)`` of the select's joins (never ambiguous)."""
    return {
        column.name
        for join in select.args.get("joins") or []
        for column in join.args.get("using") or []
    }


def _hinted(problem: str, hint: str) -> str:
    """``problem`` followed by its "Did you mean" hint, if any."""
    return f"{problem}.{hint}" if hint else problem


def _outputs(
    statement: exp.Query, schema: Schema, problems: list[str]
) -> tuple[list[str], dict[str, exp.DataType | None]]:
    """The output column names, and their types when the query checked clean (sqlglot's
    own objections, if any, join ``problems``)."""
    names = list(statement.named_selects)
    if problems:
        return ([] if "*" in names else names), {}
    mapping = MappingSchema(dict(schema), dialect="duckdb")
    try:
        qualified = qualify(
            statement.copy(), schema=mapping, db="main", dialect="duckdb", quote_identifiers=False
        )
    except OptimizeError as error:
        problems.append(str(error))
        return [], {}
    typed = annotate_types(qualified, schema=mapping, dialect="duckdb")
    query: exp.Expr = typed
    while isinstance(query, exp.SetOperation | exp.Subquery):
        query = query.left if isinstance(query, exp.SetOperation) else query.this
    selects = query.selects if isinstance(query, exp.Select) else []
    return list(typed.named_selects), {s.alias_or_name: s.type for s in selects}


def _output_problems(
    columns: list[str], types: Mapping[str, exp.DataType | None], numeric_value: bool
) -> list[str]:
    if not columns:
        return []
    problems = []
    for needed, meaning in (
        ("day", "the date or timestamp that places each row in a period"),
        ("value", "what the aggregate reduces"),
    ):
        if needed not in columns:
            problems.append(f"returns no `{needed}` column ({meaning}); add `... AS {needed}`")
    for name in sorted({c for c in columns if columns.count(c) > 1}):
        problems.append(f"returns `{name}` twice; give each column its own name")
    if "period" in columns:
        problems.append("`period` is reserved (revhub adds it); rename that column")
    day, value = types.get("day"), types.get("value")
    if _known(day) and not day.is_type(*exp.DataType.TEMPORAL_TYPES):
        problems.append(f"`day` is {day.sql('duckdb')}; return a date or timestamp")
    if numeric_value and _known(value) and not value.is_type(*_NUMERIC):
        problems.append(f"`value` is {value.sql('duckdb')}; sum, mean and median need numbers")
    return problems


_NUMERIC = (*exp.DataType.NUMERIC_TYPES, exp.DataType.Type.BOOLEAN)


def _known(datatype: exp.DataType | None) -> TypeGuard[exp.DataType]:
    unknown = (exp.DataType.Type.UNKNOWN, exp.DataType.Type.NULL)
    return datatype is not None and datatype.this not in unknown
