"""What a quality run found: scores per scope, results per rule, issues, and the JSON shape.

A score is the share of checked records that pass: for a scope (an object, a source,
an owner, a team, a dimension, a rule, or everything) and a dimension (or ``all``),
``score = (checked - failed) / checked`` where ``checked`` counts the distinct records
(table, primary key) any rule of that dimension checked within the scope, and ``failed``
those failing at least one of those rules. Severity does not weight scores.

``QualityReport.to_json()`` gives this shape (keys always present, in this order)::

    {"run_id": 1, "as_of": "2026-07-01", "started_at": "2026-07-01T09:00:00",
     "seconds": 0.8, "records_checked": 1234,
     "overall": {"checked": 1234, "failed": 56, "score": 0.9546},
     "dimensions": {"completeness": {...}, ...},         # as overall, per dimension
     "scores": [{"scope_kind", "scope_value", "dimension", "checked", "failed", "score"}],
     "rules": [{"rule", "kind", "dimension", "severity", "tables", "checked", "failed",
                "score", "status" ("ok" | "skipped"), "note"}],
     "issue_count": 70,                                  # all issues of the run
     "top_issues": [{"rule", "dimension", "severity", "owner_id", "team_id",
                     "issues", "example"}],     # per rule and owner, most severe/many first
     "issues": [{"rule", "dimension", "severity", "table", "field", "record_id",
                 "source", "owner_id", "team_id", "message"}],   # the first ones
     "names": {"usr_001": "Ada Lovelace", "team_ae": "AE EMEA"}}

>>> Score("overall", "all", "all", checked=4, failed=1).score
0.75
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

ALL = "all"
SCOPE_KINDS = ("overall", "dimension", "object", "source", "owner", "team", "rule")


@dataclass(frozen=True)
class Score:
    """Records checked and failed in one scope for one dimension (or ``all``)."""

    scope_kind: str
    scope_value: str | None
    dimension: str
    checked: int
    failed: int

    @property
    def score(self) -> float:
        """Share of checked records that pass (1.0 when nothing was checked)."""
        return (self.checked - self.failed) / self.checked if self.checked else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "score": round(self.score, 4)}


@dataclass(frozen=True)
class RuleResult:
    """One rule's outcome: records checked and failed, or why it was skipped."""

    rule: str
    kind: str
    dimension: str
    severity: str
    tables: tuple[str, ...]
    checked: int = 0
    failed: int = 0
    status: str = "ok"
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        score = Score("rule", self.rule, self.dimension, self.checked, self.failed).score
        return {**asdict(self), "tables": list(self.tables), "score": round(score, 4)}


@dataclass(frozen=True)
class Issue:
    """One failing record under one rule (and field), with who should fix it."""

    rule: str
    dimension: str
    severity: str
    table: str
    field: str | None
    record_id: str
    source: str
    owner_id: str | None
    team_id: str | None
    message: str


@dataclass(frozen=True)
class IssueGroup:
    """The issues of one rule that one owner should fix: how many, and one example."""

    rule: str
    dimension: str
    severity: str
    owner_id: str | None
    team_id: str | None
    issues: int
    example: str


@dataclass(frozen=True)
class TrendPoint:
    """A scope's score in one run (see ``store.score_trend``)."""

    run_id: int
    started_at: dt.datetime
    as_of: dt.date
    checked: int
    failed: int

    @property
    def score(self) -> float:
        return (self.checked - self.failed) / self.checked if self.checked else 1.0


@dataclass(frozen=True)
class QualityReport:
    """One run: its scores, its rules' results, its first ``issues`` and the biggest groups
    of issues per rule and owner (``top_issues``)."""

    run_id: int
    started_at: dt.datetime
    as_of: dt.date
    seconds: float
    records_checked: int
    rules: tuple[RuleResult, ...]
    scores: tuple[Score, ...]
    issue_count: int
    issues: tuple[Issue, ...]
    top_issues: tuple[IssueGroup, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)

    @property
    def overall(self) -> Score:
        """The score over every record and rule."""
        found = self.score("overall", ALL)
        return found or Score("overall", ALL, ALL, 0, 0)

    def score(self, scope_kind: str, scope_value: str | None, dimension: str = ALL) -> Score | None:
        """The score of one scope and dimension, if that scope was checked."""
        for score in self.scores:
            if (score.scope_kind, score.scope_value, score.dimension) == (
                scope_kind,
                scope_value,
                dimension,
            ):
                return score
        return None

    def by_dimension(self) -> dict[str, Score]:
        """The score per dimension checked."""
        return {s.dimension: s for s in self.scores if s.scope_kind == "dimension"}

    def worst(self, scope_kind: str, limit: int = 5) -> list[Score]:
        """The lowest-scoring scopes of a kind over all dimensions, worst first."""
        scores = [s for s in self.scores if s.scope_kind == scope_kind and s.dimension == ALL]
        return sorted(scores, key=lambda s: (s.score, -s.failed, str(s.scope_value)))[:limit]

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data, in the shape documented in the module docstring."""
        return {
            "run_id": self.run_id,
            "as_of": self.as_of.isoformat(),
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "seconds": round(self.seconds, 3),
            "records_checked": self.records_checked,
            "overall": _brief(self.overall),
            "dimensions": {name: _brief(s) for name, s in sorted(self.by_dimension().items())},
            "scores": [s.to_dict() for s in self.scores],
            "rules": [r.to_dict() for r in self.rules],
            "issue_count": self.issue_count,
            "top_issues": [asdict(g) for g in self.top_issues],
            "issues": [asdict(i) for i in self.issues],
            "names": dict(sorted(self.names.items())),
        }

    def to_json(self) -> str:
        """The report as indented JSON (see the module docstring for its shape)."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)


def _brief(score: Score) -> dict[str, Any]:
    return {"checked": score.checked, "failed": score.failed, "score": round(score.score, 4)}
