r"""IMAP mailboxes: every message in every (matching) folder, read-only, UID-incremental.

Listing uses one FETCH per batch of UIDs for size, received date and the address headers, never
a round trip per message. Content is fetched with BODY.PEEK[] over a connection each worker
process opens lazily, so scanning never sets \Seen and never changes the mailbox (folders are
opened with EXAMINE). A message is named `<uid>.eml` so the eml extractor takes it and turns its
attachments into nested items.

URIs are `imap://user@host:port/<folder>/<uidvalidity>:<uid>`: UIDs are only unique together
with the folder's UIDVALIDITY (RFC 3501 2.3.1.1).

Incremental scans: the source is ChangeTracking (sources.base). A folder's sync point, keyed by
its uri prefix (which holds the UIDVALIDITY), records UIDNEXT, the message count, HIGHESTMODSEQ
where the server has CONDSTORE (RFC 7162) and the UIDs listed (as a compact set). Given back, the
walk asks each folder's STATUS first: all equal means nothing was added or expunged, and the
folder costs that one command. Otherwise `UID SEARCH ALL` (UIDs only) tells the new UIDs, whose
headers alone are fetched, and the expunged ones, reported as removed. A folder whose
UIDVALIDITY changed has another prefix, so no sync point: it is listed in full and its old
items are gone.
"""

from __future__ import annotations

import fnmatch
import imaplib
import ipaddress
import json
import re
import ssl
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote as pct

from scanner.config import ScanConfig, SourceConfig
from scanner.errors import ConfigError, ItemError, SourceError, TooLargeError
from scanner.mailparts import message_metadata, parse_headers
from scanner.models import Item, ItemResult, Status
from scanner.options import Opt
from sources.base import Changes
from sources.imap_proto import ListEntry, parse_fetch, parse_list, parse_uid_set, quote, uid_sets
from sources.options import env_value, read_options
from sources.retry import RetryPolicy, retry_options

T = TypeVar("T")

OPTIONS = {
    "id": Opt(str, ""),
    "host": Opt(str),
    "port": Opt(int, None),  # 993 with tls = "ssl", else 143
    "tls": Opt(str, "ssl", ("ssl", "starttls", "none"), 'use tls = "ssl"'),
    "username_env": Opt(str),
    "password_env": Opt(str),
    "folders": Opt(list, ["*"], fix='use folders = ["*"]', strings=True),
    "verify_tls": Opt(bool, True),
    "ca_file": Opt(str, ""),
    "batch_size": Opt(int, 200),
    "timeout_s": Opt(float, 60.0),
    # 0.4, 0.8, 1.6 s: a reconnect is cheap, and a restarting Dovecot is back within seconds.
    **retry_options(retries=3, backoff_s=0.4, max_wait_s=5.0),
}
HEADER_FIELDS = "FROM TO CC BCC DATE MESSAGE-ID"
LIST_QUERY = f"(UID RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS ({HEADER_FIELDS})])"
# What a dropped or reset connection looks like through imaplib and the ssl module.
CONNECTION_ERRORS = (imaplib.IMAP4.abort, OSError, EOFError)
_STATUS_ITEM = re.compile(rb"\b(UIDVALIDITY|UIDNEXT|MESSAGES|HIGHESTMODSEQ) (\d+)", re.I)


@dataclass(frozen=True, slots=True)
class _Status:
    """A folder's STATUS answer."""

    validity: int
    uidnext: int
    messages: int
    modseq: int | None


@dataclass(frozen=True, slots=True)
class _FolderPoint:
    """A folder's sync point: its STATUS when listed, and the UIDs that listing held."""

    uidnext: int
    messages: int
    modseq: int | None
    uid_list: list[int]

    @property
    def uids(self) -> set[int]:
        """The UIDs as a set."""
        return set(self.uid_list)

    def same_as(self, status: _Status) -> bool:
        """No message added (UIDNEXT) or expunged (count); MODSEQ also, where both have it."""
        return (
            self.uidnext == status.uidnext
            and self.messages == status.messages
            and (self.modseq is None or status.modseq is None or self.modseq == status.modseq)
        )

    def dump(self) -> str:
        """JSON, the UIDs as one compact IMAP set (`1:40,42`): gaps are few, UIDs many."""
        ranges = uid_sets(self.uid_list, max(len(self.uid_list), 1))
        return json.dumps(
            {"uidnext": self.uidnext, "messages": self.messages, "modseq": self.modseq,
             "uids": ranges[0] if ranges else ""}
        )  # fmt: skip

    @classmethod
    def load(cls, text: str | None) -> _FolderPoint | None:
        """Parse dump()'s JSON; None when absent or unreadable (the folder is listed in full)."""
        if not text:
            return None
        try:
            d = json.loads(text)
            return cls(d["uidnext"], d["messages"], d["modseq"], sorted(parse_uid_set(d["uids"])))
        except (ValueError, KeyError, TypeError):
            return None


class _UnreachableError(SourceError):
    """The server did not answer; worth a retry, unlike a refused login or an untrusted cert."""


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ImapSource:
    """One `[[source]] type = "imap"` mailbox."""

    type: ClassVar[str] = "imap"

    def __init__(self, config: SourceConfig, scan: ScanConfig) -> None:
        """Validate the options and read the credentials from the named environment variables."""
        self.config = config
        self.id = config.id
        self.limits = scan.limits
        opts = read_options(config, OPTIONS)
        self.host = opts["host"]
        self.tls = opts["tls"]
        if self.tls == "none" and not _is_loopback(self.host):
            raise ConfigError(
                config.key("tls"),
                f'"none" would send the password in clear text to {self.host}',
                'use tls = "ssl" or "starttls" (none is only allowed for a loopback test server)',
            )
        self.port = opts["port"] or (993 if self.tls == "ssl" else 143)
        self.folders = tuple(opts["folders"])
        if not self.folders:
            raise ConfigError(
                config.key("folders"),
                "must be a non-empty list of folder globs",
                'use folders = ["*"]',
            )
        self.verify_tls = opts["verify_tls"]
        self.ca_file = (scan.base_dir / opts["ca_file"]) if opts["ca_file"] else None
        if self.ca_file and not self.ca_file.is_file():
            raise ConfigError(
                config.key("ca_file"), f"{self.ca_file} does not exist", "give the CA bundle's path"
            )
        self.batch_size = opts["batch_size"]
        self.timeout_s = opts["timeout_s"]
        self.retry = RetryPolicy.from_options(config, opts)
        self.username_env = opts["username_env"]
        self.password_env = opts["password_env"]
        self.username = env_value(config, "username_env")
        self._password = env_value(config, "password_env")
        self.mailbox = f"{self.username}@{self.host}"
        self.uri_root = f"imap://{pct(self.username, safe='')}@{self.host}:{self.port}"
        # Sync points (folder uri prefix -> _FolderPoint as JSON): `saved` from the last complete
        # scan, `points` for the folders this walk finished listing.
        self.saved: dict[str, str] = {}
        self.points: dict[str, str] = {}
        self._condstore = False
        self.root_uri = self.uri_root  # what an outage of the server names (scanner.unreachable)
        self._conn: imaplib.IMAP4 | None = None
        self._selected: str | None = None

    def start_from(self, saved: Mapping[str, str]) -> None:
        """List folders from their saved sync points: only what was added or expunged since."""
        self.saved = dict(saved)

    def sync_state(self) -> dict[str, str]:
        """The sync point of every folder the last walk finished listing."""
        return dict(self.points)

    # -- connection ---------------------------------------------------------------------------

    def _ssl_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)
        if not self.verify_tls:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        return ctx

    def _connect(self) -> imaplib.IMAP4:
        where = f"{self.host}:{self.port}"
        try:
            conn: imaplib.IMAP4
            if self.tls == "ssl":
                conn = imaplib.IMAP4_SSL(
                    self.host, self.port, ssl_context=self._ssl_context(), timeout=self.timeout_s
                )
            else:
                conn = imaplib.IMAP4(self.host, self.port, timeout=self.timeout_s)
                if self.tls == "starttls":
                    conn.starttls(self._ssl_context())
        except ssl.SSLCertVerificationError as e:
            raise SourceError(
                f"IMAP {where}: the server's TLS certificate is not trusted ({e.verify_message}); "
                f"fix: set {self.config.key('ca_file')} to its CA "
                "(or verify_tls = false for a test server)"
            ) from e
        except (OSError, imaplib.IMAP4.error) as e:
            raise _UnreachableError(
                f"IMAP {where} cannot be reached ({e}); fix: check host, port and tls "
                f"({self.config.key('host')}, {self.config.key('port')}, {self.config.key('tls')})"
            ) from e
        try:
            conn.login(self.username, self._password)
        except imaplib.IMAP4.error as e:
            conn.shutdown()
            raise SourceError(
                f"IMAP {where}: login as {self.username} failed ({e}); fix: check the user in "
                f"${self.username_env} and the password in ${self.password_env}"
            ) from e
        self._selected = None
        typ, caps = conn.capability()  # after login: servers announce CONDSTORE only then
        self._condstore = typ == "OK" and b"CONDSTORE" in b" ".join(caps).upper().split()
        return conn

    def _connection(self) -> imaplib.IMAP4:
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.shutdown()
            except CONNECTION_ERRORS:
                pass  # already gone; that is why we are dropping it
        self._conn = None
        self._selected = None

    def _retrying(self, what: str, op: Callable[[imaplib.IMAP4], T]) -> tuple[T, int]:
        """Run `op` on the connection, reconnecting with backoff when the connection drops.

        Returns the result and how many retries it took, so callers can record them.
        """

        def give_up(e: Exception, attempt: int) -> SourceError:
            return SourceError(
                f"IMAP {self.host}:{self.port}: connection lost during {what} and "
                f"{attempt} reconnects failed ({e}); fix: check the server, or raise "
                f"{self.config.key('retries')}"
            )

        return self.retry.retrying(
            f"IMAP {self.host}: connection lost during {what}",
            lambda: op(self._connection()),
            lambda e: isinstance(e, (*CONNECTION_ERRORS, _UnreachableError)),
            give_up,
            reset=self._drop,
        )

    def _examine(self, conn: imaplib.IMAP4, wire_name: str) -> int:
        """Open a folder read-only (EXAMINE) and return its UIDVALIDITY."""
        typ, data = conn.select(quote(wire_name), readonly=True)
        if typ != "OK":
            raise ItemError(f"folder {wire_name!r} cannot be opened: {data[0]!r}")
        self._selected = wire_name
        validity = conn.untagged_responses.get("UIDVALIDITY", [None])[-1]
        if not isinstance(validity, bytes):
            raise ItemError(f"folder {wire_name!r}: the server sent no UIDVALIDITY")
        return int(validity)

    # -- listing ------------------------------------------------------------------------------

    def walk(self) -> Iterator[Item | ItemResult | Changes]:
        """Yield one Item per message in every folder matching `folders`."""
        (typ, data), _ = self._retrying("LIST", lambda c: c.list('""', "*"))
        if typ != "OK":
            raise SourceError(f"IMAP {self.host}: LIST failed ({data!r})")
        for entry in parse_list(data):
            if entry.selectable and any(fnmatch.fnmatchcase(entry.name, g) for g in self.folders):
                try:
                    yield from self._walk_folder(entry)
                except (ItemError, SourceError, imaplib.IMAP4.error) as e:
                    yield self._folder_error(entry, str(e))

    def _folder_error(self, entry: ListEntry, message: str) -> ItemResult:
        item = Item(
            uri=f"{self.uri_root}/{pct(entry.name, safe='')}",
            source=self.id,
            store=self.config.store,
            name=entry.name,
            location=self.config.location,
            metadata={"mailbox": self.mailbox, "folder": entry.name},
        )
        return ItemResult(
            item=item, status=Status.ERROR, message=f"folder cannot be listed: {message}"
        )

    def _walk_folder(self, entry: ListEntry) -> Iterator[Item | Changes]:
        folder = entry.name
        # Reconnects are recorded on the next item listed, so a scan's output shows where they hit.
        status, retries = self._retrying(f"STATUS {folder}", lambda c: self._status(c, entry))
        prefix = f"{self.uri_root}/{pct(folder, safe='')}/{status.validity}:"
        saved = _FolderPoint.load(self.saved.get(prefix))
        if saved is not None and saved.same_as(status):
            self.points[prefix] = self.saved[prefix]
            yield Changes(self.id, prefix)  # nothing added or expunged: not even a SEARCH
            return
        validity, more = self._retrying(
            f"EXAMINE {folder}", lambda c: self._examine(c, entry.wire_name)
        )
        retries += more
        if validity != status.validity:
            raise ItemError("UIDVALIDITY changed while listing; the next scan reads it again")
        (typ, data), more = self._retrying(f"SEARCH {folder}", lambda c: c.uid("SEARCH", "ALL"))
        retries += more
        if typ != "OK":
            raise ItemError(f"SEARCH failed: {data!r}")
        uids = sorted(int(x) for x in b" ".join(data).split())
        known = saved.uids if saved is not None else set()
        for uid_set in uid_sets([u for u in uids if u not in known], self.batch_size):

            def fetch(c: imaplib.IMAP4, uid_set: str = uid_set) -> list[Any]:
                if (
                    self._selected != entry.wire_name
                    and self._examine(c, entry.wire_name) != validity
                ):
                    raise ItemError(
                        "UIDVALIDITY changed while listing; the next scan reads it again"
                    )
                typ, rows = c.uid("FETCH", uid_set, LIST_QUERY)
                if typ != "OK":
                    raise ItemError(f"FETCH failed: {rows!r}")
                return rows

            rows, more = self._retrying(f"FETCH {folder}", fetch)
            retries += more
            for header in parse_fetch(rows):
                yield self._item(folder, entry.wire_name, validity, header.uid, header, retries)
                retries = 0
        self.points[prefix] = _FolderPoint(
            status.uidnext, status.messages, status.modseq, uids
        ).dump()
        if saved is not None:
            gone = sorted(known - set(uids))
            yield Changes(self.id, prefix, tuple(f"{prefix}{uid}" for uid in gone))

    def _status(self, conn: imaplib.IMAP4, entry: ListEntry) -> _Status:
        """STATUS of a folder: enough to see that nothing was added or expunged, unselected."""
        items = "UIDVALIDITY UIDNEXT MESSAGES" + (" HIGHESTMODSEQ" if self._condstore else "")
        typ, data = conn.status(quote(entry.wire_name), f"({items})")
        if typ != "OK":
            raise ItemError(f"folder {entry.name!r}: STATUS failed: {data!r}")
        text = b" ".join(d if isinstance(d, bytes) else b" ".join(d) for d in data if d)
        found = {k.decode().upper(): int(v) for k, v in _STATUS_ITEM.findall(text)}
        if "UIDVALIDITY" not in found or "UIDNEXT" not in found:
            raise ItemError(f"folder {entry.name!r}: the server's STATUS lacks UIDVALIDITY")
        return _Status(
            found["UIDVALIDITY"], found["UIDNEXT"], found.get("MESSAGES", -1),
            found.get("HIGHESTMODSEQ"),
        )  # fmt: skip

    def _item(
        self, folder: str, wire: str, validity: int, uid: int, header: Any, retries: int
    ) -> Item:
        metadata = {
            "mailbox": self.mailbox,
            "folder": folder,
            "uidvalidity": str(validity),
            "uid": str(uid),
        }
        metadata.update(message_metadata(parse_headers(header.header)))
        if retries:
            metadata["listing_retries"] = str(retries)
        return Item(
            uri=f"{self.uri_root}/{pct(folder, safe='')}/{validity}:{uid}",
            source=self.id,
            store=self.config.store,
            name=f"{uid}.eml",
            size=header.size,
            modified=header.internal_date,
            owner=self.username,
            location=self.config.location,
            metadata=metadata,
            ref=(wire, validity, uid),
        )

    # -- reading ------------------------------------------------------------------------------

    def read(self, item: Item) -> bytes:
        r"""Fetch the whole message with BODY.PEEK[] (never sets \Seen)."""
        if item.data is not None:
            return item.data
        if item.size is not None and item.size > self.limits.max_file_bytes:
            raise TooLargeError(f"message is {item.size} bytes, over limits.max_file_mb")
        wire, validity, uid = item.ref

        def fetch(c: imaplib.IMAP4) -> bytes:
            if self._selected != wire and self._examine(c, wire) != validity:
                raise ItemError(
                    "the folder's UIDVALIDITY changed since listing; rescan the mailbox"
                )
            typ, rows = c.uid("FETCH", str(uid), "(BODY.PEEK[])")
            if typ != "OK":
                raise ItemError(f"FETCH failed: {rows!r}")
            for row in rows:
                if isinstance(row, tuple):
                    return bytes(row[1])
            raise ItemError("the message no longer exists (deleted or moved since listing)")

        data, retries = self._retrying(f"FETCH {item.uri}", fetch)
        if retries:
            item.metadata["retries"] = str(retries)
        return data

    def close(self) -> None:
        """Log out politely; a connection that is already gone is simply forgotten."""
        if self._conn is not None:
            try:
                self._conn.logout()
            except (*CONNECTION_ERRORS, imaplib.IMAP4.error):
                pass  # the server closed first; nothing is left to release
        self._conn = None
        self._selected = None
