"""The shipped systemd units and cron line are valid and their command lines really run.

`deploy/` is what IT copies onto a server; a typo there fails silently at 02:00. The units are
checked by systemd's own `systemd-analyze verify` (installed by scripts/install-test-deps.sh),
and the scan's command line, taken from the unit and the cron file, is run against a small folder
with the paths rewritten to this checkout, so that an option renamed in the CLI breaks this test.
"""

from __future__ import annotations

import configparser
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

DEPLOY = REPO / "deploy"
INSTALLED = "/opt/noticescan/.venv/bin/"
UNITS = sorted(p.name for p in DEPLOY.iterdir() if p.suffix in {".service", ".timer"})


def _unit(name: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / name)
    return parser


@pytest.mark.parametrize("name", UNITS)
def test_each_unit_passes_systemd_analyze_verify(name: str, tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: scripts/install-test-deps.sh installs systemd"
    # verify also checks that ExecStart's program exists: point it at this checkout's venv.
    bin_dir = Path(sys.executable).parent
    for unit in UNITS:
        text = (DEPLOY / unit).read_text().replace(INSTALLED, f"{bin_dir}/")
        (tmp_path / unit).write_text(text)
    done = subprocess.run(
        [analyze, "verify", "--man=no", str(tmp_path / name)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_the_service_treats_violations_as_success_and_an_incomplete_scan_as_failure() -> None:
    service = _unit("noticescan.service")["Service"]
    success = service["SuccessExitStatus"].split()
    assert "1" in success  # violations found: a result
    assert "3" not in success and "2" not in success  # incomplete / could not run: alert


def _scan_argv(command: str, tmp_path: Path) -> list[str]:
    """The scan command of a unit or cron line, its paths moved into tmp_path."""
    argv = shlex.split(command)
    argv = argv[argv.index(next(a for a in argv if a.endswith("/noticescan"))) :]
    argv[0] = str(Path(sys.executable).parent / "noticescan")
    moved = {
        "/etc/noticescan/noticescan.toml": tmp_path / "noticescan.toml",
        "/var/log/noticescan/scan.log": tmp_path / "scan.log",
    }
    return [str(moved.get(a, a)) for a in argv]


def _config(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "note.txt").write_text("Please call Margaret Okafor on 07700 900461 about her order.")
    (tmp_path / "noticescan.toml").write_text(
        f'[scan]\nout = "{tmp_path / "scans"}"\nstate_dir = "{tmp_path / "state"}"\n'
        f'secret_file = "{tmp_path / "hmac.key"}"\n\n'
        f'[[source]]\ntype = "local"\npath = "{share}"\n'
    )


def _run_scan(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=REPO)


@pytest.mark.slow
def test_the_service_command_line_runs_a_scan_and_logs_json(tmp_path: Path) -> None:
    _config(tmp_path)
    argv = _scan_argv(_unit("noticescan.service")["Service"]["ExecStart"], tmp_path)
    done = _run_scan(argv)
    # An undeclared folder with a name and a phone number: complete, with violations.
    assert done.returncode == 1, done.stderr
    events = [json.loads(line) for line in (tmp_path / "scan.log").read_text().splitlines()]
    assert events and all(isinstance(e, dict) for e in events)
    # --incremental the next night reads nothing new and still exits by the same contract.
    again = _run_scan(argv)
    assert again.returncode == 1, again.stderr


@pytest.mark.slow
def test_the_cron_line_runs_the_same_scan(tmp_path: Path) -> None:
    _config(tmp_path)
    line = next(
        ln
        for ln in (DEPLOY / "noticescan.cron").read_text().splitlines()
        if ln.strip() and not ln.startswith(("#", "SHELL"))
    )
    fields = line.split(None, 6)  # minute hour dom month dow user command
    assert fields[5] == "noticescan"
    command = fields[6].split(">>")[0]
    done = _run_scan(_scan_argv(command, tmp_path))
    assert done.returncode == 1, done.stderr
    assert (tmp_path / "scans" / "latest" / "report.html").is_file()
