"""Marketing spend: what each channel's campaigns cost per month, following the leads bought.

Spend per channel × campaign × month is the month's leads times the channel's cost per
lead, with noise; channels without media cost (partner, referral, direct) spend nothing,
and outbound pays for its sales-engagement tooling per SDR.

>>> OUTBOUND_TOOLING_PER_SDR
150.0
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revhub.demo.gtm.arrays import column
from revhub.demo.gtm.seasons import month_starts
from revhub.demo.market import CHANNELS
from revhub.demo.spec import DemoSpec, make_ids
from revhub.model import get_table

OUTBOUND_TOOLING_PER_SDR = 150.0  # USD per SDR per month
NOISE = 0.15
SOURCE = {"paid_search": "google_ads", "paid_social": "linkedin_ads"}  # others: finance ledger


def marketing_spend(spec: DemoSpec, org: dict[str, pa.Table], leads: pa.Table) -> pa.Table:
    """Monthly spend per channel and campaign (USD), from the concatenated leads.

    ``leads`` needs ``channel``, ``campaign_id`` and ``created_at``.

    >>> import datetime as dt
    >>> from revhub.demo.gtm.org import build_org
    >>> spec = DemoSpec(accounts=10, months=12, as_of=dt.date(2026, 1, 1))
    >>> leads = pa.table({"channel": ["paid_search"], "campaign_id": ["cmp_0000001"],
    ...                   "created_at": pa.array([dt.datetime(2025, 3, 2)])})
    >>> marketing_spend(spec, build_org(spec), leads).column("amount").to_pylist()[0] > 0
    True
    """
    month = pc.cast(pc.floor_temporal(leads.column("created_at"), unit="month"), pa.date32())
    grouped = (
        pa.table(
            {
                "channel": leads.column("channel"),
                "campaign_id": leads.column("campaign_id"),
                "month": month,
            }
        )
        .filter(pc.is_valid(leads.column("campaign_id")))
        .group_by(["channel", "campaign_id", "month"])
        .aggregate([("month", "count")])
        .sort_by([("channel", "ascending"), ("campaign_id", "ascending"), ("month", "ascending")])
    )
    channel = column(grouped, "channel")
    cost = np.array([CHANNELS[str(c)].cost_per_lead for c in channel])
    count = column(grouped, "month_count").astype(float)
    rng = spec.rng("marketing_spend")
    amount = np.round(count * cost * rng.lognormal(0.0, NOISE, len(count)), 2)
    paid = amount > 0
    months = month_starts(spec)
    role = column(org["users"], "role")
    hire = column(org["users"], "hire_date").astype("datetime64[D]")
    leave = column(org["users"], "termination_date").astype("datetime64[D]")
    sdr = role == "sdr"
    staffed = np.array([(sdr & (hire <= m) & ~(leave < m)).sum() for m in months], dtype=float)
    tooling = staffed * OUTBOUND_TOOLING_PER_SDR
    all_channel = np.concatenate([channel[paid], np.full(len(months), "outbound", object)])
    all_amount = np.concatenate([amount[paid], tooling])
    all_month = np.concatenate([column(grouped, "month").astype("datetime64[D]")[paid], months])
    n = len(all_amount)
    ids = make_ids("spend", 0, n)
    at = (all_month + 27).astype("datetime64[s]") + np.timedelta64(12, "h")
    at = np.minimum(at, spec.end.astype("datetime64[s]") - np.timedelta64(1, "s"))
    source = np.full(n, "netsuite", dtype=object)
    for name, system in SOURCE.items():
        source[all_channel == name] = system
    return get_table("marketing_spend").to_arrow(
        {
            "spend_id": ids,
            "month": all_month,
            "channel": all_channel,
            "campaign_id": np.concatenate(
                [column(grouped, "campaign_id")[paid], np.full(len(months), None, object)]
            ),
            "currency": np.full(n, "USD"),
            "fx_rate": np.ones(n),
            "amount": all_amount,
            "amount_base": all_amount,
            "source": source,
            "source_id": ids,
            "created_at": at,
            "updated_at": at,
        }
    )
