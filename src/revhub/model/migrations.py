"""Schema versions of the canonical model and the explicit steps between them.

A workspace records the version it was written with. Opening it applies, in order, every
migration newer than that; a workspace newer than this revhub is refused. A change to a
table definition bumps ``SCHEMA_VERSION`` and adds one ``Migration`` here whose ``steps``
are the SQL that brings an existing workspace to the new shape.

>>> MIGRATIONS[0].version
1
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """One step of the schema: its version, what it changes, and the SQL statements.

    Every migration first creates the tables of the model that do not exist yet (empty,
    from their definitions), then runs its statements: a migration that only adds tables
    needs none. Version 1 creates every table; version 2 adds the finance tables.
    """

    version: int
    description: str
    steps: tuple[str, ...] = ()


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "Create the canonical model and the truth schema from the definitions."),
    Migration(2, "Add the finance tables cost_of_revenue and forecast_snapshots."),
    Migration(3, "Add forecast_deal_snapshots and forecast_runs, kept by every forecast run."),
)

SCHEMA_VERSION = MIGRATIONS[-1].version
