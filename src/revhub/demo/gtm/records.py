"""The CRM records of the funnel: leads, contacts and lifecycle events.

Converted leads (at SQL, Salesforce semantics) become contacts on their account; the
sellers add more contacts (the buying committee) once a deal is open. Lifecycle events
follow each lead, contact and account through the stages with the owning team:
marketing until SQL, sales from SQL, customer success once a customer.

>>> OWNING_TEAM["sql"], OWNING_TEAM["customer"]
('sales', 'customer_success')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from revhub.demo.gtm import names
from revhub.demo.gtm.accounts import Accounts
from revhub.demo.gtm.arrays import NAT, NONE, lookup
from revhub.demo.gtm.funnel import Leads
from revhub.demo.market import CHANNELS
from revhub.demo.spec import DemoSpec, chunk_ids
from revhub.model import get_table

OWNING_TEAM = {
    "subscriber": "marketing",
    "lead": "marketing",
    "mql": "marketing",
    "sql": "sales",
    "opportunity": "sales",
    "customer": "customer_success",
}
PERSONA_WEIGHTS = np.array([0.2, 0.3, 0.3, 0.1, 0.1])
COMMITTEE = {"smb": 0.8, "mid_market": 2.0, "enterprise": 4.0}  # extra contacts per deal
SCORE = {"subscriber": 5.0, "lead": 20.0, "mql": 55.0, "sql": 80.0}


@dataclass
class People:
    """Names and job data for a set of people."""

    first: np.ndarray
    last: np.ndarray
    email: np.ndarray
    phone: np.ndarray
    persona: np.ndarray
    title: np.ndarray


def draw_people(rng: np.random.Generator, acc: Accounts, account: np.ndarray) -> People:
    """People working at ``account`` (indices into ``acc``)."""
    n = len(account)
    first, last = names.people(rng, n)
    domain = np.where(rng.random(n) < 0.08, "gmail.com", acc.domain[account])
    persona = np.asarray(names.PERSONAS, dtype=object)[rng.choice(5, n, p=PERSONA_WEIGHTS)]
    title = np.empty(n, dtype=object)
    for key, options in names.TITLES.items():
        mask = persona == key
        title[mask] = np.asarray(options, dtype=object)[rng.integers(0, len(options), mask.sum())]
    email = names.emails(first, last, domain, acc.numbers[account] % 3)
    return People(first, last, email, names.phones(rng, acc.country[account]), persona, title)


def _last_reached(stages: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    n = len(next(iter(stages.values())))
    stage = np.full(n, None, dtype=object)
    at = np.full(n, NAT, dtype="datetime64[s]")
    for name, times in stages.items():
        hit = ~np.isnat(times)
        stage[hit], at[hit] = name, times[hit]
    return stage, at


def leads_table(
    spec: DemoSpec,
    chunk: int,
    acc: Accounts,
    leads: Leads,
    people: People,
    user_ids: np.ndarray,
    campaign_ids: np.ndarray,
    partner_ids: np.ndarray,
    lead_ids: np.ndarray,
    contact_of_lead: np.ndarray,
    opp_of_lead: np.ndarray,
) -> pa.Table:
    """The leads table (one row per lead)."""
    rng = spec.rng("lead_records", chunk)
    n = len(lead_ids)
    stage, touched = _last_reached(
        {"subscriber": leads.subscriber, "lead": leads.lead, "mql": leads.mql, "sql": leads.sql}
    )
    converted = ~np.isnat(leads.sql)
    age = (spec.end.astype("datetime64[s]") - touched) / np.timedelta64(86400, "s")
    status = np.where(age < 14, "new", "nurturing").astype(object)
    status[(stage == "mql") & (age < 30)] = "working"
    status[(stage == "mql") & (age >= 30)] = np.where(
        rng.random(int(((stage == "mql") & (age >= 30)).sum())) < 0.6, "unqualified", "nurturing"
    )
    status[converted] = "converted"
    quality = lookup({k: c.quality for k, c in CHANNELS.items()}, leads.channel)
    score = lookup(SCORE, stage) + 10 * quality + rng.normal(0, 8, n)
    owner = np.where(leads.ae >= 0, leads.ae, leads.sdr)
    inbound = ~np.isin(leads.channel, ("outbound", "partner"))
    company = np.where(rng.random(n) < 0.5, acc.name[leads.account], acc.brand[leads.account])
    return get_table("leads").to_arrow(
        {
            "lead_id": lead_ids,
            "first_name": people.first,
            "last_name": people.last,
            "email": people.email,
            "phone": people.phone,
            "company": company,
            "title": people.title,
            "country": acc.country[leads.account],
            "region": acc.region[leads.account],
            "segment": acc.segment[leads.account],
            "channel": leads.channel,
            "campaign_id": np.where(
                leads.campaign >= 0, campaign_ids[np.maximum(leads.campaign, 0)], None
            ),
            "partner_id": np.where(
                leads.partner >= 0, partner_ids[np.maximum(leads.partner, 0)], None
            ),
            "owner_id": np.where(owner >= 0, user_ids[np.maximum(owner, 0)], NONE),
            "status": status,
            "lifecycle_stage": stage,
            "score": np.maximum(np.round(score), 0).astype(np.int64),
            "is_converted": converted,
            "converted_at": leads.sql,
            "converted_contact_id": contact_of_lead,
            "converted_account_id": np.where(converted, acc.ids[leads.account], NONE),
            "converted_opportunity_id": opp_of_lead,
            "source": np.where(inbound, "hubspot", "salesforce"),
            "source_id": np.where(
                inbound,
                (np.arange(n) + chunk * 10**8 + 7_000_001).astype(str),
                names.salesforce_ids("00Q", np.arange(n) + chunk * 10**8 + 1),
            ),
            "created_at": leads.created,
            "updated_at": touched,
        }
    )


def lifecycle_table(spec: DemoSpec, chunk: int, parts: list[dict[str, np.ndarray]]) -> pa.Table:
    """Lifecycle events from per-entity stage paths.

    Each part has ``entity_type``, ``entity_id``, ``account_id``, ``channel`` and, per stage
    in order, ``<stage>`` (time, NaT if not reached) and ``<stage>_owner`` (user id or None).
    """
    columns: dict[str, list[np.ndarray]] = {
        k: []
        for k in (
            "entity_type",
            "entity_id",
            "account_id",
            "from_stage",
            "to_stage",
            "occurred_at",
            "owning_team",
            "owner_id",
            "channel",
        )
    }
    for part in parts:
        n = len(part["entity_id"])
        previous = np.full(n, None, dtype=object)
        for stage in OWNING_TEAM:
            if stage not in part:
                continue
            hit = ~np.isnat(part[stage])
            for key in ("entity_type", "entity_id", "account_id", "channel"):
                columns[key].append(part[key][hit])
            columns["from_stage"].append(previous[hit])
            columns["to_stage"].append(np.full(hit.sum(), stage, dtype=object))
            columns["occurred_at"].append(part[stage][hit])
            columns["owning_team"].append(np.full(hit.sum(), OWNING_TEAM[stage], dtype=object))
            columns["owner_id"].append(part[f"{stage}_owner"][hit])
            previous = np.where(hit, stage, previous)
    data = {k: np.concatenate(v) for k, v in columns.items()}
    m = len(data["entity_id"])
    data["occurred_at"] = data["occurred_at"].astype("datetime64[s]")
    return get_table("lifecycle_events").to_arrow(
        {
            "lifecycle_event_id": chunk_ids("lce", chunk, m),
            **data,
            "source": np.full(m, "hubspot"),
            "source_id": (np.arange(m) + chunk * 10**8 + 1).astype(str).astype(object),
            "created_at": data["occurred_at"],
            "updated_at": data["occurred_at"],
        }
    )
