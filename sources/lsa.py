r"""SID -> name through the file server's own LSA: `LsarLookupSids` on the `\lsarpc` pipe.

Every Windows file server and Samba answers LSA ([MS-LSAT]) over the same SMB port the share is
read from, with the same credentials, and resolves its domain's SIDs through its domain
controller (lookup level LsapLookupWksta: local accounts, then the domain and trusted domains).
So the names come from where the ACLs come from, with nothing more to configure. Samba names
its Unix-derived SIDs `Unix User\name` and `Unix Group\name`.

impacket speaks DCE/RPC over SMB; it is imported on first use (most scans and every worker
never need it). One RPC connection per walk, opened on the first SID that needs a name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sources.principals import LookupFailedError

STATUS_SOME_NOT_MAPPED = 0x00000107
STATUS_NONE_MAPPED = 0xC0000073
# SID_NAME_USE values that carry no name ([MS-LSAT] 2.2.13): invalid, unknown.
NO_NAME = {7, 8}


def split_account(username: str) -> tuple[str, str]:
    r"""`DOMAIN\user` or `user@domain` -> (user, domain); a bare name has domain ""."""
    if "\\" in username:
        domain, user = username.split("\\", 1)
        return user, domain
    if "@" in username:
        user, domain = username.split("@", 1)
        return user, domain
    return username, ""


class LsaLookup:
    """Asks one server's LSA for the names of SIDs (method "lsa")."""

    method = "lsa"

    def __init__(
        self, host: str, port: int, username: str | None, password: str | None, timeout: float
    ) -> None:
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.timeout = timeout
        self._rpc: Any = None
        self._policy: Any = None
        self._smb: Any = None

    def lookup(self, sids: Sequence[str]) -> dict[str, str]:
        r"""Names of the SIDs the server knows, as `DOMAIN\name` (or `name` for a bare one)."""
        try:
            from impacket.dcerpc.v5 import lsat
            from impacket.dcerpc.v5.rpcrt import DCERPCException
        except ImportError as e:  # pragma: no cover - a dependency, but the error must be clear
            raise LookupFailedError(f"impacket is not installed ({e}); pip install impacket") from e
        if self._rpc is None:
            self._connect()
        try:
            answer = lsat.hLsarLookupSids(
                self._rpc, self._policy, list(sids), lsat.LSAP_LOOKUP_LEVEL.LsapLookupWksta
            )
        except DCERPCException as e:
            code = getattr(e, "error_code", None)
            if code == STATUS_NONE_MAPPED:
                return {}
            if code != STATUS_SOME_NOT_MAPPED or not hasattr(e, "get_packet"):
                raise LookupFailedError(f"LsarLookupSids on {self.host}:{self.port}: {e}") from e
            answer = e.get_packet()  # some named: the answer still carries them
        except (OSError, EOFError) as e:
            raise LookupFailedError(f"LSA on {self.host}:{self.port}: connection lost ({e})") from e
        domains = [d["Name"] for d in answer["ReferencedDomains"]["Domains"]]
        out: dict[str, str] = {}
        for sid, entry in zip(sids, answer["TranslatedNames"]["Names"], strict=True):
            if entry["Use"] in NO_NAME or entry["DomainIndex"] < 0:
                continue
            domain = domains[entry["DomainIndex"]] if entry["DomainIndex"] < len(domains) else ""
            out[sid] = f"{domain}\\{entry['Name']}" if domain else str(entry["Name"])
        return out

    def _connect(self) -> None:
        from impacket.dcerpc.v5 import lsad, lsat, transport
        from impacket.smbconnection import SMBConnection

        where = f"{self.host}:{self.port}"
        try:
            smb = SMBConnection(self.host, self.host, sess_port=self.port, timeout=self.timeout)
            if self.username and self.password:
                user, domain = split_account(self.username)
                smb.login(user, self.password, domain)
            else:  # the Kerberos ticket in the credential cache (kinit), as the SMB source uses
                user, domain = split_account(self.username or "")
                smb.kerberosLogin(user, "", domain, useCache=True)
            rpc = transport.SMBTransport(
                self.host, self.port, r"\lsarpc", smb_connection=smb
            ).get_dce_rpc()
            rpc.connect()
            rpc.bind(lsat.MSRPC_UUID_LSAT)
            policy = lsad.hLsarOpenPolicy2(rpc, lsat.POLICY_LOOKUP_NAMES)["PolicyHandle"]
        except Exception as e:  # impacket raises its own kinds per layer; all mean "cannot ask"
            raise LookupFailedError(
                f"cannot open LSA on {where} ({e}); the scanning account needs to connect to "
                "the server's IPC$ share, or name SIDs with `principals`"
            ) from e
        self._smb, self._rpc, self._policy = smb, rpc, policy

    def close(self) -> None:
        """Close the RPC binding and its SMB session."""
        try:
            if self._rpc is not None:
                self._rpc.disconnect()
            if self._smb is not None:
                self._smb.close()
        except Exception:  # closing a connection the server already dropped
            pass
        self._rpc = self._policy = self._smb = None
