"""National identity and tax numbers of EU states (Nordic ones: detectors/nordic_ids.py).

Every number is validated with python-stdnum (check digits and embedded dates). How telling a
shape is on its own decides its score: a codice fiscale (16 characters in a fixed letter/digit
layout with a check letter) or a NIR (15 digits, sex digit, month, mod-97 key) is reported
alone; a bare run of 9 or 11 digits with a checksum (BSN, PESEL, Steuer-ID) passes by chance one
time in ten or eleven, so it needs its cue (`BSN`, `PESEL`, `Steuer-ID`, or a column header).
Formats: BZSt (IdNr, ISO 7064 mod 11,10), INSEE (NIR, key = 97 - n mod 97), Ministerio del
Interior (DNI/NIE letter, mod 23), Agenzia delle Entrate (codice fiscale), Rijksoverheid (BSN,
elfproef), Revenue (PPS, weighted mod 23), MSWiA (PESEL, weighted mod 10), BOSA (Belgian
national number, mod 97 with the 2000s rule).
"""

from __future__ import annotations

import re

from stdnum.be import nn as be_nn
from stdnum.de import idnr as de_idnr
from stdnum.es import dni as es_dni
from stdnum.es import nie as es_nie
from stdnum.fr import nir as fr_nir
from stdnum.ie import pps as ie_pps
from stdnum.it import codicefiscale as it_cf
from stdnum.nl import bsn as nl_bsn
from stdnum.pl import pesel as pl_pesel

from detectors.pattern import Shape, ShapeRecognizer

# Generic labels of a national identity number, in English; every recognizer below takes them
# as context (`ID number: 91040978400` passes as a PESEL only if its checksum and date hold).
GENERIC_ID_CUES = (
    "national id",
    "national identity",
    "national identification",
    "nationalid",
    "id number",
    "id no",
    "identity number",
    "identification number",
    "personal id",
    "personal number",
    "personal identity",
    "citizen id",
)
# A number must not be glued to letters, digits or joining punctuation (`PN-12345678901`).
_L = r"(?<![\w\-/.])"
_R = r"(?![\w\-/]|\.\w)"


class SteuerIdRecognizer(ShapeRecognizer):
    """German tax identification number (IdNr, Steuer-ID): 11 digits, no leading zero."""

    ENTITY = "DE_TAX_ID"
    SHAPES = (
        Shape("grouped", rf"{_L}[1-9]\d ?\d{{3}} ?\d{{3}} ?\d{{3}}{_R}", 0.3),
        Shape("slashed", rf"{_L}[1-9]\d/\d{{3}}/\d{{3}}/\d{{3}}{_R}", 0.3),
    )
    CONTEXT = (
        "steuer id",
        "steuerid",
        "steuer idnr",
        "steueridentifikationsnummer",
        "identifikationsnummer",
        "idnr",
        "id nr",
        "steuernummer",
        "tax id",
        "tax identification",
        "tin",
    ) + GENERIC_ID_CUES
    BOOST = 0.5
    BEFORE = 48
    CHECK = "ISO 7064 mod 11,10 and digit rule"
    PREFILTER = re.compile(r"[1-9]\d[ /]?\d{3}[ /]?\d{3}[ /]?\d{3}")

    def validate(self, value: str) -> bool:
        """Check digit and the rule that one digit repeats in the first ten (stdnum)."""
        return bool(de_idnr.is_valid(value.replace("/", "")))


class NirRecognizer(ShapeRecognizer):
    """French social security number (NIR, numéro de sécurité sociale) with its 2-digit key."""

    ENTITY = "FR_NIR"
    SHAPES = (
        Shape(
            "spaced",
            rf"{_L}[12378] \d{{2}} \d{{2}} (?:\d{{2}}|2[AB]) ?\d{{3}} \d{{3}}"
            rf"(?: |, | - )\d{{2}}{_R}",
            0.75,
        ),
        Shape("tight", rf"{_L}[12378]\d{{4}}(?:\d{{2}}|2[AB])\d{{8}}{_R}", 0.55),
    )
    CONTEXT = (
        "sécurité sociale",
        "securite sociale",
        "sécu",
        "secu",
        "nir",
        "insee",
        "carte vitale",
        "social security",
        "n ss",
        "numéro ss",
    ) + GENERIC_ID_CUES
    BOOST = 0.3
    CHECK = "mod-97 key"
    PREFILTER = re.compile(r"[12378] ?\d{2} ?\d{2}")

    def validate(self, value: str) -> bool:
        """The key is 97 - (13 digits mod 97), Corsica 2A/2B as 19/18; month 01-12 or 20+."""
        v = re.sub(r"[ ,\-]", "", value)
        month = int(v[3:5])
        return (1 <= month <= 12 or month >= 20) and bool(fr_nir.is_valid(v))


class SpanishDniRecognizer(ShapeRecognizer):
    """Spanish DNI (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter), the personal NIF."""

    ENTITY = "ES_NIF"
    SHAPES = (
        Shape("dni", rf"{_L}\d{{8}}[ \-]?[A-HJ-NP-TV-Z]{_R}", 0.55),
        Shape("dni_dotted", rf"{_L}\d{{2}}\.\d{{3}}\.\d{{3}}[ \-]?[A-HJ-NP-TV-Z]{_R}", 0.6),
        Shape("nie", rf"{_L}[XYZ][ \-]?\d{{7}}[ \-]?[A-HJ-NP-TV-Z]{_R}", 0.65),
    )
    CONTEXT = (
        "dni",
        "nie",
        "nif",
        "documento nacional",
        "identidad",
        "extranjero",
        "identificación",
        "identificacion",
        "id number",
    ) + GENERIC_ID_CUES
    BOOST = 0.3
    CHECK = "mod-23 letter"
    PREFILTER = re.compile(r"\d{7}[ \-]?[A-Z]|\d{3}\.\d{3}")

    def validate(self, value: str) -> bool:
        """The letter is TRWAGMYFPDXBNJZSQVHLCKE[number mod 23] (X/Y/Z count as 0/1/2)."""
        v = re.sub(r"[ .\-]", "", value)
        return bool(es_nie.is_valid(v) if v[0] in "XYZ" else es_dni.is_valid(v))


class CodiceFiscaleRecognizer(ShapeRecognizer):
    """Italian codice fiscale of a person: 16 characters with a check letter.

    Digits of the date and town code may be replaced by letters (omocodia), so each digit
    position also accepts L-V.
    """

    ENTITY = "IT_FISCAL_CODE"
    _D = "[0-9LMNP-V]"
    SHAPES = (
        Shape(
            "cf",
            rf"(?<![A-Za-z0-9])[A-Z]{{6}}{_D}{{2}}[ABCDEHLMPRST]{_D}{{2}}[A-Z]{_D}{{3}}[A-Z]"
            r"(?![A-Za-z0-9])",
            0.85,
        ),
    )
    CONTEXT = (
        "codice fiscale",
        "cod fisc",
        "c f",
        "cf",
        "fiscal code",
        "tax code",
    ) + GENERIC_ID_CUES
    BOOST = 0.15
    CHECK = "check letter and birth date"
    PREFILTER = re.compile(r"[A-Z]{6}[0-9LMNP-V]{2}[A-Z]")

    def validate(self, value: str) -> bool:
        """Check letter over the 15 characters and a real birth date (stdnum)."""
        return bool(it_cf.is_valid(value))


class BsnRecognizer(ShapeRecognizer):
    """Dutch citizen service number (BSN): 9 digits passing the elfproef (mod 11)."""

    ENTITY = "NL_BSN"
    SHAPES = (
        Shape("bsn", rf"{_L}\d{{9}}{_R}", 0.2),
        Shape("dotted", rf"{_L}\d{{4}}\.\d{{2}}\.\d{{3}}{_R}", 0.25),
        Shape("spaced", rf"{_L}\d{{3}} \d{{3}} \d{{3}}{_R}", 0.2),
    )
    CONTEXT = (
        "bsn",
        "burgerservicenummer",
        "burger service nummer",
        "sofinummer",
        "sofi nummer",
        "citizen service number",
    ) + GENERIC_ID_CUES
    BOOST = 0.6
    BEFORE = 48
    CHECK = "elfproef (mod 11)"
    PREFILTER = re.compile(r"\d{3}[ .]?\d{2}")

    def validate(self, value: str) -> bool:
        """Weights 9..2 and -1 over the digits sum to a multiple of 11 (stdnum)."""
        return bool(nl_bsn.is_valid(re.sub(r"[ .]", "", value)))


class PpsRecognizer(ShapeRecognizer):
    """Irish Personal Public Service number: 7 digits, a check letter, an optional letter."""

    ENTITY = "IE_PPS"
    SHAPES = (Shape("pps", r"(?<![\w\-/.])\d{7} ?[A-W][ABHWTX]?(?![\w\-/])", 0.4),)
    CONTEXT = (
        "pps",
        "ppsn",
        "personal public service",
        "public service number",
        "revenue",
        "social welfare",
    ) + GENERIC_ID_CUES
    BOOST = 0.45
    CHECK = "mod-23 check letter"
    PREFILTER = re.compile(r"\d{7} ?[A-W]")

    def validate(self, value: str) -> bool:
        """Weighted sum mod 23 gives the check letter (stdnum)."""
        return bool(ie_pps.is_valid(value.replace(" ", "")))


class PeselRecognizer(ShapeRecognizer):
    """Polish PESEL: 11 digits starting with the birth date, weighted mod-10 check digit."""

    ENTITY = "PL_PESEL"
    SHAPES = (Shape("pesel", rf"{_L}\d{{11}}{_R}", 0.3),)
    CONTEXT = ("pesel", "numer ewidencyjny", "nr ewid") + GENERIC_ID_CUES
    BOOST = 0.5
    BEFORE = 48
    CHECK = "weighted mod 10 and birth date"
    PREFILTER = re.compile(r"\d{11}")

    def validate(self, value: str) -> bool:
        """Check digit and an encoded date that exists (stdnum)."""
        return bool(pl_pesel.is_valid(value))


class BelgianNationalNumberRecognizer(ShapeRecognizer):
    """Belgian national register number (rijksregisternummer / numéro national).

    YY.MM.DD-SSS.CC: birth date, serial, mod-97 check (with a leading 2 for births from 2000).
    The printed dotted form is telling; eleven bare digits need a cue.
    """

    ENTITY = "BE_NATIONAL_NUMBER"
    SHAPES = (
        Shape("dotted", rf"{_L}\d{{2}}\.\d{{2}}\.\d{{2}}[\- ]\d{{3}}\.\d{{2}}{_R}", 0.7),
        Shape("bare", rf"{_L}\d{{11}}{_R}", 0.3),
        Shape("dashed", rf"{_L}\d{{6}}[\- ]\d{{3}}[\- ]\d{{2}}{_R}", 0.4),
    )
    CONTEXT = (
        "rijksregisternummer",
        "rijksregister",
        "numéro national",
        "numero national",
        "registre national",
        "national number",
        "national register",
        "insz",
        "niss",
        "rrn",
        "nn",
    ) + GENERIC_ID_CUES
    BOOST = 0.45
    BEFORE = 48
    CHECK = "mod-97 and birth date"
    PREFILTER = re.compile(r"\d{2}\.\d{2}\.\d{2}|\d{6}[\- ]?\d{3}")

    def validate(self, value: str) -> bool:
        """Check digits over the first nine digits (or 2 + them) and a real date (stdnum)."""
        return bool(be_nn.is_valid(re.sub(r"[ .\-]", "", value)))
