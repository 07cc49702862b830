"""Bank and billing identifiers: IBAN, UK sort code, UK bank account number, VAT number.

IBAN and VAT carry checksums (ISO 13616 mod 97; national VAT check digits via python-stdnum).
An IBAN whose check digits are right but whose country or length the registry python-stdnum
ships does not know (a country that joined the IBAN scheme since, a national format that
changed, an export that padded or cut the account part) is still someone's bank account:
reported at a lower score that only an account cue lifts over the threshold.
A sort code or an 8-digit account number has no public checksum, so both need context: a
`sort code`/`account` cue, a column header, or (for an account) a sort code just before it;
an 8-digit date (`20200704`) is an account only after a sort code or under an account header.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers
from stdnum import iban as std_iban
from stdnum.eu import vat as eu_vat
from stdnum.gb import vat as gb_vat
from stdnum.iso7064 import mod_97_10

from detectors.pattern import Shape, ShapeRecognizer, date_shaped, has_word
from detectors.prefilter import count_digits

_IBAN = r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])"


# Check digits 00, 01 and 99 are never issued (ISO 13616); they also pass mod 97 too easily.
_CHECK_DIGITS = range(2, 99)


def unregistered_iban(value: str) -> bool:
    """Right check digits on a country code, though the registry rejects the country or length.

    A country code of ISO 3166 (the regions libphonenumber knows), 15 to 34 characters (the
    scheme's bounds), check digits 02-98 and the mod-97 check: a random code of that shape
    passes one time in 97, so the caller still asks for an account cue.
    """
    compact = value.replace(" ", "")
    if not 15 <= len(compact) <= 34 or compact[:2] not in phonenumbers.SUPPORTED_REGIONS:
        return False
    if int(compact[2:4]) not in _CHECK_DIGITS:
        return False
    return bool(mod_97_10.is_valid(compact[4:] + compact[:4]))


def _prefixes(value: str, by_char: bool) -> Iterator[str]:
    """The value, then its shorter prefixes down to 15 characters (the shortest IBAN).

    Each is cut at the last space; one without a space is cut by one character when `by_char`,
    and ends the list otherwise.
    """
    while len(value) >= 15:
        yield value
        cut = value.rfind(" ")
        if cut > 0:
            value = value[:cut]
        elif by_char:
            value = value[:-1]
        else:
            return


class IbanCodeRecognizer(ShapeRecognizer):
    """IBAN, printed (groups of four) or electronic; the mod-97 check makes it near-certain."""

    ENTITY = "IBAN_CODE"
    SHAPES = (Shape("iban", _IBAN, 0.9),)
    # The registry-unknown reading (unregistered_iban) scores 0.45: kept only with a cue.
    UNREGISTERED = 0.45
    CONTEXT = (
        "iban",
        "bank",
        "account",
        "payment",
        "transfer",
        # Account labels of the languages the notice's customers write (`Cuenta`, `RIB`)
        "cuenta",
        "conta",
        "konto",
        "konta",
        "rekening",
        "tilinumero",
        "rib",
        "nib",
        "bankverbindung",
    )
    BOOST = 0.1
    DAMP = 0.2
    CHECK = "mod-97"
    FROM_SHAPES = True  # candidates() cuts the shape's matches, adds none
    PREFILTER = re.compile(r"[A-Z]{2}\d{2}")

    def candidates(self, text: str) -> Iterator[tuple[int, int, float, str]]:
        """Yield the longest prefix (in whole groups) that is a valid IBAN.

        A printed IBAN is often followed by another capitalised group (`GB82 WEST … 32 BIC`)
        that the regex swallows.
        """
        for start, end, score, shape in super().candidates(text):
            value = text[start:end]
            registered = next((v for v in _prefixes(value, True) if std_iban.is_valid(v)), None)
            if registered:
                yield start, start + len(registered), score, shape
                continue
            # No prefix is a registered IBAN: the whole value, or its grouped part (`… 32
            # BIC`), may still carry right check digits.
            other = next((v for v in _prefixes(value, False) if unregistered_iban(v)), None)
            if other:
                yield start, start + len(other), self.UNREGISTERED, "unregistered iban"

    def check_note(self, shape: str) -> str:
        """Say when only the check digits held (the registry knows no such country or length)."""
        if shape == "unregistered iban":
            return "mod-97 ok, country or length not in the IBAN registry"
        return super().check_note(shape)

    def validate(self, value: str) -> bool:
        """ISO 13616 country length and mod-97 (python-stdnum), or the check digits alone."""
        return bool(std_iban.is_valid(value)) or unregistered_iban(value)


class SortCodeRecognizer(ShapeRecognizer):
    """UK sort code `12-34-56`: the same shape as a date `12-03-85`, so context decides."""

    ENTITY = "UK_SORT_CODE"
    SHAPES = (
        Shape("dashed", r"(?<![\d\-/.])\d{2}-\d{2}-\d{2}(?![\d\-/]|\.\d)", 0.3),
        Shape("spaced", r"(?<![\d\-/.])(?<!\d )\d{2} \d{2} \d{2}(?![\d\-/]|\.\d| \d)", 0.1),
    )
    CONTEXT = ("sort code", "sortcode", "sort", "bank", "branch code")
    BOOST = 0.55
    BEFORE = 40


# A sort code as context: not the tail of an ISO date (`2009-12-09` holds `09-12-09`).
_SORT = r"(?<![\d\-/.])\d{2}-\d{2}-\d{2}(?![\d\-/])"
_SORT_ANY = re.compile(_SORT)


class UkBankAccountRecognizer(ShapeRecognizer):
    """UK account number: 8 digits with an `account` cue, or right after a sort code."""

    ENTITY = "UK_BANK_ACCOUNT"
    SHAPES = (Shape("account", r"(?<![\w\-/.])\d{8}(?![\w\-/]|\.\w)", 0.15),)
    CONTEXT = ("account number", "account no", "acc no", "acct", "bank account", "account")
    BOOST = 0.65
    BEFORE = 40
    ADJUST_NOTE = "sort code just before"
    _SORT_BEFORE = re.compile(_SORT + r"\D{1,30}$")

    def _context_anywhere(self, text: str, header: str) -> bool:
        """Count a sort code anywhere as context for the skip test (see adjust)."""
        return super()._context_anywhere(text, header) or bool(_SORT_ANY.search(text))

    def adjust(self, text: str, start: int, end: int, score: float) -> float:
        """Score 0.8 when a sort code stands up to 30 characters before the number.

        Without one, a number that is a date (`Xiph.Org libVorbis I 20200704`, `used in
        20141220 to account for`) is dropped, unless an account column's header says what it
        is: a table's sort code stands in another cell.
        """
        if self._SORT_BEFORE.search(text[max(0, start - 40) : start]):
            return max(score, 0.8)
        if date_shaped(text[start:end]) and not has_word(self._header, self._context):
            return 0.0
        return score


_EU = "AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK"


class VatRecognizer(ShapeRecognizer):
    """VAT registration numbers: GB/XI (9 or 12 digits) and EU member states.

    Validated with python-stdnum's national check digits (GB: mod 97 or 9755). A bare 9-digit
    number needs a `VAT` cue.
    """

    ENTITY = "VAT_NUMBER"
    SHAPES = (
        Shape(
            "gb",
            r"(?<![A-Za-z0-9])(?:GB|XI) ?\d{3} ?\d{4} ?\d{2}(?: ?\d{3})?(?![A-Za-z0-9])",
            0.65,
        ),
        # Austria's start with U, Spain's and Cyprus's may hold letters; printed in groups.
        Shape(
            "eu",
            rf"(?<![A-Za-z0-9])(?:{_EU}) ?[0-9A-Z](?:[ .]?[0-9A-Z+*]){{7,11}}(?![A-Za-z0-9])",
            0.6,
        ),
        Shape("bare", r"(?<![\w\-/.])\d{3} ?\d{4} ?\d{2}(?![\w\-/]|\.\w| ?\d)", 0.15),
    )
    CONTEXT = ("vat", "tva", "ust", "btw", "iva", "mwst", "tax registration")
    BOOST = 0.6
    BEFORE = 40
    CHECK = "national check digits"
    # The EU shape admits letters, but no member state's number has fewer digits than
    # Ireland's old layout (`1X23456T`: six); validate() holds every match to it, so texts
    # with fewer digits are skipped outright.
    MIN_DIGITS = 6

    def validate(self, value: str) -> bool:
        """National check digits; GB left the EU module, so GB/XI and bare go to stdnum.gb."""
        if count_digits(value) < self.MIN_DIGITS:
            return False
        v = value.replace(" ", "").replace(".", "")
        if v[:2] in ("GB", "XI") or v.isdigit():
            return bool(gb_vat.is_valid(v[2:] if not v.isdigit() else v))
        return bool(eu_vat.is_valid(v))
