"""Pairwise scores, checked against pairs counted by hand."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from revhub.errors import DataError
from revhub.resolve import Scores, evaluate, resolve, truth_from_duplicates
from revhub.workspace import Workspace


def with_crosswalk(entities: dict[str, str]) -> duckdb.DuckDBPyConnection:
    """A connection whose resolve.crosswalk puts each account record in the given entity."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA resolve")
    con.execute(
        "CREATE TABLE resolve.crosswalk (entity VARCHAR, record_table VARCHAR, "
        "record_id VARCHAR, entity_id VARCHAR, matched_by VARCHAR, run_id VARCHAR)"
    )
    for record, entity in entities.items():
        con.execute(
            "INSERT INTO resolve.crosswalk VALUES ('account', 'accounts', ?, ?, 'splink', 'r')",
            [record, entity],
        )
    return con


def truth(entities: dict[str, str]) -> pa.Table:
    return pa.table(
        {
            "entity": ["account"] * len(entities),
            "record_id": list(entities),
            "true_entity_id": list(entities.values()),
        }
    )


def test_scores_against_hand_counted_pairs() -> None:
    # predicted {a b c} {d} {e f}: 3 + 0 + 1 = 4 pairs
    # true      {a b} {c d} {e f}: 1 + 1 + 1 = 3 pairs; correct: a-b and e-f = 2
    con = with_crosswalk({"a": "E1", "b": "E1", "c": "E1", "d": "E2", "e": "E3", "f": "E3"})
    scores = evaluate(
        con, truth({"a": "T1", "b": "T1", "c": "T2", "d": "T2", "e": "T3", "f": "T3"})
    )
    assert scores == {
        "account": Scores(
            precision=0.5,
            recall=0.6667,
            f1=0.5714,
            true_pairs=3,
            predicted_pairs=4,
            correct_pairs=2,
        )
    }


def test_records_missing_from_the_truth_are_their_own_entity() -> None:
    # predicted {a b g}: 3 pairs, of which only a-b is true
    con = with_crosswalk({"a": "E1", "b": "E1", "g": "E1"})
    [(scores)] = evaluate(con, truth({"a": "T1", "b": "T1"})).values()
    assert (scores.predicted_pairs, scores.true_pairs, scores.correct_pairs) == (3, 1, 1)
    assert scores.precision == 0.3333 and scores.recall == 1.0


def test_nothing_to_find_scores_one() -> None:
    con = with_crosswalk({"a": "E1", "b": "E2"})
    [(scores)] = evaluate(con, truth({"a": "T1", "b": "T2"})).values()
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(DataError, match="lacks column"):
        evaluate(with_crosswalk({}), pa.table({"record_id": ["a"]}))
    with pytest.raises(DataError, match="Run resolve first"):
        evaluate(duckdb.connect(), truth({"a": "T1"}))


def test_truth_from_duplicates(planted: Workspace) -> None:
    planted.con.con.execute(
        "INSERT INTO truth.duplicate_records VALUES "
        "('accounts', 'accounts', 'acc_acme_sf', 'acc_acme_hs', 'hubspot', 'case'), "
        "('contacts', 'contacts', 'con_jane_sf', 'con_jane_hs', 'hubspot', 'case'), "
        "('leads', 'contacts', 'con_jane_sf', 'lead_jane', 'hubspot', 'form_reentry')"
    )
    table = truth_from_duplicates(planted.con)
    true_id = {r["record_id"]: r["true_entity_id"] for r in table.to_pylist()}
    assert table.num_rows == 13 + 9 + 5
    assert true_id["acc_acme_sf"] == true_id["acc_acme_hs"] != true_id["acc_acme_st"]
    assert true_id["con_jane_sf"] == true_id["con_jane_hs"] == true_id["lead_jane"]
    assert true_id["lead_mary"] == true_id["con_mary"]  # converted
    resolve(planted.con)
    scores = evaluate(planted.con, table)
    assert scores["account"].recall == 1.0 and scores["person"].recall == 1.0
    assert scores["account"].precision < 1.0  # acc_acme_st is Acme too; the truth missed it


def test_truth_needs_the_demo_tables() -> None:
    with pytest.raises(DataError, match=r"no truth\.duplicate_records"):
        truth_from_duplicates(duckdb.connect())
