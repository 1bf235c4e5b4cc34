"""Opportunity, OpportunityLineItem and OpportunityHistory: deals and their versions.

``StageName`` is read through the stage vocabulary; a stage it does not know (a custom
stage such as "Signed") becomes closed_won or closed_lost when the deal says IsClosed
(and IsWon), and is passed through otherwise, so the row is quarantined naming it. In
OpportunityHistory, which has no IsClosed, a custom stage takes the IsClosed/IsWon of
opportunities currently in that stage. OpportunityLineItem is read to fill
``list_amount`` (Σ Quantity × ListPrice) and ``discount`` (1 − Amount / list_amount)
of its opportunity; the line items themselves are not mapped. A closed deal's
``closed_date`` is the day its OpportunityHistory first enters a closed stage, else
its CloseDate. A history-mode sync of
Opportunity fills ``opportunity_history`` from its versions as well. Custom fields:
SDR__c (User), Loss_Reason__c. OpportunityHistory has no owner: its versions carry none.

>>> import pyarrow as pa
>>> stage(pa.array(["Negotiation/Review", "Signed", "Parked"]), pa.array(["false", "true",
...     "false"]), pa.array(["false", "true", "false"])).to_pylist()
['negotiation', 'closed_won', 'Parked']
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.salesforce import picklists as p
from revhub.sources.salesforce import values
from revhub.sources.salesforce.fields import (
    Field,
    TableMap,
    currency,
    current_rows,
    derived,
    key,
    lineage,
    percent,
    pick,
    related_value,
    text,
)
from revhub.sources.salesforce.frame import Frame
from revhub.sources.salesforce.versions import (
    CHANGE_KIND,
    FORECAST,
    STAGE,
    VALID_FROM,
    VALID_TO,
    intervals,
)

HISTORY_START = "_fivetran_start"  # where a history-mode sync starts each version


def stage(names: pa.Array, is_closed: pa.Array, is_won: pa.Array) -> pa.Array:
    """Canonical stages; unknown names by IsClosed/IsWon, else passed through."""
    closed = values.truthy(is_closed)
    won = pc.fill_null(values.truthy(is_won), False)
    by_flags = values.keep(
        pc.if_else(won, "closed_won", "closed_lost"), pc.fill_null(closed, False)
    )
    return pc.coalesce(values.known(names, p.STAGES), by_flags, names)


def _opportunity_stage(names: pa.Array, frame: Frame) -> pa.Array:
    return stage(names, frame.column("IsClosed"), frame.column("IsWon"))


def _list_amount(frame: Frame) -> pa.Array:
    """Σ Quantity × ListPrice of the opportunity's live line items (null without any)."""
    items = frame.context.related("OpportunityLineItem")
    if items is None:
        return pa.nulls(frame.num_rows, pa.float64())
    live = items.live()
    total = pc.multiply(
        values.number(live.column("Quantity")), values.number(live.column("ListPrice"))
    )
    sums = pa.table({"opp": live.column("OpportunityId"), "total": total})
    sums = sums.group_by("opp").aggregate([("total", "sum")])
    return values.lookup(
        frame.column("Id"), sums["opp"].combine_chunks(), sums["total_sum"].combine_chunks()
    )


def _list_text(frame: Frame) -> pa.Array:
    return pc.cast(pc.round(_list_amount(frame), 2), pa.string())


def _discount(frame: Frame) -> pa.Array:
    listed = _list_amount(frame)
    amount = values.number(frame.column("Amount"))
    positive = pc.fill_null(pc.greater(listed, 0.0), False)
    share = pc.round(pc.subtract(1.0, pc.divide(amount, listed)), 6)
    return pc.cast(values.keep(share, positive), pa.string())


def _closed_date(frame: Frame) -> pa.Array:
    """For a closed deal, the day its OpportunityHistory first shows a closed stage, else
    its CloseDate (Salesforce keeps no separate closing date)."""
    closing = values.nulls(frame.num_rows)
    history = frame.context.related("OpportunityHistory")
    if history is not None:
        live = history.live()
        into_closed = pc.is_in(
            values.known(live.column("StageName"), p.STAGES), pa.array(p.CLOSED_STAGES)
        )
        moves = pa.table(
            {
                "opp": live.column("OpportunityId"),
                "at": values.sortable_instant(live.column("CreatedDate")),
            }
        ).filter(pc.fill_null(into_closed, False))
        first = moves.group_by("opp").aggregate([("at", "min")])
        found = values.lookup(
            frame.column("Id"), values.as_array(first["opp"]), values.as_array(first["at_min"])
        )
        closing = pc.utf8_slice_codeunits(found, 0, 10)
    day = pc.coalesce(closing, frame.column("CloseDate"))
    return values.keep(day, values.truthy(frame.column("IsClosed")))


OPPORTUNITIES = TableMap(
    "opportunities",
    {
        **lineage("opportunity_id"),
        "name": text("Name"),
        "account_id": key("AccountId"),
        "primary_contact_id": key("ContactId"),
        "owner_id": key("OwnerId"),
        "sdr_id": key("SDR__c"),
        "opportunity_type": pick(p.OPPORTUNITY_TYPE, "Type"),
        "stage": Field(("StageName",), _opportunity_stage, ("IsClosed", "IsWon")),
        "forecast_category": pick(p.FORECAST, "ForecastCategoryName", "ForecastCategory"),
        "probability": percent("Probability"),
        "currency": currency(),
        "amount": text("Amount"),
        "list_amount": derived(_list_text),
        "discount": derived(_discount, "Amount"),
        "created_date": text("CreatedDate"),
        "close_date": text("CloseDate"),
        "closed_date": derived(_closed_date, "IsClosed"),
        "is_closed": text("IsClosed"),
        "is_won": text("IsWon"),
        "lost_reason": pick(p.LOST_REASON, "Loss_Reason__c"),
        "source_channel": pick(p.CHANNEL, "LeadSource"),
        "campaign_id": key("CampaignId"),
        "partner_id": key("PartnerAccountId"),
        "last_activity_at": text("LastActivityDate"),
    },
    rows=current_rows,
)


def _history_versions(frame: Frame) -> Frame:
    """OpportunityHistory rows as intervals; custom stages judged by current deals."""
    names = frame.column("StageName")
    closed = related_value(frame, "Opportunity", "StageName", "IsClosed", by="StageName")
    won = related_value(frame, "Opportunity", "StageName", "IsWon", by="StageName")
    forecast = values.picklist(frame.column("ForecastCategory"), p.FORECAST)
    return intervals(frame, "OpportunityId", "CreatedDate", stage(names, closed, won), forecast)


def _history_currency(frame: Frame) -> pa.Array:
    """CurrencyIsoCode of the row, else of its opportunity, else the org's currency."""
    of_deal = related_value(frame, "Opportunity", "Id", "CurrencyIsoCode", by="OpportunityId")
    return pc.fill_null(
        pc.coalesce(frame.column("CurrencyIsoCode"), of_deal), frame.context.currency
    )


_VERSION_FIELDS = {
    "valid_from": text(VALID_FROM),
    "valid_to": text(VALID_TO),
    "stage": text(STAGE),
    "forecast_category": text(FORECAST),
    "probability": percent("Probability"),
    "amount": text("Amount"),
    "close_date": text("CloseDate"),
    "change_kind": text(CHANGE_KIND),
}

OPPORTUNITY_HISTORY = TableMap(
    "opportunity_history",
    {
        "opportunity_id": key("OpportunityId"),
        **_VERSION_FIELDS,
        "currency": Field(
            (),
            lambda text, frame: _history_currency(frame),
            ("CurrencyIsoCode",),
            "currency taken from the opportunity",
        ),
        "source_id": text("Id"),
        "created_at": text("CreatedDate"),
        "updated_at": text("SystemModstamp", "CreatedDate"),
    },
    reshape=_history_versions,
)


def _synced_versions(frame: Frame) -> Frame:
    """The versions of a history-mode sync of Opportunity as intervals."""
    versions = frame.where(pc.is_valid(frame.column(HISTORY_START)))
    names = versions.column("StageName")
    stages = stage(names, versions.column("IsClosed"), versions.column("IsWon"))
    forecast = values.picklist(
        pc.coalesce(versions.column("ForecastCategoryName"), versions.column("ForecastCategory")),
        p.FORECAST,
    )
    return intervals(versions, "Id", HISTORY_START, stages, forecast)


OPPORTUNITY_VERSIONS = TableMap(
    "opportunity_history",
    {
        "opportunity_id": key("Id"),
        **_VERSION_FIELDS,
        "currency": currency(),
        "owner_id": key("OwnerId"),
        "source_id": text("Id"),
        "created_at": text(VALID_FROM),
        "updated_at": text(VALID_FROM),
    },
    reshape=_synced_versions,
)
