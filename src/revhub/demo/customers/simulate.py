"""The customer side of one chunk: from won deals to subscriptions, bills, usage,
support, NPS, expansion, renewals, churn and win-backs.

Order: hidden health → drafted tickets and NPS answers → the subscription month loop
(which reads support pain and detractors) → deals, invoices, usage → rows kept for days
in service → accounts updated, lifecycle moves and the churn ground truth.

>>> sorted(CUSTOMER_TABLES)[:3]
['accounts', 'churn_reasons', 'credit_notes']
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa

from revhub.demo.customers.book import Book
from revhub.demo.customers.catalog import catalog_rates
from revhub.demo.customers.cohort import Cohort, build_cohort, column
from revhub.demo.customers.engagement import (
    detractor_months,
    draft_nps,
    draft_tickets,
    health_paths,
    ticket_pain,
)
from revhub.demo.customers.feedback import nps_table, promoter_since, tickets_table
from revhub.demo.customers.invoicing import bill
from revhub.demo.customers.renewals import customer_deals
from revhub.demo.customers.subscription_rows import subscription_tables
from revhub.demo.customers.subscriptions import CHURN_REASONS, simulate_subscriptions
from revhub.demo.customers.usage import in_service, product_usage, service_calendar
from revhub.demo.spec import DemoSpec, chunk_ids
from revhub.model import get_table

CUSTOMER_TABLES = (
    "accounts",
    "churn_reasons",
    "credit_notes",
    "invoice_lines",
    "invoices",
    "lifecycle_events",
    "nps_responses",
    "opportunities",
    "opportunity_history",
    "payments",
    "product_usage",
    "refunds",
    "subscription_items",
    "subscriptions",
    "support_tickets",
)


def simulate_customers(
    spec: DemoSpec,
    org: Mapping[str, pa.Table],
    catalog: dict[str, pa.Table],
    gtm: Mapping[str, pa.Table],
    chunk: int,
) -> dict[str, pa.Table]:
    """Simulate one chunk's customers; see the module docstring.

    ``accounts`` replaces gtm's; ``opportunities``, ``opportunity_history`` and
    ``lifecycle_events`` are extra rows to append to gtm's.

    Example: ``simulate_customers(spec, org, build_catalog(spec), gtm, 0)["invoices"]``.
    """
    cohort = build_cohort(spec, org, gtm, chunk)
    rates = catalog_rates(catalog, spec)
    a, months = cohort.size, spec.months
    health = health_paths(spec, chunk, a)
    tickets = draft_tickets(spec, chunk, cohort.segment, health)
    nps = draft_nps(spec, chunk, cohort.contact_acc, health)
    book = simulate_subscriptions(
        spec,
        chunk,
        cohort,
        health,
        ticket_pain(tickets, a, months),
        detractor_months(nps, a, months),
    )
    started = book.state > 0
    sub_id = np.full(len(book.kind), None, dtype=object)
    sub_id[started] = chunk_ids("sub", chunk, int(started.sum()))
    item_id = chunk_ids("si", chunk, len(book.items["slot"]))
    deals, made_by = customer_deals(spec, chunk, cohort, book, sub_id, rates)
    out = dict(deals)
    billing, past_due = bill(spec, chunk, cohort, book, sub_id, item_id, rates)
    out.update(billing)
    out.update(
        subscription_tables(spec, chunk, cohort, book, sub_id, item_id, made_by, past_due, rates)
    )
    plan = np.flatnonzero(started & (book.kind != 1))
    service = service_calendar(spec, book.acc[plan], book.start[plan], book.end[plan], a)
    out["product_usage"] = product_usage(
        spec, chunk, cohort.account_id, service, health, book.seats, book.anchor
    )
    out["support_tickets"] = tickets_table(
        spec,
        chunk,
        cohort,
        tickets,
        in_service(spec, service, tickets["acc"], tickets["opened_at"]),
    )
    kept = in_service(spec, service, nps["acc"], nps["responded_at"])
    out["nps_responses"] = nps_table(spec, chunk, cohort, nps, kept)
    promoted = promoter_since(book, nps, kept, a)
    out.update(_account_moves(spec, chunk, cohort, book, gtm["accounts"], promoted))
    return out


def _account_moves(
    spec: DemoSpec,
    chunk: int,
    cohort: Cohort,
    book: Book,
    accounts: pa.Table,
    promoted: np.ndarray,
) -> dict[str, pa.Table]:
    """Accounts updated, lifecycle events (churned, reactivated, evangelist), churn truth."""
    a = cohort.size
    churn = book.events["churn"]
    c_slot = churn["slot"].astype(int)
    c_acc = book.acc[c_slot]
    deals = len(book.kind) // 3
    win_back = np.where(book.kind[c_slot] == 0, c_slot + 2 * deals, c_slot)
    came_back = (book.kind[c_slot] == 0) & (book.state[win_back] > 0)
    back_date = np.where(came_back, book.start[win_back], np.datetime64("NaT", "D"))
    truth = get_table("churn_reasons").to_arrow(
        {
            "account_id": cohort.account_id[c_acc],
            "churned_date": churn["date"],
            "reason": np.array(CHURN_REASONS, dtype=object)[churn["reason"].astype(int)],
            "reactivated_date": back_date,
        }
    )
    plan_running = (book.state == 1) & (book.kind != 1)
    running = np.bincount(book.acc[plan_running], minlength=a) > 0
    mains = np.flatnonzero((book.kind == 0) & (book.state > 0))
    never = np.datetime64("9999-12-31", "D")
    became = np.full(a, never)
    np.minimum.at(became, book.acc[mains], book.start[mains])
    became = np.where(became == never, np.datetime64("NaT", "D"), became)
    last_churn = np.full(a, np.datetime64("NaT", "D"))
    order = np.argsort(churn["date"], kind="stable")
    last_churn[c_acc[order]] = churn["date"][order]
    stage = np.where(running, np.where(np.isnat(promoted), "customer", "evangelist"), "churned")

    ids = column(accounts, "account_id").astype(str)
    rows = np.searchsorted(ids, cohort.account_id.astype(str), sorter=np.argsort(ids))
    rows = np.argsort(ids)[rows]
    updated = {
        name: column(accounts, name).copy()
        for name in (
            "csm_id",
            "lifecycle_stage",
            "became_customer_date",
            "churned_date",
            "updated_at",
        )
    }
    updated["csm_id"][rows] = cohort.csm_id
    updated["lifecycle_stage"][rows] = stage
    updated["became_customer_date"] = updated["became_customer_date"].astype("datetime64[D]")
    updated["churned_date"] = updated["churned_date"].astype("datetime64[D]")
    updated["churned_date"][rows] = np.where(running, np.datetime64("NaT", "D"), last_churn)
    updated["became_customer_date"][rows] = became
    events, last_move = _lifecycle_events(spec, chunk, cohort, book, c_acc, churn["date"], promoted)
    touched = updated["updated_at"].astype("datetime64[us]")
    touched[rows] = np.where(
        np.isnat(last_move), touched[rows], np.maximum(touched[rows], last_move)
    )
    updated["updated_at"] = touched
    new = accounts
    for name, values in updated.items():
        i = new.schema.get_field_index(name)
        field = new.schema.field(i)
        new = new.set_column(i, field, pa.array(values, type=field.type, from_pandas=True))
    return {"accounts": new, "churn_reasons": truth, "lifecycle_events": events}


def _lifecycle_events(
    spec: DemoSpec,
    chunk: int,
    cohort: Cohort,
    book: Book,
    churn_acc: np.ndarray,
    churn_date: np.ndarray,
    promoted: np.ndarray,
) -> tuple[pa.Table, np.ndarray]:
    """Account moves: customer → churned, churned → customer, customer → evangelist."""
    back = np.flatnonzero((book.kind == 2) & (book.state > 0))
    evangelist = np.flatnonzero(~np.isnat(promoted))
    acc = np.concatenate([churn_acc, book.acc[back], evangelist]).astype(int)
    at = np.concatenate(
        [
            churn_date.astype("datetime64[s]") + np.timedelta64(3600, "s"),
            book.start[back].astype("datetime64[s]") + np.timedelta64(9 * 3600, "s"),
            promoted[evangelist] + np.timedelta64(60, "s"),
        ]
    )
    kinds = np.repeat([0, 1, 2], [len(churn_acc), len(back), len(evangelist)])
    n = len(acc)
    ids = chunk_ids("lce_cs", chunk, n)
    events = get_table("lifecycle_events").to_arrow(
        {
            "lifecycle_event_id": ids,
            "entity_type": np.full(n, "account", dtype=object),
            "entity_id": cohort.account_id[acc],
            "account_id": cohort.account_id[acc],
            "from_stage": np.array(["customer", "churned", "customer"], dtype=object)[kinds],
            "to_stage": np.array(["churned", "customer", "evangelist"], dtype=object)[kinds],
            "occurred_at": at,
            "owning_team": np.full(n, "customer_success", dtype=object),
            "owner_id": cohort.csm_id[acc],
            "source": np.full(n, "salesforce", dtype=object),
            "source_id": ids,
            "created_at": at,
            "updated_at": at,
        }
    )
    last = np.full(cohort.size, np.datetime64("NaT", "us"))
    stamp = np.full(cohort.size, np.iinfo(np.int64).min)
    np.maximum.at(stamp, acc, at.astype("datetime64[us]").astype(np.int64))
    has = stamp > np.iinfo(np.int64).min
    last[has] = stamp[has].astype("datetime64[us]")
    return events, last
