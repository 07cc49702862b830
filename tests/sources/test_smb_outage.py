"""The SMB outage of issue 13, against a real smbd: kill it, change a file, scan, restart, scan.

Before: the incremental scan during the outage replaced the share's items with one error row,
exited 0 ("within the notice: no violations"), moved `latest`, and `noticescan diff` reported
every violation resolved. Now it keeps every item and finding (marked unreachable), exits 3,
and the scan after the restart reads the changed file.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pytest

from reports.diff import diff_scans
from tests.conftest import run_cli
from tests.fixtures.samba import SambaServer

pytestmark = [pytest.mark.samba, pytest.mark.slow, pytest.mark.usefixtures("smb_env")]


def out_of(r: subprocess.CompletedProcess[str]) -> Path:
    return Path(r.stdout.split("output:")[1].split()[0])


def rows(out: Path, sql: str) -> set[tuple[Any, ...]]:
    return set(duckdb.connect().execute(sql.replace("OUT", str(out))).fetchall())


ITEMS = "select uri, status, content_hash, finding_count from 'OUT/items.parquet'"
FINDINGS = "select item_uri, location, entity_type, value_hash from 'OUT/findings.parquet'"


def test_outage_keeps_every_item_and_the_next_scan_finds_the_change(
    own_samba: SambaServer, tmp_path: Path
) -> None:
    share = own_samba.share_path("finance") / "outage"
    (share / "2024").mkdir(parents=True)
    (share / "2024" / "inv-1.txt").write_text(
        "Bill to Eleanor Whitfield, card 4539 1488 0343 6467\n"
    )
    (share / "2024" / "inv-2.txt").write_text("Bill to Harriet Oakley, harriet@example.co.uk\n")
    (share / "notes.txt").write_text("Nothing personal in here.\n")
    own_samba.chown_tree("finance")
    config = tmp_path / "noticescan.toml"
    config.write_text(
        f'[scan]\nout = "{tmp_path / "scans"}"\nworkers = 1\n'
        f'[[source]]\ntype = "smb"\nid = "fs"\nurl = "{own_samba.url("finance", "outage")}"\n'
        'username_env = "SMB_USER"\npassword_env = "SMB_PASSWORD"\n'
        "retries = 1\nretry_backoff_s = 0.05\ntimeout_s = 5\n"
    )
    first = run_cli("scan", "--config", str(config), "-q")
    assert first.returncode == 1, first.stderr
    one = out_of(first)

    own_samba.kill()
    (share / "notes.txt").write_text("Now: call Marcus Bell on 07700 900123.\n")
    down = run_cli("scan", "--config", str(config), "-q", "--incremental")
    assert down.returncode == 3, down.stdout + down.stderr
    two = out_of(down)
    assert (tmp_path / "scans" / "latest").resolve() == two  # published, marked incomplete
    meta = json.loads((two / "scan.json").read_text())
    assert meta["status"] == "incomplete" and meta["counts"]["gone"] == 0
    (gap,) = meta["unreachable"]
    assert gap["what"] == own_samba.url("finance", "outage") and gap["source"] == "fs"
    assert gap["last_read"] == json.loads((one / "scan.json").read_text())["started"]
    kept = rows(two, ITEMS + " where unreachable")
    assert kept == rows(one, ITEMS)  # every item, as last read
    assert rows(two, FINDINGS) == rows(one, FINDINGS)
    assert diff_scans(one, two).resolved == []

    own_samba.start()
    back = run_cli("scan", "--config", str(config), "-q", "--incremental")
    assert back.returncode == 1, back.stdout + back.stderr
    three = out_of(back)
    assert json.loads((three / "scan.json").read_text())["status"] == "complete"
    assert rows(three, "select count(*) from 'OUT/items.parquet' where unreachable") == {(0,)}
    notes = own_samba.url("finance", "outage/notes.txt")
    phones = "select item_uri from 'OUT/findings.parquet' where entity_type = 'PHONE_NUMBER'"
    assert (notes,) not in rows(one, phones)
    assert (notes,) in rows(three, phones)  # the change made during the outage was read
