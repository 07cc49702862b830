"""Nightly --incremental scans of an IMAP mailbox list no unchanged header, on a real Dovecot.

The real pipeline runs against tests/fixtures/dovecot.py. Every IMAP command the walk sends is
recorded (imaplib's one entry point for commands, wrapped in this process; reads happen in the
worker processes and are seen in the outputs instead), so "lists nothing" is counted.
"""

from __future__ import annotations

import imaplib
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from scanner.config import from_dict
from scanner.pipeline import run_scan
from tests.fixtures.dovecot import Dovecot, env_for
from tests.fixtures.mailfiles import message

pytestmark = [pytest.mark.dovecot, pytest.mark.slow]
ALICE = ["alice@example.org"]


def letter(n: int, body: str) -> bytes:
    return message(
        f"sender{n}@example.com", ALICE, f"Letter {n}", datetime(2024, 3, n, tzinfo=UTC), body
    )


CUSTOMERS = [
    letter(4, "Customer Harriet Oakley, mobile 07700 900461."),
    letter(5, "Customer Marcus Bell, marcus.bell@example.com."),
]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Dovecot]:
    for key, value in env_for(Dovecot.__new__(Dovecot)).items():
        monkeypatch.setenv(key, value)
    server = Dovecot().start()
    when = datetime(2024, 4, 1, tzinfo=UTC)
    for n, body in enumerate(
        [
            "Call Eleanor Whitfield on 07700 900123.",
            "No data here.",
            "Reply to tom.fairbairn@example.co.uk.",
        ],
        1,
    ):
        server.append("INBOX", letter(n, body), when)
    for raw in CUSTOMERS:
        server.append("Customers", raw, when)
    yield server
    server.cleanup()


@pytest.fixture
def commands(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    sent: list[tuple[str, ...]] = []
    real = imaplib.IMAP4._command

    def record(self: imaplib.IMAP4, name: str, *args: Any) -> Any:
        sent.append((name, *(a.decode() if isinstance(a, bytes) else str(a) for a in args)))
        return real(self, name, *args)

    monkeypatch.setattr(imaplib.IMAP4, "_command", record)
    return sent


def heads(out: Path) -> dict[str, dict[str, Any]]:
    rows = pq.read_table(out / "items.parquet").to_pylist()
    return {r["uri"]: r for r in rows if r["parent_uri"] is None}


def finding_uris(out: Path) -> set[str]:
    return set(
        pq.read_table(out / "findings.parquet", columns=["item_uri"])["item_uri"].to_pylist()
    )


def test_unchanged_folders_cost_one_status_each(
    server: Dovecot, commands: list[tuple[str, ...]], tmp_path: Path
) -> None:
    cfg = from_dict(
        {
            "scan": {"out": str(tmp_path / "out"), "workers": 1},
            "source": [
                {
                    "type": "imap",
                    "host": "127.0.0.1",
                    "port": server.port,
                    "tls": "none",
                    "username_env": "IMAP_TEST_USER",
                    "password_env": "IMAP_TEST_PASSWORD",
                }  # fmt: skip
            ],
        },
        tmp_path,
    )
    first = run_scan(cfg).out_dir
    assert len(heads(first)) == 5
    assert sum(c[0] == "UID" and c[1] == "FETCH" for c in commands) == 2  # one per folder

    commands.clear()
    second = run_scan(cfg, incremental=True).out_dir
    sent = {c[0] for c in commands}
    assert sent <= {"CAPABILITY", "LOGIN", "LIST", "STATUS", "LOGOUT"}, commands
    assert heads(second).keys() == heads(first).keys()
    assert finding_uris(second) == finding_uris(first)

    # INBOX: one new message, one expunged. Customers: deleted and created again, so it has a
    # new UIDVALIDITY (Dovecot's is time-based: wait a second) and must be read again in full.
    c = server.client()
    c.select("INBOX")
    c.uid("STORE", "1", "+FLAGS", "(\\Deleted)")
    c.expunge()
    c.delete('"Customers"')
    c.logout()
    time.sleep(1.1)
    new = letter(6, "New customer Nina Brook, 7 Elm Road, York YO1 7HH, nina.brook@example.org.")
    server.append("INBOX", new, datetime(2024, 4, 2, tzinfo=UTC))
    for raw in CUSTOMERS:
        server.append("Customers", raw, datetime(2024, 4, 2, tzinfo=UTC))
    commands.clear()
    third = run_scan(cfg, incremental=True).out_dir
    fetched = [c[2] for c in commands if c[:2] == ("UID", "FETCH")]
    assert sorted(fetched) == ["1:2", "4"]  # INBOX: the new UID only; Customers: everything
    now = heads(third)
    inbox = sorted(u for u in now if "/INBOX/" in u)
    assert [u.rsplit(":", 1)[1] for u in inbox] == ["2", "3", "4"]  # UID 1 is gone
    new_uri = inbox[-1]
    assert now[new_uri]["status"] == "ok" and new_uri in finding_uris(third)
    old_customers = {u for u in heads(second) if "/Customers/" in u}
    new_customers = {u for u in now if "/Customers/" in u}
    assert len(new_customers) == 2 and not old_customers & new_customers
    counts = json.loads((third / "scan.json").read_text())["counts"]
    assert (
        counts["carried"] == 2 and counts["gone"] == 3
    )  # INBOX 2, 3 carried; UID 1 + old Customers
