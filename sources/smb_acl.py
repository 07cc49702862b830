r"""Who can read a file, from its Windows security descriptor (owner + DACL).

The SMB source asks the server for the self-relative SECURITY_DESCRIPTOR ([MS-DTYP] 2.4.6) and
this module turns its bytes into an owner and a tuple of readers. It is a small struct-based
parser rather than smbprotocol's Structure classes because it runs once per file on a walk of
millions of files, and because it must never raise on an odd ACE: unknown ACE types (object ACEs
from Active Directory, conditional ACEs) are skipped, not fatal.

Only grants that include reading the content count: FILE_READ_DATA, GENERIC_READ or GENERIC_ALL.
A principal whose read is denied by an ACE is not a reader. A missing (NULL) DACL lets everyone
in, which Windows documents and administrators sometimes forget.

Which readers are broad (anyone with an account, or none) is decided by SID, not by name: a
German server calls BUILTIN\Users "VORDEFINIERT\Benutzer", and a looked-up domain group is
"CORP\Domain Users". Names come from a `Namer` (sources.principals asks the server); without one
only the well-known SIDs get names.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

FILE_READ_DATA = 0x00000001
GENERIC_ALL = 0x10000000
GENERIC_READ = 0x80000000
READ_MASK = FILE_READ_DATA | GENERIC_ALL | GENERIC_READ

ACCESS_ALLOWED = 0x00
ACCESS_DENIED = 0x01
ACCESS_ALLOWED_CALLBACK = 0x09
ACCESS_DENIED_CALLBACK = 0x0A
ALLOW_TYPES = {ACCESS_ALLOWED, ACCESS_ALLOWED_CALLBACK}
DENY_TYPES = {ACCESS_DENIED, ACCESS_DENIED_CALLBACK}

OBJECT_INHERIT_ACE = 0x01
INHERIT_ONLY_ACE = 0x08

SE_DACL_PRESENT = 0x0004

EVERYONE = "Everyone"

WELL_KNOWN = {
    "S-1-1-0": EVERYONE,
    "S-1-2-0": "LOCAL",
    "S-1-3-0": "CREATOR OWNER",
    "S-1-3-1": "CREATOR GROUP",
    "S-1-5-4": "NT AUTHORITY\\INTERACTIVE",
    "S-1-5-7": "NT AUTHORITY\\ANONYMOUS LOGON",
    "S-1-5-11": "NT AUTHORITY\\Authenticated Users",
    "S-1-5-18": "NT AUTHORITY\\SYSTEM",
    "S-1-5-32-544": "BUILTIN\\Administrators",
    "S-1-5-32-545": "BUILTIN\\Users",
    "S-1-5-32-546": "BUILTIN\\Guests",
}

# Relative ids of a domain's (or a standalone server's) well-known groups: S-1-5-21-a-b-c-RID.
DOMAIN_RIDS = {
    500: "Administrator",
    501: "Guest",
    512: "Domain Admins",
    513: "Domain Users",
    514: "Domain Guests",
    515: "Domain Computers",
}

# SIDs that mean "practically anyone with an account (or none)": a store that declares restricted
# readers is broader than declared when any of these can read. Plus, in any domain, BROAD_RIDS.
BROAD_SIDS = frozenset({"S-1-1-0", "S-1-5-7", "S-1-5-11", "S-1-5-32-545", "S-1-5-32-546"})
BROAD_RIDS = frozenset({501, 513, 514})  # Guest, Domain Users, Domain Guests

# SIDs -> names for a batch of SIDs (every SID gets an entry; unknown ones may map to themselves).
Namer = Callable[[Sequence[str]], Mapping[str, str]]


class SecurityDescriptorError(ValueError):
    """The server returned bytes that are not a self-relative security descriptor."""


@dataclass(frozen=True, slots=True)
class Ace:
    """One access control entry: allow or deny, inheritance flags, access mask, trustee SID."""

    allow: bool
    flags: int
    mask: int
    sid: str


@dataclass(frozen=True, slots=True)
class SecurityDescriptor:
    """The parts of a descriptor that say who owns a file and who may read it."""

    owner_sid: str | None
    dacl: tuple[Ace, ...] | None  # None = no DACL = everyone has full access


@dataclass(frozen=True, slots=True)
class Access:
    """Who owns an object and who may read it, with the broad principals among the readers."""

    owner: str | None
    readers: tuple[str, ...]
    broad: tuple[str, ...]


def parse_sid(data: bytes, offset: int) -> str:
    """Return the S-1-... form of the binary SID at `offset` ([MS-DTYP] 2.4.2.2)."""
    if offset + 8 > len(data):
        raise SecurityDescriptorError(f"SID at offset {offset} runs past the descriptor")
    revision, count = data[offset], data[offset + 1]
    authority = int.from_bytes(data[offset + 2 : offset + 8], "big")
    end = offset + 8 + 4 * count
    if end > len(data):
        raise SecurityDescriptorError(
            f"SID at offset {offset} claims {count} sub-authorities past the end"
        )
    subs = struct.unpack_from(f"<{count}I", data, offset + 8)
    return "-".join(["S", str(revision), str(authority), *(str(s) for s in subs)])


def parse_security_descriptor(data: bytes) -> SecurityDescriptor:
    """Parse a self-relative SECURITY_DESCRIPTOR's owner and DACL; other ACE kinds are skipped."""
    if len(data) < 20:
        raise SecurityDescriptorError(
            f"descriptor is {len(data)} bytes, shorter than its 20-byte header"
        )
    _rev, _sbz, control, off_owner, _off_group, _off_sacl, off_dacl = struct.unpack_from(
        "<BBHIIII", data
    )
    owner = parse_sid(data, off_owner) if off_owner else None
    if not control & SE_DACL_PRESENT or not off_dacl:
        return SecurityDescriptor(owner_sid=owner, dacl=None)
    if off_dacl + 8 > len(data):
        raise SecurityDescriptorError(f"DACL offset {off_dacl} is past the descriptor's end")
    _acl_rev, _sbz1, _acl_size, ace_count, _sbz2 = struct.unpack_from("<BBHHH", data, off_dacl)
    aces: list[Ace] = []
    pos = off_dacl + 8
    for _ in range(ace_count):
        if pos + 4 > len(data):
            raise SecurityDescriptorError(f"ACE at offset {pos} runs past the descriptor")
        ace_type, flags, size = struct.unpack_from("<BBH", data, pos)
        if size < 4 or pos + size > len(data):
            raise SecurityDescriptorError(
                f"ACE at offset {pos} has size {size}, past the descriptor's end"
            )
        if ace_type in ALLOW_TYPES or ace_type in DENY_TYPES:
            if size < 16:
                raise SecurityDescriptorError(
                    f"ACE at offset {pos} is {size} bytes, too short for mask + SID"
                )
            (mask,) = struct.unpack_from("<I", data, pos + 4)
            aces.append(Ace(ace_type in ALLOW_TYPES, flags, mask, parse_sid(data, pos + 8)))
        pos += size
    return SecurityDescriptor(owner_sid=owner, dacl=tuple(aces))


def _domain_rid(sid: str) -> int | None:
    """The RID of a domain (or standalone server) account SID S-1-5-21-a-b-c-RID, else None."""
    parts = sid.split("-")
    if len(parts) == 8 and parts[:4] == ["S", "1", "5", "21"] and parts[7].isdigit():
        return int(parts[7])
    return None


def rid_name(sid: str) -> str | None:
    """The generic name of a well-known domain RID (Domain Users, …), when no lookup named it."""
    rid = _domain_rid(sid)
    return DOMAIN_RIDS.get(rid) if rid is not None else None


def is_broad(sid: str) -> bool:
    """Whether `sid` stands for (nearly) anyone: Everyone, Authenticated Users, Domain Users, …."""
    return sid in BROAD_SIDS or _domain_rid(sid) in BROAD_RIDS


def sid_name(sid: str, names: Mapping[str, str] | None = None) -> str:
    """Name a SID without asking anyone: configured names, well-known ones, else the SID itself."""
    if names and sid in names:
        return names[sid]
    return WELL_KNOWN.get(sid) or rid_name(sid) or sid


def readers_of(sd: SecurityDescriptor, for_children: bool = False) -> tuple[str, ...]:
    """SIDs allowed to read the object (or, with `for_children`, files created in this folder).

    Evaluates like Windows for the question asked: a read denied to a SID wins over a grant to it,
    whatever the order (canonical ACLs put denies first anyway). Group membership is not expanded:
    a deny to one user does not remove a group that contains them, because the scan cannot know
    memberships without a domain controller.
    """
    if sd.dacl is None:
        return ("S-1-1-0",)
    allowed: list[str] = []
    denied: set[str] = set()
    for ace in sd.dacl:
        if for_children:
            if not ace.flags & OBJECT_INHERIT_ACE:
                continue
        elif ace.flags & INHERIT_ONLY_ACE:
            continue
        if not ace.mask & READ_MASK:
            continue
        if ace.allow:
            if ace.sid not in allowed:
                allowed.append(ace.sid)
        else:
            denied.add(ace.sid)
    return tuple(sid for sid in allowed if sid not in denied)


def access_from_descriptor(
    data: bytes, namer: Namer | None = None, for_children: bool = False
) -> Access:
    """Owner, reader names and broad principals from raw descriptor bytes."""
    sd = parse_security_descriptor(data)
    sids = readers_of(sd, for_children)
    owner_sid = sd.owner_sid if not for_children else None
    asked = [*sids, owner_sid] if owner_sid else list(sids)
    names = namer(asked) if namer else {s: sid_name(s) for s in asked}
    readers = tuple(dict.fromkeys(names[s] for s in sids))
    broad = tuple(dict.fromkeys(names[s] for s in sids if is_broad(s)))
    return Access(owner=names[owner_sid] if owner_sid else None, readers=readers, broad=broad)
