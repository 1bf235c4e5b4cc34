"""Who should fix a record: the owner of the record, or of the account or deal it belongs to.

An owner is a path of columns ending in a user id. ``owner_id`` is a column of the
table itself; ``account_id.owner_id`` follows ``account_id`` to ``accounts`` and takes that
account's owner; ``invoice_id.account_id.csm_id`` goes two steps. Without a path given, a
table's owner is its ``owner_id`` column, else the owner of the account or (failing
that) the opportunity it references, directly or through one more reference, else
nobody. The account comes first: it is the stable parent of billing and support records.

>>> default_owner("accounts"), default_owner("invoices"), default_owner("invoice_lines")
(('owner_id',), ('account_id', 'owner_id'), ('invoice_id', 'account_id', 'owner_id'))
>>> default_owner("products") is None
True
"""

from __future__ import annotations

import itertools

import ibis

from revhub.errors import ModelError
from revhub.model import get_table
from revhub.model.schema import Column, Table
from revhub.quality.checks import Context

OWNER_COLUMN = "owner_id"
USER_KEY = "users.user_id"
# Tables whose owner a record without one of its own inherits, in order of preference.
PREFERRED_PARENTS = ("accounts", "opportunities")
MAX_STEPS = 2


class OwnerPathError(ValueError):
    """An owner path that does not lead to a user id."""


def default_owner(table: str, steps: int = MAX_STEPS) -> tuple[str, ...] | None:
    """The owner path used when a rule names none (see the module docstring).

    >>> default_owner("support_tickets")
    ('account_id', 'owner_id')
    """
    definition = get_table(table)
    if _holds_user(definition, OWNER_COLUMN):
        return (OWNER_COLUMN,)
    if steps == 0:
        return None
    keys = [fk for fk in definition.foreign_keys if fk.ref_table not in (table, "users")]
    ranked = sorted(
        keys,
        key=lambda fk: (
            PREFERRED_PARENTS.index(fk.ref_table)
            if fk.ref_table in PREFERRED_PARENTS
            else len(PREFERRED_PARENTS)
        ),
    )
    for fk in ranked:
        rest = default_owner(fk.ref_table, steps - 1)
        if rest is not None:
            return (fk.column, *rest)
    return None


def owner_path(table: str, spec: str) -> tuple[str, ...]:
    """Parse and check an owner path such as ``account_id.csm_id`` for ``table``.

    >>> owner_path("subscriptions", "account_id.csm_id")
    ('account_id', 'csm_id')
    >>> try:
    ...     owner_path("subscriptions", "status")
    ... except OwnerPathError as error:
    ...     print(error)
    subscriptions.status does not hold a user id (it does not reference users.user_id)
    """
    segments = tuple(spec.split("."))
    if len(segments) > MAX_STEPS + 1:
        raise OwnerPathError(f"`{spec}` takes more than {MAX_STEPS} steps; use at most two.")
    current = get_table(table)
    for number, segment in enumerate(segments):
        column = _column(current, segment)
        if number == len(segments) - 1:
            if column.references != USER_KEY:
                raise OwnerPathError(
                    f"{current.name}.{segment} does not hold a user id "
                    f"(it does not reference {USER_KEY})"
                )
        elif column.references is None:
            raise OwnerPathError(
                f"{current.name}.{segment} references no table, so `{spec}` cannot follow it"
            )
        else:
            current = get_table(column.references.split(".")[0])
    return segments


def attach_owner(
    ctx: Context, rows: ibis.Table, table: str, path: tuple[str, ...] | None
) -> ibis.Table:
    """``rows`` with ``owner_key`` (the value of the path's first column) replaced by the
    ``owner_id`` found at the end of ``path``.

    >>> import datetime as dt, tempfile, revhub
    >>> with revhub.init(tempfile.mkdtemp()) as ws:
    ...     rows = ibis.memtable({"record_id": ["i1"], "owner_key": ["a1"]})
    ...     ctx = Context(ws.con, dt.date(2026, 1, 1))
    ...     attach_owner(ctx, rows, "invoices", ("account_id", "owner_id")).columns
    ('record_id', 'owner_id')
    """
    if path is None:
        return rows.rename(owner_id="owner_key")
    current = get_table(table)
    for segment, following in itertools.pairwise(path):
        reference = current.column(segment).references
        assert reference is not None  # checked by owner_path
        ref_table, ref_column = reference.split(".")
        target = ctx.table(ref_table)
        lookup = target.select(_rh_key=target[ref_column], _rh_next=target[following])
        joined = rows.left_join(lookup, rows.owner_key == lookup._rh_key)
        rows = joined.drop("owner_key", "_rh_key").rename(owner_key="_rh_next")
        current = get_table(ref_table)
    return rows.rename(owner_id="owner_key")


def _holds_user(definition: Table, name: str) -> bool:
    return name in definition.column_names and definition.column(name).references == USER_KEY


def _column(definition: Table, name: str) -> Column:
    try:
        return definition.column(name)
    except ModelError as error:
        raise OwnerPathError(str(error)) from None
