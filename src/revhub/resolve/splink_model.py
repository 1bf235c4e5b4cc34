"""Score record pairs with a Splink 5 model on DuckDB.

Splink runs on its own in-memory DuckDB connection (same threads and memory limit as the
workspace), fed the normalised records as Arrow: its dozens of work tables never touch
the workspace file and its session settings never leak into the workspace connection.
Handing over the records costs little (measured: 1.06M records, under a second of a
27-second run).

The model starts from the documented priors in ``models``. When trained, the u of exact
levels is counted (``exact_u``), the other u's come from random sampling and the m's from
expectation maximisation on the model's training blocks (given at least
``EM_MIN_PAIRS`` pairs to learn from). The chance that two random
records match is passed in (``run`` derives it from the deterministic rules' matches).

Splink's logging is silenced for the duration; its output columns ``gamma_<comparison>``
(level) and ``mw_<comparison>`` (match weight) are kept for explanations.

>>> from revhub.resolve.models import ACCOUNT_MODEL
>>> blank = {c: pa.nulls(3, pa.string()) for c in ACCOUNT_MODEL.columns}
>>> names = {"name_key": pa.array(["acme", "acme", "globex"])}
>>> records = pa.table({"rid": [1, 2, 3], **blank, **names})
>>> pairs = score(records, ACCOUNT_MODEL, blocking=[["name_key"]], review_threshold=0.1, prior=0.01)
>>> pairs.select(["rid_l", "rid_r", "gamma_name"]).to_pylist()
[{'rid_l': 1, 'rid_r': 2, 'gamma_name': 3}]
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.comparison_library import CustomComparison

from revhub.resolve.db import scalar
from revhub.resolve.models import Comparison, Model

U_MAX_PAIRS = 1e6  # random pairs sampled for the u of inexact levels (exact ones are counted)
EM_MAX_PAIRS = 2e6  # blocked pairs used by one EM session
EM_MIN_PAIRS = 200  # fewer pairs than this in a training block: keep the priors' m
ASSUMED_RULE_RECALL = 0.8  # share of all matches the deterministic rules find


@contextmanager
def silent_splink() -> Iterator[None]:
    """Keep Splink's log messages out of our output while the block runs."""
    splink_logger = logging.getLogger("splink")
    level = splink_logger.level
    splink_logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        splink_logger.setLevel(level)


def _comparison(comparison: Comparison, fixed_u: Mapping[str, float]) -> CustomComparison:
    column = comparison.column
    levels: list[Any] = [
        {
            "sql_condition": f"{column}_l IS NULL OR {column}_r IS NULL",
            "label_for_charts": "missing",
            "is_null_level": True,
        }
    ]
    for level in comparison.levels:
        key = f"{comparison.name}/{level.label}"
        levels.append(
            {
                "sql_condition": level.sql,
                "label_for_charts": level.label,
                "m_probability": level.m,
                "u_probability": fixed_u.get(key, level.u),
                "fix_u_probability": key in fixed_u,
            }
        )
    return CustomComparison(comparison_levels=levels, output_column_name=comparison.name)


def exact_u(con: duckdb.DuckDBPyConnection, table: str, model: Model) -> dict[str, float]:
    """The u of every exact level, computed: the share of record pairs (both having the
    field) that share a value. At least one pair, so never zero.

    >>> from revhub.resolve.models import ACCOUNT_MODEL
    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE t AS SELECT range % 500 AS name_key, NULL AS domain_key, "
    ...     "NULL AS phone_key, NULL AS city_key, NULL AS country_key FROM range(1000)")
    >>> round(exact_u(con, "t", ACCOUNT_MODEL)["name/exact"], 6)  # 500 pairs of 499,500
    0.001001
    """
    fixed = {}
    for comparison in model.comparisons:
        for level in comparison.levels:
            if level.exact_on is None:
                continue
            with_field = int(
                scalar(con, f"SELECT count(*) FROM {table} WHERE {comparison.column} IS NOT NULL")
            )
            sharing = scalar(
                con,
                f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n "
                f"FROM {table} WHERE {level.exact_on} IS NOT NULL GROUP BY {level.exact_on})",
            )
            pairs = with_field * (with_field - 1) / 2
            if pairs:
                fixed[f"{comparison.name}/{level.label}"] = max(float(sharing), 1.0) / pairs
    return fixed


def settings(
    model: Model,
    blocking: Sequence[Sequence[str]],
    prior: float,
    fixed_u: Mapping[str, float] | None = None,
) -> SettingsCreator:
    """The Splink settings of ``model``, blocking on ``blocking``; ``fixed_u`` (by
    "comparison/level label") replaces priors and is kept through training."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="rid",
        comparisons=[_comparison(c, fixed_u or {}) for c in model.comparisons],
        blocking_rules_to_generate_predictions=[block_on(*rule) for rule in blocking],
        probability_two_random_records_match=prior,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
    )


def output_columns(model: Model) -> list[str]:
    """Columns of a scored pair: ids, probability, weight, then level and weight per field.

    >>> from revhub.resolve.models import PERSON_MODEL
    >>> output_columns(PERSON_MODEL)[:6]
    ['rid_l', 'rid_r', 'match_probability', 'match_weight', 'gamma_email', 'mw_email']
    """
    columns = ["rid_l", "rid_r", "match_probability", "match_weight"]
    for comparison in model.comparisons:
        columns += [f"gamma_{comparison.name}", f"mw_{comparison.name}"]
    return columns


def _empty(model: Model) -> pa.Table:
    types = {"rid_l": pa.int64(), "rid_r": pa.int64()}
    return pa.table(
        {
            c: pa.array([], types.get(c, pa.int32() if c.startswith("gamma_") else pa.float64()))
            for c in output_columns(model)
        }
    )


def _pairs_sharing(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str]) -> int:
    present = " AND ".join(f"{c} IS NOT NULL" for c in columns)
    return int(
        scalar(
            con,
            f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n FROM {table} "
            f"WHERE {present} GROUP BY {', '.join(columns)})",
        )
    )


def _train(linker: Linker, model: Model, seed: int, con: duckdb.DuckDBPyConnection) -> None:
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed)
    for rule in model.training:
        if _pairs_sharing(con, "rh_records", rule) < EM_MIN_PAIRS:
            continue  # too few pairs for EM to estimate anything: the priors stand
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*rule), estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS
        )


def score(
    records: pa.Table,
    model: Model,
    *,
    blocking: Sequence[Sequence[str]],
    review_threshold: float,
    prior: float,
    train: bool = False,
    seed: int = 42,
    engine: Mapping[str, str] | None = None,
) -> pa.Table:
    """Scored pairs of ``records`` (``rid`` plus the model's columns) at or above
    ``review_threshold``; see ``output_columns``. ``engine`` holds DuckDB settings for
    Splink's connection (threads, memory_limit)."""
    if records.num_rows < 2:
        return _empty(model)
    con = duckdb.connect()
    for name, value in {**(engine or {}), "enable_progress_bar": "false"}.items():
        con.execute(f"SET {name} = '{value}'")
    try:
        with silent_splink():
            db_api = DuckDBAPI(con)
            table = db_api.register(records, table_name="rh_records")
            fixed_u = exact_u(con, "rh_records", model) if train else {}
            linker = Linker(table, settings(model, blocking, prior, fixed_u), log_level=None)
            if train:
                _train(linker, model, seed, con)
            predictions = linker.inference.predict(
                threshold_match_probability=review_threshold, warning_mode="never"
            )
            scored = predictions.as_duckdbpyrelation().select(", ".join(output_columns(model)))
            result = scored.to_arrow_table()
    finally:
        con.close()
    return result.cast(_empty(model).schema)
