"""What changed between two scans: new and resolved violations, items added, removed, changed.

A nightly scan is only useful if someone learns what is new: the diff compares two scan folders
through their Parquet files (DuckDB anti-joins, so a million-row scan is compared without loading
it into Python). A violation is identified by (kind, store, item_uri, category): the same breach
found again is not new, and one that disappeared (file deleted, data removed, notice extended)
is resolved. A violation in both scans whose review state changed (accepted, marked a false
positive, acceptance expired, item changed since the decision, reopened) is a review change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

from scanner.errors import NoticeScanError

VIOLATION_KEY = ("kind", "store", "item_uri", "category")
VIOLATION_COLS = (*VIOLATION_KEY, "reason", "review")
# A violation in both scans whose review state differs (accepted, expired, reopened ...).
REVIEW_CHANGE_COLS = (*VIOLATION_KEY, "old_review", "new_review", "review_by", "review_why")


@dataclass(frozen=True, slots=True)
class DiffResult:
    """Two scans compared.

    Violation rows are dicts with VIOLATION_COLS; the reason comes from the scan where the row
    exists (the new scan for `new`, the old one for `resolved`).
    """

    old_scan: str
    new_scan: str
    new: list[dict[str, Any]] = field(default_factory=list)
    resolved: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0  # violations present in both
    review_changes: list[dict[str, Any]] = field(default_factory=list)  # REVIEW_CHANGE_COLS
    items_added: int = 0
    items_removed: int = 0
    items_changed: int = 0  # same uri, different content hash

    @property
    def worse(self) -> bool:
        """New violations that count, or reviewed ones that count again (expired, changed)."""
        settled = ("accepted", "false_positive")
        return any(v["review"] not in settled for v in self.new) or any(
            c["old_review"] in settled and c["new_review"] not in settled
            for c in self.review_changes
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form (the `diff --format json` output)."""
        return {
            "old_scan": self.old_scan,
            "new_scan": self.new_scan,
            "new": self.new,
            "resolved": self.resolved,
            "unchanged": self.unchanged,
            "review_changes": self.review_changes,
            "items": {
                "added": self.items_added,
                "removed": self.items_removed,
                "changed": self.items_changed,
            },
        }


def _scan_id(scan_dir: Path) -> str:
    meta = scan_dir / "scan.json"
    try:
        return str(json.loads(meta.read_text(encoding="utf-8"))["scan_id"])
    except (OSError, ValueError, KeyError) as e:
        raise NoticeScanError(
            f"{scan_dir} is not a finished scan folder ({meta.name} is missing or unreadable); "
            "give the folder of a scan, e.g. scans/latest"
        ) from e


def _q(p: Path) -> str:
    return str(p).replace("'", "''")


def _violations(scan_dir: Path) -> Path:
    path = scan_dir / "violations.parquet"
    if not path.exists():
        raise NoticeScanError(
            f"{path} is missing: the notice's rules were not applied to this scan; run "
            f"`noticescan report {scan_dir} --config FILE` to apply them, then diff again"
        )
    return path


def diff_scans(old_dir: Path, new_dir: Path) -> DiffResult:
    """Compare two scan folders (their violations.parquet and items.parquet)."""
    old_id, new_id = _scan_id(old_dir), _scan_id(new_dir)
    con = duckdb.connect()
    for name, folder in (("old_v", old_dir), ("new_v", new_dir)):
        path = _violations(folder)
        # A scan from before review decisions has no review columns: all its rows were open.
        review = "" if "review" in pq.read_schema(path).names else ", 'open' AS review"
        extra = "" if review == "" else ", NULL AS review_by, NULL AS review_why"
        con.execute(
            f"CREATE VIEW {name} AS SELECT *{review}{extra} FROM read_parquet('{_q(path)}')"
        )
    key = " AND ".join(f"a.{c} IS NOT DISTINCT FROM b.{c}" for c in VIOLATION_KEY)
    cols = ", ".join(f"a.{c}" for c in VIOLATION_COLS)
    order = ", ".join(f"a.{c}" for c in VIOLATION_KEY)

    def only_in(a: str, b: str) -> list[dict[str, Any]]:
        rows = con.execute(
            f"SELECT DISTINCT {cols} FROM {a} a WHERE NOT EXISTS "
            f"(SELECT 1 FROM {b} b WHERE {key}) ORDER BY {order}"
        ).fetchall()
        return [dict(zip(VIOLATION_COLS, r, strict=True)) for r in rows]

    both = con.execute(
        f"SELECT count(*) FROM (SELECT DISTINCT {', '.join(VIOLATION_KEY)} FROM new_v) a"
        f" WHERE EXISTS (SELECT 1 FROM old_v b WHERE {key})"
    ).fetchone()
    changes = con.execute(
        f"SELECT DISTINCT {', '.join(f'a.{c}' for c in VIOLATION_KEY)}, b.review, a.review,"
        f" a.review_by, a.review_why FROM new_v a JOIN old_v b ON {key}"
        f" WHERE a.review IS DISTINCT FROM b.review ORDER BY {order}"
    ).fetchall()
    old_i, new_i = str(old_dir / "items.parquet"), str(new_dir / "items.parquet")
    added, removed, changed = con.execute(
        "SELECT count(*) FILTER (WHERE o.uri IS NULL), count(*) FILTER (WHERE n.uri IS NULL), "
        "count(*) FILTER (WHERE o.content_hash IS DISTINCT FROM n.content_hash "
        "AND o.uri IS NOT NULL AND n.uri IS NOT NULL) "
        "FROM (SELECT uri, content_hash FROM read_parquet(?)) o "
        "FULL OUTER JOIN (SELECT uri, content_hash FROM read_parquet(?)) n ON o.uri = n.uri",
        [old_i, new_i],
    ).fetchone() or (0, 0, 0)
    return DiffResult(
        old_scan=old_id,
        new_scan=new_id,
        new=only_in("new_v", "old_v"),
        resolved=only_in("old_v", "new_v"),
        unchanged=int(both[0]) if both else 0,
        review_changes=[dict(zip(REVIEW_CHANGE_COLS, r, strict=True)) for r in changes],
        items_added=int(added),
        items_removed=int(removed),
        items_changed=int(changed),
    )


def previous_scan(out_root: Path, scan_id: str) -> Path | None:
    """The newest complete scan in `out_root` before `scan_id` of the same configuration.

    Scan ids sort by start time. Only folders with a scan.json count (not `latest`, not the
    state folder, not a killed scan's leftovers); "same configuration" is scan.json's
    config_identity when both scans record it.
    """
    current = out_root / scan_id / "scan.json"
    try:
        identity = json.loads(current.read_text(encoding="utf-8")).get("config_identity")
    except (OSError, ValueError):
        identity = None
    best: tuple[str, Path] | None = None
    for meta in out_root.glob("*/scan.json"):
        folder = meta.parent
        if folder.is_symlink() or folder.name >= scan_id:
            continue
        try:
            doc = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if doc.get("status") != "complete":
            continue
        if identity and doc.get("config_identity") not in (None, identity):
            continue
        if best is None or folder.name > best[0]:
            best = (folder.name, folder)
    return best[1] if best else None
