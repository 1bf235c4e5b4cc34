"""Subscription metrics against the demo generator's ground truth and a plain reference.

The generator records every churn and every comeback it simulated (truth.churn_reasons);
the metrics must find the same ones, month by month. ARR is checked against a
row-by-row computation in plain Python over the same tables.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

import revhub

START, END = dt.date(2024, 7, 1), dt.date(2026, 6, 30)


def _by_month(ws: revhub.Workspace, metric: str) -> dict[dt.date, float]:
    table = ws.metrics.compute(metric, grain="month", start=START, end=END, output="arrow")
    return {row["period"]: row["value"] for row in table.to_pylist()}


def _truth_months(ws: revhub.Workspace, column: str) -> Counter[dt.date]:
    rows = ws.table("churn_reasons")[column].to_pyarrow().to_pylist()
    return Counter(d.replace(day=1) for d in rows if d is not None and START <= d <= END)


def test_churned_customers_are_the_simulated_churns(demo_workspace: revhub.Workspace) -> None:
    found = _by_month(demo_workspace, "churned_customers")
    truth = _truth_months(demo_workspace, "churned_date")
    assert sum(truth.values()) > 5, "the demo should churn some customers"
    assert {m: v for m, v in found.items() if v} == dict(truth)


def test_reactivations_are_the_simulated_comebacks(demo_workspace: revhub.Workspace) -> None:
    table = demo_workspace.metrics.compute(
        "reactivation_mrr", grain="month", start=START, end=END, output="arrow"
    )
    found = {row["period"] for row in table.to_pylist() if row["value"] > 0}
    truth = set(_truth_months(demo_workspace, "reactivated_date"))
    assert found == truth


def test_arr_equals_a_row_by_row_computation(demo_workspace: revhub.Workspace) -> None:
    day = END
    subs = {
        s["subscription_id"]: s
        for s in demo_workspace.table("subscriptions").to_pyarrow().to_pylist()
    }
    prices = {p["price_id"]: p for p in demo_workspace.table("prices").to_pyarrow().to_pylist()}
    months = {"month": 1, "quarter": 3, "year": 12}
    expected = 0.0
    for item in demo_workspace.table("subscription_items").to_pyarrow().to_pylist():
        sub = subs[item["subscription_id"]]
        if prices[item["price_id"]]["billing_interval"] is None:
            continue
        starts = max(item["start_date"], sub["start_date"])
        if sub["trial_end_date"] is not None:
            starts = max(starts, sub["trial_end_date"] + dt.timedelta(days=1))
        ends = min(d for d in (item["end_date"], sub["ended_date"], dt.date.max) if d)
        if starts <= day < ends:
            period = months[sub["billing_interval"]] * (
                prices[item["price_id"]]["interval_count"] or 1
            )
            discount = 1 - (sub["discount_percent"] or 0)
            expected += item["quantity"] * float(item["unit_amount_base"]) * discount / period
    arr = _by_month(demo_workspace, "arr")[dt.date(2026, 6, 1)]
    assert expected > 0
    assert arr == pytest.approx(expected * 12, rel=1e-9)


def test_cohort_matrix_starts_whole_and_never_exceeds_it(
    demo_workspace: revhub.Workspace,
) -> None:
    matrix = demo_workspace.metrics.cohort_matrix("logo_retention", end=END)
    assert len(matrix) >= 12
    assert (matrix[0] == 1.0).all(), "every cohort pays in its first month"
    values = matrix.stack()
    assert ((values >= 0) & (values <= 1)).all()
    last = matrix.index.max()
    assert matrix.loc[last].notna().sum() == 1, "the newest cohort has one month so far"
