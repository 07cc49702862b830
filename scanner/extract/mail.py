"""Mail: RFC 822 .eml files and Unix mbox mailboxes (Outlook .msg: scanner/extract/msg.py).

A message is located the way a person would point at it: `header:From`, `header:To`,
`header:Cc`, `subject`, `body`. Attachments become Child items (`/attachments/NAME`) dated with
the message's Date, so that retention rules age an attachment with the mail that carried it;
messages in an mbox become Child items `#N`; a forwarded or attached message (message/rfc822)
becomes a Child `.eml` item, so its own headers, subject and body are read as a message. Names
are cleaned of undecodable bytes (surrogates would crash the Parquet writer) but otherwise kept
as sent: escaping `<script>` is the report's job, and a rewritten name would no longer match
what the user sees in their mail client.
"""

from __future__ import annotations

import email
import email.header
import email.policy
import email.utils
import re
from collections.abc import Iterator
from datetime import datetime
from email.message import Message
from typing import Any, ClassVar

from scanner.extract import sniff
from scanner.extract.base import Child, ExtractContext, Output, TextSegment, limit_chars
from scanner.extract.text import html_parts, table_segments
from scanner.mailparts import message_metadata, parse_date

# X-From/X-To/X-cc/X-bcc carry the display names where To/Cc hold only addresses (Exchange and
# Lotus Notes exports such as the Enron corpus).
ADDRESS_HEADERS = (
    "From", "To", "Cc", "Bcc", "Reply-To", "Sender", "X-From", "X-To", "X-cc", "X-bcc",
)  # fmt: skip
HEADER_LINE = re.compile(rb"^([A-Za-z][A-Za-z0-9-]{0,60}):[ \t]?", re.MULTILINE)
KNOWN_HEADERS = {
    b"from", b"to", b"cc", b"subject", b"date", b"received", b"return-path", b"message-id",
    b"mime-version", b"content-type", b"delivered-to", b"x-mailer", b"reply-to",
}  # fmt: skip


def clean(value: object) -> str:
    """Make a header or file name valid Unicode: surrogate-escaped raw bytes decoded or replaced."""
    text = str(value)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # 8-bit headers from old Western mailers are cp1252 far more often than anything else.
        return raw.decode("cp1252", "replace")


def safe_name(name: str, fallback: str) -> str:
    """Make an attachment name usable as a URI path segment: no separators, never empty."""
    name = clean(name).replace("/", "_").replace("\\", "_").strip()
    return name or fallback


def _part_text(part: Message) -> str:
    """Decode a text part by its declared charset, falling back when the label is bogus."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        return payload.decode("cp1252", "replace")


def header_segments(headers: dict[str, str], subject: str) -> Iterator[TextSegment]:
    """`header:From` ... and `subject` segments (empty ones omitted)."""
    for name in ADDRESS_HEADERS:
        if value := clean(headers.get(name) or "").strip():
            yield TextSegment(f"header:{name}", value)
    if subject := clean(subject).strip():
        yield TextSegment("subject", subject)


# Parts that are whole messages: each becomes a child item, read with its own headers.
MESSAGE_TYPES = {"message/rfc822", "message/global"}


def _parts(part: Message, top: bool = True) -> Iterator[Message]:
    """The message's leaf parts in order; an attached message is one part, not descended into.

    Message.walk() descends into a forwarded message, so its body ran into the outer one and
    its From, To and Subject were lost (issue 13).
    """
    if not top and part.get_content_type() in MESSAGE_TYPES:
        yield part
    elif part.is_multipart():
        subs: list[Message] = part.get_payload()  # type: ignore[assignment]  # multipart: a list
        for sub in subs:
            yield from _parts(sub, False)
    else:
        yield part


def _attached_message(part: Message, filename: str | None, date: datetime | None) -> Child:
    """A message/rfc822 part as a child `.eml` item (named by its file name, else its subject)."""
    payload = part.get_payload()
    inner: Any = payload[0] if isinstance(payload, list) and payload else None
    if inner is not None:
        raw = inner.as_bytes()
        subject = _decode_header(inner.get("Subject", "")) or "message"
    else:  # encoded as an opaque body (some mailers base64 it): the bytes are the message
        decoded = part.get_payload(decode=True)
        raw = decoded if isinstance(decoded, bytes) else b""
        subject = "message"
    name = safe_name(_decode_header(filename or "") or f"{subject}.eml", "message.eml")
    metadata = {"content_type": part.get_content_type()}
    if inner is not None:
        metadata.update(message_metadata(inner))
    return Child(f"/attachments/{name}", name, raw, date, metadata)


def eml_outputs(data: bytes) -> Iterator[Output]:
    """Headers, body and attachments of one RFC 822 message; attached messages are children."""
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    headers = {name: " ".join(str(v) for v in msg.get_all(name, [])) for name in ADDRESS_HEADERS}
    decoded = {k: _decode_header(v) for k, v in headers.items()}
    yield from header_segments(decoded, _decode_header(msg.get("Subject", "")))
    date = parse_date(msg.get("Date"))
    plain: list[str] = []
    html: list[str] = []
    children: list[Child] = []
    for part in _parts(msg):
        filename = _filename(part)
        ctype = part.get_content_type()
        disposition = part.get_content_disposition()
        if ctype in MESSAGE_TYPES:
            children.append(_attached_message(part, filename, date))
        elif filename or disposition == "attachment" or not ctype.startswith("text/"):
            payload = part.get_payload(decode=True)
            name = safe_name(_decode_header(filename or ""), f"attachment-{len(children) + 1}")
            if isinstance(payload, bytes):
                children.append(
                    Child(f"/attachments/{name}", name, payload, date, {"content_type": ctype})
                )
        elif ctype == "text/html":
            html.append(_part_text(part))
        else:
            plain.append(_part_text(part))
    tables: list[list[list[str]]] = []
    if plain:
        body = "\n\n".join(plain)
    else:  # an HTML-only message: its text, and its tables of data apart (`body table N`)
        read = [html_parts(h) for h in html]
        body = "\n\n".join(text for text, _ in read)
        tables = [table for _, found in read for table in found]
    if body.strip():
        yield TextSegment("body", body)
    yield from table_segments(tables, "body")
    yield from children


def _decode_header(value: Any) -> str:
    """Decode RFC 2047 encoded-words; raw 8-bit header bytes are read as UTF-8, else cp1252."""
    if value is None:
        return ""
    if isinstance(value, email.header.Header):
        # compat32 hands back a Header (charset "unknown-8bit") for headers with raw 8-bit
        # bytes; recover the bytes, read them as text, then decode any encoded-words in it.
        raw = b"".join(
            c if isinstance(c, bytes) else c.encode("ascii", "surrogateescape")
            for c, _ in email.header.decode_header(value)
        )
        try:
            value = raw.decode("utf-8")
        except UnicodeDecodeError:
            value = raw.decode("cp1252", "replace")
    parts = []
    for chunk, charset in email.header.decode_header(str(value)):
        if isinstance(chunk, str):
            parts.append(chunk)
            continue
        try:
            parts.append(chunk.decode(charset or "utf-8"))
        except (LookupError, UnicodeDecodeError):
            parts.append(chunk.decode("cp1252", "replace"))
    return clean("".join(parts))


def _filename(part: Message) -> str | None:
    """Return the attachment's file name, recovering raw 8-bit bytes that get_filename replaces."""
    name = part.get_filename()
    if name and "\ufffd" in name:
        for key, raw in part.raw_items():
            if key.lower() in ("content-disposition", "content-type"):
                found = re.search(r'(?i)\b(?:file)?name="?([^";\r\n]+)', str(raw))
                if found:
                    return clean(found.group(1))
    return name


def looks_like_headers(head: bytes) -> bool:
    """Tell whether the head starts with an RFC 822 header block naming two known headers."""
    block = head.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    if not HEADER_LINE.match(block):
        return False
    names = {m.group(1).lower() for m in HEADER_LINE.finditer(block)}
    return len(names & KNOWN_HEADERS) >= 2


class EmlExtractor:
    """A single RFC 822 message (.eml, saved mail, a message/rfc822 attachment)."""

    name: ClassVar[str] = "eml"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Claim a header block at the start (or an .eml name with text content)."""
        return looks_like_headers(head) or (
            sniff.suffix(filename) == "eml" and sniff.looks_textual(head)
        )

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Headers, subject, body, then attachments as children."""
        yield from limit_chars(eml_outputs(data), ctx.limits.max_chars)


def split_mbox(data: bytes) -> Iterator[bytes]:
    """Messages of an mbox: each starts at a line beginning `From ` (as Python's mailbox reads it).

    mboxrd quoting (`>From ` for a body line that began with `From `) is undone so bodies read
    as they were sent.
    """
    starts = [m.start() for m in re.finditer(rb"(?m)^From ", data)]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(data)
        chunk = data[start:end]
        chunk = chunk[chunk.find(b"\n") + 1 :]  # drop the `From ` envelope line
        if chunk.endswith(b"\n\n"):
            chunk = chunk[:-1]  # the blank line that separates messages is not part of one
        yield re.sub(rb"(?m)^>(>*From )", rb"\1", chunk)


class MboxExtractor:
    """Unix mailbox files (Thunderbird, mutt, Google Takeout): each message a Child `#N`."""

    name: ClassVar[str] = "mbox"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Claim a `From ` envelope line followed by a header block, or an .mbox name."""
        if head.startswith(b"From "):
            return looks_like_headers(head[head.find(b"\n") + 1 :])
        return sniff.suffix(filename) in {"mbox", "mbx"} and sniff.looks_textual(head)

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """One Child per message, dated by its Date header."""
        for n, raw in enumerate(split_mbox(data), 1):
            date_match = re.search(rb"(?mi)^Date:[ \t]*(.+)$", raw.split(b"\n\n", 1)[0])
            date = (
                parse_date(date_match.group(1).decode("ascii", "replace")) if date_match else None
            )
            yield Child(f"#{n}", f"message {n}.eml", raw, date)
