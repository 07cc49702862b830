"""Where one person's data is: the lookup behind `noticescan person`, in one scan or in all.

The scan kept a keyed hash of every value it found; the request's values, normalised and hashed
the same way with the same key (reports.subject), are joined against findings.parquet by DuckDB.
findings.parquet carries a bloom filter on `value_hash` per row group (scanner.schema), so the
join reads only the few row groups that may hold a wanted hash: on 10 million findings the lookup
takes a fraction of a second on one core (`python -m bench.person`).

A search with the wrong key would silently find nothing, which would read as "this person's data
is gone". So the scan's key fingerprint (scan.json `hashing`) is checked first, and a scan whose
hashes cannot be checked is an error (one scan) or shown as "not searched" (history), never as
"absent".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from reports.subject import Subject, Wanted
from scanner.errors import NoticeScanError
from scanner.privacy import NORMALISATION_VERSION, Redactor, key_fingerprint, load_key

FOUND, ABSENT, NOT_SEARCHED = "found", "absent", "not searched"
STRONG, WEAK = "strong", "weak"
# One row per finding that holds a wanted value; strength and item_matched_on are per item.
MATCH_COLUMNS = (
    "scan_id",
    "strength",
    "store",
    "source",
    "item_uri",
    "item_name",
    "modified",
    "location",
    "entity_type",
    "category",
    "matched_on",
    "form",
    "evidence_masked",
    "item_matched_on",
)
MATCH_SCHEMA = pa.schema(
    [
        ("scan_id", pa.string()),
        ("strength", pa.string()),
        ("store", pa.string()),
        ("source", pa.string()),
        ("item_uri", pa.string()),
        ("item_name", pa.string()),
        ("modified", pa.timestamp("us", tz="UTC")),
        ("location", pa.string()),
        ("entity_type", pa.string()),
        ("category", pa.string()),
        ("matched_on", pa.string()),
        ("form", pa.string()),
        ("evidence_masked", pa.string()),
        ("item_matched_on", pa.list_(pa.string())),
    ]
)

# Findings holding a wanted hash; then names the model split in two (`Smith` and `John` in
# `Smith, John`), rejoined where the two parts sit one or two characters apart in one location;
# then, per item, how many different given values it holds. A name part alone is never a match.
_SEARCH = """
WITH hits AS (
    SELECT f.item_uri, f.location, f.entity_type, f.category, f.evidence_masked,
           f.start, f."end", w.matched_on, w.form, w.counts, w.part
    FROM read_parquet($findings) f JOIN wanted w ON f.value_hash = w.value_hash
),
pairs AS (
    SELECT a.item_uri, a.location, a.entity_type, a.category,
           a.evidence_masked || CASE WHEN a.part = 'surname' THEN ', ' ELSE ' ' END
               || b.evidence_masked AS evidence_masked,
           a.start, b."end", 'name' AS matched_on,
           CASE WHEN a.part = 'surname' THEN 'surname, forename' ELSE 'forename surname' END
               AS form,
           true AS counts
    FROM hits a JOIN hits b
      ON a.item_uri = b.item_uri AND a.location = b.location
     AND a.part IS NOT NULL AND b.part IS NOT NULL AND a.part <> b.part
     AND b.start - a."end" BETWEEN 1 AND 2
),
matched AS (
    SELECT item_uri, location, entity_type, category, evidence_masked, start, matched_on, form,
           counts
    FROM hits WHERE part IS NULL
    UNION ALL
    SELECT item_uri, location, entity_type, category, evidence_masked, start, matched_on, form,
           counts
    FROM pairs
),
per_item AS (
    SELECT item_uri,
           count(DISTINCT matched_on) FILTER (WHERE counts) AS counted,
           list(DISTINCT matched_on ORDER BY matched_on) AS item_matched_on
    FROM matched GROUP BY item_uri
)
SELECT $scan_id AS scan_id,
       CASE WHEN p.counted >= 2 THEN 'strong' ELSE 'weak' END AS strength,
       i.store, i.source, m.item_uri, i.name AS item_name, i.modified, m.location,
       m.entity_type, m.category, m.matched_on, m.form, m.evidence_masked, p.item_matched_on
FROM matched m
JOIN per_item p USING (item_uri)
LEFT JOIN (SELECT uri, store, source, name, modified FROM read_parquet($items)) i
       ON i.uri = m.item_uri
ORDER BY p.counted >= 2 DESC, i.store, m.item_uri, m.location, m.start, m.matched_on
"""


@dataclass
class ScanSearch:
    """The outcome of looking for one person in one scan."""

    scan_dir: Path
    scan_id: str
    started: str | None
    scan_status: str | None  # scan.json status: complete or interrupted
    outcome: str  # found / absent / not searched
    reason: str | None = None  # why not searched
    matches: list[dict[str, Any]] = field(default_factory=list)

    def items(self, strength: str | None = None) -> list[str]:
        """Distinct item uris with matches (of one strength, when given), in result order."""
        seen = dict.fromkeys(
            m["item_uri"] for m in self.matches if strength is None or m["strength"] == strength
        )
        return list(seen)

    def item_rows(self) -> list[dict[str, Any]]:
        """One row per item, in result order (strong first), with the item's facts."""
        items: dict[str, dict[str, Any]] = {}
        for m in self.matches:
            items.setdefault(
                m["item_uri"],
                {
                    "item_uri": m["item_uri"],
                    "store": m["store"],
                    "source": m["source"],
                    "item_name": m["item_name"],
                    "modified": m["modified"],
                    "strength": m["strength"],
                    "matched_on": m["item_matched_on"],
                },
            )
        return list(items.values())

    def verdict(self) -> str:
        """One line: where the person was found in this scan, that they were not, or why not."""
        if self.outcome == NOT_SEARCHED:
            return f"not searched: {self.reason}"
        if not self.matches:
            return f"not found in scan {self.scan_id}"
        strong, weak = len(self.items(STRONG)), len(self.items(WEAK))
        stores = ", ".join(self.summary()["stores"])
        return (
            f"found in {strong + weak:,} item(s) of scan {self.scan_id}: {strong:,} strong, "
            f"{weak:,} weak; stores: {stores}"
        )

    def summary(self) -> dict[str, Any]:
        """The per-scan facts shown in history and the evidence bundle."""
        return {
            "scan_id": self.scan_id,
            "started": self.started,
            "scan_status": self.scan_status,
            "outcome": self.outcome,
            "reason": self.reason,
            "strong_items": len(self.items(STRONG)),
            "weak_items": len(self.items(WEAK)),
            "stores": sorted({m["store"] or "" for m in self.matches}),
        }


def plain(value: Any) -> Any:
    """A value as CSV, JSON and HTML show it: ISO dates, lists joined with `; `."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return value


def read_meta(scan_dir: Path) -> dict[str, Any]:
    """scan.json of a finished scan folder, or an error naming what to give instead."""
    meta = scan_dir / "scan.json"
    try:
        doc = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise NoticeScanError(
            f"{scan_dir}: not a scan folder (no readable scan.json); give the folder of one scan, "
            "e.g. scans/latest, or OUT with --history"
        ) from e
    if not isinstance(doc, dict):
        raise NoticeScanError(f"{meta}: not a scan.json object; give the folder of one scan")
    return doc


def scan_redactor(scan_dir: Path, meta: dict[str, Any], keys: dict[str, bytes]) -> Redactor:
    """A Redactor holding the key this scan hashed with; NoticeScanError when that is unsure.

    `keys` caches keys by file, so a history of scans under one key reads the file once.
    """
    hashing = meta.get("hashing")
    if not isinstance(hashing, dict) or "key_fingerprint" not in hashing:
        raise NoticeScanError(
            f"{scan_dir}: scan.json records no key fingerprint (the scan predates `noticescan "
            "person`), so a search could not tell a wrong key from an absent person; scan again"
        )
    if hashing.get("normalisation") != NORMALISATION_VERSION:
        raise NoticeScanError(
            f"{scan_dir}: its values were normalised by rules version "
            f"{hashing.get('normalisation')}, this noticescan uses {NORMALISATION_VERSION}, so "
            "the hashes cannot be compared; scan again with this version"
        )
    secret = (meta.get("config") or {}).get("secret_file")
    where = str(secret or "")
    if where not in keys:
        keys[where] = load_key(Path(secret) if secret else None, create=False)
    key = keys[where]
    if key_fingerprint(key) != hashing["key_fingerprint"]:
        raise NoticeScanError(
            f"{scan_dir}: the HMAC key available here (fingerprint {key_fingerprint(key)}) is "
            f"not the one the scan used ({hashing['key_fingerprint']}); with it nothing could "
            "match. Use the scan's key: run where the scan ran, or set NOTICESCAN_HMAC_KEY"
        )
    return Redactor(key)


def search(scan_dir: Path, subject: Subject, keys: dict[str, bytes] | None = None) -> ScanSearch:
    """Look for the subject in one scan; raises NoticeScanError when the scan cannot be searched."""
    meta = read_meta(scan_dir)
    redactor = scan_redactor(scan_dir, meta, {} if keys is None else keys)
    findings, items = scan_dir / "findings.parquet", scan_dir / "items.parquet"
    for path in (findings, items):
        if not path.exists():
            raise NoticeScanError(
                f"{path} is missing: the scan did not finish writing; search another scan"
            )
    scan_id = str(meta.get("scan_id") or scan_dir.name)
    rows = lookup(findings, items, subject.wanted(redactor), scan_id)
    return ScanSearch(
        scan_dir,
        scan_id,
        meta.get("started"),
        meta.get("status"),
        FOUND if rows else ABSENT,
        matches=rows,
    )


def lookup(findings: Path, items: Path, wanted: list[Wanted], scan_id: str) -> list[dict[str, Any]]:
    """Every finding holding a wanted hash, with its item's facts and the item's strength."""
    con = duckdb.connect()
    try:
        con.register(
            "wanted",
            pa.table(
                {
                    "value_hash": [w.value_hash for w in wanted],
                    "matched_on": [w.matched_on for w in wanted],
                    "form": [w.form for w in wanted],
                    "counts": [w.counts for w in wanted],
                    "part": pa.array([w.part for w in wanted], pa.string()),
                }
            ),
        )
        cursor = con.execute(
            _SEARCH, {"findings": str(findings), "items": str(items), "scan_id": scan_id}
        )
        return [dict(zip(MATCH_COLUMNS, r, strict=True)) for r in cursor.fetchall()]
    finally:
        con.close()


def scan_dirs(out_root: Path) -> list[Path]:
    """Every scan folder directly under OUT, oldest first (scan ids sort by start time)."""
    if not out_root.is_dir():
        raise NoticeScanError(f"{out_root}: no such folder; give the scans folder (OUT)")
    found = sorted(
        meta.parent for meta in out_root.glob("*/scan.json") if not meta.parent.is_symlink()
    )
    if not found and (out_root / "scan.json").exists():
        raise NoticeScanError(
            f"{out_root} is one scan; --history wants the folder that holds the scans (its parent)"
        )
    if not found:
        raise NoticeScanError(f"{out_root}: holds no scan folders (none with a scan.json)")
    return found


def history(out_root: Path, subject: Subject) -> list[ScanSearch]:
    """The subject looked for in every scan under OUT; a scan that cannot be searched says why."""
    keys: dict[str, bytes] = {}
    out = []
    for scan_dir in scan_dirs(out_root):
        try:
            out.append(search(scan_dir, subject, keys))
        except NoticeScanError as e:
            meta: dict[str, Any] = {}
            try:
                meta = read_meta(scan_dir)
            except NoticeScanError:
                pass
            out.append(
                ScanSearch(
                    scan_dir,
                    str(meta.get("scan_id") or scan_dir.name),
                    meta.get("started"),
                    meta.get("status"),
                    NOT_SEARCHED,
                    reason=str(e),
                )
            )
    return out
