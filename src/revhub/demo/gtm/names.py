"""Synthetic names for the demo company: companies, domains, people, phones and CRM ids.

Everything is drawn from small word lists with vectorised numpy, so a million names cost
about as much as a thousand. Company names are a bijection of the account number, so
names and domains never collide by accident (planted duplicates are made on purpose).

>>> company_names(np.array([0, 1]), 7)[0].tolist() != company_names(np.array([0, 1]), 8)[0].tolist()
True
"""

from __future__ import annotations

import numpy as np


def _table(text: str) -> dict[str, str]:
    return dict(item.split(":", 1) for item in text.split("|"))


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_SYLLABLE_A = _words(
    "Bright Blue Clear Swift North Iron Silver Red Green Open True Bold Cloud Data Deep Wide "
    "High Peak Prime Star Sun Moon Sea Stone Oak Pine Maple Cedar Fox Wolf Hawk Lynx Nova "
    "Astra Terra Aqua Vita Zen Flux Quant Hyper Meta Omni Poly Vector Pixel Signal Orbit "
    "Summit Harbor River Lake Field Arrow Spark Forge Beacon Bridge Crest Delta"
)
_SYLLABLE_B = _words(
    "vale stack line point path works gate field mark wave loop base craft scope sphere bit "
    "byte logic mind sense flow grid core ware form hub port nest leaf rock light view track "
    "shift lane beam rise wing dock yard well ridge side star bay crest pulse sync forge "
    "frame land mint nova rail seed sky tide"
)
_WORDS = _words(
    "Analytics Software Systems Labs Health Logistics Capital Foods Energy Media Robotics "
    "Security Retail Studio Networks Pharma Motors Finance Insurance Learning Travel Homes "
    "Mining Apparel Games Telecom Bio Legal Consulting Marine Aero Cloud Payments Mobility "
    "Farms Design Print"
)
_VARIANTS = ("", "Group", "Labs", "Global", "Partners", "Digital", "Holdings", "International")
_LEGAL = _table(
    "US:Inc|CA:Inc|GB:Ltd|DE:GmbH|FR:SAS|NL:B.V.|IS:ehf|TR:A.Ş.|AU:Pty Ltd|SG:Pte Ltd|"
    "JP:KK|BR:Ltda|MX:S.A. de C.V."
)
_TLD = _table(
    "US:.com|CA:.ca|GB:.co.uk|DE:.de|FR:.fr|NL:.nl|IS:.is|TR:.com.tr|AU:.com.au|"
    "SG:.sg|JP:.jp|BR:.com.br|MX:.mx"
)
_DIAL = _table(
    "US:+1|CA:+1|GB:+44|DE:+49|FR:+33|NL:+31|IS:+354|TR:+90|AU:+61|SG:+65|JP:+81|BR:+55|MX:+52"
)
CITIES = {
    "US": ("New York", "San Francisco", "Austin", "Chicago", "Boston", "Seattle", "Denver"),
    "CA": ("Toronto", "Vancouver", "Montreal"),
    "GB": ("London", "Manchester", "Edinburgh", "Bristol"),
    "DE": ("Berlin", "Munich", "Hamburg", "Cologne"),
    "FR": ("Paris", "Lyon", "Toulouse"),
    "NL": ("Amsterdam", "Rotterdam", "Utrecht"),
    "IS": ("Reykjavík", "Akureyri", "Kópavogur"),
    "TR": ("Istanbul", "Ankara", "Izmir"),
    "AU": ("Sydney", "Melbourne", "Brisbane"),
    "SG": ("Singapore",),
    "JP": ("Tokyo", "Osaka"),
    "BR": ("São Paulo", "Rio de Janeiro", "Curitiba"),
    "MX": ("Mexico City", "Monterrey", "Guadalajara"),
}
INDUSTRIES = _words(
    "software financial_services healthcare retail manufacturing education media logistics "
    "professional_services telecom energy public_sector"
)
FIRST_NAMES = _words(
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Daniel Karen Matthew Nancy Anthony Lisa Mark "
    "Emma Noah Olivia Liam Sophia Lucas Mia Leon Hannah Jonas Lea Louis Chloé Hugo Inès Daan "
    "Sanne Sven Anna Jón Guðrún Sigurður Helga Mehmet Ayşe Mustafa Fatma Emre Zeynep Kenji "
    "Yuki Haruto Aoi Wei Mei Arjun Priya João Maria Pedro Ana Diego Sofía Carlos Lucía"
)
LAST_NAMES = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Wilson Anderson Taylor Thomas "
    "Moore Martin Jackson White Harris Clark Lewis Walker Hall Young King Wright Scott Green "
    "Müller Schmidt Schneider Fischer Weber Dubois Martin Bernard Laurent De Jong Jansen "
    "Visser Jónsson Sigurðsson Guðmundsdóttir Yılmaz Kaya Demir Şahin Çelik Tanaka Suzuki "
    "Sato Tan Lim Lee Silva Santos Oliveira Souza Hernández López González Pérez Patel"
)
TITLES = {
    "economic_buyer": ("VP Sales", "CFO", "COO", "Head of Revenue", "VP Operations", "CEO"),
    "champion": ("Sales Operations Manager", "RevOps Lead", "Director of Sales", "Head of CX"),
    "user": ("Account Executive", "Sales Manager", "Marketing Manager", "Analyst", "CSM"),
    "technical": ("IT Manager", "Solutions Architect", "Data Engineer", "CTO"),
    "other": ("Intern", "Student", "Consultant", "Office Manager", "Founder"),
}
PERSONAS = tuple(TITLES)
_ASCII = str.maketrans("áéíóúüöçşğıðþæøåñãõàèêëïôûÿ", "aeiouuocsgidtaoanaoaeeeiouy")
_B62 = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))


def _pick(words: tuple[str, ...] | list[str], index: np.ndarray) -> np.ndarray:
    return np.asarray(np.asarray(words, dtype=object)[index % len(words)])


def _lookup(table: dict[str, str], keys: np.ndarray) -> np.ndarray:
    out = np.empty(len(keys), dtype=object)
    for code, value in table.items():
        out[keys == code] = value
    return out


def company_names(numbers: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Brand names and domain stems for account numbers (a bijection below ~1.3M).

    >>> names, stems = company_names(np.array([3]), 1)
    >>> bool(stems[0] == stems[0].lower())
    True
    """
    a, b, w, v = len(_SYLLABLE_A), len(_SYLLABLE_B), len(_WORDS), len(_VARIANTS)
    size = a * b * w * v
    code = (numbers.astype(np.int64) * 1_000_003 + seed * 7919) % size
    ia, code = code % a, code // a
    ib, code = code % b, code // b
    iw, iv = code % w, code // w
    brand = _pick(_SYLLABLE_A, ia) + _pick(_SYLLABLE_B, ib)
    word = _pick(_WORDS, iw)
    variant = _pick(_VARIANTS, iv)
    spaced = np.where(variant == "", "", " ") + variant
    names = brand + " " + word + spaced
    stem = brand + word + variant
    return names, np.char.lower(stem.astype(str)).astype(object)


def legal_suffix(countries: np.ndarray) -> np.ndarray:
    """The usual legal-form suffix per country ("Inc", "GmbH", ...)."""
    return _lookup(_LEGAL, countries)


def top_level_domain(countries: np.ndarray) -> np.ndarray:
    """The usual web domain ending per country (".com", ".de", ...)."""
    return _lookup(_TLD, countries)


def cities(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    """A head-office city per row, from each country's list."""
    out = np.empty(len(countries), dtype=object)
    for code, names in CITIES.items():
        mask = countries == code
        out[mask] = _pick(names, rng.integers(0, len(names), mask.sum()))
    return out


def phones(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    """International phone numbers like ``+44 20 5551 2345``."""
    area = rng.integers(20, 99, len(countries)).astype(str).astype(object)
    first = rng.integers(1000, 9999, len(countries)).astype(str).astype(object)
    last = rng.integers(1000, 9999, len(countries)).astype(str).astype(object)
    return np.asarray(_lookup(_DIAL, countries) + " " + area + " " + first + " " + last)


def people(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """First and last names for ``n`` people."""
    first = _pick(FIRST_NAMES, rng.integers(0, len(FIRST_NAMES), n))
    last = _pick(LAST_NAMES, rng.integers(0, len(LAST_NAMES), n))
    return first, last


def emails(
    first: np.ndarray, last: np.ndarray, domains: np.ndarray, style: np.ndarray
) -> np.ndarray:
    """Work emails in one of three house styles (0 first.last, 1 flast, 2 first)."""
    if not len(first):
        return np.array([], dtype=object)
    f = _ascii(np.char.lower(first.astype(str))).astype(object)
    la = np.char.replace(_ascii(np.char.lower(last.astype(str))), " ", "").astype(object)
    initial = f.astype(str).astype("U1").astype(object)
    local = np.where(style == 0, f + "." + la, np.where(style == 1, initial + la, f))
    return np.asarray(local + "@" + domains)


def _ascii(words: np.ndarray) -> np.ndarray:
    result: np.ndarray = np.char.translate(words, _ASCII)  # type: ignore[call-overload]
    return result


def salesforce_ids(prefix: str, numbers: np.ndarray) -> np.ndarray:
    """15-character Salesforce-style ids (``006`` + pod + base-62 number), unique per number.

    >>> salesforce_ids("006", np.array([1]))[0]
    '0065e0000000001'
    """
    digits = np.empty((len(numbers), 8), dtype="U1")
    rest = numbers.astype(np.int64).copy()
    for position in range(7, -1, -1):
        digits[:, position] = _B62[rest % 62]
        rest //= 62
    body = digits.view("U8").ravel().astype(object) if len(numbers) else np.array([], object)
    return f"{prefix}5e00" + body
