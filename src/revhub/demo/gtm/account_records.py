"""CRM account and contact records of one chunk, built from the simulated funnel.

Accounts carry the furthest lifecycle stage they reached and live in Salesforce once a
lead turned SQL (HubSpot before); contacts are converted leads plus each deal's buying
committee. ``simulate_gtm`` calls these after the funnel and the deals are simulated.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from revhub.demo.gtm.accounts import Accounts
from revhub.demo.gtm.funnel import Leads
from revhub.demo.gtm.names import salesforce_ids
from revhub.demo.gtm.pipeline import Deals
from revhub.demo.gtm.records import People, draw_people
from revhub.demo.spec import DemoSpec, chunk_ids
from revhub.model import get_table


def accounts_table(
    spec: DemoSpec,
    acc: Accounts,
    stage_at: dict[str, np.ndarray],
    opp_at: np.ndarray,
    won_at: np.ndarray,
    owner_id: np.ndarray,
    csm_id: np.ndarray,
    deals: Deals,
    deal_acc: np.ndarray,
) -> pa.Table:
    """The chunk's accounts: firmographics, owners, lifecycle stage reached, lineage."""
    n = len(acc.ids)
    stage = np.full(n, "lead", dtype=object)
    for s, times in (
        ("mql", stage_at["mql"]),
        ("sql", stage_at["sql"]),
        ("opportunity", opp_at),
        ("customer", won_at),
    ):
        stage[~np.isnat(times)] = s
    in_crm = ~np.isnat(stage_at["sql"])
    partner = np.full(n, None, dtype=object)
    partner[deal_acc] = deals.partner_id
    latest = np.maximum.reduce(
        [np.where(np.isnat(t), acc.first_seen, t) for t in (*stage_at.values(), opp_at, won_at)]
    )
    return get_table("accounts").to_arrow(
        {
            "account_id": acc.ids,
            "name": acc.name,
            "domain": acc.domain,
            "industry": acc.industry,
            "employees": acc.employees,
            "annual_revenue": acc.annual_revenue,
            "segment": acc.segment,
            "region": acc.region,
            "country": acc.country,
            "city": acc.city,
            "phone": acc.phone,
            "owner_id": owner_id,
            "csm_id": csm_id,
            "territory_id": acc.territory,
            "partner_id": partner,
            "parent_account_id": np.where(
                acc.parent >= 0, acc.ids[np.maximum(acc.parent, 0)], None
            ),
            "lifecycle_stage": stage,
            "first_seen_at": acc.first_seen,
            "became_customer_date": won_at.astype("datetime64[D]"),
            "source": np.where(in_crm, "salesforce", "hubspot"),
            "source_id": np.where(
                in_crm, salesforce_ids("001", acc.numbers), (acc.numbers + 3_000_000).astype(str)
            ),
            "created_at": np.where(in_crm, stage_at["sql"], acc.first_seen),
            "updated_at": latest,
        }
    )


def contacts_table(
    spec: DemoSpec,
    chunk: int,
    acc: Accounts,
    leads: Leads,
    people: People,
    converted: np.ndarray,
    contact_ids: np.ndarray,
    committee_deal: np.ndarray,
    committee_at: np.ndarray,
    deal_acc: np.ndarray,
    owner_of_deal: np.ndarray,
    won_at: np.ndarray,
    opener: np.ndarray,
    user_ids: np.ndarray,
) -> pa.Table:
    """Contacts: converted leads plus the buying committee added to each deal."""
    committee = draw_people(spec.rng("committee_people", chunk), acc, deal_acc[committee_deal])
    account = np.concatenate([leads.account[converted], deal_acc[committee_deal]])
    created = np.concatenate([leads.sql[converted], committee_at])
    won = won_at[account]
    opened = np.zeros(len(leads.account), dtype=bool)
    opened[opener] = True
    stage = np.where(
        np.concatenate([opened[converted], np.ones(len(committee_deal), bool)]),
        "opportunity",
        "sql",
    )
    stage = np.where(~np.isnat(won), "customer", stage)
    owners = np.concatenate([user_ids[leads.ae[converted]], owner_of_deal[committee_deal]])
    return get_table("contacts").to_arrow(
        {
            "contact_id": contact_ids,
            "account_id": acc.ids[account],
            "first_name": np.concatenate([people.first[converted], committee.first]),
            "last_name": np.concatenate([people.last[converted], committee.last]),
            "email": np.concatenate([people.email[converted], committee.email]),
            "phone": np.concatenate([people.phone[converted], committee.phone]),
            "title": np.concatenate([people.title[converted], committee.title]),
            "persona": np.concatenate([people.persona[converted], committee.persona]),
            "country": acc.country[account],
            "owner_id": owners,
            "lifecycle_stage": stage,
            "converted_from_lead_id": np.concatenate(
                [
                    chunk_ids("lead", chunk, len(leads.account))[converted],
                    np.full(len(committee_deal), None, object),
                ]
            ),
            "has_opted_out": spec.rng("opt_out", chunk).random(len(account)) < 0.05,
            "source": np.full(len(account), "salesforce"),
            "source_id": salesforce_ids("003", np.arange(len(account)) + chunk * 10**8 + 1),
            "created_at": created,
            "updated_at": np.maximum(created, np.where(np.isnat(won), created, won)),
        }
    )
