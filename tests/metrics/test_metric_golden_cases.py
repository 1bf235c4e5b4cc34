"""Every golden case (tests/metrics/golden/*.yaml) computed on DuckDB."""

from __future__ import annotations

from collections.abc import Iterator

import ibis
import pytest
from golden_cases import Case, all_cases, assert_rows, case_expression

CASES = all_cases()


@pytest.fixture(scope="module")
def duckdb() -> Iterator[ibis.BaseBackend]:
    con = ibis.duckdb.connect()
    yield con
    con.disconnect()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(case: Case, duckdb: ibis.BaseBackend) -> None:
    rows = duckdb.to_pyarrow(case_expression(case)).to_pylist()
    assert_rows(case, rows)
