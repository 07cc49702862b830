"""The person a data-subject request is about: the values given, checked, as the hashes to find.

A scan stores an HMAC of every value it finds, normalised by scanner.privacy.normalise(). Asking
"where is this person?" is the same computation on the values the compliance officer types, with
the scan's key: `Redactor.hash()` here, the very function the workers call, so a value matches
exactly when the scanner would have stored the same hash for it.

Each value is checked first the way the detector checks what it finds (an e-mail's shape, a
NINO's prefix rules, an IBAN's mod-97, a postcode's PAF rules, a real calendar date): a value the
scanner could never have recorded is a typo, and a typo must fail loudly rather than match
nothing. The raw values live only in this process's memory; what is shown or written is masked.

Names are written many ways. Folding (case, diacritics, titles, dots) is normalisation's job; the
word orders are this module's: `Forename Surname`, `Surname, Forename` and `F. Surname` are each
hashed and looked for. A name is common, so it alone never makes a match strong, and `F. Surname`
does not count towards strength at all (`J. Smith` could be Jane or John). The forename and the
surname are also looked for alone, but reported only where the two stand side by side in one
location: that is how `Smith, John` in a header list arrives when the model tags the two words as
two names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import phonenumbers

from detectors.address import postcode_ok
from detectors.banking import IbanCodeRecognizer
from detectors.contact import EmailAddressRecognizer
from detectors.pattern import ShapeRecognizer
from detectors.uk_ids import NinoRecognizer
from scanner.errors import InputError
from scanner.privacy import HOME_REGION, Redactor, mask, normalise_name

# Option -> the entity type whose normalisation the scanner applied to such a value.
OPTIONS: dict[str, str] = {
    "name": "PERSON",
    "email": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER",
    "nino": "UK_NINO",
    "dob": "DATE_OF_BIRTH",
    "iban": "IBAN_CODE",
    "postcode": "UK_POSTCODE",
}
# Name forms, as reported in `form`.
FULL, REVERSED, INITIAL = "forename surname", "surname, forename", "f. surname"
# Lower-case surname prefixes that belong to the surname: `van der Berg`, `Ó Briain` (folded).
_PARTICLES = frozenset(
    "van von der den de del della di da du la le mac mc o ni nic bin ibn".split()
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class Wanted:
    """One hash to look for, and what a finding carrying it means."""

    value_hash: str
    matched_on: str  # the option: name, email, phone ...
    form: str  # how the value is written (names), else the option
    counts: bool  # counts towards a strong match
    part: str | None = None  # `forename`/`surname`: reported only when the two are adjacent


@dataclass(frozen=True)
class Subject:
    """The values given for one person (raw, in memory only), already checked."""

    values: dict[str, str]

    def masked(self) -> dict[str, str]:
        """Option -> masked value, the only form of the values that may be shown or written."""
        return {opt: mask(OPTIONS[opt], v) for opt, v in self.values.items()}

    def wanted(self, redactor: Redactor) -> list[Wanted]:
        """Every hash to look for under one key; a hash reached by two forms is kept once."""
        out: dict[str, Wanted] = {}
        for opt, value in self.values.items():
            if opt == "name":
                forms = name_forms(value)
            elif opt == "phone":
                forms = phone_forms(value)
            else:
                forms = [(opt, value, True, None)]
            for form, text, counts, part in forms:
                h = redactor.hash(OPTIONS[opt], text)
                out.setdefault(h, Wanted(h, opt, form, counts, part))
        return list(out.values())


NATIONAL = "phone, written nationally"


def phone_forms(phone: str) -> list[tuple[str, str, bool, str | None]]:
    """(form, text, counts, part) for the phone as given and, if foreign, as written at home.

    A scan hashes a phone number in its E.164 form, reading a number written without its
    country code as one of HOME_REGION, GB (scanner.privacy.normalise): a French customer's
    `07 65 21 17 63` in a letter is hashed as +44 7652117 63. A subject asked for as
    `+33 7 65 21 17 63` is therefore also looked for in that form, or the letter would not be
    found.
    """
    forms: list[tuple[str, str, bool, str | None]] = [("phone", phone, True, None)]
    try:
        number = phonenumbers.parse(phone, HOME_REGION)
    except phonenumbers.NumberParseException:
        return forms
    if number.country_code != phonenumbers.country_code_for_region(HOME_REGION):
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        forms.append((NATIONAL, national, True, None))
    return forms


def name_forms(name: str) -> list[tuple[str, str, bool, str | None]]:
    """(form, text, counts, part) for each way of writing `name` that is looked for.

    The name may be given as `Forename [Middle] Surname` or `Surname, Forename [Middle]`.
    """
    forenames, surname = split_name(name)
    first = forenames[0]
    initials = [w[0] for w in forenames]
    forms: list[tuple[str, str, bool, str | None]] = [
        (FULL, " ".join([*forenames, surname]), True, None),
        (FULL, f"{first} {surname}", True, None),
        (REVERSED, f"{surname}, {' '.join(forenames)}", True, None),
        (REVERSED, f"{surname}, {first}", True, None),
        (INITIAL, f"{initials[0]} {surname}", False, None),
        (INITIAL, " ".join([*initials, surname]), False, None),
        ("forename", first, False, "forename"),
        ("surname", surname, False, "surname"),
    ]
    return forms


def split_name(name: str) -> tuple[list[str], str]:
    """(forenames, surname) of a name in normalised form; InputError when it is not two words."""
    folded = normalise_name(name)
    if "," in folded:
        surname, _, rest = folded.partition(",")
        words, surname = rest.split(), surname.strip()
    else:
        words = folded.split()
        surname = words.pop() if words else ""
        while len(words) > 1 and words[-1] in _PARTICLES:  # `ludwig van beethoven`
            surname = f"{words.pop()} {surname}"
    if not words or not surname or any(c.isdigit() or c == "@" for c in folded):
        raise InputError(
            "--name",
            "needs a forename and a surname (a single word matches too many people)",
            'give the full name, e.g. --name "Jane Smith" or --name "Smith, Jane"',
        )
    return words, surname


def subject(**values: str | None) -> Subject:
    """Check each given value (keyword = option name) and return the Subject.

    Raises InputError naming the option, never echoing the value (it is personal data and
    terminals are logged).
    """
    given = {opt: v.strip() for opt, v in values.items() if v is not None and v.strip()}
    unknown = set(given) - set(OPTIONS)
    if unknown:
        raise InputError(f"--{sorted(unknown)[0]}", "is not a searchable value", _any_of())
    if not given:
        raise InputError("values", "none given", f"give at least one of {_any_of()}")
    for opt, value in given.items():
        _CHECKS[opt](value)
    return Subject(given)


def _any_of() -> str:
    return ", ".join(f"--{o}" for o in OPTIONS)


def _detects(recognizer: ShapeRecognizer, value: str) -> bool:
    """Whether the detector would report exactly this whole value."""
    whole = any(s == 0 and e == len(value) for s, e, _, _ in recognizer.candidates(value))
    return whole and recognizer.validate(value)


def _check_name(value: str) -> None:
    split_name(value)


def _check_email(value: str) -> None:
    if not _detects(EmailAddressRecognizer(), value):
        raise InputError(
            "--email", "is not an e-mail address", "give the whole address, e.g. jane@example.com"
        )


def _check_phone(value: str) -> None:
    try:
        ok = phonenumbers.is_possible_number(phonenumbers.parse(value, HOME_REGION))
    except phonenumbers.NumberParseException:
        ok = False
    if not ok:
        raise InputError(
            "--phone",
            "is not a phone number",
            "give it as written or dialled, e.g. 020 7946 0123 or +44 7700 900123",
        )


def _check_nino(value: str) -> None:
    if not _detects(NinoRecognizer(), value.upper()):
        raise InputError(
            "--nino",
            "is not a National Insurance number (two letters, six digits, A-D; some prefixes "
            "are never issued)",
            "copy it from the request, e.g. AB 12 34 56 C",
        )


def _check_dob(value: str) -> None:
    try:
        born = date.fromisoformat(value) if _ISO_DATE.fullmatch(value) else None
    except ValueError:
        born = None
    if born is None or not date(1900, 1, 1) <= born <= date.today():
        raise InputError(
            "--dob", "is not a past calendar date as YYYY-MM-DD", "e.g. --dob 1985-03-12"
        )


def _check_iban(value: str) -> None:
    if not _detects(IbanCodeRecognizer(), value.upper()):
        raise InputError(
            "--iban",
            "is not a valid IBAN (its length or mod-97 check digits are wrong)",
            "copy it again from the request, e.g. GB29 NWBK 6016 1331 9268 19",
        )


def _check_postcode(value: str) -> None:
    if not postcode_ok(" ".join(value.upper().split())):
        raise InputError("--postcode", "is not a UK postcode", "e.g. --postcode 'SW1A 1AA'")


_CHECKS = {
    "name": _check_name,
    "email": _check_email,
    "phone": _check_phone,
    "nino": _check_nino,
    "dob": _check_dob,
    "iban": _check_iban,
    "postcode": _check_postcode,
}
