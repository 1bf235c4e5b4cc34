"""The ad-spend connector: Google Ads, LinkedIn Ads and Meta Ads report exports.

An ads source is a directory of CSV reports (``*.csv``, ``*.tsv``, any mix of
platforms, read in name order); each file's platform is told by its header (see
``ads_platforms`` for the signatures). Reports are daily; revhub keeps spend per month:

- ``marketing_spend``: one row per platform, campaign, month and currency, the sum of
  its days. Key ``<source>:<platform>:<campaign id, else name>:<YYYY-MM>``; channel
  ``paid_search`` for Google Ads, ``paid_social`` for LinkedIn and Meta; created at
  its first day with spend, updated at its last. Two files holding the same campaign
  and day (overlapping exports) are not added up: the later file wins that day.
- ``campaigns``: one per campaign with an id — the ad platform's own campaign record
  (name, type and channel as above, started on its first day in the reports), so the
  spend's ``campaign_id`` (``<source>:<platform>:<id>``) is a key that exists. Reports
  without a campaign id column leave ``campaign_id`` empty.
- ``touchpoints``: one ``ad_click`` per row of a Google Ads click report (click_view:
  gclid, day, campaign), keyed by the gclid, at the start of its day (the report
  has no time), utm_source google / utm_medium cpc.

>>> import tempfile, pathlib
>>> from revhub.config import SourceSettings
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "linkedin.csv").write_text("Start Date (in UTC),Campaign Name,Campaign ID,"
...     "Total Spent,Currency\\n7/1/2024,Launch,9,10.50,EUR\\n7/2/2024,Launch,9,2,EUR\\n")
>>> batches = {b.table: b for b in AdSpendSource("ads", SourceSettings(kind="ads", path="."),
...     folder).batches()}
>>> batches["marketing_spend"].rows.select(["spend_id", "month", "campaign_id", "amount"]
...     ).to_pylist()
[{'spend_id': 'ads:linkedin:9:2024-07', 'month': '2024-07-01', 'campaign_id': 'ads:linkedin:9', \
'amount': '12.50'}]
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from revhub.errors import DataError
from revhub.sources.ads_platforms import DailyRow, Report, parse_report
from revhub.sources.base import ORIGIN, Batch, Rejected, Source

CHANNELS = {"google_ads": "paid_search", "linkedin": "paid_social", "meta": "paid_social"}
_PATTERNS = ("*.csv", "*.tsv")
_CLICK_COLUMNS = ["touchpoint_id", "touchpoint_type", "occurred_at", "channel", "campaign_id"]
_CLICK_COLUMNS += ["utm_source", "utm_medium"]


@dataclass(frozen=True)
class _Day:
    platform: str
    file: int  # position of the file in name order: later files win a day
    row: DailyRow

    @property
    def campaign(self) -> str:
        return self.row.campaign_id or self.row.campaign or "(no campaign)"


class AdSpendSource(Source):
    """Ad platform reports (see the module docstring)."""

    kind = "ads"

    def batches(self) -> Iterator[Batch]:
        """marketing_spend and campaigns from spend reports, touchpoints from click reports."""
        spend: list[_Day] = []
        clicks: list[DailyRow] = []
        rejected: list[Rejected] = []
        notes: list[str] = []
        files = self._files()
        for position, path in enumerate(files):
            report = self._report(path)
            if report is None:
                notes.append(f"{path.name}: not an ad report this connector knows; skipped")
                continue
            rejected += report.rejected
            if report.platform == "google_clicks":
                clicks += report.rows
            else:
                spend += [_Day(report.platform, position, row) for row in report.rows]
        origin = ", ".join(p.name for p in files)
        days = _latest_file_per_day(spend)
        spend_batch = _spend_rows(self.name, days)
        yield Batch(
            "marketing_spend", spend_batch, origin, rejected=tuple(rejected), notes=tuple(notes)
        )
        yield Batch("campaigns", _campaign_rows(self.name, days), origin)
        if clicks:
            yield Batch("touchpoints", _click_rows(self.name, clicks), origin)

    def _files(self) -> list[Path]:
        return self.find_files(_PATTERNS, "ad reports (*.csv)")

    def _report(self, path: Path) -> Report | None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DataError(f"{path}: cannot read the file: {error.strerror}.") from error
        encoding = self.settings.encoding
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        elif data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise DataError(
                f"{path}: cannot decode as {encoding}: {error}. Set the source's encoding."
            ) from error
        return parse_report(path.name, text)


def _spend_rows(name: str, days: Sequence[_Day]) -> pa.Table:
    """One marketing_spend row per platform, campaign, month and currency."""
    months: dict[tuple[str, str, str, str | None], list[_Day]] = {}
    for day in days:
        month = day.row.day.strftime("%Y-%m")
        months.setdefault((day.platform, day.campaign, month, day.row.currency), []).append(day)
    rows = []
    for (platform, campaign, month, currency), group in sorted(
        months.items(), key=lambda item: (item[0][:3], item[0][3] or "")
    ):
        dates = sorted(d.row.day for d in group)
        native = f"{platform}:{campaign}:{month}"
        campaign_id = group[0].row.campaign_id
        rows.append(
            {
                "spend_id": f"{name}:{native}",
                "month": f"{month}-01",
                "channel": CHANNELS[platform],
                "campaign_id": f"{name}:{platform}:{campaign_id}" if campaign_id else None,
                "currency": currency,
                "amount": str(sum(d.row.amount or 0 for d in group)),
                "source_id": native,
                "created_at": dates[0].isoformat(),
                "updated_at": dates[-1].isoformat(),
                ORIGIN: _origin(group),
            }
        )
    return _table(rows, ["spend_id", "month", "channel", "campaign_id", "currency", "amount"])


def _campaign_rows(name: str, days: Sequence[_Day]) -> pa.Table:
    """One campaigns row per campaign that has an id, as its platform knows it."""
    campaigns: dict[tuple[str, str], list[_Day]] = {}
    for day in days:
        if day.row.campaign_id:
            campaigns.setdefault((day.platform, day.row.campaign_id), []).append(day)
    rows = []
    for (platform, campaign_id), group in sorted(campaigns.items()):
        group = sorted(group, key=lambda d: (d.row.day, d.file))
        channel = CHANNELS[platform]
        rows.append(
            {
                "campaign_id": f"{name}:{platform}:{campaign_id}",
                "name": group[-1].row.campaign or campaign_id,
                "campaign_type": channel,
                "channel": channel,
                "start_date": group[0].row.day.isoformat(),
                "currency": group[-1].row.currency,
                "source_id": f"{platform}:{campaign_id}",
                "created_at": group[0].row.day.isoformat(),
                "updated_at": group[-1].row.day.isoformat(),
                ORIGIN: group[0].row.origin,
            }
        )
    columns = ["campaign_id", "name", "campaign_type", "channel", "start_date", "currency"]
    return _table(rows, columns)


def _click_rows(name: str, clicks: Sequence[DailyRow]) -> pa.Table:
    """One ad_click touchpoint per click of a Google Ads click report."""
    rows = [
        {
            "touchpoint_id": f"{name}:google_ads:{click.click_id}" if click.click_id else None,
            "touchpoint_type": "ad_click",
            "occurred_at": click.day.isoformat(),
            "channel": "paid_search",
            "campaign_id": f"{name}:google_ads:{click.campaign_id}" if click.campaign_id else None,
            "utm_source": "google",
            "utm_medium": "cpc",
            "source_id": click.click_id,
            "created_at": click.day.isoformat(),
            "updated_at": click.day.isoformat(),
            ORIGIN: click.origin,
        }
        for click in clicks
    ]
    return _table(rows, _CLICK_COLUMNS)


def _latest_file_per_day(days: Sequence[_Day]) -> list[_Day]:
    """The rows of each (platform, campaign, day) from the last file that has that day."""
    last: dict[tuple[str, str, object], int] = {}
    for day in days:
        key = (day.platform, day.campaign, day.row.day)
        last[key] = max(last.get(key, -1), day.file)
    return [d for d in days if d.file == last[(d.platform, d.campaign, d.row.day)]]


def _origin(group: Sequence[_Day]) -> str:
    first = group[0].row.origin
    return first if len(group) == 1 else f"{first} and {len(group) - 1} more rows"


def _table(rows: list[dict[str, str | None]], columns: list[str]) -> pa.Table:
    names = [*columns, "source_id", "created_at", "updated_at", ORIGIN]
    return pa.table({n: pa.array([r[n] for r in rows], pa.string()) for n in names})
