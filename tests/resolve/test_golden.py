"""Golden records: each field from the record its survivorship rule picks."""

from __future__ import annotations

from typing import Any

import pytest
from planted_world import entity_of
from pydantic import ValidationError

from revhub.resolve import ResolveSettings, resolve
from revhub.resolve.golden import ACCOUNT_FIELDS, PERSON_FIELDS
from revhub.resolve.settings import ACCOUNT_SURVIVORSHIP, PERSON_SURVIVORSHIP
from revhub.workspace import Workspace


def golden(ws: Workspace, table: str, record_id: str) -> dict[str, Any]:
    cursor = ws.con.con.execute(
        f"SELECT * FROM resolve.{table} WHERE entity_id = ?", [entity_of(ws, record_id)]
    )
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    assert row is not None
    return dict(zip(names, row, strict=True))


def test_every_golden_field_has_a_default_rule() -> None:
    assert list(ACCOUNT_FIELDS) == list(ACCOUNT_SURVIVORSHIP)
    assert list(PERSON_FIELDS) == list(PERSON_SURVIVORSHIP)


# Acme's records, oldest first: Salesforce (updated day 10), HubSpot (11), Stripe (12).


def test_default_rules(planted: Workspace) -> None:
    resolve(planted.con)
    acme = golden(planted, "golden_accounts", "acc_acme_st")
    assert acme["name"] == "Acme Robotics, Inc."  # most trusted: Salesforce
    assert acme["industry"] == "Industrial robotics"  # most complete: the longest
    assert acme["domain"] == "acme-robotics.com"  # normalised
    assert acme["phone"] == "+16175550100"
    assert acme["country"] == "US"
    assert acme["record_count"] == 3
    assert acme["sources"] == ["hubspot", "salesforce", "stripe"]
    muller = golden(planted, "golden_accounts", "acc_muller_zd")
    assert (muller["name"], muller["country"]) == ("Müller Logistik GmbH", "DE")


def test_most_recent_and_trust_order(planted: Workspace) -> None:
    settings = ResolveSettings(
        trust_order=["hubspot", "salesforce"],
        account_survivorship={"name": "most_recent", "industry": "most_trusted"},
        person_survivorship={"first_name": "most_trusted"},
    )
    resolve(planted.con, settings)
    acme = golden(planted, "golden_accounts", "acc_acme_sf")
    assert acme["name"] == "Acme Robotics Inc"  # Stripe's, updated last
    assert acme["industry"] == "Industrial robotics"  # HubSpot's, now most trusted
    jane = golden(planted, "golden_people", "con_jane_sf")
    assert jane["first_name"] == "JANE"  # HubSpot's, trimmed


def test_unusable_values_never_win(planted: Workspace) -> None:
    resolve(planted.con)
    assert golden(planted, "golden_accounts", "acc_bakery")["domain"] is None  # gmail.com
    globex = golden(planted, "golden_accounts", "acc_globex_hs")
    assert globex["phone"] == "+13125550199"  # HubSpot's copy has none


def test_golden_people_keep_their_account(planted: Workspace) -> None:
    resolve(planted.con)
    jane = golden(planted, "golden_people", "lead_jane")
    acme = entity_of(planted, "acc_acme_sf")
    assert (jane["first_name"], jane["last_name"], jane["email"]) == (
        "Jane", "Doe", "jane.doe@acme-robotics.com",
    )  # fmt: skip
    assert jane["account_entity_id"] == acme
    assert jane["account_entity_ids"] == [acme]
    assert (jane["record_count"], jane["contact_count"], jane["lead_count"]) == (3, 2, 1)
    bob = golden(planted, "golden_people", "con_bob_st")
    assert bob["first_name"] == "Robert"  # Salesforce over Stripe's "Bob"
    assert bob["account_entity_id"] == entity_of(planted, "acc_globex_hs")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"account_survivorship": {"nme": "most_recent"}}, "Did you mean `name`"),
        ({"person_survivorship": {"email": "newest"}}, "most_trusted"),
        ({"account_blocking": [["domain"]]}, "unknown column `domain`"),
        ({"person_blocking": [[]]}, "at least one column"),
        ({"trust_order": ["hubspot", "hubspot"]}, "names a source twice"),
        ({"threshold": 1.5}, "less than 1"),
        ({"treshold": 0.9}, "Extra inputs"),
    ],
)
def test_settings_are_checked(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ResolveSettings(**settings)
