"""A data-subject request's values: checked as the detectors check, hashed as the scanner does."""

from __future__ import annotations

import pytest

from reports.subject import FULL, INITIAL, NATIONAL, REVERSED, name_forms, subject
from scanner.errors import InputError
from scanner.privacy import Redactor

GOOD = {
    "name": "Dr Zoë Kowalczyk",
    "email": "Zoe.Kowalczyk@Example.org",
    "phone": "07700 900461",
    "nino": "jt 48 29 17 c",
    "dob": "1988-07-14",
    "iban": "gb82 west 1234 5698 7654 32",
    "postcode": "ls6 2qt",
}


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [
        ("email", "zoe.kowalczyk@", "not an e-mail address"),
        ("email", "zoe..k@example.org", "not an e-mail address"),
        ("phone", "ext. 5", "not a phone number"),
        ("phone", "call me", "not a phone number"),
        ("nino", "QQ 12 34 56 C", "National Insurance"),  # Q is never a first letter
        ("nino", "JT 48 29 17 E", "National Insurance"),  # suffix A-D only
        ("dob", "14/07/1988", "YYYY-MM-DD"),
        ("dob", "1988-02-30", "YYYY-MM-DD"),
        ("dob", "2999-01-01", "YYYY-MM-DD"),
        ("iban", "GB82 WEST 1234 5698 7654 33", "mod-97"),
        ("postcode", "XX1 1XX", "UK postcode"),
        ("name", "Zoë", "forename and a surname"),
        ("name", "Dr Kowalczyk", "forename and a surname"),
    ],
)
def test_bad_values_are_refused_naming_the_option_not_the_value(
    option: str, value: str, problem: str
) -> None:
    with pytest.raises(InputError) as err:
        subject(**{option: value})
    message = str(err.value)
    assert message.startswith(f"--{option}: ") and problem in message and "fix: " in message
    assert value not in message


def test_no_value_at_all_is_refused() -> None:
    with pytest.raises(InputError, match="none given"):
        subject(name=None, email="  ")


def test_good_values_hash_as_the_scanner_hashes_what_it_finds() -> None:
    """Each option's hash equals the scanner's hash of the same value written another way."""
    r = Redactor(b"k" * 32)
    wanted = subject(**GOOD).wanted(r)
    by_option = {w.matched_on: w.value_hash for w in wanted if w.form == w.matched_on}
    assert by_option == {
        "email": r.hash("EMAIL_ADDRESS", "zoe.kowalczyk@example.org"),
        "phone": r.hash("PHONE_NUMBER", "+44 7700 900461"),
        "nino": r.hash("UK_NINO", "JT482917C"),
        "dob": r.hash("DATE_OF_BIRTH", "14/07/1988"),
        "iban": r.hash("IBAN_CODE", "GB82WEST12345698765432"),
        "postcode": r.hash("UK_POSTCODE", "LS6 2QT"),
    }
    names = {w.form: w.value_hash for w in wanted if w.matched_on == "name" and w.part is None}
    assert names == {
        FULL: r.hash("PERSON", "ZOE KOWALCZYK"),
        REVERSED: r.hash("PERSON", "Kowalczyk, Zoë"),
        INITIAL: r.hash("PERSON", "Z. Kowalczyk"),
    }
    assert all(w.counts for w in wanted if w.form not in (INITIAL, "forename", "surname"))


def test_a_foreign_phone_is_also_looked_for_as_written_at_home() -> None:
    """A foreign number is also looked for in its national form, as a scan hashes it.

    The scanner reads `07 65 21 17 63` in a French customer's letter as a GB-style number; a
    subject asked for as `+33 7 65 21 17 63` must reach that finding too.
    """
    r = Redactor(b"k" * 32)
    wanted = subject(phone="+33 7 65 21 17 63").wanted(r)
    assert {w.form: w.value_hash for w in wanted} == {
        "phone": r.hash("PHONE_NUMBER", "+33765211763"),
        NATIONAL: r.hash("PHONE_NUMBER", "0765211763"),
    }
    assert all(w.counts and w.matched_on == "phone" for w in wanted)
    # A GB number written either way is one hash already: no second form.
    assert [w.form for w in subject(phone="+44 20 7946 0018").wanted(r)] == ["phone"]


def test_masked_values_hide_what_was_asked() -> None:
    masked = subject(**GOOD).masked()
    assert set(masked) == set(GOOD)
    for option, value in GOOD.items():
        assert value not in masked[option]


@pytest.mark.parametrize(
    ("name", "texts"),
    [
        ("Zoë Kowalczyk", {"zoe kowalczyk", "kowalczyk, zoe", "z kowalczyk"}),
        ("Kowalczyk, Zoë Anna", {"zoe anna kowalczyk", "zoe kowalczyk", "kowalczyk, zoe anna"}),
        (
            "Ludwig van Beethoven",
            {"ludwig van beethoven", "van beethoven, ludwig", "l van beethoven"},
        ),
    ],
)
def test_name_forms(name: str, texts: set[str]) -> None:
    forms = {text for _, text, _, part in name_forms(name) if part is None}
    assert texts <= forms
