"""Stripe pulls against recorded API responses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses
from live_recorded import body, calls, query, serve

from revhub.config import SourceSettings
from revhub.errors import ConfigError, DataError
from revhub.sources.live import pull
from revhub.sources.live.state import STATE_FILE
from revhub.sources.live.stripe import OBJECTS, VERSION
from revhub.sources.readers import read_json_records

HOST = "https://stripe.test"
KEY = "sk_test_51Px000secret"
ENV = {"STRIPE_API_KEY": KEY}
SETTINGS = SourceSettings(kind="stripe", path="billing", base_url=HOST)
RECORDED = {"customers", "subscriptions", "invoices"}  # the others are empty lists


def serve_lists(
    mock: responses.RequestsMock, customers: tuple[str, ...], recorded: set[str] = RECORDED
) -> None:
    """Customers in ``customers`` pages, the ``recorded`` lists, every other list empty."""
    for stem, (path, _, _) in OBJECTS.items():
        if stem == "customers":
            for page in customers:
                serve(mock, HOST, "stripe", page)
        elif stem in recorded:
            serve(mock, HOST, "stripe", stem)
        else:
            serve(mock, HOST, "stripe", "empty_list", path=path)


def first_pull(mock: responses.RequestsMock, folder: Path) -> None:
    serve(mock, HOST, "stripe", "events_latest")
    serve_lists(mock, ("customers_page1", "customers_page2"))
    pull("billing", SETTINGS, folder, ENV, backoff=0.001)


def test_first_pull_lists_every_page(mock: responses.RequestsMock, tmp_path: Path):
    serve(mock, HOST, "stripe", "events_latest")
    serve_lists(mock, ("customers_page1", "customers_page2"))

    report = pull("billing", SETTINGS, tmp_path, ENV, backoff=0.001)

    customers = {o.name: o for o in report.objects}["customers"]
    assert (customers.records, customers.pages, customers.cursor) == (3, 2, 1709280000)
    first, second = calls(mock, "/v1/customers")
    assert query(first) == {"limit": ["100"]}
    assert query(second) == {"limit": ["100"], "starting_after": ["cus_PxA2contoso00"]}
    assert query(calls(mock, "/v1/subscriptions")[0])["status"] == ["all"]
    assert first.request.headers["Stripe-Version"] == VERSION
    assert first.request.headers["Authorization"] == f"Bearer {KEY}"
    assert sorted(p.name for p in report.files) == [
        "customers.pull-0001.json",
        "invoices.pull-0001.json",
        "subscriptions.pull-0001.json",
    ]
    assert json.loads((tmp_path / STATE_FILE).read_text()) == {
        "customers": 1709280000,
        "events": 1709280005,
        "invoices": 1709280000,
        "subscriptions": 1709280000,
    }


def test_files_are_stripe_lists_of_the_api_objects(mock: responses.RequestsMock, tmp_path: Path):
    first_pull(mock, tmp_path)

    customers = json.loads((tmp_path / "customers.pull-0001.json").read_text())
    recorded = body("stripe", "customers_page1")["data"] + body("stripe", "customers_page2")["data"]
    assert customers == {"object": "list", "data": recorded}
    [subscription] = read_json_records(tmp_path / "subscriptions.pull-0001.json", "data").records
    assert subscription["items"]["data"][0]["price"]["id"] == "price_1PxTeamMonthly"


def test_second_pull_takes_new_objects_and_changes_from_events(
    mock: responses.RequestsMock, tmp_path: Path
):
    first_pull(mock, tmp_path)
    serve(mock, HOST, "stripe", "events_changes")
    serve_lists(mock, ("customers_new",), recorded=set())

    report = pull("billing", SETTINGS, tmp_path, ENV, backoff=0.001)

    events = query(calls(mock, "/v1/events")[-1])
    assert events["created[gt]"] == ["1709280005"]
    assert {"customer.updated", "customer.deleted", "customer.subscription.updated"} <= set(
        events["types[]"]
    )
    assert query(calls(mock, "/v1/customers")[-1])["created[gt]"] == ["1709280000"]
    assert "created[gt]" not in query(calls(mock, "/v1/products")[-1])  # none pulled yet
    customers = json.loads((tmp_path / "customers.pull-0002.json").read_text())["data"]
    assert [(c["id"], c.get("deleted"), c["balance"]) for c in customers] == [
        ("cus_Q0B3tailspin0", None, 0),  # new, from the list
        ("cus_PxA2contoso00", True, 0),  # customer.deleted
        ("cus_PwZ9fabrikam0", None, -1500),  # the newer of its two updates
    ]
    [subscription] = json.loads((tmp_path / "subscriptions.pull-0002.json").read_text())["data"]
    assert subscription["status"] == "canceled"
    assert "deleted" not in subscription  # a canceled subscription still exists
    cursors = json.loads((tmp_path / STATE_FILE).read_text())
    assert (cursors["customers"], cursors["events"]) == (1710000000, 1709950000)
    assert {o.name: o.records for o in report.objects}["events"] == 4


def test_rate_limit_and_server_error_are_retried(mock: responses.RequestsMock, tmp_path: Path):
    serve(mock, HOST, "stripe", "events_latest")
    serve(mock, HOST, "stripe", "error_429")
    serve(mock, HOST, "stripe", "error_500")
    serve_lists(mock, ("customers_page1", "customers_page2"))

    report = pull("billing", SETTINGS, tmp_path, ENV, backoff=0.001)

    assert report.retries == 2
    assert {o.name: o.records for o in report.objects}["customers"] == 3


def test_retries_run_out(mock: responses.RequestsMock, tmp_path: Path):
    serve(mock, HOST, "stripe", "events_latest")
    for _ in range(5):
        serve(mock, HOST, "stripe", "error_500")

    with pytest.raises(DataError) as caught:
        pull("billing", SETTINGS, tmp_path, ENV, backoff=0.001)

    assert str(caught.value).startswith("Stripe returned 500 for /v1/customers after 5 attempts")
    assert KEY not in str(caught.value)
    assert not (tmp_path / STATE_FILE).exists()


def test_wrong_key_is_a_credential_error(mock: responses.RequestsMock, tmp_path: Path):
    serve(mock, HOST, "stripe", "error_401", path="/v1/events")

    with pytest.raises(ConfigError) as caught:
        pull("billing", SETTINGS, tmp_path, ENV, backoff=0.001)

    message = str(caught.value)
    assert message.startswith("Stripe returned 401 for /v1/events: the key in STRIPE_API_KEY")
    assert KEY not in message
    assert "sk_test" not in message
    assert len(mock.calls) == 1


def test_missing_key_is_named(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"^STRIPE_API_KEY is not set; export it to pull"):
        pull("billing", SETTINGS, tmp_path, {})
