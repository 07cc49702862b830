"""Sync points of change-tracking sources: handed to them before the walk, saved after the scan.

A ChangeTracking source (sources.base) lists only what changed since the sync point the last
complete scan saved: Graph delta links, EWS SyncFolderItems states, IMAP UIDVALIDITY + UIDs.
Those live in the state database next to the items they describe, and are only handed back when
they can be trusted to match it: saved by a complete scan, under the same analysis settings
(otherwise every item must be read again anyway), for a source whose walk did not fail.

A container whose items could not all be read this scan (a dropped connection, a crashed worker)
or whose listing failed is not saved: a sync point past an unread item would never list it
again, so the next scan lists that container in full and reads what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from scanner.state import StateDB
from sources.base import ChangeTracking, Source


class SyncPoints:
    """The sync points of one scan's change-tracking sources."""

    def __init__(self, db: StateDB, config_id: int, analysis: str) -> None:
        self.db = db
        self.config_id = config_id
        self.analysis = analysis
        self.resumed: set[str] = set()  # source ids that were given a saved sync point

    def hand_out(self, sources: Sequence[Source]) -> None:
        """Give every change-tracking source the sync point saved for it (--incremental only)."""
        for src in sources:
            if isinstance(src, ChangeTracking):
                saved = self.db.sync_state(self.config_id, src.id, self.analysis)
                if saved:
                    src.start_from(saved)
                    self.resumed.add(src.id)

    def save(
        self,
        sources: Sequence[Source],
        failed: set[str],
        unread: Mapping[str, Sequence[str]],
        unlisted: Mapping[str, Sequence[str]],
    ) -> None:
        """After a complete scan: store each source's new sync points, minus doubtful ones.

        `failed` are sources whose walk ended in an error (their old points stay); `unread`
        and `unlisted` are, per source, top-level uris whose content or folder could not be
        read this scan.
        """
        for src in sources:
            if not isinstance(src, ChangeTracking) or src.id in failed:
                continue
            doubtful = [*unread.get(src.id, ()), *unlisted.get(src.id, ())]
            state = {
                prefix: value
                for prefix, value in src.sync_state().items()
                if not any(uri.startswith(prefix) or prefix.startswith(uri) for uri in doubtful)
            }
            self.db.save_sync_state(self.config_id, src.id, self.analysis, state)
