"""The rows a signed-in user sees, from their role and the CRM user they are linked to.

- ``owner`` (sales reps): their own CRM user; ``owner_names`` is their name;
- ``team`` (sales managers): every CRM user — active or not — in the team their CRM
  user belongs to and in every team below it (``teams.parent_team_id``, any depth),
  plus everyone who reports to them (``users.manager_id``, any depth) and themselves;
  ``team_names`` are those teams' names, ``owner_names`` those users' names;
- ``partner`` (partner ops): the partner-sourced rows;
- ``all``: everything.

A rep or manager without a CRM user (or linked to one that does not exist in the
workspace) sees nothing: an empty scope, never everything.

The metrics API filters by the ``owner`` and ``team`` dimensions, which are names; two
CRM users sharing a name are not told apart there.

>>> import tempfile, revhub
>>> from revhub.access import Role
>>> with revhub.init(tempfile.mkdtemp()) as ws:
...     scope_for(ws.con.con, Role.sales_rep, "usr_1").user_ids
frozenset()
"""

from __future__ import annotations

import duckdb

from revhub.access import EVERYTHING, ROW_SCOPE, Role, RowScope
from revhub.browse.query import fetch

_TEAM = """
WITH RECURSIVE
  managed_teams(team_id) AS (
      SELECT team_id FROM users WHERE user_id = $me
      UNION
      SELECT t.team_id FROM teams AS t JOIN managed_teams AS m ON t.parent_team_id = m.team_id
  ),
  reports(user_id) AS (
      SELECT $me
      UNION
      SELECT u.user_id FROM users AS u JOIN reports AS r ON u.manager_id = r.user_id
  ),
  members AS (
      SELECT user_id FROM users WHERE team_id IN (SELECT team_id FROM managed_teams)
      UNION
      SELECT user_id FROM reports
  )
SELECT 'user' AS kind, u.user_id AS id, u.name FROM users AS u
WHERE u.user_id IN (SELECT user_id FROM members)
UNION ALL
SELECT 'team', t.team_id, t.name FROM teams AS t
WHERE t.team_id IN (SELECT team_id FROM managed_teams)
"""


def scope_for(con: duckdb.DuckDBPyConnection, role: Role, crm_user_id: str | None) -> RowScope:
    """The ``RowScope`` of a user with ``role`` linked to CRM user ``crm_user_id``
    (``users.user_id``); see the module docstring."""
    kind = ROW_SCOPE[role]
    if kind == "all":
        return EVERYTHING
    if kind == "partner":
        return RowScope("partner")
    me = fetch(con, "SELECT user_id, name FROM users WHERE user_id = $me", {"me": crm_user_id})
    if crm_user_id is None or not me:
        return RowScope(kind)
    if kind == "owner":
        return RowScope("owner", frozenset({crm_user_id}), owner_names=frozenset({me[0]["name"]}))
    rows = fetch(con, _TEAM, {"me": crm_user_id})
    users = [r for r in rows if r["kind"] == "user"]
    teams = [r for r in rows if r["kind"] == "team"]
    return RowScope(
        "team",
        frozenset(r["id"] for r in users),
        team_names=frozenset(r["name"] for r in teams),
        owner_names=frozenset(r["name"] for r in users),
    )
