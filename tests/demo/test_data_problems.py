"""Planted duplicates and invalid values: present where the truth says, and loader-safe."""

from __future__ import annotations

import datetime as dt

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revhub.demo.problems.invalid_values import PROBLEMS
from revhub.demo.problems.plant import plant_data_problems
from revhub.demo.spec import DemoSpec
from revhub.model import get_table
from revhub.model.constraints import check_table

SPEC = DemoSpec(accounts=300, months=12, seed=7, as_of=dt.date(2026, 1, 1))
FIRST = np.array(["Robert", "Elizabeth", "Jürgen", "Ayşe", "William", "Anna", "José", "Li"])
LAST = np.array(["Smith", "Müller", "Şahin", "O'Brien", "García", "Jónsson", "Tanaka", "Li"])
COMPANIES = np.array(["Acme", "Globex", "Initech", "Müller Logistik", "Umbrella", "Stark"])
COUNTRY = np.array(["US", "DE", "TR", "GB", "FR", "IS", "JP", "NL"])
SUFFIX = {"US": " Inc.", "DE": " GmbH", "GB": " Ltd"}
PHONES = np.array(["+1 (415) 555-0100", "4155550123", "+49 30 1234567", "+44 20 7946 0958"])


def fake_chunk(accounts: int, seed: int) -> dict[str, pa.Table]:
    """A small realistic chunk of accounts, contacts and leads."""
    rng = np.random.default_rng(seed)
    created = (
        np.datetime64("2025-01-01T00:00", "us") + rng.integers(0, 300 * 86_400, accounts) * 10**6
    )
    account_id = np.array([f"acc_{i:07d}" for i in range(accounts)], dtype=object)
    country = COUNTRY[rng.integers(0, len(COUNTRY), accounts)]
    base = COMPANIES[rng.integers(0, len(COMPANIES), accounts)]
    name = [
        f"{b} {i}{SUFFIX.get(c, '')}" for i, (b, c) in enumerate(zip(base, country, strict=True))
    ]
    domain = [f"{b.lower().replace(' ', '')}{i}.com" for i, b in enumerate(base)]
    lineage = {"source": rng.choice(["salesforce", "hubspot"], accounts), "source_id": account_id}
    customer = np.where(
        rng.random(accounts) < 0.4, np.datetime64("2025-06-01"), np.datetime64("NaT")
    )
    tables = {
        "accounts": get_table("accounts").to_arrow(
            {
                "account_id": account_id,
                "name": name,
                "domain": domain,
                "country": country,
                "city": np.where(rng.random(accounts) < 0.9, "Springfield", None),
                "phone": PHONES[rng.integers(0, len(PHONES), accounts)],
                "segment": rng.choice(["smb", "mid_market", "enterprise"], accounts),
                "region": rng.choice(["emea", "north_america"], accounts),
                "became_customer_date": pa.array(customer, pa.date32()),
                **lineage,
                "created_at": created,
                "updated_at": created + 86_400 * 10**6,
            }
        )
    }
    for table, per_account, prefix in (("contacts", 3, "con"), ("leads", 2, "lead")):
        n = accounts * per_account
        first = FIRST[rng.integers(0, len(FIRST), n)]
        last = LAST[rng.integers(0, len(LAST), n)]
        ids = np.array([f"{prefix}_{i:07d}" for i in range(n)], dtype=object)
        email = np.char.add(
            np.char.add(np.char.lower(first.astype(str)), "@acme"), (np.arange(n) % 50).astype(str)
        )
        columns = {
            f"{table[:-1]}_id": ids,
            "first_name": first,
            "last_name": last,
            "email": np.where(rng.random(n) < 0.95, np.char.add(email, ".com"), None),
            "phone": np.where(rng.random(n) < 0.7, PHONES[rng.integers(0, len(PHONES), n)], None),
            "title": np.where(rng.random(n) < 0.8, "VP Sales", None),
            "country": COUNTRY[rng.integers(0, len(COUNTRY), n)],
            "source": rng.choice(["salesforce", "hubspot"], n),
            "source_id": ids,
            "created_at": np.repeat(created, per_account),
            "updated_at": np.repeat(created, per_account),
        }
        if table == "contacts":
            columns |= {
                "account_id": np.repeat(account_id, per_account),
                "has_opted_out": np.zeros(n, bool),
            }
        else:
            columns |= {
                "company": np.repeat(np.array(name, dtype=object), per_account),
                "channel": rng.choice(["webinar", "outbound", "paid_search"], n),
                "status": np.full(n, "working"),
                "is_converted": np.zeros(n, bool),
            }
        tables[table] = get_table(table).to_arrow(columns)
    return tables


@pytest.fixture(scope="module")
def planted() -> tuple[dict[str, pa.Table], dict[str, pa.Table]]:
    return plant_data_problems(SPEC, fake_chunk(400, 1), 3)


def _ids(tables: dict[str, pa.Table], name: str) -> set[str]:
    key = get_table(name).primary_key[0]
    return set(tables[name][key].to_pylist())


def test_every_duplicate_exists_in_both_places(
    planted: tuple[dict[str, pa.Table], dict[str, pa.Table]],
) -> None:
    tables, truth = planted
    duplicates = truth["duplicate_records"].to_pylist()
    assert {d["entity_table"] for d in duplicates} == {"accounts", "contacts", "leads"}
    for d in duplicates:
        assert d["duplicate_id"] in _ids(tables, d["entity_table"])
        # a lead that re-enters a known person duplicates a contact
        expected = "contacts" if d["entity_table"] == "leads" else d["entity_table"]
        assert d["original_table"] == expected
        assert d["original_id"] in _ids(tables, d["original_table"])
        assert d["perturbations"]


def test_duplicate_rates_and_sources(
    planted: tuple[dict[str, pa.Table], dict[str, pa.Table]],
) -> None:
    _, truth = planted
    dup = truth["duplicate_records"]
    counts = dict(
        zip(
            *np.unique(dup["entity_table"].to_numpy(zero_copy_only=False), return_counts=True),
            strict=True,
        )
    )
    assert 0.02 * 400 <= counts["accounts"] <= 0.07 * 400
    assert 0.03 * 1200 <= counts["contacts"] <= 0.09 * 1200
    assert set(dup["duplicate_source"].to_pylist()) <= {"salesforce", "hubspot", "stripe"}
    edits = ",".join(dup["perturbations"].to_pylist()).split(",")
    for expected in ("typo", "nickname", "transliteration", "legal_suffix", "phone_format"):
        assert expected in edits


def test_invalid_values_are_in_the_final_tables(
    planted: tuple[dict[str, pa.Table], dict[str, pa.Table]],
) -> None:
    tables, truth = planted
    invalid = truth["invalid_values"].to_pylist()
    assert len({row["problem"] for row in invalid}) >= 5
    for name in ("accounts", "contacts", "leads"):
        rows = [r for r in invalid if r["entity_table"] == name]
        assert 0.005 * tables[name].num_rows <= len(rows) <= 0.025 * tables[name].num_rows
        key = get_table(name).primary_key[0]
        data = tables[name]
        for r in rows:
            match = data.filter(pc.equal(data[key], r["row_id"]))
            assert match.num_rows == 1
            assert match[r["column_name"]][0].as_py() == r["bad_value"] != r["good_value"]


def test_blanks_go_only_where_the_model_allows_empty_values() -> None:
    # an export writes "" as nothing: a blank required field would be quarantined at ingest
    for name, problems in PROBLEMS.items():
        columns = {c.name: c for c in get_table(name).columns}
        blanked = [col for p in problems if p.problem == "blank_value" for col, _ in p.breaks]
        assert blanked, name
        assert [col for col in blanked if not columns[col].nullable] == [], name


def test_hard_constraints_still_hold(
    planted: tuple[dict[str, pa.Table], dict[str, pa.Table]],
) -> None:
    tables, truth = planted
    for name, data in (*tables.items(), *truth.items()):
        assert check_table(get_table(name), ibis.memtable(data)) == [], name
    accounts = _ids(tables, "accounts")
    assert set(tables["contacts"]["account_id"].drop_null().to_pylist()) <= accounts
    end = pa.scalar(np.datetime64(SPEC.end, "us"))
    for name in ("accounts", "contacts", "leads"):
        assert pc.all(pc.less(tables[name]["created_at"], end)).as_py()
        assert pc.all(pc.less_equal(tables[name]["created_at"], tables[name]["updated_at"])).as_py()


def test_deterministic_for_seed_and_chunk() -> None:
    chunk = fake_chunk(120, 2)
    first = plant_data_problems(SPEC, chunk, 0)
    again = plant_data_problems(SPEC, chunk, 0)
    other = plant_data_problems(SPEC, chunk, 1)
    for left, right in zip(first, again, strict=True):
        assert all(left[name].equals(right[name]) for name in left)
    assert not first[1]["duplicate_records"].equals(other[1]["duplicate_records"])


@settings(max_examples=15, deadline=None)
@given(accounts=st.integers(0, 40), seed=st.integers(0, 10_000), chunk=st.integers(0, 19))
def test_truth_agrees_with_data_for_any_chunk(accounts: int, seed: int, chunk: int) -> None:
    spec = DemoSpec(accounts=100, months=12, seed=seed, as_of=dt.date(2026, 1, 1))
    tables, truth = plant_data_problems(spec, fake_chunk(accounts, seed), chunk)
    for name in ("accounts", "contacts", "leads"):
        assert len(_ids(tables, name)) == tables[name].num_rows  # keys stay unique
    for row in truth["invalid_values"].to_pylist():
        key = get_table(row["entity_table"]).primary_key[0]
        data = tables[row["entity_table"]]
        assert data.filter(pc.equal(data[key], row["row_id"]))[row["column_name"]].to_pylist() == [
            row["bad_value"]
        ]
    for row in truth["duplicate_records"].to_pylist():
        assert row["duplicate_id"] in _ids(tables, row["entity_table"])
