"""What each system's demo writer returns: who is who, and how to declare the source.

>>> export = NativeExport()
>>> export.add("stripe", {"kind": "stripe", "path": "stripe"}, identity_rows(
...     "account", ["cus_1"], ["acc_0000001"]))
>>> export.identity["stripe"].num_rows, export.sources["stripe"]["kind"]
(1, 'stripe')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pyarrow as pa

IDENTITY_SCHEMA = pa.schema(
    [
        ("entity", pa.string()),  # "account" or "person"
        ("native_id", pa.string()),  # the record's id as written in the export
        ("demo_id", pa.string()),  # the demo record it copies: account_id, contact_id, lead_id
    ]
)


def identity_rows(entity: str, native_ids: Sequence[str], demo_ids: Sequence[str]) -> pa.Table:
    """Identity truth rows: each native record of ``entity`` and the demo record it copies."""
    return pa.table(
        {
            "entity": pa.array([entity] * len(native_ids), pa.string()),
            "native_id": pa.array(native_ids, pa.string()),
            "demo_id": pa.array(demo_ids, pa.string()),
        },
        schema=IDENTITY_SCHEMA,
    )


@dataclass
class NativeExport:
    """Per source name: its ``[sources.<name>]`` settings (kind, path relative to the export
    root, mapping for generic files) and the identity truth of the records it holds."""

    identity: dict[str, pa.Table] = field(default_factory=dict)
    sources: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, name: str, settings: dict[str, str], identity: pa.Table | None = None) -> None:
        """Declare source ``name``; append identity rows for it if given."""
        self.sources[name] = settings
        if identity is not None:
            previous = self.identity.get(name)
            self.identity[name] = (
                identity if previous is None else pa.concat_tables([previous, identity])
            )

    def merge(self, other: NativeExport) -> None:
        """Take in another writer's sources and identity rows."""
        for name, settings in other.sources.items():
            self.add(name, settings, other.identity.get(name))
