"""The warehouse-sync shape (Fivetran and alike): snake_case columns, sync bookkeeping.

A sync tool lands each object as a table whose columns are the field API names in
snake case (``ForecastCategoryName`` -> ``forecast_category_name``, ``Territory2Id`` ->
``territory_2_id``, ``Region__c`` -> ``region_c``), with ``_fivetran_synced``, a
``_fivetran_deleted`` flag and/or ``is_deleted``. This module renames those columns
back to API names, so one mapping per object serves both shapes, and turns the flags
into ``_deleted``. In history mode (``_fivetran_start`` / ``_fivetran_end`` /
``_fivetran_active``) every version is a row: the active one is marked ``_current``.
Such a table of object X is often named ``x_history``, like X's field history; its
columns tell them apart.

>>> snake("ForecastCategoryName"), snake("Territory2Id"), snake("Region__c")
('forecast_category_name', 'territory_2_id', 'region_c')
>>> is_synced(["id", "_fivetran_synced", "name"]), is_synced(["Id", "Name"])
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.base import DELETED
from revhub.sources.salesforce import values
from revhub.sources.salesforce.frame import CURRENT

START = "_fivetran_start"
_FLAGS = ("_fivetran_deleted", "is_deleted", "IsDeleted")


def snake(api_name: str) -> str:
    """The column name a sync tool gives a Salesforce field or object API name.

    >>> snake("HasOptedOutOfEmail"), snake("LastCURequestDate"), snake("Product2")
    ('has_opted_out_of_email', 'last_curequest_date', 'product_2')
    """
    name = api_name.replace("__", "_")
    name = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name)
    name = re.sub(r"(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])", "_", name)
    return name.lower()


def is_synced(columns: Iterable[str]) -> bool:
    """Whether a file's columns are in the sync shape (``id``, ``_fivetran_*``)."""
    names = set(columns)
    if "Id" in names:
        return False
    return "id" in names or any(n.startswith("_fivetran_") for n in names)


def history_mode_of(obj: str, columns: Iterable[str], objects: Iterable[str]) -> str:
    """The object a ``<x>_history`` table holds: X itself when it is a history-mode sync
    (versions with ``_fivetran_start``), else the field-history object ``obj``.

    >>> history_mode_of("AccountHistory", ["id", "_fivetran_start"], ["Account"])
    'Account'
    >>> history_mode_of("OpportunityHistory", ["id", "opportunity_id"], ["Opportunity"])
    'OpportunityHistory'
    """
    names = set(columns)
    base = obj.removesuffix("History")
    parent_key = snake(base) + "_id"
    if base != obj and base in set(objects) and START in names and parent_key not in names:
        return base
    return obj


def to_api(rows: pa.Table, fields: Iterable[str]) -> pa.Table:
    """Rename the snake_case columns of known ``fields`` to their API names and add
    ``_deleted`` (from ``_fivetran_deleted`` or ``is_deleted``) and ``_current``.

    >>> rows = pa.table({"id": ["001A"], "is_deleted": ["TRUE"], "billing_city": ["Oslo"]})
    >>> to_api(rows, ["Id", "BillingCity", "IsDeleted"]).to_pylist()
    [{'Id': '001A', 'IsDeleted': 'TRUE', 'BillingCity': 'Oslo', '_deleted': True, '_current': True}]
    """
    present = set(rows.column_names)
    renames = {snake(f): f for f in fields if snake(f) in present and f not in present}
    rows = rows.rename_columns([renames.get(n, n) for n in rows.column_names])
    deleted = pa.array([False] * rows.num_rows, pa.bool_())
    for flag in _FLAGS:
        if flag in rows.column_names:
            flagged = pc.fill_null(values.truthy(values.as_array(rows[flag])), False)
            deleted = pc.or_(deleted, flagged)
    rows = rows.append_column(DELETED, deleted)
    return rows.append_column(CURRENT, _current(rows))


def _current(rows: pa.Table) -> pa.Array:
    """History mode: the active version (``_fivetran_active``, else an open-ended
    ``_fivetran_end``); every row of a table not in history mode (no ``_fivetran_start``:
    ``_fivetran_active`` means nothing there)."""
    if START not in rows.column_names:
        return pa.array([True] * rows.num_rows, pa.bool_())
    if "_fivetran_active" in rows.column_names:
        active = values.truthy(values.as_array(rows["_fivetran_active"]))
        return pc.fill_null(active, True)
    if "_fivetran_end" in rows.column_names:
        return values.starts_with(values.as_array(rows["_fivetran_end"]), "9999")
    return pa.array([True] * rows.num_rows, pa.bool_())
