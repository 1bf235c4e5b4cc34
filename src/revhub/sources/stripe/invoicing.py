"""Stripe invoices and their lines.

Invoices: ``invoice_date`` is the day the invoice was created; ``tax`` is Stripe's
``tax`` (or the sum of ``total_taxes`` / ``total_tax_amounts`` in API versions
without it); ``subtotal`` is what the invoice charges before tax and after
discounts: ``total_excluding_tax``, else ``total`` − ``tax``. Stripe's own
``subtotal`` is before discounts, revhub's is after them (lines sum to it). The
service period comes from the subscription lines: Stripe's invoice
``period_start``/``period_end`` look back one period on a subscription invoice; they
are read only for invoices without such lines in the export.

Lines (``lines.data`` of an invoice, or ``invoice_line_item`` records):

- a ``subscription`` line is kind ``subscription``; an ``invoiceitem`` line is a
  ``one_off`` charge, or a ``discount`` when negative (a credit given as an item);
- Stripe takes discounts off each line (``discount_amounts``), so a line with a
  discount also gives a ``discount`` line ``<line id>:discount`` for minus that amount;
- Stripe adds tax on the invoice, not as a line, so an invoice with tax gives a
  ``tax`` line ``<invoice id>:tax``.

Lines, their discounts and the tax then sum to the invoice's total.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.base import source_key
from revhub.sources.stripe import amounts, times
from revhub.sources.stripe.customers import lineage
from revhub.sources.stripe.frame import SYNCED, Frame

ITEM_DETAILS = "parent_subscription_item_details_subscription_item"  # API 2025-03-31 on
PRICE_DETAILS = "pricing_price_details_price"
_KINDS = {
    "subscription": "subscription",
    "subscription_item_details": "subscription",
    "invoiceitem": "one_off",
    "invoice_item_details": "one_off",
}


def invoices(frame: Frame) -> pa.Table:
    """One ``invoices`` row per invoice.

    >>> from revhub.sources.stripe.frame import frame_of

    >>> rows = invoices(frame_of("invoice", [{"id": "in_1", "currency": "usd",
    ...     "total": "12000", "tax": "2000", "created": "1704067200"}]))
    >>> rows.select(["invoice_date", "subtotal", "tax", "total"]).to_pylist()
    [{'invoice_date': '2024-01-01', 'subtotal': '100.00', 'tax': '20.00', 'total': '120.00'}]
    """
    currency = frame.text("currency")
    tax = _tax(frame)
    subtotal = pc.coalesce(
        frame.text("total_excluding_tax", optional=True), _minus(frame.text("total"), tax)
    )
    start, end = _service_period(frame)
    return frame.table(
        {
            "invoice_id": frame.key("id"),
            "account_id": frame.key("customer_id"),
            "subscription_id": source_key(
                frame.source,
                pc.coalesce(
                    frame.text("subscription_id"),
                    frame.text("parent_subscription_details_subscription", optional=True),
                ),
            ),
            "number": frame.text("number"),
            "status": frame.text("status"),
            "invoice_date": times.dates(frame.text("created", "status_transitions_finalized_at")),
            "due_date": times.dates(frame.text("due_date")),
            "period_start": start,
            "period_end": end,
            "currency": amounts.currencies(currency),
            "subtotal": amounts.major(subtotal, currency),
            "tax": amounts.major(tax, currency),
            "total": amounts.major(frame.text("total"), currency),
            **lineage(frame),
        }
    )


def tax_lines(frame: Frame) -> pa.Table:
    """A ``tax`` line for each invoice (``frame``) with tax.

    >>> from revhub.sources.stripe.frame import frame_of

    >>> rows = tax_lines(frame_of("invoice", [{"id": "in_1", "currency": "usd", "tax": "2000"},
    ...                                        {"id": "in_2", "currency": "usd", "tax": "0"}]))
    >>> rows.select(["invoice_line_id", "kind", "description", "amount"]).to_pylist()
    [{'invoice_line_id': 'stripe:in_1:tax', 'kind': 'tax', 'description': 'Tax', 'amount': '20.00'}]
    """
    taxed = frame.where(pc.greater(pc.cast(_tax(frame), pa.int64(), safe=False), 0))
    ids = taxed.text("id")
    currency = taxed.text("currency")
    label = taxed.first("total_tax_amounts", "tax_rate", "display_name")
    nothing = pa.nulls(taxed.num_rows, pa.string())
    return _rows(
        taxed,
        line_id=pc.binary_join_element_wise(ids, ":tax", ""),
        invoice_id=ids,
        kind="tax",
        item=nothing,
        price=nothing,
        description=pc.fill_null(label, "Tax"),
        quantity=pa.array(["1"] * taxed.num_rows, pa.string()),
        period=_service_period(taxed),
        currency=currency,
        amount=amounts.major(_tax(taxed), currency),
        created=taxed.text("created"),
    )


def invoice_lines(frame: Frame) -> pa.Table:
    """The lines of invoices (``frame``: invoice_line_item), and a line per discount.

    >>> from revhub.sources.stripe.frame import frame_of

    >>> rows = invoice_lines(frame_of("invoice_line_item", [{"id": "il_1", "invoice_id": "in_1",
    ...     "type": "subscription", "amount": "10000", "currency": "usd",
    ...     "discount_amounts": '[{"amount": 2500, "discount": "di_1"}]'}]))
    >>> rows["invoice_line_id"].to_pylist(), rows["kind"].to_pylist(), rows["amount"].to_pylist()
    (['stripe:il_1', 'stripe:il_1:discount'], ['subscription', 'discount'], ['100.00', '-25.00'])
    """
    return pa.concat_tables([_own_lines(frame), _discount_lines(frame)])


def line_kinds(types: pa.Array, amount: pa.Array, item: pa.Array) -> pa.Array:
    """Line types as kinds: negative invoice items are discounts; lines without a type
    (some syncs) are subscription lines when they name a subscription item.

    >>> line_kinds(pa.array(["subscription", "invoiceitem", "invoiceitem", None]),
    ...            pa.array(["500", "-100", "100", "9"]), pa.array([None, None, None, "si_1"])
    ...            ).to_pylist()
    ['subscription', 'discount', 'one_off', 'subscription']
    """
    known = pc.take(pa.array(list(_KINDS.values())), pc.index_in(types, pa.array(list(_KINDS))))
    negative = pc.fill_null(pc.starts_with(amount, "-"), False)
    kinds = pc.if_else(pc.and_(pc.equal(known, "one_off"), negative), "discount", known)
    untyped = pc.if_else(pc.is_valid(item), "subscription", "one_off")
    return pc.coalesce(kinds, pc.if_else(pc.is_null(types), untyped, types))


def _own_lines(lines: Frame) -> pa.Table:
    amount = lines.text("amount")
    item = lines.text("subscription_item_id", ITEM_DETAILS)
    currency = _currency(lines)
    return _rows(
        lines,
        line_id=lines.text("id"),
        invoice_id=lines.text("invoice_id"),
        kind=line_kinds(lines.text("type", "parent_type"), amount, item),
        item=item,
        price=lines.text("price_id", "plan_id", PRICE_DETAILS),
        description=lines.text("description"),
        quantity=lines.text("quantity"),
        period=(times.dates(lines.text("period_start")), times.dates(lines.text("period_end"))),
        currency=currency,
        amount=amounts.major(amount, currency),
        created=lines.lookup(lines.text("invoice_id"), "invoice", "created"),
    )


def _discount_lines(lines: Frame) -> pa.Table:
    discounted = lines.where(pc.greater(lines.amounts("discount_amounts"), 0))
    n = discounted.num_rows
    currency = _currency(discounted)
    return _rows(
        discounted,
        line_id=pc.binary_join_element_wise(discounted.text("id"), ":discount", ""),
        invoice_id=discounted.text("invoice_id"),
        kind="discount",
        item=discounted.text("subscription_item_id", ITEM_DETAILS),
        price=discounted.text("price_id", "plan_id", PRICE_DETAILS),
        description=pa.array(["Discount"] * n, pa.string()),
        quantity=pa.array(["1"] * n, pa.string()),
        period=(
            times.dates(discounted.text("period_start")),
            times.dates(discounted.text("period_end")),
        ),
        currency=currency,
        amount=amounts.major(discounted.amounts("discount_amounts"), currency, negate=True),
        created=discounted.lookup(discounted.text("invoice_id"), "invoice", "created"),
    )


def _rows(
    frame: Frame,
    *,
    line_id: pa.Array,
    invoice_id: pa.Array,
    kind: pa.Array | str,
    item: pa.Array,
    price: pa.Array,
    description: pa.Array,
    quantity: pa.Array,
    period: tuple[pa.Array, pa.Array],
    currency: pa.Array,
    amount: pa.Array,
    created: pa.Array,
) -> pa.Table:
    """``invoice_lines`` rows over ``frame`` from native ids and values."""
    kinds = kind if isinstance(kind, pa.Array) else pa.array([kind] * len(line_id), pa.string())
    return frame.table(
        {
            "invoice_line_id": source_key(frame.source, line_id),
            "invoice_id": source_key(frame.source, invoice_id),
            "subscription_item_id": source_key(frame.source, item),
            "price_id": source_key(frame.source, price),
            "kind": kinds,
            "description": description,
            "quantity": quantity,
            "period_start": period[0],
            "period_end": period[1],
            "currency": amounts.currencies(currency),
            "amount": amount,
            "source_id": line_id,
            "created_at": times.timestamps(created),
            "updated_at": times.timestamps(frame.text(SYNCED, optional=True)),
        }
    )


def _currency(lines: Frame) -> pa.Array:
    """A line's currency, or its invoice's."""
    return pc.coalesce(
        lines.text("currency"), lines.lookup(lines.text("invoice_id"), "invoice", "currency")
    )


def _tax(frame: Frame) -> pa.Array:
    """Tax in minor units as text: ``tax``, else the sum of the tax amounts listed."""
    return pc.coalesce(
        frame.text("tax", optional=True),
        frame.amounts("total_taxes", optional=True).cast(pa.string()),
        frame.amounts("total_tax_amounts", optional=True).cast(pa.string()),
    )


def _minus(total: pa.Array, tax: pa.Array) -> pa.Array:
    """``total`` − ``tax`` in minor units, as text (text that is no integer unchanged)."""
    whole = pc.fill_null(pc.match_substring_regex(total, r"^-?[0-9]+$"), False)
    number = pc.if_else(whole, total, pa.scalar(None, pa.string())).cast(pa.int64())
    tax_number = pc.fill_null(pc.cast(tax, pa.int64(), safe=False), 0)
    return pc.if_else(whole, pc.subtract(number, tax_number).cast(pa.string()), total)


def _service_period(invoices: Frame) -> tuple[pa.Array, pa.Array]:
    """First and last day of the subscription lines of each invoice; Stripe's invoice
    period where the export holds no such line."""
    ids = invoices.text("id")
    starts = invoices.text("period_start")
    ends = invoices.text("period_end")
    lines = invoices.related("invoice_line_item")
    if lines is not None:
        kinds = line_kinds(
            pc.coalesce(lines.column("type"), lines.column("parent_type")),
            lines.column("amount"),
            pc.coalesce(
                lines.column("subscription_item_id"),
                lines.column("parent_subscription_item_details_subscription_item"),
            ),
        )
        billed = lines.where(pc.equal(kinds, "subscription"))
        periods = (
            pa.table(
                {
                    "invoice_id": billed.column("invoice_id"),
                    "start": times.moments(billed.column("period_start")),
                    "end": times.moments(billed.column("period_end")),
                }
            )
            .group_by("invoice_id")
            .aggregate([("start", "min"), ("end", "max")])
        )
        index = pc.index_in(ids, value_set=periods["invoice_id"])
        starts = pc.coalesce(pc.take(periods["start_min"], index).cast(pa.string()), starts)
        ends = pc.coalesce(pc.take(periods["end_max"], index).cast(pa.string()), ends)
    return times.dates(starts), times.dates(ends)
