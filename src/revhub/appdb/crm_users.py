"""The CRM user a login maps to: a row of the workspace's canonical ``users`` table.

Sales reps and managers see the rows owned by their CRM user (and, for managers, their
teams), so the id given when adding such a login must exist in the workspace.

>>> import tempfile, revhub
>>> with revhub.open(tempfile.mkdtemp()) as ws:
...     require_crm_user(ws, "u_42")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
revhub.errors.UserAdminError: CRM user `u_42` is not in the workspace's users table (0 users)...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from revhub.errors import UserAdminError, did_you_mean

if TYPE_CHECKING:
    from revhub.workspace import Workspace


@dataclass(frozen=True)
class CrmUser:
    """The canonical user a login maps to."""

    user_id: str
    name: str
    email: str | None
    team_id: str


def require_crm_user(ws: Workspace, user_id: str) -> CrmUser:
    """The canonical user ``user_id``, or ``UserAdminError`` with a "did you mean" (by id,
    or by name or email when the text looks like one)."""
    users = ws.table("users").select("user_id", "name", "email", "team_id").execute()
    rows = users.to_dict("records")
    for row in rows:
        if row["user_id"] == user_id:
            return CrmUser(row["user_id"], row["name"], row["email"], row["team_id"])
    wanted = user_id.strip().casefold()
    by_person = [
        r for r in rows if wanted in (str(r["name"]).casefold(), str(r["email"]).casefold())
    ]
    if by_person:
        hint = f" Did you mean `{by_person[0]['user_id']}` ({by_person[0]['name']})?"
    else:
        hint = did_you_mean(user_id, [r["user_id"] for r in rows])
    raise UserAdminError(
        f"CRM user `{user_id}` is not in the workspace's users table ({len(rows)} users).{hint}"
        + ("" if hint else " Load the CRM data first, or pick an id from `users.user_id`.")
    )
