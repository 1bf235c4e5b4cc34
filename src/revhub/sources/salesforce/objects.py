"""Which Salesforce objects revhub reads, what each fills, and which file holds which.

=============================  =============================================  ===========
Object                         Canonical tables                               Consulted by
=============================  =============================================  ===========
Account                        accounts; partners (Type Partner)
Contact                        contacts                                       lifecycle
Lead                           leads                                          contacts
Opportunity                    opportunities (+ opportunity_history when      history
                               synced in history mode)
OpportunityHistory             opportunity_history
OpportunityLineItem            — (list_amount, discount of opportunities)     opportunities
Campaign                       campaigns                                      members
CampaignMember                 touchpoints (members who responded)
Task, Event                    touchpoints (calls, emails, meetings)
User                           users                                          teams
UserRole                       teams
Territory2                     territories
UserTerritory2Association      — (users.territory_id, territories.team_id)    users
ObjectTerritory2Association    — (accounts.territory_id)                      accounts
Account/Contact/LeadHistory    lifecycle_events (Lifecycle_Stage__c changes)
Organization                   — (DefaultCurrencyIsoCode of single-currency)  money
=============================  =============================================  ===========

A file is ``<Object>.csv`` (a Bulk API 2.0 query result or a Data Loader export),
optionally followed by incremental pulls ``<Object>.pull-0002.csv``; a warehouse
sync names it in snake case, e.g. ``opportunity_line_item.csv`` or
``sf_opportunity_line_item_data.csv``.

>>> object_of("Account.pull-0002.csv"), object_of("sf_user_role_data.csv")
(('Account', 2), ('UserRole', 0))
>>> object_of("notes.txt") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from revhub.sources.salesforce import accounts, activities, pipeline, staff
from revhub.sources.salesforce.fields import TableMap
from revhub.sources.salesforce.synced import snake

# Fields every object may carry that the connector reads outside its TableMaps.
ALWAYS = ("Id", "IsDeleted", "CreatedDate", "LastModifiedDate", "SystemModstamp", "CurrencyIsoCode")


@dataclass(frozen=True)
class ObjectSpec:
    """The tables an object fills and the fields other objects' mappings consult."""

    maps: tuple[TableMap, ...] = ()
    consulted: tuple[str, ...] = ()

    def fields(self) -> set[str]:
        """Every Salesforce field revhub reads from this object.

        >>> sorted(OBJECTS["OpportunityLineItem"].fields())[:4]
        ['CreatedDate', 'CurrencyIsoCode', 'Id', 'IsDeleted']
        """
        names = {name for m in self.maps for name in m.reads()}
        return names | set(self.consulted) | set(ALWAYS)


OBJECTS: dict[str, ObjectSpec] = {
    "Organization": ObjectSpec((), ("DefaultCurrencyIsoCode",)),
    "UserRole": ObjectSpec((staff.TEAMS,)),
    "User": ObjectSpec((staff.USERS,), ("Department", "UserRoleId")),
    "Territory2": ObjectSpec((staff.TERRITORIES,)),
    "UserTerritory2Association": ObjectSpec((), ("UserId", "Territory2Id")),
    "ObjectTerritory2Association": ObjectSpec((), ("ObjectId", "Territory2Id")),
    "Account": ObjectSpec((accounts.ACCOUNTS, accounts.PARTNERS), ("Type",)),
    "Contact": ObjectSpec((accounts.CONTACTS,)),
    "Lead": ObjectSpec((accounts.LEADS,)),
    "Campaign": ObjectSpec((activities.CAMPAIGNS,)),
    "CampaignMember": ObjectSpec((activities.CAMPAIGN_MEMBERS,), ("HasResponded",)),
    "Opportunity": ObjectSpec((pipeline.OPPORTUNITIES, pipeline.OPPORTUNITY_VERSIONS)),
    "OpportunityLineItem": ObjectSpec((), ("OpportunityId", "Quantity", "ListPrice")),
    "OpportunityHistory": ObjectSpec(
        (pipeline.OPPORTUNITY_HISTORY,), ("StageName", "ForecastCategory", "OpportunityId")
    ),
    "Task": ObjectSpec((activities.TASKS,), ("IsClosed",)),
    "Event": ObjectSpec((activities.EVENTS,)),
    "AccountHistory": ObjectSpec((activities.ACCOUNT_LIFECYCLE,), ("Field",)),
    "ContactHistory": ObjectSpec((activities.CONTACT_LIFECYCLE,), ("Field",)),
    "LeadHistory": ObjectSpec((activities.LEAD_LIFECYCLE,), ("Field",)),
}

# Objects read only to complete other objects' rows.
CONSULTED_ONLY = tuple(name for name, spec in OBJECTS.items() if not spec.maps)

# Standard objects a full export often holds that revhub does not map (billing,
# products and cases come from the billing and support sources).
NOT_MAPPED = {
    "Order": "orders come from the billing source",
    "Product2": "products come from the billing source",
    "PricebookEntry": "prices come from the billing source",
    "Contract": "contracts come from the billing source",
    "Case": "support tickets come from the support source",
    "OpportunityFieldHistory": "OpportunityHistory holds the versions of each deal",
    "OpportunityContactRole": "the primary contact is Opportunity.ContactId",
}

_FILE = re.compile(r"^(?P<base>.+?)(?:\.pull-(?P<pull>\d+))?\.csv$", re.IGNORECASE)
_KNOWN = (*OBJECTS, *NOT_MAPPED)
_BY_SPELLING = {spelling: name for name in _KNOWN for spelling in (name.lower(), snake(name))}


def object_of(file_name: str) -> tuple[str, int] | None:
    """The object a file holds and its pull number (0 for the full export), or None."""
    match = _FILE.match(file_name)
    if match is None:
        return None
    pull = int(match["pull"] or 0)
    base = match["base"]
    if base in _BY_SPELLING.values():
        return base, pull
    bare = base.lower()
    bare = bare.removeprefix("sf_").removeprefix("salesforce_").removesuffix("_data")
    name = _BY_SPELLING.get(bare)
    return None if name is None else (name, pull)
