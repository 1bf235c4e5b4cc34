"""One company on one page: its golden record, the source records merged into it, why they
were merged, its revenue, open deals, subscriptions and health.

``account_detail`` returns a dict (dates and timestamps as ``datetime`` objects, money as
floats in base currency)::

    {"account": {account_id, name, domain, ..., owner, csm, partner, record_count, sources},
     "records": [{account_id, source, source_id, name, domain, owner_id, matched_by,
                  created_at, updated_at}],
     "explanations": [{left_record_id, right_record_id, match_probability, match_weight,
                       linked, explanation}],          # scored pairs inside the company
     "revenue": {day, mrr, arr, is_customer},
     "contacts": 12,
     "open_deals": [DealRow as dict, ...],              # only deals the scope sees
     "subscriptions": [{subscription_id, account_id, status, billing_interval, currency,
                        start_date, trial_end_date, ended_date, canceled_at,
                        cancel_at_period_end, discount_percent, mrr,
                        items: [{subscription_item_id, product, plan, quantity, currency,
                                 unit_amount, unit_amount_base, start_date, end_date,
                                 mrr}]}],   # mrr: on the snapshot day (0 when not in service)
     "health": {open_tickets, tickets, csat: {average, responses, window_days},
                last_nps: {score, responded_at, comment} | None}}
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import duckdb

from revhub.access import RowScope
from revhub.browse.companies import Identity, find_company
from revhub.browse.deals import list_deals
from revhub.browse.query import Query, fetch, fetch_one, snapshot_day, table_exists
from revhub.browse.recurring import item_mrr_sql
from revhub.metrics.settings import MetricSettings

CSAT_WINDOW_DAYS = 90
OPEN_TICKET_STATUSES = ("new", "open", "pending")


def account_detail(
    con: duckdb.DuckDBPyConnection,
    scope: RowScope,
    account_id: str,
    *,
    day: dt.date | None = None,
    settings: MetricSettings | None = None,
) -> dict[str, Any]:
    """Everything about the company ``account_id`` (a company id, or the id of one of
    its account records) that ``scope`` sees; NotFoundError when it does not exist or
    lies outside the scope. See the module docstring for the shape."""
    identity = Identity.of(con)
    company = find_company(con, identity, scope, account_id)
    company_id = company["company_id"]
    day = day or snapshot_day(con)
    records = _records(con, identity, company_id)
    record_ids = [r["account_id"] for r in records]
    subscriptions = _subscriptions(con, record_ids, day, settings or MetricSettings())
    mrr = float(sum(s["mrr"] for s in subscriptions))
    deals = list_deals(con, scope, account_id=company_id, status="open", page_size=500)
    return {
        "account": _golden(con, company),
        "records": records,
        "explanations": _explanations(con, record_ids),
        "revenue": {"day": day, "mrr": mrr, "arr": mrr * 12, "is_customer": mrr > 0},
        "contacts": _count(con, "contacts", record_ids),
        "open_deals": [dataclasses.asdict(d) for d in deals.items],
        "subscriptions": subscriptions,
        "health": _health(con, record_ids, day),
    }


def _golden(con: duckdb.DuckDBPyConnection, company: dict[str, Any]) -> dict[str, Any]:
    names = fetch_one(
        con,
        "SELECT (SELECT name FROM users WHERE user_id = $owner) AS owner, "
        "(SELECT name FROM users WHERE user_id = $csm) AS csm, "
        "(SELECT name FROM partners WHERE partner_id = $partner) AS partner",
        {"owner": company["owner_id"], "csm": company["csm_id"], "partner": company["partner_id"]},
    )
    golden = {k: v for k, v in company.items() if k != "company_id"}
    return {"account_id": company["company_id"], **golden, **(names or {})}


def _records(
    con: duckdb.DuckDBPyConnection, identity: Identity, company_id: str
) -> list[dict[str, Any]]:
    query = Query()
    picked = query.bind_ids([company_id])
    matched_by = "x.matched_by" if identity.resolved else "'singleton'"
    crosswalk = (
        "LEFT JOIN resolve.crosswalk AS x ON x.entity = 'account' "
        "AND x.record_table = 'accounts' AND x.record_id = a.account_id"
        if identity.resolved
        else ""
    )
    return fetch(
        con,
        f"""{identity.ctes()}, picked AS ({identity.records_sql(picked)})
        SELECT a.account_id, a.source, a.source_id, a.name, a.domain, a.owner_id,
               {matched_by} AS matched_by, a.created_at, a.updated_at
        FROM accounts AS a JOIN picked AS p ON p.account_id = a.account_id {crosswalk}
        ORDER BY a.source, a.account_id""",
        query.params,
    )


def _explanations(con: duckdb.DuckDBPyConnection, record_ids: list[str]) -> list[dict[str, Any]]:
    if len(record_ids) < 2 or not table_exists(con, "resolve", "match_explanations"):
        return []
    return fetch(
        con,
        """SELECT left_record_id, right_record_id, match_probability, match_weight, linked,
                  explanation
           FROM resolve.match_explanations
           WHERE entity = 'account' AND left_record_table = 'accounts'
             AND right_record_table = 'accounts'
             AND list_contains($ids, left_record_id) AND list_contains($ids, right_record_id)
           ORDER BY match_probability DESC, left_record_id, right_record_id""",
        {"ids": record_ids},
    )


def _count(con: duckdb.DuckDBPyConnection, table: str, record_ids: list[str]) -> int:
    row = con.execute(
        f"SELECT count(*) FROM {table} WHERE list_contains($ids, account_id)", {"ids": record_ids}
    ).fetchone()
    return int(row[0]) if row else 0


def _subscriptions(
    con: duckdb.DuckDBPyConnection, record_ids: list[str], day: dt.date, settings: MetricSettings
) -> list[dict[str, Any]]:
    params = {"ids": record_ids, "day": day}
    subscriptions = fetch(
        con,
        """SELECT subscription_id, account_id, status, billing_interval, currency, start_date,
                  trial_end_date, ended_date, canceled_at, cancel_at_period_end,
                  discount_percent
           FROM subscriptions WHERE list_contains($ids, account_id)
           ORDER BY start_date DESC, subscription_id""",
        {"ids": record_ids},
    )
    items = fetch(
        con,
        f"""SELECT i.subscription_id, i.subscription_item_id,
                   coalesce(x.product, pr.name) AS product, coalesce(x.plan, pr.family) AS plan,
                   i.quantity, i.currency, i.unit_amount, i.unit_amount_base, i.start_date,
                   i.end_date,
                   CASE WHEN x.in_service_from <= $day AND x.in_service_to > $day
                        THEN coalesce(x.mrr, 0.0) ELSE 0.0 END AS mrr
            FROM subscription_items AS i
            JOIN subscriptions AS s ON s.subscription_id = i.subscription_id
            LEFT JOIN prices AS p ON p.price_id = i.price_id
            LEFT JOIN products AS pr ON pr.product_id = p.product_id
            LEFT JOIN ({item_mrr_sql(settings, day="$day")}) AS x
                   ON x.subscription_item_id = i.subscription_item_id
            WHERE list_contains($ids, s.account_id)
            ORDER BY i.start_date DESC, i.subscription_item_id""",
        params,
    )
    by_subscription: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_subscription.setdefault(item.pop("subscription_id"), []).append(item)
    for subscription in subscriptions:
        own = by_subscription.get(subscription["subscription_id"], [])
        subscription["mrr"] = sum(i["mrr"] for i in own)
        subscription["items"] = own
    return subscriptions


def _health(con: duckdb.DuckDBPyConnection, record_ids: list[str], day: dt.date) -> dict[str, Any]:
    since = day - dt.timedelta(days=CSAT_WINDOW_DAYS)
    tickets = (
        fetch_one(
            con,
            """SELECT count(*) FILTER (WHERE list_contains($open, status)) AS open_tickets,
                  count(*) AS tickets,
                  avg(csat_score) FILTER (WHERE CAST(solved_at AS DATE) > $since
                      AND CAST(solved_at AS DATE) <= $day) AS average,
                  count(csat_score) FILTER (WHERE CAST(solved_at AS DATE) > $since
                      AND CAST(solved_at AS DATE) <= $day) AS responses
           FROM support_tickets WHERE list_contains($ids, account_id)""",
            {"ids": record_ids, "open": list(OPEN_TICKET_STATUSES), "since": since, "day": day},
        )
        or {}
    )
    last_nps = fetch_one(
        con,
        """SELECT score, responded_at, comment FROM nps_responses
           WHERE list_contains($ids, account_id)
           ORDER BY responded_at DESC, nps_response_id DESC LIMIT 1""",
        {"ids": record_ids},
    )
    return {
        "open_tickets": tickets.get("open_tickets", 0),
        "tickets": tickets.get("tickets", 0),
        "csat": {
            "average": tickets.get("average"),
            "responses": tickets.get("responses", 0),
            "window_days": CSAT_WINDOW_DAYS,
        },
        "last_nps": last_nps,
    }
