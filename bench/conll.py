"""Read CoNLL-style NER files and rebuild the text a person would have seen.

The shared corpora come as one token per line (`token<TAB or space>tag`, blank line between
sentences). A detector never sees tokens: it sees a tweet, an e-mail, an article. So each
sentence is joined back into text with ordinary spacing (no space before `,` or `'s`, none
after `(` or `@`), and every token keeps its character offsets so a gold span maps to
text[start:end] exactly.

Tag schemes differ: BTC and WNUT17 use BIO (`B-PER`, `I-person`), wikigold uses IOB1 (only
`I-PER`; a new entity starts at a `B-` or after another type). Both read the same way here: a
`B-` or a change of type opens an entity, an `I-` of the same type continues it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# No space before these tokens (closing punctuation, clitics as tokenizers split them).
_ATTACH_LEFT = frozenset(
    ". , ! ? ; : ) ] } % ... … 's 'S ’s n't N'T 're 've 'll 'd 'm ’re ’ve ’ll ’d ’m".split()
)
# No space after these tokens (opening punctuation, the sigils of handles and hashtags).
_ATTACH_RIGHT = frozenset("( [ { @ # $ £ € ``".split())
_CLITICS = frozenset("t s re ve ll d m".split())
DOC_START = "-DOCSTART-"


@dataclass
class Sentence:
    """Tokens and their tags, as read from the file."""

    tokens: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@dataclass
class Document:
    """Rebuilt text and the character spans of its gold entities of one type."""

    id: str
    text: str
    gold: list[tuple[int, int]]


def read_sentences(path: Path) -> Iterator[Sentence | None]:
    """Yield sentences; None marks a `-DOCSTART-` line (a document boundary)."""
    sent = Sentence()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split()
            if len(parts) < 2:
                if sent.tokens:
                    yield sent
                    sent = Sentence()
                continue
            if parts[0] == DOC_START:
                if sent.tokens:
                    yield sent
                    sent = Sentence()
                yield None
                continue
            sent.tokens.append(parts[0])
            sent.tags.append(parts[-1])
    if sent.tokens:
        yield sent


def detokenize(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Join tokens with ordinary spacing; return the text and each token's (start, end)."""
    out: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    quote_open = False
    prev = ""
    clitic = False  # inside `Don ' t`, tokenised from `Don't`
    for i, tok in enumerate(tokens):
        glue = not out or tok in _ATTACH_LEFT or prev in _ATTACH_RIGHT or clitic
        clitic = False
        if tok == '"':
            # An opening quote takes a space before it, a closing one does not.
            glue = not out or quote_open or prev in _ATTACH_RIGHT
            quote_open = not quote_open
        elif prev == '"' and quote_open:
            glue = True
        elif tok in ("'", "’") and prev[-1:].isalpha() and i + 1 < len(tokens):
            clitic = tokens[i + 1].casefold() in _CLITICS
            glue = glue or clitic
        if not glue:
            out.append(" ")
            pos += 1
        offsets.append((pos, pos + len(tok)))
        out.append(tok)
        pos += len(tok)
        prev = tok
    return "".join(out), offsets


def entity_spans(tags: list[str], labels: frozenset[str]) -> list[tuple[int, int]]:
    """Token ranges [first, last] of entities whose type is in `labels` (BIO or IOB1)."""
    spans: list[tuple[int, int]] = []
    current: str | None = None
    for i, tag in enumerate(tags):
        prefix, _, kind = tag.partition("-")
        if prefix not in ("B", "I") or not kind:
            current = None
            continue
        if kind in labels and (prefix == "B" or kind != current):
            spans.append((i, i))
        elif kind in labels:
            spans[-1] = (spans[-1][0], i)
        current = kind
    return spans


def documents(
    path: Path, labels: frozenset[str], per_sentence: bool, prefix: str
) -> Iterator[Document]:
    """Documents of one file: one per sentence (posts), or one per `-DOCSTART-` (articles).

    Sentences of an article are joined with a space, as running text.
    """
    parts: list[tuple[str, list[tuple[int, int]]]] = []
    count = 0

    def flush() -> Iterator[Document]:
        nonlocal count
        if not parts:
            return
        text, gold, base = "", [], 0
        for piece, spans in parts:
            if text:
                text += " "
                base = len(text)
            text += piece
            gold += [(base + a, base + b) for a, b in spans]
        parts.clear()
        count += 1
        yield Document(f"{prefix}:{count}", text, gold)

    for sent in read_sentences(path):
        if sent is None:
            yield from flush()
            continue
        text, offsets = detokenize(sent.tokens)
        spans: list[tuple[int, int]] = []
        for a, b in entity_spans(sent.tags, labels):
            start, end = offsets[a][0], offsets[b][1]
            if spans and spans[-1][1] == start:
                # BTC tags `@` and the handle after it as two entities; in text they are one.
                start = spans.pop()[0]
            spans.append((start, end))
        parts.append((text, spans))
        if per_sentence:
            yield from flush()
    yield from flush()
