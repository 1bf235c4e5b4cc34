"""Write the demo company as its systems would export it, with the truth of who is who.

``write_native(canonical, out)`` reads the generator's canonical Parquet tables and
hands them to each system's writer — Salesforce, HubSpot, Stripe, Zendesk, ads and web
analytics, spreadsheets — which write overlapping, imperfect copies of the same
customers in their native formats. Beside them go ``sources.toml`` (the
``[sources.<name>]`` declarations for revhub.toml, paths relative to ``out``),
``truth/identity.parquet`` and the generator's other truth tables and manifest. The
directory appears only when complete.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from revhub.demo.native.export import NativeExport
from revhub.demo.native.hubspot import write_hubspot
from revhub.demo.native.marketing import write_marketing
from revhub.demo.native.salesforce import write_salesforce
from revhub.demo.native.spreadsheets import write_spreadsheets
from revhub.demo.native.stripe import write_stripe
from revhub.demo.native.support import write_zendesk
from revhub.demo.native.truth import entity_roots, identity_truth
from revhub.errors import GenerationError
from revhub.model import TABLES

Writer = Callable[[Mapping[str, pa.Table], Path], NativeExport]
WRITERS: tuple[Writer, ...] = (
    write_salesforce,
    write_hubspot,
    write_stripe,
    write_zendesk,
    write_marketing,
    write_spreadsheets,
)
SOURCES_FILE = "sources.toml"
IDENTITY_TRUTH = Path("truth") / "identity.parquet"


@dataclass(frozen=True)
class NativeReport:
    """Where the export went, the sources it declares and files per source."""

    out: Path
    sources: dict[str, dict[str, str]]
    records: dict[str, int]


def write_native(canonical: Path, out: Path) -> NativeReport:
    """Write the native exports of the demo in ``canonical`` (generator output) to ``out``."""
    tables = {
        t.name: pq.read_table(canonical / f"{t.name}.parquet")
        for t in TABLES
        if (canonical / f"{t.name}.parquet").exists()
    }
    if "accounts" not in tables:
        raise GenerationError(f"{canonical} holds no demo tables; run `revhub generate` first.")
    partial = out.parent / f".{out.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    export = NativeExport()
    for writer in WRITERS:
        export.merge(writer(tables, partial))
    duplicates = pq.read_table(canonical / "truth" / "duplicate_records.parquet")
    truth = identity_truth(export, entity_roots(duplicates, tables["leads"]))
    shutil.copytree(canonical / "truth", partial / "truth")
    pq.write_table(truth, partial / IDENTITY_TRUTH)
    for extra in ("manifest.json",):
        if (canonical / extra).exists():
            shutil.copy2(canonical / extra, partial / extra)
    (partial / SOURCES_FILE).write_text(sources_toml(export.sources, prefix=""))
    shutil.rmtree(out, ignore_errors=True)
    partial.rename(out)
    records = {name: rows.num_rows for name, rows in export.identity.items()}
    return NativeReport(out, export.sources, records)


def sources_toml(sources: Mapping[str, Mapping[str, str]], prefix: str) -> str:
    """``[sources.<name>]`` tables, with ``prefix`` put before every path.

    >>> print(sources_toml({"crm": {"kind": "salesforce", "path": "salesforce"}}, "demo/"))
    [sources.crm]
    kind = "salesforce"
    path = "demo/salesforce"
    <BLANKLINE>
    """
    lines = []
    for name, settings in sorted(sources.items()):
        lines.append(f"[sources.{name}]")
        for key, value in settings.items():
            shown = f"{prefix}{value}" if key in ("path", "mapping") else value
            lines.append(f'{key} = "{shown}"')
        lines.append("")
    return "\n".join(lines)
