"""Who signs in to a served demo company in tests: the CRM people the sales rep and the
sales manager map to, chosen the way `revhub demo` chooses them (so scoped pages have rows)."""

from __future__ import annotations

from revhub.demo.users import busiest_crm_user
from revhub.workspace import Workspace


def crm_rep(ws: Workspace) -> str:
    """The account executive with the most deals."""
    found = busiest_crm_user(ws, "ae")
    assert found, "the demo company has no account executive with deals"
    return found[0]


def crm_manager(ws: Workspace) -> str:
    """The sales manager whose reports own the most deals."""
    found = busiest_crm_user(ws, "sales_manager")
    assert found, "the demo company has no sales manager with deals"
    return found[0]
