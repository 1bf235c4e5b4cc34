"""Referential integrity: references whose target row is missing.

The references come from the canonical model (every column declared with
``references``), so a new table or column is checked without touching the rules. A
null reference is not an integrity problem (completeness rules decide whether it may
be null); a value that matches no row of the referenced table is.

>>> rule = ForeignKeys(kind="foreign_keys", tables=["subscriptions"])
>>> [f"{fk.column}->{fk.ref_table}" for fk in rule.foreign_keys()]
['account_id->accounts', 'opportunity_id->opportunities']
"""

from __future__ import annotations

from typing import ClassVar, Literal

from revhub.errors import did_you_mean
from revhub.model import TABLES
from revhub.model.schema import ForeignKey
from revhub.quality.base import Dimension, RuleBase, RuleKeyError, canonical_table
from revhub.quality.checks import Check, Context, render


class ForeignKeys(RuleBase):
    """Every reference of ``tables`` (all canonical tables when empty) but ``exclude``."""

    kind: Literal["foreign_keys"]
    dimension: ClassVar[Dimension] = "integrity"
    template: ClassVar[str] = "{field} '{value}' matches no {other}"
    placeholders: ClassVar[tuple[str, ...]] = ("table", "field", "value", "other")
    tables: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def checked_tables(self) -> tuple[str, ...]:
        return self.tables or tuple(t.name for t in TABLES)

    def foreign_keys(self) -> list[ForeignKey]:
        """The references this rule checks."""
        skipped = set(self.exclude)
        return [
            fk
            for name in self.checked_tables()
            for fk in canonical_table(name).foreign_keys
            if f"{fk.table}.{fk.column}" not in skipped
        ]

    def validate_against_model(self) -> None:
        super().validate_against_model()
        for name in self.tables:
            canonical_table(name)
        known = [f"{fk.table}.{fk.column}" for t in TABLES for fk in t.foreign_keys]
        for entry in self.exclude:
            if entry not in known:
                hint = did_you_mean(entry, known)
                raise RuleKeyError(
                    "exclude", f"`{entry}` is no reference of the model (write table.column).{hint}"
                )

    def checks(self, ctx: Context) -> list[Check]:
        checks = []
        for fk in self.foreign_keys():
            frame = ctx.table(fk.table)
            target = ctx.table(fk.ref_table)
            target = target.view() if fk.ref_table == fk.table else target
            keys = target.select(_rh_found=target[fk.ref_column]).distinct()
            joined = frame.left_join(keys, frame[fk.column] == keys._rh_found)
            value = joined[fk.column]
            other = f"{fk.ref_table}.{fk.ref_column}"
            message = render(self.text, table=fk.table, field=fk.column, value=value, other=other)
            bad = value.notnull() & joined._rh_found.isnull()
            checks.append(Check(fk.table, fk.column, joined, bad, message))
        return checks
