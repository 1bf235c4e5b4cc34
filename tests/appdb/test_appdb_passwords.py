"""Password hashing and rules (no database needed)."""

from __future__ import annotations

import pytest
from appdb_helpers import CHEAP_HASHER
from hypothesis import given
from hypothesis import strategies as st

from revhub.appdb import check_password_rules, hash_password, random_password, verify_password
from revhub.appdb.passwords import MIN_LENGTH
from revhub.errors import UserAdminError

passwords = st.text(min_size=MIN_LENGTH, max_size=80)


@given(password=passwords, other=passwords)
def test_any_password_round_trips_and_no_other_matches(password: str, other: str) -> None:
    stored = hash_password(CHEAP_HASHER, password)
    assert password not in stored
    assert verify_password(CHEAP_HASHER, stored, password)
    assert verify_password(CHEAP_HASHER, stored, other) == (other == password)


@given(password=passwords)
def test_long_enough_passwords_pass_the_rules(password: str) -> None:
    check_password_rules(password, username="somebody-else")


def test_the_same_password_hashes_differently_each_time() -> None:
    assert hash_password(CHEAP_HASHER, "x" * 12) != hash_password(CHEAP_HASHER, "x" * 12)


def test_random_passwords_follow_the_rules_and_differ() -> None:
    made = {random_password() for _ in range(50)}
    assert len(made) == 50
    for password in made:
        check_password_rules(password, username="admin")
        assert len(password) == 20 and password.isalnum()


@pytest.mark.parametrize(
    ("password", "username", "message"),
    [
        ("x" * 11, "ana", "11 characters long"),
        ("Administrator", "administrator", "must not be the user name"),
    ],
)
def test_weak_passwords_say_why(password: str, username: str, message: str) -> None:
    with pytest.raises(UserAdminError, match=message):
        check_password_rules(password, username=username)
