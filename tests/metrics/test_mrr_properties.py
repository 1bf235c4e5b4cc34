"""Invariants of the subscription metrics over random subscription books (hypothesis).

- the MRR bridge balances every month, company by company and in total;
- MRR's month-to-month change equals net new MRR;
- retention and churn rates stay within their bounds, and GRR ≤ NRR;
- results do not depend on the order of the input rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import ibis
import pytest
from golden_cases import Case, case_source
from hypothesis import given, settings
from hypothesis import strategies as st

from revhub.metrics.compute import metric_values
from revhub.metrics.frame import Frame
from revhub.metrics.mrr import movements
from revhub.metrics.registry import get_metric

START, END = dt.date(2025, 1, 1), dt.date(2026, 6, 30)
PRODUCTS = [{"product_id": "pro", "name": "Pro"}]
PRICES = [
    {"price_id": "m", "product_id": "pro", "billing_interval": "month", "unit_amount": 10},
    {"price_id": "y", "product_id": "pro", "billing_interval": "year", "unit_amount": 120},
]


@st.composite
def subscription_books(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """1–5 companies, each with 1–3 subscriptions of 1–3 consecutive items."""
    subscriptions, items = [], []
    for company in range(draw(st.integers(1, 5))):
        for number in range(draw(st.integers(1, 3))):
            sub_id = f"s{company}_{number}"
            start = START + dt.timedelta(days=draw(st.integers(-60, 500)))
            interval = draw(st.sampled_from(["month", "year"]))
            day = start
            for item in range(draw(st.integers(1, 3))):
                length = draw(st.one_of(st.none(), st.integers(1, 200)))
                end = None if length is None else day + dt.timedelta(days=length)
                items.append(
                    {
                        "subscription_item_id": f"{sub_id}_{item}",
                        "subscription_id": sub_id,
                        "price_id": "m" if interval == "month" else "y",
                        "quantity": draw(st.integers(0, 5)),
                        "start_date": day,
                        "end_date": end,
                        "unit_amount": 10 if interval == "month" else 120,
                    }
                )
                if end is None:
                    break
                day = end
            ended = items[-1]["end_date"]
            subscriptions.append(
                {
                    "subscription_id": sub_id,
                    "account_id": f"a{company}",
                    "billing_interval": interval,
                    "start_date": start,
                    "ended_date": ended,
                    "discount_percent": draw(st.sampled_from([None, 0.0, 0.2])),
                }
            )
    return {
        "products": PRODUCTS,
        "prices": PRICES,
        "subscriptions": subscriptions,
        "subscription_items": items,
    }


@pytest.fixture(scope="module")
def duckdb() -> Iterator[ibis.BaseBackend]:
    con = ibis.duckdb.connect()
    yield con
    con.disconnect()


def _frame(tables: dict[str, list[dict[str, Any]]], grain: str = "month") -> Frame:
    case = Case("random book", tables, {}, [])
    return Frame(case_source(case), grain=grain, start=START, end=END)  # type: ignore[arg-type]


def _values(con: ibis.BaseBackend, name: str, frame: Frame) -> list[float | None]:
    rows = con.to_pyarrow(metric_values(get_metric(name), frame)).to_pylist()
    return [r["value"] for r in rows]


@settings(max_examples=15, deadline=None)
@given(book=subscription_books())
def test_bridge_balances_every_company_month(
    book: dict[str, list[dict[str, Any]]], duckdb: ibis.BaseBackend
) -> None:
    rows = duckdb.to_pyarrow(movements(_frame(book))).to_pylist()
    for row in rows:
        moved = row["new"] + row["expansion"] + row["reactivation"]
        moved -= row["contraction"] + row["churn"]
        assert row["opening"] + moved == pytest.approx(row["closing"], abs=1e-6), row
        kinds = [k for k in ("new", "expansion", "reactivation", "contraction", "churn") if row[k]]
        assert len(kinds) <= 1, row


@settings(max_examples=10, deadline=None)
@given(book=subscription_books())
def test_mrr_changes_by_net_new_mrr(
    book: dict[str, list[dict[str, Any]]], duckdb: ibis.BaseBackend
) -> None:
    frame = _frame(book)
    mrr = _values(duckdb, "mrr", frame)
    net_new = _values(duckdb, "net_new_mrr", frame)
    opening = _values(
        duckdb,
        "mrr",
        Frame(frame._tables, grain="month", start=dt.date(2024, 12, 1), end=dt.date(2024, 12, 31)),
    )[0]
    previous = [opening, *mrr[:-1]]
    for before, after, change in zip(previous, mrr, net_new, strict=True):
        assert after - before == pytest.approx(change, abs=1e-6)


@settings(max_examples=10, deadline=None)
@given(book=subscription_books(), grain=st.sampled_from(["month", "quarter", "year"]))
def test_rates_stay_in_bounds(
    book: dict[str, list[dict[str, Any]]], grain: str, duckdb: ibis.BaseBackend
) -> None:
    frame = _frame(book, grain)
    grr = _values(duckdb, "gross_revenue_retention", frame)
    nrr = _values(duckdb, "net_revenue_retention", frame)
    for name in ("logo_churn_rate", "gross_mrr_churn_rate", "upsell_rate", "logo_retention"):
        assert all(v is None or 0 <= v <= 1 + 1e-9 for v in _values(duckdb, name, frame)), name
    for gross, net in zip(grr, nrr, strict=True):
        assert (gross is None) == (net is None)
        if gross is not None and net is not None:
            assert 0 <= gross <= 1 + 1e-9
            assert gross <= net + 1e-9
    assert all(v is None or v >= 0 for v in _values(duckdb, "quick_ratio", frame))


@settings(max_examples=8, deadline=None)
@given(book=subscription_books(), seed=st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(
    book: dict[str, list[dict[str, Any]]], seed: Any, duckdb: ibis.BaseBackend
) -> None:
    shuffled = {name: seed.sample(rows, len(rows)) for name, rows in book.items()}
    for name in ("mrr", "new_mrr", "churned_mrr", "net_revenue_retention", "logo_retention"):
        assert _values(duckdb, name, _frame(shuffled, "quarter")) == pytest.approx(
            _values(duckdb, name, _frame(book, "quarter")), nan_ok=True
        ), name
