"""The subscription book: every subscription slot's state, and what happened to it.

``Book`` holds one array per field, indexed by slot (a deal's main subscription, its
add-on and its win-back); the month loop in ``subscriptions`` fills it. Events are kept
as per-month pieces (``Events``) and joined at the end.

>>> starts = np.array(["2025-01-01", "2025-02-01", "2025-03-01"], dtype="datetime64[D]")
>>> str(anchor_dates(starts, np.array([1]), np.array([31]))[0])
'2025-02-28'
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from revhub.demo.customers.catalog import price_matrix
from revhub.demo.spec import DemoSpec

Events = dict[str, list[np.ndarray]]


@dataclass
class Book:
    """Everything the month loop produced; arrays indexed by slot unless said."""

    kind: np.ndarray
    acc: np.ndarray
    parent: np.ndarray
    product: np.ndarray  # current product code (PRODUCT_KEYS order)
    quantity: np.ndarray
    currency: np.ndarray  # int codes of CURRENCIES
    months: np.ndarray
    discount: np.ndarray
    created: np.ndarray  # datetime64[D]: day the subscription was set up (deal close)
    start: np.ndarray
    end: np.ndarray  # NaT while running
    canceled: np.ndarray  # datetime64[D], NaT if never asked
    state: np.ndarray  # 0 never started, 1 running at the end, 2 ended
    cancel_at_end: np.ndarray  # running, but cancels when the current period ends
    period_start: np.ndarray
    period_end: np.ndarray
    seats: np.ndarray  # [A, M] plan seats in service at each month's end
    anchor: np.ndarray  # [A] billing day of month
    items: dict[str, np.ndarray] = field(default_factory=dict)
    periods: dict[str, np.ndarray] = field(default_factory=dict)
    events: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)

    def arr(self, slots: np.ndarray, product: np.ndarray, quantity: np.ndarray) -> np.ndarray:
        """Annual recurring revenue (local currency, after discount) of slots at a state.

        Example: ``book.arr(slots, book.product[slots], book.quantity[slots])``.
        """
        year = (self.months[slots] == 12).astype(int)
        unit = price_matrix()[product, self.currency[slots], year]
        arr: np.ndarray = quantity * unit * 12 / self.months[slots] * (1 - self.discount[slots])
        return arr


def anchor_dates(starts: np.ndarray, month: np.ndarray, dom: np.ndarray) -> np.ndarray:
    """The ``dom``-th day of month index ``month`` (clipped to the month's length).

    Example: day 31 in February gives the 28th (see the module example).
    """
    length = (starts[month + 1] - starts[month]).astype(int)
    day: np.ndarray = starts[month] + (np.minimum(dom, length) - 1).astype("timedelta64[D]")
    return day


def finish_book(
    spec: DemoSpec,
    b: Book,
    rng: np.random.Generator,
    hazard: np.ndarray,
    ev: dict[str, Events],
) -> None:
    """Record cancellations pending at the end of the history and renewals still open.

    Example: ``finish_book(spec, book, rng, last_hazard, events)`` after the month loop.
    """
    main = np.flatnonzero((b.state == 1) & (b.kind != 1))
    notice = np.where(
        b.months[main] == 12, rng.integers(14, 80, len(main)), rng.integers(1, 25, len(main))
    )
    asked = b.period_end[main] - notice.astype("timedelta64[D]")
    leaving = (
        (rng.random(len(main)) < 1 - (1 - hazard[main]) ** b.months[main])
        & (asked < spec.end)
        & (asked > b.period_start[main])
    )
    b.cancel_at_end[main[leaving]] = True
    b.canceled[main[leaving]] = asked[leaving]
    addons = np.flatnonzero((b.state == 1) & (b.kind == 1))
    follow = addons[b.cancel_at_end[b.parent[addons]]]
    b.cancel_at_end[follow] = True
    b.canceled[follow] = np.maximum(b.canceled[b.parent[follow]], b.start[follow])
    ren = main[(b.months[main] == 12) & (b.period_end[main] - 90 < spec.end)]
    rows = ev["renewal"]
    rows["slot"].append(ren)
    rows["date"].append(b.period_end[ren])
    rows["won"].append(np.zeros(len(ren), bool))
    rows["amount"].append(b.arr(ren, b.product[ren], b.quantity[ren]))
    rows["canceled"].append(b.canceled[ren])
    rows["status"].append(np.where(b.cancel_at_end[ren], 1, 2))


def concat_events(group: Events) -> dict[str, np.ndarray]:
    """Join the per-month pieces of each event field.

    >>> concat_events({"slot": [np.array([1]), np.array([2])]})["slot"].tolist()
    [1, 2]
    """
    return {name: np.concatenate(parts) for name, parts in group.items()}
