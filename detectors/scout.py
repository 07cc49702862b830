"""One pass over a text that tells which pattern recognizers could match it at all.

About thirty pattern recognizers each scanned every text with their own regexes, Python's `re`
trying a match at every position, and on most texts most of them find nothing: on the
ordinary-documents corpus, 5,459 texts went to the recognizers, a national-id recognizer
matched none of them, and the calls that found no candidate took 1.0 s of the 1.7 s of pattern
work. The scout reads every recognizer's regexes (ShapeRecognizer.scouts) into one Hyperscan
database, which scans a text once for all of them; a recognizer none of whose regexes can
match the text is not called. On that corpus the pattern work fell from 1.7 to 1.1 s.

The scout may let too much through, never too little: each regex is translated (`translate`)
to a byte pattern that matches wherever the regex matches, and more:
- the text is scanned with every character outside ASCII written as one byte, WIDE
  (`_bytes`), so offsets and repeat counts stay those of the text;
- each character of the regex becomes the ASCII characters it matches (asked of Python's own
  engine), plus WIDE wherever it could match any other (Unicode digits, letters and spaces,
  the Kelvin sign that a caseless `k` matches);
- look-arounds, anchors and word boundaries are dropped (a match without them is a superset);
- a construct it does not know leaves its recognizer unscouted (always called), as the
  prefilter does with digit bounds.

Hyperscan (Intel, BSD licence) ships as a binary wheel for x86-64. Where it is missing the
scout is off and every recognizer reads every text; findings are the same either way, and
the tests compare both. The patterns compile into four databases in about 4.5 seconds (as
one, 7-9 s), so they are compiled once and kept (`_database`; a scan's workers keep them in
a file, scanner/cache.py).
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Sequence
from re import _compiler as sre_compiler  # type: ignore[attr-defined]
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, Protocol

# What the scout scans is the text with every character outside ASCII written as this one byte
# (`_bytes`): one byte per character, so a regex's repeats count the same, and the byte
# patterns stay small (a class is its ASCII members, plus this byte if it may match a
# non-ASCII character).
WIDE = 0x80
# ASCII letters that a caseless regex also matches to a non-ASCII character: `k` to the Kelvin
# sign, `s` to the long s, `i` to the dotted and dotless i. Python's case tables say so; a test
# reads them again over every code point.
WIDE_FOLD = frozenset("IKSiks")
_ASCII = [chr(i) for i in range(128)]
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (sre.ASSERT, sre.ASSERT_NOT, sre.AT)
_SINGLE = (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN)


class Store(Protocol):
    """Where compiled databases outlive a process (scanner/cache.py keeps them in files)."""

    def get(self, name: str) -> bytes | None:
        """The bytes kept under name, or None."""
        ...

    def put(self, name: str, data: bytes) -> None:
        """Keep data under name (best effort: a store that cannot keep it says nothing)."""
        ...


class UntranslatableError(ValueError):
    """A regex construct the scout does not read: its recognizer is always called."""


def translate(pattern: re.Pattern[str]) -> str:
    """A Hyperscan pattern that matches `_bytes(text)` for every text `pattern` matches."""
    if not isinstance(pattern.pattern, str):
        raise UntranslatableError("a bytes pattern")
    nodes = sre_parse.parse(pattern.pattern, pattern.flags)
    return _seq(nodes, pattern.flags)


def _seq(nodes: Any, flags: int) -> str:
    return "".join(_node(op, av, flags) for op, av in nodes)


def _node(op: Any, av: Any, flags: int) -> str:
    if op in _SINGLE:
        return _char(op, av, flags)
    if op in _ZERO_WIDTH:
        return ""
    if op is sre.SUBPATTERN:
        _ref, add, remove, body = av
        return _group(_seq(body, (flags | add) & ~remove))
    if op is sre.ATOMIC_GROUP:  # a superset may backtrack into it
        return _group(_seq(av, flags))
    if op is sre.BRANCH:
        return _group("|".join(_seq(alt, flags) for alt in av[1]))
    if op is sre.GROUPREF_EXISTS:
        _ref, yes, no = av
        return _group(_seq(yes, flags) + "|" + (_seq(no, flags) if no else ""))
    if op in _REPEATS:
        low, high, body = av
        inner = _group(_seq(body, flags))
        upper = "" if high is sre.MAXREPEAT else str(high)
        return f"{inner}{{{low},{upper}}}" if inner else ""
    if op is sre.GROUPREF:  # the same text as a group: any text at all
        return r"[\x00-\xff]*"
    raise UntranslatableError(f"regex construct {op}")


def _group(inner: str) -> str:
    """A non-capturing group, or nothing for an empty one (all look-arounds, say)."""
    return f"(?:{inner})" if inner else ""


def _char(op: Any, av: Any, flags: int) -> str:
    """One character as a byte class: its ASCII members, and WIDE if it can be non-ASCII."""
    flags &= re.IGNORECASE | re.ASCII | re.DOTALL  # all that one character depends on
    if op is sre.LITERAL and not (flags & re.IGNORECASE and chr(av).isalpha()):
        codes = [av] if av < 128 else [WIDE]
    else:
        codes = list(_members(op, av, flags))
    if _may_be_wide(op, av, flags) and WIDE not in codes:
        codes.append(WIDE)
    if not codes:
        raise UntranslatableError("a character class that matches nothing")
    return _byte_class(codes)


def _byte_class(codes: list[int]) -> str:
    r"""A byte class of sorted ASCII codes, runs as ranges: `[0-9A-Z_]`, `\x2d` alone."""
    out, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        if j - i >= 2:
            out.append(f"{_byte(codes[i])}-{_byte(codes[j])}")
        else:  # one or two codes: written out
            out.extend(_byte(c) for c in codes[i : j + 1])
        i = j + 1
    return out[0] if len(codes) == 1 else "[" + "".join(out) + "]"


def _byte(code: int) -> str:
    return chr(code) if chr(code).isalnum() else f"\\x{code:02x}"


def _members(op: Any, av: Any, flags: int) -> tuple[int, ...]:
    r"""The ASCII codes a one-character node matches, asked of the node compiled alone.

    Remembered by the node's repr: the same classes recur (`\d`, `[ \t]`, a caseless letter).
    """
    key = (op, repr(av), flags)
    codes = _MEMBERS.get(key)
    if codes is None:
        state = sre_parse.State()
        state.flags = flags if flags & re.ASCII else flags | re.UNICODE
        one = sre_compiler.compile(sre_parse.SubPattern(state, [(op, av)]), state.flags)
        codes = _MEMBERS[key] = tuple(i for i, c in enumerate(_ASCII) if one.fullmatch(c))
    return codes


_MEMBERS: dict[tuple[Any, str, int], tuple[int, ...]] = {}


def _may_be_wide(op: Any, av: Any, flags: int) -> bool:
    """Whether a one-character node may match some character outside ASCII."""
    caseless = bool(flags & re.IGNORECASE)
    if op is sre.LITERAL:
        return av >= 128 or (caseless and chr(av) in WIDE_FOLD)
    if op is sre.IN:
        for item_op, item_av in av:
            if item_op is sre.LITERAL and item_av < 128:
                if caseless and chr(item_av) in WIDE_FOLD:
                    return True
                continue
            if item_op is sre.RANGE and item_av[1] < 128:
                low, high = item_av
                if caseless and any(chr(c) in WIDE_FOLD for c in range(low, high + 1)):
                    return True
                continue
            return True  # a negation, a category, a charset or a non-ASCII member
        return False
    return True  # NOT_LITERAL, ANY


class Scout:
    """Which of some recognizers could match a text: one Hyperscan scan for all their regexes.

    Recognizer i is scouted when every one of its regexes translated; `may_match(text)` gives
    the scouted ones that could match (the caller calls those and every unscouted one), or
    None when there is no scout (no Hyperscan, or nothing to scout).
    """

    def __init__(
        self, regexes: Sequence[Sequence[re.Pattern[str]]], store: Store | None = None
    ) -> None:
        self.scouted: frozenset[int] = frozenset()
        self._dbs: list[Any] | None = None
        try:
            import hyperscan
        except ImportError:  # not x86-64: every recognizer reads every text, as before
            return
        patterns: dict[int, list[bytes]] = {}
        for i, rxs in enumerate(regexes):
            try:
                translated = [translate(rx).encode("ascii") for rx in rxs]
            except UntranslatableError:
                continue
            if translated:
                patterns[i] = translated
        try:
            self._dbs = _database(patterns, store)
        except hyperscan.error:  # a pattern it refuses (a custom detector's): scout the rest
            patterns = {i: p for i, p in patterns.items() if _compiles(p)}
            self._dbs = _database(patterns, store)
        self.scouted = frozenset(patterns) if self._dbs is not None else frozenset()

    def may_match(self, text: str) -> set[int] | None:
        """The scouted recognizers that could match text (None: no scout, call them all)."""
        if self._dbs is None:
            return None
        found: set[int] = set()
        data = _bytes(text)

        def add(owner: int, *_: object) -> None:
            found.add(owner)

        for db in self._dbs:
            db.scan(data, match_event_handler=add)
        return found


def _wide(error: UnicodeError) -> tuple[bytes, int]:
    """The encode error handler behind _bytes: each non-ASCII character becomes WIDE."""
    assert isinstance(error, UnicodeEncodeError)
    return bytes([WIDE]) * (error.end - error.start), error.end


codecs.register_error("noticescan-scout", _wide)


def _bytes(text: str) -> bytes:
    """The text as the scout reads it: ASCII as is, one WIDE byte for any other character."""
    return text.encode("ascii", "noticescan-scout")


def _database(patterns: dict[int, list[bytes]], store: Store | None) -> list[Any] | None:
    """The compiled databases of each recognizer's patterns (GROUPS of them, see below).

    Compiling takes Hyperscan seconds and loading a compiled one a millisecond, so the
    databases are compiled once and kept: in this process (every detector a test or a bench
    builds), and in the store (every worker a scan starts), named by a digest of the patterns
    and Hyperscan's version, with a digest of their bytes that is checked before loading.

    All the patterns in one database took 7 s to compile here (more on a loaded machine);
    in GROUPS of similar length 4.5 s, and each more database costs a scan call per text
    (about 1.3 µs; the ordinary documents' detector CPU did not move beyond its noise).
    Eleven groups compiled in 3.2 s but doubled the scout's own time.
    """
    import hyperscan

    if not patterns:
        return None
    pairs = sorted(
        ((p, i) for i, rxs in patterns.items() for p in rxs), key=lambda pair: len(pair[0])
    )
    version = getattr(hyperscan, "__version__", "")
    key = repr((version, _FORMAT, _flags(), GROUPS, pairs)).encode()
    name = f"scout-{hashlib.sha256(key).hexdigest()[:24]}.hsdb"
    held = _COMPILED.get(name) or (store.get(name) if store is not None else None)
    if held is not None and hashlib.sha256(held[:-32]).digest() == held[-32:]:
        try:
            dbs = [hyperscan.loadb(part, hyperscan.HS_MODE_BLOCK) for part in _parts(held[:-32])]
            for db in dbs:
                db.scratch = hyperscan.Scratch(db)  # compile() makes one, loading does not
            _COMPILED[name] = held
            return dbs
        except (hyperscan.error, ValueError):  # built for another CPU, say: compile our own
            pass
    size = -(-len(pairs) // GROUPS) if len(pairs) > GROUPS * 4 else len(pairs)
    dbs, body = [], b""
    for at in range(0, len(pairs), size):
        group = pairs[at : at + size]
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(
            expressions=[p for p, _ in group],
            ids=[i for _, i in group],
            elements=len(group),
            flags=[_flags()] * len(group),
        )
        dbs.append(db)
        part = hyperscan.dumpb(db)
        body += len(part).to_bytes(8, "big") + part
    _COMPILED[name] = held = body + hashlib.sha256(body).digest()
    if store is not None:
        store.put(name, held)
    return dbs


def _parts(body: bytes) -> list[bytes]:
    """The serialised databases of a kept body: each an 8-byte length and its bytes."""
    parts, at = [], 0
    while at < len(body):
        size = int.from_bytes(body[at : at + 8], "big")
        if size <= 0 or at + 8 + size > len(body):
            raise ValueError("a kept scout database is cut short")
        parts.append(body[at + 8 : at + 8 + size])
        at += 8 + size
    return parts


GROUPS = 4  # databases the patterns are compiled into (_database)
_FORMAT = 2  # what a kept database holds: bump when the translation or the layout changes
_COMPILED: dict[str, bytes] = {}  # this process's compiled databases, by name


def _flags() -> int:
    """Each pattern's Hyperscan flags: any match will do, once, and an empty one counts."""
    import hyperscan

    return int(
        hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY
    )


def _compiles(patterns: list[bytes]) -> bool:
    """Whether Hyperscan compiles one recognizer's patterns."""
    import hyperscan

    try:
        hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK).compile(
            expressions=patterns, elements=len(patterns), flags=[_flags()] * len(patterns)
        )
    except hyperscan.error:
        return False
    return True
