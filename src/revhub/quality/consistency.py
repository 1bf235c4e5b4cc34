"""Consistency: fields of a record, or of related records, that contradict each other.

- ``stage_flags``: an opportunity's stage against its is_closed / is_won flags;
- ``date_order``: one date before another that must come first (close before created);
- ``has_related``: a record whose parent is missing, null or dangling (a subscription
  without its account);
- ``matches_related``: a field that must equal the same field of a related record (an
  invoice's currency and its subscription's);
- ``required_when``: a field needed once a condition holds (a converted lead's contact).

>>> StageFlags(kind="stage_flags").won_stages
('closed_won',)
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import ibis

from revhub.model.schema import DATE, TIMESTAMP, Column
from revhub.quality.base import Dimension, RuleKeyError, TableRule, canonical_table, column_of
from revhub.quality.checks import Check, Context, day_of, describe_where, render
from revhub.quality.completeness import MissingFields

_RELATED = ("table", "field", "value", "other", "other_value")


class StageFlags(TableRule):
    """Won stages are closed and won, lost stages closed and not won, open stages neither."""

    kind: Literal["stage_flags"]
    dimension: ClassVar[Dimension] = "consistency"
    template: ClassVar[str] = "stage '{value}' contradicts is_closed={closed}, is_won={won}"
    placeholders: ClassVar[tuple[str, ...]] = ("table", "field", "value", "closed", "won")
    table: str = "opportunities"
    stage_field: str = "stage"
    closed_field: str = "is_closed"
    won_field: str = "is_won"
    won_stages: tuple[str, ...] = ("closed_won",)
    lost_stages: tuple[str, ...] = ("closed_lost",)

    def validate_against_model(self) -> None:
        super().validate_against_model()
        column_of(self.definition, self.stage_field, "stage_field")
        column_of(self.definition, self.closed_field, "closed_field", ("boolean",))
        column_of(self.definition, self.won_field, "won_field", ("boolean",))

    def checks(self, ctx: Context) -> list[Check]:
        frame = ctx.table(self.table)
        stage, closed, won = (
            frame[self.stage_field],
            frame[self.closed_field],
            frame[self.won_field],
        )
        is_won_stage, is_lost_stage = stage.isin(self.won_stages), stage.isin(self.lost_stages)
        is_open_stage = ~is_won_stage & ~is_lost_stage
        bad = (
            (is_won_stage & ~(closed & won))
            | (is_lost_stage & ~(closed & ~won))
            | (is_open_stage & (closed | won))
        )
        message = render(
            self.text, table=self.table, field=self.stage_field, value=stage, closed=closed, won=won
        )
        return [Check(self.table, self.stage_field, frame, bad, message, self.filter(frame))]


class DateOrder(TableRule):
    """``later`` must not be before ``earlier`` (e.g. close_date before created_date)."""

    kind: Literal["date_order"]
    dimension: ClassVar[Dimension] = "consistency"
    template: ClassVar[str] = "{field} {value} is before {other} {other_value}"
    placeholders: ClassVar[tuple[str, ...]] = _RELATED
    earlier: str
    later: str

    def validate_against_model(self) -> None:
        super().validate_against_model()
        column_of(self.definition, self.earlier, "earlier", (DATE, TIMESTAMP))
        column_of(self.definition, self.later, "later", (DATE, TIMESTAMP))

    def checks(self, ctx: Context) -> list[Check]:
        frame = ctx.table(self.table)
        earlier, later = frame[self.earlier], frame[self.later]
        if earlier.type().is_timestamp() != later.type().is_timestamp():
            earlier, later = day_of(earlier), day_of(later)
        message = render(
            self.text,
            table=self.table,
            field=self.later,
            value=frame[self.later],
            other=self.earlier,
            other_value=frame[self.earlier],
        )
        return [Check(self.table, self.later, frame, later < earlier, message, self.filter(frame))]


class HasRelated(TableRule):
    """Records whose ``field`` is null or points at no row of the table it references."""

    kind: Literal["has_related"]
    dimension: ClassVar[Dimension] = "consistency"
    template: ClassVar[str] = "has no {other} ({field} is {value})"
    placeholders: ClassVar[tuple[str, ...]] = ("table", "field", "value", "other")
    field: str

    def validate_against_model(self) -> None:
        super().validate_against_model()
        _reference(column_of(self.definition, self.field, "field"), self.table, "field")

    def checks(self, ctx: Context) -> list[Check]:
        ref_table, ref_column = _reference(self.definition.column(self.field), self.table, "")
        frame = ctx.table(self.table)
        target = ctx.table(ref_table)
        target = target.view() if ref_table == self.table else target
        keys = target.select(_rh_found=target[ref_column]).distinct()
        joined = frame.left_join(keys, frame[self.field] == keys._rh_found)
        message = render(
            self.text, table=self.table, field=self.field, value=joined[self.field], other=ref_table
        )
        bad = joined._rh_found.isnull()
        return [Check(self.table, self.field, joined, bad, message, self.filter(joined))]


class MatchesRelated(TableRule):
    """``field`` must equal ``target_field`` of the record ``via`` references, when both are
    set (an invoice's currency and its subscription's)."""

    kind: Literal["matches_related"]
    dimension: ClassVar[Dimension] = "consistency"
    template: ClassVar[str] = "{field} '{value}' differs from {other} '{other_value}'"
    placeholders: ClassVar[tuple[str, ...]] = _RELATED
    field: str
    via: str
    target_field: str | None = None

    def validate_against_model(self) -> None:
        super().validate_against_model()
        own = column_of(self.definition, self.field, "field")
        ref_table, _ = _reference(column_of(self.definition, self.via, "via"), self.table, "via")
        other = column_of(canonical_table(ref_table), self.other_field, "target_field")
        if other.type != own.type:
            raise RuleKeyError(
                "target_field",
                f"{ref_table}.{other.name} is {other.type} but {self.table}.{own.name} is "
                f"{own.type}; they cannot be compared.",
            )

    @property
    def other_field(self) -> str:
        return self.target_field or self.field

    def checks(self, ctx: Context) -> list[Check]:
        ref_table, ref_column = _reference(self.definition.column(self.via), self.table, "")
        frame = ctx.table(self.table)
        target = ctx.table(ref_table)
        target = target.view() if ref_table == self.table else target
        other = target.select(_rh_key=target[ref_column], _rh_other=target[self.other_field])
        joined = frame.left_join(other, frame[self.via] == other._rh_key)
        value = joined[self.field]
        bad = value.notnull() & joined._rh_other.notnull() & (value != joined._rh_other)
        message = render(
            self.text,
            table=self.table,
            field=self.field,
            value=value,
            other=f"{ref_table}.{self.other_field}",
            other_value=joined._rh_other,
        )
        return [Check(self.table, self.field, joined, bad, message, self.filter(joined))]


class RequiredWhen(MissingFields):
    """Fields a record needs once ``where`` holds (a converted lead needs its contact)."""

    kind: Literal["required_when"]
    dimension: ClassVar[Dimension] = "consistency"
    template: ClassVar[str] = "{field} is missing although {condition}"
    placeholders: ClassVar[tuple[str, ...]] = ("table", "field", "value", "condition")

    def validate_against_model(self) -> None:
        super().validate_against_model()
        if not self.where:
            raise RuleKeyError("where", "say when the fields are required, e.g. {status: won}.")

    def parts(self, frame: ibis.Table, field: str, ctx: Context) -> dict[str, Any]:
        return {"condition": describe_where(self.where)}


def _reference(column: Column, table: str, key: str) -> tuple[str, str]:
    if column.references is None:
        raise RuleKeyError(key, f"{table}.{column.name} references no table.")
    ref_table, ref_column = column.references.split(".")
    return ref_table, ref_column
