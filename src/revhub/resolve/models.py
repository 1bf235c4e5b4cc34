"""The probabilistic models, as data: what is compared, how, and which pairs at all.

A ``Comparison`` looks at one field of two records. Its levels run from most to least
similar, each with a readable label, SQL over ``<column>_l`` / ``<column>_r`` and prior m
and u probabilities (m: how often true matches land at that level; u: how often random
pairs do). A pair lacking the field on either side is "missing" and weighs nothing.

Priors are used as they are on small data, where training would be noise. With enough
records (``ResolveSettings.train_min_records``), the u of exact levels is computed from
the data (``exact_on``: the share of record pairs sharing a value), the other u's are
estimated by random sampling and the m's by expectation maximisation on the pairs sharing
a deterministic rule's key (``training``) — pairs that are nearly all matches, so EM
learns how matches look on every other field. (EM blocked on looser keys, such as any
shared email, learnt shared mailboxes as "matches" and lost 3 points of F1.)

``blocking`` says which pairs are scored at all: pairs agreeing on every column of at
least one rule, chosen so a million records stay a few million comparisons.

>>> [c.name for c in ACCOUNT_MODEL.comparisons]
['name', 'domain', 'phone', 'city', 'country']
"""

from __future__ import annotations

from dataclasses import dataclass

from revhub.resolve.rules import Entity


@dataclass(frozen=True)
class Level:
    """One level of a comparison and its priors; ``exact_on`` for levels meaning "equal"."""

    label: str
    sql: str
    m: float
    u: float
    exact_on: str | None = None


@dataclass(frozen=True)
class Comparison:
    """How one field of two records compares; ``column`` missing on either side → no evidence."""

    name: str
    column: str
    levels: tuple[Level, ...]


@dataclass(frozen=True)
class Model:
    """A probabilistic matching model for one entity."""

    entity: Entity
    columns: tuple[str, ...]
    comparisons: tuple[Comparison, ...]
    blocking: tuple[tuple[str, ...], ...]
    training: tuple[tuple[str, ...], ...]
    prior: float


def exact(column: str, m: float, u: float) -> Level:
    """Both values equal."""
    return Level("exact", f"{column}_l = {column}_r", m, u, exact_on=column)


def jaro_winkler(column: str, at_least: float, m: float, u: float) -> Level:
    """Values alike by Jaro-Winkler similarity (typos, swapped or dropped letters)."""
    sql = f"jaro_winkler_similarity({column}_l, {column}_r) >= {at_least}"
    return Level(f"Jaro-Winkler ≥ {at_least}", sql, m, u)


def other(m: float, u: float) -> Level:
    """Anything else: the values disagree."""
    return Level("different", "ELSE", m, u)


def exact_or_not(name: str, column: str, m: float, u: float) -> Comparison:
    """A field that either matches exactly or not at all (phone, city, country)."""
    return Comparison(name, column, (exact(column, m, u), other(1 - m, 1 - u)))


_NO_SUBDOMAIN = "NOT domain_sub_l AND NOT domain_sub_r"  # us.acme.com is a subsidiary
# An email shared by two different names is a shared mailbox (info@, jo@ for two Jos), so
# an email only counts as evidence when neither first nor last names contradict it.
_NAMES_AGREE = (
    "coalesce(jaro_winkler_similarity(first_key_l, first_key_r) >= 0.88, true) "
    "AND coalesce(jaro_winkler_similarity(last_key_l, last_key_r) >= 0.9, true)"
)

ACCOUNT_MODEL = Model(
    entity="account",
    columns=(
        "name_key",
        "domain_key",
        "domain_stem",
        "domain_sub",
        "phone_key",
        "city_key",
        "country_key",
        "name_start",
        "name_end",
    ),
    comparisons=(
        Comparison(
            "name",
            "name_key",
            (
                exact("name_key", m=0.75, u=1e-4),
                Level(
                    "one typo (Damerau-Levenshtein ≤ 1)",
                    "damerau_levenshtein(name_key_l, name_key_r) <= 1",
                    m=0.18,
                    u=2e-4,
                ),
                jaro_winkler("name_key", 0.92, m=0.04, u=3e-3),
                other(m=0.03, u=0.9967),
            ),
        ),
        Comparison(
            "domain",
            "domain_key",
            (
                exact("domain_key", m=0.85, u=1e-4),
                Level(
                    "same name, other ending",
                    f"domain_stem_l = domain_stem_r AND {_NO_SUBDOMAIN}",
                    m=0.06,
                    u=1e-4,
                ),
                other(m=0.09, u=0.9998),
            ),
        ),
        exact_or_not("phone", "phone_key", m=0.95, u=1e-5),
        exact_or_not("city", "city_key", m=0.97, u=0.03),
        exact_or_not("country", "country_key", m=0.98, u=0.15),
    ),
    blocking=(
        ("domain_key",),
        ("name_key",),
        ("domain_stem",),
        ("phone_key",),
        ("name_start", "city_key"),
        ("name_end", "city_key"),
    ),
    training=(("domain_key",),),
    prior=1e-4,
)

PERSON_MODEL = Model(
    entity="person",
    columns=(
        "email_key",
        "work_email",
        "email_local",
        "first_key",
        "last_key",
        "phone_key",
        "country_key",
        "account_entity",
    ),
    comparisons=(
        Comparison(
            "email",
            "email_key",
            (
                Level(
                    "exact (work address)",
                    f"email_key_l = email_key_r AND work_email_l IS NOT NULL AND {_NAMES_AGREE}",
                    m=0.75,
                    u=1e-5,
                    exact_on="work_email",
                ),
                Level(
                    "exact (free-mail address)",
                    f"email_key_l = email_key_r AND {_NAMES_AGREE}",
                    m=0.05,
                    u=1e-5,
                ),
                Level(
                    "same mailbox at another domain",
                    f"email_local_l = email_local_r AND {_NAMES_AGREE}",
                    m=0.06,
                    u=1e-4,
                ),
                other(m=0.14, u=0.99988),
            ),
        ),
        Comparison(
            "first_name",
            "first_key",
            (
                exact("first_key", m=0.9, u=0.02),
                jaro_winkler("first_key", 0.88, m=0.08, u=0.01),
                other(m=0.02, u=0.97),
            ),
        ),
        Comparison(
            "last_name",
            "last_key",
            (
                exact("last_key", m=0.89, u=0.02),
                jaro_winkler("last_key", 0.9, m=0.1, u=0.005),
                other(m=0.01, u=0.975),
            ),
        ),
        exact_or_not("phone", "phone_key", m=0.97, u=1e-5),
        exact_or_not("account", "account_entity", m=0.9, u=1e-4),
    ),
    blocking=(
        ("work_email",),
        ("phone_key",),
        ("account_entity", "last_key"),
        ("account_entity", "first_key"),
    ),
    training=(("work_email", "first_key", "last_key"),),
    prior=1e-4,
)

MODELS: dict[Entity, Model] = {"account": ACCOUNT_MODEL, "person": PERSON_MODEL}
