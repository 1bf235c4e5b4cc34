"""HubSpot deals into ``opportunities``, their stages read through the deal pipelines.

A deal's ``dealstage`` is a stage id of its pipeline; ``pipelines.json`` (or the synced
``deal_pipeline_stage``) says its label, probability and whether it is closed (and
won). The canonical stage is ``closed_won``/``closed_lost`` for closed stages, else the
stage id or label in canonical terms (HubSpot's default pipeline ids such as
``presentationscheduled`` -> ``demo``; labels such as "Discovery"), else the label as
written (quarantined, naming it).

Rules where HubSpot is silent: no forecast category -> ``closed`` when won, ``omitted``
when lost, ``pipeline`` when open (Salesforce's defaults); no deal type ->
``new_business``; no ``deal_currency_code`` -> the portal currency
(``account_info.json``). A lost reason that is not one of the canonical reasons is left
empty. Each default is counted in a note.

>>> stages = {"s1": Stage("Won it", True, True, "1.0")}
>>> canonical_stage("s1", stages)
'closed_won'
>>> canonical_stage("presentationscheduled", {})
'demo'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.base import DELETED, ORIGIN, Batch, source_key
from revhub.sources.hubspot import vocabulary as vocab
from revhub.sources.hubspot.people import People
from revhub.sources.hubspot.records import Loaded, first_id
from revhub.sources.hubspot.times import iso


@dataclass(frozen=True)
class Stage:
    """A pipeline stage: label, closed, won, probability (as text)."""

    label: str | None
    is_closed: bool | None
    is_won: bool | None
    probability: str | None


def pipeline_stages(loaded: Loaded) -> dict[str, Stage]:
    """Stage id -> Stage; won = the ``isWon``/``closed_won`` flag, else closed at
    probability 1.

    >>> from revhub.sources.hubspot.fields import PIPELINE_STAGES
    >>> from revhub.sources.hubspot.records import assemble, combine
    >>> part = assemble(PIPELINE_STAGES, "p.json", {"id": ["won"], "is_closed": ["true"],
    ...                 "probability": ["1.0"]}, ["p.json:results[0].stages[0]"])
    >>> pipeline_stages(combine(PIPELINE_STAGES, [], [part], True))["won"].is_won
    True
    """
    result = {}
    rows = zip(
        loaded.column("id").to_pylist(),
        loaded.column("label").to_pylist(),
        loaded.column("is_closed").to_pylist(),
        loaded.column("is_won").to_pylist(),
        loaded.column("probability").to_pylist(),
        strict=True,
    )
    for stage_id, label, closed, won, probability in rows:
        is_closed = _flag(closed)
        is_won = _flag(won)
        if is_won is None and is_closed is not None:
            is_won = bool(is_closed and probability is not None and float(probability) >= 1.0)
        result[stage_id] = Stage(label, is_closed, is_won, probability)
    return result


def canonical_stage(stage_id: str | None, stages: Mapping[str, Stage]) -> str | None:
    """The canonical stage of a deal in stage ``stage_id`` (see the module docstring)."""
    if stage_id is None:
        return None
    stage = stages.get(stage_id)
    if stage is not None and stage.is_closed:
        return "closed_won" if stage.is_won else "closed_lost"
    by_id = vocab.DEAL_STAGES.get(vocab.fold(stage_id))
    if by_id is not None or stage is None:
        return by_id or stage_id
    label = stage.label or stage_id
    return vocab.DEAL_STAGES.get(vocab.fold(label), label)


def opportunity_batch(
    source: str, deals: Loaded, stages: Mapping[str, Stage], people: People, currency: str | None
) -> Batch:
    """Deals as opportunities."""
    stage_ids = deals.column("dealstage").to_pylist()
    known = [stages.get(s or "") for s in stage_ids]
    stage = pa.array([canonical_stage(s, stages) for s in stage_ids], pa.string())
    closed = _either([k.is_closed if k else None for k in known], deals.column("hs_is_closed"))
    closed = pc.fill_null(closed, pc.is_in(stage, pa.array(["closed_won", "closed_lost"])))
    won = _either([k.is_won if k else None for k in known], deals.column("hs_is_closed_won"))
    won = pc.fill_null(won, pc.equal(stage, "closed_won"))
    probability = pc.coalesce(
        deals.column("hs_deal_stage_probability"),
        pa.array([k.probability if k else None for k in known], pa.string()),
    )
    default_forecast = pc.if_else(
        closed, pc.if_else(won, "closed", "omitted"), pa.scalar("pipeline")
    )
    forecast = vocab.translate(deals.column("hs_manual_forecast_category"), vocab.FORECAST)
    deal_type = vocab.translate(deals.column("dealtype"), vocab.DEAL_TYPES)
    currency_code = pc.fill_null(
        deals.column("deal_currency_code"), pa.scalar(currency, pa.string())
    )
    lost = vocab.known(deals.column("closed_lost_reason"), vocab.LOST)
    contact = first_id(deals.column("contact_ids")).to_pylist()
    primary = [c if people.table.get(c or "") == "contacts" else None for c in contact]
    rows = {
        "opportunity_id": source_key(source, deals.column("id")),
        "name": deals.column("dealname"),
        "account_id": source_key(source, first_id(deals.column("company_ids"))),
        "primary_contact_id": source_key(source, pa.array(primary, pa.string())),
        "owner_id": source_key(source, deals.column("hubspot_owner_id")),
        "opportunity_type": pc.fill_null(deal_type, "new_business"),
        "stage": stage,
        "forecast_category": pc.coalesce(forecast, default_forecast),
        "probability": probability,
        "currency": currency_code,
        "amount": deals.column("amount"),
        "created_date": iso(deals.column("createdate")),
        "close_date": iso(deals.column("closedate")),
        "closed_date": pc.if_else(
            closed, iso(deals.column("closedate")), pa.scalar(None, pa.string())
        ),
        "is_closed": closed,
        "is_won": pc.and_(closed, won),
        "lost_reason": lost,
        "source_id": deals.column("id"),
        "created_at": iso(deals.column("createdate")),
        "updated_at": iso(deals.column("lastmodified")),
        ORIGIN: deals.column(ORIGIN),
        DELETED: deals.deleted,
    }
    notes = _defaults(
        deals.origin,
        {
            "no deal type (taken as new_business)": pc.is_null(deal_type),
            "no currency and no portal currency (quarantined)": pc.is_null(currency_code),
            "a lost reason revhub does not know (left empty)": pc.and_(
                pc.is_valid(deals.column("closed_lost_reason")), pc.is_null(lost)
            ),
        },
    )
    return Batch(
        "opportunities",
        pa.table(rows),
        deals.origin,
        deals.snapshot,
        tuple(deals.rejected),
        (*deals.notes, *notes),
    )


def _flag(value: str | None) -> bool | None:
    if value is None:
        return None
    folded = vocab.BOOLEANS.get(vocab.fold(value))
    return None if folded is None else folded == "true"


def _either(flags: list[bool | None], fallback: pa.Array) -> pa.Array:
    text = [None if v is None else _flag(v) for v in fallback.to_pylist()]
    merged = [f if f is not None else t for f, t in zip(flags, text, strict=True)]
    return pa.array(merged, pa.bool_())


def _defaults(origin: str, masks: Mapping[str, pa.Array]) -> list[str]:
    notes = []
    for what, mask in masks.items():
        count = pc.sum(pc.cast(mask, pa.int64())).as_py() or 0
        if count:
            notes.append(f"{origin}: {count} deal(s) with {what}")
    return notes
