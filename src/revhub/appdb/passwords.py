"""How secrets are kept: passwords as argon2id hashes, session and API tokens as SHA-256.

Passwords are low-entropy, so they get a slow, salted hash (argon2-cffi's recommended
parameters unless a test passes cheaper ones). Tokens are long random strings, so a fast
digest is enough and lets a request find its token by an indexed lookup.

>>> hasher = PasswordHasher()
>>> stored = hash_password(hasher, "correct horse battery")
>>> verify_password(hasher, stored, "correct horse battery"), verify_password(hasher, stored, "x")
(True, False)
>>> len(token_digest("rh_abc"))
64
"""

from __future__ import annotations

import hashlib
import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError

from revhub.errors import UserAdminError

MIN_LENGTH = 12
"""The shortest password accepted."""

_ALPHABET = string.ascii_letters + string.digits


def check_password_rules(password: str, *, username: str) -> None:
    """Raise ``UserAdminError`` unless ``password`` may be used by ``username``.

    >>> check_password_rules("short", username="ana")
    Traceback (most recent call last):
    ...
    revhub.errors.UserAdminError: the password is 5 characters long; use at least 12.
    """
    if len(password) < MIN_LENGTH:
        raise UserAdminError(
            f"the password is {len(password)} characters long; use at least {MIN_LENGTH}."
        )
    if password.strip().casefold() == username.strip().casefold():
        raise UserAdminError("the password must not be the user name; choose another.")


def hash_password(hasher: PasswordHasher, password: str) -> str:
    """The argon2id hash to store for ``password`` (salted: never the same twice)."""
    return hasher.hash(password)


def verify_password(hasher: PasswordHasher, stored: str, password: str) -> bool:
    """Whether ``password`` matches the ``stored`` hash. A damaged hash raises (argon2's
    ``InvalidHashError``): that is a broken row, not a wrong password."""
    try:
        return hasher.verify(stored, password)
    except VerifyMismatchError:
        return False


def needs_rehash(hasher: PasswordHasher, stored: str) -> bool:
    """Whether ``stored`` was made with other parameters than ``hasher``'s."""
    return hasher.check_needs_rehash(stored)


def random_password(length: int = 20) -> str:
    """A random password of letters and digits (~119 bits for 20 characters).

    >>> len(random_password())
    20
    """
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def token_digest(token: str) -> str:
    """The SHA-256 hex digest stored in place of a session or API token."""
    return hashlib.sha256(token.encode()).hexdigest()
