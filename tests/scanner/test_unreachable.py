"""An unreachable source or folder never removes what is known about it (issue 13).

The real CLI on real folders. A folder that cannot be listed is made the way it happens on a
server: mode 000, and the scan run without the capabilities that let root read anything anyway
(`setpriv --bounding-set=-dac_override,-dac_read_search`), so the kernel itself refuses the
listing with EACCES. The SMB outage (a real smbd killed and restarted) is in
tests/sources/test_smb_outage.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from reports.diff import diff_scans
from tests.conftest import NO_DAC, cli_env, run_cli
from tests.fixtures.samba import free_port
from tests.reports.test_diff import make_scan


def scan_as_plain_user(*args: str) -> subprocess.CompletedProcess[str]:
    """`noticescan ARGS` with root's permission-bypassing capabilities dropped."""
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to drop root's DAC override")
    prefix = NO_DAC if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, sys.executable, "-m", "scanner.cli", *args],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def out_of(r: subprocess.CompletedProcess[str]) -> Path:
    return Path(r.stdout.split("output:")[1].split()[0])


def table(out: Path, sql: str) -> list[tuple[Any, ...]]:
    return duckdb.connect().execute(sql.replace("OUT", str(out))).fetchall()


@pytest.mark.slow
def test_unlistable_folder_during_incremental_keeps_its_items_and_findings(
    tmp_path: Path,
) -> None:
    root = tmp_path / "share"
    (root / "hr").mkdir(parents=True)
    (root / "notes.txt").write_text("Call Marcus Bell on 07700 900123 about the refund.\n")
    for n in range(3):
        (root / "hr" / f"leaver{n}.txt").write_text(
            f"Leaver {n}: Eleanor Whitfield, eleanor{n}.whitfield@example.co.uk, 07700 90046{n}\n"
        )
    out = tmp_path / "scans"
    first = run_cli("scan", str(root), "--out", str(out), "-q", "-w", "1")
    assert first.returncode == 1, first.stderr  # undeclared store: findings are violations
    one = out_of(first)
    (root / "hr").chmod(0)
    try:
        second = scan_as_plain_user("scan", str(root), "--out", str(out), "-q", "--incremental")
    finally:
        (root / "hr").chmod(0o755)
    assert second.returncode == 3, second.stdout + second.stderr
    assert "incomplete: 1 source(s) or folder(s)" in second.stdout
    assert "beyond the notice:" in second.stdout  # the summary says both
    two = out_of(second)
    meta = json.loads((two / "scan.json").read_text())
    assert meta["status"] == "incomplete"
    (gap,) = meta["unreachable"]
    first_meta = json.loads((one / "scan.json").read_text())
    assert gap["what"] == str(root / "hr") and gap["last_read"] == first_meta["started"]
    assert "Permission denied" in gap["error"] and gap["store"] == "path-1"  # PATH's own store
    assert meta["counts"]["gone"] == 0 and meta["counts"]["unreachable"] == 3

    # Every item and finding of the first scan is still there; hr's marked, not re-verified.
    before = table(one, "select uri, status, content_hash, finding_count from 'OUT/items.parquet'")
    after = table(
        two, "select uri, status, content_hash, finding_count, unreachable from 'OUT/items.parquet'"
    )
    kept = {r[:4]: r[4] for r in after}
    assert {r: kept.get(r) for r in before} == {
        r: str(r[0]).startswith(str(root / "hr") + "/") for r in before
    }
    findings = "select item_uri, location, entity_type, value_hash from 'OUT/findings.parquet'"
    assert set(table(one, findings)) == set(table(two, findings))
    # Their findings still count for the notice's rules, and nothing was resolved.
    violations = "select kind, item_uri, category from 'OUT/violations.parquet'"
    assert set(table(one, violations)) == set(table(two, violations))
    d = diff_scans(one, two)
    assert d.resolved == [] and d.items_removed == 0
    # Reading it again once reachable: tests/sources/test_smb_outage.py.


def test_imap_server_down_as_the_only_source_is_incomplete_not_clean(tmp_path: Path) -> None:
    """An unreachable IMAP server as the only source was exit 0, "no violations"."""
    port = free_port()  # nothing listens there: connection refused, as for a stopped server
    config = tmp_path / "noticescan.toml"
    config.write_text(
        f'[scan]\nout = "{tmp_path / "scans"}"\n'
        '[[source]]\ntype = "imap"\nid = "mail"\nhost = "127.0.0.1"\n'
        f'port = {port}\ntls = "none"\nretries = 0\n'
        'username_env = "IMAP_USER"\npassword_env = "IMAP_PASSWORD"\n'
    )
    r = run_cli("scan", "--config", str(config), "-q", IMAP_USER="ops", IMAP_PASSWORD="pw")
    assert r.returncode == 3, r.stdout + r.stderr
    assert "within the notice: no violations" in r.stdout and "incomplete:" in r.stdout
    meta = json.loads((tmp_path / "scans" / "latest" / "scan.json").read_text())
    assert meta["status"] == "incomplete"
    (gap,) = meta["unreachable"]
    assert gap["source"] == "mail" and gap["what"] == f"imap://ops@127.0.0.1:{port}"
    assert "cannot be reached" in gap["error"] and gap["last_read"] is None
    assert meta["source_errors"] == [gap["error"]]


def test_diff_resolves_nothing_under_an_unreachable_source(tmp_path: Path) -> None:
    """Even when the new scan holds no row of it (a state moved aside), nothing is resolved."""
    old = make_scan(
        tmp_path,
        "20261124T020000Z-aaaa",
        {"smb://fs/finance/a.xlsx": "1", "/home/b.txt": "2"},
        [
            ("store_not_declared", "undeclared", "smb://fs/finance/a.xlsx", "name", "r"),
            ("store_not_declared", "undeclared", "/home/b.txt", "name", "r"),
        ],
    )
    new = make_scan(tmp_path, "20261125T020000Z-bbbb", {}, [])
    for name in ("items.parquet", "violations.parquet"):  # make_scan leaves `source` empty
        t = pq.read_table(old / name)
        pq.write_table(t.set_column(t.schema.get_field_index("source"), "source",
                                    pa.array(["fs", "home"], pa.string())), old / name)  # fmt: skip
    meta = json.loads((new / "scan.json").read_text())
    meta["status"] = "incomplete"
    meta["unreachable"] = [
        {
            "source": "fs",
            "store": "x",
            "what": "smb://fs/finance",
            "error": "down",
            "last_read": None,
        }
    ]
    (new / "scan.json").write_text(json.dumps(meta))
    d = diff_scans(old, new)
    assert [v["item_uri"] for v in d.resolved] == ["/home/b.txt"]
    assert d.items_removed == 1
