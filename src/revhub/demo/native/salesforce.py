"""The demo company's Salesforce org, exported the way ``SalesforceSource`` reads it.

``write_salesforce`` writes ``salesforce/<Object>.csv`` — field API names, datetimes as
"2024-01-02T03:04:05.000+0000", checkboxes "true"/"false", picklist labels ("Closed
Won", "Best Case", "Mid-Market") — holding every demo row that lives in Salesforce
(native Id = its ``source_id``): roles (teams), users, territories and their
assignments, accounts and partner accounts, contacts, leads, opportunities with one
line item and their OpportunityHistory, calls and emails (Task), meetings (Event) and
lifecycle changes (AccountHistory etc. of ``Lifecycle_Stage__c``). A Salesforce record
that points at an account, contact or lead living in another system gets a copy of it
in Salesforce (id from ``copy_ids``), and referenced campaigns get copies too (without
budget: the budget stays with the system that owns the campaign).

Modules: ``salesforce_org`` (which rows the org holds, their Ids), ``salesforce_csv``
(value formats), ``salesforce_staff`` (roles, users, territories),
``salesforce_accounts`` (accounts, contacts, leads, campaigns), ``salesforce_deals``
(opportunities, activities, lifecycle history).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from revhub.demo.native import salesforce_accounts as people
from revhub.demo.native import salesforce_deals as deals
from revhub.demo.native import salesforce_staff as staff
from revhub.demo.native.export import NativeExport
from revhub.demo.native.salesforce_org import TABLES, Org

__all__ = ["TABLES", "write_salesforce"]


def write_salesforce(tables: Mapping[str, pa.Table], out: Path) -> NativeExport:
    """Write the Salesforce export of the demo ``tables`` under ``out/salesforce``.

    >>> import tempfile
    >>> from revhub.model import get_table
    >>> tables = {t.name: t.arrow_schema().empty_table() for t in map(get_table, TABLES)}
    >>> export = write_salesforce(tables, Path(tempfile.mkdtemp()))
    >>> export.sources["salesforce"], export.identity["salesforce"].num_rows
    ({'kind': 'salesforce', 'path': 'salesforce'}, 0)
    """
    root = out / "salesforce"
    root.mkdir(parents=True, exist_ok=True)
    org = Org(tables)
    files = {
        "UserRole": staff.roles(org),
        "User": staff.users(org),
        "Territory2": staff.territories(org),
        "UserTerritory2Association": staff.user_territories(org),
        "ObjectTerritory2Association": staff.account_territories(org),
        "Account": people.accounts(org),
        "Contact": people.contacts(org),
        "Lead": people.leads(org),
        "Campaign": people.campaigns(org),
        "Opportunity": deals.opportunities(org),
        "OpportunityLineItem": deals.line_items(org),
        "OpportunityHistory": deals.history(org),
        "Task": deals.activities(org, ("call", "sales_email")),
        "Event": deals.activities(org, ("meeting",)),
        **deals.lifecycle(org),
    }
    for name, rows in files.items():
        pacsv.write_csv(rows, root / f"{name}.csv")
    export = NativeExport()
    export.add("salesforce", {"kind": "salesforce", "path": "salesforce"}, org.identity())
    return export
