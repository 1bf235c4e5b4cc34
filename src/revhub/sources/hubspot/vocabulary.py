"""HubSpot's enumerations and the canonical values they stand for.

HubSpot writes an enumeration by internal name in the API and the warehouse sync
("marketingqualifiedlead", "ORGANIC_SEARCH") and by label in UI exports ("Marketing
Qualified Lead", "Organic Search"). ``translate`` looks both up after folding case and
dropping everything but letters and digits, so one table per enumeration serves every
shape. A value with no canonical equivalent passes through unchanged: ingestion then
quarantines it with a reason naming the value, where the column has a closed set.

>>> import pyarrow as pa
>>> translate(pa.array(["Marketing Qualified Lead", "salesqualifiedlead", "other", None]),
...           LIFECYCLE_STAGES).to_pylist()
['mql', 'sql', 'other', None]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

import pyarrow as pa
import pyarrow.compute as pc

from revhub.model.vocabulary import (
    CHANNELS,
    FORECAST_CATEGORIES,
    LOST_REASONS,
    OPPORTUNITY_STAGES,
    OPPORTUNITY_TYPES,
)
from revhub.model.vocabulary import (
    LIFECYCLE_STAGES as CANONICAL_STAGES,
)


def fold(value: str) -> str:
    """The spelling-insensitive form used for lookups.

    >>> fold("Offline Sources"), fold("OFFLINE_SOURCES")
    ('offlinesources', 'offlinesources')
    """
    return re.sub(r"[^a-z0-9]", "", value.lower())


def _table(pairs: Mapping[str, str], canonical: Iterable[str] = ()) -> dict[str, str]:
    table = {fold(v): v for v in canonical}
    table.update({fold(k): v for k, v in pairs.items()})
    return table


BOOLEANS = _table({"yes": "true", "1": "true", "no": "false", "0": "false"}, ("true", "false"))

# Lifecycle stages: HubSpot's internal names (and labels) -> canonical. "other" and custom
# stage ids have no equivalent and pass through.
LIFECYCLE_STAGES = _table(
    {"marketingqualifiedlead": "mql", "salesqualifiedlead": "sql"}, CANONICAL_STAGES
)

# Original source (hs_analytics_source) -> channel. OTHER_CAMPAIGNS is resolved through
# the record's first-touch campaign by the caller; SOCIAL_MEDIA (organic social) has no
# canonical channel and passes through.
SOURCE_CHANNELS = _table(
    {
        "ORGANIC_SEARCH": "organic_search",
        "PAID_SEARCH": "paid_search",
        "PAID_SOCIAL": "paid_social",
        "EMAIL_MARKETING": "email",
        "REFERRALS": "referral",
        "AI_REFERRALS": "referral",
        "DIRECT_TRAFFIC": "direct",
        "OFFLINE": "outbound",
        "OFFLINE_SOURCES": "outbound",
    },
    CHANNELS,
)
OTHER_CAMPAIGNS = "othercampaigns"  # folded

# Lead status (hs_lead_status, HubSpot's default options) -> leads.status.
LEAD_STATUSES = _table(
    {
        "NEW": "new",
        "OPEN": "working",
        "IN_PROGRESS": "working",
        "ATTEMPTED_TO_CONTACT": "working",
        "CONNECTED": "working",
        "OPEN_DEAL": "qualified",
        "UNQUALIFIED": "unqualified",
        "BAD_TIMING": "nurturing",
    },
    ("new", "working", "nurturing", "qualified", "unqualified", "converted"),
)

# Deal type (dealtype) -> opportunity_type.
DEAL_TYPES = _table(
    {"newbusiness": "new_business", "existingbusiness": "expansion"}, OPPORTUNITY_TYPES
)

# Stage ids of HubSpot's default sales pipeline -> canonical stage (custom pipelines are
# read by label; closed stages by their pipeline metadata).
DEAL_STAGES = _table(
    {
        "appointmentscheduled": "prospecting",
        "qualifiedtobuy": "discovery",
        "presentationscheduled": "demo",
        "decisionmakerboughtin": "proposal",
        "contractsent": "negotiation",
        "closedwon": "closed_won",
        "closedlost": "closed_lost",
    },
    OPPORTUNITY_STAGES,
)

# Forecast category (hs_manual_forecast_category) -> forecast_category.
FORECAST = _table(
    {"OMIT": "omitted", "PIPELINE": "pipeline", "BEST_CASE": "best_case", "COMMIT": "commit"},
    FORECAST_CATEGORIES,
)

LOST = _table({}, LOST_REASONS)

# Email events API types that are touchpoints; the others (DELIVERED, BOUNCE, DROPPED,
# PROCESSED, DEFERRED, SPAMREPORT, STATUSCHANGE, PRINT, FORWARD, ...) are not.
EMAIL_EVENTS = _table({"SENT": "email_send", "OPEN": "email_open", "CLICK": "email_click"})

# Engagement types that are touchpoints; NOTE and TASK are not.
ENGAGEMENTS = _table(
    {"CALL": "call", "MEETING": "meeting", "EMAIL": "sales_email", "INCOMING_EMAIL": "sales_email"}
)


def translate(values: pa.Array | pa.ChunkedArray, table: Mapping[str, str]) -> pa.Array:
    """Each value looked up by its folded spelling; values not in ``table`` unchanged.

    >>> translate(pa.array(["newbusiness", "renewal", "upsell"]), DEAL_TYPES).to_pylist()
    ['new_business', 'renewal', 'upsell']
    """
    return _lookup(values, lambda v: table.get(fold(v), v))


def known(values: pa.Array | pa.ChunkedArray, table: Mapping[str, str]) -> pa.Array:
    """Each value looked up by its folded spelling; values not in ``table`` become null.

    >>> known(pa.array(["OPEN", "DELIVERED"]), EMAIL_EVENTS).to_pylist()
    ['email_open', None]
    """
    return _lookup(values, lambda v: table.get(fold(v)))


def _lookup(values: pa.Array | pa.ChunkedArray, get: Callable[[str], str | None]) -> pa.Array:
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    encoded = pc.dictionary_encode(array.cast(pa.string()))
    dictionary = encoded.dictionary.to_pylist()
    looked_up = pa.array([get(v) for v in dictionary], pa.string())
    return pc.take(looked_up, encoded.indices)
