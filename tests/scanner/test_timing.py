"""Timings count each phase once, however phases nest, and reach scan.json."""

from __future__ import annotations

import json
import time
from pathlib import Path

from scanner.models import Item, ItemResult, Status
from scanner.timing import Timings, record


def test_a_nested_phase_is_counted_in_itself_only() -> None:
    t = Timings()
    with t.phase("queue_wait"):
        time.sleep(0.02)
        with t.phase("write"):
            time.sleep(0.05)
        with t.phase("write"):
            time.sleep(0.01)
    assert 0.06 <= t.phases["write"] < 0.5
    assert 0.02 <= t.phases["queue_wait"] < 0.05 + 0.5 - 0.06  # the writes are not in it
    doc = t.as_dict()
    assert doc["outside_workers_s"] == round(t.phases["write"], 3)  # queue_wait is not outside
    assert doc["wall_s"] >= sum(doc["main_s"].values()) - 0.002
    assert 0 < doc["outside_workers_share"] <= 1


def test_worker_seconds_are_summed_from_results_and_recorded(tmp_path: Path) -> None:
    t = Timings()
    item = Item(uri="/a", source="s", store="undeclared", name="a")
    for n in (1, 2):
        t.add(ItemResult(item=item, status=Status.OK, read_s=n, extract_s=2 * n, detect_s=3 * n))
    assert t.workers == {"read": 3, "extract": 6, "detect": 9}
    (tmp_path / "scan.json").write_text(json.dumps({"scan_id": "x", "timings": {}}))
    record(tmp_path, t)
    doc = json.loads((tmp_path / "scan.json").read_text())
    assert doc["scan_id"] == "x" and doc["timings"]["workers_s"]["detect"] == 9
    assert not (tmp_path / "scan.json.partial").exists()
