"""Data quality: rules over the canonical tables, scores per object, source, owner and team.

Rules (``rules``; shipped in ``default_rules.yaml``, changed per workspace by a YAML file)
test completeness, validity, uniqueness, consistency, timeliness and referential
integrity. ``run_quality`` runs them, stores the run in the ``quality`` schema and returns
a ``QualityReport``; ``report`` renders it; ``score_trend`` follows a score across runs.

>>> sorted(DIMENSIONS)[:2]
['completeness', 'consistency']
"""

from __future__ import annotations

from revhub.quality.base import DIMENSIONS
from revhub.quality.report import print_report, render_report
from revhub.quality.results import Issue, QualityReport, RuleResult, Score, TrendPoint
from revhub.quality.rules import RuleSet, load_rules
from revhub.quality.run import run_quality
from revhub.quality.store import load_issues, score_trend

__all__ = [
    "DIMENSIONS",
    "Issue",
    "QualityReport",
    "RuleResult",
    "RuleSet",
    "Score",
    "TrendPoint",
    "load_issues",
    "load_rules",
    "print_report",
    "render_report",
    "run_quality",
    "score_trend",
]
