"""The GA4 connector: BigQuery export events in, one web_visit per session out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from revhub.config import SourceSettings
from revhub.errors import DataError
from revhub.sources.base import Batch
from revhub.sources.ga4 import GA4Source
from revhub.sources.registry import connector_class

T0 = 1_704_164_645_000_000  # 2024-01-02 03:04:05 UTC, in microseconds


def event(
    name: str,
    at: int = T0,
    pseudo: str = "111.222",
    session: int | None = 1,
    page: str = "https://x.com/",
    **fields: Any,
) -> dict[str, Any]:
    """One event as BigQuery's JSON export writes it (INT64 as text)."""
    params = [{"key": "page_location", "value": {"string_value": page}}]
    if session is not None:
        params.append({"key": "ga_session_id", "value": {"int_value": str(session)}})
    return {"event_date": "20240102", "event_timestamp": str(at), "event_name": name,
            "user_pseudo_id": pseudo, "event_params": params, **fields}  # fmt: skip


def cts(source: str | None, medium: str | None, **more: str) -> dict[str, Any]:
    return {"collected_traffic_source": {"manual_source": source, "manual_medium": medium, **more}}


def typed(event: dict[str, Any]) -> dict[str, Any]:
    """The event as the Parquet export types it: INT64 as integers."""
    params = []
    for param in event["event_params"]:
        value = param["value"]
        number = int(value["int_value"]) if "int_value" in value else None
        params.append(
            {
                "key": param["key"],
                "value": {"string_value": value.get("string_value"), "int_value": number},
            }
        )
    stamp = int(event["event_timestamp"])
    return {"user_id": None, **event, "event_timestamp": stamp, "event_params": params}


def run(folder: Path, files: dict[str, list[dict[str, Any]]]) -> list[Batch]:
    for name, events in files.items():
        (folder / name).write_text("".join(json.dumps(e) + "\n" for e in events))
    return list(GA4Source("ga4", SourceSettings(kind="ga4", path="."), folder).batches())


def visits(batches: list[Batch], *columns: str) -> list[dict[str, Any]]:
    return [{c: row[c] for c in columns} for b in batches for row in b.rows.to_pylist()]


def test_registry_finds_the_connector() -> None:
    assert connector_class("ga4") is GA4Source


def test_a_session_is_one_visit_from_its_first_event(tmp_path: Path) -> None:
    second = T0 + 30_000_000
    batches = run(tmp_path, {
        "events_20240102.jsonl": [
            event("session_start", **cts("google", "cpc", manual_campaign_name="brand",
                                         gclid="Cj0K")),
            event("page_view", **cts("google", "cpc")),
            event("page_view", at=second, page="https://x.com/pricing", user_id="501"),
            event("scroll", at=second),
        ],
    })  # fmt: skip
    assert visits(batches, "touchpoint_type", "occurred_at", "channel", "contact_id",
                  "utm_source", "utm_medium", "utm_campaign", "page_url", "_origin") == [
        {"touchpoint_type": "web_visit", "occurred_at": "2024-01-02 03:04:05",
         "channel": "paid_search", "contact_id": "hubspot:501", "utm_source": "google",
         "utm_medium": "cpc", "utm_campaign": "brand", "page_url": "https://x.com/",
         "_origin": "events_20240102.jsonl:1"}
    ]  # fmt: skip


def test_sessions_across_daily_files_and_events_without_a_session(tmp_path: Path) -> None:
    batches = run(tmp_path, {
        "events_20240102.jsonl": [event("session_start", session=9)],
        "events_20240103.jsonl": [event("page_view", at=T0 + 3_600_000_000, session=9),
                                  event("page_view", session=None, pseudo="333.444")],
    })  # fmt: skip
    assert visits(batches, "occurred_at", "_origin") == [
        {"occurred_at": "2024-01-02 03:04:05", "_origin": "events_20240102.jsonl:1"},
        {"occurred_at": "2024-01-02 03:04:05", "_origin": "events_20240103.jsonl:2"},
    ]
    assert batches[0].origin == "2 GA4 export files"


@pytest.mark.parametrize(
    ("fields", "channel"),
    [
        (cts("linkedin", "cpc"), "paid_social"),
        (cts("facebook", "paid_social"), "paid_social"),
        (cts(None, None, gclid="abc"), "paid_search"),
        (cts("bing", "ppc"), "paid_search"),
        (cts("google", "organic"), "organic_search"),
        (cts("newsletter", "email"), "email"),
        (cts("partnerstack", "affiliate"), "partner"),
        (cts("zoom", "webinar"), "webinar"),
        (cts("g2.com", "referral"), "referral"),
        (cts("(direct)", "(none)"), "direct"),
        ({}, "direct"),
    ],
)
def test_channel_from_source_medium_and_gclid(
    tmp_path: Path, fields: dict[str, Any], channel: str
) -> None:
    batches = run(tmp_path, {"events.jsonl": [event("page_view", **fields)]})
    assert visits(batches, "channel") == [{"channel": channel}]


def test_first_touch_traffic_source_only_for_exports_without_collected_source(
    tmp_path: Path,
) -> None:
    first_touch = {"traffic_source": {"source": "google", "medium": "organic", "name": "(organic)"}}
    (tmp_path / "old").mkdir()
    old = run(tmp_path / "old", {"events.jsonl": [event("page_view", **first_touch)]})
    assert visits(old, "channel", "utm_source", "utm_campaign") == [
        {"channel": "organic_search", "utm_source": "google", "utm_campaign": None}
    ]
    (tmp_path / "new").mkdir()
    direct = event("page_view", **first_touch, collected_traffic_source=None)
    new = run(tmp_path / "new", {"events.jsonl": [direct]})
    assert visits(new, "channel", "utm_source") == [{"channel": "direct", "utm_source": None}]


def test_user_ids_that_already_name_their_source_are_kept(tmp_path: Path) -> None:
    batches = run(tmp_path, {"events.jsonl": [
        event("page_view", pseudo="1", user_id="salesforce:00Q5e01"),
        event("page_view", pseudo="2", user_id="88"),
        event("page_view", pseudo="3"),
    ]})  # fmt: skip
    assert sorted(visits(batches, "contact_id"), key=str) == sorted(
        [{"contact_id": "salesforce:00Q5e01"}, {"contact_id": "hubspot:88"}, {"contact_id": None}],
        key=str,
    )


def test_parquet_export_gives_the_same_visits_as_json(tmp_path: Path) -> None:
    events = [event("session_start", **cts("google", "organic")),
              event("page_view", at=T0 + 1, pseudo="9", session=4, user_id="7")]  # fmt: skip
    from_json = run(tmp_path, {"events.jsonl": events})
    (tmp_path / "pq").mkdir()
    table = pa.Table.from_pylist([typed(e) for e in events])
    pq.write_table(table, tmp_path / "pq" / "events_20240102.parquet")
    from_parquet = list(GA4Source("ga4", SourceSettings(kind="ga4", path="pq"), tmp_path).batches())
    columns = ("touchpoint_id", "occurred_at", "channel", "contact_id", "page_url")
    assert visits(from_parquet, *columns) == visits(from_json, *columns)
    assert visits(from_parquet, "_origin")[0] == {"_origin": "events_20240102.parquet:row 1"}


def test_ids_are_stable_and_bad_lines_are_rejected(tmp_path: Path) -> None:
    good = event("page_view", at=T0)
    (tmp_path / "events.jsonl").write_text(json.dumps(good) + "\nnot json\n")
    first = run(tmp_path, {})
    second = run(tmp_path, {})
    assert visits(first, "touchpoint_id") == visits(second, "touchpoint_id")
    assert visits(first, "touchpoint_id")[0]["touchpoint_id"].startswith("ga4:")
    assert [r.origin for r in first[0].rejected] == ["events.jsonl:2"]


def test_an_unreadable_timestamp_stays_as_written_for_the_quarantine(tmp_path: Path) -> None:
    batches = run(tmp_path, {"events.jsonl": [event("page_view") | {"event_timestamp": "soon"}]})
    assert visits(batches, "occurred_at") == [{"occurred_at": "soon"}]


def test_a_directory_without_an_export_is_explained(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no GA4 export files"):
        run(tmp_path, {})
