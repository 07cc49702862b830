"""Office 365 mailboxes through Microsoft Graph (app-only), one Item per message.

Exchange Online blocks EWS from 1 October 2026, so Office 365 is read here and `sources/ews.py`
keeps on-prem Exchange. The app signs in with the client-credentials flow (sources.graph_client:
msal, a secret from an environment variable or a certificate; paging, throttling) and needs the
`Mail.Read` application permission (plus `User.Read.All` for `mailboxes = ["*"]`).

`walk()` lists users, their mail folders (recursively through `childFolders`) and each folder's
messages, following `@odata.nextLink`, and never downloads a message. `read()` fetches the
message's MIME (`/messages/{id}/$value`), which carries its body and its file and item
attachments, so the shared eml extractor turns it into body segments and attachment children.

Incremental scans: with `delta = true` (the default) every folder is listed with the
`messages/delta` function, and the source is ChangeTracking (sources.base): the `@odata.deltaLink`
that ends each folder's round is its sync point, keyed by the folder's message uri prefix and kept
in the state database by the pipeline. Given those back (`start_from`), the next walk lists only
what changed since (new and changed messages, `@removed` ones as removed) and yields Changes for
the folder, so unchanged messages are carried forward without a request. A folder whose link has
expired (HTTP 410) is listed in full again. Delta listings carry no size; plain listings
(`delta = false`) ask for PR_MESSAGE_SIZE.

Throttling: 429 and 503 answers are retried after their `Retry-After` seconds (capped by
`max_retry_wait_s`, at most `retries` times); the number of retries is recorded in the
item's metadata `retries`.

Graph cannot run here: tests/sources/test_graph.py runs this module against
tests/fixtures/fake_graph.py, a local HTTPS server answering with Graph's documented JSON shapes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote

from scanner.config import ScanConfig, SourceConfig
from scanner.errors import ItemError, SourceError, TooLargeError
from scanner.models import Item, ItemResult, Status
from scanner.options import Opt
from sources.base import Changes
from sources.graph_client import CLIENT_OPTIONS, DeltaExpiredError, DeltaLinks, GraphClient, utc
from sources.options import read_options

MESSAGE_FIELDS = (
    "id,receivedDateTime,from,sender,toRecipients,ccRecipients,bccRecipients,internetMessageId"
)
# PR_MESSAGE_SIZE: the message list has no size property, the MAPI property does.
SIZE_PROPERTY = "Integer 0x0E08"
OPTIONS = CLIENT_OPTIONS | {
    "id": Opt(str, ""),
    "mailboxes": Opt(list, fix='write mailboxes = ["*"]', strings=True, nonempty=True),
    "folders": Opt(list, ["*"], strings=True, nonempty=True),
    "delta": Opt(bool, True),
}
FIXES = {
    403: 'grant the app Mail.Read (and User.Read.All for mailboxes = ["*"]) with admin consent',
    404: "check the mailbox address and that it has an Exchange Online mailbox",
}


@dataclass(frozen=True, slots=True)
class GraphRef:
    """What read() needs to fetch one message again in a worker."""

    mailbox: str
    message_id: str


class GraphSource(DeltaLinks):
    """A `[[source]] type = "graph"`: Office 365 mailboxes of one tenant."""

    type: ClassVar[str] = "graph"

    def __init__(self, config: SourceConfig, scan: ScanConfig) -> None:
        opts = read_options(config, OPTIONS)
        self.config = config
        self.id = config.id
        self.limits = scan.limits
        self.client = GraphClient(config, scan, opts, FIXES, "Mail.Read")
        self.tenant = self.client.tenant
        self.graph_url = self.client.graph_url
        self.page_size = self.client.page_size
        self.mailboxes = list(opts["mailboxes"])
        self.folders = list(opts["folders"])
        self.delta = opts["delta"]
        super().__init__()

    # -- listing (main process) ------------------------------------------------------------

    def walk(self) -> Iterator[Item | ItemResult | Changes]:
        """Yield one Item per message of every selected folder of every mailbox."""
        try:
            mailboxes = list(self._mailboxes())
        except SourceError as e:
            yield self._error_row(f"graph://{self.tenant}/users", str(e))
            return
        for mailbox in mailboxes:
            try:
                for folder_id, path in self._folders(mailbox):
                    if self._selected(path):
                        yield from self._messages(mailbox, folder_id, path)
            except SourceError as e:
                yield self._error_row(
                    f"graph://{self.tenant}/users/{quote(mailbox, safe='@')}", str(e)
                )

    def _mailboxes(self) -> Iterator[str]:
        if "*" not in self.mailboxes:
            yield from self.mailboxes
            return
        # Users without `mail` have no Exchange mailbox; asking for their folders only fails.
        url = f"{self.graph_url}/users"
        params = {"$select": "id,userPrincipalName,mail", "$top": str(self.page_size)}
        for page, _ in self.client.pages(url, params):
            for user in page.get("value", []):
                if user.get("mail"):
                    yield str(user["userPrincipalName"])

    def _folders(self, mailbox: str) -> Iterator[tuple[str, tuple[str, ...]]]:
        """Depth-first (id, path names) of every folder, hidden ones too (they hold mail)."""
        params = {"includeHiddenFolders": "true", "$top": str(self.page_size)}
        stack: list[tuple[str, tuple[str, ...]]] = [
            (f"{self._mailbox_url(mailbox)}/mailFolders", ())
        ]
        while stack:
            url, parent = stack.pop()
            for page, _ in self.client.pages(url, params):
                for folder in page.get("value", []):
                    path = (*parent, str(folder["displayName"]))
                    yield str(folder["id"]), path
                    if folder.get("childFolderCount", 1) and self._may_contain_selected(path):
                        folder_id = quote(folder["id"], safe="")
                        stack.append(
                            (
                                f"{self._mailbox_url(mailbox)}/mailFolders/{folder_id}/childFolders",
                                path,
                            )
                        )

    def _selected(self, path: tuple[str, ...]) -> bool:
        p = "/".join(path).casefold()
        return any(
            f == "*" or p == f.casefold() or p.startswith(f.casefold() + "/") for f in self.folders
        )

    def _may_contain_selected(self, path: tuple[str, ...]) -> bool:
        p = "/".join(path).casefold() + "/"
        return self._selected(path) or any(f.casefold().startswith(p) for f in self.folders)

    def _messages(
        self, mailbox: str, folder_id: str, path: tuple[str, ...]
    ) -> Iterator[Item | Changes]:
        folder_url = (
            f"{self._mailbox_url(mailbox)}/mailFolders/{quote(folder_id, safe='')}/messages"
        )
        if not self.delta:
            params = {
                "$select": MESSAGE_FIELDS,
                "$top": str(self.page_size),
                "$expand": f"singleValueExtendedProperties($filter=id eq '{SIZE_PROPERTY}')",
            }
            for page, retries in self.client.pages(folder_url, params):
                for message in page.get("value", []):
                    yield self._item(mailbox, path, message, retries)
            return
        prefix = self._folder_uri(mailbox, path) + "/messages/"
        link = self.saved.get(prefix)
        if link is not None:
            try:
                removed: list[str] = []
                yield from self._delta(mailbox, path, prefix, link, removed)
                yield Changes(self.id, prefix, tuple(removed))
                return
            except DeltaExpiredError:
                pass  # Graph forgot the sync state (410 Gone): a full round is the recovery
        yield from self._delta(mailbox, path, prefix, f"{folder_url}/delta", None)

    def _delta(
        self,
        mailbox: str,
        path: tuple[str, ...],
        prefix: str,
        url: str,
        removed: list[str] | None,
    ) -> Iterator[Item]:
        """One delta round; `removed` collects deleted messages (None: a full round)."""
        params = {"$select": MESSAGE_FIELDS} if removed is None else None
        for page, retries in self.client.pages(url, params, delta=True):
            for message in page.get("value", []):
                if "@removed" not in message:
                    yield self._item(mailbox, path, message, retries)
                elif removed is not None:  # deleted, or moved to another folder
                    removed.append(prefix + quote(str(message["id"]), safe=""))
            if "@odata.deltaLink" in page:
                self.delta_links[prefix] = str(page["@odata.deltaLink"])

    def _item(
        self, mailbox: str, path: tuple[str, ...], message: dict[str, Any], retries: int
    ) -> Item:
        message_id = str(message["id"])
        uri = f"{self._folder_uri(mailbox, path)}/messages/{quote(message_id, safe='')}"
        sender = (message.get("from") or message.get("sender") or {}).get("emailAddress", {})
        recipients = [
            r.get("emailAddress", {}).get("address", "")
            for field in ("toRecipients", "ccRecipients", "bccRecipients")
            for r in message.get(field) or []
        ]
        metadata = {
            "mailbox": mailbox,
            "folder": "/".join(path),
            "sender": sender.get("address", ""),
            "recipients": ",".join(r for r in recipients if r),
            "message_id": message.get("internetMessageId") or "",
        }
        if retries:
            metadata["retries"] = str(retries)
        size = None
        for prop in message.get("singleValueExtendedProperties") or []:
            # Graph echoes the id normalised ("Integer 0xe08"), so compare the tag's value.
            kind, _, tag = str(prop.get("id", "")).partition(" ")
            if kind.casefold() == "integer" and int(tag, 16) == 0x0E08:
                size = int(prop["value"])
        received = message.get("receivedDateTime")
        return Item(
            uri=uri,
            source=self.id,
            store=self.config.store,
            name=f"{message_id}.eml",
            size=size,
            modified=utc(received) if received else None,
            owner=mailbox,
            location=self.config.location,
            metadata=metadata,
            ref=GraphRef(mailbox, message_id),
        )

    def _error_row(self, uri: str, message: str) -> ItemResult:
        item = Item(
            uri=uri,
            source=self.id,
            store=self.config.store,
            name=uri.rsplit("/", 1)[-1],
            location=self.config.location,
        )
        return ItemResult(item=item, status=Status.ERROR, message=message)

    # -- content (worker process) -----------------------------------------------------------

    def read(self, item: Item) -> bytes:
        """Return the message as RFC822 MIME, attachments included."""
        ref: GraphRef = item.ref
        limit = self.limits.max_file_bytes
        if item.size is not None and item.size > limit:
            raise TooLargeError(
                f"{item.uri}: message is {item.size} bytes, over limits.max_file_mb"
            )
        url = f"{self._mailbox_url(ref.mailbox)}/messages/{quote(ref.message_id, safe='')}/$value"
        try:
            resp, retries = self.client.get(url, stream=True)
        except SourceError as e:
            raise ItemError(str(e)) from e
        if retries:
            # Items are frozen but their metadata dict travels back with the ItemResult.
            item.metadata["retries"] = str(retries)
        chunks: list[bytes] = []
        total = 0
        with resp:
            for chunk in resp.iter_content(1 << 16):
                total += len(chunk)
                if total > limit:
                    raise TooLargeError(
                        f"{item.uri}: message is over limits.max_file_mb ({limit} bytes)"
                    )
                chunks.append(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        """Close the HTTP session (the token stays cached for this process)."""
        self.client.close()

    # -- HTTP -------------------------------------------------------------------------------

    def _mailbox_url(self, mailbox: str) -> str:
        return f"{self.graph_url}/users/{quote(mailbox, safe='@')}"

    def _folder_uri(self, mailbox: str, path: tuple[str, ...]) -> str:
        # Folder names are percent-encoded one by one: "Customers/UK" is a single folder.
        folder = "/".join(quote(part, safe="") for part in path)
        return f"graph://{self.tenant}/users/{quote(mailbox, safe='@')}/mailFolders/{folder}"
