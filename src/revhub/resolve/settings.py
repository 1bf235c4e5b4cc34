"""What identity resolution can be told: the ``[resolve]`` section of revhub.toml.

Survivorship says, per golden-record field, which source record's value wins:

- ``most_trusted``: the record from the system earliest in ``trust_order`` (ties: newest);
- ``most_recent``: the most recently updated record (ties: most trusted);
- ``most_complete``: the longest value (ties: most trusted).

Empty values never win. Fields not named keep their default rule. The defaults: what the
CRM is the system of record for (names, domain, country, owner, CSM, partner, segment,
region, territory, email) comes from the most trusted source; what goes stale (phone,
city, title, size, stage) from the most recent; free-text labels (industry) from the most
complete.

>>> s = ResolveSettings(account_survivorship={"city": "most_trusted"})
>>> s.account_survivorship["city"], s.account_survivorship["name"]
('most_trusted', 'most_trusted')
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from revhub.errors import did_you_mean
from revhub.resolve.models import ACCOUNT_MODEL, PERSON_MODEL

Survivorship = Literal["most_trusted", "most_recent", "most_complete"]

ACCOUNT_SURVIVORSHIP: dict[str, Survivorship] = {
    "name": "most_trusted",
    "domain": "most_trusted",
    "country": "most_trusted",
    "city": "most_recent",
    "phone": "most_recent",
    "industry": "most_complete",
    "employees": "most_recent",
    "annual_revenue": "most_recent",
    "owner_id": "most_trusted",
    "lifecycle_stage": "most_recent",
    "segment": "most_trusted",
    "region": "most_trusted",
    "csm_id": "most_trusted",
    "partner_id": "most_trusted",
    "territory_id": "most_trusted",
}
PERSON_SURVIVORSHIP: dict[str, Survivorship] = {
    "first_name": "most_trusted",
    "last_name": "most_trusted",
    "email": "most_trusted",
    "phone": "most_recent",
    "title": "most_recent",
    "country": "most_trusted",
    "account_entity_id": "most_trusted",
}


def _with_defaults(
    given: dict[str, Survivorship], defaults: dict[str, Survivorship], what: str
) -> dict[str, Survivorship]:
    for field in given:
        if field not in defaults:
            hint = did_you_mean(field, defaults) or f" Fields: {', '.join(defaults)}."
            raise ValueError(f"{what} has no field `{field}`.{hint}")
    return {**defaults, **given}


def _check_blocking(rules: list[list[str]], columns: tuple[str, ...], what: str) -> None:
    for rule in rules:
        if not rule:
            raise ValueError(f"{what}: a blocking rule needs at least one column.")
        for column in rule:
            if column not in columns:
                hint = did_you_mean(column, columns) or f" Columns: {', '.join(columns)}."
                raise ValueError(f"{what}: unknown column `{column}`.{hint}")


class ResolveSettings(BaseModel):
    """Identity resolution: match threshold, trust order, survivorship and blocking."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    threshold: float = Field(
        0.95,
        gt=0,
        lt=1,
        description="Match probability at or above which two records are the same entity.",
    )
    review_threshold: float = Field(
        0.5,
        gt=0,
        lt=1,
        description="Pairs scored at or above this are kept in resolve.match_explanations.",
    )
    trust_order: list[str] = Field(
        default_factory=lambda: ["salesforce", "hubspot", "stripe", "zendesk"],
        description="Source systems from most to least trusted (most_trusted survivorship).",
    )
    account_survivorship: dict[str, Survivorship] = Field(
        default_factory=lambda: dict(ACCOUNT_SURVIVORSHIP),
        description="Rule per golden account field: most_trusted, most_recent, most_complete.",
    )
    person_survivorship: dict[str, Survivorship] = Field(
        default_factory=lambda: dict(PERSON_SURVIVORSHIP),
        description="Rule per golden person field: most_trusted, most_recent, most_complete.",
    )
    account_blocking: list[list[str]] = Field(
        default_factory=lambda: [list(rule) for rule in ACCOUNT_MODEL.blocking],
        description="Column sets whose agreement makes two accounts worth comparing.",
    )
    person_blocking: list[list[str]] = Field(
        default_factory=lambda: [list(rule) for rule in PERSON_MODEL.blocking],
        description="Column sets whose agreement makes two people worth comparing.",
    )
    canonical_email: bool = Field(
        True, description="Ignore +tags in emails, and dots in Gmail addresses."
    )
    train_min_records: int = Field(
        5_000,
        ge=0,
        description="Below this many records the model keeps its documented priors untrained.",
    )
    seed: int = Field(42, ge=0, description="Random seed of model training (reproducible runs).")

    @field_validator("account_survivorship")
    @classmethod
    def _account_fields(cls, value: dict[str, Survivorship]) -> dict[str, Survivorship]:
        return _with_defaults(value, ACCOUNT_SURVIVORSHIP, "account_survivorship")

    @field_validator("person_survivorship")
    @classmethod
    def _person_fields(cls, value: dict[str, Survivorship]) -> dict[str, Survivorship]:
        return _with_defaults(value, PERSON_SURVIVORSHIP, "person_survivorship")

    @field_validator("account_blocking")
    @classmethod
    def _account_blocks(cls, value: list[list[str]]) -> list[list[str]]:
        _check_blocking(value, ACCOUNT_MODEL.columns, "account_blocking")
        return value

    @field_validator("person_blocking")
    @classmethod
    def _person_blocks(cls, value: list[list[str]]) -> list[list[str]]:
        _check_blocking(value, PERSON_MODEL.columns, "person_blocking")
        return value

    @field_validator("trust_order")
    @classmethod
    def _sources(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("trust_order names a source twice.")
        return value
