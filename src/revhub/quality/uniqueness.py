"""Uniqueness: records that identity resolution found to be the same company or person.

Resolution (``revhub resolve``) writes ``resolve.crosswalk``: one row per record with the
entity it belongs to. Records of one table that share an entity are duplicates; the
earliest created one is kept as the original and every later one fails. By default
only copies within one source count (the same company twice in Salesforce is a
problem; the same company in Salesforce and in Stripe is the point of integration);
``within: table`` counts copies across sources too. Without a crosswalk the rule is
skipped with a note saying to run resolution first.

>>> Duplicates(kind="duplicates", table="contacts").entity_kind
'person'
"""

from __future__ import annotations

from typing import ClassVar, Literal

import ibis

from revhub.quality.base import Dimension, RuleKeyError, TableRule
from revhub.quality.checks import Check, Context, render

CROSSWALK = ("resolve", "crosswalk")
ENTITIES = {"accounts": "account", "contacts": "person", "leads": "person"}
NOT_RUN = "not run yet — run `revhub resolve`"


class Duplicates(TableRule):
    """Records sharing a resolved entity with an earlier record of the same table."""

    kind: Literal["duplicates"]
    dimension: ClassVar[Dimension] = "uniqueness"
    template: ClassVar[str] = (
        "duplicate of {original} (same {entity} entity {entity_id}); merge it into the original"
    )
    placeholders: ClassVar[tuple[str, ...]] = (
        "table",
        "field",
        "value",
        "original",
        "entity",
        "entity_id",
    )
    entity: Literal["account", "person"] | None = None
    within: Literal["source", "table"] = "source"

    @property
    def entity_kind(self) -> str:
        """The crosswalk's entity kind for this table."""
        return self.entity or ENTITIES[self.table]

    def validate_against_model(self) -> None:
        super().validate_against_model()
        if self.entity is None and self.table not in ENTITIES:
            raise RuleKeyError(
                "entity",
                f"say which entity {self.table} records resolve to (account or person); "
                f"it is known only for {', '.join(ENTITIES)}.",
            )

    def skip_reason(self, ctx: Context) -> str | None:
        return NOT_RUN if ctx.optional_table(*CROSSWALK) is None else None

    def checks(self, ctx: Context) -> list[Check]:
        crosswalk = ctx.optional_table(*CROSSWALK)
        assert crosswalk is not None  # skip_reason said so
        key = self.definition.primary_key[0]
        table = ctx.table(self.table)
        mine = crosswalk.filter(
            (crosswalk.entity == self.entity_kind) & (crosswalk.record_table == self.table)
        )
        links = mine.select(_rh_record=mine.record_id, _rh_entity=mine.entity_id)
        joined = table.left_join(links, table[key] == links._rh_record).drop("_rh_record")
        group = (
            [joined._rh_entity, joined.source] if self.within == "source" else [joined._rh_entity]
        )
        window = ibis.window(group_by=group, order_by=[joined.created_at, joined[key]])
        frame = joined.mutate(
            _rh_original=joined[key].first().over(window),
            _rh_copies=joined[key].count().over(window),
        )
        bad = (
            frame._rh_entity.notnull() & (frame._rh_copies > 1) & (frame[key] != frame._rh_original)
        )
        message = render(
            self.text,
            table=self.table,
            field=key,
            value=frame[key],
            original=frame._rh_original,
            entity=self.entity_kind,
            entity_id=frame._rh_entity,
        )
        return [Check(self.table, None, frame, bad, message, self.filter(frame))]
