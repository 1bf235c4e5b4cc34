"""Pricing and discounting evidence from the new-business deals closed in the window.

- **By discount band**: win rate (won ÷ closed, count-based, as ``win_rate``) and the
  median sales cycle of the won deals (closed day − created day, as
  ``sales_cycle_length``) per band of discount off list. Bands: ``none`` (sold at or
  above list), ``0-5%``, ``5-10%``, ``10-20%``, ``20%+`` (upper edges inclusive) and
  ``unknown`` (no discount and no list amount recorded). Discount is the deal's
  ``discount``, else 1 − amount ÷ list amount (as revhub's deal facts define it).
- **By price point**: the same per band of list amount (base currency); bands are the
  quartiles of the closed deals' list amounts unless edges are given.
- **Price realisation**: Σ amount ÷ Σ list amount of the won deals with a list amount,
  by quarter of the close day and segment, with the mean discount (as
  ``average_discount``).

Each table has a row per segment and one for the company (``segment`` = ``all``). A
band with few deals says little: ``closed_deals`` is there to judge it. Read the win
rate by discount with care: a deal lost before a quote often records no discount, so
the ``none`` band collects early losses; the evidence is association, not the effect
of giving a discount.

>>> discount_band(0.0), discount_band(0.05), discount_band(0.051), discount_band(None)
('none', '0-5%', '5-10%', 'unknown')
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from revhub.metrics.catalogue.deals import closed_new_business
from revhub.metrics.periods import period_start
from revhub.plan.rates import COMPANY
from revhub.plan.window import Frames, whole_months

if TYPE_CHECKING:
    from revhub.workspace import Workspace

DISCOUNT_BANDS = (("none", 0.0), ("0-5%", 0.05), ("5-10%", 0.10), ("10-20%", 0.20))
BAND_COLUMNS = (
    "segment",
    "band",
    "closed_deals",
    "won_deals",
    "win_rate",
    "median_cycle_days",
    "average_discount",
    "bookings",
)
REALISATION_COLUMNS = (
    "quarter",
    "segment",
    "won_deals",
    "list_amount",
    "amount",
    "realisation",
    "average_discount",
)
DEAL_COLUMNS = ("segment", "is_won", "amount", "list_amount", "discount", "cycle_days", "closed_on")


def discount_band(discount: float | None) -> str:
    """The band of a discount (a share of list: 0.07 is 7 %)."""
    if discount is None or discount != discount:
        return "unknown"
    for label, upper in DISCOUNT_BANDS:
        if discount <= upper + 1e-9:
            return label
    return "20%+"


def closed_deals(
    ws: Workspace, as_of: dt.date, *, months: int = 12, frames: Frames | None = None
) -> pd.DataFrame:
    """The new-business deals closed in the ``months`` whole months before ``as_of``'s
    month: ``DEAL_COLUMNS``."""
    start, end = whole_months(as_of, months)
    facts = closed_new_business((frames or Frames(ws, store=False)).get("month", start, end))
    facts = facts.select(
        "segment",
        "amount",
        "list_amount",
        "discount",
        "closed_on",
        is_won=facts.won == 1,
        cycle_days=facts.closed_on.delta(facts.created_date, unit="day"),
    )
    deals: pd.DataFrame = facts.to_pandas()
    deals["closed_on"] = pd.to_datetime(deals.closed_on).dt.date
    return deals[list(DEAL_COLUMNS)]


def by_band(deals: pd.DataFrame, bands: pd.Series, order: Sequence[str]) -> pd.DataFrame:
    """Win rate, cycle and bookings per segment (and ``all``) and band (``BAND_COLUMNS``),
    bands in ``order``."""
    deals = deals.assign(band=bands.values)
    rows = []
    for segment, part in _with_company(deals):
        for band, group in part.groupby("band", sort=False):
            won = group[group.is_won]
            cycles = won.cycle_days[won.cycle_days >= 0]
            rows.append(
                (
                    segment,
                    band,
                    len(group),
                    len(won),
                    len(won) / len(group),
                    float(cycles.median()) if len(cycles) else np.nan,
                    float(won.discount.mean()) if won.discount.notna().any() else np.nan,
                    float(won.amount.fillna(0.0).sum()),
                )
            )
    table = pd.DataFrame(rows, columns=list(BAND_COLUMNS))
    rank = {band: i for i, band in enumerate(order)}
    table = table.assign(_rank=table.band.map(rank)).sort_values(["segment", "_rank"])
    return table.drop(columns="_rank").reset_index(drop=True)


def by_discount(deals: pd.DataFrame) -> pd.DataFrame:
    """``by_band`` over discount bands."""
    order = [*(label for label, _ in DISCOUNT_BANDS), "20%+", "unknown"]
    return by_band(deals, deals.discount.map(discount_band), order)


def by_price_point(deals: pd.DataFrame, edges: Sequence[float] | None = None) -> pd.DataFrame:
    """``by_band`` over bands of list amount: ``edges`` (ascending), else quartiles."""
    known = deals.list_amount.dropna()
    if edges is None:
        edges = sorted(set(np.quantile(known, [0.25, 0.5, 0.75]).round(2))) if len(known) else []
    bounds = [-np.inf, *edges, np.inf]
    labels = [_price_label(low, high) for low, high in itertools.pairwise(bounds)]
    bands = pd.cut(deals.list_amount, bounds, labels=labels, right=True).astype(object)
    return by_band(deals, bands.where(bands.notna(), "unknown"), [*labels, "unknown"])


def _price_label(low: float, high: float) -> str:
    if low == -np.inf:
        return f"≤ {high:,.0f}"
    return f"> {low:,.0f}" if high == np.inf else f"{low:,.0f}–{high:,.0f}"


def realisation(deals: pd.DataFrame) -> pd.DataFrame:
    """Price realisation of won deals per quarter and segment (``REALISATION_COLUMNS``)."""
    won = deals[deals.is_won & (deals.list_amount.fillna(0) > 0)]
    won = won.assign(quarter=won.closed_on.map(lambda d: period_start(d, "quarter")))
    rows = []
    for segment, part in _with_company(won):
        for quarter, group in part.groupby("quarter"):
            listed, sold = float(group.list_amount.sum()), float(group.amount.fillna(0).sum())
            rows.append(
                (
                    quarter,
                    segment,
                    len(group),
                    listed,
                    sold,
                    sold / listed,
                    float(group.discount.mean()) if group.discount.notna().any() else np.nan,
                )
            )
    table = pd.DataFrame(rows, columns=list(REALISATION_COLUMNS))
    return table.sort_values(["quarter", "segment"]).reset_index(drop=True)


def _with_company(deals: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    parts = [(COMPANY, deals)]
    parts += [(str(s), g) for s, g in deals.groupby("segment", sort=True)]
    return parts
