"""YAML written by people (rules, custom metrics): parsed with the place of any mistake.

>>> parse_yaml("a: [1, 2", "rules.yaml")
Traceback (most recent call last):
...
revhub.errors.ConfigError: rules.yaml: not valid YAML at line 1, column 9: expected ',' or ']', but got '<stream end>'.
"""  # noqa: E501

from __future__ import annotations

from typing import Any

import yaml

from revhub.errors import ConfigError


def parse_yaml(text: str, label: str) -> Any:
    """The data in ``text`` (read from ``label``); a ConfigError names the line and
    column of a syntax mistake."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(f"not valid YAML{where}: {problem}.", source=label) from error
