"""Fixtures for source tests: a real smbd on loopback (installed by the fixture when missing).

Also the local EWS server both EWS test modules talk to (tests/fixtures/fake_ews.py).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.fixtures.fake_ews import FakeEws
from tests.fixtures.samba import SambaServer, start_samba


def _server_root() -> Path:
    # Not pytest's tmp_path: its parents are mode 0700, and smbd opens files as the Samba user.
    root = Path(tempfile.mkdtemp(prefix="noticescan-samba-"))
    root.chmod(0o755)
    return root


@contextmanager
def _running_samba() -> Iterator[SambaServer]:
    root = _server_root()
    server = start_samba(root)
    try:
        yield server
    finally:
        server.kill()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def samba() -> Iterator[SambaServer]:
    """One smbd shared by a test module's tests (they create their own folders in the shares)."""
    with _running_samba() as server:
        yield server


@pytest.fixture
def own_samba() -> Iterator[SambaServer]:
    """Start an smbd for one test alone, for tests that kill and restart it."""
    with _running_samba() as server:
        yield server


@pytest.fixture
def smb_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Credentials in the environment, where the config's username_env/password_env point."""
    monkeypatch.setenv("SMB_USER", "nsuser")
    monkeypatch.setenv("SMB_PASSWORD", SambaServer.password)
    yield


@pytest.fixture
def ews(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeEws]:
    """A local EWS server answering with Exchange's documented responses, and its credentials."""
    monkeypatch.setenv("EWS_USER", "svc-scan")
    monkeypatch.setenv("EWS_PASS", "pa55")
    with FakeEws() as server:
        yield server
