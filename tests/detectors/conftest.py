"""Shared fixtures for detector tests: one detector per session (the spaCy model loads once)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from detectors.base import Detector
from detectors.registry import build_detector
from scanner.config import DetectorSettings


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Detectors must never touch the network (tldextract, phonenumbers, anything)."""

    def refuse(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise OSError(f"network blocked in tests: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture(scope="session")
def detector() -> Iterator[Detector]:
    yield build_detector(DetectorSettings())
