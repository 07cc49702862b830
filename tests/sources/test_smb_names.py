r"""Readers are names the server gives, not SIDs: a real Samba answers LsarLookupSids.

The shares are the fixture's smbd (tests/fixtures/samba.py). Files without an NT ACL of their
own get one that Samba derives from the Unix owner, group and mode, so a 640 file of group
`finance` is readable by `Unix User\root` and `Unix Group\finance`, and a 644 file also by
`Everyone`. The store declares readers = ["finance"] and the config has no `principals` map:
only the world-readable file may be flagged, and the readers in the output are names.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from reports.scope import evaluate
from scanner import config as config_mod
from scanner.categories import CATEGORIES
from scanner.pipeline import run_scan
from tests.fixtures.samba import SambaServer

pytestmark = [pytest.mark.samba, pytest.mark.slow, pytest.mark.usefixtures("smb_env")]

GROUP = "finance"


def finance_gid(user: str) -> int:
    """The `finance` Unix group, with the scanning account in it (it must read the files)."""
    subprocess.run(["groupadd", "-f", GROUP], check=True)
    subprocess.run(["usermod", "-aG", GROUP, user], check=True)
    return int(subprocess.check_output(["getent", "group", GROUP]).split(b":")[2])


def scan_names(server: SambaServer, tmp_path: Path) -> tuple[Path, config_mod.ScanConfig]:
    """Scan the share's `names` folder for a store whose declared readers are `finance`."""
    cfg = config_mod.from_dict(
        {
            "scan": {"out": str(tmp_path / "out"), "workers": 1},
            "store": [
                {
                    "id": "file-servers",
                    "name": "File servers",
                    "categories": list(CATEGORIES),
                    "readers": [GROUP],
                }
            ],
            "source": [
                {
                    "type": "smb",
                    "url": server.url("public", "names"),
                    "username_env": "SMB_USER",
                    "password_env": "SMB_PASSWORD",
                    "store": "file-servers",
                }
            ],
        },
        tmp_path,
    )
    return run_scan(cfg).out_dir, cfg


def test_world_readable_file_alone_is_broader_than_declared(
    samba: SambaServer, tmp_path: Path
) -> None:
    gid = finance_gid(samba.user)
    root = samba.share_path("public") / "names"
    root.mkdir()
    files = {
        "budget.txt": ("Budget owner: Eleanor Whitfield, eleanor.whitfield@example.co.uk\n", 0o640),
        "payroll.csv": ("Name,Mobile\nHarriet Oakley,07700 900461\n", 0o640),
        "customers.csv": ("Name,Email\nMarcus Bell,marcus.bell@example.com\n", 0o644),
    }
    for name, (text, mode) in files.items():
        path = root / name
        path.write_text(text)
        os.chown(path, 0, gid)
        path.chmod(mode)
    out, cfg = scan_names(samba, tmp_path)
    con = duckdb.connect()
    readers = dict(con.execute(f"SELECT name, readers FROM '{out}/items.parquet'").fetchall())
    assert readers["budget.txt"] == [
        "Unix User\\root",
        "Unix Group\\finance",
        "NT AUTHORITY\\SYSTEM",
    ]
    assert "Everyone" in readers["customers.csv"]
    assert not any(r.startswith("S-1-") for rs in readers.values() for r in rs)
    owners = {
        o for (o,) in con.execute(f"SELECT DISTINCT owner FROM '{out}/items.parquet'").fetchall()
    }
    assert owners == {"Unix User\\root"}

    meta = json.loads((out / "scan.json").read_text())
    (names,) = meta["principals"].values()
    assert names["method"] == "lsa" and names["resolved"] >= 2 and names["errors"] == []
    assert meta["counts"]["unresolved_principals"] == 0

    evaluate(out, cfg)
    flagged = con.execute(
        f"SELECT DISTINCT i.name, v.detail FROM '{out}/violations.parquet' v "
        f"JOIN '{out}/items.parquet' i ON i.uri = v.item_uri "
        "WHERE v.kind = 'access_broader_than_declared'"
    ).fetchall()
    assert [name for name, _ in flagged] == ["customers.csv"]
    assert "Everyone" in flagged[0][1]


def test_a_killed_server_leaves_no_rpc_helper_behind(
    own_samba: SambaServer, tmp_path: Path
) -> None:
    """kill() ends smbd's RPC helpers too, which run in sessions of their own.

    Looking up a reader's name makes smbd start `samba-dcerpcd` and `rpcd_lsad`; they outlived
    every test run (72 of them on a developer's machine).
    """
    root = own_samba.share_path("public") / "names"
    root.mkdir()
    (root / "budget.txt").write_text("Budget owner: Eleanor Whitfield\n")
    out, _ = scan_names(own_samba, tmp_path)
    con = duckdb.connect()
    (readers,) = con.execute(f"SELECT readers FROM '{out}/items.parquet'").fetchone() or [None]
    assert readers, "the scan looked no reader up"
    assert own_samba.proc is not None
    assert set(own_samba.helper_pids()) - {own_samba.proc.pid}, "no RPC helper was started"
    own_samba.kill()
    assert own_samba.helper_pids() == []
