"""SID naming: overrides, well-known SIDs, lookups asked once per SID, failures recorded.

The lookups here are small recording stand-ins for LSA/LDAP (the real LSA runs against Samba in
tests/sources/test_smb_names.py); what is tested is the order, the caching and the reporting.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from sources.ldap_names import netbios_domain, sid_bytes, sid_filter
from sources.lsa import split_account
from sources.principals import LookupFailedError, PrincipalNames
from sources.smb_acl import access_from_descriptor
from tests.fixtures.samba import build_descriptor

DOMAIN = "S-1-5-21-1004336348-1177238915-682003330"
FINANCE, ALICE, GHOST = f"{DOMAIN}-1107", f"{DOMAIN}-1601", f"{DOMAIN}-4444"
READ = 0x001200A9


class Directory:
    """A lookup that knows some SIDs, and records what it was asked."""

    method = "lsa"

    def __init__(self, known: dict[str, str], fail: bool = False) -> None:
        self.known = known
        self.fail = fail
        self.asked: list[list[str]] = []
        self.closed = False

    def lookup(self, sids: Sequence[str]) -> dict[str, str]:
        self.asked.append(list(sids))
        if self.fail:
            raise LookupFailedError("access denied")
        return {s: self.known[s] for s in sids if s in self.known}

    def close(self) -> None:
        self.closed = True


def test_order_override_wellknown_lookup_rid_then_sid() -> None:
    directory = Directory({FINANCE: "CORP\\finance", f"{DOMAIN}-513": "CORP\\Domain Users"})
    names = PrincipalNames({ALICE: "CORP\\alice (override)"}, [directory])
    got = names.names(["S-1-1-0", ALICE, FINANCE, f"{DOMAIN}-513", f"{DOMAIN}-512", GHOST])
    assert got == {
        "S-1-1-0": "Everyone",
        ALICE: "CORP\\alice (override)",
        FINANCE: "CORP\\finance",
        f"{DOMAIN}-513": "CORP\\Domain Users",
        f"{DOMAIN}-512": "Domain Admins",  # not in the directory: the well-known RID's name
        GHOST: GHOST,
    }
    # Neither the override nor the well-known SID was asked for.
    assert directory.asked == [[FINANCE, f"{DOMAIN}-513", f"{DOMAIN}-512", GHOST]]
    report = names.report("lsa")
    assert report.resolved == 3 and report.unresolved == [GHOST] and report.errors == []


def test_each_sid_is_asked_once_per_walk() -> None:
    directory = Directory({FINANCE: "CORP\\finance"})
    names = PrincipalNames(None, [directory])
    for _ in range(3):
        assert names.names([FINANCE, GHOST])[FINANCE] == "CORP\\finance"
    assert directory.asked == [[FINANCE, GHOST]]


def test_a_failing_lookup_is_recorded_once_and_the_next_one_asked() -> None:
    broken = Directory({}, fail=True)
    ldap = Directory({FINANCE: "CORP\\finance"})
    ldap.method = "ldap"
    names = PrincipalNames(None, [broken, ldap])
    assert names.names([FINANCE])[FINANCE] == "CORP\\finance"
    assert names.names([ALICE])[ALICE] == ALICE
    assert len(broken.asked) == 1 and broken.closed
    assert names.report("lsa+ldap").errors == ["lsa: access denied"]


def test_broad_readers_are_known_by_sid_whatever_the_name() -> None:
    # A German server names BUILTIN\Users "VORDEFINIERT\Benutzer"; Domain Users is a looked-up name.
    names = PrincipalNames(
        {"S-1-5-32-545": "VORDEFINIERT\\Benutzer"},
        [Directory({f"{DOMAIN}-513": "CORP\\Domänen-Benutzer"})],
    )
    data = build_descriptor(
        ALICE,
        [
            (True, 0, READ, "S-1-5-32-545"),
            (True, 0, READ, f"{DOMAIN}-513"),
            (True, 0, READ, FINANCE),
        ],
        protected=False,
    )
    access = access_from_descriptor(data, names.names)
    assert access.broad == ("VORDEFINIERT\\Benutzer", "CORP\\Domänen-Benutzer")
    assert access.readers[-1] == FINANCE


def test_sid_bytes_match_smbprotocol() -> None:
    from smbprotocol.security_descriptor import SIDPacket

    for sid in ("S-1-1-0", "S-1-5-32-545", FINANCE, "S-1-22-2-1003"):
        packet = SIDPacket()
        packet.from_string(sid)
        assert sid_bytes(sid) == packet.pack()
    assert (
        sid_filter(["S-1-1-0"]) == "(|(objectSid=\\01\\01\\00\\00\\00\\00\\00\\01\\00\\00\\00\\00))"
    )


@pytest.mark.parametrize(
    ("account", "parts"),
    [
        ("CORP\\svc", ("svc", "CORP")),
        ("svc@corp.example", ("svc", "corp.example")),
        ("svc", ("svc", "")),
    ],
)
def test_split_account(account: str, parts: tuple[str, str]) -> None:
    assert split_account(account) == parts


def test_netbios_domain_from_base() -> None:
    assert netbios_domain("OU=Staff,DC=corp,DC=example,DC=com") == "CORP"
