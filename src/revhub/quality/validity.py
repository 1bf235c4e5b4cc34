"""Validity: values that are there but cannot be right.

Email syntax, ISO country and currency codes, phone numbers, bare web domains, dates in
a sane range, placeholder text ("Test", "asdf", "n/a"), blank text and any regular
expression. Nulls and blank text are left to completeness and ``blank``: every other
kind judges only values that are present, so a problem is reported once.

>>> Phone(kind="phone", table="accounts").min_digits
8
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar, Literal

import ibis
import ibis.expr.types as ir

from revhub.model.schema import DATE, STRING, TIMESTAMP
from revhub.quality.base import Dimension, FieldsRule, RuleKeyError, is_blank
from revhub.quality.checks import Context
from revhub.quality.iso import COUNTRY_CODES, CURRENCY_CODES

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$"
DOMAIN = r"(?i)^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$"
PHONE_CHARACTERS = r"^[0-9+().\s-]+$"
_NOT_RE2 = re.compile(r"\(\?<?[=!]|\\[1-9]")  # lookarounds, backreferences
PLACEHOLDERS = ("test", "asdf", "x", "xx", "xxx", "n/a", "na", "none", "null", "-", "?", "tbd")


class ValueRule(FieldsRule):
    """A validity rule judging each present (non-null, non-blank) value on its own."""

    dimension: ClassVar[Dimension] = "validity"

    def is_bad(self, frame: ibis.Table, field: str, ctx: Context) -> ir.BooleanValue:
        value = frame[field]
        return value.notnull() & ~is_blank(value) & self.invalid(value, ctx)

    def invalid(self, value: Any, ctx: Context) -> ir.BooleanValue:
        """Whether a present value is invalid."""
        raise NotImplementedError


class Email(ValueRule):
    """Email addresses: one @, something before it, a dotted domain after it."""

    kind: Literal["email"]
    template: ClassVar[str] = "{field} '{value}' is not a valid email address"
    fields: tuple[str, ...] = ("email",)

    def invalid(self, value: Any, ctx: Context) -> ir.BooleanValue:
        return ~value.re_search(EMAIL)


class CountryCode(ValueRule):
    """Countries as ISO 3166-1 alpha-2 codes ("DE", not "Germany" or "de")."""

    kind: Literal["country_code"]
    template: ClassVar[str] = "{field} '{value}' is not an ISO 3166-1 alpha-2 country code"
    fields: tuple[str, ...] = ("country",)
    also_allow: tuple[str, ...] = ()

    def invalid(self, value: Any, ctx: Context) -> ir.BooleanValue:
        return ~value.isin(sorted(COUNTRY_CODES | set(self.also_allow)))


class CurrencyCode(ValueRule):
    """Currencies as ISO 4217 codes ("EUR", not "€" or "Euro")."""

    kind: Literal["currency_code"]
    template: ClassVar[str] = "{field} '{value}' is not an ISO 4217 currency code"
    fields: tuple[str, ...] = ("currency",)
    also_allow: tuple[str, ...] = ()

    def invalid(self, value: Any, ctx: Context) -> ir.BooleanValue:
        return ~value.isin(sorted(CURRENCY_CODES | set(self.also_allow)))


class Phone(ValueRule):
    """Phone numbers: digits and + ( ) . - spaces only, ``min_digits``–``max_digits`` digits,
    not one digit repeated (000-000-0000)."""

    kind: Literal["phone"]
    template: ClassVar[str] = "{field} '{value}' is not a phone number"
    fields: tuple[str, ...] = ("phone",)
    min_digits: int = 8
    max_digits: int = 15

    def invalid(self, value: Any, ctx: Context) -> ir.BooleanValue:
        digits = value.re_replace(r"[^0-9]", "")
        count = digits.length()
        repeated = digits == digits.substr(0, 1).repeat(count)
        return (
            ~value.re_search(PHONE_CHARACTERS)
            | (count < self.min_digits)
            | (count > self.max_digits)
            | repeated
        )

    def validate_against_model(self) -> None:
        super().validate_against_model()
        if not 1 <= self.min_digits <= self.max_digits:
            raise RuleKeyError("min_digits", "must be at least 1 and at most max_digits.")


class Domain(ValueRule):
    """Web domains written bare ("acme.com"), not as a URL or with "www."."""

    kind: Literal["domain"]
    template: ClassVar[str] = "{field} '{value}' is not a bare web domain (like acme.com)"
    fields: tuple[str, ...] = ("domain",)

    def invalid(self, value: Any, ctx: Context) -> ir.BooleanValue:
        return ~value.re_search(DOMAIN) | value.lower().startswith("www.")


class DateRange(ValueRule):
    """Dates from ``earliest`` up to ``years_ahead`` years after the as-of day."""

    kind: Literal["date_range"]
    template: ClassVar[str] = "{field} {value} is outside {earliest} to {latest}"
    placeholders: ClassVar[tuple[str, ...]] = ("table", "field", "value", "earliest", "latest")
    field_types: ClassVar[tuple[str, ...] | None] = (DATE, TIMESTAMP)
    earliest: dt.date = dt.date(2000, 1, 1)
    years_ahead: int = 5

    def invalid(self, value: Any, ctx: Context) -> ir.BooleanValue:
        day = value.date() if value.type().is_timestamp() else value
        return (day < self.earliest) | (day > _years_after(ctx.as_of, self.years_ahead))

    def parts(self, frame: ibis.Table, field: str, ctx: Context) -> dict[str, Any]:
        return {"earliest": self.earliest, "latest": _years_after(ctx.as_of, self.years_ahead)}


class Placeholder(ValueRule):
    """Text that stands in for a value: "Test", "asdf", "n/a" (any case, spaces ignored)."""

    kind: Literal["placeholder"]
    template: ClassVar[str] = "{field} '{value}' is a placeholder, not a real value"
    values: tuple[str, ...] = PLACEHOLDERS

    def invalid(self, value: Any, ctx: Context) -> ir.BooleanValue:
        return value.strip().lower().isin(sorted({v.strip().lower() for v in self.values}))


class Blank(FieldsRule):
    """Text that is empty or only spaces: a value to fill in, or a null to write.

    Without ``fields``: every free-text column (text that is no key, reference, lineage
    or closed list of values).
    """

    kind: Literal["blank"]
    dimension: ClassVar[Dimension] = "validity"
    template: ClassVar[str] = "{field} is blank text"

    def checked_fields(self) -> tuple[str, ...]:
        if self.fields:
            return self.fields
        keys = set(self.definition.primary_key) | {"source", "source_id"}
        return tuple(
            c.name
            for c in self.definition.columns
            if c.type == STRING and c.values is None and c.references is None and c.name not in keys
        )

    def is_bad(self, frame: ibis.Table, field: str, ctx: Context) -> ir.BooleanValue:
        return is_blank(frame[field])


class Pattern(ValueRule):
    """Values that must match a regular expression (RE2 syntax, searched, so anchor it)."""

    kind: Literal["pattern"]
    template: ClassVar[str] = "{field} '{value}' does not match {regex}"
    placeholders: ClassVar[tuple[str, ...]] = ("table", "field", "value", "regex")
    field_types: ClassVar[tuple[str, ...] | None] = (STRING,)
    regex: str

    def invalid(self, value: Any, ctx: Context) -> ir.BooleanValue:
        return ~value.re_search(self.regex)

    def parts(self, frame: ibis.Table, field: str, ctx: Context) -> dict[str, Any]:
        return {"regex": self.regex}

    def validate_against_model(self) -> None:
        super().validate_against_model()
        try:
            re.compile(self.regex)
        except re.error as error:
            message = f"`{self.regex}` is not a regular expression: {error}."
            raise RuleKeyError("regex", message) from error
        if _NOT_RE2.search(self.regex):
            raise RuleKeyError(
                "regex",
                f"`{self.regex}` uses lookaround or a backreference, which the engine's "
                "regular expressions (RE2) do not support. Rewrite it without them.",
            )


def _years_after(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (28 February for 29 February).

    >>> _years_after(dt.date(2024, 2, 29), 5)
    datetime.date(2029, 2, 28)
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
