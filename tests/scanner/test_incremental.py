"""Scheduled scans end to end, with real processes: kill -9 and resume, incremental re-scans.

Every scan here is the real CLI in its own process (real worker pool, real model). Reads are
observed with the sitecustomize hook (NOTICESCAN_TEST_LOG_READS), which logs every
LocalSource.read() in every process, so "read no content" is measured, not assumed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO, cli_env, make_estate, run_cli
from tests.extract.files import eml_message, zip_file

HOOKS = REPO / "tests" / "fixtures" / "hooks"
TIMING = {"read_s", "extract_s", "detect_s"}


def hooked(reads: Path) -> dict[str, str]:
    return {
        "PYTHONPATH": os.pathsep.join([str(HOOKS), str(REPO)]),
        "NOTICESCAN_TEST_LOG_READS": str(reads),
    }


def out_dir(r: subprocess.CompletedProcess[str]) -> Path:
    assert r.returncode in (0, 1), r.stderr
    return Path(r.stdout.split("output:")[1].split()[0])


def rows(scan: Path, name: str) -> list[tuple[Any, ...]]:
    """A table's rows without timing columns, sorted, as comparable tuples."""
    table = pq.read_table(scan / name)
    keep = [c for c in table.column_names if c not in TIMING]
    return sorted(
        tuple(json.dumps(r[c], default=str) for c in keep) for r in table.select(keep).to_pylist()
    )


def read_log(reads: Path) -> list[str]:
    return reads.read_text().split("\n")[:-1] if reads.exists() else []


LETTERS = 700


def write_letters(root: Path, n: int) -> None:
    root.mkdir(parents=True)
    for i in range(n):
        sub = root / f"batch{i % 7}"
        sub.mkdir(exist_ok=True)
        (sub / f"letter{i:04}.txt").write_text(
            f"Letter {i}. Dear Margaret Ellison, Thomas Fairbairn will call on 07700 9{i:05}.\n"
            f"Reply to margaret.ellison{i}@example.co.uk. Regards, the service desk.\n"
        )


@pytest.mark.slow
def test_killed_then_resumed_scan_equals_an_uninterrupted_one(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    # Enough letters that the scan is still running after the lock check below, even with the
    # detector at full speed (a few ms per letter per worker).
    write_letters(root, LETTERS)
    whole = out_dir(run_cli("scan", str(root), "--out", str(tmp_path / "whole"), "-w", "2", "-q"))
    # Where the time went (docs/schema.md, scan.json `timings`), down to the report.
    timings = json.loads((whole / "scan.json").read_text())["timings"]
    assert {"walk", "pool", "queue_wait", "write", "scope", "report"} <= set(timings["main_s"])
    assert timings["workers_s"]["detect"] > 0 and timings["startup_s"] > 0
    outside = sum(timings["main_s"].get(k, 0) for k in ("walk", "write", "state", "scope"))
    outside += timings["main_s"]["report"]
    assert timings["outside_workers_s"] == pytest.approx(outside, abs=0.01)
    assert sum(timings["main_s"].values()) <= timings["wall_s"] + 0.01

    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "scanner.cli", "scan", str(root), "--out", str(out), "-w", "2"],
        cwd=REPO,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    state = out / ".noticescan" / "state.sqlite"
    deadline = time.monotonic() + 120
    while not state.exists():  # the scan holds its lock from before it creates its state
        assert proc.poll() is None and time.monotonic() < deadline, "scan ended before the kill"
        time.sleep(0.05)
    # The lock: a second scan of the same paths while the first runs is refused, clearly.
    # Checked before waiting for commits, so that the kill below follows them at once (the
    # second CLI's start-up, taken after them, let a fast scan finish before it was killed).
    second = run_cli("scan", str(root), "--out", str(out), "-q")
    assert second.returncode == 2
    assert "another noticescan scan" in second.stderr and "is running" in second.stderr
    done = 0
    while done < 20:  # some groups committed, far from all: kill in the middle
        assert proc.poll() is None and time.monotonic() < deadline, "scan ended before the kill"
        time.sleep(0.1)
        if state.exists():
            try:
                con = sqlite3.connect(state)
                done = con.execute("SELECT count(*) FROM items").fetchone()[0]
                con.close()
            except sqlite3.OperationalError:
                pass  # schema not created yet
    assert done < LETTERS
    workers = psutil.Process(proc.pid).children(recursive=True)
    assert workers
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    _, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive, "orphaned workers must exit once the main process is gone"
    (scan_dir,) = [p for p in out.iterdir() if p.name not in ("latest", ".noticescan")]
    assert not {p.name for p in scan_dir.iterdir()} & {"items.parquet", "scan.json"}

    resumed = out_dir(run_cli("scan", str(root), "--out", str(out), "-w", "2", "-q", "--resume"))
    assert resumed == scan_dir  # same scan, same folder
    meta = json.loads((resumed / "scan.json").read_text())
    assert meta["status"] == "complete" and meta["resumed"] is True
    assert meta["counts"]["items"] == LETTERS
    items = rows(resumed, "items.parquet")
    assert len({r[0] for r in items}) == LETTERS  # every item exactly once
    assert items == rows(whole, "items.parquet")
    assert rows(resumed, "findings.parquet") == rows(whole, "findings.parquet")
    assert not list(resumed.glob("*.partial"))


@pytest.mark.slow
def test_incremental_rescan_of_the_demo_estate(tmp_path: Path) -> None:
    estate = tmp_path / "estate"
    make_estate(estate)
    out = tmp_path / "out"
    full = out_dir(run_cli("scan", str(estate), "--out", str(out), "-w", "2", "-q"))
    n_items = json.loads((full / "scan.json").read_text())["counts"]["items"]
    assert n_items > 10

    # Unchanged: no content is read in any process, no worker starts, the picture is the same.
    reads = tmp_path / "reads-1.txt"
    again = out_dir(
        run_cli("scan", str(estate), "--out", str(out), "--incremental", "-q", **hooked(reads))
    )
    assert read_log(reads) == []
    assert rows(again, "items.parquet") == rows(full, "items.parquet")
    assert rows(again, "findings.parquet") == rows(full, "findings.parquet")
    meta = json.loads((again / "scan.json").read_text())
    assert meta["mode"] == "incremental"
    assert meta["counts"]["carried"] == n_items and meta["counts"]["bytes"] == 0

    # Same size and mtime, other bytes: still carried, which proves the content was not read.
    letters = sorted((estate).rglob("*.txt")) or sorted(estate.rglob("*.csv"))
    victim = letters[0]
    st = victim.stat()
    victim.write_bytes(b"x" * st.st_size)
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))
    swapped = out_dir(
        run_cli("scan", str(estate), "--out", str(out), "--incremental", "-q", **hooked(reads))
    )
    assert read_log(reads) == []
    assert rows(swapped, "findings.parquet") == rows(full, "findings.parquet")

    # Changed, added, deleted: exactly the changed and added files are read.
    changed = victim
    changed.write_text("Now write to rosalind.pettigrew@example.co.uk only.\n")
    added = estate / "new-letter.txt"
    added.write_text("Dear Eleanor Whitfield, write to ambrose.k@example.co.uk.\n")
    deleted = next(p for p in sorted(estate.rglob("*")) if p.is_file() and p != changed)
    deleted.unlink()
    reads2 = tmp_path / "reads-2.txt"
    third = out_dir(
        run_cli(
            "scan",
            str(estate),
            "--out",
            str(out),
            "--incremental",
            "-w",
            "1",
            "-q",
            **hooked(reads2),
        )
    )
    assert sorted(line.split(" ", 1)[1] for line in read_log(reads2)) == sorted(
        [str(changed), str(added)]
    )
    items = {r["uri"]: r for r in pq.read_table(third / "items.parquet").to_pylist()}
    findings = pq.read_table(third / "findings.parquet").to_pylist()
    assert str(deleted) not in items
    assert not [f for f in findings if f["item_uri"] == str(deleted)]
    assert items[str(added)]["status"] == "ok"
    assert "EMAIL_ADDRESS" in {f["entity_type"] for f in findings if f["item_uri"] == str(added)}
    before = {r["uri"]: r for r in pq.read_table(full / "items.parquet").to_pylist()}
    assert items[str(changed)]["content_hash"] != before[str(changed)]["content_hash"]
    now = {f["value_hash"] for f in findings if f["item_uri"] == str(changed)}
    was = {
        f["value_hash"]
        for f in pq.read_table(full / "findings.parquet").to_pylist()
        if f["item_uri"] == str(changed)
    }
    assert now and now != was
    meta = json.loads((third / "scan.json").read_text())
    assert meta["counts"]["gone"] == 1
    assert meta["counts"]["items"] == n_items  # one added, one deleted
    unchanged = set(before) - {str(changed), str(deleted)}
    assert {u: before[u]["content_hash"] for u in unchanged} == {
        u: items[u]["content_hash"] for u in unchanged
    }
    shutil.rmtree(estate)


def without(table_rows: list[tuple[Any, ...]], uris: set[str]) -> list[tuple[Any, ...]]:
    """Rows not about these top-level items (their own, nested and findings rows)."""
    quoted = {json.dumps(u) for u in uris}
    return [r for r in table_rows if not any(r[0].startswith(q[:-1]) for q in quoted)]


@pytest.mark.slow
def test_carried_rows_equal_the_previous_scans_with_nested_items(tmp_path: Path) -> None:
    """Both ways of carrying forward give the previous scan's rows, nested items included.

    In bulk from its Parquet files, and item by item from the state once those files are gone
    (retention deleted them).
    """
    root = tmp_path / "tree"
    write_letters(root, 14)
    member = b"Staff list: Margaret Ellison, margaret.ellison@example.co.uk, 07700 900123.\n"
    inner = zip_file({"deep.txt": b"Deep inside: rosalind.pettigrew@example.co.uk\n"})
    (root / "bundle.zip").write_bytes(zip_file({"staff/m1.txt": member, "inner.zip": inner}))
    (root / "mail.eml").write_bytes(eml_message().as_bytes())
    out = tmp_path / "out"
    full = out_dir(run_cli("scan", str(root), "--out", str(out), "-w", "2", "-q"))
    items = pq.read_table(full / "items.parquet").to_pylist()
    nested = [r for r in items if r["parent_uri"]]
    assert {r["parent_uri"] for r in nested} >= {str(root / "bundle.zip"), str(root / "mail.eml")}
    assert any("inner.zip#" in r["uri"] for r in nested)  # an archive in an archive: depth 2
    nested_findings = {f["item_uri"] for f in pq.read_table(full / "findings.parquet").to_pylist()}
    assert nested_findings & {r["uri"] for r in nested}

    reads = tmp_path / "reads-1.txt"
    again = out_dir(
        run_cli("scan", str(root), "--out", str(out), "--incremental", "-q", **hooked(reads))
    )
    assert read_log(reads) == []
    assert rows(again, "items.parquet") == rows(full, "items.parquet")
    assert rows(again, "findings.parquet") == rows(full, "findings.parquet")
    counts = json.loads((again / "scan.json").read_text())["counts"]
    assert counts["carried"] == counts["carried_from_previous"] == len(items)

    # A letter and a member of the zip change: exactly those two files are read again.
    letter = root / "batch0" / "letter0000.txt"
    letter.write_text("Now only write to ambrose.k@example.co.uk, please.\n")
    member2 = b"Staff list: Eleanor Whitfield, eleanor.w@example.co.uk.\n"
    (root / "bundle.zip").write_bytes(zip_file({"staff/m1.txt": member2, "inner.zip": inner}))
    reads2 = tmp_path / "reads-2.txt"
    third = out_dir(
        run_cli(
            "scan", str(root), "--out", str(out), "--incremental", "-w", "1", "-q", **hooked(reads2)
        )
    )
    changed = {str(letter), str(root / "bundle.zip")}
    assert sorted(line.split(" ", 1)[1] for line in read_log(reads2)) == sorted(changed)
    for name in ("items.parquet", "findings.parquet"):
        assert without(rows(third, name), changed) == without(rows(full, name), changed)
        assert rows(third, name) != rows(full, name)
    counts = json.loads((third / "scan.json").read_text())["counts"]
    redone = [
        r
        for r in items
        if r["uri"] in changed or str(r["uri"]).startswith(str(root / "bundle.zip#"))
    ]
    assert len(redone) == 5  # the letter; the zip, its member, the inner zip and its member
    assert counts["carried_from_previous"] == counts["carried"] == len(items) - len(redone)

    # The previous scan's files are gone: the state alone carries the same rows.
    saved = {name: rows(third, name) for name in ("items.parquet", "findings.parquet")}
    shutil.rmtree(third)
    reads3 = tmp_path / "reads-3.txt"
    fourth = out_dir(
        run_cli("scan", str(root), "--out", str(out), "--incremental", "-q", **hooked(reads3))
    )
    assert read_log(reads3) == []
    assert {name: rows(fourth, name) for name in saved} == saved
    counts = json.loads((fourth / "scan.json").read_text())["counts"]
    assert counts["carried"] == len(items) and counts["carried_from_previous"] == 0


def test_analysis_key_follows_the_key_and_the_normalisation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new normalisation changes every hash: no scan may carry old hashes next to new ones."""
    from scanner import privacy
    from scanner.config import for_paths
    from scanner.incremental import analysis_key

    cfg = for_paths([tmp_path], tmp_path / "out")
    before = analysis_key(cfg)
    monkeypatch.setattr(privacy, "NORMALISATION_VERSION", privacy.NORMALISATION_VERSION + 1)
    assert analysis_key(cfg) != before
    monkeypatch.undo()
    monkeypatch.setenv("NOTICESCAN_HMAC_KEY", "another-installation-key")
    assert analysis_key(cfg) != before


def test_analysis_key_follows_the_code_that_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upgrade in place keeps the version number; a change to the detectors still re-reads."""
    import shutil

    from scanner import incremental
    from scanner.config import for_paths
    from tests.conftest import REPO

    tree = tmp_path / "install"
    shutil.copytree(REPO / "detectors", tree / "detectors")
    shutil.copytree(REPO / "scanner", tree / "scanner")
    digest = incremental.code_digest.__wrapped__  # uncached: the files change under it
    before = digest(tree)
    cli = tree / "scanner" / "cli.py"  # not code that finds: no re-read for a new option
    cli.write_text(cli.read_text() + "\n# a new option\n")
    assert digest(tree) == before
    phone = tree / "detectors" / "phone.py"
    phone.write_text(phone.read_text() + "\n# a patched recognizer\n")
    assert digest(tree) != before

    cfg = for_paths([tmp_path], tmp_path / "out")
    key = incremental.analysis_key(cfg)
    monkeypatch.setattr(incremental, "code_digest", lambda: "0" * 16)
    assert incremental.analysis_key(cfg) != key
