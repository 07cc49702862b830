"""Sync points: versioned state schema, saved only when they can be trusted, handed back."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

import pytest

from scanner.config import ScanConfig, SourceConfig
from scanner.errors import NoticeScanError
from scanner.models import Item, ItemResult
from scanner.state import SCHEMA_VERSION, StateDB
from scanner.syncpoints import SyncPoints
from sources.base import Changes, ChangeTracking

INBOX = "mail://x/Inbox/"
SENT = "mail://x/Sent/"


class Tracker:
    """A change-tracking source reduced to its sync points."""

    type: ClassVar[str] = "tracker"

    def __init__(self, config: SourceConfig | None = None, scan: ScanConfig | None = None) -> None:
        self.id = "mail"
        self.given: dict[str, str] | None = None

    def walk(self) -> Iterator[Item | ItemResult | Changes]:
        yield from ()

    def read(self, item: Item) -> bytes:
        return b""

    def close(self) -> None:
        pass

    def start_from(self, saved: Mapping[str, str]) -> None:
        self.given = dict(saved)

    def sync_state(self) -> dict[str, str]:
        return {INBOX: "link-2", SENT: "link-7"}


def test_a_tracking_source_is_recognised_by_its_protocol() -> None:
    assert isinstance(Tracker(), ChangeTracking)
    assert not isinstance(object(), ChangeTracking)


def test_points_are_saved_per_analysis_and_doubtful_containers_left_out(tmp_path: Path) -> None:
    db = StateDB(tmp_path)
    cfg = db.config_id("config:test")
    src = Tracker()
    SyncPoints(db, cfg, "A1").save([src], set(), {"mail": [INBOX + "42"]}, {})
    assert db.sync_state(cfg, "mail", "A1") == {SENT: "link-7"}  # Inbox had an unread item
    assert db.sync_state(cfg, "mail", "A2") == {}  # other analysis settings: not trusted

    points = SyncPoints(db, cfg, "A1")
    points.hand_out([src])
    assert src.given == {SENT: "link-7"} and points.resumed == {"mail"}

    # A failed walk keeps the old points; a folder that could not be listed loses its own.
    SyncPoints(db, cfg, "A1").save([src], {"mail"}, {}, {})
    assert db.sync_state(cfg, "mail", "A1") == {SENT: "link-7"}
    SyncPoints(db, cfg, "A1").save([src], set(), {}, {"mail": ["mail://x/Sent"]})
    assert db.sync_state(cfg, "mail", "A1") == {INBOX: "link-2"}
    db.close()


def test_a_state_from_before_versioning_is_upgraded(tmp_path: Path) -> None:
    con = sqlite3.connect(tmp_path / "state.sqlite")
    con.execute(
        "CREATE TABLE scans (id TEXT PRIMARY KEY, config_id INTEGER NOT NULL, status TEXT NOT "
        "NULL, mode TEXT NOT NULL, started TEXT NOT NULL, finished TEXT, out_dir TEXT NOT NULL, "
        "config_digest TEXT NOT NULL, counts TEXT)"
    )
    con.execute("INSERT INTO scans VALUES ('s1', 1, 'complete', 'full', 't', NULL, 'o', 'd', NULL)")
    con.commit()
    con.close()
    db = StateDB(tmp_path)
    (version,) = db.con.execute("PRAGMA user_version").fetchone()
    assert version == SCHEMA_VERSION
    columns = {r[1] for r in db.con.execute("PRAGMA table_info(scans)")}
    assert "analysis" in columns
    assert db.con.execute("SELECT id FROM scans").fetchall() == [("s1",)]
    db.save_sync_state(1, "mail", "A1", {INBOX: "x"})
    db.close()
    StateDB(tmp_path).close()  # opening an up-to-date file changes nothing


def test_a_state_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    StateDB(tmp_path).close()
    con = sqlite3.connect(tmp_path / "state.sqlite")
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(NoticeScanError, match="newer than this noticescan knows"):
        StateDB(tmp_path)
