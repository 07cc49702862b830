from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from scanner.errors import NoticeScanError
from scanner.privacy import (
    NORMALISATION_VERSION,
    Redactor,
    hashing_facts,
    key_fingerprint,
    load_key,
    mask,
    mask_metadata,
    normalise,
    normalise_name,
)


@pytest.mark.parametrize(
    ("entity", "value", "masked"),
    [
        ("PERSON", "John Smith", "J*** S****"),
        ("CREDIT_CARD", "4111 1111 1111 1234", "**** **** **** 1234"),
        ("EMAIL_ADDRESS", "john.smith@example.com", "j*********@e******.com"),
        ("PHONE_NUMBER", "020 7946 0123", "*** **** *123"),
        ("UK_NINO", "AB 12 34 56 C", "** ** ** ** *"),
        ("IBAN_CODE", "GB29 NWBK 6016 1331 9268 19", "**** **** **** **** **68 19"),
    ],
)
def test_mask(entity: str, value: str, masked: str) -> None:
    assert mask(entity, value) == masked


def test_normalise_makes_formats_of_one_value_hash_alike() -> None:
    r = Redactor(b"k" * 32)
    assert r.hash("PHONE_NUMBER", "020 7946 0123") == r.hash("PHONE_NUMBER", "+44 20 7946 0123")
    assert r.hash("CREDIT_CARD", "4111-1111-1111-1111") == r.hash("CREDIT_CARD", "4111111111111111")
    assert r.hash("PERSON", "John  Smith") == r.hash("PERSON", "john smith")
    assert r.hash("PERSON", "John Smith") != Redactor(b"x" * 32).hash("PERSON", "John Smith")
    assert normalise("UK_NINO", "AB 12 34 56 C") == "ab123456c"


def test_key_file_created_0600_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTICESCAN_HMAC_KEY", raising=False)
    path = tmp_path / "sub" / "hmac.key"
    key = load_key(path)
    assert len(key) == 64
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_key(path) == key
    monkeypatch.setenv("NOTICESCAN_HMAC_KEY", "an-environment-provided-secret")
    assert load_key(path) == b"an-environment-provided-secret"


def test_mask_metadata_masks_addresses_only() -> None:
    out = mask_metadata(
        {"sender": "ann@x.org", "recipients": "bob@y.com, cy@z.net", "folder": "Inbox"}
    )
    assert out == {"sender": "a**@x.org", "recipients": "b**@y.com, c*@z.net", "folder": "Inbox"}


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("John Smith", "john smith"),
        ("  JOHN   SMITH ", "john smith"),
        ("Dr Zoë O’Brien", "zoe o'brien"),  # diacritics and curly apostrophes folded, title gone
        ("Mr J. Smith", "j smith"),  # `F. Surname` as letters write it
        ("J.Smith", "j smith"),
        ("J. A. Smith", "j a smith"),
        ("SMITH,John", "smith, john"),  # `Surname, Forename` keeps its order
        ("Smith , Dr John", "smith, john"),
        ("Anne-Marie Ó Briain", "anne-marie o briain"),
        ("Dr", "dr"),  # a title alone is kept rather than hashing nothing
        ("Herr Jürgen Vogel", "jurgen vogel"),  # the customers' languages' titles too
        ("Professor Anna Kowalska", "anna kowalska"),
        ("Mme. Claire Dubois", "claire dubois"),
    ],
)
def test_normalise_name(value: str, normalised: str) -> None:
    assert normalise_name(value) == normalised
    assert normalise("PERSON", value) == normalised
    assert normalise_name(normalised) == normalised  # the query side normalises again


def test_email_normalises_to_the_lower_case_address() -> None:
    assert normalise("EMAIL_ADDRESS", " Jane.Doe@Example.COM ") == "jane.doe@example.com"
    assert normalise("EMAIL_ADDRESS", "12345678@x.io") == "12345678@x.io"  # not a digit string


def test_key_fingerprint_names_the_key_without_revealing_it() -> None:
    a, b = key_fingerprint(b"k" * 32), key_fingerprint(b"x" * 32)
    assert a != b and len(a) == 16 and a == key_fingerprint(b"k" * 32)
    facts = hashing_facts(b"k" * 32)
    assert facts == {"key_fingerprint": a, "normalisation": NORMALISATION_VERSION}


def test_reading_a_missing_key_never_creates_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NOTICESCAN_HMAC_KEY", raising=False)
    path = tmp_path / "hmac.key"
    with pytest.raises(NoticeScanError, match="no HMAC key here"):
        load_key(path, create=False)
    assert not path.exists()
