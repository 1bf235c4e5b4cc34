"""The demand funnel: leads arriving and moving subscriber → lead → MQL → SQL → opportunity.

Each account brings one or more leads over the history. Whether and how fast a lead
moves on depends on its channel's quality, its segment and region, and the skill of the
SDR and AE who own it. One region and quarter has a planted bottleneck: MQLs there wait
much longer for SDR follow-up and convert less (see ``bottleneck``).

>>> import datetime as dt
>>> b = bottleneck(DemoSpec(accounts=10, months=24, as_of=dt.date(2026, 1, 1)))
>>> b.region, str(b.quarter_start)
('emea', '2025-01-01')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from revhub.demo.gtm.accounts import Accounts
from revhub.demo.gtm.arrays import NAT, column, lookup, pick_active
from revhub.demo.gtm.seasons import add_days, quarter_start
from revhub.demo.gtm.staff import Staff
from revhub.demo.market import CHANNELS
from revhub.demo.spec import DemoSpec

EXTRA_LEADS = {"smb": 0.6, "mid_market": 1.5, "enterprise": 3.0}  # Poisson mean beyond the first
SUBSCRIBER_ENTRY = {"content": 0.35, "email": 0.35, "organic_search": 0.35, "webinar": 0.10}
P_MQL = 0.55
MQL_DAYS = 5.0
P_SQL = 0.50
SQL_DAYS = 2.0  # median days from MQL to SQL (SDR follow-up)
SEGMENT_SLOWNESS = {"smb": 1.0, "mid_market": 1.3, "enterprise": 1.6}
REGION_FACTOR = {"north_america": 1.05, "emea": 1.0, "apac": 0.9, "latam": 0.85}
P_OPP = 0.75
OPP_DAYS = 4.0
BOTTLENECK_SLOWDOWN = 3.5
BOTTLENECK_CONVERSION = 0.5


@dataclass(frozen=True)
class Bottleneck:
    """The planted funnel bottleneck: region, quarter and the parameters used."""

    region: str
    quarter_start: np.datetime64
    quarter_end: np.datetime64
    normal_median_days: float = SQL_DAYS
    planted_median_days: float = SQL_DAYS * BOTTLENECK_SLOWDOWN
    normal_conversion: float = P_SQL
    planted_conversion: float = P_SQL * BOTTLENECK_CONVERSION


def bottleneck(spec: DemoSpec) -> Bottleneck:
    """EMEA, in the quarter starting about 9–12 months before the end (inside the history)."""
    start = quarter_start(spec.end - 300)
    while start < spec.start:
        start = (start.astype("datetime64[M]") + 3).astype("datetime64[D]")
    end = (start.astype("datetime64[M]") + 3).astype("datetime64[D]")
    return Bottleneck("emea", start, end)


@dataclass
class Leads:
    """One chunk of leads as arrays; stage times are datetime64[s], NaT when not reached."""

    account: np.ndarray  # account index in the chunk
    channel: np.ndarray
    created: np.ndarray
    subscriber: np.ndarray
    lead: np.ndarray
    mql: np.ndarray
    sql: np.ndarray
    opp: np.ndarray  # set only for the one lead per account that opened the opportunity
    sdr: np.ndarray  # user index, -1 if none
    ae: np.ndarray  # user index, -1 if none
    campaign: np.ndarray  # campaign index, -1 if none
    partner: np.ndarray  # partner index, -1 if none


def _step(
    rng: np.random.Generator,
    prior: np.ndarray,
    p: np.ndarray,
    median: np.ndarray,
    end: np.datetime64,
) -> np.ndarray:
    """Next-stage times: reached with probability ``p`` after a lognormal delay, before ``end``."""
    n = len(prior)
    go = ~np.isnat(prior) & (rng.random(n) < np.clip(p, 0.0, 0.95))
    delay = median * rng.lognormal(0.0, 0.8, n)
    times = add_days(prior, np.where(go, delay, 0.0))
    return np.where(go & (times < end.astype("datetime64[s]")), times, NAT).astype("datetime64[s]")


def _pick_campaign(
    rng: np.random.Generator, campaigns: pa.Table, channel: np.ndarray, created: np.ndarray
) -> np.ndarray:
    """A campaign of the lead's channel running in the lead's quarter (-1 if none)."""
    c_channel = column(campaigns, "channel").astype(str)
    c_quarter = column(campaigns, "start_date").astype("datetime64[M]").astype(np.int64) // 3
    key = np.char.add(c_channel, c_quarter.astype(str))
    order = np.argsort(key, kind="stable")
    sorted_keys = key[order]
    lead_quarter = created.astype("datetime64[M]").astype(np.int64) // 3
    lead_key = np.char.add(channel.astype(str), lead_quarter.astype(str))
    lo = np.searchsorted(sorted_keys, lead_key, "left")
    hi = np.searchsorted(sorted_keys, lead_key, "right")
    pick = lo + (rng.random(len(channel)) * (hi - lo)).astype(np.int64)
    return np.where(hi > lo, order[np.minimum(pick, len(order) - 1)], -1)


def _pick_partner(
    rng: np.random.Generator, partners: pa.Table, region: np.ndarray, day: np.ndarray
) -> np.ndarray:
    """A partner of the lead's region that had joined by then (the earliest one otherwise)."""
    joined = column(partners, "joined_date").astype("datetime64[D]")
    p_region = column(partners, "region")
    order = np.argsort(joined, kind="stable")
    pools = {str(r): order[p_region[order] == r] for r in np.unique(p_region)}
    pools = {r: m if len(m) else order for r, m in pools.items()}
    pool_of_row = np.where(np.isin(region, list(pools)), region, next(iter(pools)))
    never = np.full(len(joined), np.datetime64("2200-01-01", "D"))
    return pick_active(rng, pools, pool_of_row, day, joined, never)


def simulate_leads(
    spec: DemoSpec, chunk: int, acc: Accounts, staff: Staff, org: dict[str, pa.Table]
) -> Leads:
    """Draw the chunk's leads and move each through the funnel stages."""
    rng = spec.rng("leads", chunk)
    end = spec.end.astype("datetime64[s]")
    extra = rng.poisson(lookup(EXTRA_LEADS, acc.segment))
    account = np.repeat(np.arange(len(acc.ids)), 1 + extra)
    rank = np.arange(len(account)) - np.repeat(np.cumsum(1 + extra) - (1 + extra), 1 + extra)
    later = add_days(acc.first_seen[account], rng.exponential(200.0, len(account)))
    created = np.where(rank == 0, acc.first_seen[account], later)
    keep = created < end
    account, created = account[keep], created[keep]
    order = np.lexsort((created, account))
    account, created = account[order], created[order].astype("datetime64[s]")
    n = len(account)
    share = np.array([c.lead_share for c in CHANNELS.values()])
    channel = np.asarray(list(CHANNELS), dtype=object)[
        rng.choice(len(share), n, p=share / share.sum())
    ]
    quality = lookup({k: c.quality for k, c in CHANNELS.items()}, channel)
    is_sub = rng.random(n) < lookup(SUBSCRIBER_ENTRY, channel)
    subscriber = np.where(is_sub, created, NAT).astype("datetime64[s]")
    promoted = _step(rng, subscriber, np.full(n, 0.6), np.full(n, 20.0), spec.end)
    lead = np.where(is_sub, promoted, created).astype("datetime64[s]")
    mql = _step(rng, lead, P_MQL * quality**0.7, np.full(n, MQL_DAYS), spec.end)
    region, segment = acc.region[account], acc.segment[account]
    mql_day = np.where(np.isnat(mql), created, mql).astype("datetime64[D]")
    sdr = staff.assign(rng, "sdr_" + region, mql_day)
    sdr_skill = staff.effective_skill(sdr, mql_day)
    slow = lookup(SEGMENT_SLOWNESS, segment)
    planted = bottleneck(spec)
    hit = (
        (region == planted.region)
        & (mql_day >= planted.quarter_start)
        & (mql_day < planted.quarter_end)
    )
    p_sql = P_SQL * quality * lookup(REGION_FACTOR, region) * sdr_skill
    p_sql = np.where(hit, p_sql * BOTTLENECK_CONVERSION, p_sql)
    median = SQL_DAYS * slow / sdr_skill * np.where(hit, BOTTLENECK_SLOWDOWN, 1.0)
    sql = _step(rng, mql, p_sql, median, spec.end)
    sql_day = np.where(np.isnat(sql), created, sql).astype("datetime64[D]")
    ae = staff.assign(rng, acc.territory[account], sql_day)
    ae_skill = staff.effective_skill(ae, sql_day)
    opp = _step(rng, sql, P_OPP * ae_skill**0.5, OPP_DAYS * slow, spec.end)
    # Only the first lead of an account to reach the opportunity stage opens the deal.
    has = ~np.isnat(opp)
    first = np.zeros(n, dtype=bool)
    cand = np.flatnonzero(has)
    if len(cand):
        by_time = cand[np.lexsort((opp[cand], account[cand]))]
        firsts = np.ones(len(by_time), dtype=bool)
        firsts[1:] = account[by_time][1:] != account[by_time][:-1]
        first[by_time[firsts]] = True
    opp = np.where(first, opp, NAT).astype("datetime64[s]")
    campaign = _pick_campaign(rng, org["campaigns"], channel, created)
    partner = np.where(
        channel == "partner",
        _pick_partner(rng, org["partners"], region, created.astype("datetime64[D]")),
        -1,
    )
    return Leads(
        account=account,
        channel=channel,
        created=created,
        subscriber=subscriber,
        lead=lead,
        mql=mql,
        sql=sql,
        opp=opp,
        sdr=np.where(np.isnat(mql), -1, sdr),
        ae=np.where(np.isnat(sql), -1, ae),
        campaign=campaign,
        partner=partner,
    )
