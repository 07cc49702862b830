"""Outlook .msg files: one path from MAPI properties to RFC 822, for extraction and the archive.

A .msg is not MIME: extract-msg gives its properties (transport headers when the message was
received, else sender, recipients and subject as properties), bodies and attachments. It is
rebuilt as RFC 822 (scanner.mailparts.build_rfc822) so the one eml extractor handles it, exactly
like PST, IMAP and Exchange mail. An embedded message (a mail attached to a mail) is rebuilt the
same way, its own attachments included, and attached as a message/rfc822 part, which the eml
extractor turns into a child item with its headers, subject and body scanned.

Used by MsgExtractor (a .msg met on a share or in a zip) and by sources.archives (a .msg given as
an archive, one item per file): there is no second .msg reader.
"""

from __future__ import annotations

import email.utils
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from scanner.extract import sniff
from scanner.extract.base import ExtractContext, Output, limit_chars
from scanner.extract.mail import eml_outputs, safe_name
from scanner.mailparts import (
    MAX_EMBED_DEPTH,
    MailParts,
    as_utc,
    build_rfc822,
    header_date,
    message_metadata,
    parse_headers,
)

PROPERTY_HEADERS = (("From", "sender"), ("To", "to"), ("Cc", "cc"), ("Bcc", "bcc"))


def _headers(msg: Any) -> list[tuple[str, str]]:
    """Transport headers when the message has them, completed from its properties."""
    header = getattr(msg, "header", None)
    headers = [(k, str(v)) for k, v in header.items()] if header is not None else []
    present = {k.lower() for k, _ in headers}
    # Any: openMsg returns a Message, Contact, Appointment... depending on the item class, and
    # only some of them carry each field; getattr keeps a contact card readable.
    for name, attribute in (*PROPERTY_HEADERS, ("Subject", "subject")):
        value = getattr(msg, attribute, None)
        if value and name.lower() not in present:
            headers.append((name, str(value)))
    when = _date(msg)
    if when is not None and "date" not in present:
        headers.append(("Date", email.utils.format_datetime(when)))
    return headers


def _date(msg: Any) -> datetime | None:
    value = getattr(msg, "date", None)
    return as_utc(value) if isinstance(value, datetime) else None


def msg_parts(msg: Any, depth: int = 0) -> MailParts:
    """Everything of one opened .msg (extract-msg) that the eml extractor can use."""
    parts = MailParts(headers=_headers(msg), text=getattr(msg, "body", None) or None)
    html = getattr(msg, "htmlBody", None)
    if html:
        parts.html = html.decode("utf-8", "replace") if isinstance(html, bytes) else str(html)
    att: Any
    for n, att in enumerate(getattr(msg, "attachments", []), 1):
        data = att.data
        if isinstance(data, bytes):
            raw = getattr(att, "longFilename", None) or getattr(att, "shortFilename", None)
            parts.attachments.append((safe_name(raw or "", f"attachment-{n}"), data))
        elif data is not None and depth < MAX_EMBED_DEPTH:  # an embedded message
            subject = getattr(data, "subject", None) or "message"
            name = safe_name(f"{subject}.eml", f"message-{n}.eml")
            parts.messages.append((name, build_rfc822(msg_parts(data, depth + 1))))
    return parts


def msg_to_rfc822(source: bytes | str | Path) -> tuple[bytes, dict[str, str], datetime | None]:
    """A .msg (bytes or a path) as RFC 822 bytes, with its metadata and received date."""
    import extract_msg

    msg: Any = extract_msg.openMsg(
        source if isinstance(source, bytes) else str(source), delayAttachments=False
    )
    try:
        raw = build_rfc822(msg_parts(msg))
        when = _date(msg)
    finally:
        msg.close()
    parsed = parse_headers(raw)
    return raw, message_metadata(parsed), when or header_date(parsed)


class MsgExtractor:
    """Outlook .msg files: read as the RFC 822 message they stand for."""

    name: ClassVar[str] = "msg"

    def sniff(self, head: bytes, filename: str) -> bool:
        """OLE with MAPI property streams (`__substg1.0_`) or named .msg."""
        if not sniff.is_ole(head):
            return False
        return sniff.has_ole_stream(head, "__substg1.0_") or sniff.suffix(filename) == "msg"

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Headers, subject, body, then attachments and embedded messages as children."""
        yield from limit_chars(eml_outputs(msg_to_rfc822(data)[0]), ctx.limits.max_chars)
