"""The ad-spend connector: Google Ads, LinkedIn Ads and Meta Ads exports, told by header.

Golden cases are report files as the platforms export them — title lines above the
header, totals below, thousands separators — and the monthly rows expected.
"""

# Report golden text keeps one report row per line, however long.
# ruff: noqa: E501

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from revhub.config import SourceSettings
from revhub.errors import DataError
from revhub.sources.ads import AdSpendSource
from revhub.sources.base import Batch
from revhub.sources.registry import connector_class

GOOGLE_UI = """\
Campaign performance report
"July 1, 2024 - August 31, 2024"
Day,Campaign,Campaign ID,Campaign type,Currency code,Cost,Clicks,Impressions
2024-07-01,Brand,111,Search,USD,"1,200.50",300,9000
2024-07-02,Brand,111,Search,USD,--,0,0
2024-07-31,Brand,111,Search,USD,99.50,20,800
2024-08-01,Brand,111,Search,USD,10.00,3,90
Total: Account,,,,USD,"1,310.00",323,9890
"""
GOOGLE_API = """\
segments.date,campaign.id,campaign.name,customer.currency_code,metrics.cost_micros
2024-07-01,222,Generic,EUR,12500000
2024-07-02,222,Generic,EUR,2500000
"""
LINKEDIN = """\
Campaign Performance Report (in UTC)
Report Start: 7/1/2024, 12:00 AM
Report End: 7/31/2024, 11:59 PM

Start Date (in UTC),Account Name,Campaign Group Name,Campaign Name,Campaign ID,Campaign Type,Total Spent,Currency,Impressions,Clicks
7/1/2024,Acme,Always on,ABM Q3,333,Sponsored Content,40.25,GBP,1000,9
7/2/2024,Acme,Always on,ABM Q3,333,Sponsored Content,9.75,GBP,200,2
"""
META = """\
Reporting starts,Reporting ends,Campaign name,Amount spent (USD),Impressions,Reach
2024-07-01,2024-07-01,Retargeting,5.5,100,90
2024-07-02,2024-07-02,Retargeting,4.5,100,90
"""
CLICKS = """\
Click performance report
Google Click ID,Day,Campaign,Campaign ID,Ad group
Cj0KCQjwAAA,2024-07-01,Brand,111,Ad group 1
Cj0KCQjwBBB,2024-07-02,Brand,111,Ad group 1
"""


def run(folder: Path, files: dict[str, str | bytes]) -> dict[str, Batch]:
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    source = AdSpendSource("ads", SourceSettings(kind="ads", path="."), folder)
    return {batch.table: batch for batch in source.batches()}


def rows(batch: Batch, *columns: str) -> list[dict[str, Any]]:
    return [{c: row[c] for c in columns} for row in batch.rows.to_pylist()]


SPEND = ("spend_id", "month", "channel", "campaign_id", "currency", "amount")


def test_registry_finds_the_connector() -> None:
    assert connector_class("ads") is AdSpendSource


def test_google_ads_report_with_title_totals_and_separators(tmp_path: Path) -> None:
    batches = run(tmp_path, {"google.csv": GOOGLE_UI})
    spend = batches["marketing_spend"]
    assert rows(spend, *SPEND, "created_at", "updated_at", "_origin") == [
        {
            "spend_id": "ads:google_ads:111:2024-07",
            "month": "2024-07-01",
            "channel": "paid_search",
            "campaign_id": "ads:google_ads:111",
            "currency": "USD",
            "amount": "1300.00",
            "created_at": "2024-07-01",
            "updated_at": "2024-07-31",
            "_origin": "google.csv:4 and 2 more rows",
        },
        {
            "spend_id": "ads:google_ads:111:2024-08",
            "month": "2024-08-01",
            "channel": "paid_search",
            "campaign_id": "ads:google_ads:111",
            "currency": "USD",
            "amount": "10.00",
            "created_at": "2024-08-01",
            "updated_at": "2024-08-01",
            "_origin": "google.csv:7",
        },
    ]
    assert rows(batches["campaigns"], "campaign_id", "name", "campaign_type", "channel",
                "start_date", "currency") == [
        {"campaign_id": "ads:google_ads:111", "name": "Brand", "campaign_type": "paid_search",
         "channel": "paid_search", "start_date": "2024-07-01", "currency": "USD"}
    ]  # fmt: skip
    assert not spend.rejected


def test_google_ads_api_report_in_micros(tmp_path: Path) -> None:
    spend = run(tmp_path, {"gaql.csv": GOOGLE_API})["marketing_spend"]
    assert rows(spend, "campaign_id", "currency", "amount") == [
        {"campaign_id": "ads:google_ads:222", "currency": "EUR", "amount": "15.00"}
    ]


def test_linkedin_and_meta_exports(tmp_path: Path) -> None:
    spend = run(tmp_path, {"linkedin.csv": LINKEDIN, "meta.csv": META})["marketing_spend"]
    assert rows(spend, *SPEND) == [
        {"spend_id": "ads:linkedin:333:2024-07", "month": "2024-07-01", "channel": "paid_social",
         "campaign_id": "ads:linkedin:333", "currency": "GBP", "amount": "50.00"},
        {"spend_id": "ads:meta:Retargeting:2024-07", "month": "2024-07-01",
         "channel": "paid_social", "campaign_id": None, "currency": "USD", "amount": "10.0"},
    ]  # fmt: skip


def test_utf16_tab_separated_google_export(tmp_path: Path) -> None:
    text = "Day\tCampaign\tCampaign ID\tCurrency code\tCost\n2024-07-01\tBrand\t111\tUSD\t2.00\n"
    spend = run(tmp_path, {"google.csv": text.encode("utf-16")})["marketing_spend"]
    assert rows(spend, "amount", "_origin") == [{"amount": "2.00", "_origin": "google.csv:2"}]


def test_overlapping_exports_count_each_day_once_from_the_later_file(tmp_path: Path) -> None:
    header = "Day,Campaign,Campaign ID,Currency code,Cost\n"
    batches = run(tmp_path, {
        "2024-07-a.csv": header + "2024-07-01,Brand,111,USD,5\n2024-07-02,Brand,111,USD,5\n",
        "2024-07-b.csv": header + "2024-07-02,Brand,111,USD,7\n2024-07-03,Brand,111,USD,1\n",
    })  # fmt: skip
    assert rows(batches["marketing_spend"], "amount") == [{"amount": "13"}]


def test_unreadable_rows_are_rejected_and_unknown_files_noted(tmp_path: Path) -> None:
    header = "Day,Campaign,Campaign ID,Currency code,Cost\n"
    batches = run(tmp_path, {
        "google.csv": header + "someday,Brand,111,USD,5\n2024-07-02,Brand,111,USD,lots\n"
                      "2024-07-03,Brand,111,USD,1\n",
        "notes.csv": "name,value\na,b\n",
    })  # fmt: skip
    spend = batches["marketing_spend"]
    assert rows(spend, "amount") == [{"amount": "1"}]
    assert [(r.origin, r.reason) for r in spend.rejected] == [
        ("google.csv:2", "cannot read the day of this google_ads report row"),
        ("google.csv:3", "cannot read the amount of this google_ads report row"),
    ]
    assert spend.notes == ("notes.csv: not an ad report this connector knows; skipped",)


def test_google_click_report_gives_ad_clicks(tmp_path: Path) -> None:
    batches = run(tmp_path, {"clicks.csv": CLICKS, "google.csv": GOOGLE_UI})
    assert rows(batches["touchpoints"], "touchpoint_id", "touchpoint_type", "occurred_at",
                "channel", "campaign_id", "utm_source", "utm_medium", "_origin")[0] == {
        "touchpoint_id": "ads:google_ads:Cj0KCQjwAAA", "touchpoint_type": "ad_click",
        "occurred_at": "2024-07-01", "channel": "paid_search",
        "campaign_id": "ads:google_ads:111", "utm_source": "google", "utm_medium": "cpc",
        "_origin": "clicks.csv:3"}  # fmt: skip


def test_an_empty_directory_is_explained(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"no ad reports \(\*\.csv\) found"):
        run(tmp_path, {})
