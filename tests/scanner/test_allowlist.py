"""The allow-list filter: the organisation's own values, by hash, domain, address or pattern."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner import config as cfg
from scanner.allowlist import AllowList, AllowListConfig, number_pattern, read_values
from scanner.errors import ConfigError
from scanner.privacy import Redactor

KEY = b"k" * 32
ALLOW = """
PHONE_NUMBER = ["0113 496 0000"]
EMAIL_DOMAIN = ["flotechps.co.uk"]
EMAIL_ADDRESS = ["flotech.accounts@gmail.com"]
IBAN_CODE = ["GB82 WEST 1234 5698 7654 32"]
ADDRESS = ["Unit 4, Aire Valley Business Park, Leeds LS9 8AA"]
PERSON = ["Margaret Holroyd"]

[patterns]
PHONE_NUMBER = ["+44 113 496 1[0-9]{3}"]
UK_BANK_ACCOUNT = ["9876 54??"]
"""


@pytest.fixture
def allow(tmp_path: Path) -> AllowList:
    path = tmp_path / "allow.toml"
    path.write_text(ALLOW)
    return AllowList.build(AllowListConfig(file=path), Redactor(KEY))


def allowed(allow: AllowList, entity: str, value: str) -> bool:
    return allow.allows(entity, value, Redactor(KEY).hash(entity, value))


@pytest.mark.parametrize(
    ("entity", "value"),
    [
        ("PHONE_NUMBER", "0113 496 0000"),
        ("PHONE_NUMBER", "+44 (0)113 4960000"),  # same number, another way of writing it
        ("PHONE_NUMBER", "0113 496 1234"),  # the DDI range, national form
        ("PHONE_NUMBER", "+44 113 496 1999"),
        ("EMAIL_ADDRESS", "Sales@FlotechPS.co.uk"),
        ("EMAIL_ADDRESS", "j.bloggs@mail.flotechps.co.uk"),  # a subdomain
        ("EMAIL_ADDRESS", "flotech.accounts@gmail.com"),
        ("IBAN_CODE", "GB82WEST12345698765432"),
        ("ADDRESS", "Unit 4, Aire Valley Business Park, Leeds LS9 8AA"),
        ("ADDRESS", "4 Aire Valley Business Park, Leeds, LS9 8AA"),  # a run of its words
        ("UK_POSTCODE", "LS9 8AA"),  # the address's postcode
        ("PERSON", "margaret  holroyd"),
        ("UK_BANK_ACCOUNT", "98765412"),
    ],
)
def test_own_values_are_allowed(allow: AllowList, entity: str, value: str) -> None:
    assert allowed(allow, entity, value)


@pytest.mark.parametrize(
    ("entity", "value"),
    [
        ("PHONE_NUMBER", "0113 496 0001"),
        ("PHONE_NUMBER", "0113 496 21234"),
        ("PHONE_NUMBER", "0161 496 1234"),  # same digits, another area
        ("EMAIL_ADDRESS", "someone@gmail.com"),
        ("EMAIL_ADDRESS", "x@notflotechps.co.uk"),
        ("ADDRESS", "12 Aire Valley Business Park, Leeds LS9 8AA"),  # a neighbour
        ("UK_POSTCODE", "LS9 8AB"),
        ("PERSON", "Margaret Holroyd-Smith"),
        ("PERSON", "0113 496 0000"),  # a value counts for its own entity type only
        ("UK_BANK_ACCOUNT", "98765512"),
    ],
)
def test_other_values_are_not(allow: AllowList, entity: str, value: str) -> None:
    assert not allowed(allow, entity, value)


def test_values_given_as_hashes_and_prefixes() -> None:
    red = Redactor(KEY)
    full, short = red.hash("PERSON", "Ann Lee"), red.hash("UK_NINO", "AB123456C")[:12]
    allow = AllowList.build(AllowListConfig(hashes=(full, short)), red)
    assert allow.allows("PERSON", "ann lee", red.hash("PERSON", "ann lee"))
    assert allow.allows("UK_NINO", "AB 12 34 56 C", red.hash("UK_NINO", "AB 12 34 56 C"))
    assert not allow.allows("PERSON", "Ann Leigh", red.hash("PERSON", "Ann Leigh"))
    assert not AllowList.build(AllowListConfig(), red)  # nothing to ask


def test_the_list_holds_no_raw_value(allow: AllowList) -> None:
    # Hashes and number patterns only: nothing a debugger or a pickle could read the values from.
    state = repr(vars(allow)) if hasattr(allow, "__dict__") else ""
    state += repr([getattr(allow, s) for s in getattr(allow, "__slots__", ())])
    for raw in ("496 0000", "flotechps", "gmail", "GB82", "Aire", "Holroyd", "LS9"):
        assert raw not in state and raw.lower() not in state


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("+44 113 496 0[0-9]{3}", "+441134960123", "+441134961123"),
        ("0113-496-0???", "01134960ZZ9", "0113496012"),
        ("GB82 WEST [0-9]{14}", "GB82WEST12345698765432", "GB82EAST12345698765432"),
    ],
)
def test_number_patterns(pattern: str, matches: str, misses: str) -> None:
    rx = number_pattern(pattern, "k")
    assert rx.fullmatch(matches) and not rx.fullmatch(misses)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('PHONE = ["1"]', "is not an entity type"),
        ('PERSON = "Ann"', "must be a list of non-empty strings"),
        ('[patterns]\nPHONE_NUMBER = ["0113 496 0[0-9"]', "unclosed or bad ["),
        ('[patterns]\nPHONE_NUMBER = ["0113 * 496"]', "'*' is not allowed"),
        ("PERSON = [", "not valid TOML"),
    ],
)
def test_a_bad_allow_file_stops_the_config_load(tmp_path: Path, body: str, words: str) -> None:
    (tmp_path / "allow.toml").write_text(body)
    conf = tmp_path / "c.toml"
    conf.write_text('[allowlist]\nfile = "allow.toml"\n')
    with pytest.raises(ConfigError) as err:
        cfg.load(conf)
    assert err.value.key.startswith("allowlist.file") and words in str(err.value)


def test_config_keeps_the_path_and_hashes_not_the_values(tmp_path: Path) -> None:
    (tmp_path / "allow.toml").write_text(ALLOW)
    conf = tmp_path / "c.toml"
    conf.write_text('[allowlist]\nfile = "allow.toml"\nhashes = ["0123456789abcdef"]\n')
    loaded = cfg.load(conf)
    assert loaded.allowlist == AllowListConfig(tmp_path / "allow.toml", ("0123456789abcdef",))
    assert "Holroyd" not in repr(loaded.as_dict())
    conf.write_text('[allowlist]\nhashes = ["nothex"]\n')
    with pytest.raises(ConfigError, match="allowlist.hashes"):
        cfg.load(conf)


def test_custom_entities_may_be_allow_listed(tmp_path: Path) -> None:
    path = tmp_path / "allow.toml"
    path.write_text('FLOTECH_ACCOUNT = ["FT1047828"]\n')
    assert read_values(path, {"FLOTECH_ACCOUNT"}).values == {"FLOTECH_ACCOUNT": ("FT1047828",)}
    with pytest.raises(ConfigError, match="not an entity type"):
        read_values(path, {"PERSON"})


def test_the_example_allow_file_loads_and_allows_what_it_says(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "flotech.allow.toml"
    conf = tmp_path / "c.toml"
    conf.write_text(f'[allowlist]\nfile = "{example}"\n')
    allow = AllowList.build(cfg.load(conf).allowlist, Redactor(KEY))
    assert allowed(allow, "PHONE_NUMBER", "0113 496 1234")  # the DDI range
    assert allowed(allow, "EMAIL_ADDRESS", "sales@flotechps.co.uk")
    assert not allowed(allow, "PHONE_NUMBER", "0113 496 2000")
