"""The whole revhub exception tree.

Every error a user can cause is a ``RevhubError``. Each subclass carries the data that
locates the problem (file, key, table, column) and its message says what went wrong,
where, and what to do. Interfaces translate these to the user exactly once: the CLI
prints one line and exits 1; the API (later) returns one problem+json shape.

::

    RevhubError
    ├── ConfigError                 revhub.toml, REVHUB_* variables or flags are wrong
    │   └── UnknownSettingError     a key that does not exist (with "did you mean")
    ├── WorkspaceError              the workspace cannot be opened or written
    │   ├── SchemaVersionError      the stored schema is newer/older than this revhub
    │   └── AppDatabaseError        the app database (users, sessions) cannot be used
    ├── ModelError                  a table or column that the model does not define
    ├── MetricError                 a metric request or definition that cannot be computed
    ├── DataError                   data that breaks the canonical model's constraints
    │   └── ConstraintViolationError  (carries every violation found, not only the first)
    ├── GenerationError             the demo generator was asked for something impossible
    ├── NotFoundError               a record that does not exist (or is outside your scope)
    ├── BrowseQueryError            a page, page size, sort or filter a list cannot use
    ├── FilterError                 a dashboard filter in the URL that cannot be read
    ├── ForecastError               a forecast or backtest that cannot be made as asked
    ├── PlanError                   a target, period or scenario a plan cannot use
    │   └── ScenarioError           a scenario that cannot be read or applied
    └── AccessError                 who may do what: users, logins, tokens, roles
        ├── AuthenticationError     wrong name or password, expired session, unknown token
        ├── RateLimitedError        too many failed logins; ``retry_after`` seconds to wait
        ├── PermissionDeniedError   the user's role may not do this
        │   └── OutOfScopeError     a metric that cannot be narrowed to the caller's rows
        ├── CsrfError               a signed-in browser change without its CSRF token
        └── UserAdminError          a user that exists already, an unknown role, a weak password
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return a " Did you mean `x`?" hint, or "" when nothing is close.

    >>> did_you_mean("acounts", ["accounts", "contacts"])
    ' Did you mean `accounts`?'
    """
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" Did you mean `{close[0]}`?" if close else ""


class RevhubError(Exception):
    """Root of every error revhub raises on purpose."""


class ConfigError(RevhubError):
    """The configuration cannot be used; ``source`` says which layer it came from."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class UnknownSettingError(ConfigError):
    """A configuration key that revhub does not know, usually a typo."""

    def __init__(self, key: str, known: Sequence[str], *, source: str) -> None:
        self.key = key
        hint = did_you_mean(key, known)
        listing = " Known settings: " + ", ".join(known) + "."
        super().__init__(
            f"unknown setting `{key}`.{hint or listing} Fix or remove it; nothing was changed.",
            source=source,
        )


class WorkspaceError(RevhubError):
    """The workspace cannot be opened, created or written."""


class SchemaVersionError(WorkspaceError):
    """The workspace was written by a schema version this revhub cannot migrate."""

    def __init__(self, path: str, found: int, supported: int) -> None:
        self.path, self.found, self.supported = path, found, supported
        super().__init__(
            f"workspace {path} has schema version {found}, but this revhub supports up to "
            f"{supported}. Upgrade revhub (pip install -U revhub) to open it."
        )


class AppDatabaseError(WorkspaceError):
    """The app database cannot be reached, opened or migrated; ``url`` names it (without
    its password)."""

    def __init__(self, url: str, message: str) -> None:
        self.url = url
        super().__init__(f"app database {url}: {message}")


class ModelError(RevhubError):
    """A name that the canonical model does not define."""


class MetricError(RevhubError):
    """A metric that does not exist, or a request (grain, dimension, range, custom SQL)
    it cannot answer; ``metric`` names it."""

    def __init__(self, metric: str, message: str) -> None:
        self.metric = metric
        super().__init__(f"metric `{metric}`: {message}")


class DataError(RevhubError):
    """Data that cannot be taken into the canonical model."""


@dataclass(frozen=True)
class Violation:
    """One broken constraint: which table, column and rule, and how many rows break it."""

    table: str
    column: str
    rule: str
    rows: int
    example: str = ""

    def __str__(self) -> str:
        example = f" (e.g. {self.example})" if self.example else ""
        return f"{self.table}.{self.column}: {self.rule}, {self.rows} row(s){example}"


class ConstraintViolationError(DataError):
    """Data breaks one or more model constraints; ``violations`` lists all of them."""

    def __init__(self, violations: Sequence[Violation], *, where: str) -> None:
        self.violations = list(violations)
        shown = "; ".join(str(v) for v in self.violations[:5])
        more = f"; and {len(self.violations) - 5} more" if len(self.violations) > 5 else ""
        super().__init__(
            f"{where}: {len(self.violations)} constraint violation(s): {shown}{more}. "
            "Fix the input and load again; nothing was loaded."
        )


class GenerationError(RevhubError):
    """The demo generator cannot produce what was asked (e.g. a non-positive size)."""


class NotFoundError(RevhubError):
    """A record (account, deal, cluster, ...) that does not exist, or that the caller's
    scope does not include; ``kind`` and ``key`` name it. The two cases read the same so
    that a scope never reveals what lies outside it."""

    def __init__(self, kind: str, key: str, hint: str = "") -> None:
        self.kind, self.key = kind, key
        super().__init__(f"{kind} `{key}` not found.{hint}")


class BrowseQueryError(RevhubError):
    """A page, page size, sort or filter value a list cannot use; the message names the
    parameter, the allowed values and what to send instead."""


class FilterError(RevhubError):
    """A dashboard filter in the URL that cannot be read (a bad date, an unknown value)."""


class ForecastError(RevhubError):
    """A forecast or backtest that cannot be made as asked: dates outside the data, too
    little history, an unknown period or grouping. The message says which and what to do."""


class PlanError(RevhubError):
    """A plan that cannot be made as asked: a target, period or scenario that cannot be
    read or that the measured funnel cannot serve."""


class ScenarioError(PlanError):
    """A planning scenario that cannot be read or applied; ``text`` is the part at fault.

    >>> str(ScenarioError("win_rate=+2%", "write points as +2pt or +0.02"))
    'scenario `win_rate=+2%`: write points as +2pt or +0.02'
    """

    def __init__(self, text: str, message: str) -> None:
        self.text = text
        super().__init__(f"scenario `{text}`: {message}")


class AccessError(RevhubError):
    """Who may do what: users, logins, sessions, API tokens and roles."""


class AuthenticationError(AccessError):
    """The caller could not be identified: wrong user name or password, an expired or
    unknown session, an unknown or revoked API token. Deliberately vague about which."""


class RateLimitedError(AccessError):
    """Too many failed logins for a user name or address; try again in ``retry_after`` s."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            f"too many failed logins; try again in {retry_after} seconds "
            "(or ask an admin to reset the password)."
        )


class PermissionDeniedError(AccessError):
    """The user's role may not use ``what``."""

    def __init__(self, role: str, what: str) -> None:
        self.role, self.what = role, what
        super().__init__(f"the {role} role may not use {what}; ask an admin for access.")


class OutOfScopeError(PermissionDeniedError):
    """A metric the caller's rows cannot be carved out of (a sales rep asking for a metric
    that has no ``owner`` dimension), so it is not shown to them."""

    def __init__(self, metric: str, dimension: str) -> None:
        self.role, self.what = "", f"`{metric}`: it cannot be narrowed to the {dimension}s you see"
        AccessError.__init__(
            self,
            f"`{metric}` cannot be narrowed to the {dimension}s you see, so it is not shown "
            f"to you; metrics with a `{dimension}` dimension are.",
        )


class CsrfError(AccessError):
    """A change sent with a session cookie but without the session's CSRF token: it may
    come from another site, so it is refused."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} needs the CSRF token of your session (the X-CSRF-Token header or the "
            "csrf_token form field); reload the page and try again."
        )


class UserAdminError(AccessError):
    """A user change that cannot be made: the name is taken, the role is unknown, the
    password too weak, the CRM user it links to does not exist."""
