"""The console script's start: its bin/ folder leaves sys.path.

tests/scanner/test_startup.py runs the installed script beside impacket's.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import scanner


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
