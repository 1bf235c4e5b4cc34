"""Native ids for the copies one system keeps of another system's records.

When Stripe holds a customer for a Salesforce account, or Zendesk an organisation for
it, the copy needs an id in that system's style. ``copy_ids`` derives it from the demo
id with a hash, so every writer that needs "the Stripe customer of acc_0000042" gets
the same id without sharing state, and the same demo gives the same ids every time.

>>> first = copy_ids("stripe_customer", ["acc_0000001", "acc_0000002"])
>>> first == copy_ids("stripe_customer", ["acc_0000001", "acc_0000002"]), first[0] != first[1]
(True, True)
>>> copy_ids("stripe_customer", ["acc_0000001"])[0][:4]
'cus_'
>>> len(copy_ids("salesforce_account", ["acc_0000001"])[0])
18
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# kind -> (prefix, length of the random part, digits only?)
_STYLES: dict[str, tuple[str, int, bool]] = {
    "stripe_customer": ("cus_", 14, False),
    "salesforce_account": ("0015e00000", 8, False),
    "salesforce_contact": ("0035e00000", 8, False),
    "salesforce_lead": ("00Q5e00000", 8, False),
    "hubspot_company": ("", 11, True),
    "hubspot_contact": ("", 11, True),
    "zendesk_organization": ("", 13, True),
    "zendesk_user": ("", 13, True),
}


def copy_ids(kind: str, demo_ids: Iterable[str]) -> list[str]:
    """The native id, in the style of ``kind``, of the copy of each demo record."""
    prefix, length, digits = _STYLES[kind]
    alphabet = "0123456789" if digits else _ALPHABET
    result = []
    for demo_id in demo_ids:
        digest = int.from_bytes(
            hashlib.blake2b(f"{kind}:{demo_id}".encode(), digest_size=16).digest()
        )
        chars = []
        for _ in range(length):
            digest, index = divmod(digest, len(alphabet))
            chars.append(alphabet[index])
        body = "".join(chars)
        if digits:
            body = str(1 + int(body) % (9 * 10 ** (length - 1)) + 10 ** (length - 1) - 1)
        result.append(prefix + body)
    return result
