"""One typed settings tree, resolved as defaults < revhub.toml < REVHUB_* environment < flags.

``revhub.toml`` lives in the workspace directory. Environment variables use the
``REVHUB_`` prefix and ``__`` between levels (``REVHUB_ENGINE__MEMORY_LIMIT=8GB``).
Unknown keys are refused with a suggestion, from every layer. Secrets (tokens,
passwords, keys) are never read from revhub.toml: they come from the environment only.

>>> s = load_settings(Path("/nonexistent-ws"), env={"REVHUB_ENGINE__THREADS": "2"})
>>> s.engine.threads, s.engine.kind
(2, 'duckdb')
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from revhub.errors import ConfigError, UnknownSettingError
from revhub.metrics.settings import MetricSettings
from revhub.resolve.settings import ResolveSettings

CONFIG_FILE = "revhub.toml"
ENV_PREFIX = "REVHUB_"
_SECRET_SUFFIXES = ("password", "token", "secret", "api_key", "private_key")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class EngineSettings(_Section):
    """The analytical engines: DuckDB holds the workspace and runs everything; with
    ``kind = "spark"`` metrics are computed on Spark over the tables `revhub export` wrote."""

    kind: Literal["duckdb", "spark"] = Field(
        "duckdb",
        description="Where metrics are computed: duckdb (the workspace's database), or "
        "spark (the tables in spark_tables; ingest, resolve and quality stay on DuckDB).",
    )
    database: str = Field("revhub.duckdb", description="DuckDB file, relative to the workspace.")
    threads: int | None = Field(None, ge=1, description="Worker threads (default: all cores).")
    memory_limit: str | None = Field(None, description="DuckDB memory limit, e.g. '8GB'.")
    spark_master: str = Field(
        "local[*]",
        description="Spark master for kind = spark: local[*], spark://host:7077, yarn, ...",
    )
    spark_tables: str | None = Field(
        None,
        description="Where Spark finds the tables: a directory written by `revhub export` "
        "(a path with a /, relative to the workspace, or a URI like s3a://bucket/revhub), or "
        "a catalog database holding them (e.g. revhub).",
    )
    spark_conf: dict[str, str] = Field(
        default_factory=dict,
        description='Extra Spark settings, e.g. { "spark.executor.memory" = "4g" }.',
    )


class DemoSettings(_Section):
    """Defaults of the demo company generator."""

    accounts: int = Field(20_000, ge=1, description="Companies in the simulated market.")
    months: int = Field(36, ge=3, le=120, description="Months of history.")
    seed: int = Field(42, ge=0, description="Random seed; same seed, same company.")


class SourceSettings(_Section):
    """One source declared as ``[sources.<name>]``: what kind it is and where it lives."""

    kind: str = Field(
        description="Connector: salesforce, hubspot, stripe, zendesk, ga4, ads, usage, files."
    )
    path: str = Field(
        description="Directory (or file) of the source's exports, relative to the workspace."
    )
    mapping: str | None = Field(
        None, description="YAML mapping file (kind = files), relative to the workspace."
    )
    pull: bool = Field(
        False, description="Fetch new records from the vendor's API into `path` before ingesting."
    )
    base_url: str | None = Field(None, description="API address for pulls (default: the vendor's).")
    encoding: str = Field("utf-8", description="Text encoding of CSV exports.")


class QualitySettings(_Section):
    """Data-quality rules: the shipped ones, with the workspace's rules file merged over."""

    rules: str = Field(
        "quality.yaml",
        description="YAML rules file merged over the shipped rules, relative to the "
        "workspace; used when it exists.",
    )


class ServerSettings(_Section):
    """`revhub serve`: the REST API and the dashboard, and the app database behind them.

    The app database holds users, sessions, API tokens, saved views, target edits and the
    audit log. A PostgreSQL URL with a password belongs in the environment
    (``REVHUB_SERVER__APP_DATABASE``), not in revhub.toml.
    """

    host: str = Field("127.0.0.1", description="Address to listen on.")
    port: int = Field(8000, ge=1, le=65535, description="Port to listen on.")
    app_database: str = Field(
        "sqlite:///revhub-app.db",
        description="SQLAlchemy URL of the app database; a relative SQLite path is relative "
        "to the workspace (postgresql+psycopg://user@host/db for PostgreSQL).",
    )
    session_hours: float = Field(12, gt=0, description="How long a login lasts without use.")
    login_attempts: int = Field(
        5, ge=1, description="Failed logins allowed per user name and address per window."
    )
    login_window_minutes: float = Field(
        15, gt=0, description="The window failed logins are counted over."
    )
    locale: str = Field("en_US", description="Default locale for numbers, money and dates.")
    secure_cookies: bool = Field(
        True,
        description="Send cookies only over HTTPS (browsers treat http://localhost as secure).",
    )


class Settings(_Section):
    """Everything revhub can be told. ``workspace`` is set from where it was opened."""

    workspace: Path = Field(Path("."), description="Workspace directory.")
    base_currency: str = Field("USD", pattern=r"^[A-Z]{3}$", description="Reporting currency.")
    engine: EngineSettings = EngineSettings()
    demo: DemoSettings = DemoSettings()
    sources: dict[str, SourceSettings] = Field(
        default_factory=dict, description="Sources to ingest, by name: [sources.<name>]."
    )
    resolve: ResolveSettings = Field(
        default_factory=ResolveSettings, description="Identity resolution: [resolve]."
    )
    quality: QualitySettings = QualitySettings()
    metrics: MetricSettings = Field(
        default_factory=MetricSettings, description="Metric definitions: [metrics]."
    )
    server: ServerSettings = ServerSettings()

    @property
    def quality_rules_path(self) -> Path | None:
        """The workspace's quality rules file, or None when it does not exist."""
        path = Path(self.quality.rules)
        path = path if path.is_absolute() else self.workspace / path
        return path if path.exists() else None

    @property
    def app_database_url(self) -> str:
        """The app database's SQLAlchemy URL, a relative SQLite path resolved against the
        workspace."""
        url = self.server.app_database
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/"):
            name = url.removeprefix(prefix)
            if name and name != ":memory:":
                return prefix + str((self.workspace / name).resolve())
        return url

    @property
    def database_path(self) -> Path:
        """The engine's database file, resolved against the workspace directory."""
        path = Path(self.engine.database)
        return path if path.is_absolute() else self.workspace / path


def _known_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys.extend(_known_keys(annotation, f"{prefix}{name}."))
        else:
            keys.append(f"{prefix}{name}")
    return keys


def _check_keys(values: Mapping[str, Any], source: str, prefix: str = "") -> None:
    known = _known_keys(Settings)
    sections = {k.split(".")[0] for k in known if "." in k}
    for name, value in values.items():
        dotted = f"{prefix}{name}"
        if dotted == "sources" and isinstance(value, Mapping):
            _check_source_keys(value, source)
        elif isinstance(value, Mapping) and dotted in sections:
            _check_keys(value, source, f"{dotted}.")
        elif dotted not in known:
            if dotted.lower().endswith(_SECRET_SUFFIXES) and source.endswith(CONFIG_FILE):
                raise ConfigError(
                    f"`{dotted}` looks like a secret; secrets are read only from the "
                    f"environment (set {ENV_PREFIX}{dotted.upper().replace('.', '__')}) and "
                    "must not be written in revhub.toml. Remove it; nothing was changed.",
                    source=source,
                )
            raise UnknownSettingError(dotted, [*known, *sorted(sections)], source=source)


def _check_source_keys(sources: Mapping[str, Any], source: str) -> None:
    known = list(SourceSettings.model_fields)
    for name, fields in sources.items():
        if not isinstance(fields, Mapping):
            raise ConfigError(
                f"`sources.{name}` must be a table like [sources.{name}] with kind and path.",
                source=source,
            )
        for key in fields:
            if key not in known:
                dotted = f"sources.{name}.{key}"
                if key.lower().endswith(_SECRET_SUFFIXES):
                    raise ConfigError(
                        f"`{dotted}` looks like a secret; connectors read credentials from "
                        "the vendor's environment variables (see docs/sources.md), never "
                        "from revhub.toml. Remove it; nothing was changed.",
                        source=source,
                    )
                raise UnknownSettingError(
                    dotted, [f"sources.{name}.{k}" for k in known], source=source
                )


def _merge(base: dict[str, Any], layer: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for name, value in layer.items():
        if isinstance(value, Mapping) and isinstance(merged.get(name), Mapping):
            merged[name] = _merge(dict(merged[name]), value)
        else:
            merged[name] = value
    return merged


def _from_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            values = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"is not valid TOML: {error}. Fix the file.", source=str(path)) from error
    except OSError as error:
        raise ConfigError(f"cannot be read: {error.strerror}.", source=str(path)) from error
    if "workspace" in values:
        raise ConfigError(
            "`workspace` cannot be set in the file that lives in it.", source=str(path)
        )
    _check_keys(values, str(path))
    return values


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX):
            continue
        parts = name[len(ENV_PREFIX) :].lower().split("__")
        layer: dict[str, Any] = values
        for part in parts[:-1]:
            layer = layer.setdefault(part, {})
        layer[parts[-1]] = raw
    _check_keys(values, "environment")
    return values


def load_settings(
    workspace: Path,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Resolve the settings of the workspace at ``workspace``.

    ``overrides`` are command-line flags as a nested mapping, e.g.
    ``{"engine": {"threads": 2}}``; None values mean "flag not given".

    >>> load_settings(Path("/nonexistent-ws"), overrides={"demo": {"seed": 7}}).demo.seed
    7
    """
    env = os.environ if env is None else env
    flags = {k: v for k, v in (overrides or {}).items() if v is not None}
    flags = {
        k: ({kk: vv for kk, vv in v.items() if vv is not None} if isinstance(v, Mapping) else v)
        for k, v in flags.items()
    }
    _check_keys(flags, "command line")
    layers: dict[str, Any] = {}
    sources = (
        (str(workspace / CONFIG_FILE), _from_file(workspace / CONFIG_FILE)),
        ("environment", _from_env(env)),
        ("command line", flags),
    )
    for _, layer in sources:
        layers = _merge(layers, layer)
    layers["workspace"] = workspace
    try:
        return Settings.model_validate(layers)
    except ValidationError as error:
        problems = "; ".join(
            f"`{'.'.join(str(p) for p in e['loc'])}`: {e['msg']} (got {e.get('input')!r})"
            for e in error.errors()
        )
        raise ConfigError(f"invalid settings: {problems}. Nothing was changed.") from error


def _toml_value(value: Any) -> str:
    """A setting's value written as TOML (JSON's scalars and arrays are TOML too)."""
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value)


def default_config_text() -> str:
    """The commented revhub.toml that ``revhub init`` writes.

    >>> "[engine]" in default_config_text()
    True
    """
    lines = [
        "# revhub workspace settings. Precedence: defaults < this file < REVHUB_* env < flags.",
        "# Secrets (tokens, passwords) never go here: set them as environment variables.",
        "",
    ]
    settings = Settings()
    for section_name in ("engine", "demo", "quality", "metrics", "resolve"):
        section: BaseModel = getattr(settings, section_name)
        # [resolve] is long and rarely changed: shown commented out, at its defaults.
        commented = section_name == "resolve"
        lines.append(f"{'# ' if commented else ''}[{section_name}]")
        for name, info in type(section).model_fields.items():
            value = getattr(section, name)
            rendered = "" if value is None else _toml_value(value)
            prefix = "# " if value is None or commented else ""
            lines.append(f"# {info.description}")
            lines.append(f"{prefix}{name} = {rendered}".rstrip())
        lines.append("")
    return "\n".join(lines)
