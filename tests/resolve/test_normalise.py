"""Normalisation golden cases: what each macro makes of what people type."""

from __future__ import annotations

import duckdb
import pytest

from revhub.resolve.normalise import install


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    install(connection)
    return connection


def norm(con: duckdb.DuckDBPyConnection, macro: str, *args: object) -> object:
    marks = ", ".join("?" for _ in args)
    row = con.execute(f"SELECT {macro}({marks})", list(args)).fetchone()
    assert row is not None
    return row[0]


@pytest.mark.parametrize(
    ("raw", "canonical", "expected"),
    [
        (" Jane.Doe@Acme.COM ", True, "jane.doe@acme.com"),
        ("jane.doe+news@acme.com", True, "jane.doe@acme.com"),
        ("jane.doe+news@acme.com", False, "jane.doe+news@acme.com"),
        ("Jane.Doe+x@googlemail.com", True, "janedoe@gmail.com"),
        ("jane.doe@gmail.com", False, "jane.doe@gmail.com"),
        ("jo at acme.com", True, "jo@acme.com"),
        ("jo@@acme.com", True, "jo@acme.com"),
        ("jo@acme", True, None),
        ("n/a", True, None),
        ("", True, None),
        (None, True, None),
    ],
)
def test_email(con: duckdb.DuckDBPyConnection, raw: str, canonical: bool, expected: str) -> None:
    assert norm(con, "rh_email", raw, canonical) == expected


@pytest.mark.parametrize(
    ("raw", "host", "company"),
    [
        ("acme.com", "acme.com", "acme.com"),
        ("https://www.Acme.co.uk/about?x=1", "acme.co.uk", "acme.co.uk"),
        ("http://www.acme.com:8080", "acme.com", "acme.com"),
        ("www2.acme.com.", "acme.com", "acme.com"),
        ("jane@mx.acme.com", "mx.acme.com", "mx.acme.com"),
        ("jane@gmail.com", "gmail.com", None),
        ("JANE@Outlook.de", "outlook.de", None),
        ("jo@yahoo.co.uk", "yahoo.co.uk", None),
        ("localhost", None, None),
        ("n/a", None, None),
    ],
)
def test_domain(con: duckdb.DuckDBPyConnection, raw: str, host: str, company: str) -> None:
    assert norm(con, "rh_host", raw) == host
    assert norm(con, "rh_company_domain", raw) == company


@pytest.mark.parametrize(
    ("host", "stem"),
    [("acme.com", "acme"), ("acme.co.uk", "acme"), ("us.acme.com.br", "acme"), ("io", None)],
)
def test_domain_stem(con: duckdb.DuckDBPyConnection, host: str, stem: str) -> None:
    assert norm(con, "rh_domain_stem", host) == stem


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Acme Robotics, Inc.", "acme robotics"),
        ("ACME  ROBOTICS", "acme robotics"),
        (" acme robotics inc ", "acme robotics"),
        ("Müller Logistik GmbH", "mueller logistik"),
        ("Mueller Logistik", "mueller logistik"),
        ("Polyline Legal S.A. de C.V.", "polyline legal"),
        ("Boldstack Holdings Pte. Ltd.", "boldstack holdings"),
        ("Şahin Yapı A.Ş.", "sahin yapi"),
        ("Þór ehf.", "thor"),
        ("Smith & Sons Co., Ltd.", "smith and sons"),
        ("O'Reilly Media", "oreilly media"),
        ("Test Account", None),
        ("n/a", None),
        ("-", None),
    ],
)
def test_company_name(con: duckdb.DuckDBPyConnection, raw: str, expected: str) -> None:
    assert norm(con, "rh_company", raw) == expected


@pytest.mark.parametrize(
    ("raw", "name", "first"),
    [
        ("Robert", "robert", "robert"),
        ("Bob", "bob", "robert"),
        (" BILL ", "bill", "william"),
        ("Jürgen", "juergen", "juergen"),
        ("Guðrún", "gudrun", "gudrun"),
        ("Gunna", "gunna", "gudrun"),
        ("José", "jose", "jose"),
        ("Mary-Ann", "maryann", "maryann"),
        ("asdf", None, None),
        ("", None, None),
    ],
)
def test_person_name(con: duckdb.DuckDBPyConnection, raw: str, name: str, first: str) -> None:
    assert norm(con, "rh_name", raw) == name
    assert norm(con, "rh_first_name", raw) == first


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("+1 (415) 555-0100", "US", "14155550100"),
        ("4155550100", "US", "14155550100"),
        ("14155550100", "US", "14155550100"),
        ("+44 20 7946 0958", "GB", "442079460958"),
        ("020 7946 0958", "GB", "442079460958"),
        ("0044 20 7946 0958", None, "442079460958"),
        ("+49 40 5550 1234", None, "494055501234"),
        ("000-000-0000", "US", None),
        ("1234567", "US", None),
        ("call me", "US", None),
        ("0", "US", None),
    ],
)
def test_phone(con: duckdb.DuckDBPyConnection, raw: str, country: str, expected: str) -> None:
    assert norm(con, "rh_phone", raw, country) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("de", "DE"), ("Deutschland", "DE"), ("U.S.", "US"), ("UK", "GB"), ("Türkiye", "TR"),
     ("México", "MX"), ("日本", "JP"), ("Narnia", None), (None, None)],
)  # fmt: skip
def test_country(con: duckdb.DuckDBPyConnection, raw: str, expected: str) -> None:
    assert norm(con, "rh_country", raw) == expected


def test_macros_run_in_the_engine_over_many_rows(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(
        "SELECT count(DISTINCT rh_company('Acme ' || i || ' GmbH')), "
        "count(rh_phone('+49 30 ' || (1000000 + i), 'DE')) FROM range(20000) AS t(i)"
    ).fetchone()
    assert row == (20000, 20000)
