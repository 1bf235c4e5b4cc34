"""Plant the data problems a RevOps data-quality layer must find, and record them as truth.

Per chunk: duplicate accounts (3–6 %) and contacts (4–8 %) from another system, contacts
coming back as new leads (2–4 %), then invalid values in 1–2 % of account, contact and
lead rows. Nothing planted breaks the model's hard constraints (types, not-null, allowed
values, keys, foreign keys): these are problems for quality rules, not for the loader.

>>> import datetime as dt
>>> spec = DemoSpec(accounts=10, months=12, as_of=dt.date(2026, 1, 1))
>>> names = ("accounts", "contacts", "leads")
>>> empty = {name: get_table(name).arrow_schema().empty_table() for name in names}
>>> tables, truth = plant_data_problems(spec, empty, 0)
>>> sorted(truth), tables["accounts"].num_rows
(['duplicate_records', 'invalid_values'], 0)
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revhub.demo.problems import perturb as pt
from revhub.demo.problems.duplicates import (
    _DAY,
    Duplicates,
    Edits,
    copied_later,
    lookup,
    other_crm,
    pick_rows,
    set_lineage,
)
from revhub.demo.problems.invalid_values import plant_invalid_values
from revhub.demo.spec import DemoSpec, chunk_ids
from revhub.model import get_table

# Channels through which a known person re-enters as a lead (by filling in a form).
FORM_CHANNELS = ("organic_search", "paid_search", "paid_social", "content", "webinar", "events")


def plant_data_problems(
    spec: DemoSpec, tables: dict[str, pa.Table], chunk: int
) -> tuple[dict[str, pa.Table], dict[str, pa.Table]]:
    """Return ``tables`` with duplicates and invalid values planted, and the truth tables.

    ``tables`` must hold this chunk's ``accounts``, ``contacts`` and ``leads``; other tables
    pass through unchanged. Deterministic for (``spec.seed``, ``chunk``).
    """
    accounts, contacts, leads = tables["accounts"], tables["contacts"], tables["leads"]
    planted = {
        "accounts": duplicate_accounts(spec, accounts, chunk),
        "leads": leads_from_contacts(spec, contacts, accounts, leads, chunk),
    }
    planted["contacts"] = duplicate_contacts(spec, contacts, accounts, planted["accounts"], chunk)
    out = dict(tables)
    duplicates: list[pa.Table] = []
    invalid: list[pa.Table] = []
    for name, dup in planted.items():
        definition = get_table(name)
        key = definition.primary_key[0]
        rows = definition.to_arrow({c: dup.rows[c] for c in definition.column_names})
        combined = pa.concat_tables([tables[name], rows])
        touched = {
            column: np.concatenate([np.zeros(tables[name].num_rows, bool), mask])
            for column, mask in dup.touched.items()
        }
        out[name], bad = plant_invalid_values(spec, name, combined, touched, chunk)
        invalid.append(bad)
        duplicates.append(
            get_table("duplicate_records").to_arrow(
                {
                    "entity_table": np.full(dup.rows.num_rows, name, dtype=object),
                    "original_table": np.full(dup.rows.num_rows, _ORIGINAL_TABLE[name], object),
                    "original_id": dup.original_id,
                    "duplicate_id": dup.rows[key],
                    "duplicate_source": dup.rows["source"],
                    "perturbations": dup.perturbations.astype(object),
                }
            )
        )
    truth = {
        "duplicate_records": pa.concat_tables(duplicates),
        "invalid_values": pa.concat_tables(invalid),
    }
    return out, truth


# Lead duplicates are people re-entering through a form who are already contacts.
_ORIGINAL_TABLE = {"accounts": "accounts", "contacts": "contacts", "leads": "contacts"}


def duplicate_accounts(spec: DemoSpec, accounts: pa.Table, chunk: int) -> Duplicates:
    """Companies entered again in the other CRM."""
    rng = spec.rng("duplicate_accounts", chunk)
    originals = pick_rows(rng, accounts.num_rows, 0.03, 0.06)
    rows = accounts.take(originals)
    edits = Edits(rows, rng)
    country = edits.text("country")[0]
    edits.edit("legal_suffix", "name", 0.35, lambda v, m: pt.toggle_legal_suffix(v, country[m]))
    edits.edit("transliteration", "name", 0.8, lambda v, m: pt.transliterate(v))
    edits.edit("case", "name", 0.15, lambda v, m: pt.change_case(v, rng))
    edits.edit("typo", "name", 0.25, lambda v, m: pt.typo(v, rng))
    edits.edit("whitespace", "name", 0.1, lambda v, m: pt.add_whitespace(v, rng))
    edits.edit("domain_variant", "domain", 0.08, lambda v, m: pt.domain_variant(v, rng))
    edits.blank("missing_domain", "domain", 0.12)
    edits.edit("phone_format", "phone", 0.3, lambda v, m: pt.reformat_phone(v))
    edits.blank("missing_phone", "phone", 0.12)
    edits.columns["account_id"] = pa.array(chunk_ids("accdup", chunk, len(originals)), pa.string())
    set_lineage(edits, spec, other_crm(rows["source"]), "001", copied_later(rows, rng, 120))
    return edits.result(rows["account_id"].to_numpy(zero_copy_only=False))


def duplicate_contacts(
    spec: DemoSpec, contacts: pa.Table, accounts: pa.Table, account_dups: Duplicates, chunk: int
) -> Duplicates:
    """People entered again in the other CRM, or as a Stripe billing contact of a customer."""
    rng = spec.rng("duplicate_contacts", chunk)
    originals = pick_rows(rng, contacts.num_rows, 0.04, 0.08)
    rows = contacts.take(originals)
    edits = Edits(rows, rng)
    customer = lookup(rows["account_id"], accounts, "account_id", "became_customer_date")
    is_stripe = customer.is_valid().to_numpy(zero_copy_only=False) & (rng.random(edits.n) < 0.35)
    source = np.where(is_stripe, "stripe", other_crm(rows["source"])).astype(object)
    first, _ = edits.text("first_name")
    last, _ = edits.text("last_name")
    edits.edit("nickname", "first_name", 0.25, lambda v, m: pt.nickname(v, rng))
    edits.edit("transliteration", "first_name", 0.8, lambda v, m: pt.transliterate(v))
    edits.edit("transliteration", "last_name", 0.8, lambda v, m: pt.transliterate(v))
    edits.edit("typo", "last_name", 0.12, lambda v, m: pt.typo(v, rng))
    edits.edit("typo", "first_name", 0.06, lambda v, m: pt.typo(v, rng))
    edits.edit("case", "last_name", 0.1, lambda v, m: pt.change_case(v, rng))
    edits.edit("whitespace", "first_name", 0.06, lambda v, m: pt.add_whitespace(v, rng))
    mail = rng.random(edits.n)
    edits.edit("email_domain", "email", mail < 0.1, lambda v, m: pt.email_domain_variant(v, rng))
    personal = (mail >= 0.1) & (mail < 0.25)
    edits.edit(
        "personal_email", "email", personal, lambda v, m: pt.personal_email(first[m], last[m], rng)
    )
    edits.edit("phone_format", "phone", 0.3, lambda v, m: pt.reformat_phone(v))
    edits.blank("missing_phone", "phone", 0.1)
    edits.blank("missing_title", "title", np.where(is_stripe, 1.0, 0.1) > rng.random(edits.n))
    for column in ("owner_id", "persona"):  # Stripe knows neither
        edits.columns[column] = pc.if_else(pa.array(is_stripe), None, edits.columns[column])
    edits.columns["converted_from_lead_id"] = pa.nulls(edits.n, pa.string())
    moved = _to_duplicate_account(rows["account_id"], account_dups, rng)
    edits.record("duplicate_account", "account_id", moved.is_valid().to_numpy(zero_copy_only=False))
    edits.columns["account_id"] = pc.coalesce(moved, edits.columns["account_id"])
    edits.columns["contact_id"] = pa.array(chunk_ids("condup", chunk, edits.n), pa.string())
    set_lineage(edits, spec, source, "003", copied_later(rows, rng, 200))
    return edits.result(rows["contact_id"].to_numpy(zero_copy_only=False))


def _to_duplicate_account(
    account_id: pa.ChunkedArray, account_dups: Duplicates, rng: np.random.Generator
) -> pa.Array:
    """For half the contacts whose account was duplicated: the duplicate account's id."""
    pairs = pa.table(
        {"original": account_dups.original_id, "duplicate": account_dups.rows["account_id"]}
    )
    moved = lookup(account_id.combine_chunks(), pairs, "original", "duplicate").cast(pa.string())
    keep = pa.array(rng.random(len(moved)) < 0.5)
    return pc.if_else(keep, moved, pa.nulls(len(moved), pa.string()))


def leads_from_contacts(
    spec: DemoSpec, contacts: pa.Table, accounts: pa.Table, leads: pa.Table, chunk: int
) -> Duplicates:
    """Known people filling in a form again: a new lead in marketing automation (HubSpot)."""
    rng = spec.rng("duplicate_leads", chunk)
    latest = (spec.end - np.timedelta64(7, "D")).astype("datetime64[us]")
    created = contacts["created_at"].to_numpy().astype("datetime64[us]")
    email = contacts["email"].is_valid().to_numpy(zero_copy_only=False)
    candidates = np.flatnonzero((created < latest) & email)
    channel = leads["channel"].to_numpy(zero_copy_only=False)
    donors = np.flatnonzero(np.isin(channel, FORM_CHANNELS))
    if len(donors) == 0:
        donors = np.arange(leads.num_rows)
    if len(donors) == 0:
        candidates = candidates[:0]
    chosen = candidates[pick_rows(rng, len(candidates), 0.02, 0.04)]
    person = contacts.take(chosen)
    donor = leads.take(donors[rng.integers(0, max(len(donors), 1), len(chosen))])
    account = person["account_id"].combine_chunks()
    n = len(chosen)
    columns = {
        "lead_id": chunk_ids("leaddup", chunk, n),
        **{c: person[c] for c in ("first_name", "last_name", "email", "phone", "title", "country")},
        "company": lookup(account, accounts, "account_id", "name"),
        "region": lookup(account, accounts, "account_id", "region"),
        "segment": lookup(account, accounts, "account_id", "segment"),
        **{c: donor[c] for c in ("channel", "campaign_id", "partner_id", "owner_id")},
        "status": np.full(n, "new", dtype=object),
        "lifecycle_stage": np.full(n, "lead", dtype=object),
        "score": rng.integers(0, 60, n),
        "is_converted": np.zeros(n, bool),
        "source": np.full(n, "hubspot", dtype=object),
        "source_id": np.full(n, "", dtype=object),
        "created_at": np.zeros(n, "datetime64[us]"),
        "updated_at": np.zeros(n, "datetime64[us]"),
    }
    edits = Edits(get_table("leads").to_arrow(columns), rng)
    first, _ = edits.text("first_name")
    last, _ = edits.text("last_name")
    country = edits.text("country")[0]
    edits.record("form_reentry", "lead_id", np.ones(n, bool))
    edits.edit("nickname", "first_name", 0.2, lambda v, m: pt.nickname(v, rng))
    edits.edit("case", "first_name", 0.12, lambda v, m: np.strings.lower(v))
    edits.edit("typo", "last_name", 0.1, lambda v, m: pt.typo(v, rng))
    edits.edit("whitespace", "last_name", 0.08, lambda v, m: pt.add_whitespace(v, rng))
    edits.edit(
        "personal_email", "email", 0.3, lambda v, m: pt.personal_email(first[m], last[m], rng)
    )
    edits.edit("phone_format", "phone", 0.2, lambda v, m: pt.reformat_phone(v))
    edits.blank("missing_phone", "phone", 0.4)
    edits.blank("missing_title", "title", 0.3)
    edits.edit("legal_suffix", "company", 0.4, lambda v, m: pt.toggle_legal_suffix(v, country[m]))
    room = np.maximum((latest - created[chosen]) / _DAY, 0.0)  # days left after the 7
    entered = created[chosen] + ((7 + rng.random(n) * room) * _DAY).astype("timedelta64[us]")
    set_lineage(edits, spec, np.full(n, "hubspot", dtype=object), "00Q", entered)
    return edits.result(person["contact_id"].to_numpy(zero_copy_only=False))
