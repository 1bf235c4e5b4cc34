"""The shipped rules on the demo company find the problems the generator planted.

Recall on the 1,500-account demo (seed 7): every planted invalid value is found by a
validity rule at its record and field, and every planted stale deal by both timeliness
rules on open deals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

import revhub
from revhub.demo.generator import GenerationReport
from revhub.quality import QualityReport, RuleSet, load_rules, run_quality
from revhub.workspace import Workspace

AS_OF = dt.date(2026, 7, 1)


@pytest.fixture(scope="module")
def demo(
    demo_data: GenerationReport, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Workspace, QualityReport]]:
    """A workspace of our own holding the demo company, after one run of the shipped rules."""
    root: Path = tmp_path_factory.mktemp("quality_demo")
    with revhub.init(root) as ws:
        ws.load(demo_data.out)
        yield ws, run_quality(ws.con, load_rules(), as_of=AS_OF)


def _rows(ws: Workspace, sql: str) -> list[tuple[object, ...]]:
    return ws.con.con.execute(sql).fetchall()


def test_planted_invalid_values_are_found_by_validity_rules(
    demo: tuple[Workspace, QualityReport],
) -> None:
    ws, report = demo
    found = """
        SELECT count(*), count(i.record_id) FROM truth.invalid_values AS t
        LEFT JOIN (SELECT DISTINCT table_name, record_id, field FROM quality.issues
                   WHERE dimension = 'validity' AND run_id = {run}) AS i
          ON i.table_name = t.entity_table AND i.record_id = t.row_id
         AND i.field = t.column_name"""
    [(planted, hit)] = _rows(ws, found.format(run=report.run_id))
    assert planted > 50
    assert hit / planted == 1.0  # recall
    validity = report.by_dimension()["validity"]
    assert validity.failed <= planted  # precision: nothing flagged that was not planted


def test_planted_stale_deals_are_found_by_timeliness_rules(
    demo: tuple[Workspace, QualityReport],
) -> None:
    ws, report = demo
    for rule in ("open_deal_past_close_date", "open_deal_no_activity"):
        [(planted, hit)] = _rows(
            ws,
            f"""SELECT count(*), count(i.record_id) FROM truth.stale_deals AS s
                LEFT JOIN quality.issues AS i ON i.record_id = s.opportunity_id
                 AND i.rule = '{rule}' AND i.run_id = {report.run_id}""",
        )
        assert planted > 5
        assert hit / planted == 1.0, rule  # recall


def test_demo_run_reports_every_dimension(demo: tuple[Workspace, QualityReport]) -> None:
    _, report = demo
    assert set(report.by_dimension()) == {
        "completeness",
        "validity",
        "consistency",
        "timeliness",
        "integrity",
    }
    skipped = {r.rule for r in report.rules if r.status == "skipped"}
    assert skipped == {"duplicate_accounts", "duplicate_contacts", "duplicate_leads"}
    assert report.by_dimension()["integrity"].failed == 0  # the loader refuses dangling keys
    assert 0.9 < report.overall.score < 1.0
    assert all(i.owner_id for i in report.issues if i.table in ("accounts", "opportunities"))


def test_duplicates_follow_the_crosswalk(demo: tuple[Workspace, QualityReport]) -> None:
    """With a crosswalk made from the planted truth, every planted copy of an account or
    contact is a duplicate once copies across sources count; the originals are not."""
    ws, _ = demo
    con = ws.con.con
    con.execute("CREATE SCHEMA IF NOT EXISTS resolve")
    con.execute("""
        CREATE OR REPLACE TABLE resolve.crosswalk AS
        SELECT CASE WHEN entity_table = 'accounts' THEN 'account' ELSE 'person' END AS entity,
               entity_table AS record_table, record_id, original_id AS entity_id,
               'truth' AS matched_by
        FROM truth.duplicate_records,
             unnest([original_id, duplicate_id]) AS r(record_id)
        WHERE entity_table IN ('accounts', 'contacts')""")
    path = ws.root / "quality.yaml"
    path.write_text(
        "rules:\n"
        + "".join(f"  duplicate_{t}:\n    within: table\n" for t in ("accounts", "contacts"))
    )
    rules = load_rules(path)
    only = {
        n: r for n, r in rules.rules.items() if n in ("duplicate_accounts", "duplicate_contacts")
    }
    report = run_quality(ws.con, RuleSet(only, rules.files), as_of=AS_OF)
    [(planted, flagged, originals)] = _rows(
        ws,
        f"""SELECT count(*), count(i.record_id), count(o.record_id)
            FROM truth.duplicate_records AS t
            LEFT JOIN quality.issues AS i ON i.record_id = t.duplicate_id
                 AND i.run_id = {report.run_id}
            LEFT JOIN quality.issues AS o ON o.record_id = t.original_id
                 AND o.run_id = {report.run_id}
            WHERE t.entity_table IN ('accounts', 'contacts')""",
    )
    assert planted > 20
    assert (flagged, originals) == (planted, 0)
