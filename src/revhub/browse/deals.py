"""The deal list and one deal with its stage history.

A deal row names its company (the golden account its account record belongs to), owner
and owner's team, and two figures from ``opportunity_history``:

- ``pushes``: how many times its close date was moved later while it was open;
  ``is_slipped`` when it was at least once;
- ``days_in_stage``: for an open deal, days from entering its current stage (its last
  recorded stage change, else its creation) to the snapshot day; None once closed.

Which deals a caller sees follows ``companies.scope_deals``.

>>> import tempfile, revhub
>>> from revhub.access import RowScope
>>> with revhub.init(tempfile.mkdtemp()) as ws:
...     list_deals(ws.con.con, RowScope("owner", frozenset({"u1"})), status="open").items
[]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb

from revhub.access import RowScope
from revhub.browse.companies import Identity, among, scope_deals
from revhub.browse.pages import Page, check_choice, check_paging, order_by
from revhub.browse.query import Query, fetch, snapshot_day
from revhub.errors import NotFoundError
from revhub.model.vocabulary import OPPORTUNITY_STAGES

STATUSES = ("open", "won", "lost")
_STATUS_SQL = {
    "open": "NOT o.is_closed",
    "won": "o.is_won",
    "lost": "o.is_closed AND NOT o.is_won",
}
_CLOSED = "['closed_won', 'closed_lost']"
# sort name → (SQL, whether it needs the history figures)
SORTS: dict[str, tuple[str, bool]] = {
    "close_date": ("o.close_date", False),
    "created": ("o.created_date", False),
    "amount": ("o.amount_base", False),
    "name": ("lower(o.name)", False),
    "pushes": ("coalesce(h.pushes, 0)", True),
    "days_in_stage": ("days_in_stage", True),
}
_JOINS = (
    " LEFT JOIN company_of AS m ON m.account_id = o.account_id"
    " LEFT JOIN companies AS c ON c.company_id = coalesce(m.company_id, o.account_id)"
)


@dataclass(frozen=True)
class DealRow:
    """One deal in the deal list (see the module docstring)."""

    opportunity_id: str
    name: str | None
    account_id: str
    account_name: str | None
    owner_id: str | None
    owner: str | None
    team: str | None
    opportunity_type: str
    stage: str
    forecast_category: str
    status: str
    amount: float | None
    currency: str
    close_date: dt.date
    created_date: dt.date
    closed_date: dt.date | None
    pushes: int
    is_slipped: bool
    days_in_stage: int | None


def history_sql(only: str | None = None) -> str:
    """SQL of ``(opportunity_id, pushes, stage_entered_at)`` from the deals' history
    (of the deals whose ids the SQL list ``only`` holds, when given)."""
    where = f"WHERE {among('opportunity_id', only)}" if only else ""
    return f"""
        SELECT opportunity_id,
               count(*) FILTER (WHERE close_date > prev_close
                                AND NOT list_contains({_CLOSED}, prev_stage)) AS pushes,
               max(valid_from) FILTER (WHERE prev_stage IS NULL OR prev_stage <> stage)
                   AS stage_entered_at
        FROM (SELECT opportunity_id, valid_from, stage, close_date,
                     lag(close_date) OVER w AS prev_close, lag(stage) OVER w AS prev_stage
              FROM opportunity_history {where}
              WINDOW w AS (PARTITION BY opportunity_id ORDER BY valid_from))
        GROUP BY opportunity_id"""


def _days_in_stage(day: str) -> str:
    entered = "coalesce(CAST(h.stage_entered_at AS DATE), o.created_date)"
    return (
        f"CASE WHEN o.is_closed THEN NULL ELSE greatest(date_diff('day', {entered}, {day}), 0) END"
    )


def list_deals(
    con: duckdb.DuckDBPyConnection,
    scope: RowScope,
    *,
    status: str | None = None,
    stage: str | None = None,
    owner_id: str | None = None,
    account_id: str | None = None,
    q: str | None = None,
    slipped: bool | None = None,
    sort: str = "close_date",
    page: int = 1,
    page_size: int = 50,
    day: dt.date | None = None,
) -> Page[DealRow]:
    """The deals ``scope`` sees, matching the filters, one page of them.

    ``status`` is open, won or lost; ``account_id`` a company id; ``q`` finds deals
    whose name or company name contains it; ``slipped`` keeps deals pushed at least once
    (or never). ``sort``: close_date, created, amount, name, pushes or days_in_stage,
    ``-`` first for descending; ties go by deal id.
    """
    check_paging(page, page_size)
    check_choice("status", status, STATUSES)
    check_choice("stage", stage, OPPORTUNITY_STAGES)
    day = day or snapshot_day(con)
    identity = Identity.of(con)
    query = Query()
    if status is not None:
        query.where(_STATUS_SQL[status])
    for column, value in (("stage", stage), ("owner_id", owner_id)):
        if value is not None:
            query.where(f"o.{column} = {query.bind(value)}")
    if account_id is not None:
        records = identity.records_sql(query.bind_ids([account_id]))
        query.where(f"o.account_id IN (SELECT account_id FROM ({records}))")
    if q and q.strip():
        text = query.bind(q.strip().lower())
        query.where(f"contains(lower(o.name), {text}) OR contains(lower(c.name), {text})")
    if slipped is not None:
        query.where("coalesce(h.pushes, 0) > 0" if slipped else "coalesce(h.pushes, 0) = 0")
    scope_deals(scope, query)
    name = sort.removeprefix("-")
    ordering = order_by(
        sort, {k: v for k, (v, _) in SORTS.items()}, key="o.opportunity_id", what="deals"
    )
    by_company = bool(q and q.strip()) or scope.kind == "partner"
    ctes, joins, select = identity.ctes(), _JOINS if by_company else "", "o.opportunity_id"
    if slipped is not None or SORTS[name][1]:
        ctes += f", h AS ({history_sql()})"
        joins += " LEFT JOIN h ON h.opportunity_id = o.opportunity_id"
        select += f", {_days_in_stage(query.bind(day))} AS days_in_stage"
    base = f"FROM opportunities AS o{joins}{query.where_sql()}"
    total = fetch(con, f"{ctes} SELECT count(*) AS n {base}", query.params)[0]["n"]
    limit, offset = query.bind(page_size), query.bind((page - 1) * page_size)
    sql = f"{ctes} SELECT {select} {base} ORDER BY {ordering} LIMIT {limit} OFFSET {offset}"
    ids = [r["opportunity_id"] for r in fetch(con, sql, query.params)]
    return Page(deal_rows(con, identity, ids, day), total, page, page_size)


def deal_rows(
    con: duckdb.DuckDBPyConnection, identity: Identity, ids: list[str], day: dt.date
) -> list[DealRow]:
    """The rows of the deals ``ids``, in that order."""
    if not ids:
        return []
    query = Query()
    picked, on = query.bind_ids(ids), query.bind(day)
    # the page's deals first, then only their companies: small joins on big tables
    sql = f"""
        {identity.ctes()}, h AS ({history_sql(picked)}),
        o AS (SELECT * FROM opportunities WHERE {among("opportunity_id", picked)}),
        m AS (SELECT * FROM company_of WHERE account_id IN (SELECT account_id FROM o)),
        oc AS (SELECT o.opportunity_id, coalesce(m.company_id, o.account_id) AS company_id
               FROM o LEFT JOIN m ON m.account_id = o.account_id),
        c AS (SELECT company_id, name FROM companies
              WHERE company_id IN (SELECT company_id FROM oc))
        SELECT o.opportunity_id, o.name, oc.company_id AS account_id,
               c.name AS account_name, o.owner_id, u.name AS owner, t.name AS team,
               o.opportunity_type, o.stage, o.forecast_category,
               CASE WHEN NOT o.is_closed THEN 'open' WHEN o.is_won THEN 'won' ELSE 'lost' END
                   AS status,
               CAST(o.amount_base AS DOUBLE) AS amount, o.currency, o.close_date,
               o.created_date, o.closed_date, coalesce(h.pushes, 0) AS pushes,
               coalesce(h.pushes, 0) > 0 AS is_slipped, {_days_in_stage(on)} AS days_in_stage
        FROM o JOIN oc ON oc.opportunity_id = o.opportunity_id
        LEFT JOIN c ON c.company_id = oc.company_id
        LEFT JOIN h ON h.opportunity_id = o.opportunity_id
        LEFT JOIN users AS u ON u.user_id = o.owner_id
        LEFT JOIN teams AS t ON t.team_id = u.team_id"""
    found = {r["opportunity_id"]: r for r in fetch(con, sql, query.params)}
    return [DealRow(**found[i]) for i in ids if i in found]


def deal_detail(
    con: duckdb.DuckDBPyConnection,
    scope: RowScope,
    opportunity_id: str,
    *,
    day: dt.date | None = None,
) -> dict[str, Any]:
    """The deal ``opportunity_id`` if ``scope`` sees it (NotFoundError otherwise, the
    same whether it does not exist or lies outside the scope): ``deal`` (a DealRow as a
    dict plus sdr, partner, campaign, primary contact, probability, list amount, discount,
    lost reason, source channel, last activity), ``history`` (every version, oldest
    first, with the owner's name) and ``subscriptions`` it created."""
    identity = Identity.of(con)
    query = Query()
    query.where(f"o.opportunity_id = {query.bind(opportunity_id)}")
    scope_deals(scope, query)
    sql = f"{identity.ctes()} SELECT o.opportunity_id FROM opportunities AS o{_JOINS}"
    if not fetch(con, sql + query.where_sql(), query.params):
        raise NotFoundError("deal", opportunity_id)
    row = deal_rows(con, identity, [opportunity_id], day or snapshot_day(con))[0]
    params = {"id": opportunity_id}
    extra = fetch(
        con,
        """SELECT o.sdr_id, sdr.name AS sdr, o.partner_id, pa.name AS partner, o.campaign_id,
                  ca.name AS campaign, o.primary_contact_id,
                  trim(concat_ws(' ', ct.first_name, ct.last_name)) AS primary_contact,
                  o.probability, CAST(o.list_amount_base AS DOUBLE) AS list_amount,
                  o.discount, o.lost_reason, o.source_channel, o.last_activity_at
           FROM opportunities AS o
           LEFT JOIN users AS sdr ON sdr.user_id = o.sdr_id
           LEFT JOIN partners AS pa ON pa.partner_id = o.partner_id
           LEFT JOIN campaigns AS ca ON ca.campaign_id = o.campaign_id
           LEFT JOIN contacts AS ct ON ct.contact_id = o.primary_contact_id
           WHERE o.opportunity_id = $id""",
        params,
    )[0]
    history = fetch(
        con,
        """SELECT h.valid_from, h.valid_to, h.change_kind, h.stage, h.forecast_category,
                  h.probability, CAST(h.amount_base AS DOUBLE) AS amount, h.close_date,
                  h.owner_id, u.name AS owner
           FROM opportunity_history AS h LEFT JOIN users AS u ON u.user_id = h.owner_id
           WHERE h.opportunity_id = $id ORDER BY h.valid_from""",
        params,
    )
    subscriptions = fetch(
        con,
        """SELECT subscription_id, status, start_date, ended_date FROM subscriptions
           WHERE opportunity_id = $id ORDER BY start_date, subscription_id""",
        params,
    )
    return {
        "deal": {**dataclasses.asdict(row), **extra},
        "history": history,
        "subscriptions": subscriptions,
    }
