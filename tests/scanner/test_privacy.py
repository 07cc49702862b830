from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from scanner.privacy import Redactor, load_key, mask, mask_metadata, normalise


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
