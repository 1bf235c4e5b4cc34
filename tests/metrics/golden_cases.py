"""Golden cases for metrics, written as readable data: input rows → expected rows.

A case file (``tests/metrics/golden/<area>.yaml``) is a list of cases::

    - case: a $2,000-a-year plan is $166.67 of new MRR
      tables:                      # canonical rows; lineage, money and usual defaults
        subscriptions: [...]       # are filled in (see DEFAULTS), ``*_base`` = amount ×
        subscription_items: [...]  # fx_rate (fx_rate 1 unless given)
      settings: {churn_recognition: cancellation}   # optional [metrics] settings
      compute: {metric: new_mrr, grain: month, start: 2026-01-01, end: 2026-02-28,
                by: [segment], where: {segment: smb}}
      expect:                      # every row, in any order; value null = undefined
        - {period: 2026-01-01, value: 166.67}

YAML anchors (``&plans`` / ``*plans``) share rows between cases. Tables a case does not
give are empty; ``resolve.crosswalk`` and ``resolve.golden_accounts`` may be given too.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import yaml

from revhub.metrics.compute import metric_values
from revhub.metrics.frame import Frame
from revhub.metrics.registry import get_metric
from revhub.metrics.settings import MetricSettings
from revhub.model import get_table
from revhub.model.schema import MONEY, RATE

GOLDEN = Path(__file__).parent / "golden"
EPOCH = dt.datetime(2020, 1, 1)

# Values of required columns that a case need not spell out.
DEFAULTS: dict[str, dict[str, Any]] = {
    "accounts": {"name": "Company"},
    "subscriptions": {"status": "active", "cancel_at_period_end": False},
    "products": {"name": "Plan", "kind": "plan", "is_recurring": True, "is_active": True},
    "prices": {"is_active": True, "interval_count": 1},
    "opportunities": {"opportunity_type": "new_business", "forecast_category": "pipeline"},
    "leads": {"channel": "organic_search", "status": "new", "is_converted": False},
    "contacts": {"has_opted_out": False},
    "users": {"name": "User", "role": "ae", "hire_date": dt.date(2020, 1, 1), "is_active": True},
    "teams": {"name": "Team", "department": "sales"},
    "partners": {"name": "Partner", "partner_type": "referral", "joined_date": dt.date(2020, 1, 1)},
    "invoices": {"status": "paid"},
    "payments": {"status": "succeeded"},
    "support_tickets": {"priority": "normal", "status": "solved"},
}
RESOLVE_SCHEMAS = {
    "resolve.crosswalk": {
        "entity": "string",
        "record_table": "string",
        "record_id": "string",
        "entity_id": "string",
    },
}


@dataclass
class Case:
    """One golden case: rows in, a metric request, rows out."""

    name: str
    tables: Mapping[str, list[dict[str, Any]]]
    compute: Mapping[str, Any]
    expect: list[dict[str, Any]]
    settings: Mapping[str, Any] = field(default_factory=dict)
    tolerance: float = 0.005


def load_cases(path: Path) -> list[Case]:
    """The cases of one YAML file."""
    raw = yaml.safe_load(path.read_text())
    return [
        Case(
            name=item["case"],
            tables=item.get("tables", {}),
            compute=item["compute"],
            expect=item["expect"],
            settings=item.get("settings", {}),
            tolerance=item.get("tolerance", 0.005),
        )
        for item in raw
    ]


def all_cases() -> list[Case]:
    """Every case of every file in tests/metrics/golden."""
    return [case for path in sorted(GOLDEN.glob("*.yaml")) for case in load_cases(path)]


def canonical(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Canonical rows of table ``name`` with defaults, lineage and base amounts filled."""
    table = get_table(name)
    key = table.primary_key[0]
    money = [c.name for c in table.columns if c.type == MONEY and not c.name.endswith("_base")]
    filled = []
    for index, row in enumerate(rows):
        full = {**DEFAULTS.get(name, {}), **row}
        full.setdefault("source", "golden")
        full.setdefault("source_id", str(full.get(key, f"{name}-{index}")))
        full.setdefault("created_at", EPOCH)
        full.setdefault("updated_at", full["created_at"])
        if "currency" in table.column_names:
            full.setdefault("currency", "USD")
        if "fx_rate" in table.column_names:
            full.setdefault("currency", "USD")
            full.setdefault("fx_rate", 1.0)
            for amount in money:
                if full.get(amount) is not None:
                    full.setdefault(f"{amount}_base", full[amount] * full["fx_rate"])
        filled.append(full)
    columns = {
        c.name: _typed([r.get(c.name) for r in filled], c.type)
        for c in table.columns
        if _given(c.name, filled)
    }
    return table.to_arrow(columns)


def _typed(values: list[Any], logical: str) -> Any:
    """Money and rates as exact decimals (Arrow will not cast floats to them)."""
    if logical not in (MONEY, RATE):
        return values
    places = 2 if logical == MONEY else 8
    decimals = [None if v is None else round(Decimal(str(v)), places) for v in values]
    return pa.array(decimals, pa.decimal128(18, places))


def _given(column: str, rows: list[dict[str, Any]]) -> bool:
    return any(column in row for row in rows)


def case_source(case: Case) -> Callable[[str], ibis.Table | None]:
    """The table source of a case's frame: its rows as in-memory tables."""
    tables: dict[str, ibis.Table] = {}
    for name, rows in case.tables.items():
        if name.startswith("resolve."):
            tables[name] = ibis.memtable(pa.Table.from_pylist(rows))
        else:
            tables[name] = ibis.memtable(canonical(name, rows))

    def source(name: str) -> ibis.Table | None:
        if name in tables:
            return tables[name]
        if name.startswith("resolve."):
            return None
        return ibis.memtable(get_table(name).arrow_schema().empty_table())

    return source


def case_expression(case: Case) -> ibis.Table:
    """The metric's values for the case, as an Ibis expression (not run)."""
    request = dict(case.compute)
    frame = Frame(
        case_source(case),
        grain=request.get("grain", "month"),
        start=request["start"],
        end=request["end"],
        settings=MetricSettings(**case.settings),
    )
    return metric_values(
        get_metric(request["metric"]),
        frame,
        by=request.get("by", []),
        where=request.get("where"),
    )


def assert_rows(case: Case, got: list[dict[str, Any]]) -> None:
    """The rows computed equal the expected ones (values within the case's tolerance)."""

    def key(row: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(str(_day(v)) for k, v in sorted(row.items()) if k != "value")

    expected = sorted(case.expect, key=key)
    actual = sorted(got, key=key)
    assert [key(r) for r in actual] == [key(r) for r in expected], (
        f"{case.name}: rows differ\n got {actual}\nwant {expected}"
    )
    for want, row in zip(expected, actual, strict=True):
        w, g = want["value"], row["value"]
        if w is None:
            assert g is None or (isinstance(g, float) and math.isnan(g)), f"{case.name}: {row}"
        else:
            assert g is not None and abs(g - w) <= case.tolerance, (
                f"{case.name}: at {key(row)} got {g}, want {w}"
            )


def _day(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    return value
