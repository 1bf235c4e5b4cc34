"""The customers of one chunk: accounts with a won new-business deal, their deals,
contacts, owners and the CSM each is handed to.

Every other part of the customer simulation indexes accounts by their position in
``Cohort.account_id`` (``acc`` arrays) and months by their index from ``spec.start``.

>>> Cohort.__name__
'Cohort'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from revhub.demo.customers.catalog import CURRENCIES
from revhub.demo.market import ANNUAL_MONTHS_CHARGED, PLANS, list_price
from revhub.demo.spec import DemoSpec

SEGMENT_CODES: dict[str, int] = {"smb": 0, "mid_market": 1, "enterprise": 2}
PLAN_CODES: dict[str, int] = {name: i for i, name in enumerate(PLANS)}
NULL: np.ndarray = np.array(None, dtype=object)  # a null for np.where on object columns


def column(table: pa.Table, name: str) -> np.ndarray:
    """A column as a numpy array (object dtype for strings, nulls as None).

    >>> column(pa.table({"x": ["a", None]}), "x").tolist()
    ['a', None]
    """
    return np.asarray(table[name].to_numpy(zero_copy_only=False))


@dataclass
class Cohort:
    """Customer accounts (``acc`` = index) and the won deals that made them customers."""

    account_id: np.ndarray  # [A] object
    name: np.ndarray  # [A] object: company name
    segment: np.ndarray  # [A] int codes of SEGMENT_CODES
    region: np.ndarray  # [A] object
    country: np.ndarray  # [A] object
    owner_id: np.ndarray  # [A] object (AE, may be None)
    csm_id: np.ndarray  # [A] object (may be None when the org has no CSM)
    contact_id: np.ndarray  # [C] object, sorted by contact_acc
    contact_acc: np.ndarray  # [C] int
    support_agents: np.ndarray  # object: user ids of support agents
    deal_id: np.ndarray  # [D] object: opportunity ids of won new-business deals
    deal_acc: np.ndarray  # [D] int
    deal_closed: np.ndarray  # [D] datetime64[D]
    deal_currency: np.ndarray  # [D] object
    deal_plan: np.ndarray  # [D] int codes of PLAN_CODES
    deal_seats: np.ndarray  # [D] int
    deal_months: np.ndarray  # [D] billing interval in months (1 or 12)
    deal_discount: np.ndarray  # [D] float: discount that makes ARR equal the deal amount

    @property
    def size(self) -> int:
        return len(self.account_id)


def codes(
    values: np.ndarray, vocabulary: tuple[str, ...] | list[str], default: int = 0
) -> np.ndarray:
    """Integer codes of ``values`` in ``vocabulary`` (unknown values get ``default``).

    >>> codes(np.array(["b", "a", "x"], dtype=object), ("a", "b")).tolist()
    [1, 0, 0]
    """
    unique, inverse = np.unique(values.astype(str), return_inverse=True)
    lookup = {v: i for i, v in enumerate(vocabulary)}
    return np.array([lookup.get(u, default) for u in unique], dtype=np.int64)[inverse]


def build_cohort(
    spec: DemoSpec, org: Mapping[str, pa.Table], gtm: Mapping[str, pa.Table], chunk: int = 0
) -> Cohort:
    """Select the chunk's won new-business deals with their terms, accounts and contacts.

    Example: ``build_cohort(spec, org, gtm).deal_id`` are the won deals with terms. The
    discount is re-derived from the deal amount, so subscription ARR equals the amount.
    """
    opps = gtm["opportunities"]
    closed = column(opps, "closed_date").astype("datetime64[D]")
    won = column(opps, "is_won").astype(bool) & (column(opps, "opportunity_type") == "new_business")
    won &= closed < spec.end
    terms = gtm["_deal_terms"]
    term_ids = column(terms, "opportunity_id").astype(str)
    sorter = np.argsort(term_ids)
    opp_ids = column(opps, "opportunity_id").astype(str)
    pos = np.minimum(np.searchsorted(term_ids, opp_ids, sorter=sorter), max(len(term_ids) - 1, 0))
    if len(term_ids):
        won &= term_ids[sorter[pos]] == opp_ids
    else:
        won[:] = False
    rows = np.flatnonzero(won)
    t = sorter[pos[rows]]

    accounts = gtm["accounts"]
    all_ids = column(accounts, "account_id").astype(str)
    deal_account = column(opps, "account_id").astype(str)[rows]
    account_id = np.unique(deal_account)
    order = np.argsort(all_ids)
    account_rows = order[np.searchsorted(all_ids, account_id, sorter=order)]
    deal_acc = np.searchsorted(account_id, deal_account)

    plan = codes(column(terms, "plan")[t], list(PLANS))
    seats = np.maximum(column(terms, "seats")[t].astype(np.int64), 1)
    months = np.where(column(terms, "billing_interval")[t] == "year", 12, 1)
    currency = column(opps, "currency")[rows]
    cur = codes(currency, CURRENCIES)
    monthly = np.array([[list_price(p, c) for c in CURRENCIES] for p in PLANS])[plan, cur]
    per_seat = monthly * np.where(months == 12, ANNUAL_MONTHS_CHARGED, 12)
    amount = column(opps, "amount")[rows].astype(float)
    discount = np.clip(1.0 - amount / (seats * per_seat), 0.0, 0.9)

    segment = codes(column(accounts, "segment")[account_rows], list(SEGMENT_CODES))
    region = column(accounts, "region")[account_rows]
    contacts = gtm["contacts"]
    c_acc_id = column(contacts, "account_id").astype(str)
    in_cohort = np.isin(c_acc_id, account_id)
    c_acc = np.searchsorted(account_id, c_acc_id[in_cohort])
    c_order = np.argsort(c_acc, kind="stable")
    users = org["users"]
    role = column(users, "role")
    return Cohort(
        account_id=account_id.astype(object),
        name=column(accounts, "name")[account_rows],
        segment=segment,
        region=region,
        country=column(accounts, "country")[account_rows],
        owner_id=column(accounts, "owner_id")[account_rows],
        csm_id=_assign_csms(spec.rng("csm_assignment", chunk), users, segment, region),
        contact_id=column(contacts, "contact_id")[in_cohort][c_order],
        contact_acc=c_acc[c_order],
        support_agents=column(users, "user_id")[role == "support_agent"],
        deal_id=opp_ids[rows].astype(object),
        deal_acc=deal_acc,
        deal_closed=closed[rows],
        deal_currency=currency,
        deal_plan=plan,
        deal_seats=seats,
        deal_months=months,
        deal_discount=discount,
    )


def _assign_csms(
    rng: np.random.Generator, users: pa.Table, segment: np.ndarray, region: np.ndarray
) -> np.ndarray:
    """A CSM per account: one covering the account's segment and region if any, else any CSM."""
    csm = column(users, "role") == "csm"
    ids = column(users, "user_id")[csm]
    out = np.full(len(segment), None, dtype=object)
    if len(ids) == 0:
        return out
    names = np.array(list(SEGMENT_CODES))
    u_seg = column(users, "segment")[csm]
    u_reg = column(users, "region")[csm]
    pick = rng.random(len(segment))
    for s in range(len(names)):
        for r in np.unique(region.astype(str)):
            rows = np.flatnonzero((segment == s) & (region.astype(str) == r))
            pool = ids[(u_seg == names[s]) & (u_reg == r)]
            for fallback in (u_reg == r, u_seg == names[s], np.ones(len(ids), bool)):
                if len(pool) == 0:
                    pool = ids[fallback]
            out[rows] = pool[(pick[rows] * len(pool)).astype(int)]
    return out
