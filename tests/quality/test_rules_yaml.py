"""Rules files: the shipped defaults, a workspace's overrides, and every validation error."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from revhub.errors import ConfigError
from revhub.quality import RuleSet, load_rules
from revhub.quality.timeliness import Idle


def _load(tmp_path: Path, text: str, *, defaults: bool = True) -> RuleSet:
    path = tmp_path / "quality.yaml"
    path.write_text(text)
    return load_rules(path, defaults=defaults)


def _error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'quality.yaml'}: "), message
    return message


def test_shipped_rules_cover_every_dimension_and_validate() -> None:
    rules = load_rules()
    assert {rule.dimension for rule in rules.enabled.values()} == {
        "completeness",
        "validity",
        "uniqueness",
        "consistency",
        "timeliness",
        "integrity",
    }
    assert rules.files == ("revhub/quality/default_rules.yaml",)


def test_workspace_file_overrides_and_adds(tmp_path: Path) -> None:
    rules = _load(
        tmp_path,
        "version: 1\nrules:\n"
        "  stale_lead:\n    days: 60\n    severity: error\n"
        "  foreign_keys:\n    enabled: false\n"
        "  customer_phone:\n    kind: phone\n    table: accounts\n    owner: csm_id\n"
        "  contact_email:\n    kind: pattern\n    table: contacts\n    fields: [email]\n"
        "    regex: '@acme[.]com$'\n",
    )
    stale = rules.rules["stale_lead"]
    assert isinstance(stale, Idle)
    assert (stale.days, stale.severity, stale.fields) == (60, "error", ("updated_at",))
    assert "foreign_keys" not in rules.enabled
    assert rules.rules["customer_phone"].owner == "csm_id"
    assert rules.rules["contact_email"].kind == "pattern"  # a new kind replaces the rule
    assert list(rules.rules)[-1] == "customer_phone"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "  x:\n    kind: emial\n    table: contacts\n",
            "rule `x`, key `kind`: unknown kind `emial`. Did you mean `email`?",
        ),
        (
            "  x:\n    table: contacts\n",
            "rule `x`, key `kind`: missing. A new rule needs a kind",
        ),
        (
            "  stale_leads:\n    days: 10\n",
            "rule `stale_leads`, key `kind`: missing. A new rule needs a kind (required, "
            "email, country_code, currency_code, phone, domain, date_range, placeholder, "
            "blank, pattern, duplicates, stage_flags, date_order, has_related, "
            "matches_related, required_when, overdue, idle, foreign_keys); to change a "
            "shipped rule, use its name. Did you mean `stale_lead`?",
        ),
        (
            "  x:\n    kind: required\n    table: acounts\n    fields: [domain]\n",
            "rule `x`, key `table`: the model has no table `acounts`. Did you mean `accounts`?",
        ),
        (
            "  x:\n    kind: required\n    table: accounts\n    fields: [domian]\n",
            "rule `x`, key `fields`: table `accounts` has no column `domian`. "
            "Did you mean `domain`?",
        ),
        (
            "  x:\n    kind: required\n    table: accounts\n    feilds: [domain]\n",
            "rule `x`, key `feilds`: unknown key for `required` rules. Did you mean `fields`?",
        ),
        (
            "  x:\n    kind: idle\n    table: leads\n    fields: [updated_at]\n",
            "rule `x`, key `days`: missing; `idle` rules need it.",
        ),
        (
            "  x:\n    kind: idle\n    table: leads\n    fields: [updated_at]\n    days: thirty\n",
            "rule `x`, key `days`: Input should be a valid integer",
        ),
        (
            "  x:\n    kind: email\n    table: leads\n    fields: [score]\n",
            "rule `x`, key `fields`: leads.score is int64, but this kind checks string columns.",
        ),
        (
            "  x:\n    kind: email\n    table: leads\n    where: {is_converted: 'no'}\n",
            "rule `x`, key `where`: leads.is_converted is boolean; 'no' cannot be compared",
        ),
        (
            "  x:\n    kind: email\n    table: leads\n    owner: company\n",
            "rule `x`, key `owner`: leads.company does not hold a user id",
        ),
        (
            "  x:\n    kind: email\n    table: leads\n    message: '{feild} is bad'\n",
            "rule `x`, key `message`: unknown placeholder {feild}. Did you mean `field`?",
        ),
        (
            "  x:\n    kind: email\n    table: leads\n    severity: critical\n",
            "rule `x`, key `severity`: Input should be 'error', 'warning' or 'info'",
        ),
        (
            "  x:\n    kind: pattern\n    table: leads\n    fields: [email]\n    regex: '(['\n",
            "rule `x`, key `regex`: `([` is not a regular expression",
        ),
        (
            "  x:\n    kind: pattern\n    table: leads\n    fields: [email]\n    regex: 'a(?=b)'\n",
            "rule `x`, key `regex`: `a(?=b)` uses lookaround or a backreference",
        ),
        (
            "  x:\n    kind: required\n    table: opportunities\n    fields: [amount]\n"
            "    where: {close_date: soon}\n",
            "rule `x`, key `where`: opportunities.close_date is date; 'soon' cannot be compared",
        ),
        (
            "  x:\n    kind: foreign_keys\n    exclude: [contacts.acount_id]\n",
            "rule `x`, key `exclude`: `contacts.acount_id` is no reference of the model "
            "(write table.column). Did you mean `contacts.account_id`?",
        ),
        (
            "  x:\n    kind: has_related\n    table: accounts\n    field: name\n",
            "rule `x`, key `field`: accounts.name references no table.",
        ),
        (
            "  x: [email]\n",
            "rule `x` must be a mapping of keys (kind, table, ...), not list.",
        ),
        ("  Bad-Name:\n    kind: email\n", "rule name `Bad-Name` must be lower_snake_case"),
    ],
)
def test_rule_errors_name_file_rule_and_key(tmp_path: Path, body: str, expected: str) -> None:
    assert expected in _error(tmp_path, "rules:\n" + body)


def test_file_level_errors(tmp_path: Path) -> None:
    assert "unknown top-level key `rulez`. Did you mean `rules`?" in _error(tmp_path, "rulez: {}\n")
    assert "`version` is 2; this revhub reads version 1." in _error(tmp_path, "version: 2\n")
    message = _error(tmp_path, "rules:\n  x:\n    kind: email\n   table: [\n")
    assert re.search(r"not valid YAML at line \d+, column \d+", message)
    assert "`rules` must map rule names to rules." in _error(tmp_path, "rules: [a, b]\n")


def test_where_takes_dates_unquoted(tmp_path: Path) -> None:
    rules = _load(
        tmp_path,
        "rules:\n  x:\n    kind: required\n    table: opportunities\n    fields: [amount]\n"
        "    where: {close_date: 2026-01-01, is_closed: false}\n",
    )
    assert rules.rules["x"].where == {"close_date": dt.date(2026, 1, 1), "is_closed": False}


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the rules file"):
        load_rules(tmp_path / "nope.yaml")


def test_empty_file_keeps_the_defaults(tmp_path: Path) -> None:
    assert list(_load(tmp_path, "").rules) == list(load_rules().rules)
