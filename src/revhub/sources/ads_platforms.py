"""Ad platform report files: which platform wrote a file, and its rows as daily facts.

A report's platform is told by its header (the first of the first 30 lines that
matches a signature, so the title and date-range lines exports put above it are
skipped). Names are compared case-insensitively; the first signature that matches wins:

===============  =================================================================
report           header signature (day / campaign / id / currency / amount)
===============  =================================================================
google_clicks    a click id column: ``Google Click ID``, ``GCLID``, ``click_view.gclid``
meta             ``Amount spent (XXX)`` — the currency is in the column name;
                 day ``Day`` or ``Reporting starts``; ``Campaign name``, ``Campaign ID``
linkedin         ``Total Spent``; day ``Start Date (in UTC)``; ``Campaign Name``,
                 ``Campaign ID``, ``Currency``
google_ads       ``Cost``, ``Cost (micros)``, ``cost_micros`` or ``metrics.cost_micros``
                 (micros are divided by 1,000,000); day ``Day``, ``Date`` or
                 ``segments.date``; ``Campaign``/``campaign.name``, ``Campaign ID``/
                 ``campaign.id``, ``Currency code``/``customer.currency_code``
===============  =================================================================

Numbers may carry thousands separators ("1,234.56" or "1.234,56"); "--" is zero.
Days are ISO, ``7/1/2024`` (US), ``Jul 1, 2024`` or ``20240701``. Summary rows
(``Total: …``) and blank lines are skipped; a row whose day or amount cannot be read is
rejected naming its line. UTF-16 files (Google Ads' "Excel CSV") are read as such.

>>> report = parse_report("spend.csv", "Campaign report\\nDay,Campaign,Campaign ID,Cost,"
...     "Currency code\\n2024-07-01,Brand,42,\\"1,200.50\\",USD\\nTotal: Account,,,1200.5,\\n")
>>> report.platform, [(r.day.isoformat(), r.campaign_id, str(r.amount)) for r in report.rows]
('google_ads', [('2024-07-01', '42', '1200.50')])
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from revhub.sources.base import Rejected

_HEADER_LINES = 30
_DAY_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%b %d, %Y", "%Y%m%d", "%d.%m.%Y")


@dataclass(frozen=True)
class Platform:
    """A report shape: its name and the column names of each field (lower case)."""

    name: str
    signature: tuple[str, ...]  # any of these columns, also with a "(…)" suffix: the amount
    day: tuple[str, ...]
    campaign: tuple[str, ...]
    campaign_id: tuple[str, ...]
    currency: tuple[str, ...] = ()
    micros: tuple[str, ...] = ()  # amount columns in millionths


_GOOGLE_DAY = ("day", "date", "segments.date")
_GOOGLE_CAMPAIGN = ("campaign", "campaign.name")
_GOOGLE_ID = ("campaign id", "campaign.id")
_MICROS = ("cost (micros)", "cost_micros", "metrics.cost_micros")
PLATFORMS = (
    Platform(
        name="google_clicks",
        signature=("google click id", "gclid", "click_view.gclid"),
        day=_GOOGLE_DAY,
        campaign=_GOOGLE_CAMPAIGN,
        campaign_id=_GOOGLE_ID,
    ),
    Platform(
        name="meta",
        signature=("amount spent",),
        day=("day", "reporting starts"),
        campaign=("campaign name",),
        campaign_id=("campaign id",),
        currency=("currency",),
    ),
    Platform(
        name="linkedin",
        signature=("total spent",),
        day=("start date (in utc)", "start date", "date"),
        campaign=("campaign name", "campaign"),
        campaign_id=("campaign id",),
        currency=("currency",),
    ),
    Platform(
        name="google_ads",
        signature=("cost", *_MICROS),
        day=_GOOGLE_DAY,
        campaign=_GOOGLE_CAMPAIGN,
        campaign_id=_GOOGLE_ID,
        currency=("currency code", "currency", "customer.currency_code"),
        micros=_MICROS,
    ),
)


@dataclass(frozen=True)
class DailyRow:
    """One report line: a day's spend (or one click, ``amount`` None) of a campaign."""

    day: dt.date
    campaign: str | None
    campaign_id: str | None
    currency: str | None
    amount: Decimal | None
    click_id: str | None
    origin: str


@dataclass
class Report:
    """A parsed report file: its platform, rows and the lines that could not be read."""

    platform: str
    rows: list[DailyRow] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def parse_report(name: str, text: str) -> Report | None:
    """The report in ``text`` (file ``name``), or None when no header matches a platform.

    >>> parse_report("x.csv", "Reporting starts,Campaign name,Amount spent (EUR)\\n"
    ...     "2024-07-01,Launch,3.5\\n").rows[0].currency
    'EUR'
    >>> parse_report("notes.csv", "name,value\\na,b\\n") is None
    True
    """
    lines = text.splitlines()
    for index, line in enumerate(lines[:_HEADER_LINES]):
        delimiter = max((",", "\t", ";"), key=line.count)
        header = [h.strip().lower() for h in next(csv.reader([line], delimiter=delimiter), [])]
        platform = _platform(header)
        if platform is not None:
            body = csv.reader(lines[index + 1 :], delimiter=delimiter)
            return _rows(name, platform, header, body, first_line=index + 2)
    return None


def _platform(header: list[str]) -> Platform | None:
    return next((p for p in PLATFORMS if _signature_at(p, header) is not None), None)


def _signature_at(platform: Platform, header: list[str]) -> int | None:
    """The first column named by the platform's signature (the amount, or the click id)."""
    for index, name in enumerate(header):
        if any(name == s or name.startswith(f"{s} (") for s in platform.signature):
            return index
    return None


class _Layout:
    """Where each field is in a report's rows, and how to read one row."""

    def __init__(self, platform: Platform, header: list[str]) -> None:
        def at(names: tuple[str, ...]) -> int | None:
            return next((header.index(n) for n in names if n in header), None)

        self.platform = platform
        self.clicks = platform.name == "google_clicks"
        self.day, self.campaign = at(platform.day), at(platform.campaign)
        self.campaign_id, self.currency = at(platform.campaign_id), at(platform.currency)
        self.amount = _signature_at(platform, header)
        name = header[self.amount] if self.amount is not None else ""
        self.micros = name in platform.micros
        found = re.search(r"\(([a-z]{3})\)$", name)
        self.fixed_currency = found.group(1).upper() if found else None

    def read(self, cells: list[str], origin: str) -> DailyRow | Rejected:
        """The row of one line's ``cells``, or why it cannot be read."""

        def cell(at: int | None) -> str | None:
            return cells[at] or None if at is not None and at < len(cells) else None

        day = parse_day(cell(self.day))
        amount = None if self.clicks else parse_amount(cell(self.amount))
        if day is None or (amount is None and not self.clicks):
            what = "day" if day is None else "amount"
            reason = f"cannot read the {what} of this {self.platform.name} report row"
            return Rejected(origin, reason, ",".join(cells))
        if self.micros and amount is not None:
            amount = (amount / 1_000_000).quantize(Decimal("0.01"))
        currency = cell(self.currency) or self.fixed_currency
        return DailyRow(
            day=day,
            campaign=cell(self.campaign),
            campaign_id=cell(self.campaign_id),
            currency=currency.upper() if currency else None,
            amount=amount,
            click_id=cell(self.amount) if self.clicks else None,
            origin=origin,
        )


def _rows(
    name: str, platform: Platform, header: list[str], body: Iterator[list[str]], first_line: int
) -> Report:
    layout, report = _Layout(platform, header), Report(platform.name)
    for offset, record in enumerate(body):
        cells = [cell.strip() for cell in record]
        if not any(cells) or cells[0].lower().startswith("total"):
            continue
        row = layout.read(cells, f"{name}:{first_line + offset}")
        if isinstance(row, Rejected):
            report.rejected.append(row)
        else:
            report.rows.append(row)
    return report


def parse_day(text: str | None) -> dt.date | None:
    """A report day in any of the formats ads platforms write.

    >>> parse_day("7/1/2024"), parse_day("Jul 1, 2024"), parse_day("soon")
    (datetime.date(2024, 7, 1), datetime.date(2024, 7, 1), None)
    """
    if text is None:
        return None
    for fmt in _DAY_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue  # not this format; the next one may fit
    return None


def parse_amount(text: str | None) -> Decimal | None:
    """A money amount as written in a report ("1,234.56", "1.234,56", "$12", "--").

    >>> parse_amount("1.234,56"), parse_amount("$1,234"), parse_amount("--")
    (Decimal('1234.56'), Decimal('1234'), Decimal('0'))
    """
    if text is None or text.strip() in ("--", "-", ""):
        return Decimal(0)
    number = re.sub(r"[^\d,.\-]", "", text)
    if "," in number and "." in number:
        thousands = "," if number.rfind(",") < number.rfind(".") else "."
        number = number.replace(thousands, "")
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+", number):
        number = number.replace(",", "")
    try:
        return Decimal(number.replace(",", "."))
    except InvalidOperation:
        return None
