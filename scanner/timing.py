"""Where a scan's time goes, for scan.json: the main process's phases and the workers' work.

A scan is fast when the workers are busy and the main process is not in their way. The main
process walks, waits for results, writes Parquet and the state, and afterwards evaluates the
notice (scope) and renders the report; the workers read, extract and detect. `Timings` adds up
wall seconds per named phase of the main process (`with timings.phase("write"): ...`; a phase
inside another is counted in the inner one only) and the per-item seconds the workers report
(ItemResult.read_s, extract_s, detect_s), so scan.json can show that the part outside the
workers stays small and grows no faster than the item count (docs/schema.md, "timings").
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scanner.models import ItemResult

# Main-process phases that are work outside the workers (queue_wait is the main process idle
# while they work).
OUTSIDE = ("walk", "write", "state", "scope", "report")


class Timings:
    """Seconds per phase of one scan, exclusive of nested phases; worker seconds summed."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.startup_s = _since_process_start()
        self.phases: dict[str, float] = {}
        self.workers = {"read": 0.0, "extract": 0.0, "detect": 0.0}
        self._stack: list[list[float]] = []  # [start, seconds spent in nested phases]

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Count the wall time of the block under `name` (nested phases are their own)."""
        frame = [time.perf_counter(), 0.0]
        self._stack.append(frame)
        try:
            yield
        finally:
            self._stack.pop()
            took = time.perf_counter() - frame[0]
            self.phases[name] = self.phases.get(name, 0.0) + took - frame[1]
            if self._stack:
                self._stack[-1][1] += took

    def add(self, result: ItemResult) -> None:
        """Count one item's time in a worker."""
        self.workers["read"] += result.read_s
        self.workers["extract"] += result.extract_s
        self.workers["detect"] += result.detect_s

    def as_dict(self) -> dict[str, Any]:
        """The scan.json `timings` object (seconds, rounded to milliseconds)."""
        wall = time.perf_counter() - self.started
        main = {k: round(v, 3) for k, v in self.phases.items()}
        outside = sum(self.phases.get(k, 0.0) for k in OUTSIDE)
        return {
            "startup_s": round(self.startup_s, 3),
            "wall_s": round(wall, 3),
            "main_s": main,
            "main_other_s": round(max(0.0, wall - sum(self.phases.values())), 3),
            "workers_s": {k: round(v, 3) for k, v in self.workers.items()},
            "outside_workers_s": round(outside, 3),
            "outside_workers_share": round(outside / wall, 4) if wall > 0 else 0.0,
        }


def record(scan_dir: Path, timings: Timings) -> None:
    """Put the final timings into SCAN_DIR/scan.json (after scope and report, which follow it)."""
    path = scan_dir / "scan.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["timings"] = timings.as_dict()
    tmp = path.with_name("scan.json.partial")
    tmp.write_text(json.dumps(doc, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _since_process_start() -> float:
    """Seconds since this process started: interpreter, imports and config before the scan."""
    try:
        import psutil

        return max(0.0, time.time() - psutil.Process().create_time())
    except (ImportError, OSError):
        return 0.0
