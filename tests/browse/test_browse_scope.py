"""scope_for: a role and a CRM user become the rows they see."""

from __future__ import annotations

import duckdb
from browse_world import Planted

from revhub.access import EVERYTHING, Role, RowScope
from revhub.browse import list_accounts, list_deals, scope_for


def _names(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> set[str]:
    return {r[0] for r in con.execute(sql, list(params)).fetchall()}


def test_a_rep_owns_their_rows_by_id_and_name(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    scope = scope_for(con, Role.sales_rep, planted.rep)
    name = _names(con, "SELECT name FROM users WHERE user_id = ?", planted.rep)
    assert scope == RowScope("owner", frozenset({planted.rep}), owner_names=frozenset(name))


def test_a_manager_gets_their_teams_below_and_their_reports(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    scope = scope_for(con, Role.sales_manager, planted.manager)
    assert scope.kind == "team"
    reports = _names(con, "SELECT user_id FROM users WHERE manager_id = ?", planted.manager)
    assert reports <= scope.user_ids and planted.manager in scope.user_ids
    assert planted.rep in scope.user_ids and planted.other_rep not in scope.user_ids
    [(own_team,)] = con.execute(
        "SELECT t.name FROM users AS u JOIN teams AS t USING (team_id) WHERE u.user_id = ?",
        [planted.manager],
    ).fetchall()
    rep_team = _names(
        con,
        "SELECT t.name FROM users AS u JOIN teams AS t USING (team_id) WHERE u.user_id = ?",
        planted.rep,
    )
    assert own_team in scope.team_names and rep_team <= scope.team_names
    # every member of a managed team is in scope, and only the managed teams are named
    members = _names(
        con,
        "SELECT u.user_id FROM users AS u JOIN teams AS t USING (team_id) "
        "WHERE list_contains(?, t.name)",
        sorted(scope.team_names),
    )
    assert members <= scope.user_ids
    assert scope.owner_names == _names(
        con, "SELECT name FROM users WHERE list_contains(?, user_id)", sorted(scope.user_ids)
    )


def test_a_manager_sees_more_than_any_one_rep(
    con: duckdb.DuckDBPyConnection, planted: Planted
) -> None:
    team = scope_for(con, Role.sales_manager, planted.manager)
    rep = scope_for(con, Role.sales_rep, planted.rep)
    assert list_deals(con, rep).total < list_deals(con, team).total
    assert list_accounts(con, rep).total < list_accounts(con, team).total


def test_other_roles_and_unknown_users(con: duckdb.DuckDBPyConnection) -> None:
    assert scope_for(con, Role.cro, None) is EVERYTHING
    assert scope_for(con, Role.partner_ops, None) == RowScope("partner")
    for role in (Role.sales_rep, Role.sales_manager):
        for user in (None, "usr_does_not_exist"):
            scope = scope_for(con, role, user)
            assert scope.user_ids == frozenset() and scope.kind != "all"
            assert list_accounts(con, scope).total == list_deals(con, scope).total == 0
