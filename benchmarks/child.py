"""Run one measurement in a fresh interpreter and sample its peak RSS.

``measure_child("ingest", "first", root, "csv")`` runs ``benchmarks.ingest._child_first(root,
"csv")`` in a new Python process, samples the process's resident memory with psutil every
50 ms, and returns the dict the child printed as its last line, with ``peak_rss_mb``.

The child's output goes to files, not pipes: a chatty child (DuckDB's progress bar) can fill
a pipe nobody reads until the end, and block.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil


def measure_child(module: str, kind: str, *args: Any) -> dict[str, Any]:
    """The figures ``benchmarks.<module>._child_<kind>(*args)`` returned, plus peak RSS."""
    code = (
        "import json, sys\n"
        f"from benchmarks import {module} as b\n"
        f"result = b._child_{kind}(*json.loads(sys.argv[1]))\n"
        "print('\\n' + json.dumps(result))\n"
    )
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            [sys.executable, "-c", code, json.dumps(args)],
            stdout=out,
            stderr=err,
            text=True,
            cwd=Path(__file__).parent.parent,
        )
        watched = psutil.Process(process.pid)
        peak = 0
        while process.poll() is None:
            try:
                peak = max(peak, watched.memory_info().rss)
            except psutil.NoSuchProcess:
                break
            time.sleep(0.05)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode:
        raise RuntimeError(f"benchmark child `{module}.{kind}` failed:\n{stderr[-4000:]}")
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    result["peak_rss_mb"] = peak / 2**20
    return result
