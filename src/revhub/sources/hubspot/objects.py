"""HubSpot companies and campaigns into ``accounts`` and ``campaigns``.

Companies keep HubSpot's free-text country as written. ``became_customer_date`` is the
day the company entered the customer stage (newer date property first). HubSpot
campaigns have no type or channel: revhub reads them from the custom campaign
properties ``campaign_type`` and ``channel``.

Owners are in ``owners``.

>>> from revhub.sources.hubspot.fields import CAMPAIGNS
>>> from revhub.sources.hubspot.records import assemble, combine
>>> part = assemble(CAMPAIGNS, "campaigns.json", {"id": ["c1"], "channel": ["Paid Search"]},
...                 ["campaigns.json:results[0]"])
>>> campaign_channels(combine(CAMPAIGNS, ["campaigns.json"], [part], True))
{'c1': 'paid_search'}
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from revhub.model.vocabulary import CAMPAIGN_TYPES
from revhub.sources.base import DELETED, ORIGIN, Batch, source_key
from revhub.sources.hubspot import vocabulary as vocab
from revhub.sources.hubspot.lifecycle import stage_dates
from revhub.sources.hubspot.records import Loaded
from revhub.sources.hubspot.times import iso

_CAMPAIGN_TYPES = {vocab.fold(t): t for t in CAMPAIGN_TYPES}


def _lineage(loaded: Loaded) -> dict[str, pa.Array]:
    return {
        "source_id": loaded.column("id"),
        "created_at": iso(loaded.column("createdate")),
        "updated_at": iso(loaded.column("lastmodified")),
        ORIGIN: loaded.column(ORIGIN),
        DELETED: loaded.deleted,
    }


def _batch(table: str, loaded: Loaded, rows: dict[str, pa.Array], *notes: str) -> Batch:
    return Batch(
        table,
        pa.table(rows),
        loaded.origin,
        loaded.snapshot,
        tuple(loaded.rejected),
        (*loaded.notes, *notes),
    )


def account_batch(source: str, companies: Loaded) -> Batch:
    """Companies as accounts."""
    customer = stage_dates(companies).get("customer")
    rows = {
        "account_id": source_key(source, companies.column("id")),
        "name": companies.column("name"),
        "domain": companies.column("domain"),
        "industry": companies.column("industry"),
        "employees": companies.column("numberofemployees"),
        "annual_revenue": companies.column("annualrevenue"),
        "country": companies.column("country"),
        "city": companies.column("city"),
        "phone": companies.column("phone"),
        "owner_id": source_key(source, companies.column("hubspot_owner_id")),
        "parent_account_id": source_key(source, companies.column("hs_parent_company_id")),
        "lifecycle_stage": vocab.translate(
            companies.column("lifecyclestage"), vocab.LIFECYCLE_STAGES
        ),
        "first_seen_at": iso(companies.column("hs_analytics_first_timestamp")),
        "became_customer_date": iso(customer)
        if customer is not None
        else pa.nulls(companies.rows.num_rows, pa.string()),
        **_lineage(companies),
    }
    return _batch("accounts", companies, rows)


def campaign_channels(campaigns: Loaded) -> dict[str, str]:
    """Campaign id -> canonical channel (from the custom ``channel`` property)."""
    channel = vocab.translate(campaigns.column("channel"), vocab.SOURCE_CHANNELS)
    return {
        native: value
        for native, value in zip(
            campaigns.column("id").to_pylist(), channel.to_pylist(), strict=True
        )
        if value is not None
    }


def campaign_batch(source: str, campaigns: Loaded, currency: str | None) -> Batch:
    """Campaigns; budgets in ``hs_currency_code``, else the portal currency."""
    rows = {
        "campaign_id": source_key(source, campaigns.column("id")),
        "name": campaigns.column("hs_name"),
        "campaign_type": vocab.translate(campaigns.column("campaign_type"), _CAMPAIGN_TYPES),
        "channel": vocab.translate(campaigns.column("channel"), vocab.SOURCE_CHANNELS),
        "start_date": iso(campaigns.column("hs_start_date")),
        "end_date": iso(campaigns.column("hs_end_date")),
        "owner_id": source_key(source, campaigns.column("hs_owner")),
        "utm_campaign": campaigns.column("hs_utm"),
        "currency": pc.fill_null(
            campaigns.column("hs_currency_code"), pa.scalar(currency, pa.string())
        ),
        "budget": campaigns.column("hs_budget_items_sum_amount"),
        **_lineage(campaigns),
    }
    return _batch("campaigns", campaigns, rows)
