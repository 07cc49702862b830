"""End-to-end scans of real files by the real worker pool (spawned processes, real model)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from scanner import config as config_mod
from scanner.pipeline import run_scan
from tests.conftest import REPO, cli_env, run_cli

HOOKS = REPO / "tests" / "fixtures" / "hooks"

PLANTED = {
    "name": "Eleanor Whitfield",
    "email": "eleanor.whitfield@example.co.uk",
    "card": "4539 1488 0343 6467",
    "phone": "07700 900461",
    "csv_name": "Harriet Oakley",
}


def plant(root: Path) -> None:
    (root / "letters").mkdir(parents=True)
    (root / "letters" / "note.txt").write_text(
        "Thanks for the call.\n"
        f"Please send the quote to {PLANTED['name']} at {PLANTED['email']}.\n"
        f"She paid with card {PLANTED['card']} last week.\n"
    )
    (root / "contacts.csv").write_text(f"Name,Mobile\n{PLANTED['csv_name']},{PLANTED['phone']}\n")
    (root / "blob.bin").write_bytes(b"\x00\x01\x02 not text at all \xff\xfe")


def all_output_text(out: Path) -> str:
    """Every value in every output file, decoded (Parquet is compressed: grep proves nothing)."""
    parts = [(out / "scan.json").read_text()]
    for f in out.glob("*.parquet"):
        parts.append(json.dumps(pq.read_table(f).to_pylist(), default=str))
    return "\n".join(parts)


def scan_paths(tmp_path: Path, root: Path, **limits: float) -> Path:
    cfg = config_mod.from_dict(
        {
            "scan": {"out": str(tmp_path / "out"), "workers": 2},
            "limits": limits,
            "source": [{"type": "local", "path": str(root), "id": "tree"}],
        },
        tmp_path,
    )
    return run_scan(cfg).out_dir


@pytest.mark.slow
def test_scan_finds_planted_values_and_never_writes_them(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    plant(root)
    out = scan_paths(tmp_path, root)
    con = duckdb.connect()
    items = {
        r[0].removeprefix(str(root)): r[1:]
        for r in con.execute(
            f"select uri, status, source, store, size from '{out}/items.parquet'"
        ).fetchall()
    }
    assert items["/letters/note.txt"][0] == "ok"
    assert items["/contacts.csv"][0] == "ok"
    assert items["/blob.bin"][0] == "unsupported"
    assert {v[1:3] for v in items.values()} == {("tree", "undeclared")}
    rows = con.execute(
        f"select item_uri, location, entity_type, category, evidence_masked, value_hash "
        f"from '{out}/findings.parquet'"
    ).fetchall()
    got = {(r[0].removeprefix(str(root)), r[1], r[2], r[3], r[4]) for r in rows}
    assert ("/letters/note.txt", "line 2", "PERSON", "name", "E****** W********") in got
    assert (
        "/letters/note.txt",
        "line 2",
        "EMAIL_ADDRESS",
        "contact",
        "e****************@e*********.uk",
    ) in got
    assert (
        "/letters/note.txt",
        "line 3",
        "CREDIT_CARD",
        "payment_card",
        "**** **** **** 6467",
    ) in got
    assert all(len(r[5]) == 64 for r in rows)
    reasons = dict(
        con.execute(f"select entity_type, reason from '{out}/findings.parquet'").fetchall()
    )
    assert reasons["CREDIT_CARD"].startswith("PaymentCardRecognizer: shape grouped, Luhn")
    assert reasons["CREDIT_CARD"].endswith("cue 'card' +0.20")
    assert reasons["PERSON"].startswith(
        ("SpacyPersonRecognizer", "CuedNameRecognizer", "ListedNameRecognizer")
    )
    text = all_output_text(out)
    for value in PLANTED.values():
        assert value not in text
        assert value.replace(" ", "") not in text
    meta = json.loads((out / "scan.json").read_text())
    assert meta["status"] == "complete"
    assert meta["counts"]["items"] == 3
    assert meta["counts"]["by_status"] == {"ok": 2, "unsupported": 1}
    peaks = meta["counts"]["peak_rss_mb"]  # one per worker; each holds the spaCy model
    assert len(peaks) == 2 and all(100 < mb < 3072 for mb in peaks), peaks
    assert not list(out.glob("*.partial"))
    assert (out.parent / "latest").resolve() == out.resolve()


@pytest.mark.slow
def test_hung_crashing_and_bloating_items_are_killed_and_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "hang.dat").write_bytes(b"HANG! a parser that never returns")
    (root / "crash.dat").write_bytes(b"CRASH! a parser that segfaults")
    (root / "bloat.dat").write_bytes(b"BLOAT! a parser that eats memory")
    for n in range(6):
        (root / f"ok{n}.txt").write_text(f"Call Daniel Hargreaves on 07700 90012{n}.\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(HOOKS), str(REPO)]))
    monkeypatch.setenv("NOTICESCAN_TEST_BAD_EXTRACTOR", "1")
    # Workers idle at ~220 MB RSS; 700 MB trips the bloat item well before its deadline even
    # on a loaded machine.
    out = scan_paths(tmp_path, root, item_timeout_s=8, worker_memory_mb=700)
    rows = (
        duckdb.connect()
        .execute(f"select name, status, error from '{out}/items.parquet'")
        .fetchall()
    )
    by_name = {r[0]: r[1:] for r in rows}
    assert len(rows) == 9, rows  # every item exactly once
    assert by_name["hang.dat"][0] == "timeout"
    assert "limits.item_timeout_s" in by_name["hang.dat"][1]
    assert by_name["crash.dat"][0] == "error"
    assert "SIGSEGV" in by_name["crash.dat"][1]
    assert by_name["bloat.dat"][0] == "error"
    assert "limits.worker_memory_mb" in by_name["bloat.dat"][1]
    assert all(by_name[f"ok{n}.txt"][0] == "ok" for n in range(6))
    meta = json.loads((out / "scan.json").read_text())
    assert meta["counts"]["worker_restarts"] >= 3


@pytest.mark.slow
def test_scan_runs_with_sockets_disabled_in_every_process(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    plant(root)
    guard_log = tmp_path / "guards.txt"
    r = run_cli(
        "scan",
        str(root),
        "--out",
        str(tmp_path / "out"),
        "--workers",
        "2",
        PYTHONPATH=os.pathsep.join([str(HOOKS), str(REPO)]),
        NOTICESCAN_TEST_NO_SOCKETS=str(guard_log),
    )
    assert r.returncode == 1, r.stderr  # planted data, no notice: all of it store_not_declared
    pids = set(guard_log.read_text().split())
    assert len(pids) >= 3  # the CLI and both workers ran with the guard installed
    out = Path(r.stdout.split("output:")[1].split("\n")[0].strip())
    assert (out / "report.html").exists() and (out / "violations.parquet").exists()
    emails = (
        duckdb.connect()
        .execute(
            f"select count(*) from '{out}/findings.parquet' where entity_type = 'EMAIL_ADDRESS'"
        )
        .fetchone()
    )
    assert emails == (1,)  # the e-mail recognizer worked offline


def _png_with_corrupt_exif() -> bytes:
    """A PNG whose eXIf chunk is cut short: Pillow warns "Corrupt EXIF data" reading it."""
    import io
    import struct
    import zlib

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buf, "PNG")
    png = buf.getvalue()
    body = b"MM\x00*\x00\x00\x00\x08\x00\x01\x01\x0f\x00\x02"  # one IFD entry, truncated
    chunk = struct.pack(">I", len(body)) + b"eXIf" + body
    chunk += struct.pack(">I", zlib.crc32(b"eXIf" + body))
    return png[:33] + chunk + png[33:]  # right after the IHDR chunk


def test_a_parser_warning_does_not_reach_the_terminal(tmp_path: Path) -> None:
    """Cron mails whatever a scan prints: a library's warning about one file is not output."""
    root = tmp_path / "tree"
    root.mkdir()
    (root / "scan.png").write_bytes(_png_with_corrupt_exif())
    (root / "note.txt").write_text("Call Margaret Ellison on 07700 900123.\n")
    r = run_cli("scan", str(root), "--out", str(tmp_path / "out"), "--workers", "1", "-q")
    assert r.returncode == 1, r.stderr  # the note's data, no notice: store_not_declared
    assert "Warning" not in r.stderr and "warnings.warn" not in r.stderr, r.stderr
    out = Path(r.stdout.split("output:")[1].split("\n")[0].strip())
    rows = pq.read_table(out / "items.parquet", columns=["name", "status"]).to_pylist()
    assert {row["name"] for row in rows} == {"scan.png", "note.txt"}


def _big_tree(root: Path, n: int) -> None:
    root.mkdir()
    for i in range(n):
        (root / f"f{i:05}.txt").write_text(
            f"Letter {i}. Dear Margaret Ellison, your engineer Thomas Fairbairn will call on "
            f"07700 9{i:05}. Regards, the service desk.\n" * 20
        )


def _start_scan(root: Path, out: Path) -> subprocess.Popen[str]:
    """`noticescan scan ROOT --out OUT` as a real process, output captured as text."""
    return subprocess.Popen(
        [sys.executable, "-m", "scanner.cli", "scan", str(root), "--out", str(out)],
        cwd=REPO,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_with_valid_output(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    _big_tree(root, 3000)
    proc = _start_scan(root, tmp_path / "out")
    assert proc.stderr is not None
    # Not a TTY, so progress is a plain line every 10 s; interrupt once items have been done,
    # however long the workers took to start on a busy machine.
    deadline = time.monotonic() + 180
    seen = ""
    while time.monotonic() < deadline:
        seen = proc.stderr.readline()
        if seen.startswith("progress:") and not seen.startswith("progress: 0 items"):
            break
    assert seen.startswith("progress:"), f"no progress line: {seen!r}"
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    out = Path(stdout.split("output:")[1].split()[0])
    meta = json.loads((out / "scan.json").read_text())
    assert meta["status"] == "interrupted"
    n = duckdb.connect().execute(f"select count(*) from '{out}/items.parquet'").fetchone()[0]
    assert 0 < n < 3000
    assert meta["counts"]["items"] == n
    assert not list(out.glob("*.partial"))
    assert 'id="interrupted"' in (out / "report.html").read_text()


@pytest.mark.slow
def test_killed_scan_leaves_nothing_under_final_names(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    _big_tree(root, 2000)
    proc = _start_scan(root, tmp_path / "out")
    # Kill once the scan is writing (its partial file exists), however slowly it started.
    deadline = time.monotonic() + 180
    while not list((tmp_path / "out").glob("*/items.parquet.partial")):
        assert proc.poll() is None, "the scan ended before it could be killed"
        assert time.monotonic() < deadline, "the scan never started writing items.parquet"
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    skip = ("latest", ".noticescan")
    (scan_dir,) = [p for p in (tmp_path / "out").iterdir() if p.name not in skip]
    names = {p.name for p in scan_dir.iterdir()}
    assert "items.parquet.partial" in names
    assert not names & {"items.parquet", "findings.parquet", "scan.json"}


def test_version_and_help() -> None:
    r = run_cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("noticescan, version")
    r = run_cli("scan", "--help")
    assert "Scan the configured sources" in r.stdout
