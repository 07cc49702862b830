"""The scan's log for unattended runs (cron, systemd): events as text lines or JSON lines.

A nightly scan is read the next morning, or by a log shipper, not watched: so `--log-file`
appends one line per event (start, progress every LOG_EVERY_S seconds, warnings, the summary)
to a file, and `--log-format json` makes each line a JSON object with `ts`, `level`, `event`
and the event's fields at the top level, for jq, journald or a SIEM. Modules log through stdlib
`logging` (a source's reconnect, for one); while a RunLog is open, a handler on our packages'
loggers writes their records into it as `log` events, so there is one log, not two. The file is
opened in append mode and flushed per line, so logrotate's copytruncate and a kill at any moment
leave whole lines.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from scanner.errors import ConfigError
from scanner.stats import ScanStats

LOG_EVERY_S = 10.0
# The loggers whose records belong in the run log: our own packages' (`sources.imap`, ...).
PACKAGES = ("scanner", "sources", "detectors", "reports")


class RunLog:
    """Writes events to a file (or stderr) as `text` or `json` lines."""

    def __init__(self, path: Path | None, fmt: str = "text") -> None:
        self.fmt = fmt
        if path is None:
            self.stream: TextIO = sys.stderr
            self._own = False
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.stream = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115
            except OSError as e:
                raise ConfigError(
                    "--log-file",
                    f"{path} cannot be opened for appending ({e.strerror})",
                    "create the folder or choose a writable path",
                ) from e
            self._own = True
        self._handler = _Records(self)
        for name in PACKAGES:
            logging.getLogger(name).addHandler(self._handler)

    def event(self, event: str, level: str = "info", **fields: Any) -> None:
        """Write one event line."""
        ts = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        if self.fmt == "json":
            line = json.dumps({"ts": ts, "level": level, "event": event, **fields}, default=str)
        else:
            parts = " ".join(f"{k}={_text(v)}" for k, v in fields.items())
            line = f"{ts} {level.upper()} {event}" + (f" {parts}" if parts else "")
        self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Stop taking log records; close the file (not stderr)."""
        for name in PACKAGES:
            logging.getLogger(name).removeHandler(self._handler)
        if self._own:
            self.stream.close()


class _Records(logging.Handler):
    """A stdlib logging record as one `log` event of the run log (level, logger, message)."""

    def __init__(self, log: RunLog) -> None:
        super().__init__(logging.INFO)
        self.log = log

    def emit(self, record: logging.LogRecord) -> None:
        """Write the record; a record that cannot be formatted goes to logging's own handler."""
        try:
            level = "error" if record.levelno >= logging.ERROR else record.levelname.lower()
            self.log.event("log", level, logger=record.name, message=record.getMessage())
        except Exception:  # noqa: BLE001 - logging must never end the scan
            self.handleError(record)


def _text(v: Any) -> str:
    s = json.dumps(v, default=str) if not isinstance(v, str) else v
    return json.dumps(s) if (" " in s or not s) else s


def stats_fields(stats: ScanStats) -> dict[str, Any]:
    """The progress/summary figures as log fields."""
    elapsed = max(time.monotonic() - stats.started, 1e-6)
    return {
        "items": stats.items,
        "carried": stats.carried,
        "bytes": stats.bytes,
        "findings": stats.findings,
        "errors": stats.errors,
        "skipped": stats.skipped,
        "items_per_s": round(stats.items / elapsed, 1),
        "elapsed_s": round(elapsed, 1),
    }


class LogProgress:
    """A run_scan progress callable that logs a `progress` event every LOG_EVERY_S seconds."""

    def __init__(self, log: RunLog) -> None:
        self.log = log
        self._last = time.monotonic()

    def __call__(self, stats: ScanStats, final: bool) -> None:
        """Log progress now and then; the final figures are logged by the caller's summary."""
        if not final and time.monotonic() - self._last >= LOG_EVERY_S:
            self._last = time.monotonic()
            self.log.event("progress", **stats_fields(stats))
