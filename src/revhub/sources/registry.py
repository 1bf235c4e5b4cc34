"""Which connector serves which ``kind`` of source, loaded only when used.

>>> sorted(KINDS)[:3]
['ads', 'files', 'ga4']
>>> connector_class("salesfrce")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
revhub.errors.ConfigError: unknown source kind `salesfrce`. Did you mean `salesforce`? ...
"""

from __future__ import annotations

import importlib

from revhub.errors import ConfigError, did_you_mean
from revhub.sources.base import Source

KINDS: dict[str, str] = {
    "salesforce": "revhub.sources.salesforce:SalesforceSource",
    "hubspot": "revhub.sources.hubspot:HubSpotSource",
    "stripe": "revhub.sources.stripe:StripeSource",
    "zendesk": "revhub.sources.zendesk:ZendeskSource",
    "ga4": "revhub.sources.ga4:GA4Source",
    "ads": "revhub.sources.ads:AdSpendSource",
    "usage": "revhub.sources.usage:ProductUsageSource",
    "files": "revhub.sources.files:FileSource",
}


_REGISTERED: dict[str, type[Source]] = {}


def register(kind: str, cls: type[Source]) -> None:
    """Make a connector of your own available as ``kind = "<kind>"`` in revhub.toml."""
    _REGISTERED[kind] = cls


def connector_class(kind: str) -> type[Source]:
    """The Source subclass for ``kind``; a ConfigError with a suggestion otherwise."""
    if kind in _REGISTERED:
        return _REGISTERED[kind]
    try:
        target = KINDS[kind]
    except KeyError:
        raise ConfigError(
            f"unknown source kind `{kind}`.{did_you_mean(kind, [*KINDS, *_REGISTERED])} "
            f"Known kinds: {', '.join(sorted([*KINDS, *_REGISTERED]))}."
        ) from None
    module_name, class_name = target.split(":")
    cls: type[Source] = getattr(importlib.import_module(module_name), class_name)
    return cls
