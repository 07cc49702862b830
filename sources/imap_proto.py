"""The parts of IMAP4rev1 that imaplib leaves to its caller: folder-name encoding and parsing.

imaplib sends and returns raw protocol bytes; folder names travel in "modified UTF-7"
(RFC 3501 section 5.1.3) and LIST / FETCH answers must be taken apart by the caller. Kept apart
from the source so the source reads as the walk it is, and so these parsers get tests of their
own with the odd shapes servers send (quoted names with escapes, literals, NIL delimiters).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any


def decode_mutf7(name: bytes | str) -> str:
    """Decode a modified UTF-7 folder name: `&-` is `&`, `&...-` is base64 (`,` for `/`) UTF-16."""
    text = name.decode("ascii", "replace") if isinstance(name, bytes) else name
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "&":
            out.append(ch)
            i += 1
            continue
        end = text.find("-", i)
        if end == -1:
            # Not valid modified UTF-7; keep the rest as it is rather than lose the folder.
            out.append(text[i:])
            break
        chunk = text[i + 1 : end]
        if not chunk:
            out.append("&")
        else:
            b64 = chunk.replace(",", "/")
            b64 += "=" * (-len(b64) % 4)
            out.append(base64.b64decode(b64).decode("utf-16-be", "replace"))
        i = end + 1
    return "".join(out)


def encode_mutf7(name: str) -> str:
    """Encode a folder name in modified UTF-7 for SELECT/EXAMINE."""
    out = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            raw = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode().rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return "".join(out)


def quote(text: str) -> str:
    """Quote as an IMAP string (imaplib does not quote mailbox arguments itself)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One LIST answer line: flags, hierarchy delimiter and the folder's wire (mUTF-7) name."""

    flags: frozenset[str]
    delimiter: str | None
    wire_name: str

    @property
    def name(self) -> str:
        """The folder name as a person reads it."""
        return decode_mutf7(self.wire_name)

    @property
    def selectable(self) -> bool:
        """False for placeholders in the hierarchy that hold no messages."""
        return not ({"\\noselect", "\\nonexistent"} & self.flags)


_LIST_RE = re.compile(rb'^\((?P<flags>[^)]*)\) (?P<delim>"(?:\\.|[^"])*"|NIL) ?(?P<name>.*)$', re.I)


def _unquote(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def parse_list(data: Sequence[Any]) -> list[ListEntry]:
    """Parse imaplib's LIST data; a name sent as a literal arrives as a (prefix, name) tuple."""
    entries = []
    for row in data:
        if row is None:
            continue
        if isinstance(row, tuple):
            prefix, literal = row
            line = prefix.rsplit(b"{", 1)[0] + b'"' + literal.replace(b'"', b'\\"') + b'"'
        else:
            line = row
        m = _LIST_RE.match(line.strip())
        if not m:
            continue
        delim = m.group("delim")
        entries.append(
            ListEntry(
                flags=frozenset(f.lower() for f in m.group("flags").decode().split()),
                delimiter=None if delim.upper() == b"NIL" else _unquote(delim),
                wire_name=_unquote(m.group("name").strip()),
            )
        )
    return entries


@dataclass(frozen=True, slots=True)
class FetchedHeader:
    """What one listing FETCH gives for a message."""

    uid: int
    size: int | None
    internal_date: datetime | None
    header: bytes


_UID_RE = re.compile(rb"\bUID (\d+)", re.I)
_SIZE_RE = re.compile(rb"\bRFC822\.SIZE (\d+)", re.I)
_DATE_RE = re.compile(rb'\bINTERNALDATE "([^"]+)"', re.I)
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


def parse_internaldate(text: str) -> datetime | None:
    """Parse `17-Jul-1996 02:44:25 -0700` as tz-aware UTC (month names are fixed English)."""
    m = re.match(
        r"\s*(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)", text
    )
    if not m:
        return None
    day, mon, year, hh, mm, ss, sign, zh, zm = m.groups()
    month = _MONTHS.get(mon.lower())
    if month is None:
        return None
    offset = timedelta(hours=int(zh), minutes=int(zm)) * (-1 if sign == "-" else 1)
    local = datetime(int(year), month, int(day), int(hh), int(mm), int(ss), tzinfo=timezone(offset))
    return local.astimezone(UTC)


def parse_fetch(data: Sequence[Any]) -> list[FetchedHeader]:
    """Parse the listing FETCH answer: (UID RFC822.SIZE INTERNALDATE BODY[HEADER.FIELDS ...])."""
    out: list[FetchedHeader] = []

    def flush(prefix: bytes, literal: bytes) -> None:
        uid = _UID_RE.search(prefix)
        if not uid:
            return
        size = _SIZE_RE.search(prefix)
        date = _DATE_RE.search(prefix)
        out.append(
            FetchedHeader(
                uid=int(uid.group(1)),
                size=int(size.group(1)) if size else None,
                internal_date=parse_internaldate(date.group(1).decode()) if date else None,
                header=literal,
            )
        )

    # imaplib splits an answer at its literal: (prefix, literal) then the rest of the line
    # (`)` or ` UID 7)` when the server put items after the literal) as a separate row.
    pending: tuple[bytes, bytes] | None = None
    for row in data:
        if isinstance(row, tuple):
            if pending:
                flush(*pending)
            pending = (row[0], row[1])
        elif isinstance(row, bytes):
            if pending:
                flush(pending[0] + b" " + row, pending[1])
                pending = None
            else:
                flush(row, b"")
    if pending:
        flush(*pending)
    return out


def uid_sets(uids: list[int], batch: int) -> list[str]:
    """Split sorted UIDs into batches written as compact IMAP sets (`1:40,42,50:60`)."""
    sets = []
    for start in range(0, len(uids), batch):
        chunk = uids[start : start + batch]
        parts = []
        lo = prev = chunk[0]
        for uid in chunk[1:]:
            if uid == prev + 1:
                prev = uid
                continue
            parts.append(f"{lo}:{prev}" if lo != prev else str(lo))
            lo = prev = uid
        parts.append(f"{lo}:{prev}" if lo != prev else str(lo))
        sets.append(",".join(parts))
    return sets


def parse_uid_set(text: str) -> set[int]:
    """The UIDs of a set written as uid_sets writes it (`1:40,42,50:60`)."""
    out: set[int] = set()
    for part in text.split(","):
        if not part:
            continue
        lo, _, hi = part.partition(":")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out
