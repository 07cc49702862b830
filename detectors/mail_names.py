"""Names in mail address lists, read as structure rather than prose.

The model reads `Smith, Maureen; Muhl, Gil` or `Miguel Maltes/ENRON_DEVELOPMENT@ENRON_DEVELOPMENT`
as noise. An address list has a grammar, so we parse it:
- items are split on `;` (Outlook) or `,` (RFC 5322), outside quotes and `<...>`; with commas
  only, a lone word followed by a name is one `Last, First` item (`Draper, Lon`);
- an item's name is its display name (`"Pritchard, Gareth" <g@x.com>`, `Gareth Pritchard
  [mailto:g@x.com]`), or the part before the first `/` of a Lotus Notes / X.400 address
  (`David A. Foti/Internal/Accenture@Accenture`); bare addresses and X.500 paths
  (`</O=ENRON/OU=NA/CN=RECIPIENTS/CN=MSMITH>`) hold no display name (the e-mail recognizer
  reports addresses);
- group mailboxes (`All Employees`, `IT Support`, `Undisclosed recipients`) are not people.
Lists are found in three places: whole header segments (`header:To`, handed over by the engine),
header lines inside bodies (forwarded and quoted `From:`/`To:`/`Cc:`/`X-To:` blocks, with their
indented continuation lines), and, anywhere, Notes addresses (`Forwarded by Sally Beck/HOU/ECT`)
and display names before an address (`-- Andres Klode <jak@example.org>` in a changelog).
Structure is the evidence, so no name-list look-up is needed: score 0.9.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from detectors.gazetteer import is_place, is_word, known
from detectors.name_shapes import (
    GROUP_WORDS,
    NOT_NAMES,
    plausible_name,
    unlisted_word,
    word_kind,
)
from detectors.pattern import Shape, ShapeRecognizer

SCORE = 0.9
_LABEL_LINE = re.compile(
    r"(?im)^[ \t>]*(?:from|to|cc|bcc|x-from|x-to|x-cc|x-bcc|reply-to|sender|sent by|"
    r"attendees|recipients?)[ \t]*:[ \t]*(.+(?:\n[ \t]+\S.*)*)"
)
# `Name <user@domain>` anywhere: a display name in a changelog, a signature, a pasted header.
_DISPLAY = re.compile(
    r"(?<![\w@.\-])([A-Z][\w.'’\-]*(?:[ \t]+(?:[a-z]{1,3}[ \t]+)?[A-Z][\w.'’\-]*){1,3})"
    r"[ \t]*[<(\[](?:mailto:)?[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+[>)\]]"
)
# `Name/Org/Org@Domain` or `Name/Org/Org` (Notes canonical names), a capitalised name first.
_NOTES = re.compile(
    r"(?<![\w/@.])([A-Z][\w.'’\-]*(?: [A-Z][\w.'’\-]*){0,3})"
    r"(/[A-Za-z][\w&\-]*(?:/[A-Za-z][\w&\-]*)*(?:@[A-Za-z][\w&.\-]*)?)"
)
_INITIALS = re.compile(r"[A-Z]{2,3}")
_ADDRESS = re.compile(r"[\w.+\-]+@[\w\-]+\.[\w.\-]+")
_TAIL = re.compile(r"\s+on\s+\d|\s*[<\[(]")  # `Name on 05/10/2001 ...`, `Name <a@b>`, `[mailto:`


def _items(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of every list item, split on `;` if any, else on `,`, outside <> and "."""
    sep = ";" if ";" in text[start:end] else ","
    depth, quoted, item = 0, False, start
    for i in range(start, end):
        c = text[i]
        if c == '"':
            quoted = not quoted
        elif c in "<[(":
            depth += 1
        elif c in ">])":
            depth = max(0, depth - 1)
        elif c == sep and not quoted and not depth:
            yield item, i
            item = i + 1
    yield item, end


def _display(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The display-name span of one item, or None for a bare address."""
    while start < end and text[start] in " \t\r\n\"'":
        start += 1
    tail = _TAIL.search(text, start, end)
    stop = tail.start() if tail else end
    notes = _NOTES.match(text, start, stop)
    if notes and (notes.group(2).count("/") > 1 or "@" in notes.group(2)):
        stop = notes.end(1)
    at = text.find("@", start, stop)
    if at != -1:
        # `"Hitschel Bonnie V. BHitschel@tesoro.com@ENRON"`: an unresolved address after the
        # name, inside the display name (Exchange writes these); a bare address has no name,
        # and `General Announcements@ENRON` is a Notes name with its domain.
        cut = max(text.rfind(" ", start, at), text.rfind("\t", start, at))
        if cut > start and _ADDRESS.match(text, cut + 1, stop):
            stop = cut
    while stop > start and text[stop - 1] in " \t\r\n\"',;":
        stop -= 1
    if stop <= start or "@" in text[start:stop] or "=" in text[start:stop]:
        return None
    return start, stop


def is_person(value: str) -> bool:
    """A display name of a person, not of a group mailbox.

    Initials may stand for the forename in a directory's display name (`TK Lohman`, `Lohman
    TK`) beside a surname that is no English word (`EOL North` is a desk).
    """
    words = value.replace(",", " ").split()
    if len(words) == 2 and any(_INITIALS.fullmatch(w) for w in words):
        name = words[1] if _INITIALS.fullmatch(words[0]) else words[0]
        return (
            word_kind(name) == "name"
            and not is_word(name)
            and not is_place(name)
            and plausible_name(name)
        )
    if not plausible_name(value.replace(",", " ")):
        return False
    if any(is_place(w) and not known(w) for w in words):
        return False  # `Rome, Italy` in an itinerary's `To:` line
    if any(w.casefold() in GROUP_WORDS or w.casefold() in NOT_NAMES for w in words):
        return False
    return len(words) > 1 or known(words[0])


def list_names(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Name spans of an address list in text[start:end]."""
    end = len(text) if end is None else end
    spans = [s for s in (_display(text, a, b) for a, b in _items(text, start, end)) if s]
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        a, b = spans[i]
        # `Draper, Lon` split on the comma: a lone word, then a name with nothing between.
        if (
            i + 1 < len(spans)
            and len(text[a:b].split()) == 1
            and word_kind(text[a:b]) in ("name", "caps")
            and text[b : spans[i + 1][0]].strip() == ","
            and 0 < len(text[spans[i + 1][0] : spans[i + 1][1]].split()) <= 2
        ):
            b = spans[i + 1][1]
            i += 1
        if is_person(text[a:b]):
            out.append((a, b))
        i += 1
    return out


class AddressListRecognizer(ShapeRecognizer):
    """Display names in header lines of mail bodies and Notes addresses anywhere."""

    ENTITY = "PERSON"
    SHAPES = (
        Shape("header list", _LABEL_LINE.pattern, SCORE),
        Shape("notes", _NOTES.pattern, SCORE),
        Shape("display name", _DISPLAY.pattern, SCORE),
    )
    CONTEXT = ()
    DAMPING = ()
    BOOST = 0.0
    PREFILTER = re.compile(r"[:/@]")  # a character search: candidates() looks closer
    SCOUTS = (_LABEL_LINE, _DISPLAY, _NOTES)

    def candidates(self, text: str) -> Iterator[tuple[int, int, float, str]]:
        """Names in `To:`-style lines, then Notes names outside them."""
        covered: list[tuple[int, int]] = []
        for m in _LABEL_LINE.finditer(text):
            covered.append(m.span(1))
            for a, b in list_names(text, m.start(1), m.end(1)):
                yield a, b, SCORE, "header list"
        if "@" in text:
            for m in _DISPLAY.finditer(text):
                if not any(a <= m.start() < b for a, b in covered) and is_person(m.group(1)):
                    yield m.start(1), m.end(1), SCORE, "display name"
        if "/" not in text:
            return
        for m in _NOTES.finditer(text):
            path = m.group(2)
            if path.count("/") < 2 and "@" not in path:
                continue  # `and/or`, `Input/Output`: one slash is not an address
            if any(a <= m.start() < b for a, b in covered):
                continue
            if is_person(m.group(1)):
                yield m.start(1), m.end(1), SCORE, "notes"

    def validate(self, value: str) -> bool:
        """Candidates are checked while parsing."""
        return True

    def header(self, text: str) -> list[Any]:
        """Names in a whole header value (`header:To` segments): the text is the list.

        Those segments are address headers only (`From`, `To`, `Cc`...; the subject is its own
        segment, scanner/extract/mail.py), so a value that is one name-like word and nothing
        else (`From: Lokay`, an export that cut the display name at its comma) is a person's
        surname, listed or not.
        """
        spans = list_names(text)
        word = text.strip()
        if not spans and " " not in word and _lone_sender(word):
            start = text.index(word)
            spans = [(start, start + len(word))]
        return [self.result(a, b, SCORE, "header") for a, b in spans]


def _lone_sender(word: str) -> bool:
    """A word that can only be a name: no English, common, place or group mailbox word."""
    return unlisted_word(word) and word.casefold() not in GROUP_WORDS
