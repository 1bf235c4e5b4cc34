"""A directory of Salesforce files, read object by object, in either shape.

Each file is read as text (``readers.read_csv``: bad records become ``Rejected`` with
their line), put into API field names (the sync shape is renamed, see ``synced``),
given ``_deleted`` (IsDeleted) and checked for schema drift: a file without ``Id``
cannot be used and raises DataError; a mapped field the file lacks leaves its
canonical columns empty with a note; fields revhub does not read are listed in one
note. All files of one object (the export and its incremental pulls, in order) make
one ``Frame``. Objects other mappings consult are kept once read.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from revhub.errors import DataError
from revhub.sources.base import DELETED, Rejected
from revhub.sources.readers import read_csv
from revhub.sources.salesforce import synced, values
from revhub.sources.salesforce.frame import CURRENT, Frame
from revhub.sources.salesforce.objects import NOT_MAPPED, OBJECTS, object_of

_SHOWN = 12  # unmapped columns named in a note before "and N more"
# Objects other objects' mappings consult: kept in memory once read.
_KEEP = {
    "OpportunityHistory",
    "Opportunity",
    "OpportunityLineItem",
    "Lead",
    "Contact",
    "Campaign",
    "User",
    "UserTerritory2Association",
    "ObjectTerritory2Association",
    "Organization",
}


class Export:
    """The Salesforce files of one source: which object each holds, read on demand."""

    def __init__(self, source: str, path: Path, encoding: str) -> None:
        if not path.is_dir():
            raise DataError(
                f"salesforce source `{source}`: {path} is not a directory; point `path` at "
                "the folder holding the object exports (Account.csv, Opportunity.csv, ...)."
            )
        self.source = source
        self.encoding = encoding
        self.notes: list[str] = []
        self.files: dict[str, list[Path]] = defaultdict(list)
        self._kept: dict[str, Frame] = {}
        self._currency: str | None = None
        found: list[tuple[str, int, str, Path]] = []
        for file in sorted(p for p in path.iterdir() if p.is_file() and p.name[0] != "."):
            named = object_of(file.name)
            if named is None or named[0] in NOT_MAPPED:
                self.notes.append(_ignored(file.name, named))
                continue
            name = synced.history_mode_of(named[0], _header(file), OBJECTS)
            found.append((name, named[1], file.name, file))
        for name, _, _, file in sorted(found):  # the export first, then pulls in order
            self.files[name].append(file)

    @property
    def currency(self) -> str:
        """Organization.DefaultCurrencyIsoCode when exported, else USD."""
        if self._currency is None:
            org = self.related("Organization")
            codes = [] if org is None else org.column("DefaultCurrencyIsoCode").drop_null()
            self._currency = str(codes[0].as_py()) if len(codes) else "USD"
        return self._currency

    def related(self, name: str) -> Frame | None:
        """Every row of object ``name``, or None when the export has no file of it."""
        return self.frame(name) if name in self.files else None

    def frame(self, name: str) -> Frame:
        """All files of object ``name`` as one frame, with their notes and rejects."""
        if name in self._kept:
            return self._kept[name]
        parts, notes, rejected = [], [], []
        for file in self.files[name]:
            rows, file_notes, file_rejected = self._read(file, name)
            parts.append(rows)
            notes.extend(file_notes)
            rejected.extend(file_rejected)
        rows = pa.concat_tables(parts, promote_options="default")
        origin = ", ".join(f.name for f in self.files[name])
        frame = Frame(name, rows, self.source, self, origin, notes, rejected)
        if name in _KEEP:
            self._kept[name] = frame
        return frame

    def _read(self, file: Path, name: str) -> tuple[pa.Table, list[str], list[Rejected]]:
        spec = OBJECTS[name]
        raw = read_csv(file, encoding=self.encoding)
        rows = raw.rows
        if synced.is_synced(rows.column_names):
            rows = synced.to_api(rows, spec.fields())
        else:
            deleted = pc.fill_null(values.truthy(_column(rows, "IsDeleted")), False)
            rows = rows.append_column(DELETED, deleted)
            rows = rows.append_column(CURRENT, pa.array([True] * rows.num_rows, pa.bool_()))
        if "Id" not in rows.column_names:
            raise DataError(
                f"{file}: column Id (id in a warehouse sync) missing; revhub needs each "
                f"record's Id to key it. Re-export {name} including the Id field."
            )
        notes = [*raw.notes, *self._drift(file.name, name, rows.column_names)]
        return rows, notes, list(raw.rejected)

    def _drift(self, file: str, name: str, columns: list[str]) -> list[str]:
        spec = OBJECTS[name]
        present = set(columns)
        if not spec.maps:
            return []
        outcomes: dict[str, list[str]] = {}
        for mapping in spec.maps:
            for column, field in mapping.fields.items():
                names = field.reads or field.uses
                wanted = [n for n in names if not n.startswith("_")]
                if wanted and not present.intersection(names):
                    outcome = field.when_missing or f"{column} left empty"
                    said = outcomes.setdefault("/".join(wanted), [])
                    if outcome not in said:
                        said.append(outcome)
        notes = [
            f"{file}: column {fields} missing; {', '.join(said).format(currency=self.currency)}"
            for fields, said in outcomes.items()
        ]
        extra = sorted(c for c in present - spec.fields() if not c.startswith("_"))
        if extra:
            shown = ", ".join(extra[:_SHOWN])
            more = f" and {len(extra) - _SHOWN} more" if len(extra) > _SHOWN else ""
            count = f"{len(extra)} column{'s' if len(extra) > 1 else ''}"
            notes.append(f"{file}: {count} not mapped, ignored: {shown}{more}")
        return notes


def _ignored(file: str, named: tuple[str, int] | None) -> str:
    why = NOT_MAPPED.get(named[0]) if named else None
    return f"{file}: not a Salesforce object revhub maps; ignored" + (f" ({why})" if why else "")


def _column(rows: pa.Table, name: str) -> pa.Array:
    if name not in rows.column_names:
        return values.nulls(rows.num_rows)
    return values.as_array(rows[name])


def _header(file: Path) -> list[str]:
    """The column names of a file's first line, split loosely (enough to tell shapes)."""
    try:
        with file.open("rb") as handle:
            line = handle.readline(1 << 20).decode("utf-8", "replace")
    except OSError as error:
        raise DataError(f"{file}: cannot read the file: {error.strerror}.") from error
    cleaned = line.strip().lstrip("\ufeff")
    return [
        c.strip().strip('"')
        for c in cleaned.replace(";", ",").replace("\t", ",").replace("|", ",").split(",")
    ]
