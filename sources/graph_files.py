"""OneDrive and SharePoint document libraries through Microsoft Graph (app-only), one Item per file.

The notice's file system includes Office 365, so every user's OneDrive (`users`) and the
document libraries of SharePoint sites (`sites`, `libraries`) are walked. The app needs the
application permissions Files.Read.All (OneDrives, file content, permissions) and Sites.Read.All
(finding sites and their libraries), plus User.Read.All for `users = ["*"]`; sign-in, paging and
throttling (429/503/504 with Retry-After) are sources.graph_client's.

Walk: each drive is listed with `root/delta`, the documented way to enumerate a whole drive (a
`children` walk can miss items written meanwhile), following `@odata.nextLink` to the
`@odata.deltaLink`. Items are tracked by id, as the delta documentation requires (a renamed folder
does not list its descendants again), so a file's uri is `graph://<tenant>/drives/<drive
id>/items/<item id>` and its path is in metadata (`web_url`). Who can read a file comes from
`GET …/items/{id}/permissions`: users and groups granted directly (grantedToV2,
grantedToIdentitiesV2) are readers by name or address, a sharing link with scope `anonymous` is
the reader "Anyone with the link" and one with scope `organization` is "People in the
organisation with the link" — both broad, so a store with declared readers flags them.

Incremental scans: the source is ChangeTracking (sources.base). A drive's delta link is its sync
point; given back, the walk lists only what changed since (with `Prefer:
deltashowsharingchanges`, a new sharing link on an unchanged file is a change too), reports
`deleted` items as removed and yields Changes for the drive. A listed file whose size and
modified time are unchanged (a new permission, a rename) is carried with its fresh readers
without a download; a new eTag/cTag with new content is read again. An expired link (410 Gone)
restarts the drive's enumeration from the `Location` Graph sends.

Read: `GET …/content` answers 302 with a pre-authenticated download URL; the file is fetched
from it in `Range` requests of `download_chunk_mb`, without the bearer token (the URL carries
its own authorisation and the token must not travel to the storage host). A dropped connection
resumes at the byte reached; an expired download URL is asked for again.

Graph cannot run here: tests/sources/test_graph_files.py runs this module against
tests/fixtures/fake_graph.py (+ fake_graph_files.py), a local HTTPS server answering with the
documented JSON (driveItem, permission, delta, @odata.nextLink, @odata.deltaLink, errors).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote

import requests
from requests.exceptions import ChunkedEncodingError

from scanner.config import ScanConfig, SourceConfig
from scanner.errors import ConfigError, ItemError, SourceError, TooLargeError
from scanner.models import Item, ItemResult, Status
from scanner.options import Opt
from sources.base import Changes
from sources.graph_client import (
    CLIENT_OPTIONS,
    THROTTLED,
    DeltaExpiredError,
    DeltaLinks,
    GraphClient,
    retry_after,
    utc,
)
from sources.options import read_options

OPTIONS = CLIENT_OPTIONS | {
    "id": Opt(str, ""),
    "users": Opt(list, [], fix='write users = ["*"]', strings=True),
    "sites": Opt(list, [], fix='write sites = ["*"]', strings=True),
    "libraries": Opt(list, ["*"], fix='write libraries = ["*"]', strings=True),
    "download_chunk_mb": Opt(float, 8.0),
}
FIXES = {
    403: 'grant the app Files.Read.All and Sites.Read.All (User.Read.All for users = ["*"]) '
    "with admin consent",
    404: "check the user, site and library names",
}
ANYONE = "Anyone with the link"
ORGANISATION = "People in the organisation with the link"
BROAD_LINKS = {"anonymous": ANYONE, "organization": ORGANISATION}
# Sharing changes are changes: an unchanged file that gets an "anyone" link is listed again.
DELTA_PREFER = "deltashowremovedasdeleted, deltatraversepermissiongaps, deltashowsharingchanges"
IDENTITY_KINDS = ("user", "group", "siteGroup", "siteUser", "application", "device")
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


@dataclass(frozen=True, slots=True)
class Drive:
    """One drive to walk: a user's OneDrive or a site's document library."""

    id: str
    name: str  # "OneDrive of alice@…", "Finance / Documents"
    owner: str | None  # the OneDrive's user; None for a library (files name their creator)


@dataclass(frozen=True, slots=True)
class DriveRef:
    """What read() needs to fetch one file again in a worker."""

    drive_id: str
    item_id: str


class GraphFilesSource(DeltaLinks):
    """A `[[source]] type = "graph_files"`: OneDrives and SharePoint libraries of one tenant."""

    type: ClassVar[str] = "graph_files"

    def __init__(self, config: SourceConfig, scan: ScanConfig) -> None:
        opts = read_options(config, OPTIONS)
        self.config = config
        self.id = config.id
        self.limits = scan.limits
        self.client = GraphClient(config, scan, opts, FIXES, "Files.Read.All and Sites.Read.All")
        self.tenant = self.client.tenant
        self.users = _names(config, "users", opts["users"])
        self.sites = _names(config, "sites", opts["sites"])
        self.libraries = _names(config, "libraries", opts["libraries"])
        if not self.users and not self.sites:
            raise ConfigError(
                config.key("users"),
                "names no OneDrive and no SharePoint site",
                'set users = ["*"] and/or sites = ["*"] (or names)',
            )
        self.chunk = max(1, int(opts["download_chunk_mb"] * 1024 * 1024))
        super().__init__()

    # -- listing (main process) ------------------------------------------------------------

    def walk(self) -> Iterator[Item | ItemResult | Changes]:
        """Yield one Item per file of every selected drive."""
        for where, drives in (("users", self._onedrives()), ("sites", self._libraries())):
            try:
                for drive in drives:
                    try:
                        yield from self._drive(drive)
                    except SourceError as e:
                        yield self._error_row(self._prefix(drive.id).rstrip("/"), drive.name, e)
            except SourceError as e:
                yield self._error_row(f"graph://{self.tenant}/{where}", where, e)

    def _onedrives(self) -> Iterator[Drive]:
        if not self.users:
            return
        every = "*" in self.users
        users = self._all_users() if every else iter(self.users)
        for user in users:
            url = f"{self.client.graph_url}/users/{quote(user, safe='@')}/drive"
            try:
                resp, _ = self.client.get(url)
            except SourceError:
                if every:
                    continue  # a user without a OneDrive (no licence, never signed in)
                raise
            drive = resp.json()
            yield Drive(str(drive["id"]), f"OneDrive of {user}", user)

    def _all_users(self) -> Iterator[str]:
        params = {"$select": "id,userPrincipalName", "$top": str(self.client.page_size)}
        for page, _ in self.client.pages(f"{self.client.graph_url}/users", params):
            for user in page.get("value", []):
                yield str(user["userPrincipalName"])

    def _libraries(self) -> Iterator[Drive]:
        for site in self._selected_sites():
            site_name = str(site.get("displayName") or site.get("name") or site["id"])
            url = f"{self.client.graph_url}/sites/{quote(str(site['id']), safe='')}/drives"
            for page, _ in self.client.pages(url):
                for drive in page.get("value", []):
                    name = str(drive.get("name", ""))
                    if "*" in self.libraries or name.casefold() in self.libraries:
                        yield Drive(str(drive["id"]), f"{site_name} / {name}", None)

    def _selected_sites(self) -> Iterator[dict[str, Any]]:
        if "*" in self.sites:
            yield from self._search_sites("*")
            return
        for wanted in self.sites:
            if ":" in wanted:  # "contoso.sharepoint.com:/sites/Finance": addressed directly
                resp, _ = self.client.get(f"{self.client.graph_url}/sites/{wanted}")
                yield resp.json()
                continue
            found = [
                s
                for s in self._search_sites(wanted)
                if wanted in {str(s.get(k, "")).casefold() for k in ("name", "displayName")}
            ]
            if not found:
                raise SourceError(
                    f"graph_files: no SharePoint site is named {wanted!r}; "
                    "fix: use the site's name as shown in SharePoint, or host:/sites/path"
                )
            yield from found

    def _search_sites(self, term: str) -> Iterator[dict[str, Any]]:
        url = f"{self.client.graph_url}/sites"
        for page, _ in self.client.pages(url, {"search": term}):
            yield from page.get("value", [])

    def _drive(self, drive: Drive) -> Iterator[Item | Changes]:
        prefix = self._prefix(drive.id)
        link = self.saved.get(prefix)
        start = f"{self.client.graph_url}/drives/{quote(drive.id, safe='')}/root/delta"
        if link is not None:
            removed: list[str] = []
            try:
                yield from self._delta(drive, link, removed)
            except DeltaExpiredError as e:
                # Graph forgot the sync state: enumerate afresh (from its Location, if sent).
                yield from self._delta(drive, e.restart or start, None)
                return
            yield Changes(self.id, prefix, tuple(removed))
            return
        yield from self._delta(drive, start, None)

    def _delta(self, drive: Drive, url: str, removed: list[str] | None) -> Iterator[Item]:
        """One delta round; `removed` collects deleted files (None: a full round)."""
        prefix = self._prefix(drive.id)
        for page, retries in self.client.pages(url, delta=True, prefer=DELTA_PREFER):
            for entry in page.get("value", []):
                if "deleted" in entry or "@removed" in entry:
                    if removed is not None:
                        removed.append(prefix + quote(str(entry["id"]), safe=""))
                elif "file" in entry:  # folders, the root and notebooks hold no content
                    yield self._item(drive, entry, retries)
            if "@odata.deltaLink" in page:
                self.delta_links[prefix] = str(page["@odata.deltaLink"])

    def _item(self, drive: Drive, entry: dict[str, Any], retries: int) -> Item:
        item_id = str(entry["id"])
        readers, broad, more = self._readers(drive.id, item_id)
        creator = _identity(entry.get("createdBy") or {})
        metadata = {
            "drive": drive.name,
            "web_url": str(entry.get("webUrl", "")),
            "etag": str(entry.get("eTag", "")),
            "ctag": str(entry.get("cTag", "")),
        }
        if broad:
            metadata["broad_access"] = "true"
            metadata["broad_principals"] = ",".join(broad)
        if retries + more:
            metadata["retries"] = str(retries + more)
        modified = entry.get("lastModifiedDateTime")
        return Item(
            uri=self._prefix(drive.id) + quote(item_id, safe=""),
            source=self.id,
            store=self.config.store,
            name=str(entry.get("name", item_id)),
            size=int(entry["size"]) if "size" in entry else None,
            modified=utc(modified) if modified else None,
            owner=drive.owner or creator,
            readers=readers,
            location=self.config.location,
            metadata=metadata,
            ref=DriveRef(drive.id, item_id),
        )

    def _readers(self, drive_id: str, item_id: str) -> tuple[tuple[str, ...], list[str], int]:
        """Readers from the item's permissions, the broad ones among them, and retries spent."""
        url = (
            f"{self.client.graph_url}/drives/{quote(drive_id, safe='')}/items/"
            f"{quote(item_id, safe='')}/permissions"
        )
        readers: list[str] = []
        broad: list[str] = []
        retries = 0
        for page, spent in self.client.pages(url):
            retries += spent
            for permission in page.get("value", []):
                for principal, is_broad in _principals(permission):
                    readers.append(principal)
                    if is_broad:
                        broad.append(principal)
        return tuple(dict.fromkeys(readers)), list(dict.fromkeys(broad)), retries

    def _prefix(self, drive_id: str) -> str:
        return f"graph://{self.tenant}/drives/{quote(drive_id, safe='')}/items/"

    def _error_row(self, uri: str, name: str, error: SourceError) -> ItemResult:
        item = Item(
            uri=uri,
            source=self.id,
            store=self.config.store,
            name=name,
            location=self.config.location,
        )
        return ItemResult(item=item, status=Status.ERROR, message=str(error))

    # -- content (worker process) -----------------------------------------------------------

    def read(self, item: Item) -> bytes:
        """Download the file in Range requests from its pre-authenticated URL."""
        ref: DriveRef = item.ref
        limit = self.limits.max_file_bytes
        if item.size is not None and item.size > limit:
            raise TooLargeError(f"{item.uri}: file is {item.size} bytes, over limits.max_file_mb")
        if item.size == 0:
            return b""
        try:
            data, retries = self._download(ref, item.uri, limit)
        except SourceError as e:
            raise ItemError(str(e)) from e
        if retries:
            item.metadata["retries"] = str(int(item.metadata.get("retries", "0")) + retries)
        return data

    def _download_url(self, ref: DriveRef) -> tuple[str, int]:
        url = (
            f"{self.client.graph_url}/drives/{quote(ref.drive_id, safe='')}/items/"
            f"{quote(ref.item_id, safe='')}/content"
        )
        resp, retries = self.client.get(url, redirects=False)
        resp.close()
        location = resp.headers.get("Location")
        if resp.status_code not in (301, 302, 303, 307) or not location:
            raise SourceError(f"graph GET {url}: HTTP {resp.status_code} without a download URL")
        return location, retries

    def _download(self, ref: DriveRef, uri: str, limit: int) -> tuple[bytes, int]:
        url, retries = self._download_url(ref)
        out = bytearray()
        total: int | None = None
        renewed = False
        while total is None or len(out) < total:
            end = len(out) + self.chunk - 1
            try:
                # No Authorization header: the URL is pre-authenticated, the token stays home.
                resp = self.client.http().get(
                    url, headers={"Range": f"bytes={len(out)}-{end}"}, stream=True
                )
                status = resp.status_code
                if status in THROTTLED:
                    resp.close()
                    self.client.backoff(url, f"HTTP {status}", retries, retry_after(resp))
                    retries += 1
                    continue
                if status in (401, 403, 404, 410) and not renewed:
                    resp.close()  # the short-lived URL expired: ask /content for a new one
                    url, more = self._download_url(ref)
                    retries, renewed = retries + more, True
                    continue
                if status == 200:  # the range was ignored: the whole file, from the start
                    out.clear()
                    total = _take(resp, out, limit, uri)
                    break
                if status != 206:
                    resp.close()
                    raise SourceError(f"download of {uri}: HTTP {status}")
                m = _CONTENT_RANGE.match(resp.headers.get("Content-Range", ""))
                if m is None or int(m.group(1)) != len(out):
                    resp.close()
                    raise SourceError(f"download of {uri}: unexpected Content-Range")
                if m.group(3) != "*":
                    total = int(m.group(3))
                    if total > limit:
                        resp.close()
                        raise TooLargeError(
                            f"{uri}: file is {total} bytes, over limits.max_file_mb"
                        )
                got = _take(resp, out, limit, uri)
                if total is None and got < self.chunk:
                    total = len(out)  # the server did not say the size; a short range is the end
            except (requests.ConnectionError, requests.Timeout, ChunkedEncodingError) as e:
                # Resume at the byte reached (a partial chunk is kept: Range asks for the rest).
                self.client.backoff(url, f"connection failed ({e})", retries)
                retries += 1
        return bytes(out), retries

    def close(self) -> None:
        """Close the HTTP session (the token stays cached for this process)."""
        self.client.close()


def _take(resp: requests.Response, out: bytearray, limit: int, uri: str) -> int:
    """Append the body to `out` as it streams; returns the bytes added."""
    added = 0
    with resp:
        for chunk in resp.iter_content(1 << 16):
            out += chunk
            added += len(chunk)
            if len(out) > limit:
                raise TooLargeError(f"{uri}: file is over limits.max_file_mb ({limit} bytes)")
    return added


def _identity(identity_set: dict[str, Any]) -> str | None:
    """A principal's name from an identitySet: address first, display name otherwise."""
    for kind in IDENTITY_KINDS:
        who = identity_set.get(kind)
        if isinstance(who, dict):
            name = (
                who.get("email") or who.get("loginName") or who.get("displayName") or who.get("id")
            )
            if name:
                return str(name)
    return None


def _principals(permission: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    """Who a permission lets read the item: (principal, broad?) pairs.

    A link with scope anonymous or organization is a principal of its own, and a broad one; a
    link to specific people names them (grantedToIdentitiesV2); an existingAccess link adds
    nobody. A link without a scope (OneDrive personal) works for anyone who has it.
    """
    link = permission.get("link")
    if isinstance(link, dict):
        scope = link.get("scope")
        granted = permission.get("grantedToIdentitiesV2") or permission.get("grantedToIdentities")
        if scope in BROAD_LINKS:
            yield BROAD_LINKS[scope], True
        elif scope is None and not granted:
            yield ANYONE, True
        for identity_set in granted or []:
            name = _identity(identity_set)
            if name:
                yield name, False
        return
    direct = permission.get("grantedToV2") or permission.get("grantedTo")
    name = _identity(direct) if isinstance(direct, dict) else None
    if name is None:
        invitation = permission.get("invitation") or {}
        name = invitation.get("email")  # invited, not yet redeemed: the address it went to
    if name:
        yield str(name), False


def _names(config: SourceConfig, key: str, value: list[str]) -> list[str]:
    """A list of names (case-insensitive) or ["*"]; may be empty when the default is."""
    if not all(value):
        raise ConfigError(config.key(key), f"has an empty name: {value!r}", f'write {key} = ["*"]')
    return [v if v == "*" or ":" in v else v.casefold() for v in value]
