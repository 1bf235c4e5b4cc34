"""Who is who in the native exports: every account- and person-like record and its entity.

Each system writer says which demo record each of its records copies (``demo_id``).
The demo's own duplicates and conversions then say which real company or person that
demo record is: a planted duplicate (``accdup_…``) is its original; a converted lead is
the contact it became. The result is the ground truth ``revhub resolve --evaluate``
scores against: (entity, record_id = "<source>:<native id>", true_entity_id).

>>> import pyarrow as pa
>>> dups = pa.table({"entity_table": ["accounts"], "original_id": ["acc_1"],
...                  "duplicate_id": ["accdup_1"]})
>>> leads = pa.table({"lead_id": ["lead_1"], "converted_contact_id": ["con_1"]})
>>> roots = entity_roots(dups, leads)
>>> roots["accdup_1"], roots["lead_1"], roots.get("con_1", "con_1")
('acc_1', 'con_1', 'con_1')
"""

from __future__ import annotations

import pyarrow as pa

from revhub.demo.native.export import NativeExport


def entity_roots(duplicates: pa.Table, leads: pa.Table) -> dict[str, str]:
    """demo id -> the demo id of the real entity it stands for (absent: itself)."""
    parent: dict[str, str] = {}
    for original, duplicate in zip(
        duplicates["original_id"].to_pylist(), duplicates["duplicate_id"].to_pylist(), strict=True
    ):
        parent[duplicate] = original
    for lead, contact in zip(
        leads["lead_id"].to_pylist(), leads["converted_contact_id"].to_pylist(), strict=True
    ):
        if contact is not None and lead not in parent:
            parent[lead] = contact
    roots: dict[str, str] = {}
    for start in parent:
        node, seen = start, {start}
        while node in parent and parent[node] not in seen:
            node = parent[node]
            seen.add(node)
        roots[start] = node
    return roots


def identity_truth(export: NativeExport, roots: dict[str, str]) -> pa.Table:
    """The ground-truth table: entity, record_id, true_entity_id for every written record."""
    entities: list[str] = []
    records: list[str] = []
    truths: list[str] = []
    for source, rows in sorted(export.identity.items()):
        for entity, native_id, demo_id in zip(
            rows["entity"].to_pylist(),
            rows["native_id"].to_pylist(),
            rows["demo_id"].to_pylist(),
            strict=True,
        ):
            entities.append(entity)
            records.append(f"{source}:{native_id}")
            truths.append(roots.get(demo_id, demo_id))
    return pa.table(
        {"entity": entities, "record_id": records, "true_entity_id": truths},
        schema=pa.schema(
            [("entity", pa.string()), ("record_id", pa.string()), ("true_entity_id", pa.string())]
        ),
    )
