"""`revhub metric` and `revhub compute` as a user runs them: real processes, real files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import revhub
from cli_process import run_cli


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo company loaded into a workspace (the directory)."""
    root = tmp_path_factory.mktemp("metrics-cli")
    generated = run_cli("generate", "--accounts", "300", "--months", "12", "--as-of",
                        "2026-01-01", "--out", "data", cwd=root)  # fmt: skip
    assert generated.returncode == 0, generated.stderr
    assert run_cli("init", "ws", cwd=root).returncode == 0
    loaded = run_cli("load", "data", "-w", "ws", cwd=root)
    assert loaded.returncode == 0, loaded.stderr
    return root / "ws"


def test_metric_list_shows_the_catalogue(workspace: Path) -> None:
    result = run_cli("metric", "list", "--format", "json", "-w", str(workspace), cwd=workspace)
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["mrr"]["unit"] == "money"
    assert rows["logo_churn_rate"]["direction"] == "lower"


def test_metric_values_match_the_python_api(workspace: Path) -> None:
    result = run_cli("metric", "arr", "--grain", "quarter", "--by", "segment", "--format",
                     "json", "-w", str(workspace), cwd=workspace)  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {"period", "segment", "value"} == set(rows[0])
    with revhub.open(workspace) as ws:
        table = ws.metrics.compute("arr", grain="quarter", by=["segment"], output="arrow")
    expected = [
        (r["period"].isoformat(), r["segment"], pytest.approx(r["value"]))
        for r in table.to_pylist()
    ]
    assert [(r["period"], r["segment"], r["value"]) for r in rows] == expected


def test_metric_as_csv_over_a_range(workspace: Path) -> None:
    result = run_cli("metric", "mrr", "--from", "2025-07-01", "--to", "2025-12-31", "--format",
                     "csv", "-w", str(workspace), cwd=workspace)  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["period"] for r in rows] == [f"2025-{m:02d}-01" for m in range(7, 13)]
    assert float(rows[-1]["value"]) > 0


def test_metric_table_names_the_definition(workspace: Path) -> None:
    result = run_cli("metric", "logo_churn_rate", "--where", "segment=smb,mid_market", "-w",
                     str(workspace), cwd=workspace)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "opening cohort" in result.stdout and "%" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["metric", "mmr"], "Did you mean `mrr`"),
        (["metric", "mrr", "--by", "colour"], "cannot slice by `colour`"),
        (["metric", "new_mrr", "--grain", "day"], "has no `day` grain"),
        (["metric", "mrr", "--grain", "fortnight"], "unknown grain `fortnight`"),
        (["metric", "mrr", "--where", "segment"], "dimension=value"),
        (["metric", "mrr", "--from", "2026-01-01", "--to", "2025-01-01"], "before it starts"),
    ],
)
def test_bad_requests_get_one_clear_line(workspace: Path, args: list[str], message: str) -> None:
    result = run_cli(*args, "-w", str(workspace), cwd=workspace)
    assert result.returncode == 1
    assert message in " ".join(result.stderr.split()), result.stderr
    assert "Traceback" not in result.stderr


def test_compute_stores_every_default_table(workspace: Path) -> None:
    result = run_cli("compute", "--grain", "month", "--grain", "quarter", "-w", str(workspace),
                     cwd=workspace)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Stored" in result.stdout
    with revhub.open(workspace) as ws:
        results = ws.con.table("results", database="metrics")
        stored = results.filter(
            (results.metric == "mrr") & (results.grain == "month") & results.dimension.isnull()
        ).order_by("period")
        first = stored.period.min().to_pyarrow().as_py()
        live = ws.metrics.compute("mrr", grain="month", start=first, output="arrow")
        assert stored.value.to_pyarrow().to_pylist()[-len(live) :] == pytest.approx(
            live["value"].to_pylist()
        )
        metrics = set(results.metric.to_pyarrow().to_pylist())
        assert metrics == {m.name for m in ws.metrics.list()}
        assert results.filter(results.grain == "quarter").count().execute() > 0


def test_values_come_as_pandas_arrow_or_polars(workspace: Path) -> None:
    with revhub.open(workspace) as ws:
        frames = [ws.metrics.compute("mrr", output=kind) for kind in ("pandas", "arrow", "polars")]
    pandas_values, arrow_table, polars_frame = frames
    assert list(pandas_values.value) == arrow_table["value"].to_pylist()
    assert polars_frame["value"].to_list() == arrow_table["value"].to_pylist()
