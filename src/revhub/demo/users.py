"""Who may sign in to the demo: one user per role, all with one fresh random password.

The sales rep is the account executive with the most deals, the sales manager the manager
of the busiest team, so that their scoped pages have rows to show. Running the demo again
gives every demo user a new password (it is a demo: the password is printed).

>>> DEMO_CRM_ROLES[Role.sales_rep]
'ae'
"""

from __future__ import annotations

from dataclasses import dataclass

from revhub.access import Role
from revhub.appdb import (
    AppDatabase,
    UserRecord,
    create_user,
    find_user,
    random_password,
    set_password,
    set_role,
)
from revhub.workspace import Workspace

DEMO_CRM_ROLES = {Role.sales_rep: "ae", Role.sales_manager: "sales_manager"}


@dataclass(frozen=True)
class DemoUsers:
    """The demo's users and their one password."""

    password: str
    users: list[UserRecord]
    crm_names: dict[str, str]  # user name → the CRM person they sign in as


def busiest_crm_user(ws: Workspace, crm_role: str) -> tuple[str, str] | None:
    """(user_id, name) of the CRM user of ``crm_role`` whose people own the most deals."""
    owner = (
        "o.owner_id = u.user_id"
        if crm_role == "ae"
        else ("o.owner_id IN (SELECT user_id FROM users WHERE manager_id = u.user_id)")
    )
    row = ws.con.con.execute(
        f"SELECT u.user_id, u.name FROM users u JOIN opportunities o ON {owner} "
        "WHERE u.role = ? GROUP BY ALL ORDER BY count(*) DESC, u.user_id LIMIT 1",
        [crm_role],
    ).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def demo_users(database: AppDatabase, ws: Workspace) -> DemoUsers:
    """Create (or reset) one user per role, named after the role."""
    password = random_password()
    users, names = [], {}
    for role in Role:
        crm = busiest_crm_user(ws, DEMO_CRM_ROLES[role]) if role in DEMO_CRM_ROLES else None
        if role in DEMO_CRM_ROLES and crm is None:
            continue  # a workspace without sellers: no one to sign in as
        crm_id = crm[0] if crm else None
        existing = find_user(database, role.value)
        if existing is None:
            user = create_user(database, role.value, role, password, crm_user_id=crm_id)
        else:
            set_role(database, existing.id, role, crm_user_id=crm_id)
            user = set_password(database, existing.id, password)
        users.append(user)
        if crm:
            names[role.value] = crm[1]
    return DemoUsers(password, users, names)
