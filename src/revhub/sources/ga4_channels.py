"""A visit's traffic source and canonical channel, from GA4's source, medium and gclid.

``traffic`` picks one level per event — the event's ``collected_traffic_source``,
else its source/medium event parameters, else the user's first-touch
``traffic_source`` — so a source never mixes with another level's medium. GA4's
placeholders in parentheses (``(direct)``, ``(none)``, ``(not set)``, ``(organic)``)
mean "no value". ``channels`` then follows GA4's default channel grouping, reduced to
the canonical channels (first rule that matches):

============== ===========================================================
paid_social    paid medium (cpc, ppc, paid*, cpm, display) from a social
               network, or medium paid_social / paidsocial / paid-social
paid_search    a gclid, or any other paid medium
organic_search medium organic
email          medium email, e-mail, newsletter
partner        medium affiliate, partner
webinar        medium webinar
events         medium event or events
content        medium content
referral       medium referral or social, or any other source
direct         no source, medium or gclid
============== ===========================================================

>>> utm = {"source": pa.array(["linkedin", "google", None, "g2.com"]),
...        "medium": pa.array(["cpc", "organic", None, "referral"]),
...        "gclid": pa.array([None, None, None, None])}
>>> channels(utm).to_pylist()
['paid_social', 'organic_search', 'direct', 'referral']
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc

PARTS = ("source", "medium", "campaign", "term", "content", "gclid")
SOCIAL = r"(linkedin|lnkd\.in|facebook|^fb$|instagram|meta|twitter|^x$|^t\.co$|reddit|tiktok)"
PAID = r"^(cpc|ppc|cpm|cpv|display|paid.*)$"


def traffic(events: pa.Table) -> dict[str, pa.Array]:
    """Source, medium, campaign, term, content and gclid of each event (see module doc).

    >>> names = [f"{level}_{part}" for level in ("cts", "p") for part in PARTS]
    >>> events = pa.table({n: pa.array([None, None], pa.string()) for n in names}
    ...     | {"p_source": ["bing", None], "cts_medium": [None, "(none)"]})
    >>> traffic(events)["source"].to_pylist(), traffic(events)["medium"].to_pylist()
    (['bing', None], [None, None])
    """
    has = {
        level: _any_valid([events[f"{level}_{part}"] for part in ("source", "medium", "gclid")])
        for level in ("cts", "p")
    }
    chosen = {}
    for part in PARTS:
        first_touch = (
            events[f"ts_{part}"]
            if f"ts_{part}" in events.column_names
            else pa.nulls(events.num_rows, pa.string())
        )
        value = pc.if_else(has["p"], events[f"p_{part}"], first_touch)
        value = pc.if_else(has["cts"], events[f"cts_{part}"], value)
        chosen[part] = _without_placeholders(value)
    return chosen


def channels(utm: Mapping[str, pa.Array | pa.ChunkedArray]) -> pa.Array:
    """The canonical channel of each visit from its source, medium and gclid.

    >>> channels({"source": pa.array(["bing"]), "medium": pa.array(["ppc"]),
    ...           "gclid": pa.array([None], pa.string())}).to_pylist()
    ['paid_search']
    """
    source = pc.utf8_lower(pc.fill_null(utm["source"], ""))
    medium = pc.utf8_lower(pc.fill_null(utm["medium"], ""))
    gclid = pc.is_valid(utm["gclid"])

    def medium_is(pattern: str) -> pa.Array:
        return pc.match_substring_regex(medium, pattern)

    social = pc.match_substring_regex(source, SOCIAL)
    paid = medium_is(PAID)
    rules = [
        (pc.or_(pc.and_(paid, social), medium_is(r"^paid[ _-]?social$")), "paid_social"),
        (pc.or_(gclid, paid), "paid_search"),
        (medium_is(r"^organic$"), "organic_search"),
        (medium_is(r"^(e[-_]?mail|newsletter)$"), "email"),
        (medium_is(r"^(affiliates?|partners?)$"), "partner"),
        (medium_is(r"^webinars?$"), "webinar"),
        (medium_is(r"^events?$"), "events"),
        (medium_is(r"^content$"), "content"),
        (pc.or_(pc.not_equal(source, ""), pc.not_equal(medium, "")), "referral"),
    ]
    conditions = pc.make_struct(*[c for c, _ in rules], field_names=[v for _, v in rules])
    values = [pa.scalar(v) for _, v in rules]
    return pc.case_when(conditions, *values, pa.scalar("direct"))


def _any_valid(columns: list[pa.ChunkedArray]) -> pa.Array:
    valid = pc.is_valid(_without_placeholders(columns[0]))
    for column in columns[1:]:
        valid = pc.or_(valid, pc.is_valid(_without_placeholders(column)))
    return valid


def _without_placeholders(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    blank = pc.fill_null(pc.match_substring_regex(values, r"^\s*(\(.*\))?\s*$"), False)
    return pc.if_else(blank, pa.scalar(None, pa.string()), values)
