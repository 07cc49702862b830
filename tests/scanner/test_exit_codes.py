"""Exit codes tell the truth (issue 13): the real CLI, run the way cron runs it.

0 complete and clean, 1 complete with violations, 2 could not run (one line names the cause),
3 incomplete. Each case is the input issue 13 found reported as clean or as exit 1: an empty
config, a typo'd path, an unwritable --out, a full disk under the state or the report, a state
with damaged pages, a plain bug. No case needs the NLP model: what fails, fails before any item
is read, or the items are ones the listing already refuses (over limits.max_file_mb).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO, run_cli
from tests.fixtures.mounts import tmpfs

HOOKS = REPO / "tests" / "fixtures" / "hooks"


def noticescan(
    capsys: pytest.CaptureFixture[str], *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`noticescan ARGS` through the console entry point, in this process (no start-up cost)."""
    from scanner.cli import main

    before = Path.cwd()
    argv = sys.argv
    sys.argv = ["noticescan", *args]
    code: int | str | None = 0
    try:
        if cwd is not None:
            os.chdir(cwd)
        main()
    except SystemExit as e:
        code = e.code
    finally:
        sys.argv = argv
        os.chdir(before)
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, int(code or 0), out, err)


def one_line(r: subprocess.CompletedProcess[str]) -> str:
    """The failure line: the last line of stderr, and no traceback without it."""
    lines = r.stderr.strip().splitlines()
    assert lines, f"no message at all (exit {r.returncode})"
    assert lines[-1].startswith("noticescan: "), r.stderr
    return lines[-1]


def listed_only(tmp_path: Path, root: Path, n: int, **scan: str) -> Path:
    """A config over `n` small files that the listing refuses as too large: no worker starts."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / f"note{i:05}.txt").write_text(f"note {i} " * 8)
    scan.setdefault("out", str(tmp_path / "scans"))
    options = "".join(f'{k} = "{v}"\n' for k, v in scan.items())
    config = tmp_path / "noticescan.toml"
    config.write_text(
        f"[scan]\n{options}"
        "[limits]\nmax_file_mb = 0.00001\n"  # 10 bytes: every note is over it
        f'[[source]]\ntype = "local"\nid = "notes"\npath = "{root}"\n'
    )
    return config


def hooked(**env: str) -> dict[str, str]:
    """Environment that loads the test hooks (tests/fixtures/hooks) in every process."""
    return {"PYTHONPATH": os.pathsep.join([str(HOOKS), str(REPO)]), **env}


def latest(out: Path) -> Path | None:
    link = out / "latest"
    return link.resolve() if link.is_symlink() else None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "source"),  # an empty file
        ('[[store]]\nid = "crm"\n', "source"),  # stores but no source
    ],
)
def test_a_config_with_nothing_to_scan_cannot_run(
    tmp_path: Path, text: str, key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "empty.toml"
    config.write_text(text)
    r = noticescan(capsys, "scan", "--config", str(config), cwd=tmp_path)
    assert r.returncode == 2
    assert f"config error: {key}: no [[source]] is configured" in one_line(r)
    assert not (tmp_path / "scans").exists()  # nothing written anywhere


def test_a_config_file_that_does_not_exist_cannot_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    r = noticescan(capsys, "scan", "--config", str(tmp_path / "nowhere.toml"), cwd=tmp_path)
    assert r.returncode == 2
    assert "nowhere.toml: cannot be read" in one_line(r)


def test_no_source_given_cannot_run(capsys: pytest.CaptureFixture[str]) -> None:
    r = noticescan(capsys, "scan")
    assert r.returncode == 2 and "give --config FILE or one or more PATHS" in r.stderr


def test_a_typod_path_is_incomplete_not_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`noticescan scan /srv/shares/does-not-exist` was exit 0 and "Every item was read"."""
    missing = tmp_path / "shares" / "does-not-exist"
    r = noticescan(capsys, "scan", str(missing), "--out", str(tmp_path / "out"), "-q")
    assert r.returncode == 3, r.stderr
    assert "incomplete: 1 source(s) or folder(s) could not be read" in r.stdout
    out = latest(tmp_path / "out")
    assert out is not None
    meta = json.loads((out / "scan.json").read_text())
    assert meta["status"] == "incomplete"
    (gap,) = meta["unreachable"]
    assert gap["what"] == str(missing) and gap["last_read"] is None
    assert gap["source"] == "path-1" and "cannot be read" in gap["error"]
    assert 'id="unreachable"' in (out / "report.html").read_text()


def test_a_config_whose_path_does_not_exist_is_incomplete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "noticescan.toml"
    config.write_text(
        f'[scan]\nout = "{tmp_path / "scans"}"\n[[source]]\ntype = "local"\npath = "typo/finance"\n'
    )
    r = noticescan(capsys, "scan", "--config", str(config), "-q")
    assert r.returncode == 3, r.stderr
    assert "unreachable: " in r.stderr and "typo/finance" in r.stderr


def test_an_unwritable_out_cannot_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--out on a read-only file system was an `OSError: Read-only file system` traceback."""
    root = tmp_path / "tree"
    root.mkdir()
    (root / "a.txt").write_text("hello")
    with tmpfs(tmp_path / "ro", 64, read_only=True) as ro:
        r = noticescan(capsys, "scan", str(root), "--out", str(ro / "scans"), "-q")
    assert r.returncode == 2
    line = one_line(r)
    assert "Read-only file system" in line and "fix: the file system is read-only" in line
    assert "Traceback" not in r.stderr


def test_a_full_disk_under_the_state_cannot_run_and_moves_nothing(tmp_path: Path) -> None:
    """The state filling its disk mid-scan was an sqlite3.OperationalError traceback, exit 1.

    6,000 refused files are stored in the state (about 2 MB) on a 512 KB file system.
    """
    with tmpfs(tmp_path / "small", 512) as small:
        config = listed_only(tmp_path, tmp_path / "notes", 6000, state_dir=str(small / "state"))
        r = run_cli("scan", "--config", str(config), "-q")
        assert r.returncode == 2, r.stdout + r.stderr
        line = one_line(r)
        assert "state database" in line and "state.sqlite" in line
        assert "full" in line and "fix: free space" in line
        assert "Traceback" not in r.stderr
    assert latest(tmp_path / "scans") is None
    assert not list((tmp_path / "scans").glob("*/scan.json"))


def test_a_full_disk_under_the_report_cannot_run_and_latest_stays(tmp_path: Path) -> None:
    """`latest` pointed at a scan holding only report.html.partial after ENOSPC on the report.

    A first scan on an ordinary disk measures what the data files and the report take; the
    tmpfs then holds the data files but only half the report, so the disk fills while the report
    is written (whatever size the report has grown to).
    """
    (tmp_path / "sizing").mkdir()
    sizing = listed_only(tmp_path / "sizing", tmp_path / "notes", 2000)
    assert run_cli("scan", "--config", str(sizing), "-q").returncode == 0
    (done,) = (p for p in (tmp_path / "sizing" / "scans").iterdir() if p.name[0].isdigit())
    pages = {p.name: -(-p.stat().st_size // 4096) * 4 for p in done.iterdir()}  # KB in pages
    report_kb = pages.pop("report.html")
    assert report_kb >= 16, "the report is too small for this test to tell anything"
    size_kb = sum(pages.values()) + 16 + report_kb // 2
    with tmpfs(tmp_path / "small", size_kb) as small:
        config = listed_only(tmp_path, tmp_path / "notes", 2000, out=str(small / "scans"))
        r = run_cli("scan", "--config", str(config), "-q")
        assert r.returncode == 2, r.stdout + r.stderr
        line = one_line(r)
        assert "No space left on device" in line and "fix: the disk is full" in line
        (scan_dir,) = [p for p in (small / "scans").iterdir() if not p.name.startswith(".")]
        assert (scan_dir / "items.parquet").exists()  # the data was complete...
        assert not (scan_dir / "report.html").exists()  # ...the report was not
        assert latest(small / "scans") is None


def test_damaged_state_pages_stop_the_scan_with_one_line(tmp_path: Path) -> None:
    """A state with overwritten pages ran the whole scan, then a DatabaseError traceback."""
    config = listed_only(tmp_path, tmp_path / "notes", 3000)
    assert run_cli("scan", "--config", str(config), "-q").returncode == 0
    state = tmp_path / ".noticescan" / "state.sqlite"
    con = sqlite3.connect(state)
    page = con.execute("PRAGMA page_size").fetchone()[0]
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    con.close()
    assert pages > 40
    with open(state, "r+b") as fh:  # garbage over pages in the middle of the items table
        fh.seek(page * (pages // 2))
        fh.write(os.urandom(page * 8))
    r = run_cli("scan", "--config", str(config), "-q")
    assert r.returncode == 2, r.stdout + r.stderr
    line = one_line(r)
    assert f"state database {state} cannot be used" in line and "move it aside" in line
    assert "Traceback" not in r.stderr


def test_an_unexpected_error_is_exit_2_with_a_line_and_latest_stays(tmp_path: Path) -> None:
    config = listed_only(tmp_path, tmp_path / "notes", 3)
    first = run_cli("scan", "--config", str(config), "-q")
    assert first.returncode == 0
    before = latest(tmp_path / "scans")
    r = run_cli("scan", "--config", str(config), "-q", **hooked(NOTICESCAN_TEST_BUG="1"))
    assert r.returncode == 2
    line = one_line(r)
    assert "unexpected RuntimeError: a bug planted by the test" in line
    assert "Traceback" in r.stderr  # for the bug report, with the line after it
    assert latest(tmp_path / "scans") == before


def test_complete_scans_are_0_or_1_by_the_notice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = listed_only(tmp_path, tmp_path / "notes", 2)
    r = noticescan(capsys, "scan", "--config", str(config), "-q")
    assert r.returncode == 0 and "within the notice: no violations" in r.stdout
    meta = json.loads((tmp_path / "scans" / "latest" / "scan.json").read_text())
    assert meta["status"] == "complete" and meta["unreachable"] == []


def test_files_listed_over_max_file_mb_are_never_read(tmp_path: Path) -> None:
    """Issue 13: files over max_file_mb were read up to the limit ("listed but not read")."""
    config = listed_only(tmp_path, tmp_path / "notes", 5)
    reads = tmp_path / "reads.txt"
    r = run_cli(
        "scan", "--config", str(config), "-q", **hooked(NOTICESCAN_TEST_LOG_READS=str(reads))
    )
    assert r.returncode == 0, r.stderr
    assert not reads.exists()  # LocalSource.read() never ran, in any process
    out = tmp_path / "scans" / "latest"
    meta = json.loads((out / "scan.json").read_text())
    assert meta["counts"]["by_status"] == {"too_large": 5}
    assert meta["counts"]["peak_rss_mb"] == []  # no worker was even started
    rows = pq.read_table(out / "items.parquet").to_pylist()
    assert all("listed, not read" in row["error"] and row["bytes_read"] == 0 for row in rows)
