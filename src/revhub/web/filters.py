"""The dashboard's global filters, read from the URL so a view can be shared.

``start`` and ``end`` (default: the trailing 12 months ending on the last complete day),
``grain`` (month or quarter) and one ``segment``, ``region`` and ``team`` each. A filter
narrows a metric only when the metric offers that dimension; ``where_for`` says which
filters it could not apply, so a chart can say so. ``locale`` rides along in links.

>>> f = Filters(dt.date(2025, 7, 1), dt.date(2026, 6, 30), "month", segment="enterprise")
>>> f.where_for(("segment", "region")), f.where_for(("channel",))
(({'segment': ['enterprise']}, []), ({}, ['segment']))
>>> member_label("north_america"), member_label("mid_market")
('North America', 'Mid Market')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlencode

from revhub.errors import FilterError, did_you_mean
from revhub.metrics.periods import add_months, period_start
from revhub.resolve.db import table_exists
from revhub.web.locale import SUPPORTED_LOCALES

if TYPE_CHECKING:
    from starlette.datastructures import QueryParams

    from revhub.access import RowScope
    from revhub.api.hub import Hub

FilterGrain = Literal["month", "quarter"]
GRAINS: tuple[FilterGrain, ...] = ("month", "quarter")
DIMENSIONS = ("segment", "region", "team")
_ACRONYMS = {
    "emea": "EMEA",
    "apac": "APAC",
    "latam": "LATAM",
    "smb": "SMB",
    "mql": "MQL",
    "sql": "SQL",
    "cpc": "CPC",
    "seo": "SEO",
}


def member_label(value: object) -> str:
    """A dimension member as a heading: ``north_america`` → ``North America``."""
    if value is None:
        return "(none)"
    words = str(value).replace("_", " ").split(" ")
    return " ".join(_ACRONYMS.get(word.lower(), word.capitalize()) for word in words)


@dataclass(frozen=True)
class FilterOptions:
    """The values each filter offers."""

    segment: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    team: tuple[str, ...] = ()


@dataclass(frozen=True)
class Filters:
    """The filters of one page view."""

    start: dt.date
    end: dt.date
    grain: FilterGrain = "month"
    segment: str | None = None
    region: str | None = None
    team: str | None = None
    locale: str | None = None
    defaults: tuple[dt.date, dt.date] | None = field(default=None, compare=False)

    def chosen(self) -> dict[str, str]:
        """The dimension filters set: ``{"segment": "enterprise"}``."""
        values = {"segment": self.segment, "region": self.region, "team": self.team}
        return {name: value for name, value in values.items() if value}

    def where_for(self, dimensions: Sequence[str]) -> tuple[dict[str, list[str]], list[str]]:
        """The ``where`` of a metric offering ``dimensions``, and the filters it cannot take."""
        where: dict[str, list[str]] = {}
        skipped: list[str] = []
        for name, value in self.chosen().items():
            if name in dimensions:
                where[name] = [value]
            else:
                skipped.append(name)
        return where, skipped

    def params(self) -> list[tuple[str, str]]:
        """The query parameters that reproduce these filters (defaults left out)."""
        out: list[tuple[str, str]] = []
        if self.defaults is None or (self.start, self.end) != self.defaults:
            out += [("start", self.start.isoformat()), ("end", self.end.isoformat())]
        if self.grain != "month":
            out.append(("grain", self.grain))
        out += list(self.chosen().items())
        if self.locale:
            out.append(("locale", self.locale))
        return out

    def href(self, path: str, **extra: str) -> str:
        """``path`` with these filters (and ``extra`` parameters) in its query."""
        query = urlencode([*self.params(), *((k, v) for k, v in extra.items() if v)])
        return f"{path}?{query}" if query else path


def default_range(end: dt.date) -> tuple[dt.date, dt.date]:
    """The trailing 12 months ending on ``end``.

    >>> default_range(dt.date(2026, 6, 30))
    (datetime.date(2025, 7, 1), datetime.date(2026, 6, 30))
    """
    return add_months(period_start(end, "month"), -11), end


def read_filters(query: QueryParams, hub: Hub, scope: RowScope | None) -> Filters:
    """The filters of a request's query; a value that cannot be read is a FilterError."""
    defaults = default_range(hub.default_end())
    end = _date(query.get("end"), "end") or defaults[1]
    start = _date(query.get("start"), "start") or default_range(end)[0]
    grain = query.get("grain") or "month"
    if grain not in GRAINS:
        raise FilterError(f"grain `{grain}` is not offered; use month or quarter.")
    start = period_start(start, grain)
    if start > end:
        raise FilterError(
            f"the start date {start.isoformat()} is after the end date {end.isoformat()}; "
            "pick a start before the end."
        )
    options = filter_options(hub, scope)
    chosen = {name: _member(query.get(name), name, getattr(options, name)) for name in DIMENSIONS}
    return Filters(
        start,
        end,
        grain,
        **chosen,
        locale=_supported(query.get("locale")),
        defaults=defaults,
    )


def _supported(locale: str | None) -> str | None:
    return locale if locale in SUPPORTED_LOCALES else None


def _date(text: str | None, name: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FilterError(
            f"the {name} date `{text}` is not a date; write it as YYYY-MM-DD, e.g. 2026-01-31."
        ) from None


def _member(value: str | None, name: str, known: Sequence[str]) -> str | None:
    if not value:
        return None
    if value not in known:
        hint = did_you_mean(value, known)
        raise FilterError(
            f"there is no {name} `{value}` to filter by.{hint} Pick one of: {', '.join(known)}."
        )
    return value


def filter_options(hub: Hub, scope: RowScope | None) -> FilterOptions:
    """The segments, regions and account-owning teams (a scoped user's own teams only)."""
    everything: FilterOptions = hub.cached(("filter_options",), lambda: _read_options(hub))
    if scope is not None and scope.kind in ("owner", "team"):
        teams = tuple(t for t in everything.team if t in scope.team_names)
        return FilterOptions(everything.segment, everything.region, teams)
    return everything


def _read_options(hub: Hub) -> FilterOptions:
    con = hub.reader()
    accounts = (
        "resolve.golden_accounts"
        if table_exists(con, "resolve", "golden_accounts")
        else ("accounts")
    )

    def distinct(sql: str) -> tuple[str, ...]:
        return tuple(str(row[0]) for row in con.execute(sql).fetchall() if row[0] is not None)

    return FilterOptions(
        segment=distinct(f"SELECT DISTINCT segment FROM {accounts} ORDER BY 1"),
        region=distinct(f"SELECT DISTINCT region FROM {accounts} ORDER BY 1"),
        team=distinct(
            f"SELECT DISTINCT t.name FROM {accounts} a JOIN users u ON u.user_id = a.owner_id "
            "JOIN teams t ON t.team_id = u.team_id ORDER BY 1"
        ),
    )
