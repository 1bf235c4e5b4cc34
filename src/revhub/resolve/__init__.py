"""Identity resolution: which source records are the same company or the same person.

``resolve(ws.con)`` links accounts (companies) and contacts and leads (people) across
Salesforce, HubSpot, Stripe, Zendesk, ... and writes the ``resolve`` schema: a crosswalk
from every record to its entity, golden records, match explanations, lead-to-account
matches and a log of runs. Entity ids are stable across runs; manual overrides
(``add_override``) are respected on every run; ``evaluate`` scores a result against
known truth.
"""

from revhub.resolve.evaluate import Scores, evaluate, truth_from_duplicates
from revhub.resolve.overrides import Override, add_override, list_overrides
from revhub.resolve.run import ResolveReport, resolve
from revhub.resolve.settings import ResolveSettings

__all__ = [
    "Override",
    "ResolveReport",
    "ResolveSettings",
    "Scores",
    "add_override",
    "evaluate",
    "list_overrides",
    "resolve",
    "truth_from_duplicates",
]
