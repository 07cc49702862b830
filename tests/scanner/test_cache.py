"""The file cache that spares a scan's workers the scout's compile (scanner/cache.py)."""

from __future__ import annotations

import os
from pathlib import Path

from scanner.cache import KEPT, FileCache


def test_the_file_cache_keeps_the_recent_few_and_survives_an_unwritable_directory(
    tmp_path: Path,
) -> None:
    cache = FileCache(tmp_path / "cache")
    for i in range(KEPT + 2):
        cache.put(f"scout-{i}.hsdb", bytes([i]))
        os.utime(tmp_path / "cache" / f"scout-{i}.hsdb", (i, i))  # written in this order
    assert cache.get("scout-0.hsdb") is None  # the oldest were evicted
    assert cache.get(f"scout-{KEPT + 1}.hsdb") == bytes([KEPT + 1])
    assert len(list((tmp_path / "cache").glob("scout-*"))) == KEPT
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    FileCache(blocked).put("scout-x.hsdb", b"data")  # logged, not raised
    assert FileCache(blocked).get("scout-x.hsdb") is None
