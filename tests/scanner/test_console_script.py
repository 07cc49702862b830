"""The installed `noticescan` console script, as cron and users start it (not `python -m`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import scanner

SCRIPT = Path(sys.executable).parent / "noticescan"


def test_script_folder_is_dropped_only_for_the_console_script(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "argv", [str(tmp_path / "noticescan"), "scan"])
    monkeypatch.setattr(sys, "path", [str(tmp_path), "/elsewhere"])
    scanner._drop_script_folder()
    assert sys.path == ["/elsewhere"]

    monkeypatch.setattr(sys, "argv", [str(tmp_path / "other-tool")])
    monkeypatch.setattr(sys, "path", [str(tmp_path), "/elsewhere"])
    scanner._drop_script_folder()
    assert sys.path == [str(tmp_path), "/elsewhere"]


@pytest.mark.skipif(not SCRIPT.exists(), reason="noticescan is not installed in this environment")
def test_console_script_imports_smbprotocol_not_a_bin_script_of_the_same_name(
    tmp_path: Path,
) -> None:
    """Impacket puts `smbclient.py` in bin/, next to the script; it must not shadow smbprotocol."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "note.txt").write_text("Call Jane Smith on 020 7946 0018.\n", encoding="utf-8")
    done = subprocess.run(
        [str(SCRIPT), "scan", str(folder), "--out", str(tmp_path / "out"), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
