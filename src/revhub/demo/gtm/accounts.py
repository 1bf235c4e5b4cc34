"""Companies and the people at them: the account firmographics and the contacts table.

Accounts are drawn per chunk from the market shares (segment, region, country and its
currency); a few are subsidiaries of a bigger account in the same chunk. Contacts are
converted leads plus people the sellers added to the deal (buying committees).

>>> import datetime as dt
>>> spec = DemoSpec(accounts=100, months=12, as_of=dt.date(2026, 1, 1))
>>> acc = draw_accounts(spec, 0, range(0, 100))
>>> len(acc.ids), bool((acc.first_seen < spec.end).all())
(100, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from revhub.demo.gtm import names
from revhub.demo.gtm.seasons import arrival_days, office_time
from revhub.demo.market import REGIONS, SEGMENTS
from revhub.demo.spec import DemoSpec, make_ids

PARENT_SHARE = 0.04  # share of accounts that are subsidiaries of another account


@dataclass
class Accounts:
    """One chunk of accounts as arrays (index i is the i-th account of the chunk)."""

    ids: np.ndarray
    numbers: np.ndarray  # global account number (1-based)
    segment: np.ndarray
    region: np.ndarray
    country: np.ndarray
    currency: np.ndarray
    name: np.ndarray
    brand: np.ndarray  # name without legal suffix, as people type it
    domain: np.ndarray
    industry: np.ndarray
    employees: np.ndarray
    annual_revenue: np.ndarray
    city: np.ndarray
    phone: np.ndarray
    territory: np.ndarray
    parent: np.ndarray  # account index of the parent, -1 if none
    first_seen: np.ndarray  # datetime64[s]


def _choose(
    rng: np.random.Generator, options: list[str], weights: list[float], n: int
) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return np.asarray(options, dtype=object)[rng.choice(len(options), n, p=p / p.sum())]


def draw_accounts(spec: DemoSpec, chunk: int, accounts: range) -> Accounts:
    """Firmographics for the accounts of one chunk."""
    rng = spec.rng("accounts", chunk)
    n = len(accounts)
    segment = _choose(rng, list(SEGMENTS), [s.account_share for s in SEGMENTS.values()], n)
    region = _choose(rng, list(REGIONS), [r.account_share for r in REGIONS.values()], n)
    country = np.empty(n, dtype=object)
    currency = np.empty(n, dtype=object)
    for name, reg in REGIONS.items():
        mask = region == name
        codes = [c[0] for c in reg.countries]
        country[mask] = _choose(rng, codes, [c[1] for c in reg.countries], int(mask.sum()))
        for code, _, cur in reg.countries:
            currency[country == code] = cur
    employees = np.zeros(n, dtype=np.int64)
    for name, seg in SEGMENTS.items():
        mask = segment == name
        lo, hi = np.log(seg.employees[0]), np.log(seg.employees[1])
        employees[mask] = np.exp(rng.uniform(lo, hi, mask.sum())).astype(np.int64)
    revenue = (employees * rng.lognormal(np.log(150_000), 0.5, n)).astype(np.int64)
    numbers = np.arange(accounts.start, accounts.stop, dtype=np.int64) + 1
    brand, stem = names.company_names(numbers, spec.seed)
    domain = stem + names.top_level_domain(country)
    parent = np.full(n, -1, dtype=np.int64)
    child = np.zeros(n, dtype=bool)
    big = np.flatnonzero(segment != "smb")
    children = np.flatnonzero(rng.random(n) < PARENT_SHARE)
    if len(big) and len(children):
        parent[children] = big[rng.integers(0, len(big), len(children))]
        parent[parent == np.arange(n)] = -1
        parent[parent[np.maximum(parent, 0)] >= 0] = -1  # no grandchildren
        child = parent >= 0
    if child.any():
        brand[child] = brand[parent[child]] + " " + country[child]
        domain[child] = (
            np.char.lower(country[child].astype(str)).astype(object) + "." + domain[parent[child]]
        )
    first_seen = office_time(rng, arrival_days(spec, rng, n))
    return Accounts(
        ids=make_ids("acc", accounts.start, n),
        numbers=numbers,
        segment=segment,
        region=region,
        country=country,
        currency=currency,
        name=brand + " " + names.legal_suffix(country),
        brand=brand,
        domain=domain,
        industry=_choose(rng, list(names.INDUSTRIES), [1.0] * len(names.INDUSTRIES), n),
        employees=employees,
        annual_revenue=revenue,
        city=names.cities(rng, country),
        phone=names.phones(rng, country),
        territory="ter_" + region + "_" + segment,
        parent=parent,
        first_seen=first_seen,
    )
