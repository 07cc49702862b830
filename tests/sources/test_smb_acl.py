"""Security-descriptor parsing and reader rules, on descriptors built by smbprotocol's structures.

The descriptors are built with a different implementation (smbprotocol's Structure classes) than
the one under test (our struct parser), so a shared misreading of [MS-DTYP] cannot hide.
"""

from __future__ import annotations

import pytest

from sources.principals import PrincipalNames
from sources.smb_acl import (
    SecurityDescriptorError,
    access_from_descriptor,
    parse_security_descriptor,
    sid_name,
)
from tests.fixtures.samba import build_descriptor

DOMAIN = "S-1-5-21-1004336348-1177238915-682003330"
FINANCE = f"{DOMAIN}-1107"
ALICE = f"{DOMAIN}-1601"
READ = 0x001200A9
WRITE_ONLY = 0x00000116  # FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_ATTRIBUTES
FULL = 0x001F01FF
OI, CI, IO = 0x01, 0x02, 0x08


def descriptor(owner: str | None, aces: list[tuple[bool, int, int, str]] | None) -> bytes:
    return build_descriptor(owner, aces, protected=False)


@pytest.mark.parametrize(
    ("aces", "readers", "broad"),
    [
        ([(True, 0, READ, "S-1-1-0")], ("Everyone",), ("Everyone",)),
        ([(True, 0, READ, FINANCE)], (FINANCE,), ()),
        (
            [(True, 0, 0x80000000, "S-1-5-11")],
            ("NT AUTHORITY\\Authenticated Users",),
            ("NT AUTHORITY\\Authenticated Users",),
        ),
        ([(True, 0, 0x10000000, "S-1-5-32-545")], ("BUILTIN\\Users",), ("BUILTIN\\Users",)),
        ([(True, 0, READ, f"{DOMAIN}-513")], ("Domain Users",), ("Domain Users",)),
        ([(True, 0, READ, f"{DOMAIN}-514")], ("Domain Guests",), ("Domain Guests",)),
        ([(True, 0, READ, "S-1-5-32-546")], ("BUILTIN\\Guests",), ("BUILTIN\\Guests",)),
        # write without read does not make a reader
        ([(True, 0, WRITE_ONLY, "S-1-1-0"), (True, 0, FULL, ALICE)], (ALICE,), ()),
        # a denied read wins over a grant, whatever the order
        (
            [(True, 0, READ, "S-1-1-0"), (False, 0, 0x1, "S-1-1-0"), (True, 0, READ, FINANCE)],
            (FINANCE,),
            (),
        ),
        # inherit-only ACEs apply to children, not to the object itself
        ([(True, OI | CI | IO, READ, "S-1-1-0"), (True, 0, FULL, ALICE)], (ALICE,), ()),
        ([], (), ()),
    ],
)
def test_readers_from_dacl(
    aces: list[tuple[bool, int, int, str]], readers: tuple[str, ...], broad: tuple[str, ...]
) -> None:
    access = access_from_descriptor(descriptor(ALICE, aces))
    assert access.readers == readers
    assert access.broad == broad
    assert access.owner == ALICE


def test_null_dacl_means_everyone() -> None:
    access = access_from_descriptor(descriptor(ALICE, None))
    assert access.readers == ("Everyone",)
    assert access.broad == ("Everyone",)


def test_children_see_only_object_inherit_aces() -> None:
    data = descriptor(
        ALICE,
        [(True, CI, READ, "S-1-1-0"), (True, OI | CI | IO, READ, FINANCE), (True, 0, FULL, ALICE)],
    )
    assert access_from_descriptor(data).readers == ("Everyone", ALICE)
    children = access_from_descriptor(data, for_children=True)
    assert children.readers == (FINANCE,)
    assert children.owner is None


def test_configured_principal_names_win() -> None:
    data = descriptor(ALICE, [(True, 0, READ, FINANCE)])
    names = PrincipalNames({FINANCE: "CORP\\finance", ALICE: "CORP\\alice"})
    access = access_from_descriptor(data, names.names)
    assert access.readers == ("CORP\\finance",)
    assert access.owner == "CORP\\alice"


def test_unknown_ace_types_are_skipped() -> None:
    # An ACCESS_ALLOWED_OBJECT_ACE (type 5, Active Directory) spliced in before a normal ACE.
    base = bytearray(descriptor(ALICE, [(True, 0, READ, FINANCE)]))
    dacl_offset = int.from_bytes(base[16:20], "little")
    object_ace = bytes([5, 0]) + (16).to_bytes(2, "little") + bytes(12)
    base[dacl_offset + 2 : dacl_offset + 4] = (
        int.from_bytes(base[dacl_offset + 2 : dacl_offset + 4], "little") + 16
    ).to_bytes(2, "little")
    base[dacl_offset + 4 : dacl_offset + 6] = (2).to_bytes(2, "little")
    data = bytes(base[: dacl_offset + 8]) + object_ace + bytes(base[dacl_offset + 8 :])
    assert parse_security_descriptor(data).dacl is not None
    assert access_from_descriptor(data).readers == (FINANCE,)


@pytest.mark.parametrize("cut", [4, 19, 30, 60])
def test_truncated_descriptor_is_a_clear_error(cut: int) -> None:
    data = descriptor(ALICE, [(True, 0, READ, FINANCE), (True, 0, READ, "S-1-1-0")])
    with pytest.raises(SecurityDescriptorError):
        parse_security_descriptor(data[:cut])


@pytest.mark.parametrize(
    ("sid", "name"),
    [
        ("S-1-1-0", "Everyone"),
        ("S-1-5-18", "NT AUTHORITY\\SYSTEM"),
        (f"{DOMAIN}-512", "Domain Admins"),
        (ALICE, ALICE),
    ],
)
def test_sid_names(sid: str, name: str) -> None:
    assert sid_name(sid) == name
