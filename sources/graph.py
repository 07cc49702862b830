"""Office 365 mailboxes through Microsoft Graph (app-only), one Item per message.

Exchange Online blocks EWS from 1 October 2026, so Office 365 is read here and `sources/ews.py`
keeps on-prem Exchange. The app signs in with the client-credentials flow (msal; a secret from an
environment variable or a certificate) and needs the `Mail.Read` application permission (plus
`User.Read.All` for `mailboxes = ["*"]`).

`walk()` lists users, their mail folders (recursively through `childFolders`) and each folder's
messages, following `@odata.nextLink`, and never downloads a message. `read()` fetches the
message's MIME (`/messages/{id}/$value`), which carries its body and its file and item
attachments, so the shared eml extractor turns it into body segments and attachment children.

Incremental scans: with `delta = true` (the default) every folder is listed with the
`messages/delta` function. The `@odata.deltaLink` that ends each folder's round is kept in
`GraphSource.delta_links` (key `"<mailbox>/<folder id>"`); pass that dict back as
`GraphSource(config, scan, state=...)` (or assign `delta_links`) and the next walk() lists only
what changed since. A folder whose link has expired (HTTP 410) is listed in full again. Delta
listings carry no size; plain listings (`delta = false`) ask for PR_MESSAGE_SIZE.

Throttling: 429 and 503 answers are retried after their `Retry-After` seconds (capped by
`max_retry_wait_s`, at most `max_retries` times); the number of retries is recorded in the
item's metadata `retries`.

Graph cannot run here: tests/sources/test_graph.py runs this module against
tests/fixtures/fake_graph.py, a local HTTPS server answering with Graph's documented JSON shapes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

import requests

from scanner.config import ScanConfig, SourceConfig
from scanner.errors import ConfigError, ItemError, SourceError, TooLargeError
from scanner.models import Item, ItemResult, Status
from sources.options import check_keys, env_value, option, str_list

if TYPE_CHECKING:
    import msal

DEFAULT_AUTHORITY = "https://login.microsoftonline.com"
DEFAULT_GRAPH_URL = "https://graph.microsoft.com/v1.0"
# App-only tokens always ask for the resource's static permissions, never individual scopes.
SCOPE = "https://graph.microsoft.com/.default"
MESSAGE_FIELDS = (
    "id,receivedDateTime,from,sender,toRecipients,ccRecipients,bccRecipients,internetMessageId"
)
# PR_MESSAGE_SIZE: the message list has no size property, the MAPI property does.
SIZE_PROPERTY = "Integer 0x0E08"
OPTIONS = {
    "id",
    "tenant_id",
    "client_id",
    "client_secret_env",
    "certificate_path",
    "certificate_thumbprint",
    "certificate_password_env",
    "mailboxes",
    "folders",
    "authority",
    "graph_url",
    "ca_bundle",
    "delta",
    "page_size",
    "max_retries",
    "max_retry_wait_s",
    "timeout_s",
}

# One msal application per process and credential: msal keeps the token cache inside it, so
# every Source a worker builds reuses one token until it expires.
_APPS: dict[tuple[str, ...], msal.ConfidentialClientApplication] = {}
_APPS_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class GraphRef:
    """What read() needs to fetch one message again in a worker."""

    mailbox: str
    message_id: str


class GraphSource:
    """A `[[source]] type = "graph"`: Office 365 mailboxes of one tenant."""

    type: ClassVar[str] = "graph"

    def __init__(
        self, config: SourceConfig, scan: ScanConfig, state: dict[str, str] | None = None
    ) -> None:
        check_keys(config, OPTIONS)
        self.config = config
        self.id = config.id
        self.limits = scan.limits
        self.tenant = option(config, "tenant_id", str)
        self.client_id = option(config, "client_id", str)
        self.credential = _credential(config, scan)
        self.mailboxes = str_list(config, "mailboxes", None)
        self.folders = str_list(config, "folders", ["*"])
        self.authority = option(config, "authority", str, DEFAULT_AUTHORITY).rstrip("/")
        self.graph_url = option(config, "graph_url", str, DEFAULT_GRAPH_URL).rstrip("/")
        bundle = option(config, "ca_bundle", str, "")
        self.verify: bool | str = str(scan.base_dir / bundle) if bundle else True
        self.delta = option(config, "delta", bool, True)
        self.page_size = option(config, "page_size", int, 100)
        self.max_retries = option(config, "max_retries", int, 5)
        self.max_retry_wait_s = float(option(config, "max_retry_wait_s", (int, float), 120))
        self.timeout_s = float(option(config, "timeout_s", (int, float), 60))
        self.delta_links: dict[str, str] = dict(state or {})
        self._session: requests.Session | None = None

    # -- listing (main process) ------------------------------------------------------------

    def walk(self) -> Iterator[Item | ItemResult]:
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
        for page, _ in self._pages(url, params):
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
            for page, _ in self._pages(url, params):
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

    def _messages(self, mailbox: str, folder_id: str, path: tuple[str, ...]) -> Iterator[Item]:
        key = f"{mailbox}/{folder_id}"
        folder_url = (
            f"{self._mailbox_url(mailbox)}/mailFolders/{quote(folder_id, safe='')}/messages"
        )
        if not self.delta:
            params = {
                "$select": MESSAGE_FIELDS,
                "$top": str(self.page_size),
                "$expand": f"singleValueExtendedProperties($filter=id eq '{SIZE_PROPERTY}')",
            }
            for page, retries in self._pages(folder_url, params):
                for message in page.get("value", []):
                    yield self._item(mailbox, path, message, retries)
            return
        link = self.delta_links.get(key)
        try:
            yield from self._delta(mailbox, path, key, link or f"{folder_url}/delta", link is None)
        except _DeltaExpiredError:
            # Graph forgets old sync state (410 Gone); a full round is the documented recovery.
            yield from self._delta(mailbox, path, key, f"{folder_url}/delta", True)

    def _delta(
        self, mailbox: str, path: tuple[str, ...], key: str, url: str, initial: bool
    ) -> Iterator[Item]:
        params = {"$select": MESSAGE_FIELDS} if initial else None
        for page, retries in self._pages(url, params, delta=True):
            for message in page.get("value", []):
                # Deleted or moved-away messages are not content to scan.
                if "@removed" not in message:
                    yield self._item(mailbox, path, message, retries)
            if "@odata.deltaLink" in page:
                self.delta_links[key] = str(page["@odata.deltaLink"])

    def _item(
        self, mailbox: str, path: tuple[str, ...], message: dict[str, Any], retries: int
    ) -> Item:
        message_id = str(message["id"])
        folder = "/".join(quote(part, safe="") for part in path)
        uri = (
            f"graph://{self.tenant}/users/{quote(mailbox, safe='@')}/mailFolders/{folder}"
            f"/messages/{quote(message_id, safe='')}"
        )
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
            modified=_utc(received) if received else None,
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
            resp, retries = self._get(url, stream=True)
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
        if self._session is not None:
            self._session.close()
            self._session = None

    # -- HTTP -------------------------------------------------------------------------------

    def _mailbox_url(self, mailbox: str) -> str:
        return f"{self.graph_url}/users/{quote(mailbox, safe='@')}"

    def _pages(
        self, url: str, params: dict[str, str] | None, delta: bool = False
    ) -> Iterator[tuple[dict[str, Any], int]]:
        """Each JSON page of a collection, following `@odata.nextLink` (it keeps the query)."""
        next_url: str | None = url
        while next_url:
            resp, retries = self._get(next_url, params=params, delta=delta)
            page = resp.json()
            yield page, retries
            next_url = page.get("@odata.nextLink")
            params = None

    def _get(
        self,
        url: str,
        params: dict[str, str] | None = None,
        stream: bool = False,
        delta: bool = False,
    ) -> tuple[requests.Response, int]:
        """GET with a bearer token, retrying throttling (429/503) and dropped connections."""
        session = self._http()
        headers = {"Prefer": f"odata.maxpagesize={self.page_size}"}
        retries = 0
        while True:
            headers["Authorization"] = f"Bearer {self._token()}"
            wait: float
            try:
                resp = session.get(url, params=params, headers=headers, stream=stream)
            except (requests.ConnectionError, requests.Timeout) as e:
                problem, wait = f"connection failed ({e})", float(2**retries)
            else:
                if resp.status_code in (429, 503, 504):
                    problem = f"throttled (HTTP {resp.status_code})"
                    wait = _retry_after(resp, default=float(2**retries))
                    resp.close()
                elif resp.status_code == 410 and delta:
                    raise _DeltaExpiredError(url)
                elif resp.status_code >= 400:
                    raise SourceError(_http_problem(url, resp))
                else:
                    return resp, retries
            if retries >= self.max_retries:
                raise SourceError(
                    f"graph GET {url}: {problem} after {retries} retries; "
                    "fix: retry later or raise max_retries/max_retry_wait_s"
                )
            retries += 1
            time.sleep(min(wait, self.max_retry_wait_s))

    def _http(self) -> requests.Session:
        if self._session is None:
            self._session = _Session(self.verify, self.timeout_s)
        return self._session

    def _token(self) -> str:
        key = (self.authority, self.tenant, self.client_id, repr(sorted(self.credential.items())))
        try:
            with _APPS_LOCK:
                app = _APPS.get(key) or self._new_app()
                _APPS[key] = app
            result = app.acquire_token_for_client(scopes=[SCOPE])
        except (ValueError, requests.RequestException) as e:
            raise SourceError(
                f"graph tenant {self.tenant}: cannot sign in at {self.authority} ({e}); "
                "fix: check authority, tenant_id, ca_bundle and the certificate"
            ) from e
        if "access_token" not in result:
            raise SourceError(
                f"graph tenant {self.tenant}: token request for client {self.client_id} failed "
                f"({result.get('error')}: {result.get('error_description')}); "
                "fix: check client_id, the secret or certificate, and admin consent for Mail.Read"
            )
        return str(result["access_token"])

    def _new_app(self) -> msal.ConfidentialClientApplication:
        import msal  # imported on first use: most scans and workers never sign in to Graph

        custom = self.authority != DEFAULT_AUTHORITY
        secret = self.credential.get("secret")
        return msal.ConfidentialClientApplication(
            self.client_id,
            client_credential=secret if secret else dict(self.credential),
            authority=f"{self.authority}/{self.tenant}",
            # A custom authority (sovereign cloud, proxy, test server) is trusted as given rather
            # than checked against login.microsoftonline.com's instance discovery.
            validate_authority=not custom,
            instance_discovery=not custom,
            http_client=_Session(self.verify, self.timeout_s),
        )


class _Session(requests.Session):
    """A session whose `ca_bundle` wins over REQUESTS_CA_BUNDLE.

    requests lets the environment's bundle override `Session.verify` (psf/requests#3829), so a
    configured bundle is passed on every request instead; proxies from the environment still apply.
    """

    def __init__(self, verify: bool | str, timeout: float) -> None:
        super().__init__()
        self._verify = verify
        self._timeout = timeout

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """Send with the configured CA bundle and timeout unless the caller chose otherwise."""
        kwargs.setdefault("timeout", self._timeout)
        if self._verify is not True:
            kwargs["verify"] = self._verify
        text_url = url.decode() if isinstance(url, bytes) else url
        text_method = method.decode() if isinstance(method, bytes) else method
        return super().request(text_method, text_url, *args, **kwargs)


class _DeltaExpiredError(Exception):
    """Graph answered 410 Gone to a stored delta link."""


def _retry_after(resp: requests.Response, default: float) -> float:
    value = resp.headers.get("Retry-After")
    if not value:
        return default
    if value.strip().isdigit():
        return float(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return default


def _http_problem(url: str, resp: requests.Response) -> str:
    try:
        error = resp.json().get("error", {})
        detail = f"{error.get('code')}: {error.get('message')}"
    except ValueError:
        detail = resp.text[:200]
    fixes = {
        401: "check the app's credentials",
        403: 'grant the app Mail.Read (and User.Read.All for mailboxes = ["*"]) with admin consent',
        404: "check the mailbox address and that it has an Exchange Online mailbox",
    }
    fix = fixes.get(resp.status_code, "check the request and the tenant")
    return f"graph GET {url}: HTTP {resp.status_code} ({detail}); fix: {fix}"


def _utc(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def _credential(config: SourceConfig, scan: ScanConfig) -> dict[str, str]:
    """Secret or certificate, read from the environment / disk now so a bad setup fails early."""
    secret_env = option(config, "client_secret_env", str, "")
    cert = option(config, "certificate_path", str, "")
    if bool(secret_env) == bool(cert):
        raise ConfigError(
            config.key("client_secret_env"),
            "exactly one of client_secret_env and certificate_path is needed",
            'set client_secret_env = "GRAPH_SECRET" or certificate_path = "app.pem"',
        )
    if secret_env:
        return {"secret": env_value(config, "client_secret_env")}
    path = scan.base_dir / cert
    if not Path(path).is_file():
        raise ConfigError(
            config.key("certificate_path"),
            f"{path} does not exist",
            "point it at the app's PEM or PFX file",
        )
    credential: dict[str, str] = {}
    password_env = option(config, "certificate_password_env", str, "")
    if password_env:
        credential["passphrase"] = env_value(config, "certificate_password_env")
    if path.suffix.lower() in (".pfx", ".p12"):
        credential["private_key_pfx_path"] = str(path)
        return credential
    credential["private_key"] = path.read_text(encoding="ascii")
    credential["thumbprint"] = option(config, "certificate_thumbprint", str)
    return credential
