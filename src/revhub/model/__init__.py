"""The canonical revenue data model: one declarative definition per table.

Everything downstream of the connectors reads only these tables. ``TABLES`` lists the
canonical tables, ``TRUTH_TABLES`` the demo company's ground truth; ``get_table`` finds
either by name. ``SCHEMA_VERSION`` is the version these definitions describe; changes
to them are explicit steps in ``revhub.model.migrations``.

>>> get_table("opportunities").column("amount_base").type
'decimal(18,2)'
"""

from __future__ import annotations

from revhub.errors import ModelError, did_you_mean
from revhub.model import (
    billing,
    customer,
    finance,
    marketing,
    operations,
    organisation,
    sales,
    truth,
)
from revhub.model.migrations import SCHEMA_VERSION
from revhub.model.schema import Column, ForeignKey, Table

TABLES: tuple[Table, ...] = (
    *organisation.TABLES,
    *marketing.TABLES,
    *sales.TABLES,
    *billing.TABLES,
    *customer.TABLES,
    *operations.TABLES,
    *finance.TABLES,
)
TRUTH_TABLES: tuple[Table, ...] = truth.TABLES

_BY_NAME = {t.name: t for t in (*TABLES, *TRUTH_TABLES)}


def get_table(name: str) -> Table:
    """The table definition called ``name`` (canonical or truth).

    >>> get_table("accounts").primary_key
    ('account_id',)
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ModelError(
            f"the model has no table `{name}`.{did_you_mean(name, _BY_NAME)}"
        ) from None


__all__ = [
    "SCHEMA_VERSION",
    "TABLES",
    "TRUTH_TABLES",
    "Column",
    "ForeignKey",
    "Table",
    "get_table",
]
