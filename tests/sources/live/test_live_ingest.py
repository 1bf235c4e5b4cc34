"""`revhub ingest` with `pull = true`: pull from the vendor's API, then ingest what came."""

from __future__ import annotations

from pathlib import Path

import pytest
import responses
from live_recorded import serve
from test_live_stripe import HOST, KEY, serve_lists

import revhub


def _workspace(root: Path) -> Path:
    with revhub.init(root):
        pass
    config = root / "revhub.toml"
    config.write_text(
        config.read_text()
        + '\n[sources.stripe]\nkind = "stripe"\npath = "billing"\npull = true\n'
        + f'base_url = "{HOST}"\n'
    )
    return root


def test_ingest_pulls_then_takes_the_pulled_records_in(
    mock: responses.RequestsMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRIPE_API_KEY", KEY)
    serve(mock, HOST, "stripe", "events_latest")
    serve_lists(mock, ("customers_page1", "customers_page2"))
    with revhub.open(_workspace(tmp_path)) as ws:
        report = ws.ingest()
        (summary,) = report.sources
        assert summary.error is None
        assert summary.notes[0].startswith("pulled ")
        accounts = ws.table("accounts")
        stripe_accounts = accounts.filter(accounts.source == "stripe").count().execute()
    assert stripe_accounts == 3
    assert summary.counts.read == summary.counts.inserted + summary.counts.quarantined


def test_a_missing_credential_fails_that_source_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)
    with revhub.open(_workspace(tmp_path)) as ws:
        report = ws.ingest()
    assert report.failed
    (summary,) = report.sources
    assert summary.error is not None and "STRIPE_API_KEY" in summary.error
