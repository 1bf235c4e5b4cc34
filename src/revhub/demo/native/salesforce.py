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
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from revhub.demo.native.export import NativeExport, identity_rows
from revhub.demo.native.ids import copy_ids
from revhub.sources.salesforce.picklists import ROLE_TITLES

SF_TIME = "%Y-%m-%dT%H:%M:%S.000+0000"
_LABELS = {
    "smb": "SMB",
    "mid_market": "Mid-Market",
    "emea": "EMEA",
    "apac": "APAC",
    "latam": "LATAM",
    "mql": "MQL",
    "sql": "SQL",
    "revops": "Revenue Operations",
}
_FORECAST_API = {"best_case": "BestCase", "commit": "Forecast"}  # OpportunityHistory values
_CAMPAIGN_PREFIX = "7015e00000"


def write_salesforce(tables: Mapping[str, pa.Table], out: Path) -> NativeExport:
    """Write the Salesforce export of the demo ``tables`` under ``out/salesforce``.

    >>> import tempfile, datetime as dt
    >>> from revhub.model import get_table
    >>> now = [dt.datetime(2025, 1, 1)]
    >>> tables = {t.name: t.arrow_schema().empty_table() for t in map(get_table, _TABLES)}
    >>> export = write_salesforce(tables, Path(tempfile.mkdtemp()))
    >>> export.sources["salesforce"], export.identity["salesforce"].num_rows
    ({'kind': 'salesforce', 'path': 'salesforce'}, 0)
    """
    root = out / "salesforce"
    root.mkdir(parents=True, exist_ok=True)
    org = _Org(tables)
    files = {
        "UserRole": org.roles(),
        "User": org.users(),
        "Territory2": org.territories(),
        "UserTerritory2Association": org.user_territories(),
        "ObjectTerritory2Association": org.account_territories(),
        "Account": org.accounts(),
        "Contact": org.contacts(),
        "Lead": org.leads(),
        "Campaign": org.campaigns(),
        "Opportunity": org.opportunities(),
        "OpportunityLineItem": org.line_items(),
        "OpportunityHistory": org.history(),
        "Task": org.activities(("call", "sales_email")),
        "Event": org.activities(("meeting",)),
        **org.lifecycle(),
    }
    for name, rows in files.items():
        pacsv.write_csv(rows, root / f"{name}.csv")
    export = NativeExport()
    export.add("salesforce", {"kind": "salesforce", "path": "salesforce"}, org.identity())
    return export


_TABLES: tuple[str, ...] = ("teams", "users", "territories", "partners", "accounts")
_TABLES += ("contacts", "leads", "campaigns", "opportunities", "opportunity_history")
_TABLES += ("touchpoints", "lifecycle_events")


class _Ids:
    """Demo id -> Salesforce Id for the records of one kind written to the org."""

    def __init__(self, demo: pa.Array, native: pa.Array) -> None:
        self.demo, self.native = demo, native

    def __call__(self, demo_ids: pa.Array | pa.ChunkedArray) -> pa.Array:
        return pc.take(self.native, pc.index_in(demo_ids, value_set=self.demo, skip_nulls=True))

    def pairs(self) -> tuple[list[str], list[str]]:
        """Native ids and the demo ids they copy, as lists."""
        return self.native.to_pylist(), self.demo.to_pylist()


class _Org:
    """The demo tables seen from Salesforce: which rows it holds and their native ids."""

    def __init__(self, tables: Mapping[str, pa.Table]) -> None:
        self.t = {name: tables[name] for name in _TABLES}
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
        self.campaign = _Ids(
            self.campaign_rows["campaign_id"].combine_chunks(), _campaign_ids(self.campaign_rows)
        )

    def sf(self, name: str) -> pa.Table:
        """The rows of demo table ``name`` that live in Salesforce."""
        table = self.t[name]
        return table.filter(pc.equal(table["source"], "salesforce"))

    def _with(self, name: str, key: str, references: list[pa.ChunkedArray | pa.Array]) -> pa.Table:
        """Salesforce's rows of ``name`` plus the rows its records reference."""
        table = self.t[name]
        wanted = pa.concat_arrays([_array(r) for r in references] + [_array(self.sf(name)[key])])
        return table.filter(pc.is_in(table[key], value_set=pc.unique(wanted.drop_null())))

    def _own(self, name: str, key: str) -> _Ids:
        rows = self.sf(name)
        return _Ids(_array(rows[key]), _array(rows["source_id"]))

    # -- the go-to-market org -----------------------------------------------------------

    def roles(self) -> pa.Table:
        teams = self.sf("teams")
        return _csv(
            Id=teams["source_id"],
            Name=teams["name"],
            ParentRoleId=self.team(teams["parent_team_id"]),
            LastModifiedDate=teams["updated_at"],
            SystemModstamp=teams["updated_at"],
        )

    def users(self) -> pa.Table:
        users = self.sf("users")
        teams = self.t["teams"]
        department = pc.take(teams["department"], pc.index_in(users["team_id"], teams["team_id"]))
        return _csv(
            Id=users["source_id"],
            Name=users["name"],
            Email=users["email"],
            UserRoleId=self.team(users["team_id"]),
            Title=_label(users["role"], {**_LABELS, **ROLE_TITLES}),
            Department=_label(department),
            ManagerId=self.user(users["manager_id"]),
            Region__c=_label(users["region"]),
            Segment__c=_label(users["segment"]),
            Hire_Date__c=users["hire_date"],
            Termination_Date__c=users["termination_date"],
            Ramp_Months__c=users["ramp_months"],
            Annual_Quota__c=users["annual_quota"],
            CurrencyIsoCode=users["currency"],
            IsActive=users["is_active"],
            **_stamps(users),
        )

    def territories(self) -> pa.Table:
        rows = self.sf("territories")
        return _csv(
            Id=rows["source_id"],
            Name=rows["name"],
            Region__c=_label(rows["region"]),
            Segment__c=_label(rows["segment"]),
            **_stamps(rows),
        )

    def user_territories(self) -> pa.Table:
        users = self.sf("users")
        users = users.filter(pc.is_valid(users["territory_id"]))
        return _csv(
            Id=_numbered("0R05e", users.num_rows),
            UserId=users["source_id"],
            Territory2Id=self.territory(users["territory_id"]),
            RoleInTerritory2="Owner",
            IsActive=pa.array([True] * users.num_rows),
            LastModifiedDate=users["updated_at"],
        )

    def account_territories(self) -> pa.Table:
        rows = self.account_rows.filter(pc.is_valid(self.account_rows["territory_id"]))
        return _csv(
            Id=_numbered("0R15e", rows.num_rows),
            ObjectId=self.account_ids(rows["account_id"]),
            Territory2Id=self.territory(rows["territory_id"]),
            AssociationCause="Territory2Manual",
            SobjectType="Account",
            LastModifiedDate=rows["updated_at"],
        )

    # -- companies and people -----------------------------------------------------------

    def accounts(self) -> pa.Table:
        rows = self.account_rows
        stage = rows["lifecycle_stage"]
        customer = pc.is_in(stage, pa.array(["customer", "evangelist"]))
        kind = pc.if_else(
            customer,
            pc.if_else(pc.is_valid(rows["partner_id"]), "Customer - Channel", "Customer - Direct"),
            pc.if_else(pc.equal(stage, "churned"), "Former Customer", "Prospect"),
        )
        companies = _csv(
            Id=self.account_ids(rows["account_id"]),
            Name=rows["name"],
            Type=kind,
            Website=rows["domain"],
            Industry=_label(rows["industry"]),
            NumberOfEmployees=rows["employees"],
            AnnualRevenue=rows["annual_revenue"],
            Segment__c=_label(rows["segment"]),
            Region__c=_label(rows["region"]),
            BillingCountryCode=rows["country"],
            BillingCity=rows["city"],
            Phone=rows["phone"],
            OwnerId=self.user(rows["owner_id"]),
            CSM__c=self.user(rows["csm_id"]),
            Partner_Account__c=self.partner(rows["partner_id"]),
            ParentId=self.account_ids(rows["parent_account_id"]),
            Lifecycle_Stage__c=_label(stage),
            Customer_Since__c=rows["became_customer_date"],
            Churn_Date__c=rows["churned_date"],
            **_stamps(rows),
        )
        partners = self.sf("partners")
        channel = _csv(
            Id=partners["source_id"],
            Name=partners["name"],
            Type="Partner",
            Partner_Type__c=_label(partners["partner_type"]),
            Partner_Tier__c=_label(partners["tier"]),
            Region__c=_label(partners["region"]),
            OwnerId=self.user(partners["partner_manager_id"]),
            Partner_Since__c=partners["joined_date"],
            Commission_Rate__c=_percent(partners["commission_rate"]),
            **_stamps(partners),
        )
        return pa.concat_tables([companies, channel], promote_options="default")

    def contacts(self) -> pa.Table:
        rows = self.contact_rows
        return _csv(
            Id=self.contact_ids(rows["contact_id"]),
            AccountId=self.account_ids(rows["account_id"]),
            FirstName=rows["first_name"],
            LastName=rows["last_name"],
            Email=rows["email"],
            Phone=rows["phone"],
            Title=rows["title"],
            Buying_Role__c=_label(rows["persona"]),
            MailingCountryCode=rows["country"],
            OwnerId=self.user(rows["owner_id"]),
            Lifecycle_Stage__c=_label(rows["lifecycle_stage"]),
            HasOptedOutOfEmail=rows["has_opted_out"],
            **_stamps(rows),
        )

    def leads(self) -> pa.Table:
        rows = self.lead_rows
        return _csv(
            Id=self.lead_ids(rows["lead_id"]),
            FirstName=rows["first_name"],
            LastName=rows["last_name"],
            Email=rows["email"],
            Phone=rows["phone"],
            Company=rows["company"],
            Title=rows["title"],
            CountryCode=rows["country"],
            Region__c=_label(rows["region"]),
            Segment__c=_label(rows["segment"]),
            LeadSource=_label(rows["channel"]),
            Primary_Campaign__c=self.campaign(rows["campaign_id"]),
            PartnerAccountId=self.partner(rows["partner_id"]),
            OwnerId=self.user(rows["owner_id"]),
            Status=_label(rows["status"]),
            Lifecycle_Stage__c=_label(rows["lifecycle_stage"]),
            Lead_Score__c=rows["score"],
            IsConverted=rows["is_converted"],
            ConvertedDate=pc.cast(rows["converted_at"], pa.date32()),
            ConvertedContactId=self.contact_ids(rows["converted_contact_id"]),
            ConvertedAccountId=self.account_ids(rows["converted_account_id"]),
            ConvertedOpportunityId=self.opportunity(rows["converted_opportunity_id"]),
            **_stamps(rows),
        )

    def campaigns(self) -> pa.Table:
        rows = self.campaign_rows
        own = pc.equal(rows["source"], "salesforce")
        return _csv(
            Id=self.campaign(rows["campaign_id"]),
            Name=rows["name"],
            Type=_label(rows["campaign_type"]),
            Channel__c=_label(rows["channel"]),
            StartDate=rows["start_date"],
            EndDate=rows["end_date"],
            OwnerId=self.user(rows["owner_id"]),
            UTM_Campaign__c=rows["utm_campaign"],
            CurrencyIsoCode=rows["currency"],
            BudgetedCost=pc.if_else(own, rows["budget"], pa.scalar(None, rows["budget"].type)),
            **_stamps(rows),
        )

    # -- deals ----------------------------------------------------------------------------

    def opportunities(self) -> pa.Table:
        rows = self.sf("opportunities")
        return _csv(
            Id=rows["source_id"],
            Name=rows["name"],
            AccountId=self.account_ids(rows["account_id"]),
            ContactId=self.contact_ids(rows["primary_contact_id"]),
            OwnerId=self.user(rows["owner_id"]),
            SDR__c=self.user(rows["sdr_id"]),
            Type=_label(rows["opportunity_type"]),
            StageName=_label(rows["stage"]),
            ForecastCategoryName=_label(rows["forecast_category"]),
            Probability=_percent(rows["probability"]),
            CurrencyIsoCode=rows["currency"],
            Amount=rows["amount"],
            CloseDate=rows["close_date"],
            IsClosed=rows["is_closed"],
            IsWon=rows["is_won"],
            Loss_Reason__c=_label(rows["lost_reason"]),
            LeadSource=_label(rows["source_channel"]),
            CampaignId=self.campaign(rows["campaign_id"]),
            PartnerAccountId=self.partner(rows["partner_id"]),
            LastActivityDate=pc.cast(rows["last_activity_at"], pa.date32()),
            **_stamps(rows),
        )

    def line_items(self) -> pa.Table:
        rows = self.sf("opportunities")
        rows = rows.filter(pc.is_valid(rows["list_amount"]))
        native = _array(rows["source_id"])
        return _csv(
            Id=pc.binary_join_element_wise("00k", pc.utf8_slice_codeunits(native, 3), ""),
            OpportunityId=native,
            Name="Subscription",
            Quantity="1",
            ListPrice=rows["list_amount"],
            UnitPrice=rows["list_amount"],
            Discount=_percent(rows["discount"]),
            TotalPrice=rows["amount"],
            CurrencyIsoCode=rows["currency"],
            **_stamps(rows),
        )

    def history(self) -> pa.Table:
        rows = self.sf("opportunity_history")
        forecast = rows["forecast_category"]
        api = pc.take(
            pa.array(list(_FORECAST_API.values())),
            pc.index_in(forecast, pa.array(list(_FORECAST_API))),
        )
        return _csv(
            Id=rows["source_id"],
            OpportunityId=self.opportunity(rows["opportunity_id"]),
            StageName=_label(rows["stage"]),
            Amount=rows["amount"],
            CloseDate=rows["close_date"],
            ForecastCategory=pc.coalesce(api, _label(forecast)),
            Probability=_percent(rows["probability"]),
            CurrencyIsoCode=rows["currency"],
            CreatedDate=rows["valid_from"],
            SystemModstamp=rows["valid_from"],
            IsDeleted="false",
        )

    # -- activities -----------------------------------------------------------------------

    def activities(self, kinds: tuple[str, ...]) -> pa.Table:
        rows = self.sf("touchpoints")
        rows = rows.filter(pc.is_in(rows["touchpoint_type"], pa.array(kinds)))
        kind = pc.replace_substring(_label(rows["touchpoint_type"]), "Sales Email", "Email")
        when = rows["occurred_at"]
        common = {
            "Id": rows["source_id"],
            "Type": kind,
            "WhoId": pc.coalesce(
                self.contact_ids(rows["contact_id"]), self.lead_ids(rows["lead_id"])
            ),
            "WhatId": self.campaign(rows["campaign_id"]),
            "AccountId": self.account_ids(rows["account_id"]),
            "OwnerId": self.user(rows["user_id"]),
            "Channel__c": _label(rows["channel"]),
            **_stamps(rows),
        }
        if "meeting" in kinds:
            return _csv(**common, StartDateTime=when)
        return _csv(**common, TaskSubtype=kind, IsClosed="true", CompletedDateTime=when)

    def lifecycle(self) -> dict[str, pa.Table]:
        events = self.sf("lifecycle_events")
        files = {}
        for entity, obj, ids in (
            ("account", "Account", self.account_ids),
            ("contact", "Contact", self.contact_ids),
            ("lead", "Lead", self.lead_ids),
        ):
            rows = events.filter(pc.equal(events["entity_type"], entity))
            files[f"{obj}History"] = _csv(
                Id=rows["source_id"],
                **{f"{obj}Id": ids(rows["entity_id"])},
                Field="Lifecycle_Stage__c",
                OldValue=_label(rows["from_stage"]),
                NewValue=_label(rows["to_stage"]),
                CreatedDate=rows["occurred_at"],
                IsDeleted="false",
            )
        return files

    def identity(self) -> pa.Table:
        """Which demo account, contact or lead each written record copies."""
        return pa.concat_tables(
            [
                identity_rows("account", *self.account_ids.pairs()),
                identity_rows("person", *self.contact_ids.pairs()),
                identity_rows("person", *self.lead_ids.pairs()),
            ]
        )


def _entities(events: pa.Table, entity: str) -> pa.Array:
    return _array(events.filter(pc.equal(events["entity_type"], entity))["entity_id"])


def _native_ids(rows: pa.Table, key: str, kind: str) -> _Ids:
    """Salesforce rows keep their source_id; copies of other systems' rows get copy ids."""
    demo = _array(rows[key])
    own = pc.equal(rows["source"], "salesforce")
    others = demo.filter(pc.invert(own))
    copies = pa.array(copy_ids(kind, others.to_pylist()), pa.string())
    native = pc.replace_with_mask(_array(rows["source_id"]), pc.invert(_array(own)), copies)
    return _Ids(demo, native)


def _campaign_ids(rows: pa.Table) -> pa.Array:
    """Campaign copies take the account copy id of the campaign's demo id with the
    Campaign key prefix (701): deterministic and unique like every ``copy_ids`` id."""
    demo = _array(rows["campaign_id"])
    body = pc.utf8_slice_codeunits(
        pa.array(copy_ids("salesforce_account", demo.to_pylist()), pa.string()), 10
    )
    copies = pc.binary_join_element_wise(_CAMPAIGN_PREFIX, body, "")
    return pc.if_else(
        _array(pc.equal(rows["source"], "salesforce")), _array(rows["source_id"]), copies
    )


def _csv(**columns: pa.Array | pa.ChunkedArray | str) -> pa.Table:
    """A table of text columns in Salesforce's export formats; str values fill a column."""
    n = next(len(v) for v in columns.values() if not isinstance(v, str))
    return pa.table({name: _text(value, n) for name, value in columns.items()})


def _text(value: pa.Array | pa.ChunkedArray | str, n: int) -> pa.Array:
    """Datetimes as 2024-01-02T03:04:05.000+0000, dates ISO, checkboxes true/false."""
    if isinstance(value, str):
        return pa.nulls(n, pa.string()).fill_null(value)
    array = _array(value)
    if pa.types.is_timestamp(array.type):
        seconds = array.cast(pa.timestamp("s"), safe=False)
        return pc.strftime(seconds, format=SF_TIME)
    if pa.types.is_boolean(array.type):
        return pc.if_else(array, "true", "false")
    return array.cast(pa.string())


def _stamps(rows: pa.Table) -> dict[str, pa.ChunkedArray | str]:
    """CreatedDate, LastModifiedDate, SystemModstamp and IsDeleted of live records."""
    return {
        "CreatedDate": rows["created_at"],
        "LastModifiedDate": rows["updated_at"],
        "SystemModstamp": rows["updated_at"],
        "IsDeleted": "false",
    }


def _label(values: pa.ChunkedArray | pa.Array, labels: Mapping[str, str] = _LABELS) -> pa.Array:
    """Canonical values as picklist labels: "closed_won" -> "Closed Won", "emea" -> "EMEA"."""
    array = _array(values)
    known = pc.take(pa.array(list(labels.values())), pc.index_in(array, pa.array(list(labels))))
    spaced = pc.replace_substring(array, "_", " ")
    return pc.coalesce(known, pc.utf8_title(spaced))


def _percent(fractions: pa.ChunkedArray) -> pa.Array:
    """Fractions (0–1) as Salesforce percent values (0–100)."""
    return pc.round(pc.multiply(fractions, 100.0), 4)


def _numbered(prefix: str, n: int) -> pa.Array:
    """``n`` Salesforce-style ids: prefix and a zero-padded sequence number."""
    numbers = pc.cast(pa.array(np.arange(1, n + 1, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, 10, "0"), "")


def _array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    return values
