"""The demo's web analytics and ad accounts, exported the way GA4Source and AdSpendSource read.

``write_marketing`` writes:

- ``ga4/events_YYYYMM.parquet``: the GA4 BigQuery export of the demo's ``ga4`` web
  visits (see ``marketing_ga4``), declared as source ``ga4``;
- ``ads/``, declared as source ``ads``: a Google Ads campaign performance report
  (``google_ads`` spend) and a LinkedIn Campaign Manager export (``linkedin_ads``
  spend), each with the title lines those tools put above the header, daily rows that
  split each demo month's amount over its days to the cent, and thousands separators
  in Google's costs; and a Google Ads click report (click_view: gclid, day, campaign)
  of the demo's paid-search ad clicks. Campaign ids are the platforms' own, derived
  from the demo campaign. The demo's ``google_ads`` ad clicks on LinkedIn
  (``paid_social``) are not in Google's click report: Google never saw them.

No account or person lives here, so there are no identity rows.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from revhub.demo.native.export import NativeExport
from revhub.demo.native.marketing_ga4 import hash_int, write_ga4

GOOGLE_HEADER = [
    "Day",
    "Campaign",
    "Campaign ID",
    "Campaign type",
    "Currency code",
    "Cost",
    "Clicks",
    "Impressions",
]
LINKEDIN_HEADER = [
    "Start Date (in UTC)",
    "Account Name",
    "Campaign Group Name",
    "Campaign Name",
    "Campaign ID",
    "Campaign Type",
    "Total Spent",
    "Currency",
    "Impressions",
    "Clicks",
]
CLICK_HEADER = ["Google Click ID", "Day", "Campaign", "Campaign ID", "Ad group"]
ACCOUNT = "Revhub Demo"


def write_marketing(tables: Mapping[str, pa.Table], out: Path) -> NativeExport:
    """Write ``out/ga4`` and ``out/ads`` from the canonical demo ``tables``."""
    write_ga4(tables, out / "ga4")
    ads = out / "ads"
    ads.mkdir(parents=True, exist_ok=True)
    names = dict(
        zip(
            tables["campaigns"]["campaign_id"].to_pylist(),
            tables["campaigns"]["name"].to_pylist(),
            strict=True,
        )
    )
    spend = tables["marketing_spend"]
    google = _rows_of(spend, "google_ads")
    linkedin = _rows_of(spend, "linkedin_ads")
    (ads / "google_ads_campaign_performance.csv").write_text(
        _google_report(google, names), encoding="utf-8"
    )
    (ads / "linkedin_campaign_performance.csv").write_text(
        _linkedin_report(linkedin, names), encoding="utf-8"
    )
    touchpoints = tables["touchpoints"]
    clicks = touchpoints.filter(
        pc.and_(
            pc.equal(touchpoints["source"], "google_ads"),
            pc.equal(touchpoints["channel"], "paid_search"),
        )
    ).sort_by("occurred_at")
    (ads / "google_ads_click_view.csv").write_text(
        _click_report(clicks.to_pylist(), names), encoding="utf-8"
    )
    export = NativeExport()
    export.add("ga4", {"kind": "ga4", "path": "ga4"})
    export.add("ads", {"kind": "ads", "path": "ads"})
    return export


def google_campaign_id(campaign_id: str) -> str:
    """The Google Ads id (11 digits) of a demo campaign.

    >>> len(google_campaign_id("cmp_0000009"))
    11
    """
    return str(10_000_000_000 + hash_int(f"google:{campaign_id}") % 89_999_999_999)


def linkedin_campaign_id(campaign_id: str) -> str:
    """The LinkedIn Campaign Manager id (9 digits) of a demo campaign.

    >>> linkedin_campaign_id("cmp_0000025") == linkedin_campaign_id("cmp_0000025")
    True
    """
    return str(100_000_000 + hash_int(f"linkedin:{campaign_id}") % 899_999_999)


def daily_amounts(month: dt.date, amount: Decimal) -> list[tuple[dt.date, Decimal]]:
    """``amount`` spread over the days of ``month``, to the cent, summing to ``amount``.

    >>> [str(a) for _, a in daily_amounts(dt.date(2024, 2, 1), Decimal("0.31"))][:3]
    ['0.02', '0.02', '0.01']
    """
    days = calendar.monthrange(month.year, month.month)[1]
    cents = int((amount * 100).to_integral_value())
    base, extra = divmod(cents, days)
    return [
        (month.replace(day=d + 1), Decimal(base + (1 if d < extra else 0)) / 100)
        for d in range(days)
    ]


def _google_report(rows: list[dict[str, Any]], names: Mapping[str, str]) -> str:
    lines: list[list[str]] = []
    total = Decimal(0)
    for row in rows:
        campaign = row["campaign_id"]
        for day, cost in daily_amounts(row["month"], row["amount"]):
            total += cost
            clicks = int(cost / Decimal("3.2"))
            lines.append(
                [
                    day.isoformat(),
                    names.get(campaign, campaign),
                    google_campaign_id(campaign),
                    "Search",
                    row["currency"],
                    f"{cost:,.2f}",
                    str(clicks),
                    str(clicks * 31),
                ]
            )
    title = ["Campaign performance report", _period(rows)]
    footer = [["Total: Account", "", "", "", "", f"{total:,.2f}", "", ""]]
    return _csv([[t] for t in title], [GOOGLE_HEADER], sorted(lines), footer)


def _linkedin_report(rows: list[dict[str, Any]], names: Mapping[str, str]) -> str:
    lines: list[list[str]] = []
    for row in rows:
        campaign = row["campaign_id"]
        for day, spent in daily_amounts(row["month"], row["amount"]):
            impressions = int(spent * 40)
            lines.append(
                [
                    f"{day.month}/{day.day}/{day.year}",
                    ACCOUNT,
                    "Always on",
                    names.get(campaign, campaign),
                    linkedin_campaign_id(campaign),
                    "Sponsored Content",
                    f"{spent:.2f}",
                    row["currency"],
                    str(impressions),
                    str(impressions // 90),
                ]
            )
    title = [["Campaign Performance Report (in UTC)"], [f"Report: {_period(rows)}"], []]
    return _csv(title, [LINKEDIN_HEADER], sorted(lines, key=lambda r: (r[4], r[0])), [])


def _click_report(clicks: list[dict[str, Any]], names: Mapping[str, str]) -> str:
    lines = []
    for click in clicks:
        campaign = click["campaign_id"]
        day = click["occurred_at"].date().isoformat()
        native = google_campaign_id(campaign) if campaign else ""
        gclid = f"Cj0KCQjw{hash_int(click['source_id']):x}"
        lines.append([gclid, day, names.get(campaign, ""), native, "Ad group 1"])
    return _csv([["Click performance report"]], [CLICK_HEADER], lines, [])


def _rows_of(spend: pa.Table, source: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = spend.filter(pc.equal(spend["source"], source)).to_pylist()
    return sorted(rows, key=lambda r: (r["month"], r["campaign_id"] or ""))


def _period(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    first, last = rows[0]["month"], rows[-1]["month"]
    end = last.replace(day=calendar.monthrange(last.year, last.month)[1])
    return f"{first:%B} {first.day}, {first.year} - {end:%B} {end.day}, {end.year}"


def _csv(*parts: list[list[str]]) -> str:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    for part in parts:
        writer.writerows(part)
    return text.getvalue()
