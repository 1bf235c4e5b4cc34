"""The Salesforce connector: object exports or a warehouse sync, mapped to the model.

Point a source of ``kind = "salesforce"`` at a directory of CSV files: Bulk API 2.0
query results or Data Loader exports named ``<Object>.csv`` with field API names, or
the tables a sync tool lands (snake_case, ``_fivetran_*``), each file detected on its
own. ``objects`` lists which object fills which canonical table; ``picklists`` how
picklist labels become canonical values. Every key is ``<source name>:<Salesforce
Id>``; deleted records (IsDeleted, ``_fivetran_deleted``) come with ``_deleted``.

>>> import tempfile, pathlib
>>> from revhub.config import SourceSettings
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "Account.csv").write_text("Id,Name,CreatedDate\\n001A,Acme,2024-01-02\\n")
>>> source = SalesforceSource("crm", SourceSettings(kind="salesforce", path=str(folder)), folder)
>>> [(b.table, b.rows["account_id"].to_pylist()) for b in source.batches()]
[('accounts', ['crm:001A'])]
"""

from __future__ import annotations

from collections.abc import Iterator

from revhub.errors import DataError
from revhub.sources.base import Batch, Source
from revhub.sources.salesforce.export import Export
from revhub.sources.salesforce.fields import TableMap, apply
from revhub.sources.salesforce.frame import Frame
from revhub.sources.salesforce.objects import CONSULTED_ONLY, OBJECTS


class SalesforceSource(Source):
    """A Salesforce org as a directory of object exports (or a warehouse sync of it)."""

    kind = "salesforce"

    def batches(self) -> Iterator[Batch]:
        """One batch per object and canonical table it fills; notes ride on the first."""
        export = Export(self.name, self.path, self.settings.encoding)
        mapped = [name for name in OBJECTS if name in export.files and OBJECTS[name].maps]
        if not mapped:
            raise DataError(
                f"salesforce source `{self.name}`: {self.path} holds no Salesforce object "
                "revhub maps; expected files such as Account.csv, Opportunity.csv or a "
                "sync's account.csv."
            )
        pending = list(export.notes)
        for name in CONSULTED_ONLY:
            if name in export.files and name != "Organization":
                files = ", ".join(file.name for file in export.files[name])
                pending.append(f"{files}: read to complete other objects")
        for name in mapped:
            frame = export.frame(name)
            for index, mapping in enumerate(OBJECTS[name].maps):
                batch = _batch(mapping, frame, first=index == 0, notes=pending)
                if batch is not None:
                    pending = []
                    yield batch


def _batch(mapping: TableMap, frame: Frame, *, first: bool, notes: list[str]) -> Batch | None:
    """The batch of ``mapping`` over ``frame``; the object's notes and rejects travel with
    its first table. Other tables with no rows are left out."""
    rows = apply(mapping, frame)
    if not first and rows.num_rows == 0:
        return None
    extra = list(notes) + (frame.notes if first else [])
    left_out = frame.num_rows - rows.num_rows
    if mapping.skipped and left_out:
        rows_word = "row" if left_out == 1 else "rows"
        extra.append(f"{frame.origin}: {left_out} {rows_word} left out: {mapping.skipped}")
    return Batch(
        mapping.table,
        rows,
        origin=frame.origin,
        snapshot=True,
        rejected=tuple(frame.rejected) if first else (),
        notes=tuple(extra),
    )


__all__ = ["SalesforceSource"]
