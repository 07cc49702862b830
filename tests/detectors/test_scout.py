"""The scout never skips a recognizer that would have found something.

detectors/scout.py translates every recognizer's regexes into one Hyperscan database and calls
a recognizer only on texts where one of them could match. The tests check the translation on
regexes with known answers (Unicode digits and spaces, caseless letters that fold outside
ASCII, look-arounds), then the property that matters: on every example of every detector test
table, and on the same examples with characters swapped for their Unicode look-alikes, a
recognizer whose regexes match a text is always let through; the engine's results are the same
with and without the scout (and without Hyperscan), and the scout does skip most calls.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from detectors import scout as scout_module
from detectors.engine import PresidioDetector
from detectors.pattern import ShapeRecognizer
from detectors.registry import build_recognizers
from detectors.scout import WIDE_FOLD, Scout, UntranslatableError, _bytes, translate
from scanner.cache import FileCache
from scanner.config import DetectorSettings
from tests.detectors.test_prefilter import examples

hyperscan = pytest.importorskip("hyperscan", reason="Hyperscan ships for x86-64 only")

# Look-alikes a text may hold where an example has ASCII: each matches `\d`, `\s`, `\w` or a
# caseless letter in Python's engine.
LOOKALIKES = str.maketrans(
    {
        "k": "\u212a",  # Kelvin sign, caseless k
        "s": "\u017f",  # long s, caseless s
        "i": "\u0131",  # dotless i
        "I": "\u0130",  # dotted capital I
        "1": "\u0661",  # Arabic-Indic digit one: \d
        "4": "\uff14",  # full-width four: \d
        " ": "\u00a0",  # no-break space: \s
        "e": "\u00e9",
        "o": "\u00f8",
        ",": "\x1c",  # a file separator: \s in Python, not in every engine
    }
)


def texts() -> list[str]:
    found = list(dict.fromkeys(examples()))
    return found + [t.translate(LOOKALIKES) for t in found]


@pytest.fixture(scope="module")
def shapes() -> list[ShapeRecognizer]:
    return [r for r in build_recognizers(DetectorSettings()) if isinstance(r, ShapeRecognizer)]


@pytest.fixture(scope="module")
def scout(shapes: list[ShapeRecognizer]) -> Scout:
    return Scout([r.scouts() for r in shapes])


def test_wide_fold_is_every_ascii_letter_python_folds_outside_ascii() -> None:
    wide = "".join(chr(i) for i in range(128, 0x110000))
    letters = [chr(i) for i in range(128) if chr(i).isalpha()]
    folded = {c for c in letters if re.search(re.escape(c), wide, re.IGNORECASE)}
    assert folded == WIDE_FOLD


@pytest.mark.parametrize(
    ("regex", "text", "scouted"),
    [
        (r"(?<!\d)\d{6}-\d{4}(?!\d)", "x 010190-1234 y", True),
        (r"(?<!\d)\d{6}-\d{4}(?!\d)", "1010190-12345", True),  # look-arounds are dropped
        (r"\d{6}", "٠١٢٣٤٥", True),  # Arabic-Indic digits are \d
        (r"\d{6}", "12345 6", False),
        (r"\bStra(?:ße|sse) \d+", "Brucker Straße 31", True),
        (r"\bStra(?:ße|sse) \d+", "Brucker Strasse 31", True),
        (r"\bStra(?:ße|sse) \d+", "Brucker Strabe 31", False),
        (r"(?i)kg", "5 \u212ag", True),  # the Kelvin sign folds to k
        (r"(?i)ks", "\u212a\u017f", True),
        (r"kg", "5 \u212ag", False),  # but not without IGNORECASE
        (r"a\sb", "a\x1cb", True),  # Python's \s takes the file separator
        (r"a\sb", "a\u2028b", True),
        (r"[^\W\d_]+ \d", "Søndergade 52", True),
        (r"[^\W\d_]+ \d", "  52", False),
        (r"(\w)\1", "xy", True),  # a back reference stands for any text
        (r"\w", "\ud800", True),  # a lone surrogate is one wide character, like any other
        (r"é", "café", True),
        (r"é", "cafe", False),
        (r"(?P<t>Mr )?(?(t)[A-Z]|x)", "Mr Q", True),
        (r"(?>ab|a)c", "ac", True),  # atomic: a superset may take the other branch
        (r"a++b", "aab", True),
    ],
)
def test_translation_scouts_what_the_regex_matches(regex: str, text: str, scouted: bool) -> None:
    rx = re.compile(regex)
    assert not rx.search(text) or scouted  # the table itself: a match is always scouted
    assert Scout([[rx]]).may_match(text) == ({0} if scouted else set())


def test_a_regex_it_cannot_read_leaves_its_recognizer_unscouted() -> None:
    bytes_pattern: object = re.compile(rb"\d")  # no recognizer has one; a custom one might
    with pytest.raises(UntranslatableError):
        translate(bytes_pattern)  # type: ignore[arg-type]
    scout = Scout([[bytes_pattern], [re.compile(r"\d")]])  # type: ignore[list-item]
    assert scout.scouted == {1}
    assert scout.may_match("no digits") == set()


def test_the_scout_reads_one_byte_per_character() -> None:
    assert _bytes("Søndergade 52, ł \ud800") == b"S\x80ndergade 52, \x80 \x80"


def test_every_recognizer_whose_regexes_match_is_let_through(
    shapes: list[ShapeRecognizer], scout: Scout
) -> None:
    assert len(scout.scouted) >= len(shapes) - 2  # all but the phone recognizer, at most
    all_texts = texts()
    assert len(all_texts) > 600
    matched = 0
    for text in all_texts:
        maybe = scout.may_match(text)
        assert maybe is not None
        for i in scout.scouted:
            if any(rx.search(text) for rx in shapes[i].scouts()):
                matched += 1
                assert i in maybe, (shapes[i].name, text)
    assert matched > 1000  # the examples do match: the property was tested


def test_engine_results_are_the_same_with_and_without_the_scout(
    shapes: list[ShapeRecognizer],
) -> None:
    with_scout = PresidioDetector(DetectorSettings(), shapes)
    without = PresidioDetector(DetectorSettings(), shapes, scout=False)
    assert with_scout._scout.scouted and not without._scout.scouted
    calls = skipped = 0
    for text in texts():
        maybe = with_scout._scout.may_match(text)
        assert maybe is not None
        calls += len(with_scout._scout.scouted)
        skipped += len(with_scout._scout.scouted - maybe)
        for header, line_bound in (("", False), (" address ", True)):
            expected = [
                (r.entity_type, r.start, r.end, r.score, r.recognition_metadata["reason"])
                for r in without.shape_results(text, header, line_bound)
            ]
            got = [
                (r.entity_type, r.start, r.end, r.score, r.recognition_metadata["reason"])
                for r in with_scout.shape_results(text, header, line_bound)
            ]
            assert got == expected, text
    assert skipped > calls / 2  # it does skip: most recognizers match most texts not at all


def test_without_hyperscan_every_recognizer_reads_every_text(
    monkeypatch: pytest.MonkeyPatch, shapes: list[ShapeRecognizer]
) -> None:
    monkeypatch.setitem(sys.modules, "hyperscan", None)  # `import hyperscan` fails
    scout = Scout([r.scouts() for r in shapes])
    assert scout.may_match("Tel 0113 496 0123") is None
    assert not scout.scouted
    det = PresidioDetector(DetectorSettings(), shapes)
    found = det.shape_results("Call Anne on 0113 496 0123 at 1 Park Road", "", False)
    assert "PHONE_NUMBER" in {r.entity_type for r in found}


def test_the_compiled_database_is_kept_and_checked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(scout_module, "_COMPILED", {})
    store = FileCache(tmp_path)
    regexes = [[re.compile(r"\bGB\d{2}[A-Z]{4}\d{14}\b")], [re.compile(r"\d{3}-\d{4}")]]
    assert Scout(regexes, store).may_match("GB82WEST12345698765432") == {0}
    [kept] = tmp_path.glob("scout-*.hsdb")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again although it was kept")

    with monkeypatch.context() as m:
        m.setattr(hyperscan, "Database", refuse)
        assert Scout(regexes).may_match("call 555-0123") == {1}  # this process kept it
        m.setattr(scout_module, "_COMPILED", {})
        assert Scout(regexes, store).may_match("call 555-0123") == {1}  # a new worker: the file
    monkeypatch.setattr(scout_module, "_COMPILED", {})
    kept.write_bytes(kept.read_bytes()[:-1] + b"\0")  # damaged: compiled again, and rewritten
    assert Scout(regexes, store).may_match("call 555-0123") == {1}
    assert scout_module._COMPILED[kept.name] == kept.read_bytes()


def test_a_pattern_hyperscan_refuses_leaves_only_its_recognizer_unscouted() -> None:
    huge = re.compile("|".join(f"word{i}x" for i in range(3000)))  # over Hyperscan's length
    scout = Scout([[re.compile(r"\d{3}-\d{4}")], [huge]])
    assert scout.scouted == {0}
    assert scout.may_match("word7x and 555-0123") == {0}


def test_many_patterns_go_to_several_databases_and_come_back_from_the_store(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Compiled in GROUPS databases (the whole set in one took twice as long), kept as one file."""
    monkeypatch.setattr(scout_module, "_COMPILED", {})
    store = FileCache(tmp_path)
    regexes = [[re.compile(rf"\bword{i}x" + r"\d" * (i % 7))] for i in range(40)]
    scout = Scout(regexes, store)
    assert len(scout._dbs or []) == scout_module.GROUPS
    assert scout.may_match("word3x111 and word17x111 but not word5x") == {3, 17}

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again although it was kept")

    monkeypatch.setattr(scout_module, "_COMPILED", {})
    with monkeypatch.context() as m:
        m.setattr(hyperscan, "Database", refuse)
        again = Scout(regexes, store)
    assert again.may_match("word3x111 and word17x111 but not word5x") == {3, 17}
