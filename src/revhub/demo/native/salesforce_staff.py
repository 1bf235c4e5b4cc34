"""The go-to-market org in the demo's Salesforce export: roles, users and territories.

Teams are ``UserRole`` records (the role hierarchy), staff are ``User`` records with
the org's custom fields (region, segment, hire date, ramp, quota), territories are
``Territory2`` records with the user and account assignments that tie them together.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from revhub.demo.native.salesforce_csv import LABELS, csv_table, label, numbered, stamps
from revhub.demo.native.salesforce_org import Org
from revhub.sources.salesforce.picklists import ROLE_TITLES


def roles(org: Org) -> pa.Table:
    """``UserRole``: one per demo team, parent role from the team hierarchy."""
    teams = org.sf("teams")
    return csv_table(
        Id=teams["source_id"],
        Name=teams["name"],
        ParentRoleId=org.team(teams["parent_team_id"]),
        LastModifiedDate=teams["updated_at"],
        SystemModstamp=teams["updated_at"],
    )


def users(org: Org) -> pa.Table:
    """``User``: role title, department of the team, manager and quota fields."""
    staff = org.sf("users")
    teams = org.t["teams"]
    department = pc.take(teams["department"], pc.index_in(staff["team_id"], teams["team_id"]))
    return csv_table(
        Id=staff["source_id"],
        Name=staff["name"],
        Email=staff["email"],
        UserRoleId=org.team(staff["team_id"]),
        Title=label(staff["role"], {**LABELS, **ROLE_TITLES}),
        Department=label(department),
        ManagerId=org.user(staff["manager_id"]),
        Region__c=label(staff["region"]),
        Segment__c=label(staff["segment"]),
        Hire_Date__c=staff["hire_date"],
        Termination_Date__c=staff["termination_date"],
        Ramp_Months__c=staff["ramp_months"],
        Annual_Quota__c=staff["annual_quota"],
        CurrencyIsoCode=staff["currency"],
        IsActive=staff["is_active"],
        **stamps(staff),
    )


def territories(org: Org) -> pa.Table:
    """``Territory2``: name, region and segment."""
    rows = org.sf("territories")
    return csv_table(
        Id=rows["source_id"],
        Name=rows["name"],
        Region__c=label(rows["region"]),
        Segment__c=label(rows["segment"]),
        **stamps(rows),
    )


def user_territories(org: Org) -> pa.Table:
    """``UserTerritory2Association``: each user that owns a territory, as its owner."""
    staff = org.sf("users")
    staff = staff.filter(pc.is_valid(staff["territory_id"]))
    return csv_table(
        Id=numbered("0R05e", staff.num_rows),
        UserId=staff["source_id"],
        Territory2Id=org.territory(staff["territory_id"]),
        RoleInTerritory2="Owner",
        IsActive=pa.array([True] * staff.num_rows),
        LastModifiedDate=staff["updated_at"],
    )


def account_territories(org: Org) -> pa.Table:
    """``ObjectTerritory2Association``: the territory of each account in the org."""
    rows = org.account_rows.filter(pc.is_valid(org.account_rows["territory_id"]))
    return csv_table(
        Id=numbered("0R15e", rows.num_rows),
        ObjectId=org.account_ids(rows["account_id"]),
        Territory2Id=org.territory(rows["territory_id"]),
        AssociationCause="Territory2Manual",
        SobjectType="Account",
        LastModifiedDate=rows["updated_at"],
    )
