"""The demo company's market: the parameters every part of the simulation shares.

Channels of different quality and cost, segments with their deal sizes, regions with
their countries and currencies, the plan price book, and the exchange-rate paths.
Numbers here are the knobs of the simulation; they are data, not code.

>>> CHANNELS["paid_search"].cost_per_lead > CHANNELS["organic_search"].cost_per_lead
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from revhub.demo.spec import BASE_CURRENCY, DemoSpec


@dataclass(frozen=True)
class Channel:
    """A lead source: its share of leads, how good those leads are, and what they cost."""

    name: str
    lead_share: float  # share of all leads
    quality: float  # multiplier on MQL→SQL→won conversion (1.0 = average)
    cost_per_lead: float  # USD of marketing spend per lead (0 = no media spend)
    campaign_type: str | None  # campaign type its campaigns have, if any


CHANNELS: dict[str, Channel] = {
    c.name: c
    for c in (
        Channel("organic_search", 0.18, 1.10, 15.0, "content"),
        Channel("paid_search", 0.16, 0.90, 180.0, "paid_search"),
        Channel("paid_social", 0.14, 0.60, 120.0, "paid_social"),
        Channel("content", 0.10, 0.85, 60.0, "content"),
        Channel("events", 0.06, 1.20, 400.0, "event"),
        Channel("webinar", 0.07, 1.00, 90.0, "webinar"),
        Channel("email", 0.06, 0.80, 10.0, "email"),
        Channel("outbound", 0.11, 0.75, 0.0, "outbound"),
        Channel("partner", 0.05, 1.40, 0.0, None),
        Channel("referral", 0.04, 1.60, 0.0, None),
        Channel("direct", 0.03, 1.30, 0.0, None),
    )
}


@dataclass(frozen=True)
class Segment:
    """A size band of customers: how common, how big, how fast."""

    name: str
    account_share: float
    employees: tuple[int, int]  # range of company size
    seats: tuple[int, int]  # typical seats bought (log-uniform)
    plan: str  # plan usually bought
    annual_share: float  # share of customers on annual billing
    cycle_days: float  # median sales cycle
    win_rate: float  # base win rate of opportunities
    monthly_churn: float  # base monthly logo churn hazard


SEGMENTS: dict[str, Segment] = {
    s.name: s
    for s in (
        Segment("smb", 0.70, (5, 200), (3, 25), "starter", 0.25, 30.0, 0.30, 0.025),
        Segment("mid_market", 0.24, (200, 2000), (20, 150), "growth", 0.60, 60.0, 0.24, 0.012),
        Segment(
            "enterprise", 0.06, (2000, 50000), (100, 1200), "enterprise", 0.90, 120.0, 0.18, 0.006
        ),
    )
}


@dataclass(frozen=True)
class Region:
    """A sales region: its countries (with weights) and each country's currency."""

    name: str
    account_share: float
    countries: tuple[tuple[str, float, str], ...]  # (ISO country, weight, currency)


REGIONS: dict[str, Region] = {
    r.name: r
    for r in (
        Region("north_america", 0.45, (("US", 0.85, "USD"), ("CA", 0.15, "USD"))),
        Region(
            "emea",
            0.35,
            (
                ("GB", 0.28, "GBP"),
                ("DE", 0.22, "EUR"),
                ("FR", 0.16, "EUR"),
                ("NL", 0.10, "EUR"),
                ("IS", 0.08, "ISK"),
                ("TR", 0.16, "TRY"),
            ),
        ),
        Region("apac", 0.12, (("AU", 0.5, "USD"), ("SG", 0.3, "USD"), ("JP", 0.2, "USD"))),
        Region("latam", 0.08, (("BR", 0.6, "USD"), ("MX", 0.4, "USD"))),
    )
}


@dataclass(frozen=True)
class Plan:
    """A subscription plan: list price per seat per month in USD, and cost to serve."""

    name: str
    usd_per_seat_month: float
    cost_share: float  # unit cost as a share of list price (for gross margin)


PLANS: dict[str, Plan] = {
    p.name: p
    for p in (
        Plan("starter", 25.0, 0.22),
        Plan("growth", 55.0, 0.18),
        Plan("enterprise", 95.0, 0.15),
    )
}

# Annual billing buys 12 months for the price of 10.
ANNUAL_MONTHS_CHARGED = 10

# Local list prices are set once from these factors and rounded to a tidy number;
# they do not follow the exchange rate afterwards (that is what price books do).
PRICE_BOOK_FACTOR: dict[str, float] = {
    "USD": 1.0,
    "EUR": 0.95,
    "GBP": 0.80,
    "ISK": 140.0,
    "TRY": 30.0,
}


def list_price(plan: str, currency: str) -> float:
    """Monthly list price per seat of ``plan`` in ``currency`` (the price book).

    >>> list_price("growth", "USD")
    55.0
    """
    value = PLANS[plan].usd_per_seat_month * PRICE_BOOK_FACTOR[currency]
    step = 1.0 if value < 1000 else 10.0
    return float(np.round(value / step) * step)


# Exchange-rate paths: USD per unit of currency at the start, and yearly drift.
# TRY loses value fast, so revenue in TRY shrinks in USD with no customer change:
# the metrics layer must not call that churn.
_FX_START: dict[str, tuple[float, float, float]] = {
    # currency: (USD per unit at start, yearly drift, daily volatility)
    "USD": (1.0, 0.0, 0.0),
    "EUR": (1.08, 0.01, 0.004),
    "GBP": (1.26, 0.00, 0.004),
    "ISK": (0.0072, -0.01, 0.005),
    "TRY": (0.052, -0.30, 0.006),
}


def fx_rates(spec: DemoSpec) -> dict[str, np.ndarray]:
    """Daily base-currency-per-unit rates for every currency over the history.

    Returns ``{"USD": array(days), ...}``; index 0 is ``spec.start``.

    >>> import datetime as dt
    >>> r = fx_rates(DemoSpec(accounts=1, months=12, as_of=dt.date(2026, 1, 1)))
    >>> bool((r["USD"] == 1.0).all()), len(r["EUR"])
    (True, 365)
    """
    rng = spec.rng("fx")
    days = spec.days
    out: dict[str, np.ndarray] = {}
    for currency, (start, drift, vol) in _FX_START.items():
        steps = rng.normal(drift / 365.0, vol, size=days)
        steps[0] = 0.0
        out[currency] = start * np.exp(np.cumsum(steps))
    out[BASE_CURRENCY] = np.ones(days)
    return out


def fx_rates_before(spec: DemoSpec, days: int) -> dict[str, np.ndarray]:
    """Daily rates for the ``days`` days before ``spec.start``, which ``fx_rates`` continues.

    Records made before the history (the price book) need a rate on their day too. The
    same walk runs backwards from the rate at ``spec.start`` on its own random stream, so
    the rates inside the history do not change. Index 0 is ``spec.start - days``.

    >>> import datetime as dt
    >>> s = DemoSpec(accounts=1, months=12, as_of=dt.date(2026, 1, 1))
    >>> before = fx_rates_before(s, 365)
    >>> len(before["EUR"]), bool((before["USD"] == 1.0).all())
    (365, True)
    >>> bool(before["TRY"][0] > fx_rates(s)["TRY"][0])  # the lira lost value since
    True
    """
    rng = spec.rng("fx_before")
    first = fx_rates(spec)
    out: dict[str, np.ndarray] = {}
    for currency, (_start, drift, vol) in _FX_START.items():
        steps = rng.normal(drift / 365.0, vol, size=days)
        out[currency] = (first[currency][0] * np.exp(-np.cumsum(steps)))[::-1]
    out[BASE_CURRENCY] = np.ones(days)
    return out


def rate_on(
    rates: dict[str, np.ndarray], spec: DemoSpec, currency: np.ndarray, day: np.ndarray
) -> np.ndarray:
    """Vectorised look-up of the rate for each (currency, day) pair; days clipped to the history.

    >>> import datetime as dt
    >>> s = DemoSpec(accounts=1, months=12, as_of=dt.date(2026, 1, 1))
    >>> r = fx_rates(s)
    >>> float(rate_on(r, s, np.array(["USD"]), np.array([s.start]))[0])
    1.0
    """
    index = np.clip((day.astype("datetime64[D]") - spec.start).astype(int), 0, spec.days - 1)
    result = np.empty(len(currency), dtype=float)
    for code, path in rates.items():
        mask = currency == code
        result[mask] = path[index[mask]]
    return result


# VAT charged on invoices by country (EMEA); other countries are invoiced without tax.
VAT_RATES: dict[str, float] = {
    "GB": 0.20,
    "DE": 0.19,
    "FR": 0.20,
    "NL": 0.21,
    "IS": 0.24,
    "TR": 0.20,
}
