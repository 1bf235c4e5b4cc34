"""Timeliness: records that were not kept up to date.

- ``overdue``: a date that has passed while the record says it is still ahead (an open
  deal whose close date is behind us);
- ``idle``: no activity for ``days`` days before the as-of day (an open deal nobody
  touched, a new lead nobody worked). A record with no activity at all is idle too.

Both judge against the run's ``as_of`` day, never the clock, so reruns are repeatable.

>>> Idle(kind="idle", table="leads", fields=["updated_at"], days=30).days
30
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

import ibis
import ibis.expr.types as ir
from pydantic import Field

from revhub.model.schema import DATE, TIMESTAMP
from revhub.quality.base import Dimension, FieldsRule, column_of
from revhub.quality.checks import Context, day_of, describe_where

_DATES = (DATE, TIMESTAMP)


class Overdue(FieldsRule):
    """Records whose date lies more than ``grace_days`` before the as-of day."""

    kind: Literal["overdue"]
    dimension: ClassVar[Dimension] = "timeliness"
    template: ClassVar[str] = "{field} {value} has passed (as of {as_of})"
    placeholders: ClassVar[tuple[str, ...]] = ("table", "field", "value", "as_of", "condition")
    field_types: ClassVar[tuple[str, ...] | None] = _DATES
    grace_days: int = Field(0, ge=0)

    def is_bad(self, frame: ibis.Table, field: str, ctx: Context) -> ir.BooleanValue:
        return _before(frame[field], ctx, self.grace_days)

    def parts(self, frame: ibis.Table, field: str, ctx: Context) -> dict[str, Any]:
        return {"as_of": ctx.as_of, "condition": describe_where(self.where)}


class Idle(FieldsRule):
    """Records whose last activity (``fields``, else ``fallback``) is ``days`` old or more."""

    kind: Literal["idle"]
    dimension: ClassVar[Dimension] = "timeliness"
    template: ClassVar[str] = "no activity since {last} ({days}+ days before {as_of})"
    placeholders: ClassVar[tuple[str, ...]] = (
        "table",
        "field",
        "value",
        "last",
        "days",
        "as_of",
        "condition",
    )
    field_types: ClassVar[tuple[str, ...] | None] = _DATES
    days: int = Field(ge=1)
    fallback: str | None = None

    def validate_against_model(self) -> None:
        super().validate_against_model()
        if self.fallback is not None:
            column_of(self.definition, self.fallback, "fallback", _DATES)

    def is_bad(self, frame: ibis.Table, field: str, ctx: Context) -> ir.BooleanValue:
        last = self._last(frame, field)
        return last.isnull() | _before(last, ctx, self.days)

    def parts(self, frame: ibis.Table, field: str, ctx: Context) -> dict[str, Any]:
        return {
            "last": day_of(self._last(frame, field)).cast("string").fill_null("never"),
            "days": self.days,
            "as_of": ctx.as_of,
            "condition": describe_where(self.where),
        }

    def _last(self, frame: ibis.Table, field: str) -> ir.Value:
        value = frame[field]
        if self.fallback is None:
            return value
        fallback = frame[self.fallback]
        if value.type().is_timestamp() != fallback.type().is_timestamp():
            value, fallback = day_of(value), day_of(fallback)
        return ibis.coalesce(value, fallback)


def _before(value: ir.Value, ctx: Context, days: int) -> ir.BooleanValue:
    """``value`` lies more than ``days`` days before the as-of day."""
    if value.type().is_timestamp():
        return value < ctx.days_before(days)
    return value < ctx.as_of - dt.timedelta(days=days)
