"""Which demo rows the Salesforce org holds, and the Salesforce Id of each.

Salesforce's own rows keep their ``source_id``. A Salesforce record that points at an
account, contact or lead living in another system gets a copy of it in the org (id from
``copy_ids``); referenced campaigns get copies too, with the Campaign key prefix.
``Org`` works this out once; the object writers (``salesforce_staff``,
``salesforce_accounts``, ``salesforce_deals``) read it.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc

from revhub.demo.native.export import identity_rows
from revhub.demo.native.ids import copy_ids
from revhub.demo.native.salesforce_csv import array

TABLES: tuple[str, ...] = ("teams", "users", "territories", "partners", "accounts")
TABLES += ("contacts", "leads", "campaigns", "opportunities", "opportunity_history")
TABLES += ("touchpoints", "lifecycle_events")
_CAMPAIGN_PREFIX = "7015e00000"


class Ids:
    """Demo id -> Salesforce Id for the records of one kind written to the org."""

    def __init__(self, demo: pa.Array, native: pa.Array) -> None:
        self.demo, self.native = demo, native

    def __call__(self, demo_ids: pa.Array | pa.ChunkedArray) -> pa.Array:
        return pc.take(self.native, pc.index_in(demo_ids, value_set=self.demo, skip_nulls=True))

    def pairs(self) -> tuple[list[str], list[str]]:
        """Native ids and the demo ids they copy, as lists."""
        return self.native.to_pylist(), self.demo.to_pylist()


class Org:
    """The demo tables seen from Salesforce: which rows it holds and their native ids."""

    def __init__(self, tables: Mapping[str, pa.Table]) -> None:
        self.t = {name: tables[name] for name in TABLES}
        tp, opps, events = (
            self.sf("touchpoints"),
            self.sf("opportunities"),
            self.sf("lifecycle_events"),
        )
        lead_ids = _entities(events, "lead")
        self.lead_rows = self._with("leads", "lead_id", [tp["lead_id"], lead_ids])
        people = [
            opps["primary_contact_id"],
            tp["contact_id"],
            self.lead_rows["converted_contact_id"],
        ]
        self.contact_rows = self._with(
            "contacts", "contact_id", [*people, _entities(events, "contact")]
        )
        self.account_rows = self._with(
            "accounts",
            "account_id",
            [
                opps["account_id"],
                self.contact_rows["account_id"],
                tp["account_id"],
                self.lead_rows["converted_account_id"],
                events["account_id"],
                self.sf("accounts")["parent_account_id"],
            ],
        )
        self.account_ids = _native_ids(self.account_rows, "account_id", "salesforce_account")
        self.contact_ids = _native_ids(self.contact_rows, "contact_id", "salesforce_contact")
        self.lead_ids = _native_ids(self.lead_rows, "lead_id", "salesforce_lead")
        self.user = self._own("users", "user_id")
        self.team = self._own("teams", "team_id")
        self.territory = self._own("territories", "territory_id")
        self.partner = self._own("partners", "partner_id")
        self.opportunity = self._own("opportunities", "opportunity_id")
        self.campaign_rows = self._with(
            "campaigns",
            "campaign_id",
            [self.lead_rows["campaign_id"], opps["campaign_id"], tp["campaign_id"]],
        )
        self.campaign = Ids(
            self.campaign_rows["campaign_id"].combine_chunks(), _campaign_ids(self.campaign_rows)
        )

    def sf(self, name: str) -> pa.Table:
        """The rows of demo table ``name`` that live in Salesforce."""
        table = self.t[name]
        return table.filter(pc.equal(table["source"], "salesforce"))

    def identity(self) -> pa.Table:
        """Which demo account, contact or lead each written record copies."""
        return pa.concat_tables(
            [
                identity_rows("account", *self.account_ids.pairs()),
                identity_rows("person", *self.contact_ids.pairs()),
                identity_rows("person", *self.lead_ids.pairs()),
            ]
        )

    def _with(self, name: str, key: str, references: list[pa.ChunkedArray | pa.Array]) -> pa.Table:
        """Salesforce's rows of ``name`` plus the rows its records reference."""
        table = self.t[name]
        wanted = pa.concat_arrays([array(r) for r in references] + [array(self.sf(name)[key])])
        return table.filter(pc.is_in(table[key], value_set=pc.unique(wanted.drop_null())))

    def _own(self, name: str, key: str) -> Ids:
        rows = self.sf(name)
        return Ids(array(rows[key]), array(rows["source_id"]))


def _entities(events: pa.Table, entity: str) -> pa.Array:
    return array(events.filter(pc.equal(events["entity_type"], entity))["entity_id"])


def _native_ids(rows: pa.Table, key: str, kind: str) -> Ids:
    """Salesforce rows keep their source_id; copies of other systems' rows get copy ids."""
    demo = array(rows[key])
    own = pc.equal(rows["source"], "salesforce")
    others = demo.filter(pc.invert(own))
    copies = pa.array(copy_ids(kind, others.to_pylist()), pa.string())
    native = pc.replace_with_mask(array(rows["source_id"]), pc.invert(array(own)), copies)
    return Ids(demo, native)


def _campaign_ids(rows: pa.Table) -> pa.Array:
    """Campaign copies take the account copy id of the campaign's demo id with the
    Campaign key prefix (701): deterministic and unique like every ``copy_ids`` id."""
    demo = array(rows["campaign_id"])
    body = pc.utf8_slice_codeunits(
        pa.array(copy_ids("salesforce_account", demo.to_pylist()), pa.string()), 10
    )
    copies = pc.binary_join_element_wise(_CAMPAIGN_PREFIX, body, "")
    return pc.if_else(
        array(pc.equal(rows["source"], "salesforce")), array(rows["source_id"]), copies
    )
