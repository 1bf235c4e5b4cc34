"""HubSpot owners: references to the company's users, made by email.

Owners do not become ``users``. A HubSpot owner is a login with a name and an email;
``users`` requires a team, a go-to-market role and a hire date (and a currency for the
quota), which HubSpot does not hold, and inventing them would put made-up roles and
teams into quota and attainment numbers. The people come from the system that knows
them as staff (the CRM's users, an HR export).

So every owner reference (``owner_id`` of accounts, contacts, leads, deals, campaigns
and lifecycle events, ``user_id`` of touchpoints) names the owner by email,
``email:<address>``: ingestion turns it into the ``user_id`` of the user with that
email (``revhub.ingest.references``) — the same person who owns the account in
Salesforce owns its HubSpot copy. An owner without an email, or not in owners.json,
stays ``<source>:<owner id>``. ``owner_note`` says so in the run summary.

>>> from revhub.sources.hubspot.fields import OWNERS
>>> from revhub.sources.hubspot.records import assemble, combine
>>> part = assemble(OWNERS, "owners.json", {"id": ["7", "8"], "email": ["Ann@X.com", None]},
...                 ["owners.json:results[0]", "owners.json:results[1]"])
>>> owner_emails(combine(OWNERS, ["owners.json"], [part], True), "hubspot")
{'hubspot:7': 'email:ann@x.com'}
"""

from __future__ import annotations

import dataclasses

import pyarrow as pa
import pyarrow.compute as pc

from revhub.ingest.references import USER_BY_EMAIL
from revhub.model import get_table
from revhub.sources.base import Batch
from revhub.sources.hubspot.records import Loaded


def owner_emails(owners: Loaded, source: str) -> dict[str, str]:
    """``<source>:<owner id>`` -> ``email:<address>`` of every owner with an email."""
    ids = owners.column("id").to_pylist()
    emails = owners.column("email").to_pylist()
    return {
        f"{source}:{owner}": f"{USER_BY_EMAIL}{email.strip().lower()}"
        for owner, email in zip(ids, emails, strict=True)
        if owner and email and email.strip()
    }


def with_owner_emails(batch: Batch, emails: dict[str, str]) -> Batch:
    """``batch`` with its owner references given by email where the owner has one."""
    if not emails:
        return batch
    rows = batch.rows
    for column in get_table(batch.table).columns:
        if column.references != "users.user_id" or column.name not in rows.column_names:
            continue
        values = rows.column(column.name)
        keys = pa.array(list(emails), pa.string())
        found = pc.index_in(values, value_set=keys)
        replaced = pc.take(pa.array(list(emails.values()), pa.string()), found)
        position = rows.schema.get_field_index(column.name)
        rows = rows.set_column(position, column.name, pc.coalesce(replaced, values))
    return dataclasses.replace(batch, rows=rows)


def owner_note(owners: Loaded, emails: dict[str, str]) -> str | None:
    """The run-summary note on the owners read (not loaded as users; see above).

    >>> from revhub.sources.hubspot.fields import OWNERS
    >>> from revhub.sources.hubspot.records import assemble, combine
    >>> part = assemble(OWNERS, "owners.json", {"id": ["7"]}, ["owners.json:results[0]"])
    >>> owner_note(combine(OWNERS, ["owners.json"], [part], True), {}).split("; ")[-1]
    '1 without an email stay HubSpot ids'
    """
    if owners.rows.num_rows == 0:
        return None
    without = owners.rows.num_rows - len(emails)
    return (
        f"{owners.origin}: {owners.rows.num_rows} owner(s) are references to users by email, "
        "not users (HubSpot has no role, team or hire date)"
        + (f"; {without} without an email stay HubSpot ids" if without else "")
    )
