"""Where a source's pulls stand: the cursor of each object and the number of the next pull.

The cursors live in ``<directory>/.revhub-pull-state.json`` as one JSON object, object name
to the last cursor value (a Salesforce ``SystemModstamp``, HubSpot milliseconds, a Stripe
``created``). The file is replaced atomically (temporary file, fsync, rename), and only
after every file of the pull is in place, so an interrupted pull starts again from the
old cursors. Pull files are named ``<object>.pull-<NNNN>.<ext>``; the next pull takes the
highest number in the directory plus one.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> read_cursors(folder), next_pull_number(folder)
({}, 1)
>>> write_cursors(folder, {"Account": "2024-01-02T03:04:05.000+0000"})
>>> _ = (folder / "Account.pull-0007.csv").write_text("Id\\n")
>>> read_cursors(folder), next_pull_number(folder)
({'Account': '2024-01-02T03:04:05.000+0000'}, 8)
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from revhub.errors import DataError

STATE_FILE = ".revhub-pull-state.json"
PULL_FILE = re.compile(r"^[^.].*\.pull-(?P<number>\d+)\.(?:csv|json)$")


def read_cursors(directory: Path) -> dict[str, Any]:
    """The cursors saved by the last complete pull into ``directory`` ({} before the first)."""
    path = directory / STATE_FILE
    if not path.exists():
        return {}
    try:
        cursors = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DataError(
            f"{path}: cannot read the pull state ({error}). Delete the file to pull every "
            "record again; the files already pulled stay."
        ) from error
    if not isinstance(cursors, dict):
        raise DataError(
            f"{path}: the pull state must be a JSON object of cursors, found "
            f"{type(cursors).__name__}. Delete the file to pull every record again."
        )
    return cursors


def write_cursors(directory: Path, cursors: Mapping[str, Any]) -> None:
    """Replace the saved cursors atomically."""
    path = directory / STATE_FILE
    temp = path.with_name(f"{path.name}.partial")
    with temp.open("w", encoding="utf-8") as handle:
        json.dump(dict(sorted(cursors.items())), handle, indent=2)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


def next_pull_number(directory: Path) -> int:
    """One more than the highest ``.pull-<NNNN>.`` number of the files in ``directory``."""
    if not directory.is_dir():
        return 1
    numbers = [
        int(match["number"])
        for path in directory.iterdir()
        if (match := PULL_FILE.match(path.name)) is not None
    ]
    return max(numbers, default=0) + 1


def pull_file_name(stem: str, number: int, extension: str) -> str:
    """The final name of an object's file in pull ``number``.

    >>> pull_file_name("contacts", 3, "json")
    'contacts.pull-0003.json'
    """
    return f"{stem}.pull-{number:04d}.{extension}"
