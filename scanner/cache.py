"""Files that spare every worker a rebuild at start: the pattern scout's compiled database.

A scan starts a fresh process per worker, and each would compile the same Hyperscan database
(detectors/scout.py, about 4.5 seconds) before reading its first item. The compiled bytes are
kept in the user's cache directory instead (`$XDG_CACHE_HOME/noticescan`, else
`~/.cache/noticescan`), where deleting them only costs the next start the compile. A file is
written whole or not at all (another worker may be reading it), and only the few most recently
used are kept: another version's or another configuration's patterns have their own.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

KEPT = 4  # files: one per recent set of patterns (configurations with custom detectors differ)


def cache_dir() -> Path:
    """`$XDG_CACHE_HOME/noticescan`, else `~/.cache/noticescan`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "noticescan"


class FileCache:
    """A detectors.scout.Store over files in the cache directory."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or cache_dir()

    def get(self, name: str) -> bytes | None:
        """The file's bytes, or None; reading it marks it recently used."""
        path = self.root / name
        try:
            data = path.read_bytes()
        except OSError:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)
        return data

    def put(self, name: str, data: bytes) -> None:
        """Write the file whole (atomically), then evict all but the KEPT most recent."""
        path = self.root / name
        part = path.with_name(f"{name}.{os.getpid()}.part")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            part.write_bytes(data)
            os.replace(part, path)
        except OSError as e:
            log.info(
                "cannot keep %s in %s (the next start compiles it again): %s", name, self.root, e
            )
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)
            return
        with contextlib.suppress(OSError):  # another worker may be evicting at the same time
            held = sorted(self.root.glob("scout-*.hsdb"), key=lambda p: p.stat().st_mtime)
            for old in held[:-KEPT]:
                old.unlink(missing_ok=True)
