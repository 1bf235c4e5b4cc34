"""Values Stripe nests inside one field: ``metadata`` and lists of amounts.

Both shapes keep them as JSON text: ``{"salesforce_opportunity_id": "006…"}`` for
metadata, ``[{"amount": 2500, "discount": "di_1"}]`` for an invoice's discount or tax
amounts. Each function returns the values and how many texts were not JSON: those
read as empty, and the frame reports the count in its notes.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa


def metadata(texts: pa.Array, key: str) -> tuple[list[str | None], int]:
    """Per row, metadata value ``key`` (as text) or None; and the count of non-JSON texts.

    >>> metadata(pa.array(['{"crm_id": "006A"}', "{}", None, "oops"]), "crm_id")
    (['006A', None, None, None], 1)
    """
    out: list[str | None] = []
    loaded, unreadable = _load_all(texts)
    for value in loaded:
        found = value.get(key) if isinstance(value, dict) else None
        out.append(None if found in (None, "") else str(found))
    return out, unreadable


def amounts_sum(texts: pa.Array) -> tuple[list[int | None], int]:
    """Per row, the sum of ``amount`` over a JSON list of objects (None when empty); and
    the count of non-JSON texts.

    >>> amounts_sum(pa.array(['[{"amount": 2500}, {"amount": 100}]', "[]", None]))
    ([2600, None, None], 0)
    """
    out: list[int | None] = []
    loaded, unreadable = _load_all(texts)
    for items in loaded:
        amounts = [
            int(item["amount"])
            for item in (items if isinstance(items, list) else [])
            if isinstance(item, dict) and isinstance(item.get("amount"), int | float)
        ]
        out.append(sum(amounts) if amounts else None)
    return out, unreadable


def first_text(texts: pa.Array, *path: str) -> tuple[list[str | None], int]:
    """Per row, the value at ``path`` inside the first object of a JSON list (or None);
    and the count of non-JSON texts.

    >>> first_text(pa.array(['[{"tax_rate": {"display_name": "VAT"}}]']),
    ...            "tax_rate", "display_name")
    (['VAT'], 0)
    """
    out: list[str | None] = []
    loaded, unreadable = _load_all(texts)
    for items in loaded:
        value: Any = items[0] if isinstance(items, list) and items else None
        for step in path:
            value = value.get(step) if isinstance(value, dict) else None
        out.append(None if value is None else str(value))
    return out, unreadable


def _load_all(texts: pa.Array) -> tuple[list[Any], int]:
    """Each text parsed (None for empty or non-JSON text) and the count of non-JSON ones."""
    loaded: list[Any] = []
    unreadable = 0
    for text in texts.to_pylist():
        if text is None:
            loaded.append(None)
            continue
        try:
            loaded.append(json.loads(text))
        except json.JSONDecodeError:
            loaded.append(None)
            unreadable += 1
    return loaded, unreadable
