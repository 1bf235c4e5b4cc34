"""The common shape of a quality rule, and how it is checked against the canonical model.

Every rule has a kind (what it tests), a dimension (which quality score it counts in),
a severity, an optional description and an optional message template overriding the
kind's own. ``TableRule`` adds the table it tests, a ``where`` filter (which records are
checked) and the owner path (who fixes them, see ``owners``). ``FieldsRule`` tests each of
a list of fields the same way. A mistake in a rule raises ``RuleKeyError`` naming the
key, which the rules loader turns into a ConfigError naming file, rule and key.

>>> from revhub.quality.validity import Email
>>> Email(kind="email", table="contacts").fields
('email',)
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal, Self, get_args

import ibis
import ibis.expr.types as ir
from pydantic import BaseModel, ConfigDict, Field, model_validator

from revhub.errors import did_you_mean
from revhub.model import TABLES
from revhub.model.schema import (
    BOOL,
    DATE,
    FLOAT,
    INT,
    MONEY,
    RATE,
    STRING,
    TIMESTAMP,
    Column,
    Table,
)
from revhub.quality.checks import Check, Context, Scalar, placeholders, render, where_expr
from revhub.quality.owners import OwnerPathError, default_owner, owner_path

Severity = Literal["error", "warning", "info"]
Dimension = Literal[
    "completeness", "validity", "uniqueness", "consistency", "timeliness", "integrity"
]
DIMENSIONS: tuple[str, ...] = get_args(Dimension)
CANONICAL = {t.name: t for t in TABLES}
# Python types a ``where`` value may have, per logical column type.
_WHERE_TYPES: dict[str, tuple[type, ...]] = {
    STRING: (str,),
    BOOL: (bool,),
    INT: (int,),
    FLOAT: (int, float),
    MONEY: (int, float),
    RATE: (int, float),
    DATE: (dt.date,),
    TIMESTAMP: (dt.date,),
}


class RuleKeyError(ValueError):
    """A rule whose ``key`` is wrong; the message says why and what would be right."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(message)


class RuleBase(BaseModel):
    """What every rule has. Subclasses set ``kind``, ``dimension`` and ``template``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dimension: ClassVar[Dimension]
    template: ClassVar[str]
    placeholders: ClassVar[tuple[str, ...]] = ("table", "field", "value")

    enabled: bool = True
    severity: Severity = "warning"
    description: str = ""
    message: str | None = None

    @property
    def text(self) -> str:
        """The message template in force: the rule's own, else the kind's."""
        return self.message or self.template

    def checked_tables(self) -> tuple[str, ...]:
        """The tables this rule checks."""
        raise NotImplementedError

    def owner_for(self, table: str) -> tuple[str, ...] | None:
        """The owner path of ``table``'s records under this rule."""
        return default_owner(table)

    def skip_reason(self, ctx: Context) -> str | None:
        """Why the rule cannot run now (e.g. a missing input), or None when it can."""
        return None

    def checks(self, ctx: Context) -> list[Check]:
        """The checks this rule makes."""
        raise NotImplementedError

    def validate_against_model(self) -> None:
        """Raise RuleKeyError when the rule names something the model does not have."""
        for name in placeholders(self.text):
            if name not in self.placeholders:
                hint = did_you_mean(name, self.placeholders)
                known = ", ".join(f"{{{p}}}" for p in self.placeholders)
                raise RuleKeyError(
                    "message", f"unknown placeholder {{{name}}}.{hint} This kind offers {known}."
                )

    @model_validator(mode="after")
    def _valid_against_model(self) -> Self:
        self.validate_against_model()
        return self


class TableRule(RuleBase):
    """A rule on the records of one table."""

    table: str
    where: dict[str, Scalar | list[Scalar]] = Field(default_factory=dict)
    owner: str | None = None

    @property
    def definition(self) -> Table:
        return CANONICAL[self.table]

    def checked_tables(self) -> tuple[str, ...]:
        return (self.table,)

    def owner_for(self, table: str) -> tuple[str, ...] | None:
        return owner_path(table, self.owner) if self.owner else default_owner(table)

    def validate_against_model(self) -> None:
        super().validate_against_model()
        definition = canonical_table(self.table)
        for name, wanted in self.where.items():
            column = column_of(definition, name, "where")
            values = wanted if isinstance(wanted, list) else [wanted]
            allowed = _WHERE_TYPES[column.type]
            for value in values:
                fits = isinstance(value, allowed) and (
                    bool in allowed or not isinstance(value, bool)
                )
                if value is not None and not fits:
                    raise RuleKeyError(
                        "where",
                        f"{self.table}.{name} is {column.type}; {value!r} cannot be compared "
                        "with it. Write the value as the column holds it.",
                    )
        if self.owner is not None:
            try:
                owner_path(self.table, self.owner)
            except OwnerPathError as error:
                raise RuleKeyError("owner", str(error)) from None

    def filter(self, frame: ibis.Table) -> ir.BooleanValue | None:
        """Which records of ``frame`` this rule checks (None: all)."""
        return where_expr(frame, self.where)


class FieldsRule(TableRule):
    """A rule testing each of ``fields`` of a table on its own."""

    field_types: ClassVar[tuple[str, ...] | None] = (STRING,)

    fields: tuple[str, ...] = ()

    def validate_against_model(self) -> None:
        super().validate_against_model()
        if not self.checked_fields():
            raise RuleKeyError("fields", "name at least one field to check.")
        for name in self.fields:
            column_of(self.definition, name, "fields", self.field_types)

    def checked_fields(self) -> tuple[str, ...]:
        """The fields checked: ``fields`` unless a kind knows better."""
        return self.fields

    def checks(self, ctx: Context) -> list[Check]:
        frame = ctx.table(self.table)
        return [
            Check(
                self.table,
                name,
                frame,
                self.is_bad(frame, name, ctx),
                render(
                    self.text,
                    table=self.table,
                    field=name,
                    value=frame[name],
                    **self.parts(frame, name, ctx),
                ),
                self.filter(frame),
            )
            for name in self.checked_fields()
        ]

    def is_bad(self, frame: ibis.Table, field: str, ctx: Context) -> ir.BooleanValue:
        """Whether ``frame[field]`` fails the rule."""
        raise NotImplementedError

    def parts(self, frame: ibis.Table, field: str, ctx: Context) -> dict[str, Any]:
        """Message placeholders beyond table, field and value."""
        return {}


def canonical_table(name: str) -> Table:
    """The canonical table ``name``; RuleKeyError("table") with a suggestion otherwise.

    >>> canonical_table("leads").primary_key
    ('lead_id',)
    """
    if name not in CANONICAL:
        hint = did_you_mean(name, CANONICAL)
        raise RuleKeyError("table", f"the model has no table `{name}`.{hint}")
    return CANONICAL[name]


def column_of(
    definition: Table, name: str, key: str, types: tuple[str, ...] | None = None
) -> Column:
    """Column ``name`` of ``definition``; RuleKeyError(``key``) if missing or of a wrong type.

    >>> try:
    ...     column_of(CANONICAL["accounts"], "domian", "fields")
    ... except RuleKeyError as error:
    ...     print(error.key, "|", error)
    fields | table `accounts` has no column `domian`. Did you mean `domain`?
    """
    if name not in definition.column_names:
        hint = did_you_mean(name, definition.column_names)
        raise RuleKeyError(key, f"table `{definition.name}` has no column `{name}`.{hint}")
    column = definition.column(name)
    if types is not None and column.type not in types:
        raise RuleKeyError(
            key,
            f"{definition.name}.{name} is {column.type}, but this kind checks "
            f"{' or '.join(types)} columns.",
        )
    return column


def is_blank(value: ir.Value) -> ir.BooleanValue:
    """A text value that is empty or only whitespace (False for other types and nulls).

    >>> t = ibis.memtable({"v": ["a", " ", None]})
    >>> ibis.duckdb.connect().execute(t.select(b=is_blank(t.v))).b.tolist()
    [False, True, False]
    """
    if not value.type().is_string():
        return ibis.literal(False)
    blank: ir.BooleanValue = value.strip() == ""
    return blank.fill_null(False)
