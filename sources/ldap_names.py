r"""SID -> name from a domain controller over LDAP: `objectSid` -> `DOMAIN\sAMAccountName`.

For servers whose LSA the scanning account may not use (a NAS that does not serve `\lsarpc`), or
to name SIDs of a domain the file server does not trust. ldap3 is imported on first use.
SIDs are matched in their binary form ([MS-DTYP] 2.4.2.2), escaped byte by byte as RFC 4515
asks for binary values, up to CHUNK SIDs per search.

Not tested against a real domain controller (a Samba AD DC is too heavy for the test run); the
SID encoding is tested against smbprotocol's own.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

from sources.principals import LookupFailedError
from sources.smb_acl import parse_sid

CHUNK = 50


def sid_bytes(sid: str) -> bytes:
    """The binary SID: revision, sub-authority count, 48-bit authority, little-endian subs."""
    parts = sid.split("-")
    if len(parts) < 3 or parts[0].upper() != "S":
        raise ValueError(f"{sid!r} is not a SID")
    revision, authority, subs = int(parts[1]), int(parts[2]), [int(p) for p in parts[3:]]
    return (
        bytes([revision, len(subs)])
        + authority.to_bytes(6, "big")
        + struct.pack(f"<{len(subs)}I", *subs)
    )


def sid_filter(sids: Sequence[str]) -> str:
    """An LDAP filter matching any of `sids` by objectSid (binary values escaped per byte)."""
    terms = ("(objectSid=" + "".join(f"\\{b:02x}" for b in sid_bytes(s)) + ")" for s in sids)
    return "(|" + "".join(terms) + ")"


def netbios_domain(base: str) -> str:
    """The domain part of a name: the first DC= component of the base DN, upper-cased."""
    for rdn in base.split(","):
        key, _, value = rdn.strip().partition("=")
        if key.strip().upper() == "DC" and value:
            return value.strip().upper()
    return ""


class LdapLookup:
    """Asks a domain controller's directory for the names of SIDs (method "ldap")."""

    method = "ldap"

    def __init__(
        self,
        url: str,
        base: str,
        domain: str,
        username: str | None,
        password: str | None,
        timeout: float,
    ) -> None:
        self.url = url
        self.base = base
        self.domain = domain or netbios_domain(base)
        self.username = username
        self.password = password
        self.timeout = timeout
        self._conn: Any = None

    def lookup(self, sids: Sequence[str]) -> dict[str, str]:
        """Names of the SIDs the directory holds."""
        try:
            import ldap3
            from ldap3.core.exceptions import LDAPException
        except ImportError as e:  # pragma: no cover - a dependency, but the error must be clear
            raise LookupFailedError(f"ldap3 is not installed ({e}); pip install ldap3") from e
        out: dict[str, str] = {}
        try:
            if self._conn is None:
                self._conn = self._connect(ldap3)
            for start in range(0, len(sids), CHUNK):
                self._conn.search(
                    self.base,
                    sid_filter(sids[start : start + CHUNK]),
                    attributes=["objectSid", "sAMAccountName"],
                )
                for entry in self._conn.response or []:
                    if entry.get("type") != "searchResEntry":
                        continue  # referrals to other partitions
                    raw = entry["raw_attributes"].get("objectSid") or [b""]
                    name = entry["attributes"].get("sAMAccountName")
                    if raw[0] and name:
                        sid = parse_sid(raw[0], 0)
                        out[sid] = f"{self.domain}\\{name}" if self.domain else str(name)
        except (LDAPException, OSError) as e:
            raise LookupFailedError(f"LDAP {self.url}: {e}") from e
        return out

    def _connect(self, ldap3: Any) -> Any:
        server = ldap3.Server(self.url, get_info=ldap3.NONE, connect_timeout=self.timeout)
        # DOMAIN\user binds with NTLM (what AD accepts without TLS); a DN or UPN binds simply.
        ntlm = bool(self.username and "\\" in self.username)
        return ldap3.Connection(
            server,
            user=self.username,
            password=self.password,
            authentication=ldap3.NTLM if ntlm else (ldap3.SIMPLE if self.username else None),
            auto_bind=True,
            receive_timeout=self.timeout,
            read_only=True,
        )

    def close(self) -> None:
        """Unbind."""
        if self._conn is not None:
            try:
                self._conn.unbind()
            except Exception:  # the server closed first; nothing left to release
                pass
            self._conn = None
