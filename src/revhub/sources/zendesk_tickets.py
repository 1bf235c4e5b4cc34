"""Zendesk tickets, their metrics and satisfaction ratings into ``support_tickets``.

=================  ==================================================================
support_tickets    from the ticket (or what is said here)
=================  ==================================================================
account_id         ``organization_id``, else the requester's organization
contact_id         ``requester_id``
assignee_id        empty: agents are Zendesk users, not revhub users (who need a team)
category           the first custom field value or tag that names a category (``bug``,
                   ``how_to``/``how-to``, ``billing``, ``feature_request``, ``outage``,
                   ``integration``; a ``category_`` prefix is allowed)
priority           low/normal/high/urgent; none set (Zendesk's "-") reads as normal
status             new/open/pending/solved/closed; ``hold`` reads as pending (waiting
                   on someone else); ``deleted`` as closed and the row is ``_deleted``
opened_at          ``created_at``
first_response_at  ``created_at`` + ``reply_time_in_seconds`` (else ``_in_minutes``)
                   calendar time, from ticket_metrics.json or the ``metric_sets`` side-load
solved_at          the metrics' ``solved_at``
csat_score         the latest satisfaction rating (satisfaction_ratings.json, else the
                   ticket's own ``satisfaction_rating``): ``good`` -> 5, ``bad`` -> 1,
                   a 1-5 number (newer CSAT surveys) as it is, ``offered``/``unoffered``
                   (not answered) -> empty. Good/bad keeps the CSAT share (ratings of 4
                   or 5) exact; the finer grades are not in legacy ratings.
channel            ``via.channel``: email; web, web_form, web_widget, help_center,
                   mobile, mobile_sdk -> web; chat, native_messaging, messaging, sms,
                   whatsapp -> chat; voice, phone, phone_call_inbound -> phone; others
                   (api, rule, side_conversation, …) -> empty
=================  ==================================================================

>>> rows = ticket_rows("zd", [{"id": 5, "organization_id": 7, "requester_id": 1,
...     "status": "hold", "priority": None, "via": {"channel": "web_widget"},
...     "tags": ["vip", "how-to"], "created_at": "2024-01-02T03:00:00Z"}],
...     ["tickets.json:tickets[0]"], {}, {"5": (90, None)}, {"5": 5})
>>> row = rows.to_pylist()[0]
>>> row["status"], row["priority"], row["channel"], row["category"], row["csat_score"]
('pending', 'normal', 'web', 'how_to', 5)
>>> row["first_response_at"]
'2024-01-02T03:01:30+00:00'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pyarrow as pa

from revhub.model import get_table
from revhub.sources.base import DELETED, ORIGIN, source_key
from revhub.sources.zendesk_people import Record, text

CATEGORIES = frozenset(get_table("support_tickets").column("category").values or ())
STATUSES = {"hold": "pending", "deleted": "closed"}
_CHANNEL_GROUPS = {
    "email": ("email",),
    "web": ("web", "web_form", "web_widget", "help_center", "mobile", "mobile_sdk"),
    "chat": ("chat", "native_messaging", "messaging", "sms", "whatsapp"),
    "phone": ("voice", "phone", "phone_call_inbound", "phone_call_outbound"),
}
CHANNELS = {via: channel for channel, vias in _CHANNEL_GROUPS.items() for via in vias}
SCORES = {"good": 5, "bad": 1}

Metrics = dict[str, tuple[float | None, str | None]]  # ticket id -> (reply seconds, solved_at)


def ticket_rows(
    name: str,
    records: Sequence[Record],
    origins: Sequence[str],
    organization_of: Mapping[str, str],
    metrics: Metrics,
    ratings: Mapping[str, int | None],
) -> pa.Table:
    """One ``support_tickets`` row per ticket record (see the module docstring).

    >>> rows = ticket_rows("zd", [{"id": 5, "requester_id": 1, "status": "deleted"}], ["t"],
    ...                    {"1": "7"}, {}, {})
    >>> rows.select(["account_id", "status", "_deleted"]).to_pylist()
    [{'account_id': 'zd:7', 'status': 'closed', '_deleted': True}]
    """
    ids = [None if r.get("id") is None else str(r["id"]) for r in records]
    orgs = [
        r.get("organization_id") or organization_of.get(str(r.get("requester_id"))) for r in records
    ]
    measured = [metrics.get(i or "", (None, None)) for i in ids]
    opened = [r.get("created_at") for r in records]
    statuses = [str(r.get("status") or "").lower() for r in records]
    scores = [
        ratings.get(i or "", _score(r.get("satisfaction_rating")))
        for i, r in zip(ids, records, strict=True)
    ]
    responded = [_after(at, seconds) for at, (seconds, _) in zip(opened, measured, strict=True)]
    return pa.table(
        {
            "ticket_id": source_key(name, text(ids)),
            "account_id": source_key(name, text(orgs)),
            "contact_id": source_key(name, text([r.get("requester_id") for r in records])),
            "subject": text([r.get("subject") or r.get("raw_subject") for r in records]),
            "category": text([category(r) for r in records]),
            "priority": text([str(r.get("priority") or "normal").lower() for r in records]),
            "status": text([STATUSES.get(s, s) or None for s in statuses]),
            "opened_at": text(opened),
            "first_response_at": text(responded),
            "solved_at": text([solved for _, solved in measured]),
            "csat_score": pa.array(scores, pa.int64()),
            "channel": text([CHANNELS.get(_via(r)) for r in records]),
            "source_id": text(ids),
            "created_at": text(opened),
            "updated_at": text([r.get("updated_at") for r in records]),
            ORIGIN: pa.array(list(origins), pa.string()),
            DELETED: pa.array([s == "deleted" for s in statuses], pa.bool_()),
        }
    )


def category(ticket: Record) -> str | None:
    """The first custom field value or tag that names a category.

    >>> category({"custom_fields": [{"id": 1, "value": "Feature Request"}], "tags": []})
    'feature_request'
    """
    fields = ticket.get("custom_fields") or ticket.get("fields") or []
    values = [f.get("value") for f in fields if isinstance(f, dict)]
    for value in [*values, *(ticket.get("tags") or [])]:
        if not isinstance(value, str):
            continue
        word = re.sub(r"[\s\-]+", "_", value.strip().lower()).removeprefix("category_")
        if word in CATEGORIES:
            return word
    return None


def ticket_metrics(records: Iterable[Record]) -> Metrics:
    """Reply time (seconds) and solved time per ticket id, from the latest metrics record.

    >>> ticket_metrics([{"ticket_id": 5, "reply_time_in_minutes": {"calendar": 2},
    ...                  "solved_at": "2024-01-03T00:00:00Z"}])
    {'5': (120.0, '2024-01-03T00:00:00Z')}
    """
    found: dict[str, tuple[str, float | None, str | None]] = {}
    for record in records:
        ticket = record.get("ticket_id")
        if ticket is None:
            continue
        seconds = _calendar(record.get("reply_time_in_seconds"))
        minutes = _calendar(record.get("reply_time_in_minutes"))
        reply = seconds if seconds is not None else None if minutes is None else minutes * 60
        version = str(record.get("updated_at") or "")
        if str(ticket) not in found or version >= found[str(ticket)][0]:
            found[str(ticket)] = (version, reply, record.get("solved_at"))
    return {ticket: (reply, solved) for ticket, (_, reply, solved) in found.items()}


def ticket_ratings(records: Iterable[Record]) -> dict[str, int | None]:
    """The CSAT score (1-5, or None) of each ticket's latest satisfaction rating.

    >>> ticket_ratings([{"ticket_id": 5, "score": "bad", "updated_at": "2024-01-01"},
    ...                 {"ticket_id": 5, "score": "good", "updated_at": "2024-01-02"}])
    {'5': 5}
    """
    found: dict[str, tuple[str, int | None]] = {}
    for record in records:
        ticket = record.get("ticket_id")
        if ticket is None:
            continue
        version = str(record.get("updated_at") or record.get("created_at") or "")
        if str(ticket) not in found or version >= found[str(ticket)][0]:
            found[str(ticket)] = (version, _score(record))
    return {ticket: score for ticket, (_, score) in found.items()}


def _score(rating: Any) -> int | None:
    if not isinstance(rating, dict):
        return None
    score = rating.get("score")
    if isinstance(score, int | float) or (isinstance(score, str) and score.isdigit()):
        return int(score)
    return SCORES.get(str(score).lower())


def _calendar(value: Any) -> float | None:
    if isinstance(value, dict) and isinstance(value.get("calendar"), int | float):
        return float(value["calendar"])
    return None


def _via(ticket: Record) -> str:
    via = ticket.get("via")
    return str(via.get("channel") or "").lower() if isinstance(via, dict) else ""


def _after(moment: Any, seconds: float | None) -> str | None:
    """``moment`` (ISO text) plus ``seconds``, as ISO text; None if either is missing."""
    if not isinstance(moment, str) or seconds is None:
        return None
    try:
        start = dt.datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except ValueError:
        return None  # the row's opened_at is quarantined for the same unreadable text
    return (start + dt.timedelta(seconds=seconds)).isoformat()
