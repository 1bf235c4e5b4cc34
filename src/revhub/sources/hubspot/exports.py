"""CSV exports from the HubSpot UI (Contacts/Companies/Deals > Export) as a ``Part``.

Columns are property labels ("Record ID", "First Name", "Lifecycle Stage",
"Associated Company IDs"); values are labels too ("Marketing Qualified Lead") and
moments are written "2024-01-02 03:04". Lifecycle-stage dates come as
``Date entered "<Stage> (Lifecycle Stage Pipeline)"`` (newer) and ``Became a <Stage>
Date`` (legacy); both become the API property names so ``lifecycle`` reads every shape
alike. Labels match without regard to case, spaces or punctuation. The owner columns
of an export hold the owner's name, not an id, so exports give no owners.

>>> stage_column('Date entered "Marketing Qualified Lead (Lifecycle Stage Pipeline)"')
'hs_v2_date_entered_marketingqualifiedlead'
>>> stage_column("Became an Opportunity Date")
'hs_lifecyclestage_opportunity_date'
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from revhub.sources.base import ORIGIN
from revhub.sources.hubspot.fields import HubSpotObject
from revhub.sources.hubspot.records import Part, assemble
from revhub.sources.hubspot.vocabulary import fold
from revhub.sources.readers import read_csv

_ENTERED = re.compile(r'^date entered "(.+?)(?: \(lifecycle stage pipeline\))?"$', re.IGNORECASE)
_BECAME = re.compile(r"^became an? (.+?) date$", re.IGNORECASE)


def stage_column(label: str) -> str | None:
    """The API property a lifecycle-stage date column of an export stands for, if it is one."""
    entered = _ENTERED.match(label.strip())
    if entered:
        return f"hs_v2_date_entered_{fold(entered.group(1))}"
    became = _BECAME.match(label.strip())
    if became:
        return f"hs_lifecyclestage_{fold(became.group(1))}_date"
    return None


def read_export(path: Path, obj: HubSpotObject, encoding: str = "utf-8") -> Part:
    """The records of one UI export of ``obj``.

    >>> import tempfile
    >>> from revhub.sources.hubspot.fields import CONTACTS
    >>> file = Path(tempfile.mkdtemp()) / "all-contacts.csv"
    >>> _ = file.write_text('Record ID,Email,Lifecycle Stage\\n51,a@b.c,Lead\\n')
    >>> read_export(file, CONTACTS).rows.select(["id", "lifecyclestage", "_origin"]).to_pylist()
    [{'id': '51', 'lifecyclestage': 'Lead', '_origin': 'all-contacts.csv:2'}]
    """
    raw = read_csv(path, encoding=encoding)
    table = raw.rows
    by_label = {fold(name): name for name in table.column_names if name != ORIGIN}
    values: dict[str, pa.Array] = {}
    used: set[str] = set()
    missing = []
    for field in (obj.id, *obj.fields):
        columns = [by_label[fold(label)] for label in field.export if fold(label) in by_label]
        used.update(columns)
        if columns:
            values[field.name] = _coalesce([table.column(c) for c in columns])
        elif field.export and field is not obj.id:
            missing.append(field.name)
    if obj.has("lifecyclestage"):
        for name in table.column_names:
            column = stage_column(name)
            if column is not None:
                values[column] = table.column(name).combine_chunks()
                used.add(name)
    extras = [n for n in table.column_names if n not in used and n != ORIGIN]
    part = assemble(obj, path.name, values, table.column(ORIGIN), extras=extras, missing=missing)
    part.rejected[:0] = raw.rejected
    part.notes[:0] = raw.notes
    return part


def _coalesce(columns: list[pa.ChunkedArray]) -> pa.Array:
    arrays = [c.combine_chunks() for c in columns]
    return arrays[0] if len(arrays) == 1 else pc.coalesce(*arrays)
