"""Shared test set-up: no network, a private HMAC key, and helpers to run the real CLI."""

from __future__ import annotations

import collections
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
_LOOPBACK = ("127.", "::1", "localhost")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the files with the most end-to-end (`slow`) tests first, in place of path order.

    `make test` hands whole files to two processes in collection order, so a long file picked
    up near the end kept one process busy while the other had nothing left: longest first packs
    them tighter. The sort is stable, so a file's tests keep their order and stay together.
    """
    slow = collections.Counter(
        item.nodeid.split("::")[0] for item in items if item.get_closest_marker("slow")
    )
    items.sort(key=lambda item: -slow[item.nodeid.split("::")[0]])


def _allowed(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX
        return True
    host = str(address[0]) if isinstance(address, tuple) and address else ""
    return host.startswith(_LOOPBACK) or host in ("", "0.0.0.0")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Block every connection that is not loopback (detect-secrets' habit): tests never go out."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def connect(self: socket.socket, address: Any) -> Any:
        if not _allowed(address):
            raise OSError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if not _allowed(address):
            raise OSError(f"test tried to reach the network: {address!r}")
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture(scope="session", autouse=True)
def private_key_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep the per-installation HMAC key out of the real home (subprocesses inherit it)."""
    home = tmp_path_factory.mktemp("xdg")
    old = os.environ.get("XDG_CONFIG_HOME")
    os.environ["XDG_CONFIG_HOME"] = str(home)
    os.environ.pop("NOTICESCAN_HMAC_KEY", None)
    yield home
    if old is None:
        os.environ.pop("XDG_CONFIG_HOME", None)
    else:
        os.environ["XDG_CONFIG_HOME"] = old


# Root with the capabilities that bypass file permissions dropped (util-linux setpriv): the
# permission bits then apply to it as to anyone, while it can still read the checkout, wherever
# that is (an unprivileged user could not read a checkout under root's 0700 temp folder).
NO_DAC = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def cli_env(**extra: str) -> dict[str, str]:
    """Environment for running the CLI from this source tree."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 300, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run `noticescan ARGS` as a real process and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "scanner.cli", *args],
        cwd=cwd or REPO,
        env=cli_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def make_estate(out: Path) -> None:
    """Build the demo estate into `out` the way `make demo` does (examples/make_estate.py)."""
    subprocess.run(
        [sys.executable, str(REPO / "examples" / "make_estate.py"), "--out", str(out)],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


@pytest.fixture(scope="session")
def detector() -> Any:
    """One loaded detector for in-process tests (the model takes seconds to load).

    Its pattern scout is kept where a scan's workers keep it (scanner.cache), so the scans the
    tests start load it instead of compiling it again (7-9 s each on a fresh machine).
    """
    from detectors.registry import build_detector
    from scanner.cache import FileCache
    from scanner.config import DetectorSettings

    return build_detector(DetectorSettings(), store=FileCache())
