"""Numbers, money and dates as the reader's locale writes them (Babel).

The locale is ``?locale=`` when it names a supported locale, else the best match of the
browser's ``Accept-Language`` among ``SUPPORTED_LOCALES``, else ``[server] locale``.
``Formatter`` formats a metric's value by its unit; ``js_config`` hands the same locale,
currency and unit names to ``app.js`` so chart axes and tooltips read the same way.

>>> fmt = Formatter("de_DE", "EUR")
>>> fmt.value(1234567.891, "money"), fmt.value(0.4567, "ratio"), fmt.value(None, "count")
('1.234.568\\xa0€', '45,7\\xa0%', '—')
>>> choose_locale(None, "fr-CH, fr;q=0.9, en;q=0.8", "en_US")
'fr_FR'
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.dates import format_date, format_datetime
from babel.numbers import (
    format_compact_currency,
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
)
from babel.units import format_unit

SUPPORTED_LOCALES = (
    "en_US",
    "en_GB",
    "de_DE",
    "fr_FR",
    "es_ES",
    "it_IT",
    "nl_NL",
    "pt_BR",
    "sv_SE",
    "ja_JP",
)
UNDEFINED = "—"
_DURATIONS = {"days": "duration-day", "hours": "duration-hour", "months": "duration-month"}


def parse_accept_language(header: str) -> list[str]:
    """The languages of an ``Accept-Language`` header, most wanted first.

    >>> parse_accept_language("de-DE,de;q=0.9,en;q=0.8,*;q=0.1")
    ['de_DE', 'de', 'en']
    """
    wanted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            wanted.append((-quality, index, tag.replace("-", "_")))
    return [tag for _, _, tag in sorted(wanted)]


def choose_locale(asked: str | None, accept_language: str | None, default: str) -> str:
    """The locale to format with: ``asked`` if supported, else the browser's best
    supported match, else ``default``."""
    if asked and asked.replace("-", "_") in SUPPORTED_LOCALES:
        return asked.replace("-", "_")
    if accept_language:
        found = negotiate_locale(parse_accept_language(accept_language), SUPPORTED_LOCALES)
        if found:
            return found
    return default if _known(default) else "en_US"


def locale_name(locale: str) -> str:
    """A locale's own name for itself: ``Deutsch (Deutschland)``.

    >>> locale_name("fr_FR")
    'français (France)'
    """
    return str(Locale.parse(locale).get_display_name(locale))


@lru_cache(maxsize=64)
def _known(name: str) -> bool:
    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


@lru_cache(maxsize=64)
def _whole_money_pattern(locale: str) -> str:
    """The locale's currency pattern without decimals: ``#,##0 ¤`` for de_DE."""
    pattern = str(Locale.parse(locale).currency_formats["standard"].pattern)
    return pattern.split(";")[0].replace(".00", "")


@lru_cache(maxsize=64)
def _percent_pattern(locale: str, digits: int) -> str:
    """The locale's percent pattern with ``digits`` decimals: ``#,##0.0 %`` for de_DE."""
    pattern = str(Locale.parse(locale).percent_formats[None].pattern).split(";")[0]
    return pattern.replace("#,##0", "#,##0." + "0" * digits, 1) if digits else pattern


def _undefined(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class Formatter:
    """Formats values for one locale and currency."""

    locale: str
    currency: str

    @property
    def tag(self) -> str:
        """The BCP 47 tag browsers use: ``de-DE``."""
        return self.locale.replace("_", "-")

    def money(self, value: float | None, *, compact: bool = False) -> str:
        """Whole currency units (``$1,234,568``), or compact (``$1.2M``)."""
        if _undefined(value):
            return UNDEFINED
        assert value is not None
        if compact:
            return format_compact_currency(
                value, self.currency, locale=self.locale, fraction_digits=1
            )
        return format_currency(
            round(value),
            self.currency,
            format=_whole_money_pattern(self.locale),
            locale=self.locale,
            currency_digits=False,
        )

    def number(self, value: float | None, digits: int = 0, *, compact: bool = False) -> str:
        """A number with the locale's separators and ``digits`` decimals."""
        if _undefined(value):
            return UNDEFINED
        assert value is not None
        if compact:
            return format_compact_decimal(value, locale=self.locale, fraction_digits=1)
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, value: float | None, digits: int = 1, *, signed: bool = False) -> str:
        """A ratio as a percentage: 0.4567 → ``45.7%``; ``signed`` adds a plus sign."""
        if _undefined(value):
            return UNDEFINED
        assert value is not None
        text = format_percent(
            value, format=_percent_pattern(self.locale, digits), locale=self.locale
        )
        return f"+{text}" if signed and value > 0 else text

    def value(self, value: float | None, unit: str, *, compact: bool = False) -> str:
        """``value`` in a metric's ``unit`` (money, ratio, count, days, multiple, ...)."""
        if _undefined(value):
            return UNDEFINED
        assert value is not None
        if unit == "money":
            return self.money(value, compact=compact)
        if unit == "money_per_day":
            return self.money(value, compact=compact) + "/" + self._day()
        if unit == "ratio":
            return self.percent(value)
        if unit == "count":
            return self.number(value, compact=compact and abs(value) >= 10_000)
        if unit in _DURATIONS:
            return self._duration(value, _DURATIONS[unit])
        if unit == "multiple":
            return self.number(value, 2) + "×"
        return self.number(value, 1)

    def _duration(self, value: float, unit: str) -> str:
        text = format_unit(value, unit, length="long", format="#,##0.0", locale=self.locale)
        if unit in text:  # Babel lacks some locales' long names and prints the unit's id
            text = format_unit(value, unit, length="short", format="#,##0.0", locale=self.locale)
        return str(text)

    def _day(self) -> str:
        text = format_unit(1, "duration-day", length="short", locale=self.locale)
        return text.replace("1", "").strip()

    def date(self, value: dt.date | None) -> str:
        """A date in the locale's medium form: ``Jun 30, 2026`` / ``30.06.2026``."""
        return UNDEFINED if value is None else format_date(value, "medium", locale=self.locale)

    def period(self, start: dt.date, grain: str) -> str:
        """A period by its first day: ``Jun 2026`` (month), ``Q2 2026`` (quarter)."""
        if grain == "quarter":
            return format_date(start, "QQQ yyyy", locale=self.locale)
        if grain == "year":
            return format_date(start, "yyyy", locale=self.locale)
        if grain == "month":
            return format_date(start, "LLL yyyy", locale=self.locale)
        return self.date(start)

    def cell(self, value: Any, unit: str) -> str:
        """A table cell: dates, datetimes and metric units formatted, text as it is.

        >>> Formatter("en_US", "USD").cell(1200.0, "money")
        '$1,200'
        """
        if value is None or value == "":
            return UNDEFINED if unit != "text" else ""
        if isinstance(value, dt.datetime):
            return format_datetime(value, "medium", locale=self.locale)
        if isinstance(value, dt.date):
            return self.date(value)
        if unit in ("text", "date") or isinstance(value, str | bool):
            return str(value)
        return self.value(float(value), unit)

    def unit_label(self, unit: str) -> str:
        """How a chart names its unit: ``USD``, ``%``, ``days``."""
        labels = {
            "money": self.currency,
            "money_per_day": f"{self.currency}/{self._day()}",
            "ratio": "%",
            "multiple": "×",
        }
        return labels.get(unit, unit)

    def language(self) -> str:
        """The locale's own name for itself: ``Deutsch (Deutschland)``."""
        return locale_name(self.locale)

    def js_config(self) -> dict[str, Any]:
        """What ``app.js`` needs to format as the page does."""
        return {"locale": self.tag, "currency": self.currency, "day": self._day()}
