"""Street addresses in the common continental layouts (UK ones: detectors/address.py).

A European street line is a street name and a house number, in one of three orders:
- type word first, number last (Romance, Polish, Belgian): `Rua do Arenque 1634`,
  `Via Roma, 12`, `Calle de Alcalá 45`, `ul. Kwiatowa 12/3`, `Avenue Louise 54`;
- the type fused into the name, number last (German, Dutch, Nordic, Finnish): `Schleichstraße
  19`, `Brucker Bundesstrasse 31`, `Søndergade 52`, `Koskikatu 25`, `Olympos Allé 4`, and a
  separate type word after the name (`Szerbtóti utca 48`, `Štebijeva cesta 9b`);
- number first, type word next (French): `12 rue de la Paix`, `54, boulevard Voltaire`.
It may run on to a postcode and town on the same or the next line (`48337 Lichtenfels`,
`75002 Paris`, `1000-001 Lisboa`, `02-931 Kwidzyn`, `ΤΚ 483 37 Ναύπλιο`, Romania's `332860`,
`5907 JO` and `Hasselt` on two lines) or to a town after a comma (`, Brønderslev`). Street
names with no type word at all (`Madsenstubben 921`) count only when a postcode and town
follow; a street with a telling type word and no house number (`Soseaua Tomescu`) only when a
postcode follows, or alone on its labelled line or in a street column (`Straße: Lindenweg`,
its number in a field of its own); on a labelled line above the house number's own field
(`Hausnummer: 14`) a street name needs no type word. Greek and Bulgarian streets are written in
their own script.

Score policy: a street line with a telling type (`straße`, `gade`, `katu`, `Rua`, `Via`, `rue`),
or any street line right after an address label (`Street:`, `"ulice": `, `my address is`) or
under an address column header, 0.55, so it is reported alone; one with a weak type (`Plaza`,
`-ring`, `-tie`, `Place`), whose words have other everyday senses, 0.4 (it needs a cue, or a
tail); a town after a comma lifts either to 0.7; a postcode and town to 0.85. Postcodes are
checked for shape only: without the country there is no list to check them against.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from detectors.pattern import Shape, ShapeRecognizer, has_word, norm_words

# Latin, Greek and Cyrillic capitals: Greece and Bulgaria are in the EU too.
_UP = "A-ZÀ-ÖØ-ÞĀ-ŽΆ-ΏΑ-ΩЀ-Я"
_CAP = rf"[{_UP}][^\W\d_]*(?:['’\-][^\W\d_]+)*"
# Elided articles glued to the name: `rue d'Alésia`, `Via dell'Arte`.
_ELIDED = r"(?:[dlDL]|dell|dall|all|nell|sull|Dell)['’]"
_PART = (
    r"(?:de|del|de la|de las|de los|dels|des|du|della|delle|dei|degli|dello|di|da|do|dos|das|"
    r"e|y|i|la|le|les|lo|los|las|el|van|von|der|den|het|ter|ten|sur|al|alle|ai|sul|sulla|"
    r"a|à|au|aux|en|op|"
    # Slavic prepositions in street names: `Ulica na Grad`, `Cesta na Senec`, `Pot k ribniku`
    r"na|k|pri|ob|pod|nad|za|od|kod)"
)
_NAME_WORD = rf"(?:{_ELIDED})?{_CAP}"
_NAME = rf"(?:{_PART}\s+)*{_NAME_WORD}(?:[ \t]+(?:{_PART}[ \t]+)*{_NAME_WORD}){{0,4}}"
_NUMBER = (
    r"(?:(?:(?:Nr|No|Nº|N°|nº|n°|n\.º)\.?\s?)?\d{1,5}(?:\s?[a-zA-Z](?![^\W\d_]))?"
    r"(?:\s?(?:bis|ter)(?![^\W\d_]))?(?:\s?/\s?\d{1,4}[a-zA-Z]?|-\d{1,4}[a-zA-Z]?)?"
    r"(?![\d]|[.,]\d)|[Ss]/[Nn](?![^\W\d_]))"
)

# Type words before the name. STRONG ones are street words and little else; WEAK ones also
# mean a square, a park, a district or an everyday thing.
_TYPES_FIRST_STRONG = (
    "Rua|R\\.|Avenida|Avenija|Av\\.|Av|Avda\\.|Calle|C/|Carrer|Via|Viale|Vicolo|Piazza|Piazzale|Corso|"
    "Contrada|Travessa|Praça|Estrada|Rodovia|Alameda|Paseo|Passeig|Carretera|Ctra\\.|Callejón|"
    "Travesía|Urbanización|Glorieta|Rambla|Calçada|Largo|Strada|Rue|Avenue|Boulevard|"
    "Chaussée|Chemin|Quai|Impasse|Allée|Venelle|Ruelle|Rúa|ul\\.|Ul\\.|ulica|Ulica|al\\.|Al\\.|aleja|Aleja|"
    "plac|Plac|os\\.|osiedle|Osiedle|rue|avenue|boulevard|chemin|impasse|allée|quai|"
    "Bulevardul|Strada|Calea|Aleea|Drumul|Soseaua|Șoseaua|Splaiul|Intrarea|Leoforos|Odos|"
    # Mexican and other Latin American types (a UK firm's Spanish-speaking customers)
    "Privada|Circunvalación|Calzada|Prolongación|Andador|Periférico"
)
_TYPES_FIRST_WEAK = (
    "Plaza|Camino|Cuesta|Pasaje|Ronda|Ruta|Carrera|Cañada|Borgo|Canale|Stretto|Bairro|"
    "Quinta|Beco|Quadra|Setor|Conjunto|Vila|Ladeira|Viela|Jardim|Parque|Vereda|Lagoa|"
    "Cerrada|Retorno|Cesta|Put|Pot|Trg|Obala|"
    "Place|Route|Square|Cours|Passage|place|route|square|cours|passage|Laan|Am|Im|Zum|Zur|"
    "An der|Auf der|In der|Unter den"
)
_TYPE_FIRST = rf"(?:{_TYPES_FIRST_STRONG}|{_TYPES_FIRST_WEAK})"
# French number-first: `12 rue de la Paix`, `54, boulevard de François`.
_FR_TYPE = (
    "rue|avenue|av\\.|boulevard|bd|bld|place|allée|allee|impasse|chemin|quai|route|cours|"
    "square|passage|voie|sentier|faubourg|chaussée|résidence|hameau|cité|villa|parvis|"
    "esplanade|promenade|montée|rampe|traverse|clos|lotissement|Rue|Avenue|Boulevard|Place|"
    "Allée|Impasse|Chemin|Quai|Route|Cours|Square|Passage"
)
_FR_WEAK = frozenset(
    "place villa cours square passage route voie clos cité résidence hameau sentier".split()
)
# Types fused into the last word (`-straße`, `-gade`, `-katu`) or that word alone after a name.
_SUFFIX_STRONG = (
    "straße|strasse|str\\.|gasse|allee|allé|platz|weg|damm|ufer|chaussee|steig|gade|vej|"
    "stræde|torv|plads|gata|gatan|gränd|vägen|väg|torget|stigen|gaten|veien|vegen|katu|kuja|"
    "polku|kaari|bulevardi|raitti|väylä|straat|laan|gracht|plein|dijk|singel|steeg|kade|"
    "dreef|markt|baan|vænget|vænge|stien|stræde"
)
# Everyday English words end in these (`String`, `Notepad`, `Bowtie`): only in words of seven
# letters or more, and never reported on their own.
_SUFFIX_WEAK = "ring|hof|pad|tie|berg|dal|vei|gate|vang|bakken|backen|haven|hage|park|tori|lei"
_SUFFIX = re.compile(rf"(?i:(?P<sfx>{_SUFFIX_STRONG})|(?P<wsfx>{_SUFFIX_WEAK}))$")
# Central/Eastern European layout: name, then a lower-case type word (`Szerbtóti utca 48`).
_TYPE_AFTER = (
    "utca|út|útja|tér|körút|cesta|ulica|trg|náměstí|námestie|nábřeží|třída|iela|gatvė|"
    "tänav|puiestee|prospektas|aleja|bulevardi|Straße|Strasse|Allé|Allee|Gasse|Weg|Platz|"
    "pot|put|obala|nabrežje|šetalište|prolaz|"
    # Croatian, Serbian and Bosnian: crescent, branch road, short cut, estate, approach, steps
    "vijenac|odvojak|prečac|naselje|prilaz|stube|ogranak|poljana|sokak|bulevar|steza|"
    # Hungarian (alley, row, promenade, avenue, embankment) and Estonian (road, highway, side
    # street, square)
    "köz|sor|sétány|fasor|rakpart|tee|maantee|mnt|põik|väljak"
)
# Of those, the words with an everyday sense too (an estate, a meadow, steps, a short cut; `put`,
# `pot` and `tee` are English words: `To put 2 arrows`): weak, so a town, a postcode or a cue
# decides.
_TYPE_AFTER_WEAK = frozenset(
    "vijenac prečac naselje prilaz stube ogranak poljana steza sor tee väljak put pot".split()
)
_CORE = re.compile(
    r"(?<![\w\-/.])(?:"
    rf"(?P<tf>{_TYPE_FIRST})[ \t]+(?P<tfname>{_NAME}),?[ \t]+{_NUMBER}"
    # A lower-case word may stand between (`Árpád fejedelem út 751`, `Dobó István utca`).
    rf"|{_CAP}(?:[ \t]+(?:{_CAP}|[^\W\d_A-ZÀ-ÖØ-Þ]+))?[ \t]+(?P<ta>{_TYPE_AFTER})[ \t]+{_NUMBER}"
    rf"|{_NUMBER},?[ \t]+(?:bis[ \t]+|ter[ \t]+)?(?P<fr>{_FR_TYPE})[ \t]+{_NAME}"
    # Number first in other languages too (`488 Østervej`, `749 Via Caporciano`).
    rf"|{_NUMBER},?[ \t]+(?P<nf>{_CAP}['’]?(?:[ \t]+(?:{_PART}[ \t]+)*{_CAP}['’]?){{0,3}})"
    rf"|(?P<words>{_CAP}['’.]?(?:[ \t]+{_CAP}['’.]?){{0,2}}),?[ \t]+{_NUMBER}"
    r")"
)
_POSTCODE = (
    # `D-`/`F-` country prefixes, the Greek `ΤΚ` (postal code); Romania's six digits
    r"(?:[A-Z]{1,2}-[ \t]?|(?:ΤΚ|Τ\.Κ\.)[ \t]?)?"
    r"(?:\d{5}-\d{3}|\d{8}|\d{6}|\d{5}|\d{4}-\d{3}|\d{4}[ \t]?[A-Z]{2}"
    r"(?![^\W\d_])|\d{4}|\d{3}[ \t]\d{2}|\d{2}-\d{3})(?![\w\-])"
)
_LINK = (
    r"(?:sur|sous|lès|les|le|la|de|del|di|da|do|am|an|der|im|vorm|bei|op|aan|en|in|près|"
    # Czech, Slovak and Slovene: `Hluboká nad Vltavou`, `Brod pod Lovćenom`
    r"nad|pod|pri|ob)"
)
# A town ends its line or its clause (or a quoted value): `T +34 740…` under a postcode is a
# phone label. One or two link words may join its words (`Spittal an der Drau`).
_TOWN = (
    rf"{_CAP}(?:[ \-](?:{_CAP}|{_LINK}(?:[ \-]{_LINK})?(?=[ \-][{_UP}]))){{0,4}}"
    r"(?:[ \t]\([A-Z]{2}\)|[ \t]/[ \t][A-Z]{2})?(?=[ \t]*(?:$|[\n,.;:)\"']))"
)
_UNIT = re.compile(
    r",?[ \t]+(?:Apt|Apartment|App|Appartamento|Appartement|Piso|Piano|Puerta|Pta|Esc|Scala|"
    r"Int|Interno|lgh|Lgh|Wohnung|Whg|Top|Tür|Stiege|Etage|bus|bte|boîte|Bl|Sc|Ap|asunto|as)"
    r"\.?[ \t]?\d{1,4}[A-Za-z]?\b"
)
_TAIL_POSTCODE = re.compile(
    rf"\.?[ \t]*(?:,{{1,2}}[ \t]*\n?[ \t]*|\n[ \t]*|[ \t]+)(?P<before>{_TOWN},?[ \t]*\n?[ \t]*)?"
    rf"(?P<postcode>{_POSTCODE})(?P<after>,?(?:[ \t]*\n[ \t]*|[ \t]+){_TOWN})?",
    re.MULTILINE,
)
# A street with no house number (`Soseaua Tomescu`, then `Sebis, 113033`): only a telling
# type word first and a postcode after make it an address.
_UNNUMBERED = re.compile(rf"(?<![\w\-/.])(?:{_TYPES_FIRST_STRONG})[ \t]+{_NAME}")
_TAIL_TOWN = re.compile(rf"[ \t]*,[ \t]*{_TOWN}", re.MULTILINE)
# Forms and exports that split an address into fields write the street name alone on its
# labelled line, its number on another (`Straße: Lindenweg` / `Hausnummer: 14` / `PLZ: 80331`).
# Such a name counts when it has a telling type (`-weg`, `Rua`, `-katu`) and is all its line holds.
# The street words label a line and head a column (HEADERS); the address words only a line.
_STREET_WORDS = (
    "street|straße|strasse|straat|calle|rua|rue|ulica|ulice|gata|gatuadress|gateadresse|katu|"
    "katuosoite|vej|gade"
)
_STREET_LABEL = (
    f"{_STREET_WORDS}|gatan|address|adresse|adres|adresa|adress|anschrift|indirizzo|dirección|"
    "direccion|morada|endereço|osoite"
)
# The house number's own field next to it (`Hausnummer: 14`, `No.: 861`, `Číslo popisné: 7`)
# makes any name on the street's labelled line a street (`Straat: Jozefhof`, `Ulice: Oderská`).
_HOUSE_LABEL = (
    "house number|house no|building number|number|no|nr|hausnummer|hausnr|numéro|numero|número|"
    "numero civico|n°|nº|huisnummer|husnummer|gatunummer|talon numero|numer domu|numer|"
    "číslo popisné|číslo domu|číslo|házszám|broj|hišna številka"
)
# As keys too: `houseNumber`, `house_number`, `numero_civico`
_HOUSE_KEY = _HOUSE_LABEL.replace(" ", r"[ _\-]?")
_HOUSE_FIELD = (
    rf"[\"']?(?i:{_HOUSE_KEY})\.?[\"']?[ \t]*[:=][ \t]*[\"']?"
    r"\d{1,5}[a-zA-Z]?(?:[ \t]*[/\-][ \t]*\d{1,4}[a-zA-Z]?)?"
)
_HOUSE_LINE = re.compile(
    rf"[ \t]*{_HOUSE_FIELD}(?:{_UNIT.pattern})*[ \t]*[\"']?,?[ \t]*$", re.MULTILINE
)
# The same field right after the street's in a record on one line (JSON Lines, minified JSON:
# `"street": "Paulsenspranget", "houseNumber": "14"`).
_HOUSE_AFTER = re.compile(
    rf"[\"']?[ \t]*[,;][ \t]*{_HOUSE_FIELD}[\"']?[ \t]*(?:[,;}}\]]|$)", re.MULTILINE
)
# A street's name with no number: a type word first and a name, or up to three capitalised words.
_BARE_STREET = rf"(?P<v>(?:{_TYPES_FIRST_STRONG})[ \t]+{_NAME}|{_CAP}(?:[ \t]+{_CAP}){{0,2}})"
# A street label (`Straße:`, `"street_name":`) and the bare name after it.
_STREET_FIELD = (
    rf"[\"']?(?i:{_STREET_LABEL})(?i:[ _\-]?(?:name|navn|namn|nimi|nome|nombre))?"
    rf"[\"']?[ \t]*[:=][ \t]*[\"']?{_BARE_STREET}"
)
# ... all its line holds, or followed on its line by another field (a record on one line).
_LABELLED_NAME = re.compile(rf"^[ \t]*{_STREET_FIELD}(?=[ \t]*[\"']?[ \t]*,?[ \t]*$)", re.MULTILINE)
_INLINE_NAME = re.compile(rf"(?<![\w\-]){_STREET_FIELD}(?=[\"']?[ \t]*[,;])")
# The same name as a whole cell of a street column (one cell a line).
_STREET_CELL = re.compile(rf"^[ \t]*{_BARE_STREET}[ \t]*$", re.MULTILINE)
_STRONG_FIRST = re.compile(rf"(?:{_TYPES_FIRST_STRONG})")
_FIRST_TYPE = re.compile(rf"(?:{_TYPE_FIRST})(?=[ \t])")
# A printed IBAN's country and check digits (`CO15 SRHS 1454 9817 …`): its groups are no street.
_IBAN_HEAD = re.compile(r"[A-Z]{2}\d{2} $")
# A four-digit year after a line of capitalised words (`Python 3\n2024 Edition`) is no postcode.
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?![\d\-])")
# Words that open a sentence or label a number, never a street name (`Version 2`, `Page 4`).
_NOT_STREET = frozenset(
    "version page chapter section table figure step item order invoice room floor level "
    "phase stage part volume issue release build line row column box unit gate platform "
    "terminal appendix annex article paragraph note question exercise lesson week day year "
    "month apt suite no nr number tel fax phone mobile email e-mail mail post web http https "
    "ftp ssh api sms text the this that our your their his her its".split()
)


class EuStreetAddressRecognizer(ShapeRecognizer):
    """Continental European street addresses (see the module docstring for the layouts)."""

    ENTITY = "ADDRESS"
    SHAPES = (
        Shape("street", "", 0.55),
        Shape("weak street", "", 0.4),
        Shape("street+town", "", 0.7),
        Shape("street+postcode", "", 0.85),
        Shape("labelled street", "", 0.55),
    )
    CONTEXT = (
        "address",
        "adresse",
        "anschrift",
        "wohnhaft",
        "indirizzo",
        "residente",
        "dirección",
        "direccion",
        "domicilio",
        "morada",
        "endereço",
        "endereco",
        "adres",
        "woonadres",
        "osoite",
        "adress",
        "adresa",
        "cím",
        "lives at",
        "resides",
        "residing",
        "home",
        "correspondence",
        "deliver",
        "street",
        "straße",
        "strasse",
        "straat",
        "gatuadress",
        "gateadresse",
        "katuosoite",
        "ulica",
        "ulice",
    )
    DAMPING = ()
    BOOST = 0.3
    PREFILTER = re.compile(
        r"[^\W\d_]['’]?[ \t,]{1,2}\d|\d,?[ \t][^\W\d_]|[Ss]/[Nn]"
        rf"|(?i:{_STREET_LABEL})[^\n:=]{{0,12}}[:=]"
    )
    SCOUTS = (_CORE, _UNNUMBERED, _LABELLED_NAME, _INLINE_NAME)
    # A column of street names, the house number in a column of its own (ShapeRecognizer.HEADERS)
    HEADERS = tuple(_STREET_WORDS.split("|"))

    def __init__(self) -> None:
        super().__init__()
        self._shapes = []  # candidates() matches the layouts itself

    def _labelled(self, text: str, start: int) -> bool:
        """An address label (or column header) right before the value, or ending the line above."""
        if self._header and has_word(self._header, _LABEL_WORDS):
            return True
        line = text.rfind("\n", 0, start) + 1
        # Both labels end in `:`/`=` or a verb (`my address is`): what else ends the text before
        # the value has none, and the regexes, which try every position, need not run.
        before = text[line:start].rstrip().rstrip("\"'").rstrip()
        if before.endswith((":", "=", *_LABEL_VERBS)) and _LABEL_BEFORE.search(text, line, start):
            return True
        above = text.rfind("\n", 0, max(0, line - 1)) + 1
        return (
            line > 0
            and text[above : line - 1].rstrip().endswith(":")
            and bool(_LABEL_ABOVE.search(text, above, line - 1))
        )

    def candidates(self, text: str) -> Iterator[tuple[int, int, float, str]]:
        """Street lines in any of the layouts, extended over a unit, postcode and town."""
        yield from self._numbered(text)
        column = self.reads_column(self._header)
        for m in (_STREET_CELL if column else _LABELLED_NAME).finditer(text):
            words = _street_words(m)
            if words and (_typed(words) or (not column and _numbered_next(text, m.end()))):
                yield m.start("v"), m.end("v"), 0.55, "labelled street"
        # Records on one line are JSON (or a dict's repr): without a quoted key, none to read.
        inline = _INLINE_NAME.finditer(text) if '":' in text or "':" in text else ()
        for m in inline:
            if _street_words(m) and _HOUSE_AFTER.match(text, m.end("v")):
                yield m.start("v"), m.end("v"), 0.55, "labelled street"
        for m in _UNNUMBERED.finditer(text):
            tail = _TAIL_POSTCODE.match(text, m.end())
            if tail and not _YEAR.fullmatch(tail.group("postcode")):
                yield m.start(), tail.end(), 0.85, "street+postcode"

    def _numbered(self, text: str) -> Iterator[tuple[int, int, float, str]]:
        for m in _CORE.finditer(text):
            kind, start = _kind(m)
            if kind is None or _IBAN_HEAD.search(text, max(0, start - 5), start):
                continue
            end = m.end()
            for _ in range(4):  # `Bl. 84 Sc. 98 Ap. 933`: block, staircase, flat
                unit = _UNIT.match(text, end)
                if not unit:
                    break
                end = unit.end()
            tail = _TAIL_POSTCODE.match(text, end)
            if tail and (kind != "generic" or _generic_tail(tail)):
                yield start, tail.end(), 0.85, "street+postcode"
                continue
            if kind == "generic":
                # A name with no type word is a street before a postcode, or where a label or
                # column header says so (`Street: Na Nivách 97`, `"ulice": "Moravanů 7"`); in
                # running text `Returns 4` or `RFC 5952` near the word `address` is none.
                if self._labelled(text, start):
                    yield start, end, 0.55, "labelled street"
                continue
            town = _TAIL_TOWN.match(text, end)
            if town:
                yield start, town.end(), 0.7, "street+town"
            elif kind == "strong":
                yield start, end, 0.55, "street"
            else:
                yield start, end, 0.4, "weak street"


def _street_words(m: re.Match[str]) -> list[str]:
    """The words of a matched bare street name; none when one is never a street's (`Version`)."""
    words = m.group("v").split()
    return [] if any(w.casefold() in _NOT_STREET for w in words) else words


def _numbered_next(text: str, end: int) -> bool:
    """Whether the line after a labelled street name (ending at `end`) is its number's field."""
    nl = text.find("\n", end)
    return nl >= 0 and _HOUSE_LINE.match(text, nl + 1) is not None


def _typed(words: list[str]) -> bool:
    """Whether a street name without its number says it is one: a telling type word."""
    if len(words) > 1 and _STRONG_FIRST.fullmatch(words[0]):
        return True
    return _by_suffix(words[-1], len(words) > 1) == "strong"


_YEAR_COMMA = re.compile(r"(?:19|20)\d\d,")
_CAMEL = re.compile(r"[a-zà-öø-ÿ][A-ZÀ-ÖØ-Þ]")


def _generic_tail(tail: re.Match[str]) -> bool:
    """Whether a street with no type word has a postcode and a town after it.

    `Madsenstubben 921, 4867 Brønderslev` has; a bare number after capitalised words is a
    count, a ticket or a build (`Solaris 10` / `708972`, `Thread 6234`, `Coverity CID 354880`),
    and a year no postcode.
    """
    return bool(tail.group("before") or tail.group("after")) and not _YEAR.search(tail.group(0))


def _kind(m: re.Match[str]) -> tuple[str | None, int]:
    """(`strong`, `weak` or `generic`, where the street starts); None when it is no street."""
    if m.group("tf"):
        if m.group("tfname").split()[0].casefold() in _NOT_STREET:
            return None, 0
        return ("strong" if _STRONG_FIRST.fullmatch(m.group("tf")) else "weak"), m.start()
    if m.group("ta"):
        return ("weak" if m.group("ta") in _TYPE_AFTER_WEAK else "strong"), m.start()
    if m.group("fr"):
        return ("weak" if m.group("fr").casefold() in _FR_WEAK else "strong"), m.start()
    if m.group("nf"):
        words = m.group("nf").split()
        if any(w.casefold() in _NOT_STREET for w in words):
            return None, 0
        if _YEAR_COMMA.match(m.group(0)):
            return None, 0  # `(C) 2008, Nanno Langstraat`: a copyright year and its holder
        first = _FIRST_TYPE.match(m.group("nf"))
        if first:
            return ("strong" if _STRONG_FIRST.fullmatch(first.group(0)) else "weak"), m.start()
        return _by_suffix(words[-1].rstrip("'’"), len(words) > 1), m.start()
    words = m.group("words").split()
    if any(w.casefold().rstrip(".") in _NOT_STREET for w in words):
        return None, 0
    if any(len(_CAMEL.findall(w)) > 1 for w in words):
        return None, 0  # `FcCharSetPutLeaf 9361`: a function's name (but `McDonald`)
    last = words[-1].rstrip("'’")
    kind = _by_suffix(last, len(words) > 1)
    sfx = _SUFFIX.search(last)
    fused = sfx is not None and len(last.rstrip(".")) > len(sfx.group(0).rstrip(".")) + 1
    if kind == "strong" and fused and not all(_ADJECTIVE.search(w) for w in words[:-1]):
        # `Visit Schleichstraße 19`: the street starts at its own word.
        return "strong", m.start("words") + m.group("words").rindex(words[-1])
    return kind, m.start()


def _by_suffix(last: str, preceded: bool) -> str | None:
    """Kind of a street by its last word: fused type (`-straße`, `-vej`) or none (`generic`)."""
    sfx = _SUFFIX.search(last)
    if sfx is None:
        return "generic"
    if sfx.group("wsfx"):
        # Weak endings only in long fused names (`Mannerheimintie`), never `String` or `Notepad`.
        return "weak" if len(last) >= 7 and not preceded else None
    bare = len(last.rstrip(".")) <= len(sfx.group(0).rstrip(".")) + 1  # `Straße`, `Allé` alone
    if bare and not preceded:
        return None  # `Platz 2` is a rank, `Weg 3` a step
    return "strong"  # `Søndergade 52`, `Berliner Platz 2`, `Brucker Bundesstrasse 31`


# Labels that say the value is a street address: a header, `Label:` on the line or above it.
_LABELS = (
    "address|adresse|adres|adresa|adress|anschrift|indirizzo|dirección|direccion|domicilio|"
    "morada|endereço|endereco|osoite|postadress|woonadres|street|straße|strasse|straat|"
    "calle|via|rua|rue|ulica|ulice|gatuadress|gateadresse|katuosoite|cím|home"
)
_LABEL_WORDS = norm_words(_LABELS.split("|"))
_LABEL_VERBS = ("is", "est", "ist", "es", "è", "é", "er", "är", "on")
# `Address: `, `"street": "`, and in prose `my address is `, `ma nouvelle adresse est `.
# A key may go on after its word (`address_line_1:`, `Adressen:`); before a verb the label is
# the word itself or its plural (`caller is UID 0` holds `calle`, and is no label).
_LABEL_BEFORE = re.compile(
    rf"(?i:\b(?:{_LABELS})\w*[^\n:=]{{0,20}}[\"']?\s*[:=]"
    rf"|\b(?:{_LABELS})(?:e?s|en|n)?\s+(?:{'|'.join(_LABEL_VERBS)}))"
    r"\s*[\"']?\s*\Z"
)
_LABEL_ABOVE = re.compile(rf"(?i:\b(?:{_LABELS})\w*)[^\n:]{{0,20}}:\s*\Z")


# A word before a fused street name is part of it when it is an adjective or a place name in
# the genitive (`Brucker`, `Alte`, `Hamburger`, `Karl-Marx-`), not a sentence word.
_ADJECTIVE = re.compile(r"(?:er|e|en|es|s|sche|ische)$|-$")
