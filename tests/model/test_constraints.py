"""The model's constraint checker, on a real DuckDB through Ibis."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import pyarrow as pa
import pytest

from revhub.errors import Violation
from revhub.model import TABLES, TRUTH_TABLES, get_table
from revhub.model.constraints import check_all, check_foreign_keys, check_table

NOW = dt.datetime(2026, 1, 1, 12, 0)
LINEAGE = {"source": "demo", "source_id": "x", "created_at": NOW, "updated_at": NOW}


def rows(name: str, data: dict[str, list[Any]], /, **broken: Any) -> pa.Table:
    """Arrow data for table ``name``: lineage filled in, ``broken`` columns replaced.

    A list keeps the column's type, an Arrow array brings its own, ``[]`` drops the column.
    """
    n = len(next(iter(data.values())))
    columns = {**{k: [v] * n for k, v in LINEAGE.items()}, **data}
    clean = get_table(name).to_arrow(columns)
    table = pa.table({c: clean[c] for c in clean.column_names})  # drop not-null flags
    for column, values in broken.items():
        if values == []:
            table = table.drop_columns([column])
        else:
            index = table.schema.get_field_index(column)
            array = values if isinstance(values, pa.Array) else pa.array(values, table[column].type)
            table = table.set_column(index, column, array)
    return table


TEAMS = {
    "team_id": ["t1", "t2", "t3"],
    "name": ["Marketing", "SDR EMEA", "AE EMEA"],
    "department": ["marketing", "sales", "sales"],
    "parent_team_id": [None, "t3", None],
    "region": [None, "emea", "emea"],
}
USERS = {
    "user_id": ["u1", "u2"],
    "name": ["Ann Lee", "Bo Li"],
    "team_id": ["t2", "t3"],
    "role": ["sdr", "ae"],
    "manager_id": [None, "u1"],
    "hire_date": [dt.date(2024, 1, 1)] * 2,
    "ramp_months": [3, 6],
    "currency": ["USD", "EUR"],
    "fx_rate": [1.0, 1.08],
    "annual_quota": [None, 500_000.0],
    "annual_quota_base": [None, 540_000.0],
    "is_active": [True, True],
}


@pytest.fixture
def con() -> Any:
    return ibis.duckdb.connect()


def check(con: Any, name: str, data: pa.Table) -> list[Violation]:
    return check_table(get_table(name), con.create_table(name, data, overwrite=True))


def test_clean_tables_pass(con: Any) -> None:
    assert check(con, "teams", rows("teams", TEAMS)) == []
    assert check(con, "users", rows("users", USERS)) == []


@pytest.mark.parametrize(
    ("name", "data", "broken", "expected"),
    [
        (
            "teams",
            TEAMS,
            {"name": ["A", None, "C"]},
            ("name", "null in a required column", 1, "team_id=t2"),
        ),
        (
            "teams",
            TEAMS,
            {"team_id": ["t1", None, "t3"]},
            ("team_id", "null in a required column", 1, ""),
        ),
        (
            "teams",
            TEAMS,
            {"department": ["sales", "law", "law"]},
            ("department", "value not in", 2, "law"),
        ),
        (
            "teams",
            TEAMS,
            {"team_id": ["t1", "t1", "t3"]},
            ("team_id", "primary key not unique", 2, "t1"),
        ),
        ("teams", TEAMS, {"region": []}, ("region", "column missing", 0, "")),
        (
            "teams",
            TEAMS,
            {"department": pa.array([1, 2, 3])},
            ("department", "type int64 is not compatible", 0, ""),
        ),
        (
            "users",
            USERS,
            {"ramp_months": [3, -1]},
            ("ramp_months", "value below minimum 0", 1, "-1"),
        ),
        (
            "users",
            USERS,
            {"annual_quota": pa.array([1.5, 2.5])},
            ("annual_quota", "type float64 is not compatible with decimal(18,2)", 0, ""),
        ),
    ],
)
def test_each_rule_is_reported_once(
    con: Any,
    name: str,
    data: dict[str, list[Any]],
    broken: dict[str, Any],
    expected: tuple[Any, ...],
) -> None:
    column, rule, count, example = expected
    [violation] = check(con, name, rows(name, data, **broken))
    assert (violation.table, violation.column, violation.rows, violation.example) == (
        name,
        column,
        count,
        example,
    )
    assert violation.rule.startswith(rule)


def test_all_problems_of_a_table_are_reported_together(con: Any) -> None:
    data = rows(
        "users",
        USERS,
        role=["sdr", "wizard"],
        fx_rate=pa.array([-1.0, 1.0]).cast(pa.decimal128(18, 8)),
        is_active=[None, True],
    )
    found = {(v.column, v.rule.split(" ")[0]) for v in check(con, "users", data)}
    assert found == {("role", "value"), ("fx_rate", "value"), ("is_active", "null")}


def test_composite_primary_key(con: Any) -> None:
    day = dt.date(2025, 1, 1)
    usage = {
        "account_id": ["a1", "a1"],
        "usage_date": [day, day],
        "active_users": [1, 2],
        "events": [3, 4],
    }
    [violation] = check(con, "product_usage", rows("product_usage", usage))
    assert (violation.column, violation.rows, violation.example) == (
        "account_id, usage_date",
        2,
        "a1|2025-01-01",
    )


def test_foreign_keys(con: Any) -> None:
    con.create_table("teams", rows("teams", TEAMS, parent_team_id=[None, "t9", "t9"]))
    con.create_table("users", rows("users", USERS, team_id=["t2", "t7"]))
    con.create_table("territories", get_table("territories").arrow_schema().empty_table())
    violations = check_foreign_keys([get_table("teams"), get_table("users")], con.table)
    assert [(v.table, v.column, v.rows, v.example) for v in violations] == [
        ("teams", "parent_team_id", 2, "t9"),
        ("users", "team_id", 1, "t7"),
    ]
    assert violations[0].rule == "value not found in teams.team_id"


def test_foreign_key_to_missing_column_is_reported(con: Any) -> None:
    con.create_table("teams", rows("teams", TEAMS, parent_team_id=[]))
    [violation] = check_foreign_keys([get_table("teams")], con.table)
    assert (violation.column, violation.rows) == ("parent_team_id", 0)
    assert "missing column teams.parent_team_id" in violation.rule


def test_check_all_on_an_empty_model_passes(con: Any) -> None:
    for definition in (*TABLES, *TRUTH_TABLES):
        con.create_table(definition.name, definition.arrow_schema().empty_table())
    assert check_all(con.table) == []


def test_foreign_keys_name_existing_tables_and_columns() -> None:
    names = {t.name for t in TABLES}
    for definition in TABLES:
        for fk in definition.foreign_keys:
            assert fk.ref_table in names, fk
            referenced = get_table(fk.ref_table)
            assert fk.ref_column in referenced.column_names, fk
            assert referenced.primary_key == (fk.ref_column,), fk
            assert definition.column(fk.column).type == referenced.column(fk.ref_column).type, fk


def test_primary_key_columns_exist_and_are_required() -> None:
    for definition in (*TABLES, *TRUTH_TABLES):
        assert definition.primary_key, definition.name
        for key in definition.primary_key:
            assert not definition.column(key).nullable, (definition.name, key)
