"""Helpers of the app database tests: a clock moved by hand (for expiry, sliding sessions
and login windows) and cheap password hashing."""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher, profiles

CHEAP_HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
"""argon2 with the cheapest parameters, to keep tests fast (production uses the defaults)."""

START = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)


class ManualClock:
    """Returns ``now``; ``advance`` moves it on. Starts at 2026-07-01 09:00 UTC."""

    def __init__(self, now: dt.datetime = START) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        """Move on by ``timedelta(**delta)``; returns the new time."""
        self.now += dt.timedelta(**delta)
        return self.now
