"""revhub: one revenue data model and one set of numbers for every revenue team.

The public door is the Workspace::

    import revhub
    with revhub.open("revhub-demo") as ws:
        ws.table("opportunities").filter(lambda t: t.is_won).amount_base.sum().execute()
"""

from __future__ import annotations

from importlib.metadata import version

from revhub import errors
from revhub.errors import RevhubError
from revhub.workspace import Workspace, init, open

__version__ = version("revhub")

__all__ = ["RevhubError", "Workspace", "__version__", "errors", "init", "open"]
