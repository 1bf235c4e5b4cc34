"""The demo's remaining systems as the files and spreadsheets they would hand over.

``write_spreadsheets`` writes, each as its own source:

========================  =============================================================
source (kind, path)       what
========================  =============================================================
product_usage (usage,     ``usage.parquet``: daily usage per Stripe customer
product)                  (``copy_ids("stripe_customer", …)``), product-analytics names
fx_rates (files,          ``rates.csv``: Open Exchange Rates' daily rates (USD per
openexchangerates)        unit), ISO dates
targets (files, anaplan)  ``targets.csv``: Anaplan targets, semicolon-delimited,
                          dd/mm/yyyy dates, labels ("Mid-Market"), Salesforce role ids
tech_stack (files,        ``vendors.csv``: NetSuite vendor records of the tools,
netsuite)                 "Yes"/"No" system-of-record flag
netsuite_spend (files,    ``marketing_spend.csv``: NetSuite marketing expenses per
netsuite)                 period ("Jul 2024"), department label and HubSpot campaign id
netsuite_costs (files,    ``cost_of_revenue.csv``: NetSuite journal lines of the cost of
netsuite)                 revenue per period, by GL account ("5010 Hosting")
nps (files, delighted)    ``responses.csv``: Delighted NPS answers with the Stripe
                          customer and the CRM contact ids, times "… UTC"
========================  =============================================================

Each ``files`` source comes with its YAML mapping beside the data
(``<dir>/<name>.yaml``, from ``spreadsheet_mappings``).
Teams, territories and partners are exported by the Salesforce writer. No account or
person record lives in these files, so there are no identity rows. Tables are built
column-wise with Arrow.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from revhub.demo.native.export import NativeExport
from revhub.demo.native.ids import copy_ids
from revhub.demo.native.spreadsheet_mappings import (
    DEPARTMENTS,
    GRAINS,
    REGIONS,
    SEGMENTS,
    mapping_text,
)

# Sources whose mapping file is named after the table rather than the source.
_MAPPING_NAMES = {"netsuite_spend": "marketing_spend", "netsuite_costs": "cost_of_revenue"}


def write_spreadsheets(tables: Mapping[str, pa.Table], out: Path) -> NativeExport:
    """Write the usage, rates, targets, NetSuite and Delighted files under ``out``."""
    export = NativeExport()
    product = _folder(out, "product")
    pq.write_table(_usage(tables["product_usage"]), product / "usage.parquet")
    export.add("product_usage", {"kind": "usage", "path": "product"})
    sheets = [
        ("fx_rates", "openexchangerates", "rates.csv", _rates(tables["fx_rates"]), ","),
        ("targets", "anaplan", "targets.csv", _targets(tables), ";"),
        ("tech_stack", "netsuite", "vendors.csv", _vendors(tables["tech_stack_tools"]), ","),
        ("netsuite_spend", "netsuite", "marketing_spend.csv", _spend(tables), ","),
        ("netsuite_costs", "netsuite", "cost_of_revenue.csv", _costs(tables), ","),
        ("nps", "delighted", "responses.csv", _responses(tables), ","),
    ]
    for name, folder, file, rows, delimiter in sheets:
        root = _folder(out, folder)
        options = pacsv.WriteOptions(delimiter=delimiter, quoting_style="needed")
        pacsv.write_csv(rows, root / file, write_options=options)
        mapping = _MAPPING_NAMES.get(name, name)
        (root / f"{mapping}.yaml").write_text(mapping_text(mapping), encoding="utf-8")
        export.add(name, {"kind": "files", "path": folder, "mapping": f"{folder}/{mapping}.yaml"})
    return export


def _usage(usage: pa.Table) -> pa.Table:
    accounts = pc.unique(usage["account_id"])
    customers = pa.array(copy_ids("stripe_customer", accounts.to_pylist()), pa.string())
    return pa.table(
        {
            "customer_id": pc.take(customers, pc.index_in(usage["account_id"], accounts)),
            "date": usage["usage_date"],
            "active_users": usage["active_users"],
            "events": usage["events"],
            "seats": usage["seats_licensed"],
            "key_feature_used": usage["key_feature_used"],
        }
    )


def _rates(rates: pa.Table) -> pa.Table:
    return pa.table(
        {
            "date": rates["rate_date"],
            "currency": rates["currency"],
            "base": rates["base_currency"],
            "rate": rates["rate"],
        }
    )


def _targets(tables: Mapping[str, pa.Table]) -> pa.Table:
    targets, teams = tables["targets"], tables["teams"]
    return pa.table(
        {
            "Target ID": targets["source_id"],
            "Metric": targets["metric"],
            "Time Period": _label(targets["period_grain"], GRAINS),
            "Period Start": pc.strftime(targets["period_start"], format="%d/%m/%Y"),
            "Team ID": _label(targets["team_id"], _pairs(teams, "team_id", "source_id")),
            "Segment": _label(targets["segment"], SEGMENTS),
            "Region": _label(targets["region"], REGIONS),
            "Target Value": targets["value"],
            "Last Modified": pc.strftime(targets["updated_at"], format="%d/%m/%Y %H:%M"),
        }
    )


def _vendors(tools: pa.Table) -> pa.Table:
    return pa.table(
        {
            "Vendor ID": tools["source_id"],
            "Product": tools["name"],
            "Vendor": tools["vendor"],
            "Category": tools["category"],
            "Capabilities": tools["capabilities"],
            "Owning Team": tools["owning_team"],
            "Currency": tools["currency"],
            "Annual Cost": tools["annual_cost"],
            "Seats": tools["seats"],
            "Active Users": tools["active_users"],
            "Contract End": tools["contract_end_date"],
            "System of Record": pc.if_else(tools["is_system_of_record"], "Yes", "No"),
            "Created": tools["created_at"],
            "Last Modified": tools["updated_at"],
        }
    )


def _spend(tables: Mapping[str, pa.Table]) -> pa.Table:
    spend, campaigns = tables["marketing_spend"], tables["campaigns"]
    ledger = spend.filter(pc.equal(spend["source"], "netsuite"))
    return pa.table(
        {
            "Transaction ID": ledger["source_id"],
            "Period": pc.strftime(ledger["month"], format="%b %Y"),
            "Department": _label(ledger["channel"], DEPARTMENTS),
            "HubSpot Campaign ID": _label(
                ledger["campaign_id"], _pairs(campaigns, "campaign_id", "source_id")
            ),
            "Currency": ledger["currency"],
            "Amount": ledger["amount"],
            "Posted": ledger["created_at"],
        }
    )


def _costs(tables: Mapping[str, pa.Table]) -> pa.Table:
    costs = tables["cost_of_revenue"]
    return pa.table(
        {
            "Journal Line ID": costs["source_id"],
            "Period": pc.strftime(costs["month"], format="%b %Y"),
            "Account": costs["gl_account"],
            "Currency": costs["currency"],
            "Amount": costs["amount"],
            "Posted": costs["created_at"],
        }
    )


def _responses(tables: Mapping[str, pa.Table]) -> pa.Table:
    responses, contacts = tables["nps_responses"], tables["contacts"]
    accounts = pc.unique(responses["account_id"])
    customers = pa.array(copy_ids("stripe_customer", accounts.to_pylist()), pa.string())
    in_crm = {}
    for system in ("salesforce", "hubspot"):
        mine = contacts.filter(pc.equal(contacts["source"], system))
        in_crm[system] = _pairs(mine, "contact_id", "source_id")
    return pa.table(
        {
            "Response ID": responses["source_id"],
            "Score": responses["score"],
            "Comment": responses["comment"],
            "Created At": pc.strftime(
                responses["responded_at"].cast(pa.timestamp("s")), format="%Y-%m-%d %H:%M:%S UTC"
            ),
            "Stripe Customer ID": pc.take(
                customers, pc.index_in(responses["account_id"], accounts)
            ),
            "Salesforce Contact ID": _label(responses["contact_id"], in_crm["salesforce"]),
            "HubSpot Contact ID": _label(responses["contact_id"], in_crm["hubspot"]),
        }
    )


def _label(values: pa.ChunkedArray, labels: Mapping[str, str]) -> pa.Array:
    """``labels[value]`` for each value; null where the value has no label."""
    index = pc.index_in(values, value_set=pa.array(list(labels), pa.string()))
    return pc.take(pa.array(list(labels.values()), pa.string()), index)


def _pairs(table: pa.Table, key: str, value: str) -> dict[str, str]:
    return dict(zip(table[key].to_pylist(), table[value].to_pylist(), strict=True))


def _folder(out: Path, name: str) -> Path:
    path = out / name
    path.mkdir(parents=True, exist_ok=True)
    return path
