"""Normalised forms of the fields identity is judged on, as DuckDB SQL macros.

``install(con)`` defines the macros on a connection (as temporary macros: nothing is
written to the database file). They run inside the engine, so a million rows normalise
in one query. Each returns NULL when the value carries no evidence (a malformed email, a
free-mail domain, phone garbage, a placeholder name).

=========================  ===============================================================
``rh_email(e, canonical)``  lower-case, trimmed, "jo at x.com" repaired; with ``canonical``
                            plus tags dropped and Gmail dots removed
``rh_host(x)``              the host of a website, URL or email: no scheme, path or "www."
``rh_company_domain(x)``    ``rh_host`` unless it is a free-mail provider (gmail, yahoo, …)
``rh_domain_stem(host)``    the registrable label: "acme" for "www.acme.co.uk"
``rh_company(name)``        lower-case ASCII words, legal form ("Inc", "GmbH") removed
``rh_name(name)``           a person's name as lower-case ASCII letters only
``rh_first_name(name)``     ``rh_name`` with nicknames expanded (bob → robert)
``rh_country(c)``           ISO 3166-1 alpha-2 code, also from names ("Deutschland" → DE)
``rh_phone(p, country)``    digits with the country's dialling code, e.g. 14155550100
=========================  ===============================================================

>>> import duckdb
>>> con = duckdb.connect()
>>> install(con)
>>> con.sql("SELECT rh_company(' Müller Logistik GmbH'), rh_first_name('Bob')").fetchone()
('mueller logistik', 'robert')
"""

from __future__ import annotations

import duckdb

from revhub.resolve import vocabulary as v


def _text_list(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(_quote(value) for value in values) + "]"


def _text_map(mapping: dict[str, str]) -> str:
    return "MAP {" + ", ".join(f"{_quote(k)}: {_quote(val)}" for k, val in mapping.items()) + "}"


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _transliterate(expression: str) -> str:
    for letter, ascii_form in v.TRANSLITERATIONS:
        expression = f"replace({expression}, '{letter}', '{ascii_form}')"
    return f"strip_accents({expression})"


def _legal_form_pattern() -> str:
    forms = sorted(v.LEGAL_FORMS, key=len, reverse=True)  # longest first: "pty ltd" over "ltd"
    return r"(\s(" + "|".join(forms) + r"))+$"


def _suffix_pattern() -> str:
    suffixes = "|".join(s.replace(".", r"\.") for s in v.SECOND_LEVEL_SUFFIXES)
    return r"([a-z0-9-]+)\.(" + suffixes + r"|[a-z0-9-]+)$"


def macros() -> list[str]:
    """The ``CREATE MACRO`` statements, in dependency order.

    >>> macros()[0].split(" AS ")[0]
    'CREATE OR REPLACE TEMP MACRO rh_ascii(s)'
    """
    dialling = _text_map(v.DIALLING_CODES)
    return [
        f"CREATE OR REPLACE TEMP MACRO rh_ascii(s) AS {_transliterate('lower(trim(s))')}",
        # -- email ---------------------------------------------------------------------
        """CREATE OR REPLACE TEMP MACRO rh_email_repaired(e) AS
           replace(replace(lower(trim(e)), ' at ', '@'), '@@', '@')""",
        r"""CREATE OR REPLACE TEMP MACRO rh_email_canonical(e) AS
           CASE WHEN split_part(e, '@', 2) IN ('gmail.com', 'googlemail.com')
                THEN replace(split_part(split_part(e, '@', 1), '+', 1), '.', '') || '@gmail.com'
                ELSE split_part(split_part(e, '@', 1), '+', 1) || '@' || split_part(e, '@', 2)
           END""",
        r"""CREATE OR REPLACE TEMP MACRO rh_email_valid(e, canonical) AS
           CASE WHEN regexp_full_match(e, '[a-z0-9._%+''-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}')
                THEN CASE WHEN canonical THEN rh_email_canonical(e) ELSE e END
           END""",
        """CREATE OR REPLACE TEMP MACRO rh_email(e, canonical) AS
           rh_email_valid(rh_email_repaired(e), canonical)""",
        # -- domains -------------------------------------------------------------------
        r"""CREATE OR REPLACE TEMP MACRO rh_host_raw(x) AS
           regexp_replace(regexp_replace(regexp_replace(regexp_replace(
               split_part(lower(trim(x)), '@', -1),
               '^[a-z][a-z0-9+.-]*://', ''), '[/?#].*$', ''), ':[0-9]+$', ''),
               '^www[0-9]*\.', '')""",
        r"""CREATE OR REPLACE TEMP MACRO rh_host(x) AS
           CASE WHEN regexp_full_match(rtrim(rh_host_raw(x), '.'), '[a-z0-9-]+(\.[a-z0-9-]+)+')
                THEN rtrim(rh_host_raw(x), '.') END""",
        f"""CREATE OR REPLACE TEMP MACRO rh_is_free_mail(host) AS
           list_contains({_text_list(v.FREE_MAIL_DOMAINS)}, host)
           OR list_contains({_text_list(v.FREE_MAIL_LABELS)}, split_part(host, '.', 1))""",
        """CREATE OR REPLACE TEMP MACRO rh_company_domain(x) AS
           CASE WHEN NOT rh_is_free_mail(rh_host(x)) THEN rh_host(x) END""",
        f"""CREATE OR REPLACE TEMP MACRO rh_domain_stem(host) AS
           nullif(regexp_extract(host, '{_suffix_pattern()}', 1), '')""",
        # -- names ---------------------------------------------------------------------
        r"""CREATE OR REPLACE TEMP MACRO rh_words(s) AS
           trim(regexp_replace(replace(replace(rh_ascii(s), '''', ''), '&', ' and '),
                               '[^\p{L}\p{N}]+', ' ', 'g'))""",
        f"""CREATE OR REPLACE TEMP MACRO rh_company_words(s) AS
           CASE WHEN NOT list_contains({_text_list(v.PLACEHOLDER_NAMES)}, rh_words(s))
                THEN nullif(regexp_replace(rh_words(s), '{_legal_form_pattern()}', ''), '') END""",
        "CREATE OR REPLACE TEMP MACRO rh_company(name) AS rh_company_words(name)",
        f"""CREATE OR REPLACE TEMP MACRO rh_name(name) AS
           CASE WHEN NOT list_contains({_text_list(v.PLACEHOLDER_NAMES)}, rh_words(name))
                THEN nullif(regexp_replace(rh_words(name), '[^a-z]', '', 'g'), '') END""",
        f"""CREATE OR REPLACE TEMP MACRO rh_first_name(name) AS
           coalesce({_text_map(v.NICKNAMES)}[rh_name(name)], rh_name(name))""",
        # -- country and phone ---------------------------------------------------------
        f"""CREATE OR REPLACE TEMP MACRO rh_country(c) AS
           coalesce({_text_map(v.COUNTRY_NAMES)}[rh_words(c)],
                    CASE WHEN regexp_full_match(upper(trim(c)), '[A-Z]{{2}}')
                         THEN upper(trim(c)) END)""",
        """CREATE OR REPLACE TEMP MACRO rh_digits(p) AS regexp_replace(p, '[^0-9]', '', 'g')""",
        f"""CREATE OR REPLACE TEMP MACRO rh_phone_full(p, country) AS
           CASE WHEN starts_with(trim(p), '+') THEN rh_digits(p)
                WHEN starts_with(rh_digits(p), '00') THEN substr(rh_digits(p), 3)
                WHEN {dialling}[country] IS NULL THEN rh_digits(p)
                WHEN starts_with(rh_digits(p), {dialling}[country])
                     AND length(rh_digits(p)) >= 11 THEN rh_digits(p)
                ELSE {dialling}[country] || ltrim(rh_digits(p), '0')
           END""",
        """CREATE OR REPLACE TEMP MACRO rh_phone_valid(d) AS
           length(d) BETWEEN 9 AND 15
           AND length(list_distinct(string_split(d, ''))) >= 4
           AND NOT contains(d, '1234567')""",
        """CREATE OR REPLACE TEMP MACRO rh_phone(p, country) AS
           CASE WHEN rh_phone_valid(rh_phone_full(p, country))
                THEN rh_phone_full(p, country) END""",
    ]


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Define the normalisation macros on ``con`` (temporary: for this connection only).

    >>> con = duckdb.connect()
    >>> install(con)
    >>> con.sql("SELECT rh_phone('020 7946 0958', rh_country('UK'))").fetchone()
    ('442079460958',)
    """
    for statement in macros():
        con.execute(statement)
