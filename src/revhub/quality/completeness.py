"""Completeness: the fields a record needs before anyone can work with it.

A field is missing when it is null or, for text, empty or only whitespace. ``required``
asks it of every record of the table (or of those its ``where`` keeps).

>>> rule = Required(kind="required", table="accounts", fields=["domain", "owner_id"])
>>> rule.dimension, rule.text
('completeness', '{field} is missing')
"""

from __future__ import annotations

from typing import ClassVar, Literal

import ibis
import ibis.expr.types as ir

from revhub.quality.base import Dimension, FieldsRule, is_blank
from revhub.quality.checks import Context


class MissingFields(FieldsRule):
    """Records whose fields are null or blank; any column type."""

    field_types: ClassVar[tuple[str, ...] | None] = None

    def is_bad(self, frame: ibis.Table, field: str, ctx: Context) -> ir.BooleanValue:
        value = frame[field]
        return value.isnull() | is_blank(value)


class Required(MissingFields):
    """Fields every record of ``table`` must have, e.g. an account's domain and owner."""

    kind: Literal["required"]
    dimension: ClassVar[Dimension] = "completeness"
    template: ClassVar[str] = "{field} is missing"
