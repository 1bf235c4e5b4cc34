"""Metric values as people read them: money with separators, ratios as percentages.

>>> format_value(1234567.891, "money", "USD")
'1,234,568 USD'
>>> format_value(0.4567, "ratio"), format_value(None, "ratio")
('45.7%', '—')
"""

from __future__ import annotations

import math

UNDEFINED = "—"


def format_value(value: float | None, unit: str, currency: str = "") -> str:
    """``value`` in ``unit`` (a metric's unit) as text; undefined values as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return UNDEFINED
    if unit == "money":
        return f"{value:,.0f} {currency}".rstrip()
    if unit == "money_per_day":
        return f"{value:,.0f} {currency}/day".replace(" /", "/")
    if unit == "ratio":
        return f"{value:.1%}"
    if unit == "count":
        return f"{value:,.0f}"
    if unit in ("days", "hours", "months"):
        return f"{value:,.1f} {unit}"
    if unit == "multiple":
        return f"{value:,.2f}×"
    return f"{value:,.1f}"
