"""Custom SQL metrics: computed like shipped ones on a real workspace, and every mistake
refused at once, naming the metric, the file and the offending part."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import revhub
from revhub.errors import ConfigError, MetricError
from revhub.metrics.compute import metric_values
from revhub.metrics.core import CountDistinct, Sum
from revhub.metrics.custom import (
    load_custom_metrics,
    parse_custom_metrics,
    workspace_custom_metrics,
)
from revhub.metrics.custom_sql import check_sql, resolve_tables_of
from revhub.model import get_table
from revhub.workspace import Workspace

STAMP = dt.datetime(2025, 1, 1)
ACCOUNTS = [
    {"account_id": "a1", "name": "Big", "segment": "enterprise"},
    {"account_id": "a2", "name": "Small", "segment": "smb"},
]
# (id, account, is_won, closed_date, amount, channel)
DEALS = [
    ("o1", "a1", True, dt.date(2026, 1, 10), 1000.0, "partner"),
    ("o2", "a1", True, dt.date(2026, 2, 5), 250.0, "content"),
    ("o3", "a2", True, dt.date(2026, 1, 20), 500.0, "partner"),  # smb: not counted
    ("o4", "a1", False, dt.date(2026, 1, 25), 700.0, "partner"),  # lost: not counted
    ("o5", "a1", True, dt.date(2025, 12, 31), 400.0, "partner"),  # before the range
]
ENTERPRISE_WON = """\
metrics:
  enterprise_won:
    description: New business won from enterprise accounts.
    unit: money
    direction: higher
    department: sales
    indicator: lagging
    aggregate: sum
    sql: |
      SELECT o.closed_date AS day, o.amount_base AS value, o.source_channel AS channel
      FROM opportunities AS o JOIN accounts AS a ON a.account_id = o.account_id
      WHERE a.segment = 'enterprise' AND o.is_won  -- won deals only
  enterprise_deals_won:
    description: Enterprise deals won.
    unit: count
    direction: higher
    department: sales
    aggregate: count_distinct
    sql: >
      SELECT closed_date AS day, opportunity_id AS value FROM opportunities
      WHERE is_won AND account_id IN (SELECT account_id FROM accounts WHERE segment = 'enterprise')
"""
GOOD = {
    "description": "Amount won.",
    "unit": "money",
    "direction": "higher",
    "department": "sales",
    "aggregate": "sum",
    "sql": "SELECT closed_date AS day, amount_base AS value FROM opportunities",
}


def put(ws: Workspace, table: str, *rows: dict[str, Any]) -> None:
    """Insert ``rows`` into ``table`` with lineage filled in."""
    key = get_table(table).primary_key[0]
    lineage = {"source": "crm", "created_at": STAMP, "updated_at": STAMP}
    full = [{**lineage, "source_id": str(row[key]), **row} for row in rows]
    columns = {c: [r.get(c) for r in full] for c in full[0]}
    ws.con.insert(table, get_table(table).to_arrow(columns))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    with revhub.init(tmp_path_factory.mktemp("custom")) as ws:
        put(ws, "accounts", *ACCOUNTS)
        deals = []
        for deal_id, account, won, closed, amount, channel in DEALS:
            deals.append(
                {
                    "opportunity_id": deal_id,
                    "account_id": account,
                    "opportunity_type": "new_business",
                    "stage": "closed_won" if won else "closed_lost",
                    "forecast_category": "closed" if won else "omitted",
                    "currency": "USD",
                    "fx_rate": 1.0,
                    "amount": amount,
                    "amount_base": amount,
                    "created_date": dt.date(2025, 11, 1),
                    "close_date": closed,
                    "closed_date": closed,
                    "is_closed": True,
                    "is_won": won,
                    "source_channel": channel,
                }
            )
        put(ws, "opportunities", *deals)
        yield ws


def by_hand(month: int | None = None, channel: str | None = None) -> float:
    """The enterprise amount won in 2026 (in ``month``, through ``channel``), summed here."""
    segment = {a["account_id"]: a["segment"] for a in ACCOUNTS}
    return sum(
        amount
        for _, account, won, closed, amount, via in DEALS
        if won
        and segment[account] == "enterprise"
        and closed.year == 2026
        and (month is None or closed.month == month)
        and (channel is None or via == channel)
    )


def test_custom_metric_equals_the_sum_by_hand(workspace: Workspace) -> None:
    metric, count = parse_custom_metrics(ENTERPRISE_WON, "metrics.yaml")
    assert metric.measure == Sum("value")
    assert metric.dimensions == ("channel",)
    assert count.measure == CountDistinct("value")
    months = workspace.metrics.frame("month", dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    values = metric_values(metric, months).to_pyarrow().to_pylist()
    assert [v["value"] for v in values] == [by_hand(1), by_hand(2), 0.0]
    quarter = workspace.metrics.frame("quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert metric_values(metric, quarter).to_pyarrow()["value"].to_pylist() == [by_hand()]
    by_channel = metric_values(metric, quarter, by=["channel"]).to_pyarrow().to_pylist()
    assert {r["channel"]: r["value"] for r in by_channel} == {
        "partner": by_hand(channel="partner"),
        "content": by_hand(channel="content"),
    }
    partner = metric_values(metric, months, where={"channel": "partner"}).to_pyarrow()
    assert partner["value"].to_pylist() == [by_hand(1, "partner"), 0.0, 0.0]
    assert metric_values(count, quarter).to_pyarrow()["value"].to_pylist() == [2.0]


def test_workspace_reads_its_metrics_file(workspace: Workspace) -> None:
    path = workspace.root / workspace.settings.metrics.custom
    assert workspace_custom_metrics(workspace) == ()
    path.write_text(ENTERPRISE_WON)
    try:
        names = [m.name for m in workspace_custom_metrics(workspace)]
    finally:
        path.unlink()
    assert names == ["enterprise_won", "enterprise_deals_won"]
    assert load_custom_metrics(path) == ()


def test_resolve_tables_are_readable_once_they_exist(workspace: Workspace) -> None:
    sql = "SELECT current_date AS day, count(*) AS value FROM resolve.crosswalk"
    assert "(its tables exist after `revhub resolve`)" in check_sql(sql)[1][0]
    workspace.resolve()
    shape, problems = check_sql(sql, resolve_tables=resolve_tables_of(workspace.con))
    assert problems == []
    assert shape.dimensions == ()


def definition(name: str, **changes: Any) -> str:
    """A metrics file defining ``name`` as GOOD with ``changes``."""
    return yaml.safe_dump({"metrics": {name: {**GOOD, **changes}}})


def refusal(sql: str, **changes: Any) -> str:
    """The message refusing a metric ``broken`` with ``sql`` (and ``changes``)."""
    with pytest.raises(MetricError) as raised:
        parse_custom_metrics(definition("broken", sql=sql, **changes), "ws/metrics.yaml")
    assert raised.value.metric == "broken"
    message = str(raised.value)
    assert message.startswith("metric `broken`: ws/metrics.yaml: ")
    return message


_SELECT = "SELECT closed_date AS day, amount_base AS value FROM"


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (f"{_SELECT} oportunities", "unknown table `oportunities`. Did you mean `opportunities`?"),
        ("DELETE FROM opportunities", "DELETE is not allowed"),
        ("INSERT INTO teams SELECT * FROM teams", "INSERT is not allowed"),
        ("UPDATE opportunities SET amount = 0", "UPDATE is not allowed"),
        ("CREATE TABLE x AS SELECT 1", "CREATE is not allowed"),
        ("DROP TABLE opportunities", "DROP is not allowed"),
        ("ATTACH 'other.duckdb'", "ATTACH is not allowed"),
        ("COPY opportunities TO 'out.csv'", "COPY is not allowed"),
        ("PRAGMA show_tables", "PRAGMA is not allowed"),
        ("SET threads = 1", "SET is not allowed"),
        (f"{_SELECT} opportunities; {_SELECT} accounts", "holds 2 statements"),
        (
            "SELECT o.closed_date AS day, o.amount_usd AS value FROM opportunities AS o",
            "unknown column `amount_usd` in `opportunities`. Did you mean `amount_base`?",
        ),
        (f"{_SELECT} opportunities WHERE segmnt = 'x'", "unknown column `segmnt` in"),
        (f"{_SELECT} read_csv('deals.csv')", "table function `read_csv` is not allowed"),
        (f"{_SELECT} information_schema.tables", "system table `information_schema.tables`"),
        (f"{_SELECT} duckdb_tables()", "table function `duckdb_tables` is not allowed"),
        (f"{_SELECT} truth.accounts", "unknown schema `truth`"),
        (f"{_SELECT} resolve.crosswalkk", "unknown table `resolve.crosswalkk`"),
        ("SELECT getenv('HOME') AS day, 1 AS value", "function `getenv` is not allowed"),
        ("SELECT amount_base AS value FROM opportunities", "returns no `day` column"),
        ("SELECT closed_date AS day FROM opportunities", "returns no `value` column"),
        ("SELECT closed_date AS day, name AS value FROM opportunities", "`value` is TEXT"),
        ("SELECT name AS day, amount_base AS value FROM opportunities", "`day` is TEXT"),
        (f"{_SELECT} opportunities JOIN accounts ON true", ""),
        (
            "SELECT closed_date AS day, amount_base AS value, account_id FROM opportunities AS o "
            "JOIN accounts AS a ON a.account_id = o.account_id",
            "column `account_id` is ambiguous",
        ),
        ("SELECT closed_date AS day, 1 AS value, 2 AS period FROM opportunities", "`period`"),
        ("SELECT FROM WHERE", "does not parse"),
    ],
)
def test_sql_refusals_name_the_offending_part(sql: str, expected: str) -> None:
    if not expected:  # a control: a cross join of known tables is fine
        assert parse_custom_metrics(definition("fine", sql=sql), "metrics.yaml")
        return
    assert expected in refusal(sql)


def test_definition_refusals_name_the_key() -> None:
    assert "unknown key `descripton`. Did you mean `description`?" in refusal(
        GOOD["sql"], descripton="typo"
    )
    message = refusal(GOOD["sql"], unit="dollars", direction="up", aggregate="total")
    assert "`unit` is `dollars`; use one of money, count, ratio" in message
    assert "`direction` is `up`; use one of higher, lower, neutral" in message
    assert "`aggregate` is `total`; use one of sum, count, count_distinct, mean, median" in message
    assert "`department` is `legal`; use one of company, marketing" in refusal(
        GOOD["sql"], department="legal"
    )


def test_count_distinct_takes_any_value_type() -> None:
    sql = "SELECT closed_date AS day, opportunity_id AS value FROM opportunities"
    assert "`value` is TEXT" in refusal(sql)
    (metric,) = parse_custom_metrics(
        definition("deals", sql=sql, aggregate="count_distinct"), "metrics.yaml"
    )
    assert metric.measure == CountDistinct("value")


def test_every_problem_of_every_metric_at_once() -> None:
    text = """\
metrics:
  mrr:
    description: Mine.
    unit: dollars
    direction: higher
    department: sales
    aggregate: sum
    sql: SELECT closed_date AS day, amount_usd AS value FROM oportunities
  second:
    description: Also broken.
    unit: money
    direction: higher
    department: sales
    aggregate: sum
"""
    with pytest.raises(MetricError) as raised:
        parse_custom_metrics(text, "metrics.yaml")
    message = str(raised.value)
    for part in (
        "metric `mrr`: metrics.yaml:",
        "`mrr` is a shipped metric; give yours another name",
        "`unit` is `dollars`",
        "unknown table `oportunities`",
        "Also metric `second`: `sql` is missing",
        "Nothing was loaded.",
    ):
        assert part in message


def test_file_outline_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown top-level key `metric`\. Did you mean"):
        parse_custom_metrics("metric: {}", "metrics.yaml")
    with pytest.raises(ConfigError, match="not valid YAML at line 1"):
        parse_custom_metrics("metrics: [", "metrics.yaml")
    assert parse_custom_metrics("", "metrics.yaml") == ()
    assert load_custom_metrics(tmp_path / "absent.yaml") == ()
