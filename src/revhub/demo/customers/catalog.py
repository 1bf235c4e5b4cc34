"""The catalogue: products, the price book in every currency, exchange rates, tech stack.

Built once per demo company. Plans come from ``market.PLANS``; two add-ons and a one-off
onboarding service complete the product list. Every recurring product has a price per
currency and billing interval (month, year); annual prices charge
``ANNUAL_MONTHS_CHARGED`` months. Price keys are readable:
``price_<product>_<interval>_<currency>``.

>>> spec = DemoSpec(accounts=10, months=12)
>>> sorted(build_catalog(spec))
['fx_rates', 'prices', 'products', 'tech_stack_tools']
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revhub.demo.customers.techstack import build_tech_stack
from revhub.demo.market import (
    ANNUAL_MONTHS_CHARGED,
    PLANS,
    PRICE_BOOK_FACTOR,
    fx_rates,
    fx_rates_before,
    list_price,
)
from revhub.demo.spec import BASE_CURRENCY, DemoSpec
from revhub.model import get_table

# (key, name, kind, family, USD per unit per month, cost share); plans first, in PLANS order.
PRODUCTS: tuple[tuple[str, str, str, str, float, float], ...] = (
    *(
        (p.name, f"{p.name.title()} plan", "plan", p.name, p.usd_per_seat_month, p.cost_share)
        for p in PLANS.values()
    ),
    ("analytics", "Revenue Analytics add-on", "addon", "addon", 8.0, 0.25),
    ("premium_support", "Premium Support add-on", "addon", "addon", 400.0, 0.45),
    ("onboarding", "Onboarding package", "service", "service", 1500.0, 0.60),
)
PRODUCT_KEYS: tuple[str, ...] = tuple(p[0] for p in PRODUCTS)
CURRENCIES: tuple[str, ...] = tuple(PRICE_BOOK_FACTOR)
INTERVALS: dict[str, int] = {"month": 1, "year": 12}  # billing interval -> months
# The catalogue is set up this many days before the history starts; exchange rates are
# published from that day on, so every money record has a rate on its day.
CATALOG_LEAD_DAYS = 400


def unit_price(product: str, currency: str, interval: str | None) -> float:
    """List price per unit per billing period (``None`` interval: one-off).

    >>> unit_price("growth", "USD", "year")
    550.0
    """
    if product in PLANS:
        monthly = list_price(product, currency)
    else:
        usd = next(p[4] for p in PRODUCTS if p[0] == product)
        value = usd * PRICE_BOOK_FACTOR[currency]
        step = 1.0 if value < 1000 else 10.0
        monthly = float(np.round(value / step) * step)
    return monthly * ANNUAL_MONTHS_CHARGED if interval == "year" else monthly


def price_ids(product: np.ndarray, interval: np.ndarray, currency: np.ndarray) -> np.ndarray:
    """Vectorised price keys for arrays of product keys, intervals and currencies.

    >>> list(price_ids(np.array(["growth"]), np.array(["year"]), np.array(["EUR"])))
    ['price_growth_year_eur']
    """
    parts = np.char.add(np.char.add("price_", product.astype(str)), "_")
    parts = np.char.add(np.char.add(parts, interval.astype(str)), "_")
    return np.char.add(parts, np.char.lower(currency.astype(str))).astype(object)


@cache
def price_matrix() -> np.ndarray:
    """Unit prices ``[product, currency, interval]`` of the recurring products (PRODUCT_KEYS
    order; CURRENCIES order; interval 0 = month, 1 = year).

    >>> float(price_matrix()[1, 0, 1])
    550.0
    """
    recurring = [p[0] for p in PRODUCTS if p[2] != "service"]
    return np.array(
        [[[unit_price(p, c, i) for i in INTERVALS] for c in CURRENCIES] for p in recurring]
    )


def catalog_rates(catalog: dict[str, pa.Table], spec: DemoSpec) -> dict[str, np.ndarray]:
    """Daily rates per currency over the history from the catalogue's ``fx_rates``
    (index 0 = spec.start; the rates before the history are left out).

    >>> spec = DemoSpec(accounts=10, months=12)
    >>> rates = catalog_rates(build_catalog(spec), spec)
    >>> float(rates["USD"][0]), len(rates["EUR"]) == spec.days
    (1.0, True)
    """
    fx = catalog["fx_rates"]
    fx = fx.filter(pc.greater_equal(fx["rate_date"], pa.scalar(spec.start_date, pa.date32())))
    fx = fx.sort_by([("currency", "ascending"), ("rate_date", "ascending")])
    codes = np.asarray(fx["currency"].to_numpy(zero_copy_only=False))
    rates = fx["rate"].cast(pa.float64()).to_numpy()
    return {code: rates[codes == code] for code in np.unique(codes)}


def build_catalog(spec: DemoSpec) -> dict[str, pa.Table]:
    """Products, prices, daily exchange rates and the go-to-market tech stack.

    >>> build_catalog(DemoSpec(accounts=1, months=12))["products"].num_rows
    6
    """
    return {
        "products": _products(spec),
        "prices": _prices(spec),
        "fx_rates": _fx_rates(spec),
        "tech_stack_tools": build_tech_stack(spec),
    }


def _created(spec: DemoSpec, n: int, days_before: int = CATALOG_LEAD_DAYS) -> np.ndarray:
    return np.full(n, spec.start - np.timedelta64(days_before, "D")).astype("datetime64[us]")


def _products(spec: DemoSpec) -> pa.Table:
    n = len(PRODUCTS)
    ids = np.array([f"prod_{p[0]}" for p in PRODUCTS], dtype=object)
    return get_table("products").to_arrow(
        {
            "product_id": ids,
            "name": [p[1] for p in PRODUCTS],
            "kind": [p[2] for p in PRODUCTS],
            "family": [p[3] for p in PRODUCTS],
            "is_recurring": [p[2] != "service" for p in PRODUCTS],
            "is_active": np.ones(n, bool),
            "source": ["stripe"] * n,
            "source_id": ids,
            "created_at": _created(spec, n),
            "updated_at": _created(spec, n, 30),
        }
    )


def _prices(spec: DemoSpec) -> pa.Table:
    rows: list[tuple[str, str, str | None, float, float]] = []
    for key, _name, kind, _family, _usd, cost_share in PRODUCTS:
        for currency in CURRENCIES:
            intervals: tuple[str | None, ...] = (None,) if kind == "service" else tuple(INTERVALS)
            for interval in intervals:
                amount = unit_price(key, currency, interval)
                rows.append((key, currency, interval, amount, amount * cost_share))
    products = np.array([r[0] for r in rows])
    currencies = np.array([r[1] for r in rows])
    intervals_ = np.array([r[2] or "once" for r in rows])
    ids = price_ids(products, intervals_, currencies)
    # the rate on the day the price book was set up (its created_at): the first rate
    rate_then = {c: float(np.round(path[0], 8)) for c, path in _rate_paths(spec).items()}
    fx = np.array([rate_then[c] for c in currencies])
    amounts = np.round(np.array([r[3] for r in rows]), 2)
    costs = np.round(np.array([r[4] for r in rows]), 2)
    n = len(rows)
    return get_table("prices").to_arrow(
        {
            "price_id": ids,
            "product_id": np.char.add("prod_", products).astype(object),
            "billing_interval": [r[2] for r in rows],
            "interval_count": [None if r[2] is None else 1 for r in rows],
            "currency": currencies.astype(object),
            "fx_rate": fx,
            "unit_amount": amounts,
            "unit_amount_base": np.round(amounts * fx, 2),
            "unit_cost": costs,
            "unit_cost_base": np.round(costs * fx, 2),
            "is_active": np.ones(n, bool),
            "source": ["stripe"] * n,
            "source_id": ids,
            "created_at": _created(spec, n),
            "updated_at": _created(spec, n, 30),
        }
    )


def _rate_paths(spec: DemoSpec) -> dict[str, np.ndarray]:
    """Daily rates from the catalogue's set-up day to the end (index 0 = its created_at)."""
    before = fx_rates_before(spec, CATALOG_LEAD_DAYS)
    return {c: np.concatenate([before[c], path]) for c, path in fx_rates(spec).items()}


def _fx_rates(spec: DemoSpec) -> pa.Table:
    paths = _rate_paths(spec)
    n = CATALOG_LEAD_DAYS + spec.days
    first = spec.start - np.timedelta64(CATALOG_LEAD_DAYS, "D")
    days = first + np.arange(n).astype("timedelta64[D]")
    currency = np.repeat(np.array(list(paths), dtype=object), n)
    rate_date = np.tile(days, len(paths))
    rate = np.round(np.concatenate(list(paths.values())), 8)
    published = rate_date.astype("datetime64[us]") + np.timedelta64(16, "h")
    source_id = np.char.add(np.char.add(currency.astype(str), ":"), rate_date.astype(str)).astype(
        object
    )
    return get_table("fx_rates").to_arrow(
        {
            "currency": currency,
            "rate_date": rate_date,
            "base_currency": np.full(len(rate), BASE_CURRENCY, dtype=object),
            "rate": rate,
            "source": np.full(len(rate), "openexchangerates", dtype=object),
            "source_id": source_id,
            "created_at": published,
            "updated_at": published,
        }
    )
