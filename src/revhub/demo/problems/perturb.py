"""Vectorised edits that make one real-world value look like another system's copy of it.

Each function takes a numpy ``StringDType`` array (no nulls; callers keep a null mask)
and returns an edited array of the same length; rows an edit cannot apply to come back
unchanged, so callers record an edit only where ``new != old``. The word lists here are
data: nicknames, legal suffixes, transliterations, personal mail providers.

>>> rng = np.random.default_rng(0)
>>> list(transliterate(text(["Müller", "Smith"])))
['Mueller', 'Smith']
>>> list(reformat_phone(text(["+1 (415) 555-0100", "4155550100"])))
['4155550100', '+1 (415) 555-0100']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

TEXT = np.dtypes.StringDType()

NICKNAMES: dict[str, tuple[str, str]] = {
    "Robert": ("Bob", "Rob"),
    "William": ("Bill", "Will"),
    "Elizabeth": ("Liz", "Beth"),
    "Richard": ("Rick", "Rich"),
    "James": ("Jim", "Jamie"),
    "Michael": ("Mike", "Mick"),
    "Katherine": ("Kate", "Kathy"),
    "Catherine": ("Cathy", "Kate"),
    "Jennifer": ("Jen", "Jenny"),
    "Margaret": ("Maggie", "Peggy"),
    "Thomas": ("Tom", "Tommy"),
    "Christopher": ("Chris", "Topher"),
    "Christine": ("Chris", "Tina"),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt", "Matt"),
    "Joseph": ("Joe", "Joey"),
    "Anthony": ("Tony", "Tony"),
    "Jonathan": ("Jon", "Jonny"),
    "Nicholas": ("Nick", "Nicky"),
    "Alexander": ("Alex", "Sasha"),
    "Alexandra": ("Alex", "Sandra"),
    "Benjamin": ("Ben", "Benji"),
    "Samuel": ("Sam", "Sammy"),
    "Andrew": ("Andy", "Drew"),
    "Edward": ("Ed", "Ted"),
    "Steven": ("Steve", "Steve"),
    "Stephen": ("Steve", "Steph"),
    "Patricia": ("Pat", "Trish"),
    "Susan": ("Sue", "Susie"),
    "Rebecca": ("Becky", "Becca"),
    "Jessica": ("Jess", "Jessie"),
    "Victoria": ("Vicky", "Tori"),
    "David": ("Dave", "Davy"),
    "Johannes": ("Hannes", "Jo"),
    "Friedrich": ("Fritz", "Fritz"),
    "Wolfgang": ("Wolf", "Wolfi"),
    "Giuseppe": ("Beppe", "Pino"),
    "Francisco": ("Paco", "Fran"),
    "José": ("Pepe", "Jose"),
    "Mehmet": ("Memo", "Memo"),
    "Guðmundur": ("Gummi", "Gummi"),
    "Sigurður": ("Siggi", "Siggi"),
    "Guðrún": ("Gunna", "Gunna"),
    "Mustafa": ("Musti", "Musti"),
    "Haruto": ("Haru", "Haru"),
}

# Legal-form suffixes a company name may carry, and the one a country's companies use.
LEGAL_SUFFIXES = (
    ", Inc.", " Inc.", " Inc", " LLC", " Ltd.", " Ltd", " Limited", " GmbH", " AG", " SAS",
    " S.A.", " B.V.", " plc", " Corp.", " Corporation", " ehf.", " A.Ş.", " Ltda.", " Pty Ltd",
    " K.K.", " S.A. de C.V.", " Pte. Ltd.", " Corp", " Pte Ltd", " KK", " ehf", " Ltda",
)  # fmt: skip
COUNTRY_SUFFIX: dict[str, str] = {
    "US": " Inc.", "CA": " Inc.", "GB": " Ltd", "DE": " GmbH", "FR": " SAS", "NL": " B.V.",
    "IS": " ehf.", "TR": " A.Ş.", "AU": " Pty Ltd", "SG": " Pte. Ltd.", "JP": " K.K.",
    "BR": " Ltda.", "MX": " S.A. de C.V.",
}  # fmt: skip

TRANSLITERATIONS = (
    ("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"), ("ß", "ss"),
    ("é", "e"), ("è", "e"), ("ê", "e"), ("á", "a"), ("à", "a"), ("â", "a"), ("ã", "a"),
    ("í", "i"), ("ó", "o"), ("ô", "o"), ("õ", "o"), ("ú", "u"), ("ç", "c"), ("ñ", "n"),
    ("ı", "i"), ("İ", "I"), ("ş", "s"), ("Ş", "S"), ("ğ", "g"), ("ð", "d"), ("Ð", "D"),
    ("þ", "th"), ("Þ", "Th"), ("æ", "ae"), ("ø", "o"), ("å", "a"), ("É", "E"), ("Ç", "C"),
)  # fmt: skip

PERSONAL_MAIL = ("gmail.com", "gmail.com", "gmail.com", "outlook.com", "yahoo.com", "icloud.com")


def text(values: Sequence[str] | np.ndarray) -> np.ndarray:
    """A numpy StringDType array (the type every edit here works on)."""
    return np.asarray(values, dtype=TEXT)


def _choose(rng: np.random.Generator, options: Sequence[str], n: int) -> np.ndarray:
    return text(list(options))[rng.integers(0, len(options), n)]


def typo(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One letter swapped with the next, dropped or doubled (values of 4+ characters)."""
    length = np.strings.str_len(values)
    pos = (1 + rng.random(len(values)) * np.maximum(length - 2, 1)).astype(np.int64)
    kind = rng.integers(0, 3, len(values))
    head = np.strings.slice(values, 0, pos)
    here = np.strings.slice(values, pos, pos + 1)
    after = np.strings.slice(values, pos + 1, pos + 2)
    swapped = head + after + here + np.strings.slice(values, pos + 2, None)
    dropped = head + np.strings.slice(values, pos + 1, None)
    doubled = head + here + np.strings.slice(values, pos, None)
    edited = np.where(kind == 0, swapped, np.where(kind == 1, dropped, doubled))
    return np.where(length >= 4, edited, values)


def change_case(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """All upper case or all lower case, as some systems and people type names."""
    upper = rng.random(len(values)) < 0.5
    return np.where(upper, np.strings.upper(values), np.strings.lower(values))


def add_whitespace(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A trailing space, a leading space or a doubled inner space."""
    kind = rng.integers(0, 3, len(values))
    inner = np.strings.replace(values, " ", "  ", 1)
    inner = np.where(inner == values, values + " ", inner)
    return np.where(kind == 0, values + " ", np.where(kind == 1, " " + values, inner))


def toggle_legal_suffix(values: np.ndarray, country: np.ndarray) -> np.ndarray:
    """Remove the legal suffix ("Inc.", "GmbH", ...) if the name has one, else add the country's."""
    result = values.copy()
    has_suffix = np.zeros(len(values), dtype=bool)
    for suffix in sorted(LEGAL_SUFFIXES, key=len, reverse=True):  # longest match wins
        hit = ~has_suffix & np.strings.endswith(values, suffix)
        stop = np.strings.str_len(values[hit]) - len(suffix)
        result[hit] = np.strings.slice(values[hit], 0, stop)
        has_suffix |= hit
    added: np.ndarray = np.full(len(values), " Inc.", dtype=TEXT)
    for code, local in COUNTRY_SUFFIX.items():
        added[country == code] = local
    return np.where(has_suffix, result, values + added)


def transliterate(values: np.ndarray) -> np.ndarray:
    """Spell accented letters the ASCII way (Müller → Mueller, Şahin → Sahin)."""
    result = values
    for letter, ascii_form in TRANSLITERATIONS:
        result = np.strings.replace(result, letter, ascii_form)
    return result


def nickname(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The usual short form of a first name (Robert → Bob), where there is one."""
    names = pa.array(list(NICKNAMES))
    index = pc.index_in(pa.array(values), value_set=names).to_numpy(zero_copy_only=False)
    found = ~np.isnan(index.astype(float))
    short = text([alt for pair in NICKNAMES.values() for alt in pair]).reshape(-1, 2)
    result = values.copy()
    which = rng.integers(0, 2, int(found.sum()))
    result[found] = short[index[found].astype(np.int64), which]
    return result


def reformat_phone(values: np.ndarray) -> np.ndarray:
    """Formatted numbers become bare digits and bare digits get formatted.

    "+1 (415) 555-0100" ↔ "4155550100"; other countries: "+44 20 7946 0958" → "+442079460958".
    """
    array = pa.array(values, type=pa.string())
    digits = pc.replace_substring_regex(array, r"[^0-9]", "")
    formatted = pc.match_substring_regex(array, r"[^0-9]")
    us = pc.starts_with(array, "+1")
    compact = pc.if_else(
        us, pc.utf8_slice_codeunits(digits, 1), pc.binary_join_element_wise("+", digits, "")
    )
    pretty = pc.replace_substring_regex(digits, r"^1?(\d{3})(\d{3})(\d{4})$", r"+1 (\1) \2-\3")
    pretty = pc.replace_substring_regex(pretty, r"^(\d{2})(\d{3})(\d{3})(\d+)$", r"+\1 \2 \3 \4")
    result = pc.if_else(formatted, compact, pretty)
    return text(result.to_numpy(zero_copy_only=False))


def domain_variant(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A sibling web domain of the same company: acme.com → acme.io, acmecorp.com, acme.de."""
    dot = np.strings.find(values, ".")
    label = np.strings.slice(values, 0, np.maximum(dot, 0))
    tld = np.strings.slice(values, np.maximum(dot, 0), None)
    swap = _choose(rng, (".io", ".co", ".net", ".de"), len(values))
    other_tld = np.where(tld == ".com", swap, ".com")
    variant = np.where(rng.random(len(values)) < 0.5, label + other_tld, label + "corp" + tld)
    return np.where(dot > 0, variant, values)


def email_domain_variant(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The same mailbox at a sibling domain: jo@acme.com → jo@acme.io."""
    at = np.strings.find(values, "@")
    local = np.strings.slice(values, 0, at + 1)
    domain = np.strings.slice(values, at + 1, None)
    return np.where(at > 0, local + domain_variant(domain, rng), values)


def personal_email(first: np.ndarray, last: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A private mailbox of the person: robert.smith84@gmail.com."""
    n = len(first)
    parts = [np.strings.lower(transliterate(name)) for name in (first, last)]
    parts = [np.strings.replace(np.strings.replace(p, " ", ""), "'", "") for p in parts]
    number = np.where(rng.random(n) < 0.5, rng.integers(1, 99, n).astype(str), "").astype(TEXT)
    joiner = _choose(rng, (".", "", "_"), n)
    address: np.ndarray = (
        parts[0] + joiner + parts[1] + number + "@" + _choose(rng, PERSONAL_MAIL, n)
    )
    return address
