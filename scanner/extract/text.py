"""Plain text, markup and data files: txt, md, json, xml, log, html.

The charset is detected, not assumed: twenty-year-old shares hold cp1252, Latin-1 and UTF-16
files beside UTF-8 ones, and decoding them as UTF-8 with `replace` would silently mangle names
such as "Zoë Müller" so that no detector can find them. Strict UTF-8 is tried first because it is
both the commonest case and the fastest; charset-normalizer decides the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import ClassVar

from scanner.errors import UnsupportedError
from scanner.extract import sniff
from scanner.extract.base import ExtractContext, Output, TextSegment, limit_chars

# A block is cut at this many characters so that one huge line (minified JSON, a log without
# newlines) still reaches detectors in pieces of a size they handle well.
BLOCK_CHARS = 4000
# Context each window shares with its neighbours: longer than any value a detector reports (an
# address with its postcode, a spaced IBAN) plus the context words before it ("NI number:").
OVERLAP_CHARS = 256

HTML_SUFFIXES = {"html", "htm", "xhtml"}


def decode(data: bytes, what: str = "file") -> str:
    """Bytes to str with the detected charset; UnsupportedError when it is not text at all."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    best = from_bytes(data).best()
    # On short samples charset-normalizer cannot tell cp1252 from cp775/cp1257 (all decode
    # "Zoë" without mess) and may not even list cp1252. Western European estates are
    # overwhelmingly cp1252, so it wins any tie; Cyrillic or Central European text read as
    # cp1252 turns to mojibake with a clearly higher mess ratio and loses.
    sample = data[:200_000]
    western = sample.decode("cp1252", "replace")
    if best is None or mess_ratio(western, 1.0) <= mess_ratio(str(best)[: len(western)], 1.0):
        if "\ufffd" not in western:
            return data.decode("cp1252", "replace")
    if best is None:
        raise UnsupportedError(
            f"{what}: no text encoding fits its bytes; it is probably binary data with a text "
            "extension - add an extractor for its real format if it matters"
        )
    return str(best)


def windows(location: str, text: str) -> Iterator[TextSegment]:
    """`text` as one segment, or, past BLOCK_CHARS, as windows that overlap by OVERLAP_CHARS.

    Each window owns BLOCK_CHARS characters and carries up to OVERLAP_CHARS of its neighbours'
    on both sides, so a value across a cut is whole in the window where it starts, and a
    fragment of it at the edge of the next one is not counted (TextSegment.owns).
    """
    if len(text) <= BLOCK_CHARS:
        yield TextSegment(location, text)
        return
    for own in range(0, len(text), BLOCK_CHARS):
        start = max(0, own - OVERLAP_CHARS)
        end = min(len(text), own + BLOCK_CHARS + OVERLAP_CHARS)
        after = max(0, end - (own + BLOCK_CHARS))
        yield TextSegment(location, text[start:end], start, own - start, after)


def line_blocks(text: str) -> Iterator[TextSegment]:
    """One segment per non-blank line, located `line N`, so a finding points at its exact line.

    A line longer than BLOCK_CHARS (minified JSON, a log without newlines) is cut into
    overlapping windows that all keep that line's number.
    """
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield from windows(f"line {number}", line)


class _HtmlText(HTMLParser):
    """Collects visible text; block-level tags become paragraph breaks, script/style are dropped."""

    BLOCKS: ClassVar[set[str]] = {
        "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
        "article", "header", "footer", "blockquote", "pre", "hr", "title", "dt", "dd",
    }  # fmt: skip
    HIDDEN: ClassVar[set[str]] = {"script", "style", "noscript", "template", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN and tag != "head":
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n" if tag != "br" else "\n")
        elif tag in {"td", "th"}:
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and tag != "head":
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of an HTML document or fragment, paragraphs separated by blank lines."""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def paragraphs(text: str, label: str = "paragraph") -> Iterator[TextSegment]:
    """Blank-line separated paragraphs located as `paragraph N` (for text without source lines)."""
    for n, para in enumerate((p for p in text.split("\n\n") if p.strip()), 1):
        yield from windows(f"{label} {n}", para.strip())


class TextExtractor:
    """Any text file; location is the line number so a reader can jump straight to it."""

    name: ClassVar[str] = "text"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Text by content; html goes to HtmlExtractor, csv/tsv to the table extractor."""
        return sniff.looks_textual(head)

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Decode and yield line-located blocks."""
        yield from limit_chars(line_blocks(decode(data, ctx.name)), ctx.limits.max_chars)


class HtmlExtractor:
    """HTML pages and saved web mail: visible text only, by paragraph."""

    name: ClassVar[str] = "html"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Claim an html suffix, or text whose start is an html document."""
        if not sniff.looks_textual(head):
            return False
        start = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        markup = start.startswith((b"<!doctype html", b"<html"))
        return markup or sniff.suffix(filename) in HTML_SUFFIXES

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Decode, strip markup, yield paragraphs."""
        text = html_to_text(decode(data, ctx.name))
        yield from limit_chars(paragraphs(text), ctx.limits.max_chars)
