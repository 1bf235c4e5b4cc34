"""Sales regions by country: where a company whose systems record only a country sells.

The four regions of ``vocabulary.REGIONS`` split the world the way most revenue teams
do: the United States and Canada (with Bermuda, Greenland and Saint Pierre) are North
America; Mexico, Central and South America and the Caribbean are Latin America; Asia
east of Iran, Central Asia, the Indian subcontinent and Oceania are APAC; Europe, the
Middle East and Africa are EMEA.

>>> region_of_country("FR"), region_of_country("BR"), region_of_country("NZ")
('emea', 'latam', 'apac')
>>> region_of_country("XX") is None
True
"""

from __future__ import annotations

from revhub.quality.iso import COUNTRY_CODES

_NORTH_AMERICA = "US CA BM GL PM"
_LATAM = """
    MX BZ GT SV HN NI CR PA
    AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI
    AR BO BR CL CO EC FK GF GY PY PE SR UY VE GS BV
"""
_APAC = """
    CN HK MO TW JP KR KP MN
    BN KH ID LA MY MM PH SG TH TL VN
    AF BD BT IN MV NP PK LK IO
    KZ KG TJ TM UZ
    AS AU CK FJ PF GU KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV UM VU WF CX CC HM
"""
_OUTSIDE = "AQ TF"  # Antarctica and the French Southern Territories: no sales region

REGION_OF_COUNTRY: dict[str, str] = {
    **dict.fromkeys(COUNTRY_CODES - set(_OUTSIDE.split()), "emea"),
    **dict.fromkeys(_NORTH_AMERICA.split(), "north_america"),
    **dict.fromkeys(_LATAM.split(), "latam"),
    **dict.fromkeys(_APAC.split(), "apac"),
}


def region_of_country(code: str | None) -> str | None:
    """The sales region of an ISO 3166-1 alpha-2 country code (None if unknown)."""
    return REGION_OF_COUNTRY.get(code.upper()) if code else None


def region_sql(country: str) -> str:
    """A SQL CASE giving the region of the country code in the expression ``country``.

    >>> "WHEN" in region_sql("c")
    True
    """
    groups: dict[str, list[str]] = {}
    for code, region in sorted(REGION_OF_COUNTRY.items()):
        groups.setdefault(region, []).append(f"'{code}'")
    cases = " ".join(
        f"WHEN {country} IN ({', '.join(codes)}) THEN '{region}'"
        for region, codes in groups.items()
    )
    return f"CASE {cases} END"
