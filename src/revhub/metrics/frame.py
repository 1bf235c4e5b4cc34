"""The frame a metric's facts are built in: tables, grain, date range and settings.

Facts functions read canonical tables only through a ``Frame``, which

- maps every ``account_id`` to the company it belongs to (identity resolution's
  crosswalk), so a company kept by the CRM, billing and support counts once;
- gives each company the dimensions metrics slice by (segment, region, industry, owner,
  CSM, partner), taken from its golden record;
- knows the grain and the range asked for: ``period`` of a date, the ``periods`` table
  with opening and closing days, ``events`` within the range;
- remembers intermediate tables (``shared``) so that facts built from the same MRR
  snapshot are built once per frame, and ``revhub compute`` can store them once.

Nothing here runs a query: every method returns Ibis expressions, so the same frame
works on DuckDB and on Spark.

>>> import datetime as dt, ibis
>>> frame = Frame(lambda name: None, grain="quarter", start=dt.date(2026, 1, 1),
...               end=dt.date(2026, 5, 15))
>>> [p.closing.isoformat() for p in frame.calendar]
['2026-03-31', '2026-05-15']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import ibis
import pyarrow as pa

from revhub.metrics.core import Grain
from revhub.metrics.periods import Period, periods
from revhub.metrics.settings import MetricSettings

TableSource = Callable[[str], ibis.Table | None]
SqlSource = Callable[[str], ibis.Table]
Materialise = Callable[[str, ibis.Table], ibis.Table]

_TRUNCATE = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}
# What every company can be sliced by. ``owner``, ``csm`` and ``partner`` are names (the
# user's or partner's), ``team`` is the owner's team.
COMPANY_DIMENSIONS = ("segment", "region", "industry", "country", "owner", "team", "csm", "partner")
_GOLDEN_COLUMNS = ("segment", "region", "industry", "country", "owner_id", "csm_id", "partner_id")


def first_day(value: ibis.Value, unit: str) -> ibis.Value:
    """The first day (a date) of the ``unit`` (``W``, ``M``, ``Q``, ``Y``) holding
    ``value`` (a date or time).

    Use it instead of ``date.truncate(unit).cast("date")``: Ibis drops that cast (the
    type is already a date) and compiles the truncation to Spark's DATE_TRUNC, which
    returns a timestamp. Truncating a timestamp keeps the cast on every engine.
    """
    return value.cast("timestamp").truncate(unit).cast("date")


class Frame:
    """Where and how facts are built; see the module docstring."""

    def __init__(
        self,
        tables: TableSource,
        *,
        grain: Grain,
        start: dt.date,
        end: dt.date,
        settings: MetricSettings | None = None,
        materialise: Materialise | None = None,
        sql: SqlSource | None = None,
    ) -> None:
        self._tables = tables
        self._sql = sql
        self.grain: Grain = grain
        self.start = start
        self.end = end
        self.settings = settings or MetricSettings()
        self.calendar: list[Period] = periods(grain, start, end)
        self._materialise = materialise
        self._shared: dict[str, ibis.Table] = {}

    # -- tables --------------------------------------------------------------------------
    def raw(self, name: str) -> ibis.Table:
        """A canonical table as stored (``resolve.<name>`` for resolution outputs)."""
        table = self._tables(name)
        if table is None:
            raise LookupError(f"table {name} is not available")
        return table

    def sql(self, query: str) -> ibis.Table:
        """A table from a SELECT over the engine's tables (custom metrics; the query is
        checked before it gets here)."""
        if self._sql is None:
            raise LookupError("this frame cannot run SQL")
        return self._sql(query)

    def has(self, name: str) -> bool:
        """Whether ``name`` is available (resolution outputs exist after `revhub resolve`)."""
        return self._tables(name) is not None

    def table(self, name: str, *columns: str) -> ibis.Table:
        """A canonical table with every ``account_id`` column mapped to its company.

        ``columns`` names further account-id columns to map (e.g. ``converted_account_id``).
        """
        table = self.raw(name)
        for column in ("account_id", *columns):
            if column in table.columns:
                table = self.to_company(table, column)
        return table

    def to_company(self, table: ibis.Table, column: str) -> ibis.Table:
        """``table`` with ``column`` (an account id) replaced by its company id."""
        companies = self.shared("company_of_account", self._company_of_account)
        joined = table.left_join(companies, table[column] == companies._record_id)
        mapped = ibis.coalesce(joined._company_id, joined[column])
        return joined.mutate(**{column: mapped}).drop("_record_id", "_company_id")

    def _company_of_account(self) -> ibis.Table:
        """``_record_id`` (an account record) → ``_company_id`` (its company)."""
        if not self.has("resolve.crosswalk"):
            accounts = self.raw("accounts")
            return accounts.select(_record_id="account_id", _company_id="account_id")
        crosswalk = self.raw("resolve.crosswalk")
        crosswalk = crosswalk.filter(
            (crosswalk.entity == "account") & (crosswalk.record_table == "accounts")
        )
        return crosswalk.select(_record_id="record_id", _company_id="entity_id")

    def companies(self) -> ibis.Table:
        """One row per company: ``account_id`` (the company id) and its dimensions."""
        return self.shared("companies", self._companies)

    def _companies(self) -> ibis.Table:
        golden = self._tables("resolve.golden_accounts")
        if golden is not None and set(_GOLDEN_COLUMNS) <= set(golden.columns):
            base = golden.rename(account_id="entity_id").select("account_id", *_GOLDEN_COLUMNS)
        else:
            base = self.raw("accounts").select("account_id", *_GOLDEN_COLUMNS)
        people = self.teams_of_users()
        owners = people.select(_owner_id="user_id", owner="name", team="team")
        csms = people.select(_csm_id="user_id", csm="name")
        partners = self.raw("partners").select(_partner_id="partner_id", partner="name")
        joined = (
            base.left_join(owners, base.owner_id == owners._owner_id)
            .left_join(csms, base.csm_id == csms._csm_id)
            .left_join(partners, base.partner_id == partners._partner_id)
        )
        return joined.select("account_id", *COMPANY_DIMENSIONS)

    def with_company(self, table: ibis.Table, *dimensions: str) -> ibis.Table:
        """``table`` (with a company ``account_id``) plus the company's ``dimensions``."""
        companies = self.companies().select("account_id", *dimensions)
        companies = companies.rename(_company_key="account_id")
        joined = table.left_join(companies, table.account_id == companies._company_key)
        return joined.drop("_company_key")

    def teams_of_users(self) -> ibis.Table:
        """Every user's ``user_id``, ``name``, ``role``, ``team_id`` and ``team`` (the
        team's name)."""
        return self.shared("teams_of_users", self._teams_of_users)

    def _teams_of_users(self) -> ibis.Table:
        users = self.raw("users")
        teams = self.raw("teams").select(_team_id="team_id", team="name")
        joined = users.left_join(teams, users.team_id == teams._team_id)
        return joined.select("user_id", "name", "role", "team_id", "team")

    # -- time ----------------------------------------------------------------------------
    def period(self, value: ibis.Value) -> ibis.Value:
        """The first day (a date) of the period that holds ``value`` (a date or time)."""
        day = value.cast("date")
        if self.grain == "day":
            return day
        return first_day(day, _TRUNCATE[self.grain])

    def events(self, table: ibis.Table, when: str) -> ibis.Table:
        """Rows of ``table`` whose ``when`` (date or timestamp) falls in [start, end],
        with their ``period``."""
        day = table[when].cast("date")
        inside = table.filter((day >= self.start) & (day <= self.end))
        return inside.mutate(period=self.period(inside[when]))

    def periods(self) -> ibis.Table:
        """``period``, ``opening_day`` and ``closing_day`` of every period in range."""
        return self._calendar_table(self.calendar, "periods")

    def months(self) -> ibis.Table:
        """The monthly calendar covering the range plus the month before it, for facts
        that move month by month (MRR movements): ``month`` and ``closing_day``."""
        first = self.calendar[0].start if self.calendar else self.start
        previous = (first.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        months = periods("month", previous, self.end)
        table = self._calendar_table(months, "months")
        return table.select(month=table.period, closing_day=table.closing_day)

    def _calendar_table(self, calendar: list[Period], name: str) -> ibis.Table:
        arrow = pa.table(
            {
                "period": pa.array([p.start for p in calendar], pa.date32()),
                "opening_day": pa.array([p.opening for p in calendar], pa.date32()),
                "closing_day": pa.array([p.closing for p in calendar], pa.date32()),
            }
        )
        return self.shared(f"calendar_{name}", lambda: ibis.memtable(arrow))

    # -- shared intermediates ------------------------------------------------------------
    def shared(self, name: str, build: Callable[[], ibis.Table]) -> ibis.Table:
        """The intermediate table ``name``, built once per frame (and stored once, when
        the frame was given a ``materialise`` hook)."""
        if name not in self._shared:
            table = build()
            if self._materialise is not None and not name.startswith("calendar_"):
                table = self._materialise(name, table)
            self._shared[name] = table
        return self._shared[name]

    def describe(self) -> dict[str, Any]:
        """The frame's grain and range, for messages and stored results."""
        return {"grain": self.grain, "start": self.start, "end": self.end}
