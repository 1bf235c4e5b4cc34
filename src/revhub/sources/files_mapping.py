"""The YAML mapping of a generic-files source: which canonical table, from which columns.

A mapping file says, for one canonical table, which files to read and which of their
columns fills each canonical column::

    table: support_tickets          # canonical table
    files: "tickets/*.csv"          # glob(s), relative to the source's path
    format: csv                     # csv, parquet, json or jsonl (default: extension)
    delimiter: ";"                  # csv only (default: sniffed from the header)
    records: data.items             # json: where the list of records is ("/data/items" too)
    id: Ticket ID                   # native id column, or a list of columns
    currency: EUR                   # money tables: the currency when the file has none
    columns:                        # canonical column: source column, or a spec
      subject: Subject
      status: {column: State, values: {Open: open, Done: solved}}
      opened_at: {column: Created, format: "%d/%m/%Y %H:%M"}
      priority: {default: normal}
    keys:                           # references: whose keys the values are
      account_id: {column: CRM Account, source: salesforce}

The file is read with YAML's plain loader, so every value stays text (``Yes`` is the
text "Yes", not true) and types are the model's business. Every problem is a
ConfigError naming the mapping file and what to change; ``files_check`` then checks
the names against the canonical model.

>>> mapping = parse_mapping("table: fx_rates\\nfiles: rates.csv\\nid: [cur, day]\\n"
...     "columns: {currency: cur, rate_date: day, base_currency: {default: USD}, rate: r}",
...     "fx.yaml")
>>> mapping.table, mapping.id, mapping.columns["rate"].column
('fx_rates', ['cur', 'day'], 'r')
"""

from __future__ import annotations

from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from revhub.errors import ConfigError, did_you_mean

Format = Literal["csv", "parquet", "json", "jsonl"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnSpec(_Strict):
    """Where one canonical column's values come from and how to read them."""

    column: str | None = None  # source column; None: every row takes ``default``
    values: dict[str, str] | None = None  # source value -> canonical value
    format: str | None = None  # strptime format of a date or timestamp text
    decimal: Literal[".", ","] = "."  # decimal separator of numbers written as text
    default: str | None = None  # value where the source has none
    optional: bool = False  # a file without ``column`` gives nulls (with a note)


class KeySpec(_Strict):
    """A reference column: the source column and which source's keys its values are."""

    column: str
    source: str | None = None  # None: this source's own keys


class FileMapping(_Strict):
    """A validated mapping file (see the module docstring)."""

    table: str
    files: list[str] = []
    format: Format | None = None
    delimiter: str | None = None
    records: str | None = None
    id: list[str]  # source columns whose values, joined by ":", are the native id
    currency: str | None = None
    columns: dict[str, ColumnSpec] = {}
    keys: dict[str, list[KeySpec]] = {}

    @field_validator("files", "id", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("columns", mode="before")
    @classmethod
    def _plain_columns(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: {"column": v} if isinstance(v, str) else v for k, v in value.items()}
        return value

    @field_validator("keys", mode="before")
    @classmethod
    def _key_lists(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: v if isinstance(v, list) else [v] for k, v in value.items()}
        return value

    @property
    def pointer(self) -> str | None:
        """``records`` as the dotted path the JSON reader takes ("/a/b" -> "a.b")."""
        if self.records is None:
            return None
        return self.records.strip("/").replace("/", ".") or None

    def source_columns(self) -> list[str]:
        """Every source column the mapping reads, each once, in mapping order."""
        names = [*self.id]
        names += [spec.column for spec in self.columns.values() if spec.column]
        names += [key.column for keys in self.keys.values() for key in keys]
        return list(dict.fromkeys(names))


def parse_mapping(text: str, where: str) -> FileMapping:
    """Validate the YAML ``text`` of the mapping file ``where`` (its name, for messages).

    >>> parse_mapping("table: teams\\ncolumns: {name: Name}", "teams.yaml")
    Traceback (most recent call last):
    ...
    revhub.errors.ConfigError: teams.yaml: `id` is required; add it.
    """
    try:
        document = yaml.load(text, Loader=yaml.BaseLoader)  # BaseLoader: every value stays text
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{where}: not valid YAML{at}: {error}. Fix the file.") from error
    if not isinstance(document, dict):
        raise ConfigError(
            f"{where}: expected a mapping with `table`, `files`, `id` and `columns`; "
            f"found {type(document).__name__}."
        )
    try:
        return FileMapping.model_validate(document)
    except ValidationError as error:
        raise ConfigError(f"{where}: {_explain(error)}") from None


def _explain(error: ValidationError) -> str:
    """The first problem pydantic found, said in the mapping's own terms."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    if first["type"] == "extra_forbidden":
        name = str(first["loc"][-1])
        known = _known_keys(first["loc"])
        return (
            f"unknown setting `{where}`.{did_you_mean(name, known)} "
            f"Known settings here: {', '.join(known)}."
        )
    if first["type"] == "missing":
        return f"`{where}` is required; add it."
    return f"`{where}`: {first['msg']} (found {first['input']!r})."


def _known_keys(location: tuple[int | str, ...]) -> list[str]:
    if location[0] == "columns" and len(location) > 2:
        return list(ColumnSpec.model_fields)
    if location[0] == "keys" and len(location) > 2:
        return list(KeySpec.model_fields)
    return list(FileMapping.model_fields)
