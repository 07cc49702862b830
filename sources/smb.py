"""SMB file shares (Windows, Samba, NAS) through smbprotocol's `smbclient`.

`walk()` lists each folder once with QUERY_DIRECTORY (FileIdFullDirectoryInformation), which
already carries size, times and attributes, so there is no stat round trip per file. Who can read
a file comes from its security descriptor: one compounded create+query+close per file (`acl =
"file"`), or one per folder for files that inherit (`acl = "folder"`). Parsed descriptors are
cached by their bytes, since most files in a tree share a handful of ACLs.

Readers and owners are SIDs in the descriptor; they are named by asking the server itself (LSA
`LsarLookupSids` over the same SMB connection details, optionally LDAP against a domain
controller), once per SID per walk, with the config's `principals` map as an override (see
sources/principals.py).

Every smbclient call is given our own connection cache and `port=`: the library's DirEntry.stat()
and friends silently fall back to port 445 and the global cache, which breaks non-default ports.
A dropped connection or a restarted server is retried with exponential backoff after throwing the
cached connection away; a folder that cannot be listed becomes an error row and the walk goes on.
"""

from __future__ import annotations

import posixpath
import time
from collections import deque
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any, ClassVar, TypeVar
from urllib.parse import unquote, urlsplit

import smbclient
from smbclient._io import SMBDirectoryIO, SMBFileIO, SMBFileTransaction, SMBRawIO
from smbprotocol.exceptions import SMBConnectionClosed, SMBOSError, SMBResponseException
from smbprotocol.file_info import FileAttributes, FileInformationClass, InfoType
from smbprotocol.open import FilePipePrinterAccessMask, SMB2QueryInfoRequest, SMB2QueryInfoResponse

from scanner.config import ScanConfig, SourceConfig
from scanner.errors import ConfigError, ItemError, TooLargeError
from scanner.models import Item, ItemResult, Status
from sources.base import Folder, NameFacts, PrincipalLookups, WalkStep
from sources.ldap_names import LdapLookup
from sources.local import matches
from sources.lsa import LsaLookup
from sources.options import check_keys, env_value
from sources.principals import PrincipalNames, SidLookup
from sources.smb_acl import Access, SecurityDescriptorError, access_from_descriptor

T = TypeVar("T")

OWNER_SECURITY_INFORMATION = 0x1
DACL_SECURITY_INFORMATION = 0x4
READ_CONTROL = 0x00020000

# NTSTATUS values that mean "the session or connection is gone", not "this file is bad".
TRANSIENT_STATUS = {
    0xC00000C9,  # STATUS_NETWORK_NAME_DELETED
    0xC000020C,  # STATUS_CONNECTION_DISCONNECTED
    0xC000020D,  # STATUS_CONNECTION_RESET
    0xC0000203,  # STATUS_USER_SESSION_DELETED
    0xC000035C,  # STATUS_NETWORK_SESSION_EXPIRED
    0xC00000B5,  # STATUS_IO_TIMEOUT
}
SKIP_ATTRIBUTES = FileAttributes.FILE_ATTRIBUTE_REPARSE_POINT
OPTIONS = {
    "url",
    "username_env",
    "password_env",
    "auth",
    "encrypt",
    "include",
    "exclude",
    "max_depth",
    "retries",
    "retry_backoff_s",
    "acl",
    "principals",
    "resolve_names",
    "ldap_url",
    "ldap_base",
    "ldap_domain",
    "ldap_username_env",
    "ldap_password_env",
    "timeout_s",
    "id",
}
NAME_LOOKUPS = ("lsa", "ldap")


def is_transient(exc: BaseException) -> bool:
    """Whether an error means the connection, not the item, failed (so a retry can succeed)."""
    if isinstance(exc, SMBConnectionClosed | ConnectionError | TimeoutError):
        return True
    if isinstance(exc, SMBOSError):
        return exc.ntstatus in TRANSIENT_STATUS
    if isinstance(exc, SMBResponseException):
        return exc.status in TRANSIENT_STATUS
    # smbprotocol reports a refused TCP connect (server restarting) as a bare ValueError.
    if isinstance(exc, ValueError) and str(exc).startswith("Failed to connect to"):
        return True
    return isinstance(exc, OSError) and exc.errno is not None


class SmbSource:
    """One `[[source]] type = "smb"`: a share or a folder in it, walked recursively."""

    type: ClassVar[str] = "smb"

    def __init__(self, config: SourceConfig, scan: ScanConfig) -> None:
        """Validate the options; connect lazily (read() runs in worker processes)."""
        self.config = config
        self.scan = scan
        self.id = config.id
        check_keys(config, OPTIONS)
        self.host, self.port, self.share, self.root = _parse_url(
            _opt(config, "url", str), config.key("url")
        )
        self.root_uri = self.uri("")
        self.username = env_value(config, "username_env", required=False)
        self.password = env_value(config, "password_env", required=False)
        self.auth = _opt(config, "auth", str, "ntlm" if self.username else "negotiate")
        if self.auth not in {"negotiate", "ntlm", "kerberos"}:
            raise ConfigError(
                config.key("auth"),
                f"unknown method {self.auth!r}",
                'use "negotiate", "ntlm" or "kerberos"',
            )
        if self.auth == "ntlm" and not (self.username and self.password):
            raise ConfigError(
                config.key("username_env"),
                "NTLM needs a user and a password",
                'set username_env and password_env, or kinit and use auth = "kerberos"',
            )
        self.encrypt = _opt(config, "encrypt", bool, False)
        self.include = _globs(config, "include")
        self.exclude = _globs(config, "exclude")
        self.max_depth = _opt(config, "max_depth", int, -1)
        self.retries = _opt(config, "retries", int, 4)
        self.backoff = _opt(config, "retry_backoff_s", float, 0.5)
        self.timeout = _opt(config, "timeout_s", float, 30.0)
        if self.retries < 0 or self.backoff < 0 or self.timeout <= 0:
            raise ConfigError(
                config.key("retries"),
                "retries, retry_backoff_s must be >= 0 and timeout_s > 0",
                "use e.g. retries = 4, retry_backoff_s = 0.5, timeout_s = 30",
            )
        self.acl = _opt(config, "acl", str, "file")
        if self.acl not in {"file", "folder", "off"}:
            raise ConfigError(
                config.key("acl"), f"unknown mode {self.acl!r}", 'use "file", "folder" or "off"'
            )
        principals = _opt(config, "principals", dict, {})
        if not all(isinstance(v, str) for v in principals.values()):
            raise ConfigError(
                config.key("principals"),
                "values must be names",
                'write principals = { "S-1-5-21-…-1107" = "CORP\\\\finance" }',
            )
        self.principals: dict[str, str] = principals
        self.resolve = self._name_lookups(config)
        self.names = PrincipalNames(principals, [self._lookup(m, config) for m in self.resolve])
        self._cache: dict[str, Any] = {}
        self._access: dict[bytes, Access] = {}
        # Retries spent in the last read(); read() can only return bytes, so callers ask here.
        self.last_read_retries = 0

    def _name_lookups(self, config: SourceConfig) -> list[str]:
        methods = config.options.get("resolve_names", ["lsa"])
        if not isinstance(methods, list) or any(m not in NAME_LOOKUPS for m in methods):
            raise ConfigError(
                config.key("resolve_names"),
                f"must list lookups among {', '.join(NAME_LOOKUPS)}, got {methods!r}",
                'use resolve_names = ["lsa"] (or ["lsa", "ldap"], or [] for none)',
            )
        if "ldap" in methods:
            for key in ("ldap_url", "ldap_base"):
                _opt(config, key, str)
        return list(methods)

    def _lookup(self, method: str, config: SourceConfig) -> SidLookup:
        """A lookup; it connects on the first SID that needs a name (walk only, never workers)."""
        if method == "lsa":
            return LsaLookup(self.host, self.port, self.username, self.password, self.timeout)
        user = env_value(config, "ldap_username_env", required=False) or self.username
        password = env_value(config, "ldap_password_env", required=False) or self.password
        return LdapLookup(
            _opt(config, "ldap_url", str),
            _opt(config, "ldap_base", str),
            _opt(config, "ldap_domain", str, ""),
            user,
            password,
            self.timeout,
        )

    def principal_lookups(self) -> PrincipalLookups:
        """How this walk named the SIDs of its ACLs (for scan.json)."""
        return self.names.report("+".join(self.resolve) or "off")

    # -- connection ---------------------------------------------------------------------------

    def _kwargs(self) -> dict[str, Any]:
        return {
            "port": self.port,
            "username": self.username,
            "password": self.password,
            "connection_cache": self._cache,
            "auth_protocol": self.auth,
            "encrypt": self.encrypt or None,
            "connection_timeout": self.timeout,
        }

    def unc(self, rel: str) -> str:
        """Return the UNC path smbclient wants for a share-relative path ("" = the URL's folder)."""
        parts = [p for p in (self.root + "/" + rel).split("/") if p]
        return "\\\\" + "\\".join([self.host, self.share, *parts])

    def uri(self, rel: str) -> str:
        """Return the public URI smb://host:port/share/path (names as the server gives them)."""
        tail = "/".join(p for p in (self.root + "/" + rel).split("/") if p)
        return f"smb://{self.host}:{self.port}/{self.share}" + (f"/{tail}" if tail else "")

    def _reset(self) -> None:
        """Drop every cached connection so the next call reconnects and re-authenticates."""
        smbclient.reset_connection_cache(fail_on_error=False, connection_cache=self._cache)

    def _retrying(self, what: str, op: Callable[[], T]) -> tuple[T, int]:
        """Run `op`, retrying connection failures with backoff; return its value and the retries."""
        attempt = 0
        while True:
            try:
                return op(), attempt
            except Exception as exc:  # classified below, never swallowed
                if not is_transient(exc) or attempt >= self.retries:
                    if is_transient(exc):
                        raise ItemError(
                            f"{what}: connection failed {attempt + 1} times ({exc}); check that "
                            f"{self.host}:{self.port} is up, or raise retries"
                        ) from exc
                    raise
                self._reset()
                time.sleep(self.backoff * (2**attempt))
                attempt += 1

    # -- walk ---------------------------------------------------------------------------------

    def walk(self) -> Iterator[Item | ItemResult]:
        """Yield every file under the URL, depth-first, listing each folder once."""
        yield from self._walk([("", 0)], lambda: False)

    def walk_step(self, folders: list[Folder] | None, files: int) -> WalkStep:
        """One part of a split walk (sources.base.SplitWalk): the files, and the folders left."""
        stack = [("", 0)] if folders is None else [(f.ref, f.depth) for f in folders]
        found: list[Item | ItemResult] = []
        found.extend(self._walk(stack, lambda: len(found) >= files))
        rest = [Folder(rel, depth, self.uri(rel)) for rel, depth in stack]
        return WalkStep(found, rest, self.names.facts())

    def absorb(self, facts: NameFacts) -> None:
        """Take in the SIDs a walk part named elsewhere (for scan.json `principals`)."""
        self.names.absorb(facts)

    def _walk(
        self, stack: list[tuple[str, int]], full: Callable[[], bool]
    ) -> Iterator[Item | ItemResult]:
        """Depth-first from `stack` (which it consumes) until it is empty or `full()`.

        `full` is asked only between folders: a folder is always listed whole.
        """
        while stack and not full():
            rel, depth = stack.pop()
            try:
                entries, retries = self._retrying(
                    f"listing {self.uri(rel)}", partial(self._list, rel)
                )
            except Exception as exc:  # one folder's failure is a row, not the end
                yield self._folder_error(rel, exc)
                continue
            folder_access = self._folder_access(rel) if self.acl == "folder" else None
            subdirs: list[str] = []
            for name, info in entries:
                child = f"{rel}/{name}" if rel else name
                if info["attributes"] & SKIP_ATTRIBUTES:
                    # A link or junction may loop; the library itself follows DFS roots.
                    yield self._skipped(rel, name, "reparse point (link or junction): not followed")
                    continue
                if info["attributes"] & FileAttributes.FILE_ATTRIBUTE_DIRECTORY:
                    if not self._excluded(child) and (self.max_depth < 0 or depth < self.max_depth):
                        subdirs.append(child)
                    continue
                if self._excluded(child) or not self._included(child):
                    continue
                yield self._item(rel, name, info, folder_access, retries)
            stack.extend((d, depth + 1) for d in reversed(subdirs))

    def _list(self, rel: str) -> list[tuple[str, dict[str, Any]]]:
        """List one folder with its metadata (the whole folder, so that a retry restarts it)."""
        out = []
        with SMBDirectoryIO(self.unc(rel), share_access="rwd", **self._kwargs()) as fd:
            for info in fd.query_directory(
                "*", FileInformationClass.FILE_ID_FULL_DIRECTORY_INFORMATION
            ):
                name = info["file_name"].get_value().decode("utf-16-le", "surrogatepass")
                if name in (".", ".."):
                    continue
                out.append(
                    (
                        name,
                        {
                            "size": info["end_of_file"].get_value(),
                            "modified": info["last_write_time"].get_value(),
                            "attributes": info["file_attributes"].get_value(),
                        },
                    )
                )
        out.sort(key=lambda e: e[0])
        return out

    def _item(
        self, rel: str, name: str, info: dict[str, Any], folder: Access | None, retries: int
    ) -> Item:
        child = f"{rel}/{name}" if rel else name
        metadata: dict[str, str] = {}
        access = folder
        if self.acl == "file":
            try:
                access, acl_retries = self._retrying(
                    f"reading the ACL of {self.uri(child)}", lambda: self._access_of(child)
                )
                retries += acl_retries
            except Exception as exc:  # unknown readers are recorded, the file is still scanned
                metadata["acl_error"] = str(exc)
        if access is not None and access.broad:
            metadata["broad_access"] = "true"
            metadata["broad_principals"] = ",".join(access.broad)
        if retries:
            metadata["retries"] = str(retries)
        modified: datetime = info["modified"]
        return Item(
            uri=self.uri(child),
            source=self.id,
            store=self.config.store,
            name=name,
            parent_uri=self.uri(rel),
            size=info["size"],
            modified=modified if modified.tzinfo else modified.replace(tzinfo=UTC),
            owner=access.owner if access else None,
            readers=access.readers if access else None,
            location=self.config.location,
            metadata=metadata,
            ref=child,
        )

    def _skipped(self, rel: str, name: str, why: str) -> ItemResult:
        child = f"{rel}/{name}" if rel else name
        item = Item(
            uri=self.uri(child),
            source=self.id,
            store=self.config.store,
            name=name,
            parent_uri=self.uri(rel),
            location=self.config.location,
        )
        return ItemResult(item=item, status=Status.SKIPPED, message=why)

    def _folder_error(self, rel: str, exc: BaseException) -> ItemResult:
        name = rel.rsplit("/", 1)[-1] or self.share
        hint = (
            "grant the scanning account List Folder rights"
            if _denied(exc)
            else "check the server and the path"
        )
        item = Item(
            uri=self.uri(rel),
            source=self.id,
            store=self.config.store,
            name=name,
            parent_uri=self.uri(posixpath.dirname(rel)) if rel else None,
            location=self.config.location,
            metadata={"kind": "folder"},
        )
        return ItemResult(
            item=item,
            status=Status.ERROR,
            message=f"cannot list folder {self.uri(rel)}: {exc}; {hint}",
        )

    # -- security descriptors -----------------------------------------------------------------

    def _descriptor(self, rel: str) -> bytes:
        """Fetch the owner+DACL in one compounded create/query/close round trip."""
        raw = SMBRawIO(
            self.unc(rel),
            mode="r",
            share_access="rwd",
            desired_access=READ_CONTROL,
            **self._kwargs(),
        )
        query = SMB2QueryInfoRequest()
        query["info_type"] = InfoType.SMB2_0_INFO_SECURITY
        query["output_buffer_length"] = 65536
        query["additional_information"] = OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION
        query["file_id"] = raw.fd.file_id

        def receive(request: Any) -> bytes:
            response = raw.fd.connection.receive(request)
            parsed = SMB2QueryInfoResponse()
            parsed.unpack(response["data"].get_value())
            return bytes(parsed["buffer"].get_value())

        with SMBFileTransaction(raw) as transaction:
            transaction += (query, receive)
        return bytes(transaction.results[0])

    def _access_of(self, rel: str, for_children: bool = False) -> Access:
        data = self._descriptor(rel)
        key = bytes([for_children]) + data
        if key not in self._access:
            if len(self._access) >= ACCESS_CACHE:  # per-file owners can make every key unique
                self._access.clear()
            try:
                self._access[key] = access_from_descriptor(data, self.names.names, for_children)
            except SecurityDescriptorError as exc:
                raise ItemError(f"{self.uri(rel)}: unreadable security descriptor ({exc})") from exc
        return self._access[key]

    def _folder_access(self, rel: str) -> Access | None:
        try:
            return self._retrying(
                f"reading the ACL of {self.uri(rel)}", lambda: self._access_of(rel, True)
            )[0]
        except Exception:  # readers stay unknown (None); the files are still scanned
            return None

    # -- filters ------------------------------------------------------------------------------

    def _excluded(self, rel: str) -> bool:
        return bool(self.exclude) and matches(rel, rel.rsplit("/", 1)[-1], self.exclude)

    def _included(self, rel: str) -> bool:
        return not self.include or matches(rel, rel.rsplit("/", 1)[-1], self.include)

    # -- read ---------------------------------------------------------------------------------

    def read(self, item: Item) -> bytes:
        """Return the file's bytes, pipelined, retried from the start if the connection drops."""
        limit = self.scan.limits.max_file_bytes
        if item.size is not None and item.size > limit:  # known from the listing: skip the open
            raise TooLargeError(
                f"{item.uri}: {item.size} bytes is over limits.max_file_mb; raise it to scan it"
            )
        data, self.last_read_retries = self._retrying(
            f"reading {item.uri}", lambda: self._read(str(item.ref), limit, item.uri)
        )
        if self.last_read_retries:  # the worker re-takes the item row after read(): recorded
            listed = int(item.metadata.get("retries", "0"))
            item.metadata["retries"] = str(listed + self.last_read_retries)
        return data

    def _read(self, rel: str, limit: int, uri: str) -> bytes:
        """Read the whole file with up to PIPELINE reads in flight.

        smbclient's own read() waits for each chunk before asking for the next, which leaves the
        link idle for a round trip plus the server's disk read per chunk (about 100 MB/s on
        loopback). Keeping several requests outstanding, within the credits the server granted,
        is what Windows and Samba's smbclient do.
        """
        f = SMBFileIO(
            self.unc(rel),
            mode="rb",
            share_access="rwd",
            desired_access=_READ_ACCESS,
            **self._kwargs(),
        )
        f.open()
        ok = False
        try:
            fd = f.fd
            conn = fd.connection
            size = int(fd.end_of_file)
            if size > limit:
                raise TooLargeError(
                    f"{uri}: {size} bytes is over limits.max_file_mb; raise it to scan this file"
                )
            out = bytearray(size)
            pending: deque[tuple[int, int, Any, Callable[[Any], bytes]]] = deque()
            want = PIPELINE * _credits(min(READ_CHUNK, conn.max_read_size))
            offset = 0
            try:
                while offset < size or pending:
                    while offset < size and len(pending) < PIPELINE:
                        free = conn.sequence_window["high"] - conn.sequence_window["low"]
                        length = min(
                            READ_CHUNK, conn.max_read_size, size - offset, free * CREDIT_BYTES
                        )
                        if length <= 0:
                            break
                        message, receive = fd.read(offset, length, send=False)
                        request = conn.send(
                            message,
                            sid=fd.tree_connect.session.session_id,
                            tid=fd.tree_connect.tree_connect_id,
                            credit_request=want,
                        )
                        pending.append((offset, length, request, receive))
                        offset += length
                    if not pending:
                        raise ItemError(
                            f"{uri}: the server granted no SMB credits to read with; retry later"
                        )
                    start, length, request, receive = pending.popleft()
                    data = receive(request)
                    out[start : start + len(data)] = data
                    if len(data) < length:  # the file shrank after it was opened: keep what exists
                        size = offset = start + len(data)
            finally:
                for _start, _length, request, receive in pending:
                    _drain(receive, request)
            ok = True
        finally:
            _close(f, quiet=not ok)
        del out[size:]
        return bytes(out)

    def close(self) -> None:
        """Close this source's connections (its own cache; other sources keep theirs)."""
        self._reset()
        self.names.close()


ACCESS_CACHE = 4096
# SMB2 charges one credit per 64 KiB of payload ([MS-SMB2] 3.1.5.2).
CREDIT_BYTES = 65536
# 1 MiB x 8 in flight measured best on loopback: smbprotocol's transport allocates a buffer the
# size of the whole remaining message on every socket recv, so 8 MiB reads (Samba's maximum)
# spend their time in malloc; smaller chunks with more of them in flight keep the link busy.
PIPELINE = 8
READ_CHUNK = 1024 * 1024


def _credits(length: int) -> int:
    return (max(0, length - 1) // CREDIT_BYTES) + 1


def _drain(receive: Callable[[Any], bytes], request: Any) -> None:
    """Collect an abandoned read's response so it does not linger in the connection's queue."""
    try:
        receive(request)
    except Exception:  # the read already failed; this is cleanup only
        pass


def _close(f: SMBFileIO, quiet: bool) -> None:
    """Close a handle; after a failure, a second one (dead socket) must not mask the first."""
    if not quiet:
        f.close()
        return
    try:
        f.close()
    except Exception:  # the original error is already propagating
        pass


_READ_ACCESS = (
    FilePipePrinterAccessMask.FILE_READ_DATA | FilePipePrinterAccessMask.FILE_READ_ATTRIBUTES
)


def _denied(exc: BaseException) -> bool:
    return isinstance(exc, SMBOSError) and exc.ntstatus == 0xC0000022  # STATUS_ACCESS_DENIED


def _opt(config: SourceConfig, key: str, kind: type[T], default: Any = ...) -> T:
    if key not in config.options:
        if default is ...:
            raise ConfigError(
                config.key(key), "is required", f'add {key} = "..." to this [[source]]'
            )
        return default  # type: ignore[no-any-return]
    value = config.options[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(
            config.key(key), f"must be a {kind.__name__}, got {value!r}", "correct its type"
        )
    return value  # type: ignore[no-any-return]


def _globs(config: SourceConfig, key: str) -> tuple[str, ...]:
    value = _opt(config, key, list, [])
    if not all(isinstance(v, str) for v in value):
        raise ConfigError(
            config.key(key),
            f"must be a list of glob strings, got {value!r}",
            f'write {key} = ["*.tmp"]',
        )
    return tuple(value)


def _parse_url(url: str, key: str) -> tuple[str, int, str, str]:
    """smb://host[:port]/share[/path] -> host, port, share, path (posix, no leading slash)."""
    parts = urlsplit(url)
    fix = 'write it as url = "smb://server[:port]/share/folder"'
    if parts.scheme.lower() != "smb" or not parts.hostname:
        raise ConfigError(key, f"{url!r} is not an smb:// URL with a server", fix)
    try:
        port = parts.port or 445
    except ValueError as exc:
        raise ConfigError(key, f"{url!r} has a bad port", fix) from exc
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if not segments:
        raise ConfigError(key, f"{url!r} names no share", fix)
    return parts.hostname, port, segments[0], "/".join(segments[1:])
