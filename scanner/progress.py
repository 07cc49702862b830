"""Progress for people and for logs: a live status line on a terminal, plain lines otherwise.

Cron and systemd capture stderr into a log file, where carriage-return redraws become noise, so
when stderr is not a TTY we print one ordinary line every LOG_EVERY_S seconds instead.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from scanner.pipeline import ScanStats

LOG_EVERY_S = 10.0


def describe(stats: ScanStats) -> str:
    """One-line summary: items, MB, items/s, errors, skipped/unsupported, findings."""
    elapsed = max(time.monotonic() - stats.started, 1e-6)
    return (
        f"{stats.items:,} items  {stats.bytes / 1e6:,.1f} MB  "
        f"{stats.items / elapsed:,.1f} items/s  "
        f"{stats.errors:,} errors  {stats.skipped:,} skipped  {stats.findings:,} findings"
    )


class ProgressDisplay:
    """Callable passed to run_scan; chooses live or log-line output from the stream."""

    def __init__(self, stream: TextIO = sys.stderr, live: bool | None = None) -> None:
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self._last_log = time.monotonic()

    def __call__(self, stats: ScanStats, final: bool) -> None:
        """Redraw (TTY) or log (not a TTY)."""
        line = describe(stats)
        if self.live:
            self.stream.write(
                f"\r\x1b[K{'scanned' if final else 'scanning'}: {line}" + ("\n" if final else "")
            )
            self.stream.flush()
        elif final or time.monotonic() - self._last_log >= LOG_EVERY_S:
            self._last_log = time.monotonic()
            self.stream.write(f"{'done' if final else 'progress'}: {line}\n")
            self.stream.flush()
