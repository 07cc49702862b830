r"""vCard contact files (.vcf): each card as labelled lines, the structured fields put together.

Address books exported from phones, Outlook and Google are whole lists of people. Read as plain
text, a card's address is `ADR;TYPE=HOME:;;Lindenweg 14;München;;80331;Germany`: fields apart by
semicolons, in which no detector sees a street, and its name `N:Roe;Jane;;;` is surname first.
Here a card becomes `name: Jane Roe` / `address: Lindenweg 14, 80331 München, Germany` /
`phone: …` / `email: …`, one text a card, located `line N` at its `BEGIN:VCARD`. Folded lines
are unfolded, escapes (`\,`, `\n`) undone and vCard 2.1 quoted-printable values decoded.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator
from typing import ClassVar

from scanner.extract import sniff
from scanner.extract.base import ExtractContext, Output, TextSegment, limit_chars
from scanner.extract.text import decode, windows

# vCard property -> the label it is written under (others keep their own name, lower-cased)
LABELS = {
    "FN": "name",
    "N": "name",
    "NICKNAME": "nickname",
    "ADR": "address",
    "LABEL": "address",
    "TEL": "phone",
    "EMAIL": "email",
    "BDAY": "date of birth",
    "ORG": "organisation",
    "TITLE": "job title",
    "NOTE": "note",
    "URL": "web",
    "IMPP": "messaging",
}
# Properties that hold no personal data, or only bytes (a photo, a key)
SKIP = {"BEGIN", "END", "VERSION", "PRODID", "UID", "REV", "PHOTO", "LOGO", "SOUND", "KEY"}
_LINE = re.compile(r"^(?:[\w-]+\.)?(?P<name>[A-Za-z][\w-]*)(?P<params>(?:;[^:]*)?):(?P<value>.*)$")


class VcardExtractor:
    """vCard files: a card a text of labelled lines (module docstring)."""

    name: ClassVar[str] = "vcard"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Text that opens with BEGIN:VCARD."""
        start = sniff.opening(head, 64).upper()
        return start.startswith(b"BEGIN:VCARD") and sniff.looks_textual(head)

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """One segment per card."""
        yield from limit_chars(cards(decode(data, ctx.name)), ctx.limits.max_chars)


def cards(text: str) -> Iterator[TextSegment]:
    """Each card of a vCard file as labelled lines, located at its BEGIN line."""
    start, lines = 0, list[str]()
    for number, line in _unfolded(text):
        upper = line.upper()
        if upper.startswith("BEGIN:VCARD"):
            start, lines = number, []
        elif upper.startswith("END:VCARD"):
            if lines:
                yield from windows(f"line {start}", "\n".join(lines))
            lines = []
        else:
            read = _property(line)
            if read and read not in lines:  # `N` and `FN` often name the same person
                lines.append(read)
    if lines:  # a file cut off inside its last card
        yield from windows(f"line {start}", "\n".join(lines))


def _unfolded(text: str) -> Iterator[tuple[int, str]]:
    """(line number, logical line): a line starting with a space or tab continues the last."""
    held: tuple[int, str] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if held and line[:1] in (" ", "\t"):
            held = (held[0], held[1] + line[1:])
            continue
        if held and held[1].endswith("=") and "QUOTED-PRINTABLE" in held[1].upper():
            held = (held[0], held[1][:-1] + line)  # a soft line break in quoted-printable
            continue
        if held:
            yield held
        held = (number, line)
    if held:
        yield held


def _property(line: str) -> str | None:
    """`ADR;TYPE=HOME:;;Lindenweg 14;München;;80331;DE` -> `address: Lindenweg 14, 80331 …`."""
    m = _LINE.match(line)
    if not m:
        return line.strip() or None  # not a property: kept as text, nothing lost
    name, params, value = m.group("name").upper(), m.group("params").upper(), m.group("value")
    if name in SKIP:
        return None
    if "QUOTED-PRINTABLE" in params:
        charset = re.search(r"CHARSET=([\w-]+)", params)
        raw = quopri.decodestring(value.encode("latin-1", "replace"))
        try:
            value = raw.decode(charset.group(1) if charset else "utf-8")
        except (LookupError, UnicodeDecodeError):
            value = raw.decode("latin-1")
    fields = [_unescape(f).strip() for f in re.split(r"(?<!\\);", value)]
    if name == "N":  # family; given; additional; prefix; suffix
        family, given, extra, prefix, suffix = (fields + [""] * 5)[:5]
        text = " ".join(p for p in (prefix, given, extra, family, suffix) if p)
    elif name == "ADR":  # box; extended; street; locality; region; postcode; country
        box, ext, street, town, region, code, country = (fields + [""] * 7)[:7]
        place = " ".join(p for p in (code, town) if p)
        text = ", ".join(p for p in (box, ext, street, place, region, country) if p)
    else:
        text = "; ".join(f for f in fields if f)
    if name in ("TEL", "EMAIL", "URL", "IMPP"):
        text = re.sub(r"^(?:tel|mailto|sip|xmpp):", "", text, flags=re.IGNORECASE)
    label = LABELS.get(name, name.lower().removeprefix("x-").replace("-", " "))
    return f"{label}: {text}" if text else None


def _unescape(value: str) -> str:
    r"""Undo escapes: `\n` a line break (written `, `), `\,` `\;` `\\` the character."""
    return re.sub(r"\\([nN,;\\])", lambda m: ", " if m.group(1) in "nN" else m.group(1), value)
