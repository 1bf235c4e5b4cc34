"""Ids that look like the ones source systems hand out (Stripe, Salesforce, Zendesk).

>>> import numpy as np
>>> ids = native_ids("in_", np.random.default_rng(0), 2)
>>> len(ids), ids[0].startswith("in_"), len(ids[0])
(2, True, 27)
"""

from __future__ import annotations

import numpy as np

_ALPHABET = np.frombuffer(
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8
)


def native_ids(prefix: str, rng: np.random.Generator, count: int, length: int = 24) -> np.ndarray:
    """``count`` random ids ``prefix`` + ``length`` base-62 characters (object array).

    Collisions are possible in principle but negligible (62**24); use them as
    ``source_id``, never as keys.
    """
    if count == 0:
        return np.array([], dtype=object)
    codes = _ALPHABET[rng.integers(0, len(_ALPHABET), size=(count, length))]
    body = np.ascontiguousarray(codes).view(f"S{length}").ravel().astype(str)
    return np.char.add(prefix, body).astype(object)
