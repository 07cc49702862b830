"""Outlook PST/OST files (libpff): one RFC 822 message per stored message, streamed.

A PST is not MIME: libpff gives properties (sender name, transport headers, bodies, recipient
tables, attachments). Each message is rebuilt as RFC 822 (scanner.mailparts.build_rfc822) so the
one eml extractor handles it and turns its attachments into nested items, exactly as for IMAP or
mbox. Used twice: by the archive source (one Item per message, re-opened in the worker by its
locator) and by the extract registry for a .pst met on a share (`iter_pst_messages`).

Messages are visited folder by folder with an explicit stack and yielded one at a time, so a
50 GB PST never becomes a list in memory. A message's suffix is `#/<folder path>/<n>` with n the
1-based position in its folder; folder names are percent-encoded so `/` and `#` stay unambiguous.
"""

from __future__ import annotations

import email.utils
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

from scanner.errors import TooLargeError
from scanner.extract.base import Child, ExtractContext, Output
from scanner.extras import require
from scanner.mailparts import (
    MAX_EMBED_DEPTH,
    MailParts,
    as_utc,
    build_rfc822,
    message_metadata,
    parse_headers,
)

# MAPI property tags (MS-OXPROPS) read from recipient and message record sets.
PR_DISPLAY_NAME = 0x3001
PR_EMAIL_ADDRESS = 0x3003
PR_SMTP_ADDRESS = 0x39FE
PR_RECIPIENT_TYPE = 0x0C15
PR_SENDER_EMAIL_ADDRESS = 0x0C1F
PR_SENDER_SMTP_ADDRESS = 0x5D01
RECIPIENT_HEADERS = {1: "To", 2: "Cc", 3: "Bcc"}


@dataclass(frozen=True, slots=True)
class PstEntry:
    """One message as listed: where it is, when it arrived and who it is from and to."""

    locator: tuple[int, ...]
    suffix: str
    name: str
    received: datetime | None
    metadata: dict[str, str]


def open_pst(source: str | Path | bytes) -> Any:
    """Open a PST/OST from a path or from bytes; libpff raises OSError for a corrupt file.

    libpff-python is the `pst` extra: without it a PST is an `unsupported` item naming it.
    """
    pst = require("pypff", "Reading PST/OST files").file()
    if isinstance(source, bytes):
        pst.open_file_object(io.BytesIO(source))
    else:
        pst.open(str(source))
    return pst


def _text(value: bytes | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    # libpff hands bodies over as stored: UTF-8 for Unicode PSTs, a Windows codepage for ANSI.
    try:
        return value.decode("utf-8").rstrip("\x00")
    except UnicodeDecodeError:
        return value.decode("cp1252", "replace").rstrip("\x00")


def _entries(item: Any, index: int = 0) -> dict[int, Any]:
    """Property tag -> record entry of one of an item's record sets."""
    out: dict[int, Any] = {}
    try:
        if item.number_of_record_sets > index:
            for entry in item.get_record_set(index).entries:
                out.setdefault(entry.entry_type, entry)
    except OSError:
        pass  # a damaged property table: the message is still read, with fewer headers
    return out


def _string(entries: dict[int, Any], tag: int) -> str | None:
    entry = entries.get(tag)
    if entry is None:
        return None
    try:
        value = entry.data_as_string
    except (OSError, ValueError, TypeError):
        return None
    return str(value) if value else None


def _recipients(message: Any) -> list[tuple[str, str]]:
    """(header, "Name <address>") for each recipient: one record set per recipient row."""
    out: list[tuple[str, str]] = []
    try:
        table = message.recipients
        count = table.number_of_record_sets if table is not None else 0
    except OSError:
        return out
    for i in range(count):
        entries = _entries(table, i)
        address = _string(entries, PR_SMTP_ADDRESS) or _string(entries, PR_EMAIL_ADDRESS) or ""
        name = _string(entries, PR_DISPLAY_NAME) or ""
        kind_entry = entries.get(PR_RECIPIENT_TYPE)
        kind = kind_entry.data_as_integer if kind_entry is not None else 1
        value = f"{name} <{address}>" if name and address and name != address else (address or name)
        if value:
            out.append((RECIPIENT_HEADERS.get(kind, "To"), value))
    return out


def _headers(message: Any) -> list[tuple[str, str]]:
    """Return the message's transport headers, or headers made from its properties.

    Sent items, drafts and messages created in Outlook have no transport headers.
    """
    transport = _text(message.transport_headers)
    if transport and transport.strip():
        parsed = parse_headers(transport.encode("utf-8", "replace"))
        return [(k, str(v)) for k, v in parsed.items()]
    headers: list[tuple[str, str]] = []
    entries = _entries(message)
    sender = _string(entries, PR_SENDER_SMTP_ADDRESS) or _string(entries, PR_SENDER_EMAIL_ADDRESS)
    name = message.sender_name
    if sender or name:
        both = name and sender and name != sender
        headers.append(("From", f"{name} <{sender}>" if both else (sender or name)))
    headers.extend(_recipients(message))
    if message.subject:
        headers.append(("Subject", message.subject))
    when = as_utc(message.client_submit_time or message.delivery_time)
    if when:
        headers.append(("Date", email.utils.format_datetime(when)))
    return headers


def _received(message: Any) -> datetime | None:
    return as_utc(message.delivery_time or message.client_submit_time or message.creation_time)


def message_parts(message: Any, depth: int = 0) -> MailParts:
    """Everything of one pypff message that the eml extractor can use."""
    parts = MailParts(headers=_headers(message), text=_text(message.plain_text_body))
    parts.html = _text(message.html_body)
    if parts.text is None and parts.html is None and message.rtf_body:
        parts.attachments.append(("body.rtf", bytes(message.rtf_body)))
    for i in range(message.number_of_attachments):
        attachment = message.get_attachment(i)
        name = attachment.long_filename or f"attachment-{i + 1}"
        size = attachment.size or 0
        if size:
            parts.attachments.append((name, attachment.read_buffer(size)))
        elif attachment.number_of_sub_items and depth < MAX_EMBED_DEPTH:
            inner = attachment.get_sub_item(0)
            if isinstance(inner, require("pypff", "Reading PST/OST files").message):
                parts.messages.append(
                    (f"{name}.eml", build_rfc822(message_parts(inner, depth + 1)))
                )
    return parts


def message_bytes(message: Any) -> bytes:
    """One pypff message as RFC 822 bytes."""
    return build_rfc822(message_parts(message))


def _segment(name: str) -> str:
    return quote(name, safe="&'()+,;=@")


def iter_pst_entries(pst: Any) -> Iterator[PstEntry]:
    """List every message of an open PST, folder by folder, without reading bodies."""
    stack: list[tuple[Any, tuple[int, ...], str, str]] = [(pst.get_root_folder(), (), "", "")]
    while stack:
        folder, locator, path, human = stack.pop()
        for n in range(folder.number_of_sub_messages):
            message = folder.get_sub_message(n)
            metadata = message_metadata(_header_message(_headers(message)))
            if human:
                metadata["folder"] = human
            yield PstEntry(
                locator=(*locator, n),
                suffix=f"#{path}/{n + 1}",
                name=f"{n + 1}.eml",
                received=_received(message),
                metadata=metadata,
            )
        # Reversed so that popping visits sub-folders in their stored order.
        for i in reversed(range(folder.number_of_sub_folders)):
            sub = folder.get_sub_folder(i)
            name = sub.name or ""
            if name:
                label = f"{human}/{name}" if human else name
                stack.append((sub, (*locator, i), f"{path}/{_segment(name)}", label))
            else:
                stack.append((sub, (*locator, i), path, human))


def _header_message(headers: list[tuple[str, str]]) -> Any:
    raw = "".join(f"{k}: {v}\r\n" for k, v in headers).encode("utf-8", "replace")
    return parse_headers(raw)


def read_pst_message(pst: Any, locator: tuple[int, ...]) -> bytes:
    """Find one message by the locator iter_pst_entries gave and return it as RFC 822."""
    folder = pst.get_root_folder()
    for index in locator[:-1]:
        folder = folder.get_sub_folder(index)
    return message_bytes(folder.get_sub_message(locator[-1]))


def iter_pst_messages(
    source: str | Path | bytes,
) -> Iterator[tuple[str, str, bytes, datetime | None]]:
    """(suffix, name, RFC 822 bytes, received) for every message: for the extract registry.

    The registry can turn each tuple into an extract `Child(suffix, name, data, modified)`.
    """
    pst = open_pst(source)
    try:
        for entry in iter_pst_entries(pst):
            yield entry.suffix, entry.name, read_pst_message(pst, entry.locator), entry.received
    finally:
        pst.close()


class PstExtractor:
    """A PST/OST met as a file (on a share, in a zip): each message a nested `#/folder/n` item.

    Big PSTs are better given to the `archive` source, which re-opens them by path instead of
    holding the bytes (this extractor is bounded by limits.max_file_mb like any file).
    """

    name: ClassVar[str] = "pst"

    def sniff(self, head: bytes, filename: str) -> bool:
        """PST and OST files start with the `!BDN` magic (MS-PST 2.2.2.6)."""
        return head.startswith(b"!BDN")

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Yield every message as an RFC 822 child, stopping at limits.archive_members."""
        for count, (suffix, name, raw, received) in enumerate(iter_pst_messages(data), 1):
            if count > ctx.limits.archive_members:
                raise TooLargeError(
                    f"PST holds more than limits.archive_members ({ctx.limits.archive_members}) "
                    "messages; scan it with an `archive` source or raise the limit"
                )
            yield Child(suffix=suffix, name=name, data=raw, modified=received)


__all__ = [
    "PstEntry",
    "PstExtractor",
    "iter_pst_entries",
    "iter_pst_messages",
    "open_pst",
    "read_pst_message",
]
