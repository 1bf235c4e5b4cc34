"""Cost of revenue: what serving the customers cost each month, as the ledger books it.

Per month, in the base currency:

- **cost to serve** of every subscription item, by day in service: quantity × its
  price's ``unit_cost`` ÷ months per billing period, split between hosting, third-party
  software and support by ``COST_SPLIT`` (the premium-support add-on is all support);
- **services**: the unit cost of every onboarding package invoiced;
- **payment fees**: a share of every successful payment, by method (``FEE_RATES``).

Each chunk adds its customers' costs to one months × categories array
(``chunk_costs``); ``cost_of_revenue`` books the total as one NetSuite journal line per
month and category, posted on the month's last day, with a little noise on hosting.

>>> CATEGORIES
('hosting', 'third_party_software', 'support', 'payment_fees', 'services', 'other')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from revhub.demo.customers.cohort import column
from revhub.demo.gtm.seasons import month_starts
from revhub.demo.spec import BASE_CURRENCY, DemoSpec, make_ids
from revhub.model import get_table
from revhub.model.finance import COST_CATEGORIES

CATEGORIES = COST_CATEGORIES
# How each product's cost to serve splits into (hosting, third-party software, support).
COST_SPLIT: dict[str, tuple[float, float, float]] = {
    "analytics": (0.4, 0.6, 0.0),
    "premium_support": (0.0, 0.0, 1.0),
}
PLAN_SPLIT = (0.7, 0.2, 0.1)
FEE_RATES = {"card": 0.029, "sepa_debit": 0.008, "bank_transfer": 0.001}
HOSTING_NOISE = 0.04
GL_ACCOUNTS = {
    "hosting": "5010 Hosting",
    "third_party_software": "5020 Third-Party Software",
    "support": "5030 Customer Support",
    "payment_fees": "5040 Payment Processing Fees",
    "services": "5050 Professional Services",
    "other": "5090 Other Cost of Revenue",
}
_MONTHS_PER_INTERVAL = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class PriceCosts:
    """Per price (rows of the catalogue's ``prices``): ``unit_cost`` per billing period
    and per month (base currency), and its cost ``split`` (hosting, software, support)."""

    ids: np.ndarray
    unit_cost: np.ndarray
    monthly: np.ndarray
    split: np.ndarray

    @classmethod
    def of(cls, prices: pa.Table) -> PriceCosts:
        """The costs of the catalogue's prices."""
        interval = column(prices, "billing_interval")
        months = np.array([_MONTHS_PER_INTERVAL[i] if i else 1 for i in interval])
        product = np.char.replace(column(prices, "product_id").astype(str), "prod_", "")
        cost = column(prices, "unit_cost_base").astype(float)
        return cls(
            ids=column(prices, "price_id").astype(str),
            unit_cost=cost,
            monthly=cost / months,
            split=np.array([COST_SPLIT.get(p, PLAN_SPLIT) for p in product]),
        )

    def rows(self, price_ids: np.ndarray) -> np.ndarray:
        """Row of each of ``price_ids`` (all must be in the catalogue)."""
        order = np.argsort(self.ids)
        found: np.ndarray = order[np.searchsorted(self.ids, price_ids.astype(str), sorter=order)]
        return found


def chunk_costs(spec: DemoSpec, prices: PriceCosts, tables: Mapping[str, pa.Table]) -> np.ndarray:
    """Cost of revenue of one chunk's customers: ``[month, category]`` (base currency),
    from its ``subscription_items``, ``invoice_lines`` and ``payments``.

    Example: ``chunk_costs(spec, PriceCosts.of(catalog["prices"]), simulate_customers(...))``.
    """
    costs = np.zeros((spec.months, len(CATEGORIES)))
    costs[:, :3] += _cost_to_serve(spec, prices, tables["subscription_items"])
    lines = tables["invoice_lines"]
    once = column(lines, "kind") == "one_off"
    month = _month_index(spec, column(lines, "period_start")[once])
    unit_cost = prices.unit_cost[prices.rows(column(lines, "price_id")[once])]
    _add(costs, month, CATEGORIES.index("services"), unit_cost)
    pays = tables["payments"]
    ok = column(pays, "status") == "succeeded"
    method = column(pays, "method")[ok]
    rate = np.select([method == m for m in FEE_RATES], list(FEE_RATES.values()), 0.0)
    fee = column(pays, "amount_base")[ok].astype(float) * rate
    month = _month_index(spec, column(pays, "paid_at")[ok])
    _add(costs, month, CATEGORIES.index("payment_fees"), fee)
    return costs


def _cost_to_serve(spec: DemoSpec, prices: PriceCosts, items: pa.Table) -> np.ndarray:
    """Items' cost to serve per month, by day in service: ``[month, (hosting,
    third-party software, support)]``."""
    row = prices.rows(column(items, "price_id"))
    monthly = prices.monthly[row] * column(items, "quantity").astype(float)
    start = column(items, "start_date").astype("datetime64[D]")
    end = column(items, "end_date").astype("datetime64[D]")
    end = np.where(np.isnat(end), spec.end, end)
    bounds = np.append(month_starts(spec), spec.end)
    first = np.maximum(start[:, None], bounds[None, :-1])
    last = np.minimum(end[:, None], bounds[None, 1:])
    days = np.clip((last - first).astype(int), 0, None)
    per_month = days / np.diff(bounds).astype(int)[None, :] * monthly[:, None]  # [item, month]
    result: np.ndarray = per_month.T @ prices.split[row]
    return result


def _month_index(spec: DemoSpec, when: np.ndarray) -> np.ndarray:
    """Index of the history month holding each date or time (-1 outside the history)."""
    month = when.astype("datetime64[M]")
    index = (month - np.datetime64(spec.start_date, "M")).astype(int)
    inside: np.ndarray = np.where((index >= 0) & (index < spec.months), index, -1)
    return inside


def _add(costs: np.ndarray, month: np.ndarray, category: int, amount: np.ndarray) -> None:
    inside = month >= 0
    np.add.at(costs[:, category], month[inside], amount[inside])


def cost_of_revenue(spec: DemoSpec, costs: np.ndarray) -> pa.Table:
    """The ledger's ``cost_of_revenue`` rows: one per month and category with a cost.

    >>> import datetime as dt
    >>> spec = DemoSpec(accounts=10, months=3, as_of=dt.date(2026, 1, 1))
    >>> costs = np.zeros((3, len(CATEGORIES))); costs[0, 0] = 100.0
    >>> cost_of_revenue(spec, costs).column("gl_account").to_pylist()
    ['5010 Hosting']
    """
    noise = spec.rng("cost_of_revenue").lognormal(0.0, HOSTING_NOISE, spec.months)
    booked = costs.copy()
    booked[:, CATEGORIES.index("hosting")] *= noise
    booked = np.round(booked, 2)
    month_index, category = np.nonzero(booked > 0)
    n = len(month_index)
    months = month_starts(spec)[month_index]
    posted = (months.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
    posted = posted.astype("datetime64[s]") + np.timedelta64(18, "h")
    ids = make_ids("cor", 0, n)
    names = np.array(CATEGORIES, dtype=object)[category]
    amount = booked[month_index, category]
    return get_table("cost_of_revenue").to_arrow(
        {
            "cost_id": ids,
            "month": months,
            "category": names,
            "gl_account": np.array([GL_ACCOUNTS[c] for c in names], dtype=object),
            "currency": np.full(n, BASE_CURRENCY, dtype=object),
            "fx_rate": np.ones(n),
            "amount": amount,
            "amount_base": amount,
            "source": np.full(n, "netsuite", dtype=object),
            "source_id": np.array([f"JE-{i:06d}" for i in range(1, n + 1)], dtype=object),
            "created_at": posted,
            "updated_at": posted,
        }
    )
