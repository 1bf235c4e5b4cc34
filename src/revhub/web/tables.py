"""Tables on dashboard pages: columns with a unit (so each cell is formatted for the
reader's locale) and rows of plain values, downloadable as CSV.

The ``table`` macro in ``templates/macros.html`` draws a ``Table``; ``render`` in
``pages`` answers ``?export=<table id>`` with its rows as CSV unless ``csv_url`` points
elsewhere (an API download).

>>> t = Table("deals", "Deals", [Column("name", "Deal"), Column("amount", "Amount", "money")],
...           [{"name": "Acme", "amount": 1200.0}])
>>> t.csv_rows()
[{'name': 'Acme', 'amount': 1200.0}]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Column", "Table"]


@dataclass(frozen=True)
class Column:
    """One column: the row key it shows, its heading and the unit of its values —
    ``text``, ``date`` or a metric unit (``money``, ``count``, ``ratio``, ``days``, ...).
    ``href`` names the row key holding a link for the cell; ``title`` is a tooltip."""

    key: str
    label: str
    unit: str = "text"
    href: str | None = None
    title: str = ""

    @property
    def numeric(self) -> bool:
        return self.unit not in ("text", "date")


@dataclass
class Table:
    """A table of rows under a title; ``csv_url`` defaults to the page's own export."""

    id: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    csv_url: str = ""
    description: str = ""
    empty: str = "Nothing to show for these filters."
    notes: list[str] = field(default_factory=list)

    def csv_rows(self) -> list[dict[str, Any]]:
        """The rows with the table's columns, unformatted."""
        return [{c.key: _plain(row.get(c.key)) for c in self.columns} for row in self.rows]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
