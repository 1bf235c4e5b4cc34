"""Touchpoints: every marketing and sales touch on a person, around their funnel stages.

Web visits before a lead is created, the touch that created it (form fill, ad click with
UTM fields, event, webinar, download, email click, outbound email), nurture emails with
opens and clicks, SDR calls and emails after MQL, and the AE's calls, meetings and emails
while the deal is open (the last one at the deal's ``last_activity_at``).

>>> FIRST_TOUCH["paid_search"], UTM_SOURCE["paid_social"]
('ad_click', 'linkedin')
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from revhub.demo.gtm.arrays import NONE
from revhub.demo.gtm.seasons import SECOND, add_days
from revhub.demo.spec import DemoSpec, chunk_ids
from revhub.model import get_table

FIRST_TOUCH = {
    "organic_search": "form_fill",
    "paid_search": "ad_click",
    "paid_social": "ad_click",
    "content": "content_download",
    "events": "event_attended",
    "webinar": "webinar_attended",
    "email": "email_click",
    "outbound": "sales_email",
    "partner": "form_fill",
    "referral": "form_fill",
    "direct": "form_fill",
}
UTM_SOURCE = {
    "paid_search": "google",
    "paid_social": "linkedin",
    "email": "hubspot",
    "content": "blog",
    "webinar": "hubspot",
    "events": "event",
}
UTM_MEDIUM = {
    "paid_search": "cpc",
    "paid_social": "paid_social",
    "email": "email",
    "content": "content",
    "webinar": "email",
    "events": "event",
}
SOURCE_SYSTEM = {
    "web_visit": "ga4",
    "ad_click": "google_ads",
    "call": "salesforce",
    "meeting": "salesforce",
    "sales_email": "salesforce",
}  # others: hubspot
PAGES = np.array(["/", "/pricing", "/product", "/blog/revops-guide", "/customers", "/demo"], object)


def _part(**columns: np.ndarray) -> dict[str, np.ndarray]:
    return columns


def build_touchpoints(
    spec: DemoSpec, chunk: int, person: dict[str, np.ndarray], deals: dict[str, np.ndarray]
) -> pa.Table:
    """Touchpoints of one chunk.

    ``person`` (one row per lead): lead_id, contact_id, account_id, converted_at, channel,
    campaign_id, utm_campaign, created, mql, sql, sdr_id, ae_id. ``deals`` (one row per
    opportunity): contact_id, account_id, channel, owner_id, created, last_activity.
    """
    rng = spec.rng("touchpoints", chunk)
    end = spec.end.astype("datetime64[s]")
    start = spec.start.astype("datetime64[s]")
    parts: list[dict[str, np.ndarray]] = []
    n = len(person["lead_id"])

    def touches(
        rows: np.ndarray,
        times: np.ndarray,
        kind: np.ndarray | str,
        channel: np.ndarray,
        user: np.ndarray | None = None,
    ) -> None:
        ok = (times >= start) & (times < end)
        rows, times = rows[ok], times[ok]
        channel = channel[ok]
        kinds = np.broadcast_to(np.asarray(kind, dtype=object), ok.shape)[ok]
        parts.append(
            _part(
                row=rows,
                occurred_at=times,
                touchpoint_type=kinds,
                channel=channel,
                user_id=(np.full(len(rows), None, object) if user is None else user[ok]),
            )
        )

    visits = rng.poisson(2.0, n)
    rows = np.repeat(np.arange(n), visits)
    web_channel = np.array(
        ["organic_search", "direct", "paid_search", "referral", "paid_social"], object
    )
    touches(
        rows,
        add_days(person["created"][rows], -rng.exponential(10, len(rows))),
        "web_visit",
        web_channel[rng.choice(5, len(rows), p=[0.45, 0.25, 0.12, 0.1, 0.08])],
    )
    first_kind = np.vectorize(FIRST_TOUCH.get, otypes=[object])(person["channel"])
    all_rows = np.arange(n)
    touches(
        all_rows,
        person["created"],
        first_kind,
        person["channel"],
        np.where(person["channel"] == "outbound", person["sdr_id"], NONE),
    )
    sends = rng.poisson(3.0, n)
    rows = np.repeat(all_rows, sends)
    sent = add_days(person["created"][rows], rng.uniform(1, 90, len(rows)))
    email = np.full(len(rows), "email", object)
    touches(rows, sent, "email_send", email)
    opened = rng.random(len(rows)) < 0.3
    touches(
        rows[opened],
        add_days(sent[opened], rng.exponential(0.5, opened.sum())),
        "email_open",
        email[opened],
    )
    clicked = opened & (rng.random(len(rows)) < 0.25)
    touches(
        rows[clicked],
        add_days(sent[clicked], rng.exponential(0.6, clicked.sum())),
        "email_click",
        email[clicked],
    )
    worked = np.flatnonzero(~np.isnat(person["mql"]))
    calls = rng.poisson(2.5, len(worked))
    rows = np.repeat(worked, calls)
    until = np.where(
        np.isnat(person["sql"][rows]),
        add_days(person["mql"][rows], np.full(len(rows), 14.0)),
        person["sql"][rows],
    )
    span = (until - person["mql"][rows]) / np.timedelta64(86400, "s")
    kinds = np.array(["call", "sales_email"], object)[rng.integers(0, 2, len(rows))]
    touches(
        rows,
        add_days(person["mql"][rows], rng.random(len(rows)) * span),
        kinds,
        person["channel"][rows],
        person["sdr_id"][rows],
    )
    qualified = np.flatnonzero(~np.isnat(person["sql"]))
    touches(
        qualified,
        person["sql"][qualified] - 60 * SECOND,
        "meeting",
        person["channel"][qualified],
        person["ae_id"][qualified],
    )
    lead_touches = _assemble(person, parts)
    deal_touches = _deal_touches(rng, deals)
    touch = {k: np.concatenate([v, deal_touches[k]]) for k, v in lead_touches.items()}
    m = len(touch["occurred_at"])
    kinds_all = touch["touchpoint_type"]
    source = np.full(m, "hubspot", dtype=object)
    for kind, system in SOURCE_SYSTEM.items():
        source[kinds_all == kind] = system
    ids = chunk_ids("tp", chunk, m)
    return get_table("touchpoints").to_arrow(
        {
            **touch,
            "touchpoint_id": ids,
            "source": source,
            "source_id": ids,
            "created_at": touch["occurred_at"],
            "updated_at": touch["occurred_at"],
        }
    )


def _assemble(
    person: dict[str, np.ndarray], parts: list[dict[str, np.ndarray]]
) -> dict[str, np.ndarray]:
    data = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    row, at = data.pop("row"), data["occurred_at"].astype("datetime64[s]")
    after = ~np.isnat(person["converted_at"][row]) & (at >= person["converted_at"][row])
    channel = data["channel"]
    utm = np.isin(data["touchpoint_type"], ("ad_click", "email_click", "form_fill"))
    return {
        **data,
        "occurred_at": at,
        "lead_id": np.where(after, NONE, person["lead_id"][row]),
        "contact_id": np.where(after, person["contact_id"][row], NONE),
        "account_id": np.where(after, person["account_id"][row], NONE),
        "campaign_id": np.where(
            channel == person["channel"][row], person["campaign_id"][row], NONE
        ),
        "utm_source": np.where(utm, np.vectorize(UTM_SOURCE.get, otypes=[object])(channel), NONE),
        "utm_medium": np.where(utm, np.vectorize(UTM_MEDIUM.get, otypes=[object])(channel), NONE),
        "utm_campaign": np.where(
            utm & (channel == person["channel"][row]), person["utm_campaign"][row], NONE
        ),
        "page_url": np.where(data["touchpoint_type"] == "web_visit", PAGES[row % len(PAGES)], NONE),
    }


def _deal_touches(rng: np.random.Generator, deals: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    span = (deals["last_activity"] - deals["created"]) / np.timedelta64(86400, "s")
    count = rng.poisson(np.maximum(span, 0) / 10.0)
    rows = np.repeat(np.arange(len(span)), count)
    at = np.concatenate(
        [
            add_days(deals["created"][rows], rng.random(len(rows)) * span[rows]),
            deals["last_activity"],
        ]
    )
    rows = np.concatenate([rows, np.arange(len(span))])
    kinds = np.array(["call", "meeting", "sales_email"], object)[
        rng.choice(3, len(rows), p=[0.35, 0.25, 0.4])
    ]
    return {
        "occurred_at": at.astype("datetime64[s]"),
        "touchpoint_type": kinds,
        "channel": deals["channel"][rows],
        "user_id": deals["owner_id"][rows],
        "lead_id": np.full(len(rows), None, object),
        "contact_id": deals["contact_id"][rows],
        "account_id": deals["account_id"][rows],
        "campaign_id": np.full(len(rows), None, object),
        "utm_source": np.full(len(rows), None, object),
        "utm_medium": np.full(len(rows), None, object),
        "utm_campaign": np.full(len(rows), None, object),
        "page_url": np.full(len(rows), None, object),
    }
