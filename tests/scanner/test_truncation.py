"""No silent truncation, and long lines are read in overlapping windows (issue 13).

The real ItemProcessor and the real detector (the session's, model loaded once) on text made
here. Issue 13's input was 150 MB on one line with max_chars 20,000,000: the limiter stopped at
`>=`, the worker flagged only `>`, so a text cut exactly at a multiple of the block size came
back `ok`. The same shape at a scale a test can afford: one line, max_chars a multiple of the
4,000-character block.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from scanner import config as config_mod
from scanner.extract.text import BLOCK_CHARS, windows
from scanner.models import Item, ItemResult
from scanner.privacy import Redactor
from scanner.worker import ItemProcessor


def process(tmp_path: Path, detector: Any, data: bytes, **limits: Any) -> ItemResult:
    cfg = config_mod.for_paths([tmp_path], tmp_path / "out")
    cfg = replace(cfg, limits=replace(cfg.limits, **limits))
    processor = ItemProcessor(cfg, detector, {}, Redactor(b"k" * 32))
    results: list[ItemResult] = []

    def send(msg: tuple[Any, ...]) -> None:
        if msg[0] == "done":
            results.append(msg[2])

    processor.run(
        1, Item(uri="/x/long.log", source="s", store="u", name="long.log", data=data), send
    )
    (result,) = results
    return result


def test_one_long_line_past_max_chars_is_too_large_never_ok(tmp_path: Path, detector: Any) -> None:
    line = ("status=200 path=/api/orders latency=12ms " * 2000)[:100_000]  # one line, no newline
    r = process(tmp_path, detector, line.encode(), max_chars=5 * BLOCK_CHARS)
    assert r.status == "too_large"
    assert r.chars_extracted == 20_000
    assert r.message is not None and r.message.startswith("partial: 20,000 characters read")


def test_text_ending_exactly_at_max_chars_is_complete(tmp_path: Path, detector: Any) -> None:
    line = ("a" * 99 + " ") * 200  # 20,000 characters: all of it read
    r = process(tmp_path, detector, line.encode(), max_chars=20_000)
    assert r.status == "ok" and r.chars_extracted == 20_000


@pytest.mark.parametrize("cut", [1, 2, 8, 11, 15])  # where the value crosses the window edge
def test_a_value_across_a_window_edge_is_found_once_at_its_place(
    tmp_path: Path, detector: Any, cut: int
) -> None:
    email = "eleanor.whitfield@example.co.uk"
    card = "4539 1488 0343 6467"
    at_email = BLOCK_CHARS - cut  # starts `cut` characters before the first edge
    at_card = 2 * BLOCK_CHARS - cut
    line = list("x" * (3 * BLOCK_CHARS + 500))
    line[at_email - 1 : at_email + len(email) + 1] = f" {email} "
    line[at_card - 6 : at_card + len(card) + 1] = f" card {card} "
    text = "".join(line)
    assert "\n" not in text
    r = process(tmp_path, detector, text.encode())
    assert r.status == "ok"
    got = sorted((f.entity_type, f.location, f.start, f.end) for f in r.findings)
    assert got == [
        ("CREDIT_CARD", "line 1", at_card, at_card + len(card)),
        ("EMAIL_ADDRESS", "line 1", at_email, at_email + len(email)),
    ]


def test_windows_cover_every_character_once_and_overlap() -> None:
    text = "".join(chr(ord("a") + i % 26) for i in range(3 * BLOCK_CHARS + 123))
    parts = list(windows("line 1", text))
    assert len(parts) == 4
    owned = "".join(p.text[p.before : len(p.text) - p.after] for p in parts)
    assert owned == text
    for p in parts:
        assert text[p.offset : p.offset + len(p.text)] == p.text
    assert all(p.after > 0 for p in parts[:-1]) and all(p.before > 0 for p in parts[1:])
