"""Person names: spaCy's PERSON entities behind false-positive filters, plus cue patterns.

The small English model tags cities (`Manchester`), companies named after people (`Johnson
Matthey`, `Marks and Spencer`) and the odd header as PERSON. The filters here are kept apart
from the model (the detect-secrets habit of filters as their own layer):
- place names and well-known surname-like companies (lists below);
- a company suffix right after the span (`Ltd`, `plc`, `LLP`), or anywhere in the text after
  the same words (once `Taylor Brown Ltd` appears, `Taylor Brown` is that company);
- spans with digits, `@`, no capitalised word, or more than four words;
- spans whose every word the same text also uses in lower case (`Reporting Bugs` next to
  `bugs`): names are almost never written in lower case, common words often are.
`CuedNameRecognizer` adds names the model misses where a cue leaves no doubt (`Dear Ms Kaur`,
`Name: Priya Patel`). Score policy: two or more words 0.85, one word 0.6, cue pattern 0.85.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

from detectors.gazetteer import (
    PARTICLES,
    is_common,
    is_forename,
    is_place,
    is_surname,
    is_word,
    known,
)
from detectors.name_shapes import (
    GROUP_WORDS,
    LATIN_UPPER,
    NON_NAME_HEADS,
    lone_forename,
    looks_like_company,
    name_evidence,
    plausible_name,
    trim,
    unlisted_name,
    unlisted_word,
    used_in_lower_case,
    word_kind,
)
from detectors.name_shapes import NAME_PARTICLE as _PARTICLE
from detectors.pattern import REASON_KEY, Shape, ShapeRecognizer
from detectors.prefilter import Traits
from detectors.true_case import mostly_foreign
from scanner.privacy import CUE_TITLES, title_alternation

# Capitals a cued name may open with: the Latin scripts of Europe, and Greek and Cyrillic, in
# which Greece, Cyprus and Bulgaria write their names (`Surname: Αθανασίου`; the lists hold them).
_UP = LATIN_UPPER + "ΆΈΉΊΌΎΏΑ-ΩА-ЯЀ-Џ"

# What may stand between a line's start and its first word without the word losing its
# sentence-opening capital: a comment marker (`# Magic local data`, `// Root account`) or a
# list bullet (`- Colon separated`).
_LINE_LEAD = re.compile(r"[ \t]*(?:#+|//+|;+|--?|\*+|%+|!|>+|•|(?:REM|rem|dnl)\b)[ \t]*")
_DETERMINER = re.compile(r"(?i:\b(?:the|a|an|my|your|our|their))[ \t]+$")
_LOWER_WORD = re.compile(r"(?<![\w'’@.\-])[a-z]+(?![\w'’@.\-])")  # not inside e-mail addresses


def lower_case_name(value: str) -> float:
    """Score a name the model found written in lower case (0 when it is no name).

    Posts and chat write `emma watson` as readily as `Emma Watson`, and the model still finds
    many of them. With case saying nothing, the lists decide: a listed forename then a listed
    surname (0.85), or a lone listed forename that is no English word (`emma`, not `rose`) and
    no short word of another language (`hari`, `el`: at least four letters) (0.6).
    """
    words = value.split()
    if not 1 <= len(words) <= 3 or not all(w.isalpha() for w in words):
        return 0.0
    first, last = words[0], words[-1]
    if len(words) == 1:
        return 0.6 if len(first) > 3 and is_forename(first) and not is_word(first) else 0.0
    if len(first) > 2 and is_forename(first) and is_surname(last) and not is_common(last):
        return 0.85
    return 0.0


# A preposition of place right before a span: `in Ilocos Norte`, `on Vasilievsky Spusk`.
_PLACE_BEFORE = re.compile(r"(?i:\b(?:in|at|on|near|into)[ \t]+)$")


def _doubtful_unlisted(text: str, start: int, end: int, before: str) -> bool:
    """An unlisted name (name_shapes.unlisted_name) where the model's word cannot be trusted.

    In another language's text (`Haus Gottes`), after a preposition of place (`at Myung Ga`),
    or alone on its line right above a line with a number in it: there it is as often a
    company's line in a signature, above the street (`Koskela Norrback` / `Mannerheimintie 5`),
    which AddresseeLineRecognizer tells from a person; so is a paragraph holding nothing else.
    Alone on a line in a list of names (an AUTHORS file, a list of attendees) it stays a name.
    """
    value = text[start:end]
    if " " not in value or not unlisted_name(value.split()):
        return False
    if not text[:start].strip() and not text[end:].strip():
        return True  # a paragraph of its own: the next paragraph may be its street
    head = text.rfind("\n", 0, start) + 1
    tail = text.find("\n", end)
    if tail >= 0 and not text[head:start].strip() and not text[end:tail].strip():
        following = text.find("\n", tail + 1)
        if any(c.isdigit() for c in text[tail + 1 : len(text) if following < 0 else following]):
            return True
    return bool(_PLACE_BEFORE.search(before)) or mostly_foreign(text)


_WORD_BEFORE = re.compile(r"(?<![^ \t\n])(\w+) $")


def _with_name_before(text: str, start: int) -> int:
    """Where a one-word model span starts once a name-like word just before it joins it.

    The model sometimes labels only the surname (`Anar Vizirov` gives `Vizirov`); a word on
    no English, common or place list or a listed forename, right before it on the same line, is
    its forename.
    """
    m = _WORD_BEFORE.search(text, max(0, start - 20), start)
    if m and (unlisted_word(m[1]) or (word_kind(m[1]) == "name" and is_forename(m[1]))):
        return m.start()
    return start


def _name_spans(text: str, entities: Any) -> Iterator[tuple[int, int, bool]]:
    """The names in the model's PERSON spans, each with whether a title stood before it."""
    for ent in entities:
        if ent.label_ in ("PERSON", "PER"):
            span = _name_span(text, ent.start_char, ent.end_char)
            if span is not None:
                yield span


def _name_span(text: str, start: int, end: int) -> tuple[int, int, bool] | None:
    """The name in a model span (trim, plus a forename it left out), or None if it holds none."""
    crossed = "\n" in text[start:end]
    start, end, title = trim(text, start, end)
    if " " not in text[start:end] and not title:
        start = _with_name_before(text, start)
    value = text[start:end]
    if value.lower() in _SIGN_OFFS:  # lower(), not casefold(): the list spells `grüße`
        return None  # `Viele Grüße` over `Frau Melissa Seifert`: the closing, not the name
    if crossed and " " not in value and (is_place(value) or is_word(value)):
        return None  # `Jordan` of `Jordan\nFlorence\nChelsea`: a list the model ran together
    return start, end, title


class SpacyPersonRecognizer(EntityRecognizer):
    """PERSON entities from the spaCy doc in nlp_artifacts, filtered (module docstring)."""

    ENTITY = "PERSON"
    name: str  # set by EntityRecognizer.__init__

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY], name=type(self).__name__)

    def load(self) -> None:
        """Do nothing: the engine loads the model once, not per recognizer."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None
    ) -> list[RecognizerResult]:
        """Return filtered PERSON spans; none when no spaCy doc is given."""
        if nlp_artifacts is None or (entities and self.ENTITY not in entities):
            return []
        out = []
        lower_words: set[str] | None = None
        foreign: bool | None = None
        for start, end, title in _name_spans(text, nlp_artifacts.entities):
            value = text[start:end]
            if value.islower() and text[start - 1 : start] not in ("#", "@"):
                if lower := lower_case_name(value):
                    out.append(self._result(start, end, lower, "lower case, listed forename"))
                continue
            if text[start - 1 : start] in ("#", "@") or not plausible_name(value):
                continue  # hashtags and handles are not written names
            before = text[max(0, start - 12) : start]
            after = _LONG_HEAD_AFTER if _THE_BEFORE.search(before) else _HEAD_AFTER
            head = after.match(text, end)
            if head and head[1].casefold() in _PLACE_HEADS:
                continue  # `George R. Brown Convention Center`: the name of a place
            if " " not in value and _DETERMINER.search(before):
                continue  # `the Moon`, `a Zara bag`, `your Crew`: a name alone takes no article
            if " " not in value and foreign is None:
                foreign = mostly_foreign(text)
            if " " not in value and foreign:
                continue  # a lone word in another language's text: the English model guesses
            opening = (
                not before.rstrip()
                or before.rstrip()[-1] in ".!?:\"'“("
                or bool(_LINE_LEAD.fullmatch(text, text.rfind("\n", 0, start) + 1, start))
            )
            listed = name_evidence(value, opening)
            score = listed or (0.85 if title else 0.0)
            if not score or looks_like_company(text, start, end):
                continue
            if score < 0.85 and not title and _doubtful_unlisted(text, start, end, before):
                continue
            if lower_words is None:
                lower_words = set(_LOWER_WORD.findall(text))
            if used_in_lower_case(value, lower_words):
                continue  # `Reporting Bugs`: every word is also used as a common word here
            out.append(self._result(start, end, score, _evidence(value, listed)))
        return out

    def _result(self, start: int, end: int, score: float, evidence: str) -> RecognizerResult:
        return RecognizerResult(
            entity_type=self.ENTITY,
            start=start,
            end=end,
            score=score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                EVIDENCE_KEY: evidence,
            },
        )


# What, besides the model's label, kept a span: the engine adds it to the finding's reason.
EVIDENCE_KEY = "evidence"


def _evidence(value: str, listed: float) -> str:
    """What kept a span, in words, for the reason column of findings.parquet.

    `listed` is name_evidence's score for it; 0 means only a title before it kept it.
    """
    if listed >= 0.85:
        return "listed name"
    if not listed:
        return "title before it"
    if " " in value:
        return "name-like words on no name list"
    return "listed forename or uncommon surname alone"


# English titles and those of the customers' languages (`Frau`, `Hr`, `Mme`, `Sra`, `Dhr`): a
# title opens a name but stays outside its span, so `Frau Melissa Seifert` hashes as the name.
_TITLE = rf"(?:{title_alternation(CUE_TITLES)})\.?[ \t]"
# A name: capitalised words, with up to two particles before any of them (`Auke van Hengel`,
# `María de la Cruz`). A title is never the name's first word: it stays outside the span (`Dear
# Mr van Geenen` is `van Geenen`).
_NAME = (
    rf"(?!{_TITLE})(?:{_PARTICLE}[ \t]){{0,2}}(?:[{_UP}]\.[ \t]?)?[{_UP}][\w'’\-]+"
    rf"(?:[ \t](?:{_PARTICLE}[ \t]){{0,2}}(?:[{_UP}]\.|[{_UP}][\w'’\-]+)){{0,3}}"
)
# Labels of a name's parts, which only a person has (`First name:`, `Nachname:`, `Sukunimi:`):
# forms, sign-up notifications and CRM exports split the name, in every language of the
# notice's customers and staff.
_PART_LABELS = (
    "first name|last name|surname|forename|forenames|given name|given names|family name|"
    "middle name|maiden name|birth name|vorname|vornamen|nachname|familienname|geburtsname|"
    "prénom|prénoms|nom de famille|nom de naissance|nom d'usage|apellido|apellidos|"
    "primer apellido|segundo apellido|nombre de pila|sobrenome|apelido|apelidos|nome próprio|"
    "cognome|voornaam|voornamen|achternaam|familienaam|roepnaam|fornavn|efternavn|etternavn|"
    "mellemnavn|förnamn|efternamn|tilltalsnamn|etunimi|etunimet|sukunimi|imię|imiona|nazwisko|"
    "příjmení|křestní jméno|priezvisko|krstné meno|vezetéknév|keresztnév|utónév|prenume|"
    "nume de familie|prezime|priimek|vardas|pavardė|uzvārds|eesnimi|perekonnanimi|επώνυμο|"
    "фамилия|презиме"
)
# As a regex, also written as keys are (`last_name:` in YAML, `"firstName":` in JSON).
_PART_KEYS = _PART_LABELS.replace(" ", "[ _\\-]?")
_LABELS = (
    f"{_PART_KEYS}|"
    "name|full name|employee|employee name|contact|contact person|patient|applicant|candidate|"
    "tenant|landlord|signed|signature|payee|payer|beneficiary|account holder|account name|"
    "card ?holder|guarantor|next of kin|emergency contact|owner|author|prepared by|approved by|"
    "reviewed by|requested by|authori[sz]ed by|assigned to|manager|supervisor|witness|"
    "claimant|customer|client|member|guest|visitor|student|parent|guardian|driver|passenger|"
    "attn|attention|c/o|sent by|on behalf of|customer name|contact name|"
    # The same labels in the languages of the notice's customers and staff (forms, CRM exports)
    "nombre|nombre completo|nom|nom complet|nome|nome completo|nominativo|naam|volledige naam|"
    "όνομα|ονοματεπώνυμο|име|име и фамилия|"
    "navn|fulde navn|namn|nimi|imię i nazwisko|jméno|jméno a příjmení|meno|név|"
    "cliente|kunde|kundin|klant|kund|asiakas|klient|zákazník|ügyfél|"
    "ansprechpartner|kontaktperson|kontakt|contacto|contatto|contactpersoon|yhteyshenkilö|"
    "titular|titulaire|intestatario|inhaber|kontoinhaber|empfänger|destinatario|destinataire|"
    "paciente|patiënt|paziente|mitarbeiter|empleado|dipendente|medewerker|ansatt|anställd|"
    "pracownik|"
    "vertreten durch|unterzeichnet|firmado|signé|firmato|getekend"
)
# Labels that ask for a person's name, no other thing: a lone word on no list after one is a name
# the lists lack (_one_word_ok). Not a bare `Name:` (package metadata: `Name: Django`), nor a
# role a firm can hold (`Customer: Tesco`, `Account name: Barclays`).
_NAME_LABEL = re.compile(
    r"(?i)[ \t]*(?:full name|employee name|customer name|contact name|contact person|patient|"
    r"applicant|candidate|next of kin|emergency contact|nombre completo|nom complet|"
    r"nome completo|volledige naam|fulde navn|imię i nazwisko|jméno a příjmení|"
    r"ονοματεπώνυμο|име и фамилия|"
    r"ansprechpartner|kontaktperson|contactpersoon|yhteyshenkilö|paciente|patiënt|paziente|"
    rf"{_PART_KEYS})[ \t]*:"
)
# Labels written as keys of JSON, YAML or config text (`"full_name": …`, `customer-name = …`):
# only the ones that name a person. A bare `name` (`navn`, `nombre`) or `driver`, `owner`,
# `contact` key names languages, regions, packages and devices as often as people: on 1,500
# JSON and YAML files of a Python install and /usr/share, nearly every bare `"name"` value that
# looked like a name was a language or a region (`Cheyenne`, `Lower Sorbian`, `Saint Peter`).
_LABEL_KEYS = (
    (
        "full name|customer name|contact name|contact person|employee name|account holder|"
        "account name|card ?holder|customer|client|employee|patient|applicant|candidate|tenant|"
        "landlord|payee|payer|beneficiary|guarantor|next of kin|emergency contact|"
        "nombre completo|nom complet|nome completo|nominativo|volledige naam|fulde navn|"
        "imię i nazwisko|jméno a příjmení|cliente|kunde|kundin|klant|kund|asiakas|klient|"
        "zákazník|ügyfél|ansprechpartner|kontaktperson|contactpersoon|yhteyshenkilö|titular|"
        "kontoinhaber|paciente|patiënt|paziente|mitarbeiter|empleado|dipendente|medewerker|"
        "ansatt|anställd|pracownik"
    ).replace(" ", "[ _\\-]")
    + "|"
    + _PART_KEYS
)
# Keys of a name's parts: the value is a person's, listed or not (`"last_name": "Oddgeirsson"`).
_NAME_KEY = re.compile(rf"(?i)[\"']?(?:{_PART_KEYS})[\"']?[ \t]*[:=]")
# A bare `name` key (in the customers' languages too) or `contact`: a person only inside a
# record that also holds a way to reach or identify someone (CuedNameRecognizer.candidates).
_BARE_KEYS = (
    "name|full name|nombre|nom|nome|naam|navn|namn|nimi|jméno|meno|név|contact|kontakt"
).replace(" ", "[ _\\-]")
_RECORD_KEYS = re.compile(
    r"(?i:[\"']?(?:e[ _\-]?mail|e[ _\-]?post|sähköposti|phone|tel|telefon\w*|telephone|mobile?|"
    r"mobil\w*|cell\w*|matkapuhelin|address|adress\w*|adres|osoite|dirección|direccion|"
    r"indirizzo|morada|endereço|anschrift|birth\w*|dob|iban|card\w*)[\"']?[ \t]*[:=])"
)
# A title word right after a number (checked after the match: a look-behind in front of the
# title regex would make it try every position of every text).
_NUMBER_TITLE = re.compile(rf"\d[ \t]+{_TITLE}$")
# One or two capitalised words right after a span, the last read as the head of a longer name.
# A work or an event after a name is about the person (`Judi Dench, Tom Wilkinson Movie`).
_WORK_HEADS = frozenset(
    "show series tour album film movie game award awards prize cup league trophy day week "
    "month year act bill report band orchestra festival party war battle revolution".split()
)
_PLACE_HEADS = NON_NAME_HEADS - _WORK_HEADS


def _head_after(between: int) -> re.Pattern[str]:
    """Capitalised words right after a span, up to `between` of them before the last (group 1)."""
    return re.compile(
        rf"[ \t]+(?:[{_UP}][\w'’\-]*[ \t]+){{0,{between}}}([{_UP}][\w'’\-]*)(?![\w'’\-])"
    )


_HEAD_AFTER = _head_after(1)
# After `the`, a longer run may stand between the name and its head (`the Robert C. Byrd National
# Aerospace Education Center`): nobody writes `the` before a person's name, while a signature
# may follow one with a department (`Jeff Dasovich Government Affairs Office`).
_LONG_HEAD_AFTER = _head_after(3)
_THE_BEFORE = re.compile(r"\b[Tt]he[ \t]+$")
# The name, its comma and what follows are matched, not looked ahead to, so that the pattern
# scout (which drops look-arounds) passes only texts with `Name, word` in them.
_OPENING_WORD = rf"(?m:^[ \t]*)([{_UP}][a-z'’\-]+),"  # a line opening with a word and a comma
_VOCATIVE = re.compile(rf"{_OPENING_WORD}[ \t]*(?:[a-z]|\r?\n)")


def _one_word_ok(value: str, shape: str) -> bool:
    """Whether one word after a cue may be a name: a listed one, or a name after a title.

    One unlisted word after a greeting or a label is as often a thing (`Dear Fridge`,
    `Contact: Sales`, `Customer: Tesco`). After a title (`Mr`, `Dr.`, `Professor`) it is a
    surname the lists lack (`Professor Calabi`, `Dr. Nner`, `Mr Oddgeirsson`), and after a
    label that asks for a person's name (`Contact name:`, `Full name:`, `Next of kin:`) a name
    they lack (`Savita`, `Oluwaseun`: the lists hold few South Asian or African names), unless
    it is an English word (`Mr Muscle`, `Dr Pepper`, `Contact person: Reception`).
    """
    if " " in value or value.islower() or known(value):
        return True
    return shape in ("title", "name label") and not is_word(value.casefold())


# CuedNameRecognizer.PREFILTER's words (a closing's telling word: `Grüßen`, `groet`, `hilsen`)
# and, case-sensitive inside the caseless pattern, a line opening with a word and a comma.
_CUE_WORDS = (
    rf"\b(?:{title_alternation(CUE_TITLES)}|"
    r"Dear|Hi|Hello|Hey|Morning|Thanks|Thank|Cheers|regards|"
    r"best|sincerely|yours|love|rgds|br|saludos?|atentamente|cordial\w*|vous|salutations|"
    r"gr[üu](?:ß|ss)e\w*|groet\w*|salut[io]|atenciosamente|cumprimentos|hilsen|hälsningar|"
    r"mvh|terveisin|pozdrawiam|poważaniem|pozdravem|üdvözlettel|stimă|εκτίμηση)\b"
)
_LINE_OPENS_WITH_WORD = rf"(?-i:{_OPENING_WORD})"
_KEY_SHAPES = frozenset({"key", "record key"})
_RECORD_WINDOW = 300  # characters either side: one JSON record, one config block


def _keyed_name(keys: str) -> str:
    """A name as the quoted value of one of `keys` (`"cliente": "Rosabel Angelini"`, group 1)."""
    return (
        rf"(?i:(?<![\w\-])[\"']?(?:{keys})[\"']?[ \t]*[:=][ \t]*[\"'](?:{_TITLE})?)"
        rf"({_NAME})(?=[\"'])"
    )


_SIGN_OFF = (
    "thanks|thank you|many thanks|regards|kind regards|best regards|warm regards|best wishes|"
    "best|cheers|sincerely|yours sincerely|yours faithfully|yours truly|yours|love|rgds|br|"
    # Closings of letters and mail in the languages of the notice's customers and staff
    "saludos|un saludo|saludos cordiales|atentamente|cordialmente|cordialement|bien à vous|"
    "bien cordialement|salutations|sincères salutations|mit freundlichen grüßen|"
    "mit freundlichen grüssen|freundliche grüße|viele grüße|beste grüße|liebe grüße|"
    "met vriendelijke groet|met vriendelijke groeten|vriendelijke groet|groeten|hartelijke groet|"
    "cordiali saluti|distinti saluti|saluti|un saluto|atenciosamente|cumprimentos|"
    "melhores cumprimentos|med venlig hilsen|venlig hilsen|med vänliga hälsningar|"
    "vänliga hälsningar|hälsningar|mvh|med vennlig hilsen|vennlig hilsen|"
    "ystävällisin terveisin|terveisin|pozdrawiam|z poważaniem|s pozdravem|"
    "s přátelským pozdravem|üdvözlettel|cu stimă|με εκτίμηση"
)
_SIGN_OFFS = frozenset(_SIGN_OFF.split("|"))


class CuedNameRecognizer(ShapeRecognizer):
    """Names after a title, a greeting, a label or a sign-off, where the model may miss them."""

    ENTITY = "PERSON"
    SHAPES = (
        # Not after a number (candidates()): `24 Hr Network Radio` is hours.
        Shape("title", rf"\b{_TITLE}({_NAME})", 0.85, group=1),
        Shape(
            "dear",
            rf"\b(?:Dear|Hi|Hello|Hey|Morning|Thanks|Thank you|Cheers)[ \t,]+(?:{_TITLE})?"
            rf"({_NAME})(?=[ \t]*(?:[,\n!:]|$))",
            0.85,
            group=1,
        ),
        # Mail written in lower case: `hi vince,`, `thanks, sally` (checked against the lists).
        Shape(
            "greeting",
            r"(?i:\b(?:dear|hi|hello|hey|thanks|thank you|cheers)[ \t,]+)([a-z][a-z'’\-]+)"
            r"(?=[ \t]*(?:[,\n!]|$))",
            0.6,
            group=1,
        ),
        # Chat and meeting transcripts: `[09:14] Karl Townsend: morning`
        Shape(
            "speaker",
            rf"(?m:^[ \t]*\[?\d{{1,2}}:\d{{2}}(?::\d{{2}})?\]?[ \t]+)({_NAME})(?=:)",
            0.85,
            group=1,
        ),
        Shape(
            "label",
            rf"(?im:^[ \t]*(?:{_LABELS})[ \t]*:[ \t]*(?:{_TITLE})?)({_NAME})"
            rf"(?=[ \t]*(?:$|\n|,|\(|<|\[| - | \|))",
            0.85,
            group=1,
        ),
        # The same labels as keys of JSON, YAML or config text: `"cliente": "Rosabel Angelini"`.
        Shape("key", _keyed_name(_LABEL_KEYS), 0.85, group=1),
        # A bare `name` key: only inside a person's record (candidates()).
        Shape("record key", _keyed_name(_BARE_KEYS), 0.85, group=1),
        # Addressing someone: a listed forename opening a line, then a comma and the message
        # (`Dennis, please add these`, `Kenny, you need to`); candidates() checks the lists.
        Shape("vocative", _VOCATIVE.pattern, 0.85, group=1),
        # A signature: the name alone on its line after `Thanks,` / `Kind regards`.
        Shape(
            "sign-off",
            rf"(?im:^[ \t]*(?:{_SIGN_OFF})[ \t]*[,.!]?[ \t]*\n(?:[ \t]*\n)?[ \t]*)({_NAME})"
            r"(?=[ \t]*(?:$|\n))",
            0.85,
            group=1,
        ),
    )
    DAMPING = ()
    BOOST = 0.0
    # A word every cue holds, the `:` of a label (every key shape has `:` or `=` too), or a
    # line opening with a word and a comma (a vocative).
    FROM_SHAPES = True  # candidates() drops some of the shapes' matches, adds none
    PREFILTER = re.compile(rf"{_CUE_WORDS}|:|=|{_LINE_OPENS_WITH_WORD}", re.IGNORECASE)

    def candidates(self, text: str) -> Iterator[tuple[int, int, float, str]]:
        """The shapes' matches, with each shape's own condition.

        A key shape runs only on text with a quote and a `:` or `=` (JSON, YAML, config); a
        bare `name` key counts only beside a contact or address key (`{"name": "Cheyenne",
        "code": "chy"}` in a language table is no person; `{"name": "Hawarth Halberg",
        "e_mail": …}` in a customer export is one); a title right after a number is none.
        """
        keyed = ("=" in text or ":" in text) and ('"' in text or "'" in text)
        for spec, rx in self._shapes:
            if spec.name in _KEY_SHAPES and not keyed:
                continue
            for m in rx.finditer(text):
                start, end = m.start(spec.group), m.end(spec.group)
                if spec.name == "record key" and not _RECORD_KEYS.search(
                    text, max(0, start - _RECORD_WINDOW), end + _RECORD_WINDOW
                ):
                    continue
                if spec.name == "title" and _NUMBER_TITLE.search(text, max(0, start - 12), start):
                    continue  # `24 Hr Network Radio`: hours, not a title
                if spec.name == "vocative" and not lone_forename(m[1]):
                    continue  # `However, we`, `Paris, where`, `Grace, faith`: no forename
                shape = spec.name
                if (shape == "label" and _NAME_LABEL.match(m[0])) or (
                    shape == "key" and _NAME_KEY.match(m[0])
                ):
                    shape = "name label"
                if not _one_word_ok(text[start:end], shape):
                    continue
                yield start, end, spec.score, spec.name

    def prefilter(self, text: str, known: Traits | None) -> bool:
        """PREFILTER's answer, found on the lower-cased text by a case-sensitive twin.

        The same alternation with IGNORECASE tried every position five times slower (about
        a tenth of the worker time this recognizer took on the ordinary documents).
        """
        return (
            ":" in text
            or "=" in text
            or bool(_CUES_LOWER.search(text.lower()))
            or ("," in text and _OPENS_WITH_WORD.search(text) is not None)
        )

    def validate(self, value: str) -> bool:
        """The shape filter; a lower-case word only when it is a listed forename."""
        if value.islower():
            return is_forename(value)
        words = value.casefold().split()
        return plausible_name(value) and not any(w in GROUP_WORDS for w in words)

    def adjust(self, text: str, start: int, end: int, score: float) -> float:
        """Company evidence drops the span."""
        return 0.0 if looks_like_company(text, start, end) else score


# CuedNameRecognizer.PREFILTER's words, lower case, case-sensitive (CuedNameRecognizer.prefilter).
_CUES_LOWER = re.compile(_CUE_WORDS.lower())
_OPENS_WITH_WORD = re.compile(_LINE_OPENS_WITH_WORD)

# A line that may be an addressee: an optional title, then two to four name words (initials
# and lower-case particles allowed), nothing else on the line.
_ADDRESSEE = re.compile(
    rf"[ \t]*({_TITLE}[ \t]*)?((?!{_TITLE})(?:(?:[{_UP}]\.){{1,2}}[ \t]*|[{_UP}][ \t]+)?"
    rf"[{_UP}][\w'’\-]+"
    rf"(?:[ \t]+(?:{_PARTICLE}[ \t]+){{0,2}}(?:[{_UP}]\.|[{_UP}][\w'’\-]+)){{0,3}})[ \t,]*"
)


# House names open many UK address blocks (`Rose Cottage`, `Hill Farm`, `The Old Rectory`):
# a line above a street that ends in one of these, or in a place word, names the house.
_HOUSE_WORDS = frozenset(
    "cottage cottages farm farmhouse lodge barn villa manor grange view croft bungalow rectory "
    "vicarage mews chambers buildings works estate nurseries stables orchard hollow rise ridge "
    "end green oaks pines firs lea meadow meadows paddock retreat haven barns mansion".split()
)


def addressee(line: str) -> tuple[int, int] | None:
    """The name on a line written above a postal address, as (start, end) in the line, or None.

    A letter, an envelope window, a delivery note or a signature block puts the person's name
    on the line right above their street (`Fee van Dunnewoldt` / `Noorderstraat 705, Heusden`):
    the address block is the cue, as a label would be, for names on no list. A company or a
    department there (`Harrison Ltd`, `Customer Services`) is not taken: company evidence, or
    every word an English dictionary word, rules the line out.
    """
    m = _ADDRESSEE.fullmatch(line)
    if m is None:
        return None
    value = m.group(2)
    if len(value.split()) < 2 and not m.group(1):
        return None  # one word above a street is a house, a company or a town as often
    words = [w for w in value.split() if w.casefold() not in PARTICLES]
    if not plausible_name(value) or any(w in GROUP_WORDS for w in value.casefold().split()):
        return None
    if words[-1].casefold() in _HOUSE_WORDS or words[-1].casefold() in NON_NAME_HEADS:
        return None  # `Rose Cottage`, `Amanda House`: the house, not its owner
    if all(is_word(w) and not is_forename(w) for w in words):
        return None
    if looks_like_company(line, m.start(2), m.end(2)):
        return None
    return m.start(2), m.end(2)


def addressees(text: str, found: list[RecognizerResult]) -> list[RecognizerResult]:
    """PERSON results for addressee lines right above an ADDRESS result in the same text."""
    people = [(r.start, r.end) for r in found if r.entity_type == "PERSON"]
    out: list[RecognizerResult] = []
    for r in found:
        if r.entity_type != "ADDRESS":
            continue
        line_start = text.rfind("\n", 0, r.start) + 1
        if text[line_start : r.start].strip() or line_start == 0:
            continue  # the address does not open its line, or no line above it
        above = text.rfind("\n", 0, line_start - 1) + 1
        span = addressee(text[above : line_start - 1])
        if span is None:
            continue
        higher = text.rfind("\n", 0, max(0, above - 1)) + 1
        if above and any(higher <= a < above - 1 for a, _ in people):
            continue  # a signature: the person's line, then the company's above the street
        start, end = above + span[0], above + span[1]
        if any(a < end and start < b for a, b in people):
            continue
        people.append((start, end))
        out.append(addressee_result(start, end))
    return out


def addressee_result(start: int, end: int) -> RecognizerResult:
    """A PERSON result found by the address below it (its reason says so)."""
    return RecognizerResult(
        "PERSON",
        start,
        end,
        0.85,
        recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: "AddresseeLine",
            REASON_KEY: "AddresseeLine: name line above a postal address",
        },
    )
