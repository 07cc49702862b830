"""Which countries a text is about, for phone numbers written in a national format.

`0301234567` is a Berlin number in a German letter and nothing in a British one: a national
number has no country code, so the text has to say where it is. A country counts as named when
the text holds its name (English or its own), a capital or large city, one of its words for a
street (`straße`, `gade`, `katu`, `rue`), its calling code (`+49`, `0049`), or an e-mail or web
address under its domain (`@firma.de`). The layout of an address counts too (a postcode
`02-931` is Polish, `1000-001` Portuguese). Data only: detectors/phone.py does the matching.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Region -> words that place a text in it (casefolded; matched as whole words).
REGION_WORDS: dict[str, tuple[str, ...]] = {
    "IE": ("ireland", "irish", "éire", "eire", "dublin", "cork", "galway", "limerick"),
    "FR": (
        "france",
        "french",
        "français",
        "paris",
        "lyon",
        "marseille",
        "toulouse",
        "lille",
        "nantes",
        "bordeaux",
        "rue",
        "boulevard",
        "cedex",
        "madame",
        "monsieur",
    ),
    "DE": (
        "germany",
        "german",
        "deutschland",
        "berlin",
        "münchen",
        "munich",
        "hamburg",
        "köln",
        "frankfurt",
        "stuttgart",
        "düsseldorf",
        "leipzig",
        "straße",
        "strasse",
        "gmbh",
        "herr",
        "frau",
        "geehrte",
        "geehrter",
        "telefon",
    ),
    "AT": (
        "austria",
        "österreich",
        "wien",
        "vienna",
        "graz",
        "linz",
        "salzburg",
        "innsbruck",
        "straße",
        "gasse",
    ),
    "CH": (
        "switzerland",
        "schweiz",
        "suisse",
        "svizzera",
        "zürich",
        "zurich",
        "genève",
        "geneva",
        "basel",
        "bern",
        "lausanne",
        "strasse",
        "natel",
    ),
    "NL": (
        "netherlands",
        "nederland",
        "holland",
        "dutch",
        "amsterdam",
        "rotterdam",
        "utrecht",
        "eindhoven",
        "den haag",
        "straat",
        "laan",
        "gracht",
        "geachte",
        "telefoon",
    ),
    "BE": (
        "belgium",
        "belgië",
        "belgique",
        "brussels",
        "bruxelles",
        "brussel",
        "antwerp",
        "antwerpen",
        "gent",
        "ghent",
        "liège",
        "straat",
        "rue",
    ),
    "LU": ("luxembourg", "luxemburg"),
    "ES": (
        "spain",
        "spanish",
        "españa",
        "madrid",
        "barcelona",
        "valencia",
        "sevilla",
        "bilbao",
        "calle",
        "avenida",
        "teléfono",
        "telefono",
        "móvil",
        "estimado",
        "estimada",
    ),
    "PT": (
        "portugal",
        "portuguese",
        "lisboa",
        "lisbon",
        "porto",
        "coimbra",
        "braga",
        "rua",
        "avenida",
        "travessa",
        "telemóvel",
        "telemovel",
    ),
    "IT": (
        "italy",
        "italian",
        "italia",
        "roma",
        "rome",
        "milano",
        "napoli",
        "torino",
        "firenze",
        "bologna",
        "viale",
        "piazza",
        "corso",
        "cellulare",
        "gentile",
    ),
    "DK": (
        "denmark",
        "danish",
        "danmark",
        "københavn",
        "copenhagen",
        "aarhus",
        "odense",
        "aalborg",
        "gade",
        "vej",
        "tlf",
    ),
    "SE": (
        "sweden",
        "swedish",
        "sverige",
        "stockholm",
        "göteborg",
        "gothenburg",
        "malmö",
        "uppsala",
        "gatan",
        "vägen",
        "tfn",
    ),
    "FI": (
        "finland",
        "finnish",
        "suomi",
        "helsinki",
        "espoo",
        "tampere",
        "turku",
        "oulu",
        "katu",
        "puh",
        "puhelin",
    ),
    "NO": (
        "norway",
        "norwegian",
        "norge",
        "oslo",
        "bergen",
        "trondheim",
        "stavanger",
        "gata",
        "veien",
        "vei",
        "tlf",
    ),
    "IS": ("iceland", "ísland", "reykjavík", "reykjavik"),
    "PL": (
        "poland",
        "polish",
        "polska",
        "warszawa",
        "warsaw",
        "kraków",
        "krakow",
        "wrocław",
        "gdańsk",
        "poznań",
        "ulica",
        "aleja",
        "szanowny",
        "szanowna",
    ),
    "CZ": ("czech", "czechia", "česko", "praha", "prague", "brno", "ulice", "náměstí"),
    "SK": ("slovakia", "slovensko", "bratislava", "košice", "ulica", "námestie"),
    "HU": ("hungary", "magyarország", "budapest", "debrecen", "utca"),
    "SI": ("slovenia", "slovenija", "ljubljana", "maribor", "cesta", "ulica"),
    "HR": ("croatia", "hrvatska", "zagreb", "rijeka", "ulica"),
    "RO": ("romania", "românia", "bucurești", "bucharest", "cluj", "strada", "bulevardul"),
    "BG": ("bulgaria", "plovdiv", "varna"),
    "GR": ("greece", "greek", "hellas", "athens", "athina", "thessaloniki"),
    "EE": ("estonia", "eesti", "tallinn", "tartu"),
    "LV": ("latvia", "latvija", "riga", "rīga"),
    "LT": ("lithuania", "lietuva", "vilnius", "kaunas"),
    "MT": ("malta", "valletta"),
    "CY": ("cyprus", "nicosia", "limassol"),
    "BR": ("brazil", "brasil", "são paulo", "sao paulo", "rio de janeiro", "brasília"),
}

# Every region tried for a labelled number (`Tel: 030 1234567`): the EU, the EEA,
# Switzerland, the UK, and Brazil (Portuguese-language records).
LABEL_REGIONS: tuple[str, ...] = tuple(REGION_WORDS) + ("GB",)

_WORD_REGIONS: dict[str, list[str]] = {}
for _region, _words in REGION_WORDS.items():
    for _w in _words:
        _WORD_REGIONS.setdefault(_w, []).append(_region)

_TLDS = {r.casefold(): r for r in REGION_WORDS if r not in ("GR", "GB")} | {"gr": "GR"}
_CALLING = {
    "353": "IE",
    "33": "FR",
    "49": "DE",
    "43": "AT",
    "41": "CH",
    "31": "NL",
    "32": "BE",
    "352": "LU",
    "34": "ES",
    "351": "PT",
    "39": "IT",
    "45": "DK",
    "46": "SE",
    "358": "FI",
    "47": "NO",
    "354": "IS",
    "48": "PL",
    "420": "CZ",
    "421": "SK",
    "36": "HU",
    "386": "SI",
    "385": "HR",
    "40": "RO",
    "359": "BG",
    "30": "GR",
    "372": "EE",
    "371": "LV",
    "370": "LT",
    "356": "MT",
    "357": "CY",
    "55": "BR",
}
# Street names fused with their type (`Schleichstraße 19`, `Søndergade 52`, `Koskikatu 25`).
_FUSED: dict[str, tuple[str, ...]] = {
    "straße": ("DE", "AT"),
    "strasse": ("DE", "CH"),
    "str.": ("DE", "AT"),
    "gasse": ("AT", "DE"),
    "platz": ("DE", "AT"),
    "allee": ("DE", "AT"),
    "weg": ("DE", "NL"),
    "gade": ("DK",),
    "vej": ("DK",),
    "gatan": ("SE",),
    "vägen": ("SE",),
    "gränd": ("SE",),
    "katu": ("FI",),
    "tie": ("FI",),
    "kuja": ("FI",),
    "polku": ("FI",),
    "straat": ("NL", "BE"),
    "laan": ("NL", "BE"),
    "gracht": ("NL",),
    "gata": ("NO",),
    "veien": ("NO",),
    "vegen": ("NO",),
}
# Street types written first, capitalised, before a name (`Rua do Arenque`, `Calle Mayor`).
_TYPE_FIRST: dict[str, tuple[str, ...]] = {
    "Rua": ("PT", "BR"),
    "Travessa": ("PT", "BR"),
    "Praça": ("PT", "BR"),
    "Calle": ("ES",),
    "Avenida": ("ES", "PT", "BR"),
    "Paseo": ("ES",),
    "Carrer": ("ES",),
    "Via": ("IT",),
    "Viale": ("IT",),
    "Piazza": ("IT",),
    "Corso": ("IT",),
    "ul.": ("PL",),
    "al.": ("PL",),
}
# Postcode-and-town layouts particular to a few countries (`02-931 Kwidzyn`, `1000-001 Lisboa`).
_POSTCODES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"(?<![\w\-])\d{2}-\d{3}[ \t]+[A-ZÀ-Ž]"), ("PL",)),
    (re.compile(r"(?<![\w\-])\d{4}-\d{3}[ \t]+[A-ZÀ-Ž]"), ("PT",)),
    (re.compile(r"(?<![\w\-])\d{5}-\d{3}[ \t]+[A-ZÀ-Ž]"), ("BR",)),
    (re.compile(r"(?<![\w\-])\d{4} ?[A-Z]{2}\b[ \t,]*\n?[ \t]*[A-ZÀ-Ž]"), ("NL",)),
)
# A word ending in a fused type, then a house number. Only at a word's start, and only when the
# word (and the `.` of `str.`) is followed by the number: without these two look-arounds every
# letter of every word tried each type at each of its letters.
_FUSED_RX = re.compile(
    r"(?<![^\W\d_])(?=[^\W\d_]*\.?[ \t]+\d)[^\W\d_]{3,}("
    + "|".join(re.escape(k) for k in _FUSED)
    + r")[ \t]+\d",
    re.IGNORECASE,
)
# A type word before a capitalised name. No look-behind in the regex, which would make it try
# every position; _type_first() checks the character before instead.
_TYPE_FIRST_RX = re.compile(r"(" + "|".join(re.escape(k) for k in _TYPE_FIRST) + r")[ \t]+[A-ZÀ-Ž]")
# Cue words are looked up in a set of the text's words (one pass), not by a regex alternation
# of every word (which costs a pass per word at each position).
_WORD = re.compile(r"[^\W\d_]+")
_SINGLE = frozenset(w for w in _WORD_REGIONS if " " not in w)
_MULTI = tuple(w for w in _WORD_REGIONS if " " in w)
_TLD_RX = re.compile(
    r"(?:@|www\.|://)[\w.\-]*\.(" + "|".join(sorted(_TLDS)) + r")(?![\w.\-])", re.IGNORECASE
)
_CALLING_RX = re.compile(
    r"(?<![\w+])(?:\+|00)(" + "|".join(sorted(_CALLING, key=len, reverse=True)) + r")(?=[ (\-/]?\d)"
)


def regions_named(text: str, limit: int) -> list[str]:
    """Regions the text places itself in, best evidenced first, at most `limit`.

    Each distinct cue word counts once; a domain, a calling code or an address layout counts
    twice (they name the country, not a word that may be borrowed).
    """
    count: dict[str, int] = {}
    folded = text.casefold()
    words = set(_SINGLE.intersection(_WORD.findall(folded)))
    words.update(w for w in _MULTI if w in folded)
    for word in words:
        for region in _WORD_REGIONS[word]:
            count[region] = count.get(region, 0) + 1
    # The two regexes ignore case the Unicode way, so a dotless `ı` matches `i` (`@x.fı`);
    # its casefold is no key of ours, and such a match names no region.
    for m in _TLD_RX.finditer(text):
        if tld := _TLDS.get(m.group(1).casefold()):
            count[tld] = count.get(tld, 0) + 2
    for m in _CALLING_RX.finditer(text):
        region = _CALLING[m.group(1)]
        count[region] = count.get(region, 0) + 2
    places = [_FUSED.get(m.group(1).casefold(), ()) for m in _FUSED_RX.finditer(text)]
    places += [_TYPE_FIRST[m.group(1)] for m in _type_first(text)]
    places += [regions for rx, regions in _POSTCODES if rx.search(text)]
    for regions in places:
        for region in regions:
            count[region] = count.get(region, 0) + 2
    return sorted(count, key=lambda r: -count[r])[:limit]


def _type_first(text: str) -> Iterator[re.Match[str]]:
    """_TYPE_FIRST_RX's matches that start a word: no letter, digit, `_` or `.` before them.

    The matches a look-behind (no word character or `.`) in front of the regex would find: a
    match inside a word is skipped by one character, not by its length, so a type word it
    overlapped still counts.
    """
    pos = 0
    while m := _TYPE_FIRST_RX.search(text, pos):
        start = m.start()
        if start and (text[start - 1].isalnum() or text[start - 1] in "_."):
            pos = start + 1
            continue
        yield m
        pos = m.end()
