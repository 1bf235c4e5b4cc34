"""The funnel metrics find the bottleneck the demo company planted (truth.funnel_bottlenecks):
in one region and quarter, MQLs wait longer for follow-up and fewer become SQLs.

The demo company here is loaded straight from the generator (no identity resolution), so
this also checks the path where a person is a lead and the contact it became."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

import revhub
from revhub.demo.gtm.funnel import bottleneck
from revhub.demo.spec import DemoSpec
from revhub.model.vocabulary import REGIONS


@dataclass(frozen=True)
class Planted:
    """Where and when the bottleneck was planted, and the history around it."""

    region: str
    quarter: dt.date
    history_start: dt.date
    history_end: dt.date


@pytest.fixture(scope="module")
def planted(demo_spec: DemoSpec) -> Planted:
    spot = bottleneck(demo_spec)
    as_of = demo_spec.as_of
    running = dt.date(as_of.year, (as_of.month - 1) // 3 * 3 + 1, 1)
    return Planted(
        region=spot.region,
        quarter=dt.date.fromisoformat(str(spot.quarter_start)),
        history_start=dt.date(running.year - 2, running.month, 1),
        history_end=running - dt.timedelta(days=1),  # whole quarters only
    )


def _mql_by_quarter(
    ws: revhub.Workspace, metric: str, spot: Planted, regions: list[str]
) -> dict[dt.date, float]:
    """``metric`` for MQLs of ``regions`` (pooled), per quarter of the history."""
    table = ws.metrics.compute(
        metric,
        grain="quarter",
        start=spot.history_start,
        end=spot.history_end,
        where={"stage": "mql", "region": regions},
    )
    return {row.period.date(): row.value for row in table.itertuples()}


@pytest.mark.parametrize("metric", ["funnel_conversion", "funnel_cohort_conversion"])
def test_mql_conversion_drops_where_and_when_it_was_planted(
    demo_workspace: revhub.Workspace, planted: Planted, metric: str
) -> None:
    region = _mql_by_quarter(demo_workspace, metric, planted, [planted.region])
    others = [r for r in REGIONS if r != planted.region]
    elsewhere = _mql_by_quarter(demo_workspace, metric, planted, others)
    hit = region[planted.quarter]
    assert hit < 0.75 * elsewhere[planted.quarter], (hit, elsewhere)
    usual = [v for quarter, v in region.items() if quarter != planted.quarter and v == v]
    assert hit < 0.75 * min(usual), (hit, region)


def test_mqls_wait_longer_where_and_when_it_was_planted(
    demo_workspace: revhub.Workspace, planted: Planted
) -> None:
    metric = "funnel_days_to_next_stage"
    region = _mql_by_quarter(demo_workspace, metric, planted, [planted.region])
    others = [r for r in REGIONS if r != planted.region]
    elsewhere = _mql_by_quarter(demo_workspace, metric, planted, others)
    hit = region[planted.quarter]
    assert hit > 2 * elsewhere[planted.quarter], (hit, elsewhere)
    usual = [v for quarter, v in region.items() if quarter != planted.quarter and v == v]
    assert hit > 2 * max(usual), (hit, region)
