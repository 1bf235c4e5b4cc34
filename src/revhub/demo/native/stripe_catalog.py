"""The catalogue of the demo's Stripe export: products, prices and coupons.

Prices are kept by demo price id, as the API writes them (a quarter is 3 months);
coupons by percent off, one per recurring discount the subscriptions carry.
"""

from __future__ import annotations

from collections.abc import Mapping

from revhub.demo.native.stripe_json import Record, minor, stripe_rows, unix


class Catalog:
    """Products, prices (by demo id, as the API writes them) and coupons (by percent)."""

    def __init__(self, rows: Mapping[str, list[Record]]) -> None:
        self.product_rows = stripe_rows(rows["products"])
        product = {p["product_id"]: p["source_id"] for p in self.product_rows}
        self.price = {p["price_id"]: _price(p, product) for p in stripe_rows(rows["prices"])}
        self.coupons: dict[float, Record] = {}
        for s in stripe_rows(rows["subscriptions"]):
            percent = round(float(s["discount_percent"] or 0) * 100, 2)
            if percent > 0 and percent not in self.coupons:
                self.coupons[percent] = {
                    "id": f"recurring-{percent:g}",
                    "object": "coupon",
                    "name": f"Recurring discount {percent:g}%",
                    "percent_off": percent,
                    "duration": "forever",
                    "valid": True,
                }

    def products(self) -> list[Record]:
        """The product objects, kind and family in metadata."""
        return [
            {
                "id": p["source_id"],
                "object": "product",
                "name": p["name"],
                "active": p["is_active"],
                "type": "service",
                "created": unix(p["created_at"]),
                "updated": unix(p["updated_at"]),
                "metadata": {"kind": p["kind"], "family": p["family"]},
            }
            for p in self.product_rows
        ]


def _price(price: Record, products: Mapping[str, str]) -> Record:
    """A price as the API writes it; a quarter is 3 months."""
    interval, count = price["billing_interval"], price["interval_count"] or 1
    if interval == "quarter":
        interval, count = "month", 3 * count
    amount = minor(price["unit_amount"], price["currency"])
    return {
        "id": price["source_id"],
        "object": "price",
        "active": price["is_active"],
        "currency": price["currency"].lower(),
        "product": products.get(price["product_id"]),
        "type": "one_time" if interval is None else "recurring",
        "recurring": None
        if interval is None
        else {"interval": interval, "interval_count": count, "usage_type": "licensed"},
        "unit_amount": amount,
        "unit_amount_decimal": str(amount),
        "billing_scheme": "per_unit",
        "created": unix(price["created_at"]),
        "livemode": True,
    }
