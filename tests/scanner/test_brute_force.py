"""No column lets a value be recovered by brute force (issue 13).

Issue 13's attack: a small file holding only a NI number; items.parquet's plain SHA-256
`content_hash` was reversed in 5.6 s by hashing every NI number of the right shape. This test
scans such a file with the real pipeline, then runs the same attack on every hash-like value of
every output file: it must fail. So that the test cannot pass by attacking the wrong thing, the
same enumeration is shown to find the file's plain SHA-256.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from scanner import config as config_mod
from scanner.pipeline import run_scan
from scanner.privacy import normalise

NINO = "JG103759A"


def candidates() -> dict[str, str]:
    """Hex digest -> guess, for every NI number JG1dddddA in the forms a file or value takes.

    A real attacker enumerates all prefixes and suffixes; one prefix, one suffix and 100,000
    numbers keep the test fast and still hold the true value.
    """
    out: dict[str, str] = {}
    for n in range(100_000):
        guess = f"JG1{n:05d}A"
        spaced = f"{guess[:2]} {guess[2:4]} {guess[4:6]} {guess[6:8]} {guess[8]}"
        for form in (guess, guess + "\n", spaced, spaced + "\n", normalise("UK_NINO", guess)):
            out[hashlib.sha256(form.encode()).hexdigest()] = guess
    return out


@pytest.mark.slow
def test_hashes_of_a_one_nino_file_resist_brute_force(tmp_path: Path) -> None:
    root = tmp_path / "share"
    root.mkdir()
    data = f"{NINO}\n".encode()
    (root / "nino.txt").write_bytes(data)
    cfg = config_mod.from_dict(
        {
            "scan": {"out": str(tmp_path / "out"), "workers": 1},
            "source": [{"type": "local", "path": str(root), "id": "share"}],
        },
        tmp_path,
    )
    out = run_scan(cfg).out_dir
    items = pq.read_table(out / "items.parquet").to_pylist()
    findings = pq.read_table(out / "findings.parquet").to_pylist()
    assert [f["entity_type"] for f in findings] == ["UK_NINO"]  # the value was found...
    assert items[0]["content_hash"]

    guesses = candidates()
    assert guesses[hashlib.sha256(data).hexdigest()] == NINO  # ...and the attack works on SHA-256
    published = [json.dumps(row, default=str) for row in items + findings]
    published.append((out / "scan.json").read_text())
    values = {v for text in published for v in _hex_words(text)}
    assert values, "no hash-like value found: the attack would test nothing"
    assert not values & guesses.keys()
    assert NINO not in "".join(published) and "JG 10 37 59 A" not in "".join(published)


def _hex_words(text: str) -> set[str]:
    """Every 64-character hex run in `text` (digests, whatever column holds them)."""
    import re

    return set(re.findall(r"[0-9a-f]{64}", text))
