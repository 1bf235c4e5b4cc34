"""The generator's canonical tables, as the native writers take them."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from revhub.model import TABLES


def demo_tables(out: Path) -> dict[str, pa.Table]:
    """Every canonical table ``revhub generate`` wrote to ``out``, by name."""
    return {
        t.name: pq.read_table(out / f"{t.name}.parquet")
        for t in TABLES
        if (out / f"{t.name}.parquet").exists()
    }
