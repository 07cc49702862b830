"""On-premises Exchange Server mailboxes through EWS (exchangelib), one Item per message.

Microsoft blocks EWS in Exchange Online from 1 October 2026: Office 365 goes through
`sources/graph.py`; this source is for Exchange Server on the organisation's own machines.

`walk()` opens each configured mailbox (as itself, or through ExchangeImpersonation with a service
account), lists every folder under the mailbox root with one deep FindFolder — and under the
archive mailbox root when `include_archive` and the mailbox has one — and pages each folder's items
with FindItem (+ GetItem in batches for recipients, which FindItem cannot return). `read()` asks
GetItem for the item's MimeContent: the message with its file and item attachments, which the
shared eml extractor splits into body segments and attachment children. Where Exchange's MIME
lacks an attachment that the item lists (MIME conversion leaves some out, notably for
non-message items), read() fetches it with GetAttachment and adds it to the MIME, an item
attachment as a message/rfc822 part.

Incremental scans: the source is ChangeTracking (sources.base). Before each folder's FindItem
listing, one SyncFolderItems round with the IdOnly shape takes the folder's SyncState; that state
is the folder's sync point, kept in the state database by the pipeline. Given back, the walk asks
SyncFolderItems for the changes since: created and updated items are listed (their mail fields
with one GetItem batch), deleted ones are reported as removed, and Changes carries the rest
forward. An invalid state (ErrorInvalidSyncStateData) lists the folder in full again.
`since = "2024-01-01T00:00:00Z"` in the config (or `EwsSource(config, scan, since=datetime)`)
instead lists only items whose LastModifiedTime is later, with no sync points.
ErrorServerBusy and other transient errors are retried by exchangelib's FaultTolerance policy
for up to `max_wait_s` seconds.

EWS cannot run here: tests/sources/test_ews.py runs this module against tests/fixtures/fake_ews.py,
a local HTTP server answering the SOAP operations with the documented response shapes. NTLM and
autodiscover are not exercised by those tests (basic auth and an explicit URL are).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import TYPE_CHECKING, Any, ClassVar, cast
from urllib.parse import quote, urlsplit

from scanner.config import ScanConfig, SourceConfig
from scanner.errors import ConfigError, ItemError, TooLargeError
from scanner.models import Item, ItemResult, Status
from scanner.options import Opt
from sources.base import Changes
from sources.options import env_value, read_options

if TYPE_CHECKING:
    from exchangelib import Account
    from exchangelib.folders import Folder

# exchangelib takes a second to import, so it is imported where it is used: a scan without an
# ews source (and every worker that reads none) never pays for it.

OPTIONS = {
    "id": Opt(str, ""),
    "server": Opt(str, ""),
    "ews_url": Opt(str, ""),
    "autodiscover": Opt(bool, False),
    "username_env": Opt(str),
    "password_env": Opt(str),
    "auth": Opt(str, "ntlm", ("ntlm", "basic"), 'use "ntlm" or "basic"'),
    "mailboxes": Opt(
        list, fix='write mailboxes = ["anna@example.com"]', strings=True, nonempty=True
    ),
    "impersonation": Opt(bool, False),
    "folders": Opt(list, ["*"], strings=True, nonempty=True),
    "include_archive": Opt(bool, True),
    "verify_tls": Opt(bool, True),
    "since": Opt(str, ""),
    "page_size": Opt(int, 100),
    "max_wait_s": Opt(float, 300.0),
    "server_version": Opt(str, ""),
}
AUTH = {"ntlm": "NTLM", "basic": "basic"}  # exchangelib.transport.NTLM / BASIC
LIST_FIELDS = ("datetime_received", "size", "last_modified_time")
MAIL_FIELDS = ("sender", "to_recipients", "cc_recipients", "bcc_recipients", "message_id")


class EwsSource:
    """A `[[source]] type = "ews"`: mailboxes on an on-premises Exchange Server."""

    type: ClassVar[str] = "ews"

    def __init__(
        self, config: SourceConfig, scan: ScanConfig, since: datetime | None = None
    ) -> None:
        opts = read_options(config, OPTIONS)
        self.config = config
        self.id = config.id
        self.limits = scan.limits
        server, url, auto = opts["server"], opts["ews_url"], opts["autodiscover"]
        if sum(bool(x) for x in (server, url, auto)) != 1:
            raise ConfigError(
                config.key("ews_url"),
                "exactly one of server, ews_url and autodiscover = true is needed",
                'set ews_url = "https://mail.example.com/EWS/Exchange.asmx" or server = "mail.example.com"',  # noqa: E501
            )
        self.ews_url: str | None = (
            str(url) if url else (f"https://{server}/EWS/Exchange.asmx" if server else None)
        )
        self.autodiscover = bool(auto)
        self.username = env_value(config, "username_env")
        self.password = env_value(config, "password_env")
        self.auth = AUTH[opts["auth"]]
        self.mailboxes = list(opts["mailboxes"])
        if "*" in self.mailboxes:
            raise ConfigError(
                config.key("mailboxes"),
                '"*" is not supported for EWS',
                "list the mailbox addresses to scan",
            )
        self.impersonation = opts["impersonation"]
        self.folders = list(opts["folders"])
        self.include_archive = opts["include_archive"]
        self.verify_tls = opts["verify_tls"]
        self.page_size = opts["page_size"]
        self.max_wait_s = opts["max_wait_s"]
        version = opts["server_version"]
        try:
            self.version = tuple(int(p) for p in version.split(".")) if version else None
            if self.version is not None and not 2 <= len(self.version) <= 4:
                raise ValueError(version)
        except ValueError as e:
            raise ConfigError(
                config.key("server_version"), f"{version!r} is not a build", 'write e.g. "15.1"'
            ) from e
        since_opt = opts["since"]
        try:
            self.since = since or (
                datetime.fromisoformat(since_opt).astimezone(UTC) if since_opt else None
            )
        except ValueError as e:
            raise ConfigError(
                config.key("since"), f"{since_opt!r} is not a date", 'write "2024-01-31T00:00:00Z"'
            ) from e
        self._accounts: dict[str, Account] = {}
        # Sync points (folder uri prefix -> SyncState): `saved` from the last complete scan,
        # `points` for the folders this walk finished listing.
        self.saved: dict[str, str] = {}
        self.points: dict[str, str] = {}

    def start_from(self, saved: Mapping[str, str]) -> None:
        """List folders from their saved SyncFolderItems states: only what changed since."""
        self.saved = dict(saved)

    def sync_state(self) -> dict[str, str]:
        """The SyncState of every folder the last walk finished listing."""
        return dict(self.points)

    # -- listing (main process) ------------------------------------------------------------

    def walk(self) -> Iterator[Item | ItemResult | Changes]:
        """Yield one Item per item of every selected folder of every mailbox (and its archive)."""
        from exchangelib.errors import (
            ErrorAccessDenied,
            ErrorFolderNotFound,
            ErrorInvalidOperation,
            ErrorItemNotFound,
            EWSError,
        )

        # The archive is a second mailbox; EWS answers these when there is none or no right to it.
        no_archive = (
            ErrorFolderNotFound,
            ErrorItemNotFound,
            ErrorAccessDenied,
            ErrorInvalidOperation,
        )
        for mailbox in self.mailboxes:
            try:
                account = self._account(mailbox)
                roots: list[tuple[str, Folder]] = [("", account.msg_folder_root)]
            except EWSError as e:
                yield self._error_row(mailbox, (), f"cannot open mailbox: {e}")
                continue
            if self.include_archive:
                try:
                    roots.append(("Archive", account.archive_msg_folder_root))
                except no_archive:
                    pass  # No archive mailbox, or no right to it: nothing to scan there.
            for prefix, root in roots:
                try:
                    for folder, path in self._folders(account, root, prefix):
                        if self._selected(path):
                            yield from self._synced_items(account, mailbox, folder, path)
                except EWSError as e:
                    yield self._error_row(
                        mailbox, (prefix,) if prefix else (), f"cannot list folders: {e}"
                    )

    def _folders(
        self, account: Account, root: Folder, prefix: str
    ) -> Iterator[tuple[Folder, tuple[str, ...]]]:
        """Every folder below `root` with its path, from one deep FindFolder."""
        from exchangelib.folders import DEEP, FolderCollection

        found = list(FolderCollection(account=account, folders=[root]).find_folders(depth=DEEP))
        names = {
            f.id: (f.name, f.parent_folder_id.id if f.parent_folder_id else None) for f in found
        }

        def path(folder_id: str) -> tuple[str, ...]:
            parts: list[str] = []
            while folder_id in names and len(parts) < 64:
                name, folder_id = names[folder_id]  # type: ignore[assignment]
                parts.append(name)
            return ((prefix,) if prefix else ()) + tuple(reversed(parts))

        for folder in found:
            yield folder, path(folder.id)

    def _selected(self, path: tuple[str, ...]) -> bool:
        p = "/".join(path).casefold()
        return any(
            f == "*" or p == f.casefold() or p.startswith(f.casefold() + "/") for f in self.folders
        )

    def _synced_items(
        self, account: Account, mailbox: str, folder: Folder, path: tuple[str, ...]
    ) -> Iterator[Item | ItemResult | Changes]:
        """A folder's items: its changes since the saved SyncState, or all of them (FindItem)."""
        from exchangelib.errors import ErrorInvalidSyncStateData, EWSError

        if self.since is not None:
            yield from self._items(mailbox, folder, path)
            return
        prefix = self._folder_uri(mailbox, path) + "/"
        try:
            saved = self.saved.get(prefix)
            if saved is not None:
                try:
                    yield from self._changes(account, mailbox, folder, path, prefix, saved)
                    return
                except ErrorInvalidSyncStateData:
                    pass  # Exchange no longer knows the state: list the folder in full
            # The state first, then the listing: what arrives in between is in the next changes.
            for _ in folder.sync_items(only_fields=["id"]):
                pass
            state = folder.item_sync_state
        except EWSError as e:
            yield self._error_row(mailbox, path, f"cannot sync folder: {e}")
            return
        failed = False
        for row in self._items(mailbox, folder, path):
            failed = failed or isinstance(row, ItemResult)
            yield row
        if state and not failed:
            self.points[prefix] = state

    def _changes(
        self,
        account: Account,
        mailbox: str,
        folder: Folder,
        path: tuple[str, ...],
        prefix: str,
        saved: str,
    ) -> Iterator[Item | Changes]:
        """SyncFolderItems since `saved`: created/updated items, then Changes naming the deleted."""
        from exchangelib.items import Message

        changed: list[Any] = []
        removed: list[str] = []
        for change, found in folder.sync_items(sync_state=saved, only_fields=list(LIST_FIELDS)):
            if change in ("create", "update"):
                changed.append(found)
            elif change == "delete":
                removed.append(prefix + quote(found.id, safe=""))
        state = folder.item_sync_state
        if changed and Message in folder.supported_item_models:
            # SyncFolderItems, like FindItem, cannot return recipients: one GetItem batch can.
            ids = [(c.id, c.changekey) for c in changed]
            changed = list(account.fetch(ids=ids, only_fields=[*LIST_FIELDS, *MAIL_FIELDS]))
        complete = True
        for found in changed:
            if isinstance(found, Exception):  # e.g. deleted again since
                complete = False  # no sync point: the next scan lists this folder in full
            else:
                yield self._item(mailbox, path, found)
        if complete:
            self.points[prefix] = state
        yield Changes(self.id, prefix, tuple(removed))

    def _items(
        self, mailbox: str, folder: Folder, path: tuple[str, ...]
    ) -> Iterator[Item | ItemResult]:
        from exchangelib.errors import EWSError
        from exchangelib.items import Message

        mail = Message in folder.supported_item_models
        query = folder.filter(last_modified_time__gt=self.since) if self.since else folder.all()
        query = query.only(*LIST_FIELDS, *(MAIL_FIELDS if mail else ()))
        query.page_size = self.page_size
        try:
            for found in query:
                if isinstance(found, Exception):
                    yield self._error_row(mailbox, path, f"cannot list an item: {found}")
                else:
                    yield self._item(mailbox, path, found)
        except EWSError as e:
            yield self._error_row(mailbox, path, f"cannot list folder: {e}")

    def _item(self, mailbox: str, path: tuple[str, ...], found: Any) -> Item:
        recipients = [
            r.email_address
            for field in ("to_recipients", "cc_recipients", "bcc_recipients")
            for r in getattr(found, field, None) or []
            if r.email_address
        ]
        sender = getattr(found, "sender", None)
        received = found.datetime_received
        return Item(
            uri=f"{self._folder_uri(mailbox, path)}/{quote(found.id, safe='')}",
            source=self.id,
            store=self.config.store,
            name=f"{found.id}.eml",
            size=found.size,
            modified=datetime.fromtimestamp(received.timestamp(), tz=UTC) if received else None,
            owner=mailbox,
            location=self.config.location,
            metadata={
                "mailbox": mailbox,
                "folder": "/".join(path),
                "sender": sender.email_address if sender and sender.email_address else "",
                "recipients": ",".join(recipients),
                "message_id": getattr(found, "message_id", None) or "",
            },
            ref=(mailbox, found.id, found.changekey),
        )

    def _folder_uri(self, mailbox: str, path: tuple[str, ...]) -> str:
        host = urlsplit(self.ews_url or "").hostname or "autodiscover"
        folder = "/".join(quote(p, safe="") for p in path)
        return f"ews://{host}/{quote(mailbox, safe='@')}/{folder}".rstrip("/")

    def _error_row(self, mailbox: str, path: tuple[str, ...], message: str) -> ItemResult:
        uri = self._folder_uri(mailbox, path)
        item = Item(
            uri=uri,
            source=self.id,
            store=self.config.store,
            name=path[-1] if path else mailbox,
            location=self.config.location,
        )
        return ItemResult(item=item, status=Status.ERROR, message=message)

    # -- content (worker process) -----------------------------------------------------------

    def read(self, item: Item) -> bytes:
        """Return the item as RFC822 MIME with every attachment it lists."""
        from exchangelib.errors import EWSError

        mailbox, item_id, changekey = item.ref
        limit = self.limits.max_file_bytes
        if item.size is not None and item.size > limit:
            raise TooLargeError(f"{item.uri}: item is {item.size} bytes, over limits.max_file_mb")
        try:
            account = self._account(mailbox)
            (fetched,) = account.fetch(
                ids=[(item_id, changekey)], only_fields=["mime_content", "attachments"]
            )
            if isinstance(fetched, Exception):
                raise fetched
            mime = fetched.mime_content
            if not mime:
                raise ItemError(f"{item.uri}: Exchange returned no MIME content for this item")
            return _with_missing_attachments(mime, fetched.attachments or [], limit, item.uri)
        except EWSError as e:
            raise ItemError(f"{item.uri}: {e}") from e

    def close(self) -> None:
        """Close this source's connections (exchangelib pools them per endpoint)."""
        for account in self._accounts.values():
            account.protocol.close()
        self._accounts.clear()

    def _account(self, mailbox: str) -> Account:
        account = self._accounts.get(mailbox)
        if account is not None:
            return account
        from exchangelib import (
            DELEGATE,
            IMPERSONATION,
            Account,
            Configuration,
            Credentials,
            FaultTolerance,
            Version,
        )
        from exchangelib.protocol import BaseProtocol, NoVerifyHTTPAdapter
        from exchangelib.version import Build

        if not self.verify_tls:
            # exchangelib takes the adapter class process-wide; only set when asked for.
            BaseProtocol.HTTP_ADAPTER_CLS = NoVerifyHTTPAdapter
        credentials = Credentials(self.username, self.password)
        access = IMPERSONATION if self.impersonation else DELEGATE
        retry = FaultTolerance(max_wait=self.max_wait_s)
        if self.autodiscover:
            config = Configuration(credentials=credentials, auth_type=self.auth, retry_policy=retry)
            account = Account(
                mailbox, config=config, autodiscover=True, access_type=access, default_timezone=UTC
            )
        else:
            config = Configuration(
                service_endpoint=self.ews_url,
                credentials=credentials,
                auth_type=self.auth,
                version=Version(build=Build(*self.version)) if self.version else None,
                retry_policy=retry,
            )
            account = Account(
                mailbox, config=config, autodiscover=False, access_type=access, default_timezone=UTC
            )
        self._accounts[mailbox] = account
        return account


def _with_missing_attachments(mime: bytes, attachments: list[Any], limit: int, uri: str) -> bytes:
    """Add to `mime` the attachments GetItem lists that Exchange's MIME conversion left out."""
    from exchangelib.attachments import FileAttachment, ItemAttachment

    if not attachments:
        return mime
    message = cast(EmailMessage, BytesParser(policy=policy.default).parsebytes(mime))
    present = {part.get_filename() for part in message.walk() if part.get_filename()}
    # An attached message in Exchange's MIME is named by its subject, as in GetItem's list.
    present |= {
        str(part.get_content()["Subject"])
        for part in message.walk()
        if part.get_content_type() == "message/rfc822"
    }
    added = False
    for att in attachments:
        if att.name in present:
            continue
        if isinstance(att, FileAttachment):
            maintype, _, subtype = (att.content_type or "application/octet-stream").partition("/")
            message.add_attachment(
                att.content, maintype=maintype, subtype=subtype or "octet-stream", filename=att.name
            )
        elif isinstance(att, ItemAttachment) and att.item is not None and att.item.mime_content:
            inner = BytesParser(policy=policy.default).parsebytes(att.item.mime_content)
            message.add_attachment(inner, filename=f"{att.name}.eml")
        else:
            continue
        added = True
    if not added:
        return mime
    data = message.as_bytes()
    if len(data) > limit:
        raise TooLargeError(
            f"{uri}: item with attachments is over limits.max_file_mb ({limit} bytes)"
        )
    return data
