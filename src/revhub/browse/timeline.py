"""One company's story across departments, in time order.

Events come from every account record merged into the company (and, for marketing, from
the people at it: its contacts, the leads converted into it and — after resolution —
the leads matched to it):

==========  ====================================================================
kind        events
==========  ====================================================================
marketing   touchpoints (web visits, forms, emails, ads, events, webinars, content);
            people and the account entering subscriber / lead / MQL
sales       calls, meetings and sales emails; deals created, moved to a stage,
            close date moved, won or lost; entering SQL / opportunity
success     subscriptions started, changed (a new item), cancellation requested,
            ended; NPS responses; becoming a customer, evangelist, churned
billing     invoices issued, payments received or failed, refunds, credit notes
support     tickets opened and solved
==========  ====================================================================

Deal events follow the caller's deal scope (a rep sees the events of their own deals
on the company). Amounts are in base currency. Timestamps are naive UTC; events known
only by date are placed at midnight.

>>> sorted(KINDS)
['billing', 'marketing', 'sales', 'success', 'support']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import duckdb

from revhub.access import RowScope
from revhub.browse.companies import Identity, find_company, scope_deals
from revhub.browse.query import Query, fetch, table_exists
from revhub.browse.recurring import item_mrr_sql
from revhub.errors import BrowseQueryError
from revhub.metrics.settings import MetricSettings

KINDS = frozenset({"marketing", "sales", "success", "billing", "support"})
MAX_EVENTS = 5000
SALES_TOUCHES = "['call', 'meeting', 'sales_email']"
_HUMAN = "upper(left({x}, 1)) || replace(substr({x}, 2), '_', ' ')"
_STAGE_KIND = (
    "CASE WHEN e.to_stage IN ('subscriber', 'lead', 'mql') THEN 'marketing' "
    "WHEN e.to_stage IN ('sql', 'opportunity') THEN 'sales' ELSE 'success' END"
)
_STAGE = "CASE WHEN e.to_stage IN ('mql', 'sql') THEN upper(e.to_stage) ELSE e.to_stage END"

_EVENTS = f"""
SELECT t.occurred_at AS event_at,
       CASE WHEN list_contains({SALES_TOUCHES}, t.touchpoint_type) THEN 'sales'
            ELSE 'marketing' END AS kind,
       {_HUMAN.format(x="t.touchpoint_type")} AS title,
       concat_ws(' · ', t.channel, ca.name, t.page_url) AS detail, NULL::DOUBLE AS amount,
       'touchpoints' AS record_table, t.touchpoint_id AS record_id
FROM touchpoints AS t LEFT JOIN campaigns AS ca ON ca.campaign_id = t.campaign_id
WHERE t.rowid IN (SELECT rowid FROM touchpoints WHERE account_id IN {{recs}}
                  UNION SELECT rowid FROM touchpoints WHERE contact_id IN {{contacts}}
                  UNION SELECT rowid FROM touchpoints WHERE lead_id IN {{leads}})
UNION ALL
SELECT e.occurred_at, {_STAGE_KIND}, {_HUMAN.format(x="e.entity_type")} || ' stage: ' || {_STAGE},
       concat_ws(' → ', e.from_stage, e.to_stage), NULL, 'lifecycle_events', e.lifecycle_event_id
FROM lifecycle_events AS e
WHERE e.rowid IN (SELECT rowid FROM lifecycle_events WHERE account_id IN {{recs}}
                  UNION SELECT rowid FROM lifecycle_events WHERE entity_id IN {{people}})
UNION ALL
SELECT CAST(o.created_date AS TIMESTAMP), 'sales', 'Deal created', o.name, o.amount_base,
       'opportunities', o.opportunity_id FROM opportunities AS o
WHERE o.opportunity_id IN {{deals}}
UNION ALL
SELECT h.valid_from, 'sales',
       CASE h.change_kind WHEN 'stage' THEN 'Deal moved to ' || h.stage
            ELSE 'Close date moved to ' || CAST(h.close_date AS VARCHAR) END,
       o.name, h.amount_base, 'opportunities', o.opportunity_id
FROM opportunity_history AS h JOIN opportunities AS o ON o.opportunity_id = h.opportunity_id
WHERE h.opportunity_id IN {{deals}} AND h.change_kind IN ('stage', 'close_date')
UNION ALL
SELECT CAST(o.closed_date AS TIMESTAMP), 'sales', CASE WHEN o.is_won THEN 'Deal won' ELSE 'Deal lost' END,
       concat_ws(' · ', o.name, o.lost_reason), o.amount_base, 'opportunities', o.opportunity_id
FROM opportunities AS o
WHERE o.opportunity_id IN {{deals}} AND o.is_closed AND o.closed_date IS NOT NULL
UNION ALL
SELECT CAST(s.start_date AS TIMESTAMP), 'success', 'Subscription started',
       concat_ws(' · ', s.billing_interval, s.currency), NULL, 'subscriptions', s.subscription_id
FROM subscriptions AS s WHERE s.account_id IN {{recs}}
UNION ALL
SELECT s.canceled_at, 'success', 'Cancellation requested', s.status, NULL, 'subscriptions',
       s.subscription_id
FROM subscriptions AS s WHERE s.account_id IN {{recs}} AND s.canceled_at IS NOT NULL
UNION ALL
SELECT CAST(s.ended_date AS TIMESTAMP), 'success', 'Subscription ended', s.status, NULL,
       'subscriptions', s.subscription_id
FROM subscriptions AS s WHERE s.account_id IN {{recs}} AND s.ended_date IS NOT NULL
UNION ALL
SELECT CAST(i.start_date AS TIMESTAMP), 'success', 'Subscription changed',
       concat_ws(' × ', pr.name, CAST(i.quantity AS VARCHAR)), x.mrr,
       'subscription_items', i.subscription_item_id
FROM subscription_items AS i JOIN subscriptions AS s ON s.subscription_id = i.subscription_id
LEFT JOIN prices AS p ON p.price_id = i.price_id
LEFT JOIN products AS pr ON pr.product_id = p.product_id
LEFT JOIN items AS x ON x.subscription_item_id = i.subscription_item_id
WHERE s.account_id IN {{recs}} AND i.start_date > s.start_date
UNION ALL
SELECT n.responded_at, 'success', 'NPS ' || CAST(n.score AS VARCHAR), n.comment, NULL,
       'nps_responses', n.nps_response_id
FROM nps_responses AS n WHERE n.account_id IN {{recs}}
UNION ALL
SELECT CAST(v.invoice_date AS TIMESTAMP), 'billing', concat_ws(' ', 'Invoice', v.number),
       v.status, v.total_base, 'invoices', v.invoice_id
FROM invoices AS v WHERE v.account_id IN {{recs}} AND v.status <> 'draft'
UNION ALL
SELECT y.paid_at, 'billing',
       CASE WHEN y.status = 'succeeded' THEN 'Payment received' ELSE 'Payment failed' END,
       y.method, y.amount_base, 'payments', y.payment_id
FROM payments AS y WHERE y.account_id IN {{recs}}
UNION ALL
SELECT r.refunded_at, 'billing', 'Refund', r.reason, r.amount_base, 'refunds', r.refund_id
FROM refunds AS r WHERE r.account_id IN {{recs}}
UNION ALL
SELECT CAST(c.issued_date AS TIMESTAMP), 'billing', 'Credit note', c.reason, c.amount_base,
       'credit_notes', c.credit_note_id
FROM credit_notes AS c WHERE c.account_id IN {{recs}}
UNION ALL
SELECT k.opened_at, 'support', 'Ticket opened', concat_ws(' · ', k.subject, k.priority, k.category),
       NULL, 'support_tickets', k.ticket_id
FROM support_tickets AS k WHERE k.account_id IN {{recs}}
UNION ALL
SELECT k.solved_at, 'support', 'Ticket solved',
       concat_ws(' · ', k.subject, 'CSAT ' || CAST(k.csat_score AS VARCHAR)), NULL,
       'support_tickets', k.ticket_id
FROM support_tickets AS k WHERE k.account_id IN {{recs}} AND k.solved_at IS NOT NULL
"""  # noqa: E501


@dataclass(frozen=True)
class TimelineEvent:
    """Something that happened to a company: when, which department's kind of event,
    a short title and detail, an amount in base currency if it has one, and the record
    it comes from (``record_table``, ``record_id``)."""

    at: dt.datetime
    kind: str
    title: str
    detail: str | None
    amount: float | None
    record_table: str
    record_id: str


def account_timeline(
    con: duckdb.DuckDBPyConnection,
    scope: RowScope,
    account_id: str,
    *,
    kinds: Collection[str] | None = None,
    limit: int = 500,
    settings: MetricSettings | None = None,
) -> list[TimelineEvent]:
    """The ``limit`` most recent events of the company ``account_id`` (a company id or
    one of its account records' ids), oldest first; only ``kinds`` when given.
    NotFoundError when the scope does not see the company."""
    chosen = sorted(KINDS if kinds is None else set(kinds))
    unknown = sorted(set(chosen) - KINDS)
    if unknown:
        raise BrowseQueryError(
            f"unknown timeline kind(s) {', '.join(unknown)}; use {', '.join(sorted(KINDS))}."
        )
    if not 1 <= limit <= MAX_EVENTS:
        raise BrowseQueryError(f"limit must be between 1 and {MAX_EVENTS}, not {limit}.")
    identity = Identity.of(con)
    company = find_company(con, identity, scope, account_id)
    query = Query()
    lists = _related(con, identity, scope, company, query)
    items = item_mrr_sql(settings or MetricSettings(), day="current_date")
    wanted, most = query.bind(chosen), query.bind(limit)
    sql = f"""
        WITH items AS ({items}), events AS ({_EVENTS.format(**lists)})
        SELECT event_at, kind, title, nullif(detail, '') AS detail,
               CAST(amount AS DOUBLE) AS amount, record_table, record_id
        FROM (SELECT * FROM events WHERE event_at IS NOT NULL AND list_contains({wanted}, kind)
              ORDER BY event_at DESC, record_table DESC, record_id DESC, title DESC
              LIMIT {most})
        ORDER BY event_at, record_table, record_id, title"""
    rows = fetch(con, sql, query.params)
    return [TimelineEvent(at=row.pop("event_at"), **row) for row in rows]


def _related(
    con: duckdb.DuckDBPyConnection,
    identity: Identity,
    scope: RowScope,
    company: dict[str, Any],
    query: Query,
) -> dict[str, str]:
    """The ids the company's events hang on, bound in ``query`` as ``IN`` lists: its
    account records, the contacts and leads at it, and the deals ``scope`` sees."""
    lookup = Query()
    records = identity.records_sql(lookup.bind_ids([company["company_id"]]))
    recs = [r["account_id"] for r in fetch(con, f"{identity.ctes()} {records}", lookup.params)]
    lookup = Query()
    on_records = lookup.bind_in(recs)
    matched = ""
    if identity.resolved and table_exists(con, "resolve", "lead_accounts"):
        matched = (
            "UNION SELECT lead_id FROM resolve.lead_accounts "
            f"WHERE account_entity_id = {lookup.bind(company['company_id'])}"
        )
    contacts = fetch(
        con, f"SELECT contact_id FROM contacts WHERE account_id IN {on_records}", lookup.params
    )
    leads = fetch(
        con,
        f"SELECT lead_id FROM leads WHERE converted_account_id IN {on_records} {matched}",
        lookup.params,
    )
    scoped = Query()
    scoped.where(f"o.account_id IN {scoped.bind_in(recs)}")
    scope_deals(scope, scoped)
    partner = scoped.bind(company["partner_id"])
    deals = fetch(
        con,
        "SELECT o.opportunity_id FROM opportunities AS o "
        f"CROSS JOIN (SELECT CAST({partner} AS VARCHAR) AS partner_id) AS c{scoped.where_sql()}",
        scoped.params,
    )
    people = {
        "contacts": [r["contact_id"] for r in contacts],
        "leads": [r["lead_id"] for r in leads],
    }
    ids = {
        "recs": recs,
        **people,
        "people": people["contacts"] + people["leads"],
        "deals": [r["opportunity_id"] for r in deals],
    }
    return {name: f"(SELECT unnest({query.bind_ids(values)}))" for name, values in ids.items()}
