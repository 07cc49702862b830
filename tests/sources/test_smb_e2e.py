"""A tree served over SMB gives the same items and findings as the same tree scanned locally.

Runs the real pipeline (worker processes, the NLP model) twice over one folder: once as a
`local` source on the share's disk path, once as an `smb` source through the fixture's smbd.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from scanner import config as config_mod
from scanner.pipeline import run_scan
from tests.conftest import REPO
from tests.fixtures.samba import SambaServer

pytestmark = [pytest.mark.samba, pytest.mark.slow, pytest.mark.usefixtures("smb_env")]

MAKE_ESTATE = REPO / "examples" / "make_estate.py"


def plant(root: Path) -> None:
    """A small tree with personal data in the formats the pipeline reads, in nested folders."""
    (root / "invoices" / "2024").mkdir(parents=True)
    (root / "invoices" / "2024" / "inv-0042.txt").write_text(
        "Invoice 0042\nBill to: Eleanor Whitfield, 14 Mill Lane, Leeds LS6 2QT\n"
        "Card 4539 1488 0343 6467, contact eleanor.whitfield@example.co.uk\n"
    )
    (root / "hr").mkdir()
    (root / "hr" / "contacts.csv").write_text("Name,Mobile\nHarriet Oakley,07700 900461\n")
    (root / "Tom & Jerry's notes.txt").write_text(
        "Call Marcus Bell on 07700 900123 about the refund.\n"
    )
    (root / "blob.bin").write_bytes(b"\x00\x01\x02 not text \xff\xfe")


def build_tree(kind: str, root: Path) -> None:
    if kind == "planted":
        plant(root)
        return
    if not MAKE_ESTATE.exists():
        pytest.skip("examples/make_estate.py (the demo estate, issue 1) is not in this tree yet")
    subprocess.run([sys.executable, str(MAKE_ESTATE), "--out", str(root)], check=True, cwd=REPO)


def scan(tmp_path: Path, name: str, source: dict[str, Any]) -> Path:
    cfg = config_mod.from_dict(
        {"scan": {"out": str(tmp_path / name), "workers": 2}, "source": [{"id": name, **source}]},
        tmp_path,
    )
    return run_scan(cfg).out_dir


def results(out: Path, prefix: str) -> tuple[dict[str, tuple[Any, ...]], set[tuple[Any, ...]]]:
    con = duckdb.connect()
    items = {
        r[0].removeprefix(prefix): r[1:]
        for r in con.execute(
            f"select uri, status, size, content_hash from '{out}/items.parquet'"
        ).fetchall()
    }
    findings = {
        (r[0].removeprefix(prefix), *r[1:])
        for r in con.execute(
            f"select item_uri, location, entity_type, category, value_hash "
            f"from '{out}/findings.parquet'"
        ).fetchall()
    }
    return items, findings


@pytest.mark.parametrize("kind", ["planted", "demo-estate"])
def test_smb_scan_equals_local_scan(samba: SambaServer, tmp_path: Path, kind: str) -> None:
    root = samba.share_path("public") / f"e2e-{kind}"
    root.mkdir()
    build_tree(kind, root)
    samba.chown_tree("public")
    local_out = scan(tmp_path, "local", {"type": "local", "path": str(root)})
    smb_out = scan(
        tmp_path,
        "smb",
        {
            "type": "smb",
            "url": samba.url("public", f"e2e-{kind}"),
            "username_env": "SMB_USER",
            "password_env": "SMB_PASSWORD",
        },
    )
    local_items, local_findings = results(local_out, str(root))
    smb_items, smb_findings = results(smb_out, samba.url("public", f"e2e-{kind}"))
    assert local_items and local_findings, (
        "the local scan found nothing: the comparison would be empty"
    )
    renames = mangled_names(local_items, smb_items)
    smb_items = {renames.get(k, k): v for k, v in smb_items.items()}
    smb_findings = {(renames.get(f[0], f[0]), *f[1:]) for f in smb_findings}
    assert smb_items == local_items
    assert smb_findings == local_findings


WINDOWS_FORBIDDEN = set('<>:"|?*')


def mangled_names(
    local_items: dict[str, tuple[Any, ...]], smb_items: dict[str, tuple[Any, ...]]
) -> dict[str, str]:
    """SMB uri -> local uri for files whose names hold characters Windows forbids.

    Samba serves such a file (the demo estate's `<img src=x onerror=alert(1)>.txt`) under an 8.3
    mangled alias such as `_U5DLU~R.TXT`; it is the same file, matched by folder and content hash.
    """
    renames = {}
    for rel, (_, _, digest) in local_items.items():
        folder, _, name = rel.rpartition("/")
        if not WINDOWS_FORBIDDEN & set(name):
            continue
        alias = [
            k
            for k, v in smb_items.items()
            if v[2] == digest and k.rpartition("/")[0] == folder and k not in local_items
        ]
        assert len(alias) == 1, f"no single SMB alias for {rel}: {alias}"
        renames[alias[0]] = rel
    return renames
