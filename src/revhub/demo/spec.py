"""What to generate: size, time span, seed, and the random streams derived from them.

The simulation runs over accounts in fixed-size chunks; every chunk and every global
step draws from its own stream, seeded by (seed, step, chunk), so that the output does
not depend on how many chunks run or in what order.

>>> spec = DemoSpec(accounts=10, months=12, seed=1, as_of=dt.date(2026, 1, 1))
>>> spec.start_date
datetime.date(2025, 1, 1)
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

import numpy as np

from revhub.errors import GenerationError

CHUNK_ACCOUNTS = 50_000
BASE_CURRENCY = "USD"
SOURCE = "demo"


def first_of_month(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class DemoSpec:
    """Parameters of one demo company.

    ``as_of`` is the first day after the simulated history (exclusive end); the history
    covers the ``months`` whole months before it.
    """

    accounts: int = 20_000
    months: int = 36
    seed: int = 42
    as_of: dt.date = dt.date(2026, 11, 1)

    def __post_init__(self) -> None:
        problems = []
        if self.accounts < 1:
            problems.append(f"--accounts must be at least 1 (got {self.accounts})")
        if not 3 <= self.months <= 120:
            problems.append(f"--months must be between 3 and 120 (got {self.months})")
        if self.seed < 0:
            problems.append(f"--seed must be non-negative (got {self.seed})")
        if self.as_of.day != 1:
            problems.append(f"--as-of must be the first day of a month (got {self.as_of})")
        if problems:
            raise GenerationError("; ".join(problems) + ".")

    @property
    def start_date(self) -> dt.date:
        return add_months(self.as_of, -self.months)

    @property
    def end_date(self) -> dt.date:
        """Exclusive end of the simulated history (== as_of)."""
        return self.as_of

    @property
    def start(self) -> np.datetime64:
        return np.datetime64(self.start_date, "D")

    @property
    def end(self) -> np.datetime64:
        return np.datetime64(self.end_date, "D")

    @property
    def days(self) -> int:
        return int((self.end - self.start).astype(int))

    @property
    def chunks(self) -> list[range]:
        """Account index ranges, one per chunk."""
        return [
            range(lo, min(lo + CHUNK_ACCOUNTS, self.accounts))
            for lo in range(0, self.accounts, CHUNK_ACCOUNTS)
        ]

    def rng(self, step: str, chunk: int = -1) -> np.random.Generator:
        """The random stream for one step (and chunk) of the simulation.

        >>> a, b = DemoSpec(seed=3).rng("org"), DemoSpec(seed=3).rng("org")
        >>> int(a.integers(100)) == int(b.integers(100))
        True
        """
        return np.random.default_rng([self.seed, zlib.crc32(step.encode()), chunk + 1])


def make_ids(prefix: str, start: int, count: int) -> np.ndarray:
    """Sequential string keys ``prefix_000001`` ... (global numbering across chunks).

    >>> list(make_ids("acc", 0, 2))
    ['acc_0000001', 'acc_0000002']
    """
    if count == 0:
        return np.array([], dtype=object)
    numbers = np.arange(start + 1, start + count + 1)
    return np.char.add(f"{prefix}_", np.char.zfill(numbers.astype(str), 7)).astype(object)


def chunk_ids(prefix: str, chunk: int, count: int) -> np.ndarray:
    """Keys for rows whose count per chunk is random: unique across chunks.

    >>> list(chunk_ids("lead", 1, 1))
    ['lead_100000001']
    """
    return make_ids(prefix, chunk * 100_000_000, count)
