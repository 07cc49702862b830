"""The digit prefilter never skips a recognizer that would have found something.

The engine calls a recognizer only on texts with at least its MIN_DIGITS digits and a run of
MIN_RUN consecutive ones (detectors/prefilter.py). The bounds are read off the shapes' regexes,
so the tests check the reading on regexes with known answers, then the property that matters:
on every example of every detector test table, each recognizer that finds something (at any
score) finds it in a text that fits, and the engine's gated results equal every recognizer run
ungated.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import Any

import pytest

from detectors.custom import configured_recognizer
from detectors.engine import PresidioDetector
from detectors.pattern import ShapeRecognizer
from detectors.prefilter import (
    count_digits,
    gates,
    least_digits,
    least_run,
    longest_run,
    traits,
)
from detectors.registry import build_recognizers
from scanner.config import DetectorSettings

TABLE_MODULES = (
    "test_address",
    "test_banking",
    "test_cards",
    "test_contact",
    "test_dob",
    "test_eu_address",
    "test_eu_ids",
    "test_health",
    "test_in_address",
    "test_mail_names",
    "test_na_address",
    "test_names",
    "test_phone",
    "test_uk_ids",
)


def examples() -> Iterator[str]:
    """Every text of the detector tests' should-match / should-not-match tables."""
    for name in TABLE_MODULES:
        module = importlib.import_module(f"tests.detectors.{name}")
        for key, rows in vars(module).items():
            if not key.isupper() or not isinstance(rows, list | tuple):
                continue
            for row in rows:  # `text`, `(text, values)` or `(entity, text, values)`
                yield from (
                    x for x in (row if isinstance(row, tuple) else (row,)) if isinstance(x, str)
                )


@pytest.mark.parametrize(
    ("regex", "least"),
    [
        (r"\d{2}-\d{2}-\d{2}", 6),
        (r"[0-9]{3}|\d{5}", 3),  # the cheaper branch
        (r"(?<![\d/])\d{1,2}/\d?(?=\d)", 1),  # lookarounds and optional parts hold none
        (r"GB ?\d{9}(?: ?\d{3})?", 9),
        (r"[0-9A-Z]{8}", 0),  # a class that also takes letters
        (r"[^a-z]\D.\w", 0),
        (r"(\d)\1\1", 1),  # a back reference may repeat a digit, counted as none
        (r"(?i:x7)(?:34|12)+", 3),
        (r"(?:ab|12)+", 0),
        (r"(?P<a>\d)?(?(a)\d\d|x)", 0),
        (r"[\d٠-٩]\d", 1),  # a range beyond 0-9 counts as none
    ],
)
def test_least_digits_reads_the_regex(regex: str, least: int) -> None:
    assert least_digits([re.compile(regex)]) == least


@pytest.mark.parametrize(
    ("regex", "least"),
    [
        (r"\d{6}-?\d{4}", 6),  # a separator breaks the run, even an optional one
        (r"(?<![\w\-/.])\d{11}(?![\w\-/]|\.\w)", 11),  # lookarounds consume nothing
        (r"\d{2,4}\d?\d", 3),  # repeats of a digit keep the run whatever they take
        (r"(?:19|20)\d{6}", 6),  # a group breaks it (a lower bound, not the 8 it is)
        (r"\d{3}([ -]?)\d{3}\1\d{4}", 4),
        (r"\d{8}|\d{2}\.\d{3}", 3),  # the weaker alternative
        (r"[0-9A-Z]{9}", 0),
    ],
)
def test_least_run_reads_the_regex(regex: str, least: int) -> None:
    assert least_run([re.compile(regex)]) == least


def test_count_digits_and_runs_count_what_backslash_d_matches() -> None:
    for text in ("", "no digits", "Tel 0113 496 0123", "٣٤٥ and ０１２ and 7", "x²", "a12345b"):
        assert count_digits(text) == len(re.findall(r"\d", text))
        assert longest_run(text) == max(map(len, re.findall(r"\d+", text)), default=0)


@pytest.fixture(scope="module")
def shapes() -> list[ShapeRecognizer]:
    return [r for r in build_recognizers(DetectorSettings()) if isinstance(r, ShapeRecognizer)]


def test_no_recognizer_finds_anything_in_fewer_digits_than_it_declares(
    shapes: list[ShapeRecognizer],
) -> None:
    texts = list(examples())
    assert len(texts) > 300  # the tables were found
    gated = {r.name for r in shapes if r.min_digits}
    assert {"PhoneNumberRecognizer", "SortCodeRecognizer", "PaymentCardRecognizer"} <= gated
    assert {r.name for r in shapes if r.min_run >= 6} >= {"PeselRecognizer", "CprRecognizer"}
    for rec in shapes:
        for text in texts:
            # digits=0 with the bound cleared: the recognizer runs as if never gated.
            found = _ungated(rec, text)
            assert not found or rec.fits(traits(text)), (rec.name, text)


def test_engine_results_equal_every_recognizer_run_ungated(shapes: list[ShapeRecognizer]) -> None:
    det = PresidioDetector(DetectorSettings(), shapes)
    for text in examples():
        for header, line_bound in (("", False), (" phone ", True)):
            expected = [
                (r.entity_type, r.start, r.end, r.score)
                for rec in shapes
                for r in _ungated(rec, text, header, line_bound, det.floor(rec.ENTITY))
            ]
            got = [
                (r.entity_type, r.start, r.end, r.score)
                for r in det.shape_results(text, header, line_bound)
            ]
            assert got == expected, text


@pytest.mark.parametrize(
    ("regex", "plain", "branches"),
    [
        (r"\d{7}[ \-]?[A-Z]|\d{3}\.\d{3}", (), ((7, set()), (3, {"."}))),
        (r"(?i:\b(?:Mr|Dear)\b)|:", (":",), ((0, set()),)),
        (r"\b(?:Mr|Dear)\b|:", (":",), ((0, set()),)),
        (r"[A-Z]\w\d|[Ss]/[Nn]", (), ((1, set()), (0, {"/"}))),
        (r"@", ("@",), ()),
        (r"x", ("x",), ()),
        (r"(?i)x|-", (), ((0, set()),)),  # one character class to the parser: nothing plain
        (r"(?i)xy|-", ("-",), ((0, set()),)),  # a cased string is no plain string when caseless
        (r"\d(?:\.|-)\d", (), ((1, set()),)),  # characters inside a group are not required
    ],
)
def test_gates_read_the_regex(
    regex: str, plain: tuple[str, ...], branches: tuple[tuple[int, set[str]], ...]
) -> None:
    got = gates(re.compile(regex))
    assert got.plain == plain
    assert [(run, set(chars)) for run, chars in got.branches] == list(branches)


def test_a_prefilter_answers_what_its_regex_does(shapes: list[ShapeRecognizer]) -> None:
    """prefilter() skips the regex where its Gates know the answer; the answer is the same."""
    texts = [*examples(), "S/N", "Calle Mayor S/N", "12.345.678-Z", "a: b", "", "1234567Z"]
    with_prefilter = [r for r in shapes if r.PREFILTER is not None]
    assert len(with_prefilter) > 15
    for rec in with_prefilter:
        assert rec.PREFILTER is not None
        for text in texts:
            expected = bool(rec.PREFILTER.search(text))
            assert rec.prefilter(text, traits(text)) == expected, (rec.name, text)
            assert rec.prefilter(text, None) == expected, (rec.name, text)


def test_custom_patterns_are_gated_by_their_own_digits() -> None:
    rec = configured_recognizer("FLOTECH_ACCOUNT", (r"\bFT-?\d{7}\b", r"\bACC\d{5}\b"), 0.6)
    assert (rec.min_digits, rec.min_run) == (5, 5)
    assert [(r.start, r.end) for r in rec.analyze("Account FT1047828", [], None)] == [(8, 17)]
    letters_only = configured_recognizer("FLOTECH_CODE", (r"\bFLO-[A-Z]{4}\b",), 0.6)
    assert letters_only.min_digits == 0


def _ungated(
    rec: ShapeRecognizer, text: str, header: str = "", line_bound: bool = False, floor: float = 0
) -> list[Any]:
    bounds = rec.min_digits, rec.min_run
    rec.min_digits = rec.min_run = 0
    try:
        return rec.analyze(text, [], None, header, line_bound, floor)
    finally:
        rec.min_digits, rec.min_run = bounds
