"""Product usage: one row per customer account per day with any activity.

Usage exists only on days the account is in service (a plan subscription running).
Active users per day are drawn from the seats licensed that day and the account's
hidden health (healthy accounts adopt more seats); weekends are quiet. Built one month
at a time with small integer types, so a million accounts stay within memory.

>>> spec = DemoSpec(accounts=10, months=12)
>>> one = np.array([0])
>>> int(service_calendar(spec, one, np.array([spec.start]), np.array([spec.end]), 1).sum())
365
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revhub.demo.customers.engagement import month_starts
from revhub.demo.spec import DemoSpec
from revhub.model import get_table


def service_calendar(
    spec: DemoSpec, acc: np.ndarray, start: np.ndarray, end: np.ndarray, accounts: int
) -> np.ndarray:
    """Boolean ``[accounts, days]``: in service that day (``end`` exclusive, NaT = running)."""
    days = spec.days
    first = np.clip((start - spec.start).astype(int), 0, days)
    last = np.where(np.isnat(end), days, np.clip((end - spec.start).astype(int), 0, days))
    diff = np.zeros((accounts, days + 1), dtype=np.int8)
    np.add.at(diff, (acc, first), 1)
    np.add.at(diff, (acc, last), -1)
    return np.cumsum(diff[:, :days], axis=1, dtype=np.int8) > 0


def in_service(spec: DemoSpec, service: np.ndarray, acc: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Whether each (account, timestamp or day) falls on a day in service.

    >>> spec = DemoSpec(accounts=1, months=12)
    >>> service = np.ones((1, spec.days), bool)
    >>> in_service(spec, service, np.array([0]), np.array([spec.end])).tolist()
    [False]
    """
    day = (at.astype("datetime64[D]") - spec.start).astype(int)
    ok = (day >= 0) & (day < spec.days)
    result = np.zeros(len(acc), dtype=bool)
    result[ok] = service[acc[ok], day[ok]]
    return result


def constant(value: str, count: int) -> pa.Array:
    """A string column holding one value (built in Arrow, not as Python objects).

    >>> constant("product", 2).to_pylist()
    ['product', 'product']
    """
    codes = pa.array(np.zeros(count, dtype=np.int8))
    return pa.DictionaryArray.from_arrays(codes, pa.array([value])).cast(pa.string())


def product_usage(
    spec: DemoSpec,
    chunk: int,
    account_id: np.ndarray,
    service: np.ndarray,
    health: np.ndarray,
    seats: np.ndarray,
    anchor: np.ndarray,
) -> pa.Table:
    """The ``product_usage`` rows of one chunk's customers.

    Example: ``product_usage(spec, 0, ids, service, health, book.seats, book.anchor)``.
    """
    rng = spec.rng("product_usage", chunk)
    ids = pa.array(account_id.astype(str), type=pa.string())
    starts = month_starts(spec)
    offsets = (starts - spec.start).astype(int)
    parts = []
    for m in range(spec.months):
        acc, j = np.nonzero(service[:, offsets[m] : offsets[m + 1]])
        acc = acc.astype(np.int32)
        day = starts[m] + j.astype("timedelta64[D]")
        before_anchor = (j + 1) < anchor[acc]
        held = np.where(before_anchor & (m > 0), seats[acc, max(m - 1, 0)], seats[acc, m])
        held = np.where(held > 0, held, np.maximum(seats[acc, m], 1)).astype(np.int32)
        h = health[acc, m]
        weekday = (day.astype(int) + 3) % 7  # 0 = Monday
        share = 1 / (1 + np.exp(-(0.9 * h + 0.6))) * np.where(weekday >= 5, 0.12, 0.85)
        users = rng.binomial(held, share).astype(np.int32)
        active = users > 0
        acc, day, users, held, h = acc[active], day[active], users[active], held[active], h[active]
        n = len(acc)
        events = (users + rng.poisson(users * 14.0 * np.exp(0.25 * h))).astype(np.int32)
        key_feature = rng.random(n) < 1 / (1 + np.exp(-(1.2 * h + 0.2)))
        account = ids.take(pa.array(acc))
        dates = pa.array(day, type=pa.date32())
        loaded = day.astype("datetime64[s]") + np.timedelta64(23 * 3600 + 1800, "s")
        parts.append(
            get_table("product_usage").to_arrow(
                {
                    "account_id": account,
                    "usage_date": dates,
                    "active_users": users,
                    "events": events,
                    "seats_licensed": held,
                    "key_feature_used": key_feature,
                    "source": constant("product", n),
                    "source_id": pc.binary_join_element_wise(
                        account, pc.cast(dates, pa.string()), ":"
                    ),
                    "created_at": loaded,
                    "updated_at": loaded,
                }
            )
        )
    if not parts:
        return get_table("product_usage").arrow_schema().empty_table()
    return pa.concat_tables(parts)
