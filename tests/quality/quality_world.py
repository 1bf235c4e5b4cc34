"""A tiny hand-made company for the quality tests: rows inserted straight into a workspace.

Rows go in through the connection, not ``Workspace.load``, so tests can plant what the
loader refuses (dangling references). Required columns get defaults; a test names only
the columns it is about.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import revhub
from revhub.model import get_table
from revhub.quality import QualityReport, RuleSet, load_issues, load_rules, run_quality
from revhub.quality.results import Issue
from revhub.workspace import Workspace

AS_OF = dt.date(2026, 7, 1)
CREATED = dt.datetime(2026, 1, 1, 9, 0)
_MONEY = {"currency": "USD", "fx_rate": 1.0}
DEFAULTS: dict[str, dict[str, Any]] = {
    "teams": {"name": "Team", "department": "sales"},
    "users": {
        "name": "Someone",
        "role": "ae",
        "hire_date": dt.date(2024, 1, 1),
        "is_active": True,
        **_MONEY,
    },
    "accounts": {"name": "Acme", "domain": "acme.com", "country": "DE"},
    "contacts": {"has_opted_out": False, "email": "jo@acme.com", "last_name": "Jo"},
    "leads": {"channel": "content", "status": "new", "is_converted": False},
    "opportunities": {
        "opportunity_type": "new_business",
        "stage": "discovery",
        "forecast_category": "pipeline",
        "created_date": dt.date(2026, 1, 1),
        "close_date": dt.date(2026, 9, 1),
        "is_closed": False,
        "is_won": False,
        "amount": 1000.0,
        **_MONEY,
    },
    "subscriptions": {
        "status": "active",
        "currency": "USD",
        "billing_interval": "month",
        "start_date": dt.date(2026, 1, 1),
        "cancel_at_period_end": False,
    },
    "invoices": {"status": "paid", "invoice_date": dt.date(2026, 2, 1), **_MONEY},
}


class World:
    """A workspace in a temporary directory, with helpers to fill it and check it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.ws: Workspace = revhub.open(root / "ws")

    def put(self, table: str, *rows: dict[str, Any], source: str = "crm") -> None:
        """Insert ``rows`` into ``table``; lineage and required columns get defaults."""
        definition = get_table(table)
        key = definition.primary_key[0]
        full = []
        for row in rows:
            lineage = {
                "source": source,
                "source_id": str(row.get(key, "x")),
                "created_at": CREATED,
                "updated_at": CREATED,
            }
            full.append({**lineage, **DEFAULTS.get(table, {}), **row})
        columns = {c: [r.get(c) for r in full] for c in sorted(set().union(*full))}
        self.ws.con.insert(table, definition.to_arrow(columns))

    def rules(self, text: str, *, defaults: bool = False) -> RuleSet:
        """Rules from YAML ``text`` (a ``rules:`` mapping), without the shipped ones."""
        path = self.root / "rules.yaml"
        path.write_text(text)
        return load_rules(path, defaults=defaults)

    def run(self, text: str, *, as_of: dt.date = AS_OF) -> QualityReport:
        """Run the rules in ``text`` as of ``as_of``."""
        return run_quality(self.ws.con, self.rules(text), as_of=as_of)

    def issues(self, report: QualityReport) -> list[Issue]:
        """Every issue of the run."""
        return load_issues(self.ws.con, report.run_id)

    def failing(self, report: QualityReport) -> set[tuple[str, str | None]]:
        """(record_id, field) of every issue of the run."""
        return {(i.record_id, i.field) for i in self.issues(report)}
