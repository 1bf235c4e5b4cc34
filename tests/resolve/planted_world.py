"""A small planted world: a dozen companies and the people at them, as different systems
wrote them, with the clusters a correct resolution finds; and helpers to look at results.

Each row says what was done to it; the expected clusters follow from that.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from revhub.model import get_table
from revhub.workspace import Workspace

T0 = dt.datetime(2026, 1, 1)


def day(n: int) -> dt.datetime:
    """A timestamp ``n`` days after T0."""
    return T0 + dt.timedelta(days=n)


_ACCOUNT = ("account_id", "name", "domain", "country", "city", "phone", "industry", "source")
ACCOUNTS = [
    # Acme: the same company in Salesforce, HubSpot (case, www.) and Stripe (no domain).
    ("acc_acme_sf", "Acme Robotics, Inc.", "acme-robotics.com", "US", "Boston", "+1 (617) 555-0100", "Robotics", "salesforce"),  # noqa: E501
    ("acc_acme_hs", "ACME Robotics", "www.acme-robotics.com", "US", "Boston", "6175550100", "Industrial robotics", "hubspot"),  # noqa: E501
    ("acc_acme_st", "Acme Robotics Inc", None, "US", "Boston", "+1 617 555 0100", None, "stripe"),
    # Acme's Dutch subsidiary: a different company on a sub-domain.
    ("acc_acme_eu", "Acme Robotics Europe B.V.", "eu.acme-robotics.com", "NL", "Amsterdam", "+31 20 555 0100", "Robotics", "salesforce"),  # noqa: E501
    # Müller: transliterated, no legal form, country written out, national phone number.
    ("acc_muller_sf", "Müller Logistik GmbH", "mueller-logistik.de", "DE", "Hamburg", "+49 40 5550 1234", "Logistics", "salesforce"),  # noqa: E501
    ("acc_muller_zd", "Mueller Logistik", None, "Deutschland", "Hamburg", "040 5550 1234", None, "zendesk"),  # noqa: E501
    # Globex: a typo in the name and a sibling domain, no phone.
    ("acc_globex_sf", "Globex Corporation", "globex.com", "US", "Chicago", "+1 312 555 0199", "Energy", "salesforce"),  # noqa: E501
    ("acc_globex_hs", "Glboex Corporation", "globex.io", "US", "Chicago", None, None, "hubspot"),
    # Two London companies with similar names: not the same.
    ("acc_initech", "Initech Ltd", "initech.co.uk", "GB", "London", "+44 20 7946 0001", "Software", "salesforce"),  # noqa: E501
    ("acc_initrode", "Initrode Ltd", "initrode.co.uk", "GB", "London", "+44 20 7946 0999", "Software", "hubspot"),  # noqa: E501
    ("acc_umbrella", "Umbrella Health", "umbrella-health.com", "US", "Raccoon City", "+1 555 010 2000", "Health", "salesforce"),  # noqa: E501
    # Two small businesses on Gmail: a free-mail domain never identifies a company.
    ("acc_bakery", "Bob's Bakery", "gmail.com", "US", "Austin", "+1 512 555 0101", None, "stripe"),
    ("acc_cafe", "Carol's Cafe", "gmail.com", "US", "Austin", "+1 512 555 0202", None, "stripe"),
]  # fmt: skip

_CONTACT = ("contact_id", "account_id", "first_name", "last_name", "email", "phone", "source")
CONTACTS = [
    # Jane: same work email and name in two CRMs (case, whitespace).
    ("con_jane_sf", "acc_acme_sf", "Jane", "Doe", "jane.doe@acme-robotics.com", "+1 617 555 0101", "salesforce"),  # noqa: E501
    ("con_jane_hs", "acc_acme_hs", "JANE ", "DOE", "Jane.Doe@acme-robotics.com", None, "hubspot"),
    # Robert: Stripe's billing contact "Bob", at Globex's sibling domain, on the duplicate account.
    ("con_bob_sf", "acc_globex_sf", "Robert", "Smith", "robert.smith@globex.com", "+1 312 555 0142", "salesforce"),  # noqa: E501
    ("con_bob_st", "acc_globex_hs", "Bob", "Smith", "robert.smith@globex.io", "3125550142", "stripe"),  # noqa: E501
    # Jürgen: transliterated, personal email, same phone.
    ("con_jurgen_sf", "acc_muller_sf", "Jürgen", "Müller", "j.mueller@mueller-logistik.de", "+49 40 5550 1235", "salesforce"),  # noqa: E501
    ("con_jurgen_zd", "acc_muller_zd", "Juergen", "Mueller", "juergen.mueller@gmail.com", "+49 40 5550 1235", "zendesk"),  # noqa: E501
    # Two Richards sharing a mailbox: different people.
    ("con_richard_k", "acc_initech", "Richard", "King", "richard@initech.co.uk", "+44 20 7946 0011", "salesforce"),  # noqa: E501
    ("con_richard_h", "acc_initech", "Richard", "Hernández", "richard@initech.co.uk", "+44 20 7946 0012", "salesforce"),  # noqa: E501
    ("con_mary", "acc_umbrella", "Mary", "Major", "mary.major@umbrella-health.com", "+1 555 010 2001", "salesforce"),  # noqa: E501
]  # fmt: skip

_LEAD = (
    "lead_id",
    "first_name",
    "last_name",
    "email",
    "company",
    "country",
    "converted_contact_id",
    "converted_account_id",
    "source",
)
LEADS = [
    # Jane again, filling in a form: a lead matching her contacts by email and name.
    ("lead_jane", "Jane", "Doe", "jane.doe@acme-robotics.com", "Acme Robotics", "US", None, None, "hubspot"),  # noqa: E501
    # Mary's lead, converted into her contact.
    ("lead_mary", "Mary", "Major", "mary.major@umbrella-health.com", "Umbrella Health", "US", "con_mary", "acc_umbrella", "salesforce"),  # noqa: E501
    # New people: matched to accounts by email domain, company name, and brand.
    ("lead_sam", "Sam", "Lee", "sam@initrode.co.uk", "Initrode", "GB", None, None, "hubspot"),
    ("lead_tom", "Tom", "Jones", "tom@outlook.com", "Globex Corp.", "US", None, None, "hubspot"),
    ("lead_li", "Li", "Wei", "li.wei@gmail.com", "Umbrella", "US", None, None, "hubspot"),
]  # fmt: skip

EXPECTED_ACCOUNTS = [
    {"acc_acme_sf", "acc_acme_hs", "acc_acme_st"},
    {"acc_acme_eu"},
    {"acc_muller_sf", "acc_muller_zd"},
    {"acc_globex_sf", "acc_globex_hs"},
    {"acc_initech"},
    {"acc_initrode"},
    {"acc_umbrella"},
    {"acc_bakery"},
    {"acc_cafe"},
]
EXPECTED_PEOPLE = [
    {"con_jane_sf", "con_jane_hs", "lead_jane"},
    {"con_bob_sf", "con_bob_st"},
    {"con_jurgen_sf", "con_jurgen_zd"},
    {"con_richard_k"},
    {"con_richard_h"},
    {"con_mary", "lead_mary"},
    {"lead_sam"},
    {"lead_tom"},
    {"lead_li"},
]


def _rows(columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> dict[str, list[Any]]:
    data: dict[str, list[Any]] = {c: [row[i] for row in rows] for i, c in enumerate(columns)}
    n = len(rows)
    data["source_id"] = [row[0] for row in rows]
    data["created_at"] = [day(i) for i in range(n)]
    data["updated_at"] = [day(10 + i) for i in range(n)]
    return data


def write_planted(directory: Path) -> Path:
    """The planted accounts, contacts and leads as canonical Parquet in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    contacts = _rows(_CONTACT, CONTACTS)
    contacts["has_opted_out"] = [False] * len(CONTACTS)
    leads = _rows(_LEAD, LEADS)
    leads["channel"] = ["content"] * len(LEADS)
    leads["is_converted"] = [c is not None for c in leads["converted_contact_id"]]
    leads["status"] = ["converted" if c else "new" for c in leads["is_converted"]]
    for name, columns in (
        ("accounts", _rows(_ACCOUNT, ACCOUNTS)),
        ("contacts", contacts),
        ("leads", leads),
    ):
        pq.write_table(get_table(name).to_arrow(columns), directory / f"{name}.parquet")
    return directory


def clusters(ws: Workspace, entity: str) -> list[set[str]]:
    """The record ids of each entity in ``resolve.crosswalk``."""
    rows = ws.con.con.execute(
        "SELECT list(record_id ORDER BY record_id) FROM resolve.crosswalk "
        "WHERE entity = ? GROUP BY entity_id",
        [entity],
    ).fetchall()
    return [set(ids) for (ids,) in rows]


def entity_of(ws: Workspace, record_id: str) -> str:
    """The entity id a record belongs to."""
    row = ws.con.con.execute(
        "SELECT entity_id FROM resolve.crosswalk WHERE record_id = ?", [record_id]
    ).fetchone()
    assert row is not None, record_id
    return str(row[0])


def add_account(ws: Workspace, account_id: str, name: str, domain: str | None, **more: Any) -> None:
    """Insert one account straight into the canonical table (as a later ingest would)."""
    values = {
        "account_id": account_id,
        "name": name,
        "domain": domain,
        "source": "hubspot",
        "source_id": account_id,
        "created_at": day(100),
        "updated_at": day(100),
        **more,
    }
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    ws.con.con.execute(f"INSERT INTO accounts ({columns}) VALUES ({marks})", list(values.values()))


def copy_of(template: Path, where: Path) -> Path:
    """A copy of the workspace directory ``template`` at ``where``."""
    return Path(shutil.copytree(template, where))
