"""Support tickets (Zendesk) and NPS answers (Delighted) as canonical rows.

Takes the drafts of ``engagement`` and keeps those of accounts in service on the day,
so that nothing is asked of a company that is not a customer.

>>> pick_contacts(np.array([0, 2]), np.array([0, 0, 1]), np.array([0.9, 0.1])).tolist()
[1, -1]
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from revhub.demo.customers.book import Book
from revhub.demo.customers.cohort import NULL, Cohort
from revhub.demo.customers.engagement import (
    CATEGORIES,
    CHANNELS,
    COMMENTS,
    PRIORITIES,
    SUBJECTS,
    Draft,
)
from revhub.demo.spec import DemoSpec, chunk_ids
from revhub.model import get_table

_S = "timedelta64[s]"


def pick_contacts(acc: np.ndarray, contact_acc: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A contact index per row among the account's contacts (``-1`` when it has none)."""
    first = np.searchsorted(contact_acc, acc, side="left")
    count = np.searchsorted(contact_acc, acc, side="right") - first
    return np.where(count > 0, first + (u * count).astype(int), -1)


def tickets_table(
    spec: DemoSpec, chunk: int, cohort: Cohort, draft: Draft, keep: np.ndarray
) -> pa.Table:
    """``support_tickets`` from the drafted tickets where ``keep``.

    Example: ``tickets_table(spec, 0, cohort, draft, in_service(spec, service, acc, at))``.
    """
    rng = spec.rng("ticket_rows", chunk)
    d = {k: v[keep] for k, v in draft.items()}
    n = len(d["acc"])
    end = spec.end.astype("datetime64[s]")
    answered = d["first_response_at"] < end
    solved = d["solved_at"] < end
    closed = solved & (d["solved_at"] < end - np.timedelta64(4 * 86400, "s"))
    waiting = np.where(rng.random(n) < 0.5, "open", "pending")
    status = np.select([closed, solved, answered], ["closed", "solved", waiting], "new")
    contact = pick_contacts(d["acc"], cohort.contact_acc, d["pick"])
    agents = cohort.support_agents
    assignee = agents[rng.integers(0, len(agents), n)] if len(agents) else np.full(n, None)
    nat = np.datetime64("NaT", "s")
    first_response = np.where(answered, d["first_response_at"], nat)
    solved_at = np.where(solved, d["solved_at"], nat)
    updated = np.where(
        solved, d["solved_at"], np.where(answered, d["first_response_at"], d["opened_at"])
    )
    number = chunk * 10_000_000 + np.arange(1, n + 1)
    return get_table("support_tickets").to_arrow(
        {
            "ticket_id": chunk_ids("tkt", chunk, n),
            "account_id": cohort.account_id[d["acc"]],
            "contact_id": np.where(
                contact >= 0,
                cohort.contact_id[np.maximum(contact, 0)] if len(cohort.contact_id) else None,
                None,
            ),
            "assignee_id": np.where(answered, assignee, NULL),
            "subject": SUBJECTS[d["category"]],
            "category": CATEGORIES[d["category"]].astype(object),
            "priority": PRIORITIES[d["priority"]].astype(object),
            "status": status.astype(object),
            "opened_at": d["opened_at"],
            "first_response_at": first_response,
            "solved_at": solved_at,
            "csat_score": np.where(solved & (d["csat"] > 0), d["csat"], NULL),
            "channel": CHANNELS[d["channel"]].astype(object),
            "source": np.full(n, "zendesk", dtype=object),
            "source_id": number.astype(str).astype(object),
            "created_at": d["opened_at"],
            "updated_at": updated,
        }
    )


def nps_table(
    spec: DemoSpec, chunk: int, cohort: Cohort, draft: Draft, keep: np.ndarray
) -> pa.Table:
    """``nps_responses`` from the drafted answers where ``keep``.

    Example: ``nps_table(spec, 0, cohort, draft, keep)``.
    """
    d = {k: v[keep] for k, v in draft.items()}
    n = len(d["acc"])
    has_comment = d["comment"] >= 0
    return get_table("nps_responses").to_arrow(
        {
            "nps_response_id": chunk_ids("nps", chunk, n),
            "account_id": cohort.account_id[d["acc"]],
            "contact_id": cohort.contact_id[d["contact"]],
            "responded_at": d["responded_at"],
            "score": d["score"],
            "comment": np.where(has_comment, COMMENTS[np.maximum(d["comment"], 0)], NULL),
            "source": np.full(n, "delighted", dtype=object),
            "source_id": np.char.add(
                "resp_", (chunk * 10_000_000 + np.arange(1, n + 1)).astype(str)
            ).astype(object),
            "created_at": d["responded_at"],
            "updated_at": d["responded_at"],
        }
    )


def promoter_since(
    book: Book, nps: dict[str, np.ndarray], kept: np.ndarray, accounts: int
) -> np.ndarray:
    """Time of the latest survey answer per account if that survey averaged 9+, else NaT.

    Only answers given since the account's current subscription started count.
    Example: ``promoter_since(book, nps_draft, kept, cohort.size)``.
    """
    acc, month, score = nps["acc"][kept], nps["month"][kept], nps["score"][kept]
    at = nps["responded_at"][kept]
    latest = np.full(accounts, -1)
    np.maximum.at(latest, acc, month)
    last = month == latest[acc]
    total = np.bincount(acc[last], weights=score[last], minlength=accounts)
    count = np.bincount(acc[last], minlength=accounts)
    when = np.full(accounts, np.datetime64("NaT", "s"))
    stamp = at[last].astype("datetime64[s]").astype(np.int64)
    best = np.full(accounts, np.iinfo(np.int64).min)
    np.maximum.at(best, acc[last], stamp)
    good = (count > 0) & (total >= 9 * np.maximum(count, 1))
    when[good] = best[good].astype("datetime64[s]")
    running = book.state == 1
    newest_start = np.full(accounts, np.datetime64("NaT", "D"))
    plan = np.flatnonzero(running & (book.kind != 1))
    newest_start[book.acc[plan]] = book.start[plan]
    ok = ~np.isnat(newest_start) & (when >= newest_start.astype("datetime64[s]"))
    return np.where(ok, when, np.datetime64("NaT", "s"))
