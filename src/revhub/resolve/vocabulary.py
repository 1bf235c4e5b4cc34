"""Word lists that normalisation uses: nicknames, legal forms, free-mail providers, dialling
codes, country names and placeholder values. Data only; ``normalise`` turns it into SQL.

Keys are written as they look *after* lower-casing and transliteration ("jose", not "José").

>>> NICKNAMES["bob"], COUNTRY_NAMES["deutschland"], DIALLING_CODES["GB"]
('robert', 'DE', '44')
"""

from __future__ import annotations

# Usual short forms of first names → the full name they stand for.
NICKNAMES: dict[str, str] = {
    "bob": "robert", "rob": "robert", "robbie": "robert", "bobby": "robert",
    "bill": "william", "will": "william", "billy": "william",
    "liz": "elizabeth", "beth": "elizabeth", "lizzie": "elizabeth", "betty": "elizabeth",
    "rick": "richard", "rich": "richard", "dick": "richard", "richie": "richard",
    "jim": "james", "jamie": "james", "jimmy": "james",
    "mike": "michael", "mick": "michael", "mikey": "michael",
    "kate": "katherine", "kathy": "katherine", "katie": "katherine", "cathy": "catherine",
    "jen": "jennifer", "jenny": "jennifer",
    "maggie": "margaret", "peggy": "margaret", "meg": "margaret",
    "tom": "thomas", "tommy": "thomas",
    "chris": "christopher", "topher": "christopher", "tina": "christine",
    "dan": "daniel", "danny": "daniel",
    "matt": "matthew", "joe": "joseph", "joey": "joseph", "tony": "anthony",
    "jon": "jonathan", "jonny": "jonathan", "nick": "nicholas", "nicky": "nicholas",
    "alex": "alexander", "sasha": "alexander", "sandra": "alexandra",
    "ben": "benjamin", "benji": "benjamin", "sam": "samuel", "sammy": "samuel",
    "andy": "andrew", "drew": "andrew", "ed": "edward", "ted": "edward", "eddie": "edward",
    "steve": "steven", "steph": "stephanie",
    "pat": "patricia", "trish": "patricia", "sue": "susan", "susie": "susan",
    "becky": "rebecca", "becca": "rebecca", "jess": "jessica", "jessie": "jessica",
    "vicky": "victoria", "tori": "victoria", "dave": "david", "davy": "david",
    "hannes": "johannes", "fritz": "friedrich", "wolf": "wolfgang", "wolfi": "wolfgang",
    "beppe": "giuseppe", "pino": "giuseppe", "paco": "francisco", "fran": "francisco",
    "pepe": "jose", "memo": "mehmet", "gummi": "gudmundur", "siggi": "sigurdur",
    "gunna": "gudrun", "musti": "mustafa", "haru": "haruto",
}  # fmt: skip

# Legal-form words a company name may end with (after punctuation became spaces).
LEGAL_FORMS: tuple[str, ...] = (
    "s a de c v", "sa de cv", "pty ltd", "pte ltd", "pvt ltd", "co ltd", "l l c", "s a s",
    "s a", "s l", "b v", "n v", "a s", "k k", "s r l", "s p a", "a g",
    "incorporated", "inc", "llc", "llp", "ltd", "limited", "gmbh", "ag", "sas", "sa", "sl",
    "bv", "nv", "plc", "corp", "corporation", "co", "company", "ehf", "as", "ltda", "pty",
    "pte", "kk", "srl", "spa", "oy", "ab", "aps", "kg", "ug", "sarl", "se",
)  # fmt: skip

# Mailbox providers anyone can sign up to: their domains never identify a company.
FREE_MAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com",
    "msn.com", "yahoo.com", "yahoo.co.uk", "ymail.com", "icloud.com", "me.com", "mac.com",
    "aol.com", "proton.me", "protonmail.com", "gmx.de", "gmx.net", "web.de", "mail.ru",
    "yandex.ru", "qq.com", "163.com", "zoho.com", "fastmail.com",
)  # fmt: skip
# First labels of free-mail domains in any country (gmail.co, yahoo.fr, outlook.de, ...).
FREE_MAIL_LABELS: tuple[str, ...] = (
    "gmail", "googlemail", "outlook", "hotmail", "yahoo", "ymail", "icloud", "aol", "gmx",
    "protonmail", "yandex",
)  # fmt: skip

# Two-part public suffixes, so that "acme.co.uk" has the stem "acme".
SECOND_LEVEL_SUFFIXES: tuple[str, ...] = (
    "co.uk", "org.uk", "ac.uk", "com.au", "net.au", "com.br", "com.tr", "com.mx", "co.jp",
    "co.nz", "co.za", "com.sg", "com.cn", "co.in", "com.ar", "co.kr",
)  # fmt: skip

# International dialling code per ISO country.
DIALLING_CODES: dict[str, str] = {
    "US": "1", "CA": "1", "GB": "44", "DE": "49", "FR": "33", "NL": "31", "IS": "354",
    "TR": "90", "AU": "61", "SG": "65", "JP": "81", "BR": "55", "MX": "52", "ES": "34",
    "IT": "39", "IE": "353", "BE": "32", "CH": "41", "AT": "43", "SE": "46", "NO": "47",
    "DK": "45", "FI": "358", "PL": "48", "PT": "351", "IN": "91", "CN": "86", "NZ": "64",
    "ZA": "27", "AR": "54",
}  # fmt: skip

# Country names and codes people write instead of the ISO 3166-1 alpha-2 code.
COUNTRY_NAMES: dict[str, str] = {
    "united states": "US", "usa": "US", "u s": "US", "u s a": "US", "america": "US",
    "canada": "CA", "can": "CA", "united kingdom": "GB", "uk": "GB", "england": "GB",
    "great britain": "GB", "deutschland": "DE", "germany": "DE", "france": "FR", "fra": "FR",
    "netherlands": "NL", "holland": "NL", "nederland": "NL", "the netherlands": "NL",
    "iceland": "IS", "island": "IS", "turkey": "TR", "turkiye": "TR", "tuerkiye": "TR",
    "australia": "AU",
    "aus": "AU", "singapore": "SG", "sgp": "SG", "japan": "JP", "日本": "JP", "brasil": "BR",
    "brazil": "BR", "bra": "BR", "mexico": "MX", "mex": "MX", "spain": "ES", "espana": "ES",
    "italy": "IT", "italia": "IT", "ireland": "IE", "india": "IN", "china": "CN",
}  # fmt: skip

# Letters that ASCII spells differently from merely dropping the accent (after lower()).
TRANSLITERATIONS: tuple[tuple[str, str], ...] = (
    ("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("æ", "ae"), ("ø", "o"), ("å", "a"),
    ("þ", "th"), ("ð", "d"), ("ı", "i"), ("ł", "l"), ("đ", "d"), ("œ", "oe"),
)  # fmt: skip

# Values typed to get past a required field: never evidence of identity.
PLACEHOLDER_NAMES: tuple[str, ...] = (
    "test", "asdf", "x", "xx", "xxx", "unknown", "n a", "na", "none", "null", "tbd", "user",
    "test user", "test test", "test account", "sample", "dummy",
)  # fmt: skip
