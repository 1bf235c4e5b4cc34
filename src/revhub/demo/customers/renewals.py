"""Deals after the first sale: expansions, renewals of annual plans, and win-backs.

Built from the events of the subscription loop. Each deal gets a two-version history
(open, then closed) or one open version; versions never overlap. Expansion deals are
owned by the CSM (the AE for enterprise), renewals by the CSM, win-backs by the AE.

>>> STAGE_OPEN
{'expansion': 'proposal', 'renewal': 'negotiation', 'new_business': 'discovery'}
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from revhub.demo.customers.book import Book
from revhub.demo.customers.catalog import CURRENCIES
from revhub.demo.customers.cohort import NULL, Cohort
from revhub.demo.customers.feedback import pick_contacts
from revhub.demo.customers.native_ids import native_ids
from revhub.demo.market import rate_on
from revhub.demo.spec import DemoSpec, chunk_ids
from revhub.model import get_table

STAGE_OPEN = {"expansion": "proposal", "renewal": "negotiation", "new_business": "discovery"}
_FORECAST_OPEN = {"expansion": "best_case", "renewal": "commit", "new_business": "pipeline"}
_PROBABILITY_OPEN = {"expansion": 0.6, "renewal": 0.8, "new_business": 0.2}
_LOST = np.array(["price", "competitor", "no_decision", "timing"], dtype=object)
_DAY = np.timedelta64(1, "D")


def customer_deals(
    spec: DemoSpec,
    chunk: int,
    cohort: Cohort,
    book: Book,
    sub_id: np.ndarray,
    rates: dict[str, np.ndarray],
) -> tuple[dict[str, pa.Table], np.ndarray]:
    """Opportunities and their history; also the deal id that created each slot (or None).

    Example: ``tables, made_by = customer_deals(spec, 0, cohort, book, sub_id, rates)``.
    """
    rng = spec.rng("customer_deals", chunk)
    ev = book.events
    exp, ren, react = ev["expansion"], ev["renewal"], ev["reactivation"]
    ne, nr, nw = len(exp["slot"]), len(ren["slot"]), len(react["slot"])
    slot = np.concatenate([exp["slot"], ren["slot"], react["slot"]]).astype(int)
    kind = np.repeat(np.array(["expansion", "renewal", "new_business"]), [ne, nr, nw])
    start = book.start[slot]
    react_close = start[ne + nr :] - rng.integers(0, 6, nw).astype("timedelta64[D]")
    close = np.concatenate([exp["date"], ren["date"], react_close])
    lead = np.concatenate([rng.integers(7, 45, ne), np.full(nr, 90), rng.integers(14, 60, nw)])
    created = close - lead.astype("timedelta64[D]")
    floor = np.where(kind == "new_business", book.end[book.parent[slot]], start)
    created = np.maximum(created, floor)
    status = np.concatenate([np.where(exp["won"], 0, 1), ren["status"], np.zeros(nw, int)])
    closed = np.where(
        status == 1, close, close - rng.integers(0, 8, len(slot)).astype("timedelta64[D]")
    )
    renewal_lost = np.flatnonzero(kind == "renewal")[ren["status"] == 1]
    closed[renewal_lost] = np.minimum(ren["canceled"][ren["status"] == 1], close[renewal_lost])
    closed = np.maximum(closed, created)
    closed[status == 2] = np.datetime64("NaT")
    amount = np.concatenate(
        [
            exp["delta"],
            ren["amount"],
            book.arr(
                slot[ne + nr :], book.product[slot[ne + nr :]], book.quantity[slot[ne + nr :]]
            ),
        ]
    )
    discount = book.discount[slot]
    acc = book.acc[slot]
    csm, ae = cohort.csm_id[acc], cohort.owner_id[acc]
    owner = np.where(
        (kind == "renewal") | ((kind == "expansion") & (cohort.segment[acc] < 2)), csm, ae
    )
    owner = np.where(owner == None, np.where(csm == None, ae, csm), owner)  # noqa: E711
    n = len(slot)
    ids = chunk_ids("opp_cs", chunk, n)
    currency = np.array(CURRENCIES, dtype=object)[book.currency[slot]]
    is_open = status == 2
    rate_day = np.where(is_open, created, closed)
    fx = np.round(rate_on(rates, spec, currency, rate_day), 8)
    created_ts = created.astype("datetime64[s]") + (9 * 3600 + rng.integers(0, 3600, n)).astype(
        "timedelta64[s]"
    )
    closed_ts = closed.astype("datetime64[s]") + np.timedelta64(17 * 3600, "s")
    last_activity = np.where(
        is_open,
        np.minimum(
            created_ts + rng.integers(1, 40 * 86400, n).astype("timedelta64[s]"),
            spec.end.astype("datetime64[s]") - np.timedelta64(3600, "s"),
        ),
        closed_ts,
    )
    stage = np.select(
        [is_open, status == 0], [_open(kind, STAGE_OPEN), "closed_won"], "closed_lost"
    ).astype(object)
    forecast = np.select(
        [is_open, status == 0], [_open(kind, _FORECAST_OPEN), "closed"], "omitted"
    ).astype(object)
    probability = np.select([is_open, status == 0], [_open(kind, _PROBABILITY_OPEN), 1.0], 0.0)
    list_amount = amount / (1 - discount)
    label = np.array(["Expansion", "Renewal", "Win-back"], dtype=object)[
        _index(kind, ["expansion", "renewal", "new_business"])
    ]
    names = cohort.name[acc].astype(object) + " - " + label
    opps = get_table("opportunities").to_arrow(
        {
            "opportunity_id": ids,
            "name": names,
            "account_id": cohort.account_id[acc],
            "primary_contact_id": _contacts(cohort, acc, rng.random(n)),
            "owner_id": owner,
            "opportunity_type": kind.astype(object),
            "stage": stage,
            "forecast_category": forecast,
            "probability": probability,
            "currency": currency,
            "fx_rate": fx,
            "amount": amount,
            "amount_base": np.round(np.round(amount, 2) * fx, 2),
            "list_amount": list_amount,
            "list_amount_base": np.round(np.round(list_amount, 2) * fx, 2),
            "discount": discount,
            "created_date": created,
            "close_date": close,
            "closed_date": closed,
            "is_closed": ~is_open,
            "is_won": status == 0,
            "lost_reason": np.where(status == 1, _LOST[rng.integers(0, 4, n)], NULL),
            "renewed_subscription_id": np.where(kind == "renewal", sub_id[slot], NULL),
            "last_activity_at": last_activity,
            "source": np.full(n, "salesforce", dtype=object),
            "source_id": native_ids("006", rng, n, 15),
            "created_at": created_ts,
            "updated_at": last_activity,
        }
    )
    history = _history(opps, kind, created_ts, closed_ts, is_open, owner, rates, spec)
    made_by = np.full(len(book.kind), None, dtype=object)
    first_addon = (kind == "expansion") & (book.kind[slot] == 1) & (status == 0)
    made_by[slot[first_addon]] = ids[first_addon]
    made_by[slot[kind == "new_business"]] = ids[kind == "new_business"]
    return {"opportunities": opps, "opportunity_history": history}, made_by


def _contacts(cohort: Cohort, acc: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A contact of each deal's account (null when it has none)."""
    if len(cohort.contact_id) == 0:
        return np.full(len(acc), None, dtype=object)
    pick = pick_contacts(acc, cohort.contact_acc, u)
    return np.where(pick >= 0, cohort.contact_id[np.maximum(pick, 0)], NULL)


def _open(kind: np.ndarray, mapping: dict[str, str] | dict[str, float]) -> np.ndarray:
    values = np.array(list(mapping.values()))
    picked: np.ndarray = values[_index(kind, list(mapping))]
    return picked


def _index(kind: np.ndarray, names: list[str]) -> np.ndarray:
    out = np.zeros(len(kind), dtype=int)
    for i, name in enumerate(names):
        out[kind == name] = i
    return out


def _history(
    opps: pa.Table,
    kind: np.ndarray,
    created_ts: np.ndarray,
    closed_ts: np.ndarray,
    is_open: np.ndarray,
    owner: np.ndarray,
    rates: dict[str, np.ndarray],
    spec: DemoSpec,
) -> pa.Table:
    """Version 1 (created, open stage) and, for closed deals, version 2 (closed)."""
    ids = np.asarray(opps["opportunity_id"].to_numpy(zero_copy_only=False))
    currency = np.asarray(opps["currency"].to_numpy(zero_copy_only=False))
    amount = opps["amount"].cast(pa.float64()).to_numpy()
    close = np.asarray(opps["close_date"].to_numpy()).astype("datetime64[D]")
    closed = np.flatnonzero(~is_open)
    rows = np.concatenate([np.arange(len(ids)), closed])
    first = np.arange(len(rows)) < len(ids)
    valid_from = np.where(first, created_ts[rows], closed_ts[rows])
    valid_to = np.where(first & ~is_open[rows], closed_ts[rows], np.datetime64("NaT", "s"))
    final_stage = np.asarray(opps["stage"].to_numpy(zero_copy_only=False))
    final_fc = np.asarray(opps["forecast_category"].to_numpy(zero_copy_only=False))
    final_p = opps["probability"].to_numpy(zero_copy_only=False)
    fx = np.round(rate_on(rates, spec, currency[rows], valid_from.astype("datetime64[D]")), 8)
    n = len(rows)
    return get_table("opportunity_history").to_arrow(
        {
            "opportunity_id": ids[rows],
            "valid_from": valid_from,
            "valid_to": valid_to,
            "stage": np.where(first, _open(kind[rows], STAGE_OPEN), final_stage[rows]).astype(
                object
            ),
            "forecast_category": np.where(
                first, _open(kind[rows], _FORECAST_OPEN), final_fc[rows]
            ).astype(object),
            "probability": np.where(first, _open(kind[rows], _PROBABILITY_OPEN), final_p[rows]),
            "currency": currency[rows],
            "fx_rate": fx,
            "amount": amount[rows],
            "amount_base": np.round(amount[rows] * fx, 2),
            "close_date": close[rows],
            "owner_id": owner[rows],
            "change_kind": np.where(first, "created", "closed").astype(object),
            "source": np.full(n, "salesforce", dtype=object),
            "source_id": np.char.add(ids[rows].astype(str), np.where(first, ":1", ":2")).astype(
                object
            ),
            "created_at": valid_from,
            "updated_at": valid_from,
        }
    )
