"""The files of one pull, written under hidden temporary names and renamed into place together.

While a pull runs, each object's records stream into ``.<final name>.partial`` (a dot file,
which the file connectors never read). ``Staging.commit`` closes and fsyncs them and renames
each to its final name; an exception inside ``with Staging(...)`` deletes them instead, so
a failed pull leaves no file under a final name. A file that received no record is not
kept. Shapes: CSV with a header row (Salesforce), and one JSON object holding the list of
records under a key (HubSpot ``{"results": [...]}``, Stripe ``{"object": "list", "data":
[...]}``) with records exactly as the API returned them.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> with Staging(folder, 3) as staging:
...     customers = staging.json_list("customers", "data", {"object": "list"})
...     customers.write({"id": "cus_1"})
...     _ = staging.commit()
>>> json.loads((folder / "customers.pull-0003.json").read_text())
{'object': 'list', 'data': [{'id': 'cus_1'}]}
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from revhub.sources.live.state import pull_file_name

PARTIAL = ".partial"
_STALE = re.compile(r"^\..+\.pull-\d+\.(?:csv|json)\.partial$")


class PullFile:
    """One file of a pull, open under its temporary name until the pull commits."""

    def __init__(self, final: Path) -> None:
        self.final = final
        self.temp = final.with_name(f".{final.name}{PARTIAL}")
        self.count = 0
        self.handle: TextIO = self.temp.open("w", encoding="utf-8", newline="")

    @property
    def written(self) -> Path | None:
        """The final path once committed, or None when no record was written."""
        return self.final if self.count else None

    def finish(self) -> None:
        """Write what closes the document (nothing here)."""

    def close(self) -> None:
        """Finish, flush to disk and close the temporary file."""
        if self.handle.closed:
            return
        self.finish()
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()


class CsvFile(PullFile):
    """A CSV file: ``header`` first, then one row per record (cells already text)."""

    def __init__(self, final: Path, header: Iterable[str]) -> None:
        super().__init__(final)
        self._writer = csv.writer(self.handle, lineterminator="\n")
        self._writer.writerow(list(header))

    def write(self, row: Iterable[str]) -> None:
        """Append one row."""
        self._writer.writerow(list(row))
        self.count += 1


class JsonListFile(PullFile):
    """``{**head, key: [record, ...]}`` written one record at a time."""

    def __init__(self, final: Path, key: str, head: Mapping[str, Any]) -> None:
        super().__init__(final)
        opening = json.dumps({**head, key: []}, ensure_ascii=False)
        self.handle.write(opening[: opening.rindex("[") + 1])

    def write(self, record: Mapping[str, Any]) -> None:
        """Append one record, unchanged."""
        self.handle.write(",\n" if self.count else "\n")
        self.handle.write(json.dumps(record, ensure_ascii=False))
        self.count += 1

    def finish(self) -> None:
        """Close the list and the object."""
        self.handle.write("\n]}\n" if self.count else "]}\n")


class Staging:
    """The files of pull ``number`` in ``directory``; use as a context manager."""

    def __init__(self, directory: Path, number: int) -> None:
        self.directory = directory
        self.number = number
        self.files: list[PullFile] = []
        for path in directory.iterdir():
            if _STALE.match(path.name):  # left by a pull that was killed
                path.unlink()

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if error is not None:
            self.discard()

    def csv(self, stem: str, header: Iterable[str]) -> CsvFile:
        """A new CSV file ``<stem>.pull-<NNNN>.csv``."""
        file = CsvFile(self._final(stem, "csv"), header)
        self.files.append(file)
        return file

    def json_list(self, stem: str, key: str, head: Mapping[str, Any] | None = None) -> JsonListFile:
        """A new JSON file ``<stem>.pull-<NNNN>.json`` holding ``{**head, key: [...]}``."""
        file = JsonListFile(self._final(stem, "json"), key, head or {})
        self.files.append(file)
        return file

    def commit(self) -> list[Path]:
        """Put every file that holds records under its final name; return those names."""
        for file in self.files:
            file.close()
        written = []
        for file in self.files:
            if file.count:
                os.replace(file.temp, file.final)
                written.append(file.final)
            else:
                file.temp.unlink()
        return written

    def discard(self) -> None:
        """Close and delete every temporary file (the pull failed)."""
        for file in self.files:
            file.handle.close()
            file.temp.unlink(missing_ok=True)

    def _final(self, stem: str, extension: str) -> Path:
        return self.directory / pull_file_name(stem, self.number, extension)
