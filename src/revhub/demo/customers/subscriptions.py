"""Subscriptions month by month: starts, renewals, expansion, contraction, churn, win-back.

Every won deal starts a subscription (slot ``kind`` 0) at its close date, or 14 days
later after a free trial. Each deal also owns two dormant slots: an add-on subscription
(``kind`` 1, billed monthly, cancelled with its parent; cancelling it alone is
contraction) and a reactivation (``kind`` 2, a new subscription some months after the
account churned). Changes happen only at billing-period boundaries (the anchor day of
the month; every 12th month for annual plans), so each period is billed at one price
and quantity. Churn hazard is the segment's monthly churn times a sum of drivers (budget,
competitor, low usage, support pain, detractor); the driver drawn is the truth reason.

>>> CHURN_REASONS[:2]
('budget', 'competitor')
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from revhub.demo.customers.book import Book, Events, anchor_dates, concat_events, finish_book
from revhub.demo.customers.catalog import CURRENCIES
from revhub.demo.customers.cohort import Cohort, codes
from revhub.demo.customers.engagement import month_starts
from revhub.demo.market import SEGMENTS
from revhub.demo.spec import DemoSpec

CHURN_REASONS = ("budget", "competitor", "low_usage", "support_pain", "detractor")
ADDON_SHARE = np.array([0.05, 0.15, 0.25])  # deals that later add an add-on, per segment
EXPANSION_RATE = np.array([0.012, 0.022, 0.03])  # monthly expansion attempts, per segment
REACTIVATION_SHARE = 0.2


def simulate_subscriptions(
    spec: DemoSpec,
    chunk: int,
    cohort: Cohort,
    health: np.ndarray,
    pain: np.ndarray,
    detractor: np.ndarray,
) -> Book:
    """Run the month loop for the chunk's customers.

    Example: ``simulate_subscriptions(spec, 0, cohort, health, pain, detractor).periods``
    holds one billing period per invoice to issue.
    """
    rng = spec.rng("subscriptions", chunk)
    d, months_total = len(cohort.deal_id), spec.months
    starts = month_starts(spec, extra=26)
    trial = (rng.random(d) < 0.3) & (cohort.deal_closed + 14 < spec.end)
    main_start = cohort.deal_closed + np.where(trial, 14, 0).astype("timedelta64[D]")
    first_month = spec.start.astype("datetime64[M]")
    main_month = (main_start.astype("datetime64[M]") - first_month).astype(int)
    dom = (main_start - main_start.astype("datetime64[M]").astype("datetime64[D]")).astype(int) + 1
    seg = cohort.segment[cohort.deal_acc]

    three = np.arange(3 * d)
    kind = np.repeat([0, 1, 2], d)
    base = three % d
    acc = cohort.deal_acc[base]
    b = Book(
        kind=kind,
        acc=acc,
        parent=base,
        product=np.concatenate([cohort.deal_plan, np.where(seg == 2, 4, 3), cohort.deal_plan]),
        quantity=np.concatenate([cohort.deal_seats, np.ones(d, int), cohort.deal_seats]),
        currency=codes(cohort.deal_currency, CURRENCIES)[base],
        months=np.concatenate(
            [
                cohort.deal_months,
                np.ones(d, int),
                np.where(rng.random(d) < 0.7, 1, cohort.deal_months),
            ]
        ),
        discount=np.concatenate([cohort.deal_discount, np.zeros(d), cohort.deal_discount * 0.5]),
        created=np.concatenate([cohort.deal_closed, np.full(2 * d, np.datetime64("NaT", "D"))]),
        start=np.concatenate([main_start, np.full(2 * d, np.datetime64("NaT", "D"))]),
        end=np.full(3 * d, np.datetime64("NaT", "D")),
        canceled=np.full(3 * d, np.datetime64("NaT", "D")),
        state=np.zeros(3 * d, int),
        cancel_at_end=np.zeros(3 * d, bool),
        period_start=np.full(3 * d, np.datetime64("NaT", "D")),
        period_end=np.full(3 * d, np.datetime64("NaT", "D")),
        seats=np.zeros((cohort.size, months_total), np.int32),
        anchor=np.ones(cohort.size, int),
    )
    b.anchor[cohort.deal_acc[::-1]] = dom[::-1]  # first deal's anchor per account
    addon_month = main_month + rng.integers(3, 19, d)
    sm = np.concatenate(
        [main_month, np.where(rng.random(d) < ADDON_SHARE[seg], addon_month, -99), np.full(d, -99)]
    )
    slot_dom = dom[base]
    cur_item = np.full(3 * d, -1)
    items: Events = {k: [] for k in ("slot", "product", "quantity", "start")}
    item_end: Events = {"row": [], "end": []}
    periods: Events = {k: [] for k in ("slot", "item", "start", "end", "first")}
    ev: dict[str, Events] = {k: {} for k in ("expansion", "renewal", "reactivation", "churn")}

    def add(group: Events, **arrays: np.ndarray) -> None:
        for name, values in arrays.items():
            group.setdefault(name, []).append(np.asarray(values))

    def new_items(slots: np.ndarray, day: np.ndarray) -> None:
        ended = cur_item[slots] >= 0
        add(item_end, row=cur_item[slots][ended], end=day[ended])
        first = sum(len(x) for x in items["slot"])
        cur_item[slots] = first + np.arange(len(slots))
        add(items, slot=slots, product=b.product[slots], quantity=b.quantity[slots], start=day)

    churn_base = np.array([s.monthly_churn for s in SEGMENTS.values()])[cohort.segment]
    for m in range(months_total):
        bdate = anchor_dates(starts, np.full(3 * d, m), slot_dom)
        prev = max(m - 1, 0)
        h, p_, dt_ = health[:, prev][acc], pain[:, prev][acc], detractor[:, prev][acc]
        drivers = np.stack(
            [
                np.full(3 * d, 0.3),
                np.full(3 * d, 0.25),
                0.8 * np.maximum(-h, 0) ** 1.2,
                0.9 * p_,
                0.6 * dt_,
            ]
        )
        hazard = churn_base[acc] * drivers.sum(axis=0)
        u = rng.random((6, 3 * d))
        due = (b.state == 1) & ((m - sm) % b.months == 0)
        starting = (b.state == 0) & (kind == 0) & ((sm == m) | ((m == 0) & (sm < 0)))
        starting |= (b.state == 0) & (kind == 2) & (sm == m)
        _start(b, np.flatnonzero(starting), bdate, new_items)
        add(ev["reactivation"], slot=np.flatnonzero(starting & (kind == 2)))

        main_due = due & (kind != 1)
        per_period = b.months
        churn = main_due & (u[0] < 1 - (1 - hazard) ** per_period)
        churned = np.flatnonzero(churn)
        reason = (
            u[1][churned, None] * drivers[:, churned].sum(0)[:, None]
            > np.cumsum(drivers[:, churned].T, axis=1)
        ).sum(axis=1)
        notice = np.where(
            b.months[churned] == 12,
            rng.integers(14, 80, len(churned)),
            rng.integers(1, 25, len(churned)),
        )
        b.canceled[churned] = bdate[churned] - notice.astype("timedelta64[D]")
        _end(b, churned, bdate, cur_item, item_end, add)
        keep = main_due & ~churn
        attempt = keep & (
            u[2] < 1 - (1 - EXPANSION_RATE[cohort.segment[acc]] * np.exp(0.7 * h)) ** per_period
        )
        won = attempt & (u[3] < 0.7)
        try_upgrade = (b.product < 2) & (u[4] < 0.3)
        shrink = (
            keep
            & ~attempt
            & (b.quantity > 1)
            & (u[5] < 1 - (1 - 0.008 * np.exp(-0.6 * h)) ** per_period)
        )
        old_arr = b.arr(three, b.product, b.quantity)
        grow = np.ceil(b.quantity * rng.uniform(1.1, 1.6, 3 * d)).astype(int)
        cut = np.maximum(1, np.floor(b.quantity * rng.uniform(0.6, 0.9, 3 * d))).astype(int)
        offer_q = np.where(try_upgrade, b.quantity, grow)
        offer_p = np.where(try_upgrade, b.product + 1, b.product)
        new_q = np.where(won, offer_q, np.where(shrink, cut, b.quantity))
        new_p = np.where(won, offer_p, b.product)
        new_arr = b.arr(three, new_p, new_q)
        exp = np.flatnonzero(attempt)
        add(
            ev["expansion"],
            slot=exp,
            date=bdate[exp],
            won=won[exp],
            delta=(b.arr(three, offer_p, offer_q) - old_arr)[exp],
        )
        ren = np.flatnonzero(main_due & (b.months == 12))
        add(
            ev["renewal"],
            slot=ren,
            date=bdate[ren],
            won=~churn[ren],
            amount=np.where(churn[ren], old_arr[ren], new_arr[ren]),
            canceled=b.canceled[ren],
            status=churn[ren].astype(int),
        )
        changed = np.flatnonzero(won | shrink)
        b.quantity[changed], b.product[changed] = new_q[changed], new_p[changed]
        new_items(changed, bdate[changed])

        addon_start = (b.state == 0) & (kind == 1) & (sm == m) & (b.state[b.parent] == 1)
        b.quantity[addon_start] = np.where(
            b.product[addon_start] == 4, 1, np.maximum(1, b.quantity[b.parent[addon_start]] // 3)
        )
        _start(b, np.flatnonzero(addon_start), bdate, new_items)
        add(
            ev["expansion"],
            slot=np.flatnonzero(addon_start),
            date=bdate[addon_start],
            won=np.ones(addon_start.sum(), bool),
            delta=b.arr(three, b.product, b.quantity)[addon_start],
        )
        addon_due = due & (kind == 1)
        addon_stop = np.flatnonzero(addon_due & ((b.state[b.parent] == 2) | (u[0] < 0.03)))
        b.canceled[addon_stop] = bdate[addon_stop] - rng.integers(1, 20, len(addon_stop)).astype(
            "timedelta64[D]"
        )
        _end(b, addon_stop, bdate, cur_item, item_end, add)

        billed = np.flatnonzero((b.state == 1) & (due | starting | addon_start))
        nxt = anchor_dates(starts, m + b.months[billed], slot_dom[billed])
        b.period_start[billed], b.period_end[billed] = bdate[billed], nxt
        add(
            periods,
            slot=billed,
            item=cur_item[billed],
            start=bdate[billed],
            end=nxt,
            first=starting[billed] | addon_start[billed],
        )

        running = (b.state == 1) & (kind != 1)
        live = np.bincount(acc[running], minlength=cohort.size)
        lost = churned[live[acc[churned]] == 0]
        lost = lost[np.unique(acc[lost], return_index=True)[1]]
        comeback = lost[(kind[lost] == 0) & (rng.random(len(lost)) < REACTIVATION_SHARE)]
        sm[comeback + 2 * d] = m + rng.integers(3, 16, len(comeback))
        b.quantity[comeback + 2 * d] = np.maximum(
            1, (b.quantity[comeback] * rng.uniform(0.5, 1.0, len(comeback))).astype(int)
        )
        b.product[comeback + 2 * d] = b.product[comeback]
        add(
            ev["churn"],
            slot=lost,
            date=b.end[lost],
            canceled=b.canceled[lost],
            reason=reason[np.searchsorted(churned, lost)],
        )
        plan_seats = np.where(running & (b.product < 3), b.quantity, 0)
        b.seats[:, m] = np.bincount(acc, weights=plan_seats, minlength=cohort.size)

    finish_book(spec, b, rng, hazard, ev)
    b.items = concat_events(items)
    ends = concat_events(item_end)
    b.items["end"] = np.full(len(b.items["slot"]), np.datetime64("NaT", "D"))
    b.items["end"][ends["row"].astype(int)] = ends["end"]
    b.periods = concat_events(periods)
    b.events = {k: concat_events(v) for k, v in ev.items()}
    return b


def _start(b: Book, slots: np.ndarray, bdate: np.ndarray, new_items: Callable[..., None]) -> None:
    later = slots[b.kind[slots] != 0]
    b.start[later] = bdate[later]
    b.created[later] = bdate[later]
    b.state[slots] = 1
    new_items(slots, b.start[slots])


def _end(
    b: Book,
    slots: np.ndarray,
    bdate: np.ndarray,
    cur_item: np.ndarray,
    item_end: Events,
    add: Callable[..., None],
) -> None:
    b.state[slots] = 2
    b.end[slots] = bdate[slots]
    b.canceled[slots] = np.maximum(b.canceled[slots], b.start[slots])
    add(item_end, row=cur_item[slots], end=bdate[slots])
