"""A company's recurring revenue on one day, as the ``mrr`` and ``arr`` metrics define it.

The same definition as ``revhub.metrics.mrr.item_mrr``, written as one SQL query so a
list page can ask it for a few companies at once: an item contributes, while in service,
``quantity × unit price in base currency × (1 − subscription discount) ÷ months per
billing period``; only recurring products with a billing interval count; service runs
from the latest of the item's start, its subscription's start and the day after the
trial, to the earliest of the item's end and the subscription's end (``ended_date``, or
the day cancellation was requested under ``churn_recognition = "cancellation"``). The
base-currency price follows ``fx_policy`` (the rate at the item's start, or the latest
rate known on the day). ARR is MRR × 12. So the ARR of a list's rows adds up to
``ws.metrics.compute("arr", grain="day", start=day, end=day)`` for the same day, as long
as every subscription's account exists (the metric also counts orphans).

>>> "in_service_from" in item_mrr_sql(MetricSettings(), day="$day")
True
"""

from __future__ import annotations

from revhub.metrics.settings import MetricSettings

FAR_FUTURE = "DATE '9999-12-31'"
_MONTHS = "CASE s.billing_interval WHEN 'quarter' THEN 3 WHEN 'year' THEN 12 ELSE 1 END"


def _subscription_end(settings: MetricSettings) -> str:
    ended = f"coalesce(s.ended_date, {FAR_FUTURE})"
    if settings.churn_recognition == "cancellation":
        cancelled = "CAST(s.canceled_at AS DATE)"
        return f"CASE WHEN {cancelled} < {ended} THEN {cancelled} ELSE {ended} END"
    return ended


def _unit_base(settings: MetricSettings, day: str) -> tuple[str, str]:
    """SQL of the unit price in base currency, and the join it needs (if any)."""
    if settings.fx_policy == "item_start":
        return "CAST(i.unit_amount_base AS DOUBLE)", ""
    latest = (
        "SELECT currency AS fx_currency, CAST(arg_max(rate, rate_date) AS DOUBLE) AS fx_rate "
        f"FROM fx_rates WHERE rate_date <= {day} GROUP BY currency"
    )
    return (
        "coalesce(CAST(i.unit_amount AS DOUBLE) * fx.fx_rate, CAST(i.unit_amount_base AS DOUBLE))",
        f"LEFT JOIN ({latest}) AS fx ON fx.fx_currency = i.currency",
    )


def item_mrr_sql(settings: MetricSettings, *, day: str) -> str:
    """SQL of every recurring subscription item: ``subscription_item_id``,
    ``subscription_id``, ``account_id`` (the record, not the company), ``product``,
    ``in_service_from`` (inclusive), ``in_service_to`` (exclusive) and ``mrr``. ``day``
    (SQL, e.g. a placeholder) is where the latest exchange rate is looked up."""
    unit_base, fx_join = _unit_base(settings, day)
    start = "greatest(i.start_date, s.start_date)"
    after_trial = "CAST(s.trial_end_date + INTERVAL 1 DAY AS DATE)"
    return f"""
        SELECT i.subscription_item_id, i.subscription_id, s.account_id,
               coalesce(pr.family, pr.name) AS plan, pr.name AS product,
               CASE WHEN s.trial_end_date IS NOT NULL AND {after_trial} > {start}
                    THEN {after_trial} ELSE {start} END AS in_service_from,
               least(coalesce(i.end_date, {FAR_FUTURE}), {_subscription_end(settings)})
                   AS in_service_to,
               CAST(i.quantity AS DOUBLE) * {unit_base}
                   * (1 - coalesce(s.discount_percent, 0.0))
                   / ({_MONTHS} * coalesce(p.interval_count, 1)) AS mrr
        FROM subscription_items AS i
        JOIN subscriptions AS s ON s.subscription_id = i.subscription_id
        JOIN prices AS p ON p.price_id = i.price_id
        JOIN products AS pr ON pr.product_id = p.product_id
        {fx_join}
        WHERE p.billing_interval IS NOT NULL AND pr.is_recurring"""


def company_mrr_sql(settings: MetricSettings, *, day: str, records: str) -> str:
    """SQL of ``(company_id, mrr)`` on ``day`` for the companies of ``records`` (SQL or a
    CTE name of ``(account_id, company_id)`` rows); only companies paying something."""
    items = item_mrr_sql(settings, day=day)
    return f"""
        SELECT r.company_id, sum(x.mrr) AS mrr
        FROM ({items}) AS x JOIN {records} AS r ON r.account_id = x.account_id
        WHERE x.in_service_from <= {day} AND x.in_service_to > {day}
        GROUP BY r.company_id"""
