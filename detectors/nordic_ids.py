"""Nordic personal identity numbers: SE personnummer, DK CPR, FI HETU, NO fødselsnummer.

All start with the birth date, so python-stdnum checks the date as well as the check digits.

Sweden (Skatteverket): YYMMDD-NNNC, `+` instead of `-` from the 100th birthday, the 12-digit
YYYYMMDD-NNNC form in systems; Luhn over the ten digits. Denmark (CPR-kontoret): DDMMYY-SSSS;
the mod-11 check was dropped in 2007, so only the date holds, and it needs a `CPR` cue.
Finland (DVV): DDMMYY, a century sign (`+`, `-`/`Y`-`U`, `A`-`F`), three digits, a check
character mod 31: telling on its own. Norway (Skatteetaten): DDMMYY + five digits with two
mod-11 check digits.
"""

from __future__ import annotations

import re

from stdnum.dk import cpr as dk_cpr
from stdnum.fi import hetu as fi_hetu
from stdnum.no import fodselsnummer as no_fnr
from stdnum.se import personnummer as se_pnr

from detectors.eu_ids import GENERIC_ID_CUES
from detectors.pattern import Shape, ShapeRecognizer

_L = r"(?<![\w\-/.+])"
_R = r"(?![\w\-/+]|\.\w)"


class PersonnummerRecognizer(ShapeRecognizer):
    """Swedish personnummer (and samordningsnummer: day + 60)."""

    ENTITY = "SE_PERSONNUMMER"
    SHAPES = (
        Shape("long", rf"{_L}(?:19|20)\d{{6}}[\-+]?\d{{4}}{_R}", 0.6),
        Shape("dashed", rf"{_L}\d{{6}}[\-+]\d{{4}}{_R}", 0.45),
        Shape("bare", rf"{_L}\d{{10}}{_R}", 0.15),
    )
    CONTEXT = (
        "personnummer",
        "personnr",
        "person nr",
        "pnr",
        "samordningsnummer",
        "personal identity number",
        "swedish id",
    ) + GENERIC_ID_CUES
    BOOST = 0.4
    CHECK = "Luhn and birth date"
    PREFILTER = re.compile(r"\d{6}[\-+]?\d{4}")

    def validate(self, value: str) -> bool:
        """Luhn over the last ten digits and a real (or coordination) date (stdnum)."""
        return bool(se_pnr.is_valid(value))


class CprRecognizer(ShapeRecognizer):
    """Danish CPR number: DDMMYY-SSSS. No check digit since 2007, so a cue decides."""

    ENTITY = "DK_CPR"
    SHAPES = (
        Shape("dashed", rf"{_L}\d{{6}}-\d{{4}}{_R}", 0.3),
        Shape("bare", rf"{_L}\d{{10}}{_R}", 0.1),
    )
    CONTEXT = (
        "cpr",
        "cpr nr",
        "cpr nummer",
        "personnummer",
        "personnr",
        "civil registration",
    ) + GENERIC_ID_CUES
    BOOST = 0.45
    CHECK = "birth date"
    PREFILTER = re.compile(r"\d{6}-?\d{4}")

    def validate(self, value: str) -> bool:
        """A real birth date with the century the 7th digit implies, not in the future."""
        return bool(dk_cpr.is_valid(value))


class HetuRecognizer(ShapeRecognizer):
    """Finnish personal identity code (henkilötunnus, HETU)."""

    ENTITY = "FI_HETU"
    SHAPES = (
        Shape(
            "hetu",
            r"(?<![\w\-/.+])\d{6}[+\-A-FU-Y]\d{3}[0-9A-FHJ-NPR-Y](?![\w\-/+])",
            0.75,
        ),
    )
    CONTEXT = (
        "henkilötunnus",
        "henkilotunnus",
        "hetu",
        "sotu",
        "personal identity code",
        "personbeteckning",
    ) + GENERIC_ID_CUES
    BOOST = 0.2
    CHECK = "mod-31 check character and birth date"
    PREFILTER = re.compile(r"\d{6}[+\-A-FU-Y]\d{3}")

    def validate(self, value: str) -> bool:
        """Check character over DDMMYYZZZ mod 31, a real date, individual number 002-899."""
        return bool(fi_hetu.is_valid(value))


class FodselsnummerRecognizer(ShapeRecognizer):
    """Norwegian national identity number (fødselsnummer / D-nummer): 11 digits."""

    ENTITY = "NO_FODSELSNUMMER"
    SHAPES = (
        Shape("bare", rf"{_L}\d{{11}}{_R}", 0.3),
        Shape("spaced", rf"{_L}\d{{6}} \d{{5}}{_R}", 0.35),
    )
    CONTEXT = (
        "fødselsnummer",
        "fodselsnummer",
        "personnummer",
        "d nummer",
        "fnr",
    ) + GENERIC_ID_CUES
    BOOST = 0.45
    CHECK = "two mod-11 check digits and birth date"
    PREFILTER = re.compile(r"\d{6} ?\d{5}")

    def validate(self, value: str) -> bool:
        """Both check digits and a real birth date (stdnum)."""
        return bool(no_fnr.is_valid(value.replace(" ", "")))
