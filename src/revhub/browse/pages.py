"""Pages of a list, and the checks on what a caller asks for: page, size, sort, filters.

Every list is ordered by the sort asked for and then by its key, so pages never overlap
and never skip a row; ``total`` counts the whole filtered list.

>>> page = Page(items=["a", "b"], total=5, page=1, page_size=2)
>>> page.pages, page.to_dict()["pages"]
(3, 3)
>>> order_by("-arr", {"name": "c.name", "arr": "arr"}, key="c.company_id", what="accounts")
'arr DESC NULLS LAST, c.company_id'
>>> check_paging(0, 50)
Traceback (most recent call last):
...
revhub.errors.BrowseQueryError: page must be 1 or more, not 0.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from revhub.errors import BrowseQueryError, did_you_mean

MAX_PAGE_SIZE = 500
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its ``items``, the ``total`` rows of the whole (filtered) list,
    which ``page`` (from 1) and how many rows a page holds."""

    items: list[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        """How many pages the whole list fills (0 when it is empty)."""
        return -(-self.total // self.page_size)

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.page - 1) * self.page_size

    def to_dict(self) -> dict[str, Any]:
        """The page as plain data: items (dataclasses become dicts), total, page,
        page_size and pages."""
        items = [
            dataclasses.asdict(item)
            if dataclasses.is_dataclass(item) and not isinstance(item, type)
            else item
            for item in self.items
        ]
        return {
            "items": items,
            "total": self.total,
            "page": self.page,
            "page_size": self.page_size,
            "pages": self.pages,
        }


def check_paging(page: int, page_size: int) -> None:
    """Raise BrowseQueryError unless ``page`` ≥ 1 and 1 ≤ ``page_size`` ≤ 500."""
    if page < 1:
        raise BrowseQueryError(f"page must be 1 or more, not {page}.")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise BrowseQueryError(
            f"page_size must be between 1 and {MAX_PAGE_SIZE}, not {page_size}; "
            "ask for more pages instead."
        )


def empty_page(page: int, page_size: int) -> Page[Any]:
    """An empty list's page (after checking the paging asked for)."""
    check_paging(page, page_size)
    return Page([], 0, page, page_size)


def order_by(sort: str, columns: Mapping[str, str], *, key: str, what: str) -> str:
    """The ORDER BY list of ``sort`` (a name of ``columns``, ``-`` first for descending)
    followed by ``key``, which makes the order total. Missing values sort last."""
    name = sort.removeprefix("-")
    if name not in columns:
        hint = did_you_mean(name, columns)
        known = ", ".join(f"{c}, -{c}" for c in columns)
        raise BrowseQueryError(f"cannot sort {what} by `{sort}`.{hint} Sort by one of: {known}.")
    direction = "DESC" if sort.startswith("-") else "ASC"
    return f"{columns[name]} {direction} NULLS LAST, {key}"


def check_choice(name: str, value: str | None, allowed: Collection[str]) -> None:
    """Raise BrowseQueryError unless ``value`` (when given) is one of ``allowed``.

    >>> check_choice("status", "won", ("open", "won", "lost"))
    >>> check_choice("status", "wonn", ("open", "won", "lost"))
    Traceback (most recent call last):
    ...
    revhub.errors.BrowseQueryError: unknown status `wonn`. Did you mean `won`? Use one of: open, won, lost.
    """  # noqa: E501
    if value is not None and value not in allowed:
        hint = did_you_mean(value, allowed)
        raise BrowseQueryError(f"unknown {name} `{value}`.{hint} Use one of: {', '.join(allowed)}.")
