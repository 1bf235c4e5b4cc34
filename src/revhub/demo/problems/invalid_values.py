"""Invalid values in free-text fields: what people and careless imports really type.

Malformed emails, country names instead of ISO codes, phone garbage, domains written as
URLs, placeholder names and blank fields, in 1–2 % of the rows of a table. Only columns
the model does not constrain are touched, so the loader accepts them and the quality
layer has to find them; a blank goes only where the model allows an empty value (an
export writes "" as nothing, and ingestion would quarantine a required field left
empty). Each planted value is one row of ``truth.invalid_values``.

>>> list(malformed_email(pt.text(["jo@acme.com"] * 4), np.arange(4)))
['jo@@acme.com', 'jo@acme', 'n/a', 'jo at acme.com']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revhub.demo.problems import perturb as pt
from revhub.demo.spec import DemoSpec
from revhub.model import get_table

COUNTRY_NAMES: dict[str, tuple[str, str, str]] = {
    "US": ("United States", "USA", "U.S."),
    "CA": ("Canada", "Canada", "CAN"),
    "GB": ("UK", "United Kingdom", "England"),
    "DE": ("Deutschland", "Germany", "Germany"),
    "FR": ("France", "France", "FRA"),
    "NL": ("Netherlands", "Holland", "Nederland"),
    "IS": ("Iceland", "Ísland", "Iceland"),
    "TR": ("Turkey", "Türkiye", "Turkiye"),
    "AU": ("Australia", "AUS", "Australia"),
    "SG": ("Singapore", "Singapore", "SGP"),
    "JP": ("Japan", "Japan", "日本"),
    "BR": ("Brasil", "Brazil", "BRA"),
    "MX": ("Mexico", "México", "MEX"),
}
PHONE_GARBAGE = ("000-000-0000", "call me", "n/a", "0", "1234567", "see email", "-")
PLACEHOLDER_PEOPLE = (("Test", "Test"), ("asdf", "asdf"), ("x", "x"), ("Test", "User"))
PLACEHOLDER_COMPANIES = ("Test Account", "asdf", "TEST", "xxx", "n/a", "none", "-")

BadValues = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (good values, variant draw)


@dataclass(frozen=True)
class Problem:
    """One way a row is broken: the truth label and, per column, how to break it."""

    problem: str
    weight: float
    breaks: tuple[tuple[str, BadValues], ...]  # (column, how); all break in the same row


def problem(label: str, column: str, weight: float, make: BadValues) -> Problem:
    """A problem in one column."""
    return Problem(label, weight, ((column, make),))


def malformed_email(good: np.ndarray, variant: np.ndarray) -> np.ndarray:
    """Double @, no top-level domain, "n/a", or "at" spelt out."""
    last_dot = np.strings.rfind(good, ".")
    no_tld = np.where(
        last_dot > np.strings.find(good, "@"), np.strings.slice(good, 0, last_dot), "n/a"
    )
    options = (
        np.strings.replace(good, "@", "@@", 1),
        no_tld,
        np.full(len(good), "n/a", dtype=pt.TEXT),
        np.strings.replace(good, "@", " at ", 1),
    )
    return _pick(options, variant)


def country_name(good: np.ndarray, variant: np.ndarray) -> np.ndarray:
    """The country written out ("Deutschland", "UK") instead of its ISO code."""
    codes = pa.array(list(COUNTRY_NAMES))
    index = pc.index_in(pa.array(good), value_set=codes).fill_null(-1).to_numpy()
    names = pt.text([name for names in COUNTRY_NAMES.values() for name in names]).reshape(-1, 3)
    return np.where(index >= 0, names[np.maximum(index, 0), variant % 3], good)


def url_domain(good: np.ndarray, variant: np.ndarray) -> np.ndarray:
    """A web address where a bare domain belongs."""
    return _pick(("http://www." + good, "https://" + good + "/", "www." + good), variant)


def constant(options: tuple[str, ...]) -> BadValues:
    """Bad values drawn from a fixed list of placeholders."""
    array = pt.text(list(options))
    return lambda good, variant: array[variant % len(options)]


def _pick(options: tuple[np.ndarray | str, ...], variant: np.ndarray) -> np.ndarray:
    choice = variant % len(options)
    result: np.ndarray = np.full(len(variant), "", dtype=pt.TEXT)
    for number, option in enumerate(options):  # not np.choose: it corrupts StringDType
        result = np.where(choice == number, option, result)
    return result


_BLANK = constant(("",))
_PERSON = (
    problem("malformed_email", "email", 3.0, malformed_email),
    problem("country_not_iso", "country", 2.0, country_name),
    problem("phone_garbage", "phone", 2.0, constant(PHONE_GARBAGE)),
    Problem(
        "placeholder_value",
        0.8,
        (
            ("first_name", constant(tuple(first for first, _ in PLACEHOLDER_PEOPLE))),
            ("last_name", constant(tuple(last for _, last in PLACEHOLDER_PEOPLE))),
        ),
    ),
    problem("placeholder_value", "last_name", 0.4, constant(("asdf", "xxx", "Unknown"))),
    problem("blank_value", "last_name", 0.5, _BLANK),
    problem("blank_value", "title", 0.5, _BLANK),
)
PROBLEMS: dict[str, tuple[Problem, ...]] = {
    "accounts": (
        problem("country_not_iso", "country", 3.0, country_name),
        problem("phone_garbage", "phone", 2.0, constant(PHONE_GARBAGE)),
        problem("domain_not_bare", "domain", 2.0, url_domain),
        problem("placeholder_value", "name", 1.0, constant(PLACEHOLDER_COMPANIES)),
        problem("blank_value", "city", 0.5, _BLANK),
    ),
    "contacts": _PERSON,
    "leads": (
        *_PERSON,
        problem("placeholder_value", "company", 1.0, constant(PLACEHOLDER_COMPANIES)),
        problem("blank_value", "company", 0.5, _BLANK),
    ),
}


def plant_invalid_values(
    spec: DemoSpec, name: str, data: pa.Table, touched: dict[str, np.ndarray], chunk: int
) -> tuple[pa.Table, pa.Table]:
    """Break 1–2 % of ``data``'s rows (one problem each); return it and its ``invalid_values``.

    ``touched`` marks values that duplicate-planting edited; they are left alone so the
    duplicate's recorded perturbations stay true. Only non-null, non-empty values break.
    """
    rng = spec.rng(f"invalid_values_{name}", chunk)
    problems = PROBLEMS[name]
    n = data.num_rows
    weights = np.array([planted.weight for planted in problems])
    kind = rng.choice(len(problems), size=n, p=weights / weights.sum())
    chosen = rng.random(n) < rng.uniform(0.01, 0.02)
    variant = rng.integers(0, 12, n)
    key = get_table(name).primary_key[0]
    columns: dict[str, pa.Array | pa.ChunkedArray] = {c: data[c] for c in data.column_names}
    truth: dict[str, list[np.ndarray]] = {k: [] for k in ("column_name", "row_id", "bad", "good")}
    problem_labels: list[np.ndarray] = []
    for number, planted in enumerate(problems):
        rows = np.flatnonzero(chosen & (kind == number))
        ok = np.ones(len(rows), bool)
        before: dict[str, tuple[pa.Array, np.ndarray]] = {}
        for column, _ in planted.breaks:
            array = _flat(columns[column])
            current = array.take(rows)
            good = pt.text(current.fill_null("").to_numpy(zero_copy_only=False))
            ok &= current.is_valid().to_numpy(zero_copy_only=False) & (good != "")
            ok &= ~touched.get(column, np.zeros(n, bool))[rows]
            before[column] = array, good
        rows = rows[ok]
        for column, make in planted.breaks:
            array, good = before[column][0], before[column][1][ok]
            bad = make(good, variant[rows])
            changed = bad != good
            if not changed.any():
                continue
            at, good, bad = rows[changed], good[changed], bad[changed].astype(object)
            mask = np.zeros(n, bool)
            mask[at] = True  # rows ascend, so the replacements line up with the mask
            columns[column] = pc.replace_with_mask(array, mask, pa.array(bad, pa.string()))
            truth["column_name"].append(np.full(len(at), column, dtype=object))
            truth["row_id"].append(data[key].take(at).to_numpy(zero_copy_only=False))
            truth["bad"].append(bad)
            truth["good"].append(good.astype(object))
            problem_labels.append(np.full(len(at), planted.problem, dtype=object))
    flat = {k: np.concatenate(v) if v else np.array([], dtype=object) for k, v in truth.items()}
    labels = np.concatenate(problem_labels) if problem_labels else np.array([], dtype=object)
    invalid = get_table("invalid_values").to_arrow(
        {
            "entity_table": np.full(len(labels), name, dtype=object),
            "row_id": flat["row_id"],
            "column_name": flat["column_name"],
            "bad_value": flat["bad"],
            "good_value": flat["good"],
            "problem": labels,
        }
    )
    return pa.table(columns, schema=data.schema), invalid


def _flat(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
