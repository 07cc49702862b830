"""The state database and the scan lock, in-process (no model): fast checks of the contracts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from scanner.errors import ScanLockedError
from scanner.schema import FINDINGS_SCHEMA, ITEMS_SCHEMA
from scanner.state import FINDING_COLS, ITEM_COLS, Group, ScanLock, ScanRecord, StateDB


def test_state_columns_mirror_the_parquet_schemas() -> None:
    # `unreachable` says how this scan came by the row (scanner.unreachable): not stored.
    assert set(ITEMS_SCHEMA.names) == {"uri", "source", "unreachable", *ITEM_COLS}
    assert tuple(FINDINGS_SCHEMA.names) == FINDING_COLS


def _group(top: str, nested: int, scan: str) -> Group:
    def row(uri: str, parent: str | None) -> tuple[object, ...]:
        values = {c: None for c in ITEM_COLS} | {"parent_uri": parent, "status": "ok", "size": 3}
        return (uri, *(values[c] for c in ITEM_COLS), "an", scan)

    items = [row(f"{top}#{i}", top) for i in range(nested)] + [row(top, None)]
    finding = tuple(1 if c in ("start", "end") else f"{top}-{c}" for c in FINDING_COLS)
    return Group("src", top, items, [finding])


def test_groups_are_stored_whole_replaced_and_swept(tmp_path: Path) -> None:
    db = StateDB(tmp_path)
    cfg = db.config_id("config:/etc/a.toml")
    assert db.config_id("config:/etc/a.toml") == cfg
    db.start_scan(cfg, ScanRecord("s1", "running", "full", "2026-01-01", tmp_path), "d")
    db.bind(cfg, "s1")
    db.put(_group("/a", 2, "s1"))
    db.put(_group("/b", 0, "s1"))
    db.flush()
    got = db.groups(cfg, "src", ["/a", "/b", "/missing"])
    assert set(got) == {"/a", "/b"} and len(got["/a"].items) == 3
    assert got["/a"].head[0] == "/a"
    db.put(_group("/a", 1, "s1"))  # re-scanned: the old nested rows must not survive
    db.flush()
    assert len(db.groups(cfg, "src", ["/a"])["/a"].items) == 2
    assert [g.top for g in db.done_in(cfg, "s1")] == ["/a", "/b"]
    assert len(db.findings(cfg, "src", ["/a"])["/a"]) == 1
    # Next scan sees only /b: /a is gone, unless its folder could not be listed this time.
    db.bind(cfg, "s2")
    seen = {"src": pa.chunked_array([["/b"]], pa.string())}
    assert db.sweep(cfg, "s2", seen, {"src"}, {"src": ["/a"]}) == 0
    assert db.sweep(cfg, "s2", seen, {"src"}, {}) == 1
    assert set(db.groups(cfg, "src", ["/a", "/b"])) == {"/b"}
    assert db.findings(cfg, "src", ["/a"]) == {}
    # A source whose walk failed loses nothing; a source no longer configured loses everything.
    assert db.sweep(cfg, "s3", {}, {"src"}, {}) == 0
    db.sweep(cfg, "s3", {}, {"other"}, {})
    assert db.groups(cfg, "src", ["/b"]) == {}
    db.close()


def test_lock_refuses_a_second_holder_and_is_freed_by_the_kernel(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl,sys,time; f=open(sys.argv[1],'a+'); "
            "fcntl.flock(f, fcntl.LOCK_EX); f.write('4242'); f.flush(); print('held', flush=True); "
            "time.sleep(60)",
            str(ScanLock(tmp_path, "config:/x.toml").path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    lock = ScanLock(tmp_path, "config:/x.toml")
    with pytest.raises(ScanLockedError, match=r"another noticescan scan of /x.toml is running"):
        lock.acquire()
    ScanLock(tmp_path, "config:/y.toml").acquire()  # another config is not blocked
    holder.kill()  # kill -9: no clean-up code runs, the kernel drops the flock
    holder.wait()
    lock.acquire()
    lock.release()


def test_state_from_before_reasons_gains_the_column(tmp_path: Path) -> None:
    import sqlite3

    old_cols = ", ".join(f'"{c}"' for c in FINDING_COLS if c != "reason")
    con = sqlite3.connect(tmp_path / "state.sqlite")
    con.execute(
        f"CREATE TABLE findings (config_id INTEGER NOT NULL, source TEXT NOT NULL, "
        f"top TEXT NOT NULL, {old_cols})"
    )
    con.execute(
        f"INSERT INTO findings VALUES (1, 'src', '/a', {', '.join('?' * (len(FINDING_COLS) - 1))})",
        ["/a", "line 1", "UK_NINO", "government_id", 0.8, "x", "**", "h", 0, 9],
    )
    con.commit()
    con.close()
    db = StateDB(tmp_path)
    (row,) = db.findings(1, "src", ["/a"])["/a"]
    assert dict(zip(FINDING_COLS, row, strict=True))["reason"] is None
    db.close()


def test_analysis_key_names_the_recognizers_and_the_finding_columns(tmp_path: Path) -> None:
    from unittest import mock

    from scanner import config as cfg
    from scanner.incremental import analysis_key

    c = cfg.from_dict({"scan": {"out": str(tmp_path)}}, tmp_path)
    before = analysis_key(c)
    with mock.patch("scanner.incremental.FINDING_COLS", FINDING_COLS[:-1]):
        assert analysis_key(c) != before  # rows stored before `reason` are never carried
