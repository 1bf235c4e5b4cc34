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

    Version 1 creates every table from the definitions and has no statements of its own.
    """

    version: int
    description: str
    steps: tuple[str, ...] = ()


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "Create the canonical model and the truth schema from the definitions."),
)

SCHEMA_VERSION = MIGRATIONS[-1].version
