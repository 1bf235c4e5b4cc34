"""Stripe amounts: integers in the currency's minor unit, turned into decimal major units.

Stripe writes every amount as an integer count of the currency's smallest unit: 1250 is
12.50 USD. Zero-decimal currencies (JPY, KRW, CLP, ...) have no minor unit, so 500 is
500 JPY; three-decimal currencies (BHD, KWD, ...) count thousandths. Some currencies
that became whole-unit-only in practice stay two-decimal in the API "for backwards
compatibility": ISK (since April 2023), HUF and TWD amounts must be multiples of 100,
and 350000 is 3,500 ISK. Currency codes are lowercase in Stripe and upper case in
revhub.

Text that is not a number passes through unchanged, so ingestion quarantines the row
and names the value.

>>> import pyarrow as pa
>>> major(pa.array(["1250", "500", "350000", "5120", "n/a"]),
...       pa.array(["usd", "jpy", "isk", "kwd", "eur"])).to_pylist()
['12.50', '500.00', '3500.00', '5.12', 'n/a']
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pyarrow as pa
import pyarrow.compute as pc

# https://docs.stripe.com/currencies#zero-decimal
ZERO_DECIMAL = frozenset(
    {
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    }
)
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
_CENT = Decimal("0.01")


def exponent(currency: str | None) -> int:
    """Digits after the decimal point in Stripe's minor unit of ``currency``.

    >>> exponent("jpy"), exponent("ISK"), exponent("kwd"), exponent(None)
    (0, 2, 3, 2)
    """
    code = (currency or "").upper()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def to_minor(amount: Decimal | float | int, currency: str) -> int:
    """The Stripe integer for a major-unit ``amount`` in ``currency`` (what the API expects).

    >>> to_minor(Decimal("12.50"), "USD"), to_minor(500, "JPY"), to_minor(3500, "ISK")
    (1250, 500, 350000)
    """
    scaled = Decimal(str(amount)).scaleb(exponent(currency))
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def major(
    minor: pa.Array | pa.ChunkedArray, currency: pa.Array | pa.ChunkedArray, *, negate: bool = False
) -> pa.Array:
    """Minor-unit amounts (text or integers) as major-unit decimal text with two decimals.

    ``negate`` flips the sign (a discount taken off an invoice). Nulls stay null.

    >>> major(pa.array([2500, None]), pa.array(["gbp", "gbp"]), negate=True).to_pylist()
    ['-25.00', None]
    """
    values = _text(minor).to_pylist()
    codes = _text(currency).to_pylist()
    out: list[str | None] = []
    for value, code in zip(values, codes, strict=True):
        out.append(_major(value, code, negate))
    return pa.array(out, pa.string())


def currencies(codes: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Stripe's lowercase currency codes as ISO 4217 upper case.

    >>> currencies(pa.array(["usd", None])).to_pylist()
    ['USD', None]
    """
    return pc.utf8_upper(_text(codes))


def _major(value: str | None, currency: str | None, negate: bool) -> str | None:
    if value is None:
        return None
    try:
        amount = Decimal(value).scaleb(-exponent(currency))
    except InvalidOperation:
        return value
    if not amount.is_finite():
        return value
    if negate:
        amount = -amount
    return str(amount.quantize(_CENT, rounding=ROUND_HALF_UP))


def _text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return array if pa.types.is_string(array.type) else array.cast(pa.string())
