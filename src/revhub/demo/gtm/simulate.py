"""The go-to-market simulation of one chunk of accounts, and the planted funnel bottleneck.

``simulate_gtm`` composes accounts → leads and their funnel → deals → CRM records and
touchpoints, and returns the tables keyed by name (plus ``_deal_terms`` for billing).

>>> import datetime as dt
>>> from revhub.demo.gtm.org import build_org
>>> spec = DemoSpec(accounts=300, months=12, as_of=dt.date(2026, 1, 1))
>>> out = simulate_gtm(spec, build_org(spec), 0, range(0, 300))
>>> out["accounts"].num_rows
300
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from revhub.demo.gtm.account_records import accounts_table, contacts_table
from revhub.demo.gtm.accounts import draw_accounts
from revhub.demo.gtm.arrays import NAT, NONE, column, lookup
from revhub.demo.gtm.deals import simulate_deals
from revhub.demo.gtm.funnel import bottleneck, simulate_leads
from revhub.demo.gtm.pipeline import Deals, build_pipeline
from revhub.demo.gtm.records import COMMITTEE, draw_people, leads_table, lifecycle_table
from revhub.demo.gtm.seasons import add_days
from revhub.demo.gtm.staff import Staff
from revhub.demo.gtm.touchpoints import build_touchpoints
from revhub.demo.market import CHANNELS, fx_rates
from revhub.demo.spec import DemoSpec, chunk_ids
from revhub.model import get_table


def simulate_gtm(
    spec: DemoSpec, org: dict[str, pa.Table], chunk: int, accounts: range
) -> dict[str, pa.Table]:
    """Accounts, contacts, leads, touchpoints, lifecycle events, opportunities (+ history),
    stale_deals (truth) and ``_deal_terms`` for one chunk of accounts."""
    staff = Staff.from_org(org)
    rng = spec.rng("gtm", chunk)
    acc = draw_accounts(spec, chunk, accounts)
    leads = simulate_leads(spec, chunk, acc, staff, org)
    user_ids = staff.ids
    campaign_ids, partner_ids = (
        column(org["campaigns"], "campaign_id"),
        column(org["partners"], "partner_id"),
    )
    utm = column(org["campaigns"], "utm_campaign")
    n = len(leads.account)
    lead_ids = chunk_ids("lead", chunk, n)
    people = draw_people(spec.rng("lead_people", chunk), acc, leads.account)
    converted = np.flatnonzero(~np.isnat(leads.sql))
    contact_of_lead = np.full(n, None, dtype=object)
    opener = np.flatnonzero(~np.isnat(leads.opp))
    # Deals: one per opening lead.
    m = len(opener)
    opp_ids = chunk_ids("opp", chunk, m)
    opp_of_lead = np.full(n, None, dtype=object)
    opp_of_lead[opener] = opp_ids
    deal_acc = leads.account[opener]
    ae = leads.ae[opener]
    created = leads.opp[opener]
    territory_anchor = np.array(
        [staff.pools[t][0] for t in acc.territory[deal_acc]], dtype=np.int64
    )
    quality = lookup({k: c.quality for k, c in CHANNELS.items()}, leads.channel[opener])
    events, fates = simulate_deals(
        spec,
        spec.rng("deals", chunk),
        created,
        acc.segment[deal_acc],
        quality,
        staff.effective_skill(ae, created.astype("datetime64[D]")),
        ae,
        staff.leave[ae],
        territory_anchor,
    )
    # Contacts: converted leads, then the buying committee added to each deal.
    extra = spec.rng("committee", chunk).poisson(lookup(COMMITTEE, acc.segment[deal_acc]))
    committee_deal = np.repeat(np.arange(m), extra)
    committee_at = add_days(created[committee_deal], rng.uniform(1, 30, len(committee_deal)))
    keep = committee_at < spec.end.astype("datetime64[s]")
    committee_deal, committee_at = committee_deal[keep], committee_at[keep]
    contact_ids = chunk_ids("con", chunk, len(converted) + len(committee_deal))
    contact_of_lead[converted] = contact_ids[: len(converted)]
    deals = Deals(
        ids=opp_ids,
        numbers=np.arange(m) + chunk * 10**8 + 1,
        account_id=acc.ids[deal_acc],
        account_name=acc.brand[deal_acc],
        segment=acc.segment[deal_acc],
        currency=acc.currency[deal_acc],
        created=created,
        owner=ae,
        sdr=leads.sdr[opener],
        contact_id=contact_of_lead[opener],
        channel=leads.channel[opener],
        campaign_id=np.where(
            leads.campaign[opener] >= 0, campaign_ids[np.maximum(leads.campaign[opener], 0)], NONE
        ),
        partner_id=np.where(
            leads.partner[opener] >= 0, partner_ids[np.maximum(leads.partner[opener], 0)], NONE
        ),
    )
    out = build_pipeline(spec, chunk, deals, events, fates, user_ids, fx_rates(spec))
    opportunities = out["opportunities"]
    owner_of_deal = column(opportunities, "owner_id")
    # Account-level dates.
    won_at = np.full(len(acc.ids), NAT, dtype="datetime64[s]")
    won_at[deal_acc[fates.won]] = fates.closed_at[fates.won]
    opp_at = np.full(len(acc.ids), NAT, dtype="datetime64[s]")
    opp_at[deal_acc] = created
    csm = staff.assign(
        rng,
        "csm_" + acc.region,
        np.where(np.isnat(won_at), spec.end - 1, won_at.astype("datetime64[D]")),
    )
    csm_id = np.where(np.isnat(won_at), NONE, user_ids[csm])
    owner = staff.assign(rng, acc.territory, np.full(len(acc.ids), spec.end - 1))
    owner_id = user_ids[owner].astype(object)
    owner_id[deal_acc] = owner_of_deal
    out["contacts"] = contacts_table(
        spec,
        chunk,
        acc,
        leads,
        people,
        converted,
        contact_ids,
        committee_deal,
        committee_at,
        deal_acc,
        owner_of_deal,
        won_at,
        opener,
        user_ids,
    )
    out["leads"] = leads_table(
        spec,
        chunk,
        acc,
        leads,
        people,
        user_ids,
        campaign_ids,
        partner_ids,
        lead_ids,
        contact_of_lead,
        opp_of_lead,
    )
    stage_at = {
        s: np.full(len(acc.ids), NAT, dtype="datetime64[s]") for s in ("lead", "mql", "sql")
    }
    for s, times in (("lead", leads.created), ("mql", leads.mql), ("sql", leads.sql)):
        valid = ~np.isnat(times)
        order = np.argsort(times[valid])[::-1]  # latest first so the earliest write wins
        stage_at[s][leads.account[valid][order]] = times[valid][order]
    sdr_id = np.where(leads.sdr >= 0, user_ids[np.maximum(leads.sdr, 0)], NONE)
    ae_id = np.where(leads.ae >= 0, user_ids[np.maximum(leads.ae, 0)], NONE)
    none = np.full(len(acc.ids), None, dtype=object)
    account_owner = np.where(np.isnat(stage_at["sql"]), NONE, owner_id)
    parts = [
        {
            "entity_type": np.full(n, "lead", object),
            "entity_id": lead_ids,
            "account_id": np.where(~np.isnat(leads.sql), acc.ids[leads.account], NONE),
            "channel": leads.channel,
            "subscriber": leads.subscriber,
            "subscriber_owner": np.full(n, None, object),
            "lead": leads.lead,
            "lead_owner": np.full(n, None, object),
            "mql": leads.mql,
            "mql_owner": sdr_id,
            "sql": leads.sql,
            "sql_owner": ae_id,
        },
        {
            "entity_type": np.full(m, "contact", object),
            "entity_id": contact_of_lead[opener],
            "account_id": acc.ids[deal_acc],
            "channel": leads.channel[opener],
            "opportunity": created,
            "opportunity_owner": owner_of_deal,
            "customer": np.where(fates.won, fates.closed_at, NAT),
            "customer_owner": csm_id[deal_acc],
        },
        {
            "entity_type": np.full(len(acc.ids), "account", object),
            "entity_id": acc.ids,
            "account_id": acc.ids,
            "channel": none,
            "lead": stage_at["lead"],
            "lead_owner": none,
            "mql": stage_at["mql"],
            "mql_owner": none,
            "sql": stage_at["sql"],
            "sql_owner": account_owner,
            "opportunity": opp_at,
            "opportunity_owner": account_owner,
            "customer": won_at,
            "customer_owner": csm_id,
        },
    ]
    out["lifecycle_events"] = lifecycle_table(spec, chunk, parts)
    out["accounts"] = accounts_table(
        spec, acc, stage_at, opp_at, won_at, owner_id, csm_id, deals, deal_acc
    )
    person = {
        "lead_id": lead_ids,
        "contact_id": contact_of_lead,
        "account_id": acc.ids[leads.account],
        "converted_at": leads.sql,
        "channel": leads.channel,
        "campaign_id": np.where(
            leads.campaign >= 0, campaign_ids[np.maximum(leads.campaign, 0)], None
        ),
        "utm_campaign": np.where(leads.campaign >= 0, utm[np.maximum(leads.campaign, 0)], NONE),
        "created": leads.created,
        "mql": leads.mql,
        "sql": leads.sql,
        "sdr_id": sdr_id,
        "ae_id": ae_id,
    }
    deal_people = {
        "contact_id": deals.contact_id,
        "account_id": deals.account_id,
        "channel": deals.channel,
        "owner_id": owner_of_deal,
        "created": created,
        "last_activity": column(opportunities, "last_activity_at").astype("datetime64[s]"),
    }
    out["touchpoints"] = build_touchpoints(spec, chunk, person, deal_people)
    return out


def funnel_bottlenecks(spec: DemoSpec) -> pa.Table:
    """The planted bottleneck (truth): region, quarter, and normal vs planted parameters.

    >>> import datetime as dt
    >>> funnel_bottlenecks(DemoSpec(accounts=10, months=24, as_of=dt.date(2026, 1, 1))).num_rows
    1
    """
    b = bottleneck(spec)
    return get_table("funnel_bottlenecks").to_arrow(
        {
            "region": [b.region],
            "quarter_start": np.array([b.quarter_start]),
            "from_stage": ["mql"],
            "to_stage": ["sql"],
            "normal_median_days": [b.normal_median_days],
            "planted_median_days": [b.planted_median_days],
            "normal_conversion": [b.normal_conversion],
            "planted_conversion": [b.planted_conversion],
        }
    )
