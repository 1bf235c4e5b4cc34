"""User, UserRole and Territory2: the go-to-market org.

Roles in the role hierarchy are the teams. UserRole supports no custom fields, so a
team's department is the most common ``Department`` of its users, and its region and
segment those its users share (``Region__c``, ``Segment__c``), left empty when they
differ. A user's go-to-market role is read from ``Title`` ("Account Executive" -> ae).
Territories are Territory2 records (custom ``Region__c``, ``Segment__c``); users are
assigned to them by UserTerritory2Association, and a territory's team is the role
most of its assigned users hold. Custom User fields: Region__c, Segment__c,
Hire_Date__c (else CreatedDate), Termination_Date__c, Ramp_Months__c, Annual_Quota__c.

>>> TEAMS.table, USERS.table, TERRITORIES.table
('teams', 'users', 'territories')
"""

from __future__ import annotations

import pyarrow as pa

from revhub.sources.salesforce import picklists as p
from revhub.sources.salesforce import values
from revhub.sources.salesforce.fields import (
    SYNCED,
    TableMap,
    currency,
    current_rows,
    derived,
    key,
    lineage,
    pick,
    related_value,
    text,
)
from revhub.sources.salesforce.frame import Frame
from revhub.sources.salesforce.picklists import Vocabulary

# UserRole and Territory2 exports carry no CreatedDate: the first change stands in.
_CREATED = ("CreatedDate", "LastModifiedDate", "SystemModstamp", SYNCED)

USERS = TableMap(
    "users",
    {
        **lineage("user_id"),
        "name": text("Name"),
        "email": text("Email"),
        "team_id": key("UserRoleId"),
        "role": pick(p.ROLE, "Title"),
        "manager_id": key("ManagerId"),
        "region": pick(p.REGION, "Region__c"),
        "segment": pick(p.SEGMENT, "Segment__c"),
        "territory_id": derived(
            lambda frame: frame.keyed(
                related_value(frame, "UserTerritory2Association", "UserId", "Territory2Id")
            )
        ),
        "hire_date": text("Hire_Date__c", "CreatedDate"),
        "termination_date": text("Termination_Date__c"),
        "ramp_months": text("Ramp_Months__c"),
        "currency": currency(),
        "annual_quota": text("Annual_Quota__c"),
        "is_active": text("IsActive"),
    },
    rows=current_rows,
)


def _members_share(frame: Frame, field: str, vocabulary: Vocabulary, unanimous: bool) -> pa.Array:
    """Per role, the value of ``field`` its users hold (most common, or only if unanimous)."""
    users = frame.context.related("User")
    if users is None:
        return values.nulls(frame.num_rows)
    live = users.live()
    shared = values.most_common(
        live.column("UserRoleId"),
        values.picklist(live.column(field), vocabulary),
        unanimous=unanimous,
    )
    return values.lookup(frame.column("Id"), shared["group"], shared["item"])


TEAMS = TableMap(
    "teams",
    {
        **lineage("team_id", created=_CREATED),
        "name": text("Name"),
        "department": derived(
            lambda frame: _members_share(frame, "Department", p.DEPARTMENT, unanimous=False)
        ),
        "parent_team_id": key("ParentRoleId"),
        "region": derived(lambda frame: _members_share(frame, "Region__c", p.REGION, True)),
        "segment": derived(lambda frame: _members_share(frame, "Segment__c", p.SEGMENT, True)),
    },
    rows=current_rows,
)


def _owning_role(frame: Frame) -> pa.Array:
    """The role most users assigned to each territory hold."""
    links = frame.context.related("UserTerritory2Association")
    users = frame.context.related("User")
    if links is None or users is None:
        return values.nulls(frame.num_rows)
    assigned = links.live()
    live_users = users.live()
    roles = values.lookup(
        assigned.column("UserId"), live_users.column("Id"), live_users.column("UserRoleId")
    )
    owner = values.most_common(assigned.column("Territory2Id"), roles)
    return frame.keyed(values.lookup(frame.column("Id"), owner["group"], owner["item"]))


TERRITORIES = TableMap(
    "territories",
    {
        **lineage("territory_id", created=_CREATED),
        "name": text("Name"),
        "region": pick(p.REGION, "Region__c"),
        "segment": pick(p.SEGMENT, "Segment__c"),
        "team_id": derived(_owning_role),
    },
    rows=current_rows,
)
