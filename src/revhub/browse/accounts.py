"""The account list: one row per company (golden account), searched, filtered and paged.

What each row holds, and where it comes from:

- name, domain, segment, region, country, industry and the owner, CSM and partner: the
  company's golden record (``companies``), names looked up in ``users`` / ``partners``;
- ``mrr`` / ``arr``: recurring revenue on the snapshot day (``recurring``; the last
  complete day before the workspace's as-of date unless ``day`` is given), so the rows
  add up to the ``arr`` metric on that day; ``is_customer``: MRR above zero that day;
- ``open_pipeline`` / ``open_deals``: the open opportunities of any of the company's
  records, every type (new business, expansion, renewal), amounts in base currency;
- ``last_activity_at``: the latest touchpoint on any of its records or logged sales
  activity on any of its deals.

Company figures are the company's as a whole, whatever the caller's scope; which
companies appear follows the scope (``companies``).

>>> import tempfile, revhub
>>> from revhub.access import EVERYTHING
>>> with revhub.init(tempfile.mkdtemp()) as ws:
...     list_accounts(ws.con.con, EVERYTHING, q="acme").total
0
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb

from revhub.access import RowScope
from revhub.browse.companies import Identity, among, scope_companies
from revhub.browse.pages import Page, check_choice, check_paging, order_by
from revhub.browse.query import Query, fetch, snapshot_day
from revhub.browse.recurring import company_mrr_sql
from revhub.metrics.settings import MetricSettings
from revhub.model.vocabulary import REGIONS, SEGMENTS


@dataclass(frozen=True)
class AccountRow:
    """One company in the account list (see the module docstring)."""

    account_id: str
    name: str | None
    domain: str | None
    segment: str | None
    region: str | None
    country: str | None
    industry: str | None
    owner_id: str | None
    owner: str | None
    csm: str | None
    partner: str | None
    is_customer: bool
    mrr: float
    arr: float
    open_pipeline: float
    open_deals: int
    last_activity_at: dt.datetime | None
    record_count: int
    sources: list[str]


# sort name → (SQL, the aggregate CTE it needs)
SORTS: dict[str, tuple[str, str | None]] = {
    "name": ("lower(c.name)", None),
    "domain": ("c.domain", None),
    "arr": ("coalesce(mrr.mrr, 0)", "mrr"),
    "pipeline": ("coalesce(pipe.open_pipeline, 0)", "pipe"),
    "last_activity": ("act.last_activity_at", "act"),
}


def pipeline_sql(records: str, *, narrow: bool = False) -> str:
    """SQL of ``(company_id, open_pipeline, open_deals)`` over the open deals of
    ``records`` (a CTE of ``(account_id, company_id)``; ``narrow`` when it is small)."""
    only = f" AND account_id IN (SELECT account_id FROM {records})" if narrow else ""
    return f"""
        SELECT r.company_id, sum(p.amount) AS open_pipeline,
               CAST(sum(p.deals) AS BIGINT) AS open_deals
        FROM (SELECT account_id, sum(CAST(amount_base AS DOUBLE)) AS amount, count(*) AS deals
              FROM opportunities WHERE NOT is_closed{only} GROUP BY account_id) AS p
        JOIN {records} AS r ON r.account_id = p.account_id GROUP BY r.company_id"""


def activity_sql(records: str, *, narrow: bool = False) -> str:
    """SQL of ``(company_id, last_activity_at)`` over the touchpoints and deals of
    ``records`` (a CTE of ``(account_id, company_id)``; ``narrow`` when it is small)."""
    only = f" AND account_id IN (SELECT account_id FROM {records})" if narrow else ""
    return f"""
        SELECT r.company_id, max(a.active_at) AS last_activity_at FROM (
            SELECT account_id, max(occurred_at) AS active_at FROM touchpoints
            WHERE account_id IS NOT NULL{only} GROUP BY account_id
            UNION ALL
            SELECT account_id, max(last_activity_at) FROM opportunities
            WHERE last_activity_at IS NOT NULL{only} GROUP BY account_id
        ) AS a JOIN {records} AS r ON r.account_id = a.account_id GROUP BY r.company_id"""


def _aggregates(
    settings: MetricSettings, day: str, records: str, *, narrow: bool = False
) -> dict[str, str]:
    return {
        "mrr": company_mrr_sql(settings, day=day, records=records),
        "pipe": pipeline_sql(records, narrow=narrow),
        "act": activity_sql(records, narrow=narrow),
    }


def list_accounts(
    con: duckdb.DuckDBPyConnection,
    scope: RowScope,
    *,
    q: str | None = None,
    segment: str | None = None,
    region: str | None = None,
    owner_id: str | None = None,
    is_customer: bool | None = None,
    sort: str = "name",
    page: int = 1,
    page_size: int = 50,
    day: dt.date | None = None,
    settings: MetricSettings | None = None,
) -> Page[AccountRow]:
    """The companies ``scope`` sees, matching the filters, one page of them.

    ``q`` finds a company whose name or domain contains it (any case); ``segment``,
    ``region`` and ``owner_id`` match the golden record; ``is_customer`` keeps paying
    (or non-paying) companies. ``sort``: name, domain, arr, pipeline or last_activity,
    ``-`` first for descending; ties go by company id.
    """
    check_paging(page, page_size)
    check_choice("segment", segment, SEGMENTS)
    check_choice("region", region, REGIONS)
    settings = settings or MetricSettings()
    day = day or snapshot_day(con)
    identity = Identity.of(con)
    query = Query()
    if q and q.strip():
        text = query.bind(q.strip().lower())
        query.where(f"contains(lower(c.name), {text}) OR contains(lower(c.domain), {text})")
    for column, value in (("segment", segment), ("region", region), ("owner_id", owner_id)):
        if value is not None:
            query.where(f"c.{column} = {query.bind(value)}")
    if is_customer is not None:
        query.where("coalesce(mrr.mrr, 0) > 0" if is_customer else "coalesce(mrr.mrr, 0) <= 0")
    scope_companies(scope, query)
    ordering = order_by(
        sort, {k: v for k, (v, _) in SORTS.items()}, key="c.company_id", what="accounts"
    )
    needed = {SORTS[sort.removeprefix("-")][1] or ""} - {""}
    if is_customer is not None:
        needed.add("mrr")
    aggregates = _aggregates(settings, query.bind(day), "all_records")
    ctes = identity.ctes() + f", all_records AS ({identity.all_records_sql()})"
    joins = ""
    for name in sorted(needed):
        ctes += f", {name} AS ({aggregates[name]})"
        joins += f" LEFT JOIN {name} ON {name}.company_id = c.company_id"
    base = f"FROM companies AS c{joins}{query.where_sql()}"
    total = fetch(con, f"{ctes} SELECT count(*) AS n {base}", query.params)[0]["n"]
    limit, offset = query.bind(page_size), query.bind((page - 1) * page_size)
    ids = [
        r["company_id"]
        for r in fetch(
            con,
            f"{ctes} SELECT c.company_id {base} ORDER BY {ordering} LIMIT {limit} OFFSET {offset}",
            query.params,
        )
    ]
    return Page(_rows(con, identity, ids, day, settings), total, page, page_size)


def _rows(
    con: duckdb.DuckDBPyConnection,
    identity: Identity,
    ids: list[str],
    day: dt.date,
    settings: MetricSettings,
) -> list[AccountRow]:
    """The rows of the companies ``ids``, in that order."""
    if not ids:
        return []
    query = Query()
    picked, on = query.bind_ids(ids), query.bind(day)
    aggregates = _aggregates(settings, on, "picked", narrow=True)
    sql = f"""
        {identity.ctes()}, picked AS ({identity.records_sql(picked)}),
        mrr AS ({aggregates["mrr"]}), pipe AS ({aggregates["pipe"]}),
        act AS ({aggregates["act"]})
        SELECT c.company_id AS account_id, c.name, c.domain, c.segment, c.region, c.country,
               c.industry, c.owner_id, ow.name AS owner, cs.name AS csm, pa.name AS partner,
               coalesce(mrr.mrr, 0) > 0 AS is_customer, coalesce(mrr.mrr, 0.0) AS mrr,
               coalesce(mrr.mrr, 0.0) * 12 AS arr,
               coalesce(pipe.open_pipeline, 0.0) AS open_pipeline,
               coalesce(pipe.open_deals, 0) AS open_deals, act.last_activity_at,
               c.record_count, c.sources
        FROM companies AS c
        LEFT JOIN users AS ow ON ow.user_id = c.owner_id
        LEFT JOIN users AS cs ON cs.user_id = c.csm_id
        LEFT JOIN partners AS pa ON pa.partner_id = c.partner_id
        LEFT JOIN mrr ON mrr.company_id = c.company_id
        LEFT JOIN pipe ON pipe.company_id = c.company_id
        LEFT JOIN act ON act.company_id = c.company_id
        WHERE {among("c.company_id", picked)}"""
    found: dict[str, dict[str, Any]] = {r["account_id"]: r for r in fetch(con, sql, query.params)}
    return [AccountRow(**found[i]) for i in ids if i in found]
