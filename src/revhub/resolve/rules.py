"""Identity rules as data: the deterministic rules, applied before any model.

- a **key rule** links records that agree on every column of its key (none missing),
  unless its ``agree`` condition says the pair contradicts itself;
- a **reference rule** links a record to the one a column of it points at (a converted
  lead's ``converted_contact_id``).

What they leave is scored by the probabilistic models in ``models``. Columns are those
of the normalised records (see ``records``).

>>> [(rule.entity, rule.name, rule.key) for rule in KEY_RULES][0]
('account', 'domain', ('domain_key',))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Entity = Literal["account", "person"]
ENTITIES: tuple[Entity, ...] = ("account", "person")
ENTITY_TABLES: dict[Entity, tuple[str, ...]] = {
    "account": ("accounts",),
    "person": ("contacts", "leads"),
}
# How a record joined its entity, strongest first (a record linked in two ways shows the first).
MATCHED_BY = ("override", "converted", "email", "domain", "splink", "singleton")


@dataclass(frozen=True)
class KeyRule:
    """Records agreeing on every column of ``key`` are the same entity, as long as the
    ``agree`` condition (SQL over the pair ``l``, ``r``) holds; otherwise the model decides.
    A key value shared by more than ``MAX_KEY_RECORDS`` records identifies nothing."""

    entity: Entity
    name: str
    key: tuple[str, ...]
    description: str
    agree: str = "true"


MAX_KEY_RECORDS = 1_000


@dataclass(frozen=True)
class ReferenceRule:
    """A record of ``table`` is the same entity as the ``target`` record its ``column`` names."""

    entity: Entity
    name: str
    table: str
    column: str
    target: str
    description: str


KEY_RULES = (
    KeyRule(
        "account",
        "domain",
        ("domain_key",),
        "Same company web domain, unless the names or phone numbers contradict it (then "
        "the model decides). Free-mail domains (gmail.com, ...) never count.",
        agree="coalesce(jaro_winkler_similarity(l.name_key, r.name_key) >= 0.9, true) "
        "AND coalesce(l.phone_key = r.phone_key, true)",
    ),
    KeyRule(
        "person",
        "email",
        ("work_email", "first_key", "last_key"),
        "Same work email address and the same name (nicknames expanded). Shared mailboxes "
        "(info@) and free-mail addresses (shared in families, recycled by providers, typed "
        "by others into forms) are left to the model.",
    ),
)
REFERENCE_RULES = (
    ReferenceRule(
        "person",
        "converted",
        "leads",
        "converted_contact_id",
        "contacts",
        "A converted lead is the contact it became.",
    ),
    ReferenceRule(
        "person",
        "converted",
        "contacts",
        "converted_from_lead_id",
        "leads",
        "A contact is the lead it was converted from.",
    ),
)
