"""Quality rules as YAML: the shipped defaults, a workspace's changes, and their validation.

A rules file is ``version: 1`` and a ``rules`` mapping of rule name → rule (see
``default_rules.yaml`` for every kind and key)::

    version: 1
    rules:
      open_deal_no_activity:      # a shipped rule: change one key
        days: 14
      stale_lead:
        enabled: false
      customer_phone:             # a new rule
        kind: phone
        table: accounts
        where: {lifecycle_stage: customer}
        owner: csm_id
        severity: error

A workspace file is merged over the defaults key by key. Every mistake raises a
ConfigError naming the file, the rule and the key, with a suggestion where one is close.

>>> rules = load_rules()
>>> rules.rules["open_deal_no_activity"].days, rules.rules["foreign_keys"].dimension
(30, 'integrity')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, get_args

from pydantic import Field, TypeAdapter, ValidationError

from revhub.errors import ConfigError, did_you_mean
from revhub.quality.base import RuleKeyError
from revhub.quality.completeness import Required
from revhub.quality.consistency import (
    DateOrder,
    HasRelated,
    MatchesRelated,
    RequiredWhen,
    StageFlags,
)
from revhub.quality.integrity import ForeignKeys
from revhub.quality.timeliness import Idle, Overdue
from revhub.quality.uniqueness import Duplicates
from revhub.quality.validity import (
    Blank,
    CountryCode,
    CurrencyCode,
    DateRange,
    Domain,
    Email,
    Pattern,
    Phone,
    Placeholder,
)
from revhub.yaml_text import parse_yaml

AnyRule = (
    Required
    | Email
    | CountryCode
    | CurrencyCode
    | Phone
    | Domain
    | DateRange
    | Placeholder
    | Blank
    | Pattern
    | Duplicates
    | StageFlags
    | DateOrder
    | HasRelated
    | MatchesRelated
    | RequiredWhen
    | Overdue
    | Idle
    | ForeignKeys
)
KINDS: dict[str, type[AnyRule]] = {
    get_args(cls.model_fields["kind"].annotation)[0]: cls for cls in get_args(AnyRule)
}
_ADAPTER: TypeAdapter[AnyRule] = TypeAdapter(Annotated[AnyRule, Field(discriminator="kind")])
DEFAULT_RULES = "default_rules.yaml"
VERSION = 1
_TOP_KEYS = ("version", "rules")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class RuleSet:
    """Named rules in file order (defaults first), and the files they were read from."""

    rules: Mapping[str, AnyRule]
    files: tuple[str, ...]

    @property
    def enabled(self) -> dict[str, AnyRule]:
        """The rules that run."""
        return {name: rule for name, rule in self.rules.items() if rule.enabled}

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """The enabled rules as plain data (what a run records it ran).

        >>> load_rules().to_dict()["stale_lead"]["days"]
        30
        """
        return {name: rule.model_dump(mode="json") for name, rule in self.enabled.items()}


def load_rules(path: Path | str | None = None, *, defaults: bool = True) -> RuleSet:
    """The shipped rules (unless ``defaults=False``) with the rules file ``path`` merged over.

    >>> load_rules(defaults=False).rules
    {}
    """
    bodies: dict[str, tuple[dict[str, Any], str]] = {}
    files: list[str] = []
    if defaults:
        text = (resources.files("revhub.quality") / DEFAULT_RULES).read_text(encoding="utf-8")
        label = f"revhub/quality/{DEFAULT_RULES}"
        bodies.update({n: (b, label) for n, b in _read(text, label).items()})
        files.append(label)
    if path is not None:
        label = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigError(
                f"cannot read the rules file: {error.strerror}. Check the path.", source=label
            ) from error
        for name, body in _read(text, label).items():
            if name not in bodies and "kind" not in body:
                hint = did_you_mean(name, bodies)
                raise ConfigError(
                    f"rule `{name}`, key `kind`: missing. A new rule needs a kind "
                    f"({', '.join(KINDS)}); to change a shipped rule, use its name.{hint}",
                    source=label,
                )
            bodies[name] = (_merge(bodies.get(name), body), label)
        files.append(label)
    rules = {name: _validate(name, body, label) for name, (body, label) in bodies.items()}
    return RuleSet(rules, tuple(files))


def _read(text: str, label: str) -> dict[str, dict[str, Any]]:
    """The rule bodies of one file, by name, after checking the file's outline."""
    data = parse_yaml(text, label)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError("a rules file is a mapping with `version` and `rules`.", source=label)
    for key in data:
        if key not in _TOP_KEYS:
            hint = did_you_mean(str(key), _TOP_KEYS) or " A rules file has `version` and `rules`."
            raise ConfigError(f"unknown top-level key `{key}`.{hint}", source=label)
    if data.get("version", VERSION) != VERSION:
        raise ConfigError(
            f"`version` is {data['version']!r}; this revhub reads version {VERSION}.", source=label
        )
    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        raise ConfigError("`rules` must map rule names to rules.", source=label)
    for name, body in rules.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise ConfigError(
                f"rule name `{name}` must be lower_snake_case (letters, digits, _).", source=label
            )
        if not isinstance(body, dict):
            raise ConfigError(
                f"rule `{name}` must be a mapping of keys (kind, table, ...), "
                f"not {type(body).__name__}.",
                source=label,
            )
    return rules


def _merge(existing: tuple[dict[str, Any], str] | None, body: dict[str, Any]) -> dict[str, Any]:
    """A changed rule keeps the keys it does not set; a new kind replaces the rule."""
    if existing is None:
        return body
    base, _ = existing
    if "kind" in body and body["kind"] != base.get("kind"):
        return body
    return {**base, **body}


def _validate(name: str, body: dict[str, Any], label: str) -> AnyRule:
    try:
        return _ADAPTER.validate_python(body)
    except ValidationError as error:
        raise ConfigError(_describe(name, body, error), source=label) from error


def _describe(name: str, body: dict[str, Any], error: ValidationError) -> str:
    """The first problem of a rule as "rule `x`, key `y`: what is wrong. hint"."""
    first = error.errors()[0]
    kind = body.get("kind")
    key = ".".join(str(part) for part in first["loc"][1:]) or "kind"
    if first["type"] == "union_tag_invalid":
        hint = did_you_mean(str(kind), KINDS) or f" Kinds: {', '.join(KINDS)}."
        text = f"unknown kind `{kind}`.{hint}"
    elif first["type"] == "union_tag_not_found":
        text = f"missing. Say what the rule checks: {', '.join(KINDS)}."
    elif first["type"] == "extra_forbidden":
        known = list(KINDS[str(kind)].model_fields)
        hint = did_you_mean(key, known) or f" Keys of `{kind}`: {', '.join(known)}."
        text = f"unknown key for `{kind}` rules.{hint}"
    elif first["type"] == "missing":
        text = f"missing; `{kind}` rules need it."
    elif isinstance(problem := first.get("ctx", {}).get("error"), RuleKeyError):
        key, text = problem.key, str(problem)
    else:
        text = f"{first['msg']} (got {first['input']!r})."
    return f"rule `{name}`, key `{key}`: {text}"
