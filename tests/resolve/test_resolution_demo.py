"""The demo company: resolution against the duplicates the generator planted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import revhub
from revhub.demo.generator import GenerationReport
from revhub.resolve import ResolveReport, Scores, evaluate, resolve, truth_from_duplicates
from revhub.workspace import Workspace


@pytest.fixture(scope="module")
def demo(
    demo_data: GenerationReport, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Workspace, ResolveReport, dict[str, Scores]]]:
    """Our own copy of the demo company (the shared one stays read-only), resolved."""
    with revhub.init(tmp_path_factory.mktemp("resolve-demo")) as ws:
        ws.load(demo_data.out)
        report = resolve(ws.con)
        yield ws, report, evaluate(ws.con, truth_from_duplicates(ws.con))


def test_accounts_are_resolved(demo: tuple[Workspace, ResolveReport, dict[str, Scores]]) -> None:
    _, _, scores = demo
    assert scores["account"].true_pairs > 50
    assert scores["account"].f1 >= 0.97, scores["account"]


def test_people_are_resolved(demo: tuple[Workspace, ResolveReport, dict[str, Scores]]) -> None:
    _, _, scores = demo
    assert scores["person"].true_pairs > 500
    assert scores["person"].f1 >= 0.98, scores["person"]


def test_every_contact_keeps_its_account(
    demo: tuple[Workspace, ResolveReport, dict[str, Scores]],
) -> None:
    ws, report, _ = demo
    missing = ws.con.con.execute(
        """SELECT count(*) FROM contacts AS c
           JOIN resolve.crosswalk AS xa
             ON xa.record_table = 'accounts' AND xa.record_id = c.account_id
           JOIN resolve.crosswalk AS xp
             ON xp.record_table = 'contacts' AND xp.record_id = c.contact_id
           JOIN resolve.golden_people AS p ON p.entity_id = xp.entity_id
           WHERE NOT list_contains(p.account_entity_ids, xa.entity_id)"""
    ).fetchone()
    assert missing == (0,)
    assert (
        sum(report.records.values())
        == ws.con.con.execute("SELECT count(*) FROM resolve.crosswalk").fetchone()[0]
    )  # type: ignore[index]


def test_most_leads_find_their_account(
    demo: tuple[Workspace, ResolveReport, dict[str, Scores]],
) -> None:
    ws, _, _ = demo
    share = ws.con.con.execute(
        "SELECT count(la.lead_id) / count(*) FROM leads AS l "
        "LEFT JOIN resolve.lead_accounts AS la USING (lead_id)"
    ).fetchone()
    assert share is not None and share[0] > 0.8
