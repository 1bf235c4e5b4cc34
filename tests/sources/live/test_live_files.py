"""Pull files, cursor state and the HTTP client, apart from any one vendor."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import responses
from dlt.common import logger as dlt_logger
from live_recorded import body, serve

from revhub.config import SourceSettings
from revhub.errors import ConfigError, DataError
from revhub.sources.live import pull
from revhub.sources.live.files import Staging
from revhub.sources.live.http import Api
from revhub.sources.live.retry import retry_after
from revhub.sources.live.state import STATE_FILE, next_pull_number, read_cursors
from revhub.sources.live.stripe import OBJECTS


def test_next_pull_number_follows_the_highest_in_the_directory(tmp_path: Path):
    for name in (
        "Account.csv",
        "Account.pull-0002.csv",
        "contacts.pull-0011.json",
        ".Lead.pull-0040.csv.partial",
        "notes.pull-0099.txt",
    ):
        (tmp_path / name).write_text("x")

    assert next_pull_number(tmp_path) == 12


def test_unreadable_state_says_how_to_start_over(tmp_path: Path):
    (tmp_path / STATE_FILE).write_text("{not json")

    with pytest.raises(DataError, match="Delete the file to pull every record again"):
        read_cursors(tmp_path)


def test_failed_pull_deletes_its_partial_files(tmp_path: Path):
    def fail_mid_pull() -> None:
        with Staging(tmp_path, 1) as staging:
            staging.json_list("customers", "data").write({"id": "cus_1"})
            raise RuntimeError("network gone")

    with pytest.raises(RuntimeError):
        fail_mid_pull()

    assert list(tmp_path.iterdir()) == []


def test_empty_files_are_not_kept_and_stale_partials_go(tmp_path: Path):
    (tmp_path / ".Account.pull-0003.csv.partial").write_text("Id\n001")
    with Staging(tmp_path, 4) as staging:
        staging.csv("Lead", ["Id"])
        staging.csv("Account", ["Id", "Name"]).write(["001", "Acme, Inc"])
        written = staging.commit()

    assert written == [tmp_path / "Account.pull-0004.csv"]
    assert [p.name for p in tmp_path.iterdir()] == ["Account.pull-0004.csv"]
    assert written[0].read_text() == 'Id,Name\n001,"Acme, Inc"\n'


def test_kind_without_an_api_cannot_be_pulled(tmp_path: Path):
    with pytest.raises(ConfigError, match="kind `zendesk`, which cannot be pulled"):
        pull("desk", SourceSettings(kind="zendesk", path="desk"), tmp_path, {})


def test_unreachable_api_is_a_data_error_after_retries(tmp_path: Path):
    api = Api("Stripe", "https://nowhere.test", token="sk_live_x", backoff=0.001)
    with responses.RequestsMock() as mock:  # nothing registered: connection refused
        with pytest.raises(DataError) as caught:
            api.get("/v1/customers", {"limit": 100})
        assert len(mock.calls) == 5

    assert str(caught.value).startswith(
        "could not reach Stripe at nowhere.test for /v1/customers (ConnectionError) after 5"
    )


def test_retry_after_as_an_http_date():
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert retry_after("2.5") == 2.5


def test_pull_writes_nothing_to_home_or_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    home, work, data = tmp_path / "home", tmp_path / "work", tmp_path / "data"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    logging_before = dlt_logger.is_logging()
    settings = SourceSettings(kind="stripe", path="billing", base_url="https://stripe.test")
    with responses.RequestsMock() as mock:
        serve(mock, "https://stripe.test", "stripe", "events_latest")
        for path, _, _ in OBJECTS.values():
            page = body("stripe", "customers_page2" if path == "/v1/customers" else "empty_list")
            mock.add("GET", f"https://stripe.test{path}", json=page)
        report = pull("billing", settings, data, {"STRIPE_API_KEY": "sk_test_x"}, backoff=0)

    assert [p.name for p in report.files] == ["customers.pull-0001.json"]
    assert list(home.iterdir()) == []
    assert list(work.iterdir()) == []
    assert dlt_logger.is_logging() == logging_before  # dlt's runtime was not initialised
    assert not logging.getLogger("dlt").handlers or logging_before
    assert json.loads((data / STATE_FILE).read_text())["customers"] == 1706700000
