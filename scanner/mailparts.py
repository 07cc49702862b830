"""Mail helpers shared by every mail source and the PST/.msg converters.

Every mail message, wherever it comes from (IMAP, mbox, Maildir, PST, .msg, Exchange), ends up
as RFC 822 bytes handled by one eml extractor, and carries the same metadata keys: `sender`,
`recipients`, `message_id`. Keeping the header parsing and the RFC 822 building in one place
keeps those keys identical across sources, which the report's masking and the retention check
rely on. The message subject is deliberately not metadata: it is content and may hold personal
data, so it only ever goes through extraction and detection.
"""

from __future__ import annotations

import email.policy
import email.utils
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser

# Enough for any sane header block; a message whose headers are larger still gets its content
# scanned, only its metadata may be incomplete.
HEADER_PEEK_BYTES = 64 * 1024
# A message can embed a message that embeds another (PST, .msg); past this depth the rest is
# left to the pipeline's archive depth limit rather than rebuilt here.
MAX_EMBED_DEPTH = 5

_HEADER_PARSER = BytesHeaderParser(policy=email.policy.compat32)


def parse_headers(raw: bytes) -> Message:
    """Parse a header block (or a whole message; only headers are parsed)."""
    return _HEADER_PARSER.parsebytes(raw)


def _addresses(values: Iterable[str]) -> list[str]:
    out = []
    for _name, addr in email.utils.getaddresses([str(v) for v in values]):
        if addr and addr not in out:
            out.append(addr)
    return out


def message_metadata(headers: Message) -> dict[str, str]:
    """Sender, recipients (To, Cc, Bcc) and Message-ID as item metadata (addresses only)."""
    meta: dict[str, str] = {}
    sender = _addresses(headers.get_all("From", []) or headers.get_all("Sender", []))
    if sender:
        meta["sender"] = ", ".join(sender)
    recipients = _addresses(
        [*headers.get_all("To", []), *headers.get_all("Cc", []), *headers.get_all("Bcc", [])]
    )
    if recipients:
        meta["recipients"] = ", ".join(recipients)
    message_id = headers.get("Message-ID")
    if message_id:
        meta["message_id"] = " ".join(str(message_id).split())
    return meta


def header_date(headers: Message) -> datetime | None:
    """Return the Date header as tz-aware UTC, or None when it is missing or unparseable.

    A Date without a zone is taken as UTC: being a few hours off is harmless for a retention
    check counted in years, while refusing the date would fall back to a file time that may be
    decades off.
    """
    return parse_date(headers.get("Date"))


def parse_date(value: object) -> datetime | None:
    """An RFC 5322 date -> tz-aware UTC datetime; None when absent or unparseable (see above)."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    return as_utc(parsed)


def as_utc(value: datetime | None) -> datetime | None:
    """Make a datetime tz-aware UTC; naive values (as libraries return them) are taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass(slots=True)
class MailParts:
    """A message as the parts a non-MIME store (PST, .msg) gives us, to be rebuilt as RFC 822."""

    headers: list[tuple[str, str]] = field(default_factory=list)
    text: str | None = None
    html: str | None = None
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    messages: list[tuple[str, bytes]] = field(default_factory=list)


# Headers that describe the original MIME structure; the rebuilt message has its own.
_STRUCTURE_HEADERS = {"content-type", "content-transfer-encoding", "mime-version"}


def build_rfc822(parts: MailParts) -> bytes:
    """Rebuild a message as RFC 822 bytes so that the one eml extractor handles every source.

    Attachments become MIME attachments (the eml extractor turns them into nested items);
    embedded messages become message/rfc822 parts.
    """
    msg = EmailMessage(policy=email.policy.SMTP)
    for name, value in parts.headers:
        if name.lower() in _STRUCTURE_HEADERS:
            continue
        # A header value with a bare CR/LF would make a second, forged header line.
        clean = " ".join(str(value).split())
        if not clean:
            continue
        try:
            msg[name] = clean
        except (ValueError, TypeError):
            # A malformed header from a broken store: keep it as an unparsed header rather than
            # losing the rest of the message.
            msg.add_header("X-Noticescan-Unparsed-" + name.replace(":", ""), clean.encode().hex())
    if parts.text is not None:
        msg.set_content(parts.text)
    if parts.html is not None:
        if parts.text is None:
            msg.set_content(parts.html, subtype="html")
        else:
            msg.add_alternative(parts.html, subtype="html")
    if parts.text is None and parts.html is None:
        msg.set_content("")
    for filename, data in parts.attachments:
        msg.add_attachment(
            data, maintype="application", subtype="octet-stream", filename=filename or "attachment"
        )
    for filename, data in parts.messages:
        inner = email.message_from_bytes(data, policy=email.policy.default)
        msg.add_attachment(inner, filename=filename or "message.eml")
    return msg.as_bytes(policy=email.policy.SMTP.clone(max_line_length=998))
