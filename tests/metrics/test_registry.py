"""The catalogue is complete and coherent: every metric fully defined, every formula's
inputs exist and offer what the formula offers, every metric has a golden case."""

from __future__ import annotations

import pytest
from golden_cases import all_cases

from revhub.metrics.core import DEPARTMENT_ORDER, GRAINS, Formula, Metric
from revhub.metrics.registry import get_metric, shipped_metrics

METRICS = list(shipped_metrics().values())
DEPARTMENTS = {*DEPARTMENT_ORDER, "revops"}


@pytest.mark.parametrize("metric", METRICS, ids=[m.name for m in METRICS])
def test_metric_is_fully_defined(metric: Metric) -> None:
    assert metric.name.isidentifier() and metric.name.islower()
    assert metric.description.endswith(".") and metric.description.count(". ") == 0, (
        "the description is one sentence"
    )
    assert metric.formula.strip()
    assert metric.department in DEPARTMENTS
    assert metric.grains and set(metric.grains) <= set(GRAINS)
    assert set(metric.default_dimensions) <= set(metric.dimensions)


@pytest.mark.parametrize(
    "metric",
    [m for m in METRICS if isinstance(m.measure, Formula)],
    ids=lambda m: m.name,
)
def test_formula_inputs_offer_the_formulas_grains_and_dimensions(metric: Metric) -> None:
    assert isinstance(metric.measure, Formula)
    for name in metric.measure.inputs.values():
        source = get_metric(name)
        assert set(metric.grains) <= set(source.grains), f"{name} lacks a grain"
        assert set(metric.dimensions) <= set(source.dimensions), f"{name} lacks a dimension"


def test_every_metric_has_a_golden_case() -> None:
    covered = {case.compute["metric"] for case in all_cases()}
    missing = sorted(set(shipped_metrics()) - covered)
    assert not missing, f"metrics without a golden case: {missing}"


def test_golden_cases_name_shipped_metrics() -> None:
    unknown = {case.compute["metric"] for case in all_cases()} - set(shipped_metrics())
    assert not unknown
