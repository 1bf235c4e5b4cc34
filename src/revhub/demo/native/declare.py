"""Declare the demo's native exports as the sources of a workspace.

``declare_sources`` appends the ``[sources.<name>]`` tables of a native export to the
workspace's revhub.toml, with paths relative to the workspace — once: a revhub.toml that
already declares sources is left as it is (the user's own declarations win).

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> _ = (root / "revhub.toml").write_text("[demo]\\nseed = 1\\n")
>>> declare_sources(root, {"crm": {"kind": "salesforce", "path": "sf"}}, "data/")
True
>>> print((root / "revhub.toml").read_text())
[demo]
seed = 1
<BLANKLINE>
[sources.crm]
kind = "salesforce"
path = "data/sf"
<BLANKLINE>
>>> declare_sources(root, {"crm": {"kind": "salesforce", "path": "sf"}}, "data/")
False
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from revhub.config import CONFIG_FILE
from revhub.demo.native.write import sources_toml


def declare_sources(workspace: Path, sources: Mapping[str, Mapping[str, str]], prefix: str) -> bool:
    """Append ``sources`` (paths prefixed with ``prefix``) to revhub.toml unless it already
    declares sources; True when it wrote them."""
    config = workspace / CONFIG_FILE
    text = config.read_text(encoding="utf-8") if config.exists() else ""
    if tomllib.loads(text).get("sources"):
        return False
    separator = (
        "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
    )
    config.write_text(text + separator + sources_toml(sources, prefix), encoding="utf-8")
    return True
