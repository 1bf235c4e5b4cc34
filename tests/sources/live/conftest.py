"""A `responses` mock for the live-pull tests: no request leaves the process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    """Every HTTP request is answered by what the test registered (or fails)."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as requests_mock:
        yield requests_mock
