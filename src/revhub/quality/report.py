"""A QualityReport for people: rich tables of scores, worst scopes, rules and top issues.

(For machines, ``QualityReport.to_json()`` in ``results`` has the documented shape.)

>>> import datetime as dt
>>> from revhub.quality.results import QualityReport, Score
>>> report = QualityReport(1, dt.datetime(2026, 7, 1), dt.date(2026, 7, 1), 0.5, 4, (),
...     (Score("overall", "all", "all", 4, 1),), 1, ())
>>> import io
>>> out = io.StringIO()
>>> print_report(report, Console(file=out, width=100))
>>> "score 75.0%" in out.getvalue()
True
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from revhub.quality.results import QualityReport, Score

WORST_KINDS = (("object", "Objects"), ("source", "Sources"), ("owner", "Owners"), ("team", "Teams"))


def render_report(report: QualityReport, *, worst: int = 5, top_issues: int = 15) -> Group:
    """The report as rich renderables: summary, dimension scores, the ``worst`` objects,
    sources, owners and teams, rules with findings, and the ``top_issues`` groups of
    issues with who should fix them.

    >>> import datetime as dt
    >>> day = dt.date(2026, 7, 1)
    >>> empty = QualityReport(1, dt.datetime(2026, 7, 1), day, 0.1, 0, (), (), 0, ())
    >>> len(render_report(empty).renderables)
    3
    """
    parts: list[RenderableType] = [_summary(report), _dimensions(report)]
    for kind, title in WORST_KINDS:
        scores = report.worst(kind, worst)
        if scores:
            parts.append(_worst(report, title, scores))
    parts.append(_rules(report))
    if report.top_issues:
        parts.append(_issues(report, top_issues))
    return Group(*parts)


def print_report(report: QualityReport, console: Console | None = None) -> None:
    """Print ``render_report(report)`` to ``console`` (standard output by default); see the
    module docstring for an example."""
    (console or Console()).print(render_report(report))


def score_text(score: Score) -> Text:
    """A score as a coloured percentage: green from 95 %, yellow from 80 %, red below.

    >>> str(score_text(Score("overall", "all", "all", 200, 1)))
    '99.5%'
    """
    style = "green" if score.score >= 0.95 else "yellow" if score.score >= 0.8 else "red"
    return Text(f"{score.score:.1%}", style=style)


def _summary(report: QualityReport) -> Text:
    overall = report.overall
    text = Text(f"Quality run {report.run_id} as of {report.as_of}: score ")
    text.append_text(score_text(overall))
    text.append(
        f" — {overall.failed:,} of {report.records_checked:,} records fail a rule; "
        f"{report.issue_count:,} issues; {report.seconds:.1f}s"
    )
    return text


def _dimensions(report: QualityReport) -> Table:
    table = _score_table("Dimension")
    for name, score in sorted(report.by_dimension().items()):
        table.add_row(name, f"{score.checked:,}", f"{score.failed:,}", score_text(score))
    return table


def _worst(report: QualityReport, title: str, scores: list[Score]) -> Table:
    table = _score_table(title[:-1], title=f"Worst {title.lower()}")
    for score in scores:
        table.add_row(
            Text(_who(report, score.scope_value)),
            f"{score.checked:,}",
            f"{score.failed:,}",
            score_text(score),
        )
    return table


def _rules(report: QualityReport) -> Table:
    shown = [r for r in report.rules if r.failed or r.status != "ok"]
    passing = len(report.rules) - len(shown)
    table = Table(
        title="Rules with findings",
        caption=f"{passing} more rule(s) found nothing" if passing else None,
    )
    for column in ("Rule", "Dimension", "Severity", "Checked", "Failed", "Note"):
        table.add_column(
            column,
            justify="right" if column in ("Checked", "Failed") else "left",
            no_wrap=column != "Note",
        )
    for result in sorted(shown, key=lambda r: (-r.failed, r.rule)):
        table.add_row(
            result.rule,
            result.dimension,
            result.severity,
            f"{result.checked:,}",
            f"{result.failed:,}",
            Text(result.note or ""),
        )
    return table


def _issues(report: QualityReport, limit: int) -> Table:
    shown = report.top_issues[:limit]
    table = Table(title=f"Top issues and who should fix them ({report.issue_count:,} in all)")
    for column in ("Severity", "Rule", "Issues", "Fix by", "Example"):
        table.add_column(column, justify="right" if column == "Issues" else "left")
    for group in shown:
        team = f", {report.names.get(group.team_id, group.team_id)}" if group.team_id else ""
        table.add_row(
            group.severity,
            group.rule,
            f"{group.issues:,}",
            Text(_who(report, group.owner_id) + team),
            Text(group.example),
        )
    return table


def _score_table(scope: str, title: str | None = None) -> Table:
    table = Table(title=title)
    table.add_column(scope, no_wrap=True)
    for column in ("Checked", "Failed", "Score"):
        table.add_column(column, justify="right")
    return table


def _who(report: QualityReport, key: str | None) -> str:
    """A user or team by name (and id), or "(nobody)"."""
    if key is None:
        return "(nobody)"
    name = report.names.get(key)
    return f"{name} ({key})" if name else key
