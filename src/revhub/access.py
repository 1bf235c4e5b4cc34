"""Who may see what: the roles, the areas of the hub each may open, and the rows each sees.

This module is the one place where access is declared. Every API route and dashboard page
names its area (``AREAS``); ``may_use`` answers whether a role may use it, and the route
table test checks every route against this table for every role. Row scoping is declared
here too: a sales rep sees the accounts and deals they own, a sales manager their teams',
partner ops the partner-sourced ones; every other role sees every row of the areas it may
open.

>>> may_use(Role.sales_rep, "pipeline"), may_use(Role.sales_rep, "quality")
(True, False)
>>> ROW_SCOPE[Role.sales_manager]
'team'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from revhub.errors import PermissionDeniedError, UserAdminError, did_you_mean


class Role(StrEnum):
    """The roles a revhub user can have."""

    admin = "admin"
    cro = "cro"
    revops_manager = "revops_manager"
    revenue_analyst = "revenue_analyst"
    marketing_ops = "marketing_ops"
    sales_manager = "sales_manager"
    sales_rep = "sales_rep"
    cs_ops = "cs_ops"
    partner_ops = "partner_ops"
    finance = "finance"


_EVERYONE = frozenset(Role)
_LEADERSHIP = frozenset({Role.admin, Role.cro, Role.revops_manager, Role.revenue_analyst})
_FORECASTERS = _LEADERSHIP | {Role.finance, Role.sales_manager, Role.sales_rep}
_PLANNERS = _LEADERSHIP | {Role.finance, Role.sales_manager, Role.marketing_ops}

AREAS: dict[str, frozenset[Role]] = {
    # what every signed-in user has: their own account, tokens and the overview
    "self": _EVERYONE,
    "overview": _EVERYONE,
    "metrics": _EVERYONE,
    "revenue": _LEADERSHIP | {Role.finance, Role.cs_ops},
    "funnel": _LEADERSHIP | {Role.marketing_ops, Role.sales_manager},
    "pipeline": _LEADERSHIP | {Role.sales_manager, Role.sales_rep, Role.partner_ops},
    "marketing": _LEADERSHIP | {Role.marketing_ops},
    "customers": _EVERYONE,
    "billing": _LEADERSHIP | {Role.finance, Role.cs_ops},
    "quality": _LEADERSHIP | {Role.marketing_ops, Role.cs_ops},
    "forecast": _FORECASTERS,
    "plan": _PLANNERS,
    "planning": _FORECASTERS | _PLANNERS,
    "operations": frozenset({Role.admin, Role.revops_manager}),
    "admin": frozenset({Role.admin}),
}
"""Area → the roles that may use it. ``metrics`` and ``customers`` are open to every role
because their rows are scoped; ``billing`` is the invoices and payments inside customers;
``operations`` is ingest runs and the quarantine (and storing a new forecast run);
``admin`` is users and the audit log. ``forecast`` is the stored bookings forecasts (a
sales rep sees their own deals' part, a manager their teams'); ``plan`` is the plan
worked back from the target (company-wide: funnel, AEs and marketing budget, so not for
reps, and for marketing ops because of the budget); ``planning`` is the Forecast & Plan
page, open to both, each of its sections following its own area."""

ScopeKind = Literal["all", "owner", "team", "partner"]

_ALL: ScopeKind = "all"
ROW_SCOPE: dict[Role, ScopeKind] = dict.fromkeys(Role, _ALL) | {
    Role.sales_rep: "owner",
    Role.sales_manager: "team",
    Role.partner_ops: "partner",
}
"""Which rows of accounts, deals and metrics a role sees."""

NEEDS_CRM_USER = frozenset(role for role, kind in ROW_SCOPE.items() if kind in ("owner", "team"))
"""Roles whose rows follow a CRM user (their own, or the teams they manage)."""

# the department scorecard each role lands on
HOME_DEPARTMENT: dict[Role, str] = {
    Role.admin: "company",
    Role.cro: "company",
    Role.revops_manager: "company",
    Role.revenue_analyst: "company",
    Role.marketing_ops: "marketing",
    Role.sales_manager: "sales",
    Role.sales_rep: "sales",
    Role.cs_ops: "customer_success",
    Role.partner_ops: "partners",
    Role.finance: "finance",
}


@dataclass(frozen=True)
class RowScope:
    """The rows a user sees: all, those owned by ``user_ids`` (a rep: one id; a manager:
    everyone in the teams they manage), or the partner-sourced ones.

    >>> RowScope("owner", frozenset({"u1"})).describe()
    'owned by 1 user(s)'
    """

    kind: ScopeKind
    user_ids: frozenset[str] = frozenset()
    team_names: frozenset[str] = frozenset()
    owner_names: frozenset[str] = frozenset()

    @property
    def is_all(self) -> bool:
        return self.kind == "all"

    def describe(self) -> str:
        """A short phrase for pages and logs."""
        if self.kind == "all":
            return "all rows"
        if self.kind == "partner":
            return "partner-sourced rows"
        return f"owned by {len(self.user_ids)} user(s)"


EVERYTHING = RowScope("all")


def parse_role(text: str) -> Role:
    """The role named ``text``, or a clear error.

    >>> parse_role("sales_rep")
    <Role.sales_rep: 'sales_rep'>
    """
    try:
        return Role(text)
    except ValueError:
        hint = did_you_mean(text, [r.value for r in Role])
        known = ", ".join(r.value for r in Role)
        raise UserAdminError(f"unknown role `{text}`.{hint} Roles: {known}.") from None


def may_use(role: Role, area: str) -> bool:
    """Whether ``role`` may use ``area`` (a key of ``AREAS``)."""
    return role in AREAS[area]


def require(role: Role, area: str) -> None:
    """Raise ``PermissionDeniedError`` unless ``role`` may use ``area``."""
    if not may_use(role, area):
        raise PermissionDeniedError(role.value, area)


def areas_of(role: Role) -> list[str]:
    """The areas ``role`` may use, in declaration order."""
    return [area for area, roles in AREAS.items() if role in roles]
