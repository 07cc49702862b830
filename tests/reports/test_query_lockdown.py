"""`noticescan query` is a reader of one scan, not a file-system shell (issue 13).

Issue 13's attacks, each tried for real: `COPY ... TO` overwrote the scan's own items.parquet,
`ATTACH` worked, and `read_text('/etc/shadow')` returned the file. Every one must fail with a
message saying what the command can do, and leave every file as it was.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from reports import query
from scanner.errors import NoticeScanError
from tests.conftest import run_cli
from tests.reports.test_query import make


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def attacks(scan_dir: Path, outside: Path) -> dict[str, str]:
    other = outside / "other-scan"
    other.mkdir(exist_ok=True)
    (other / "items.parquet").write_bytes((scan_dir / "items.parquet").read_bytes())
    (outside / "secret.txt").write_text("root:$6$hash:19000:0:99999:7:::\n")
    items = scan_dir / "items.parquet"
    return {
        "copy over the scan's own file": f"COPY (SELECT 1 AS x) TO '{items}' (FORMAT parquet)",
        "copy over it, no temp file": (
            f"COPY items TO '{items}' (FORMAT parquet, USE_TMP_FILE false)"
        ),
        "copy out": f"COPY items TO '{outside / 'dump.csv'}'",
        "export": f"EXPORT DATABASE '{outside / 'export'}'",
        "attach": f"ATTACH '{outside / 'x.duckdb'}' AS x",
        "install": "INSTALL httpfs",
        "load": "LOAD httpfs",
        "read_text": f"SELECT * FROM read_text('{outside / 'secret.txt'}')",
        "read_text shadow": "SELECT * FROM read_text('/etc/shadow')",
        "read_csv": "SELECT * FROM read_csv('/etc/passwd')",
        "read_blob": f"SELECT * FROM read_blob('{outside / 'secret.txt'}')",
        "another scan": f"SELECT * FROM read_parquet('{other / 'items.parquet'}')",
        "the scan's file by path": f"SELECT * FROM '{items}'",
        "glob": "SELECT * FROM glob('/etc/*')",
        "unlock": "SET enable_external_access = true",
        "unlock by pragma": "PRAGMA enable_external_access = true",
    }


@pytest.fixture
def scan(scan_dir: Path) -> Path:
    return make(scan_dir)


def test_every_escape_fails_with_a_clear_message_and_changes_nothing(
    scan: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    before = {p.name: digest(p) for p in scan.iterdir()}
    for what, sql in attacks(scan, outside).items():
        with pytest.raises(NoticeScanError) as e:
            query.run(scan, sql, io.StringIO())
        message = str(e.value)
        assert "query refused" in message or "locked" in message, (what, message)
        assert "only reads this scan's tables" in message or "locked" in message, (what, message)
    assert {p.name: digest(p) for p in scan.iterdir()} == before
    assert sorted(p.name for p in outside.iterdir()) == ["other-scan", "secret.txt"]


def test_the_scans_own_tables_still_answer(scan: Path) -> None:
    out = io.StringIO()
    assert query.run(scan, "SELECT count(*) AS n FROM items", out) == 1
    assert "2" in out.getvalue()
    out = io.StringIO()
    query.run(scan, "DESCRIBE findings", out)
    assert "value_hash" in out.getvalue()
    out = io.StringIO()
    assert query.run(scan, "SELECT count(*) FROM violations JOIN summary USING (store)", out)


def test_cli_refusal_is_exit_2_and_one_line(scan: Path) -> None:
    r = run_cli("query", str(scan), "SELECT * FROM read_text('/etc/shadow')")
    assert r.returncode == 2
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith("noticescan: query refused:") and "/etc/shadow" in line
    assert "root:" not in r.stdout
