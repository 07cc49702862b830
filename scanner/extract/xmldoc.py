"""XML record exports: each element's values on lines labelled with their tags.

Exports, feeds and configuration write a person as `<firstName>Jane</firstName><lastName>Roe
</lastName>` or `<contact name="Jane Roe" email="…"/>`. Read as plain text, the tags hide what
every value is: no detector reads `firstName` as a name's label, and a street with its number
in another element is no address. Here each element that holds values becomes one text, a line
per value, `first name: Jane` / `last name: Roe` / `street: Lindenweg` / `house number: 14`
(camelCase and underscores spaced, namespaces dropped), which the detectors read like a form.
The text is located `line N`, the line of the file where the record's first value stands.

Only a file whose tags or attributes name a personal field (FIELDS: `firstName`, `email`,
`street`, `Geburtsdatum`…) is read so. Any other XML (configuration, the mime database,
iso-codes' language and country lists) stays plain text by line: on 250 such files of
/usr/share, short labelled lines made the model tag words it leaves alone inside markup
(PERSON findings 1,395 as text, 2,619 as labelled lines, nearly all the new ones wrong).

An element with text and elements mixed (`<p>Call <b>Jane</b> now</p>`) is one value, its words
in order. A file that is not well-formed XML, uses an encoding Python does not know, or declares
entities (which expand; a billion-laughs file) is read as plain text instead: nothing in it is
lost, it only loses its labels.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar
from xml.parsers import expat

from scanner.errors import CharLimitError
from scanner.extract import sniff
from scanner.extract.base import ExtractContext, Output, TextSegment, limit_chars
from scanner.extract.text import BLOCK_CHARS, decode, line_blocks, windows

# Labels (as _label writes them) of personal fields: a file with one of them, alone or ending a
# longer label (`customer email`, `billing address`), is a record export.
FIELDS = frozenset(
    "first name|last name|surname|forename|forenames|given name|family name|full name|"
    "middle name|maiden name|firstname|lastname|fullname|email|e mail|email address|mail|"
    "phone|phone number|telephone|mobile|tel|fax|street|address|postcode|postal code|zip|"
    "zip code|house number|date of birth|birth date|birthdate|dob|birthday|iban|bic|"
    "account number|sort code|card number|national id|ssn|passport|passport number|nino|"
    "vorname|nachname|familienname|strasse|straße|hausnummer|plz|telefon|handy|geburtsdatum|"
    "anschrift|adresse|prénom|prenom|nom de famille|rue|téléphone|code postal|"
    "date de naissance|nombre|apellido|apellidos|dirección|direccion|teléfono|telefono|"
    "fecha de nacimiento|cognome|indirizzo|data di nascita|voornaam|achternaam|straat|"
    "huisnummer|geboortedatum|förnamn|efternamn|fornavn|etternavn|efternavn|etunimi|sukunimi|"
    "osoite|puhelin|imię|imie|nazwisko|ulica|adres|morada|apelido".split("|")
)
# Elements that stand for a person: their `name` is a person's (_named).
PEOPLE = frozenset(
    "person people contact customer client user employee staff member author maintainer "
    "developer contributor owner holder patient student pupil applicant candidate recipient "
    "sender signatory tenant guest passenger account kunde kontakt mitarbeiter klant "
    "medewerker contacto cliente empleado utente dipendente utilisateur employé kund "
    "anställd asiakas työntekijä ansatt klient pracownik".split()
)
FEED_CHARS = 1 << 16  # characters handed to the parser at a time
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|[_\-.]+")


class XmlExtractor:
    """XML documents: values labelled by their elements, a record a text (module docstring)."""

    name: ClassVar[str] = "xml"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Claim text that opens with an XML declaration, or an .xml file; never an HTML page."""
        if not sniff.looks_textual(head):
            return False
        start = sniff.opening(head, 2048).lower()
        if b"<html" in start or b"<!doctype html" in start:
            return False
        return start.startswith(b"<?xml") or sniff.suffix(filename) == "xml"

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Records as labelled lines; the plain text's lines when it is not XML we read."""
        text, limit = _decoded(data, ctx.name), ctx.limits.max_chars
        reader = _Records()
        try:
            complete = reader.read(text, limit)
        except (expat.ExpatError, _EntitiesError):
            complete = None  # not XML we read
        if complete is None or not any(_personal(label) for label in reader.labels):
            yield from limit_chars(line_blocks(text), limit)
            return
        yield from limit_chars(reader.segments, limit)
        if not complete:  # stopped at the limit with more to read: never silently
            raise CharLimitError(limit)


def _decoded(data: bytes, what: str) -> str:
    """The text: in the encoding the declaration names when Python knows it, else detected."""
    declared = _DECLARED.match(data[:512])
    if declared and not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        try:
            return data.decode(codecs.lookup(declared.group(1).decode()).name, "replace")
        except LookupError:
            pass
    return decode(data, what)


class _EntitiesError(ValueError):
    """The document declares entities: read as plain text, never expanded."""


@dataclass
class _Element:
    label: str
    line: int
    attrs: list[tuple[int, str]]  # (line, `label: value`) for each attribute
    lines: list[tuple[int, str]] = field(default_factory=list)  # its values' lines
    own: list[str] = field(default_factory=list)  # its own text, between its children
    words: list[str] = field(default_factory=list)  # all text inside it, in order
    children: int = 0


class _Records:
    """Parses a document into segments of labelled lines, one per element holding values."""

    def __init__(self) -> None:
        self.segments: list[TextSegment] = []
        self.chars = 0
        self.labels: set[str] = set()  # every element's and attribute's label
        self._stack: list[_Element] = []
        self._parser = expat.ParserCreate(encoding="UTF-8")
        self._parser.buffer_text = True
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end
        self._parser.CharacterDataHandler = self._text
        self._parser.CommentHandler = self._comment
        self._parser.EntityDeclHandler = self._refuse

    def read(self, text: str, budget: int) -> bool:
        """Parse `text`; False when it stopped early, `budget` characters of segments made."""
        for at in range(0, len(text), FEED_CHARS):
            self._parser.Parse(text[at : at + FEED_CHARS], False)
            if self.chars >= budget:
                return False
        self._parser.Parse("", True)
        return True

    def _refuse(self, *_: object) -> None:
        raise _EntitiesError("the document declares entities")

    def _comment(self, data: str) -> None:
        """A comment is text too (`<!-- maintained by Jane Roe <jane@…> -->`)."""
        words = " ".join(data.split())
        if not words:
            return
        line = self._parser.CurrentLineNumber
        if self._stack:
            self._stack[-1].lines.append((line, f"comment: {words}"))
        else:
            self.segments.extend(windows(f"line {line}", words))
            self.chars += len(words)

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        line = self._parser.CurrentLineNumber
        parent = self._stack[-1] if self._stack else None
        if parent is not None:
            parent.children += 1
        label = _label(tag)
        self.labels.add(label)
        if parent is not None:
            label = _named(label, parent.label)
        labelled = []
        for key, value in attrs.items():
            if value.strip() and key != "xmlns" and not key.startswith("xmlns:"):  # not data
                key_label = _label(key)
                self.labels.add(key_label)
                labelled.append((line, f"{_named(key_label, label)}: {value}"))
        self._stack.append(_Element(label, line, labelled))

    def _text(self, data: str) -> None:
        if self._stack:
            self._stack[-1].own.append(data)
            self._stack[-1].words.append(data)

    def _end(self, _tag: str) -> None:
        element = self._stack.pop()
        words = " ".join("".join(element.words).split())
        parent = self._stack[-1] if self._stack else None
        if parent is not None:
            parent.words.append(f" {words} ")
        mixed = element.children and "".join(element.own).strip()
        if mixed or not element.children:
            # A value (a mixed one is its words in order), then its attributes.
            value = [(element.line, f"{element.label}: {words}")] if words else []
            value += element.attrs
            if parent is not None:
                parent.lines.extend(value)
                self._flush(parent, BLOCK_CHARS)
                return
            element.lines = value
        else:  # a record: its attributes, then its values
            element.lines = element.attrs + element.lines
        self._flush(element, 0)

    def _flush(self, element: _Element, keep: int) -> None:
        """Emit the element's lines as a segment once they are more than `keep` characters."""
        size = sum(len(text) + 1 for _, text in element.lines)
        if not element.lines or size <= keep:
            return
        text = "\n".join(text for _, text in element.lines)
        self.segments.extend(windows(f"line {element.lines[0][0]}", text))
        self.chars += len(text)
        element.lines = []


def _personal(label: str) -> bool:
    """Whether a label names a personal field (FIELDS), alone or at the end."""
    words = label.split()
    return any(" ".join(words[i:]) in FIELDS for i in range(len(words)))


def _named(label: str, owner: str) -> str:
    """A bare `name` says whose: `<contact name=…>` a `contact name`, `<product name=…>` not.

    Alone, `name:` is the strongest label of a person's name there is, and in XML it names
    anything (a product, a property, a project): only a person's element (PEOPLE) keeps it;
    any other is labelled by its element (`product: Blue Widget`).
    """
    if label != "name":
        return label
    return f"{owner} name" if set(owner.split()) & PEOPLE else owner


def _label(tag: str) -> str:
    """`ns:firstName` -> `first name`, `postal_code` -> `postal code`, `IBAN` -> `iban`."""
    local = tag.rpartition(":")[2].rpartition("}")[2]
    return " ".join(_CAMEL.sub(" ", local).split()).lower()
