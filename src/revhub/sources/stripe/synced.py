"""The warehouse-sync shape (Fivetran and alike) of a Stripe account: one CSV per table.

A sync tool lands each object as a table named in the singular (``customer``,
``invoice_line_item``), exported as ``customer.csv`` or ``customer_data.csv``. Its
columns are the API's fields flattened the way ``api`` flattens them
(``address_country``, ``recurring_interval``, foreign keys as ``customer_id``), plus
``_fivetran_synced`` and a ``_fivetran_deleted`` / ``is_deleted`` flag. Column names
are read in lower case (Snowflake writes them upper case).

Reserved words: warehouses quote or rename columns such as ``end`` and ``start``
(``"END"`` on Snowflake), and exports made for one warehouse carry its name
(``discount_data_snowflake.csv``). Such a file is the same table: it is read, with
the quotes taken off its column names, only when the plain table is not there too.

History mode (``_fivetran_active`` or ``_fivetran_end``) keeps every version of a
record; only the active version is read.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.readers import read_csv
from revhub.sources.stripe.objects import HISTORY, RawObject, object_of

_NAME = re.compile(
    r"^(?P<table>.+?)(?:_data)?(?:_(?P<warehouse>postgres|snowflake|databricks|bigquery|redshift))?$"
)
_TRUE = ("true", "t", "1", "yes")


def table_of(file_name: str) -> tuple[str, str | None]:
    """The table a sync export file holds, and the warehouse its column names are for.

    >>> table_of("customer_data.csv"), table_of("discount_data_snowflake.csv")
    (('customer', None), ('discount', 'snowflake'))
    """
    stem = file_name.rsplit(".", 1)[0].lower()
    match = _NAME.match(stem)
    return (match["table"], match["warehouse"]) if match else (stem, None)


def pick_files(paths: list[Path]) -> tuple[dict[str, list[Path]], list[str]]:
    """The CSV files to read per object (warehouse variants only when needed) and notes
    for the files left unread.

    >>> files, notes = pick_files([Path("discount_data.csv"), Path("discount_data_postgres.csv"),
    ...                            Path("payout.csv")])
    >>> {name: [p.name for p in paths] for name, paths in files.items()}
    {'discount': ['discount_data.csv']}
    >>> notes  # doctest: +NORMALIZE_WHITESPACE
    ['payout.csv: Stripe `payout` is not mapped by revhub; not read',
     'discount_data_postgres.csv: same table as discount_data.csv; not read again']
    """
    plain: dict[str, list[Path]] = {}
    variants: dict[str, list[Path]] = {}
    notes: list[str] = []
    for path in sorted(paths):
        table, warehouse = table_of(path.name)
        name = HISTORY if table == HISTORY else object_of(table)
        if name is None:
            notes.append(f"{path.name}: Stripe `{table}` is not mapped by revhub; not read")
            continue
        (variants if warehouse else plain).setdefault(name, []).append(path)
    for name, files in variants.items():
        if name in plain:
            skipped = ", ".join(p.name for p in files)
            notes.append(f"{skipped}: same table as {plain[name][0].name}; not read again")
        else:
            plain[name] = files
    return plain, notes


def read_synced(path: Path, name: str, encoding: str) -> RawObject:
    """One sync table's rows: lower-case unquoted column names, active versions only.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "discount_data_snowflake.csv"
    >>> quoted = '"' * 3 + "END" + '"' * 3  # Snowflake's spelling of the column `end`
    >>> _ = path.write_text(f"ID,COUPON_ID,{quoted}\\ndi_1,HALF,\\n")
    >>> read_synced(path, "discount", "utf-8").rows.column_names
    ['id', 'coupon_id', 'end', '_origin']
    """
    raw = read_csv(path, encoding=encoding)
    rows = raw.rows.rename_columns([_column(n) for n in raw.rows.column_names])
    notes = list(raw.notes)
    active = _active(rows)
    if active is not None:
        kept = rows.filter(active)
        if kept.num_rows < rows.num_rows:
            notes.append(
                f"{path.name}: history mode; {rows.num_rows - kept.num_rows} superseded "
                "versions left out"
            )
        rows = kept
    return RawObject(name, rows, [path.name], list(raw.rejected), notes)


def truthy(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Sync and API spellings of true ("true", "TRUE", "t", "1") as booleans; else false.

    >>> truthy(pa.array(["TRUE", "false", None, "1"])).to_pylist()
    [True, False, False, True]
    """
    text = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    lowered = pc.utf8_lower(text.cast(pa.string()))
    return pc.fill_null(pc.is_in(lowered, value_set=pa.array(_TRUE)), False)


def _column(name: str) -> str:
    """A column name without a warehouse's quoting: '"END"' -> 'end'."""
    return name.strip().strip('"').lower()


def _active(rows: pa.Table) -> pa.Array | None:
    if "_fivetran_active" in rows.column_names:
        return truthy(rows["_fivetran_active"])
    if "_fivetran_end" in rows.column_names:
        ends = rows["_fivetran_end"].combine_chunks()
        return pc.fill_null(pc.starts_with(ends, "9999"), True)
    return None
