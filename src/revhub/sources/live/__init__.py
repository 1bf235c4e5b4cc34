"""Live pulls: fetch what changed in Salesforce, HubSpot or Stripe into the source's directory.

A pull maps nothing. It lands the API's records as files in the shape the file connectors
read (``<object>.pull-<NNNN>.csv|json``, see each vendor module), and ingestion then reads
every file of the directory. Credentials come from the environment (``env``), never from
revhub.toml; ``settings.base_url`` replaces the vendor's address. A pull either completes,
renaming all its files into place and then saving the cursors in
``.revhub-pull-state.json``, or leaves the directory as it was.

>>> from revhub.config import SourceSettings
>>> pull("billing", SourceSettings(kind="stripe", path="billing"), Path("/tmp/x"), env={})
Traceback (most recent call last):
...
revhub.errors.ConfigError: STRIPE_API_KEY is not set; export it to pull from Stripe.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

from revhub.config import SourceSettings
from revhub.errors import ConfigError
from revhub.sources.live import hubspot, salesforce, stripe
from revhub.sources.live.files import Staging
from revhub.sources.live.report import ObjectPull, PullReport
from revhub.sources.live.state import next_pull_number, read_cursors, write_cursors

VENDORS: dict[str, ModuleType] = {"salesforce": salesforce, "hubspot": hubspot, "stripe": stripe}

__all__ = ["VENDORS", "ObjectPull", "PullReport", "pull"]


def pull(
    name: str,
    settings: SourceSettings,
    directory: Path,
    env: Mapping[str, str] | None = None,
    *,
    backoff: float = 1.0,
) -> PullReport:
    """Pull source ``name`` (kind salesforce, hubspot or stripe) into ``directory``.

    ``env`` holds the credentials (default: the process environment). ``backoff`` scales
    every wait between retries (1.0: real seconds; tests pass a tiny value).
    """
    vendor = VENDORS.get(settings.kind)
    if vendor is None:
        raise ConfigError(
            f"source `{name}` has kind `{settings.kind}`, which cannot be pulled; set "
            f"`pull = false` for it, or use one of: {', '.join(VENDORS)}.",
            source=f"sources.{name}",
        )
    api = vendor.connect(settings.base_url, os.environ if env is None else env, backoff)
    directory.mkdir(parents=True, exist_ok=True)
    cursors = read_cursors(directory)
    number = next_pull_number(directory)
    with Staging(directory, number) as staging:
        pulled = vendor.pull(api, staging, cursors)
        staging.commit()
    write_cursors(directory, {**cursors, **pulled.cursors})
    return PullReport(
        source=name,
        kind=settings.kind,
        directory=directory,
        number=number,
        objects=tuple(pulled.objects),
        retries=api.retries,
        notes=tuple(pulled.notes),
    )
