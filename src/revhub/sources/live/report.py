"""What a pull did: per object, the records and pages fetched, the file written, the new cursor.

>>> stamp = "2024-01-02T03:04:05.000+0000"
>>> str(ObjectPull("Account", records=3, pages=2, file=None, cursor=stamp))
'Account: 3 record(s) in 2 page(s), no file, cursor 2024-01-02T03:04:05.000+0000'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ObjectPull:
    """One object of a pull. ``file`` is None when nothing new was found."""

    name: str
    records: int
    pages: int
    file: Path | None
    cursor: Any = None  # the cursor saved for the next pull (None: full every time)

    def __str__(self) -> str:
        where = self.file.name if self.file else "no file"
        cursor = "" if self.cursor is None else f", cursor {self.cursor}"
        return f"{self.name}: {self.records} record(s) in {self.pages} page(s), {where}{cursor}"


@dataclass
class Pulled:
    """What a vendor module hands back: its objects, the cursors to save and notes."""

    objects: list[ObjectPull] = field(default_factory=list)
    cursors: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PullReport:
    """One pull of source ``source`` into ``directory``, numbered ``number``."""

    source: str
    kind: str
    directory: Path
    number: int
    objects: tuple[ObjectPull, ...]
    retries: int = 0  # requests resent after 429/5xx or a dropped connection
    notes: tuple[str, ...] = ()

    @property
    def files(self) -> list[Path]:
        """The files this pull wrote."""
        return [o.file for o in self.objects if o.file is not None]

    @property
    def records(self) -> int:
        """Records fetched over all objects."""
        return sum(o.records for o in self.objects)

    def __str__(self) -> str:
        lines = [
            f"pull {self.number:04d} of {self.kind} source `{self.source}` into "
            f"{self.directory}: {self.records} record(s), {len(self.files)} file(s), "
            f"{self.retries} retried request(s)"
        ]
        lines += [f"  {o}" for o in self.objects]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)
