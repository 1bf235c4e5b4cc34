"""Salesforce pulls against recorded REST API responses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import responses
from live_recorded import calls, query, serve

from revhub.config import SourceSettings
from revhub.errors import ConfigError, DataError
from revhub.sources.live import pull
from revhub.sources.live.state import STATE_FILE
from revhub.sources.readers import read_csv

HOST = "https://acme.my.salesforce.test"
TOKEN = "00DRO000000secret!AQ8AQKb2.session"
ENV = {"SALESFORCE_ACCESS_TOKEN": TOKEN}
SETTINGS = SourceSettings(kind="salesforce", path="crm", base_url=HOST)
API = "/services/data/v60.0"
DESCRIBE = f"{API}/sobjects/Account/describe"
ANY_DESCRIBE = re.compile(re.escape(API) + r"/sobjects/\w+/describe")
FIELDS = [
    "Id",
    "IsDeleted",
    "Name",
    "Type",
    "BillingCountry",
    "Industry",
    "AnnualRevenue",
    "NumberOfEmployees",
    "Website",
    "OwnerId",
    "ParentId",
    "CreatedDate",
    "LastModifiedDate",
    "SystemModstamp",
]


def serve_account(mock: responses.RequestsMock, *pages: str) -> None:
    """Account described and queried (``pages``); every other object absent from the org."""
    serve(mock, HOST, "salesforce", "describe_account")
    serve(mock, HOST, "salesforce", "not_found", path=ANY_DESCRIBE)
    for page in pages:
        serve(mock, HOST, "salesforce", page)


def first_pull(mock: responses.RequestsMock, folder: Path) -> None:
    serve_account(mock, "query_account_page1", "query_account_page2")
    pull("crm", SETTINGS, folder, ENV, backoff=0.001)


def test_first_pull_reads_every_page_into_one_csv(mock: responses.RequestsMock, tmp_path: Path):
    serve_account(mock, "query_account_page1", "query_account_page2")

    report = pull("crm", SETTINGS, tmp_path, ENV, backoff=0.001)

    [account] = report.objects
    assert (account.name, account.records, account.pages) == ("Account", 3, 2)
    assert account.file == tmp_path / "Account.pull-0001.csv"
    assert account.cursor == "2024-03-05T09:15:42.500+0000"
    assert len(report.notes) == 11  # the other objects: describe answered 404
    soql = query(calls(mock, f"{API}/queryAll")[0])["q"][0]
    assert soql == f"SELECT {', '.join(FIELDS)} FROM Account ORDER BY SystemModstamp"
    assert len(calls(mock, f"{API}/query/01gRO00000BQm8RYAT-2")) == 1
    assert json.loads((tmp_path / STATE_FILE).read_text()) == {"Account": account.cursor}


def test_csv_holds_api_names_and_values_as_salesforce_returns_them(
    mock: responses.RequestsMock, tmp_path: Path
):
    first_pull(mock, tmp_path)

    text = (tmp_path / "Account.pull-0001.csv").read_text()
    lines = text.splitlines()
    assert lines[0] == ",".join(FIELDS)  # no attributes, no compound address, no deprecated
    assert lines[1] == (
        "001RO00000A1bCdYAJ,false,Northwind Traders,Customer - Direct,United States,Retail,"
        "12500000.0,240,northwind.example,005RO000001xYzAYAU,,2023-11-02T14:05:11.000+0000,"
        "2024-03-01T10:00:00.000+0000,2024-03-01T10:00:00.000+0000"
    )
    table = read_csv(tmp_path / "Account.pull-0001.csv").rows
    assert table["Name"].to_pylist()[1] == 'Contoso, Ltd. "EMEA"'
    assert table["AnnualRevenue"].to_pylist() == ["12500000.0", "1500000.5", None]
    assert table["IsDeleted"].to_pylist() == ["false", "false", "true"]


def test_second_pull_asks_only_for_newer_records(mock: responses.RequestsMock, tmp_path: Path):
    first_pull(mock, tmp_path)
    serve_account(mock, "query_account_incremental")

    report = pull("crm", SETTINGS, tmp_path, ENV, backoff=0.001)

    soql = query(calls(mock, f"{API}/queryAll")[-1])["q"][0]
    assert soql.endswith(
        "FROM Account WHERE SystemModstamp > 2024-03-05T09:15:42Z ORDER BY SystemModstamp"
    )
    [account] = report.objects
    assert account.file == tmp_path / "Account.pull-0002.csv"
    assert account.records == 1  # the cursor's own record, sent again, is dropped
    rows = read_csv(account.file).rows
    assert rows["Id"].to_pylist() == ["001RO00000A1bCgYAJ"]
    assert json.loads((tmp_path / STATE_FILE).read_text()) == {
        "Account": "2024-03-07T08:00:00.000+0000"
    }


def test_server_error_is_retried(mock: responses.RequestsMock, tmp_path: Path):
    serve(mock, HOST, "salesforce", "error_500", path=DESCRIBE)
    serve_account(mock, "query_account_page1", "query_account_page2")

    report = pull("crm", SETTINGS, tmp_path, ENV, backoff=0.001)

    assert report.retries == 1
    assert report.objects[0].records == 3


def test_expired_token_is_a_credential_error(mock: responses.RequestsMock, tmp_path: Path):
    serve(mock, HOST, "salesforce", "error_401", path=DESCRIBE)

    with pytest.raises(ConfigError) as caught:
        pull("crm", SETTINGS, tmp_path, ENV, backoff=0.001)

    message = str(caught.value)
    assert message.startswith(f"Salesforce returned 401 for {DESCRIBE}: ")
    assert "SALESFORCE_ACCESS_TOKEN" in message
    assert TOKEN not in message
    assert len(mock.calls) == 1  # not retried


def test_used_up_api_limit_is_not_called_a_credential_problem(
    mock: responses.RequestsMock, tmp_path: Path
):
    serve(mock, HOST, "salesforce", "error_403_limit", path=DESCRIBE)

    with pytest.raises(DataError, match=r"returned 403 .*TotalRequests Limit exceeded"):
        pull("crm", SETTINGS, tmp_path, ENV, backoff=0.001)


def test_refused_query_says_why(mock: responses.RequestsMock, tmp_path: Path):
    serve_account(mock, "malformed_query")

    with pytest.raises(DataError, match=r"returned 400 for .*/queryAll: .*No such column 'Foo__c'"):
        pull("crm", SETTINGS, tmp_path, ENV, backoff=0.001)


def test_interrupted_pull_leaves_no_file_and_the_old_cursor(
    mock: responses.RequestsMock, tmp_path: Path
):
    first_pull(mock, tmp_path)
    state = (tmp_path / STATE_FILE).read_bytes()
    before = sorted(p.name for p in tmp_path.iterdir())
    serve_account(mock, "query_account_page1")
    mock.add("GET", f"{HOST}{API}/query/01gRO00000BQm8RYAT-2", body=RuntimeError("killed"))

    with pytest.raises(RuntimeError, match="killed"):
        pull("crm", SETTINGS, tmp_path, ENV, backoff=0.001)

    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no partial, no pull-0002
    assert (tmp_path / STATE_FILE).read_bytes() == state


@pytest.mark.parametrize(
    ("env", "base_url", "named"),
    [
        ({}, HOST, "SALESFORCE_ACCESS_TOKEN"),
        ({"SALESFORCE_ACCESS_TOKEN": TOKEN}, None, "SALESFORCE_INSTANCE_URL"),
    ],
)
def test_missing_variable_is_named(env, base_url, named, tmp_path: Path):
    settings = SourceSettings(kind="salesforce", path="crm", base_url=base_url)

    with pytest.raises(ConfigError, match=f"^{named} is not set; export "):
        pull("crm", settings, tmp_path, env)

    assert list(tmp_path.iterdir()) == []


def test_instance_url_comes_from_the_environment(mock: responses.RequestsMock, tmp_path: Path):
    serve_account(mock, "query_account_page1", "query_account_page2")
    settings = SourceSettings(kind="salesforce", path="crm")
    env = {**ENV, "SALESFORCE_INSTANCE_URL": HOST + "/"}

    report = pull("crm", settings, tmp_path, env, backoff=0.001)

    assert report.objects[0].records == 3
    assert mock.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"
