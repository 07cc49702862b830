"""`noticescan person` on 10 million findings: how long one data-subject lookup takes on one core.

Target (issue 17): under 2 s on one core. The process pins itself to one CPU before DuckDB
starts, so DuckDB's threads share that core. What is timed is `reports.person_search.search()`,
everything the command does for one scan after parsing its options: read scan.json, check the
key fingerprint, hash the request's values (7 values, 11 hashes with the name's forms), the
DuckDB hash join against findings.parquet, and the join to items.parquet for store, source and
date.

The scan is synthetic but written the way a scan writes it: the real RowWriter (10,000-row row
groups, zstd, bloom filters on `findings.value_hash` and `items.uri`), about 7 findings per item,
value hashes drawn from 2 million distinct values (so values repeat across items as names and
e-mail addresses do), and one person planted in 6 items. The same findings are then copied
without bloom filters and searched again, side by side, to show what the filters buy.

    .venv/bin/python -m bench.person [--findings 10000000] [--repeat 5]

The files are cached under bench/.cache/person/ (about 500 MB for 10 million findings), keyed
by the row count; the first run spends about a minute writing them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CACHE = Path(__file__).resolve().parent / ".cache" / "person"
KEY = "bench-person-key-0123456789abcdef"
PER_ITEM = 7
VALUES = {
    "name": "Zoë Kowalczyk",
    "email": "zoe.kowalczyk@example.org",
    "phone": "07700 900461",
    "nino": "JT 48 29 17 C",
    "dob": "1988-07-14",
    "iban": "GB82 WEST 1234 5698 7654 32",
    "postcode": "LS6 2QT",
}
# (where, as a fraction of the items; option; index of the name's form: 0 `Forename Surname`,
# 1 `Surname, Forename`, 2 `F. Surname`) of each planted finding: 6 items, 4 of them strong.
PLANTED = [
    (0.001, "name", 0),
    (0.001, "email", 0),
    (0.17, "name", 1),
    (0.17, "nino", 0),
    (0.17, "dob", 0),
    (0.49, "phone", 0),
    (0.49, "postcode", 0),
    (0.63, "name", 2),
    (0.84, "iban", 0),
    (0.98, "email", 0),
    (0.98, "phone", 0),
]


def pin_one_core() -> int:
    """Run on one CPU (before DuckDB starts its threads); returns that CPU's number."""
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def build(scan_dir: Path, findings: int) -> None:
    """Write items.parquet, findings.parquet and scan.json (skipped when already cached)."""
    import duckdb
    import pyarrow as pa

    from reports.subject import subject
    from scanner.privacy import Redactor, hashing_facts
    from scanner.schema import (
        FINDINGS_BLOOM,
        FINDINGS_SCHEMA,
        ITEMS_BLOOM,
        ITEMS_SCHEMA,
        RowWriter,
    )

    marker = scan_dir / "scan.json"
    if marker.exists() and json.loads(marker.read_text())["counts"]["findings"] == findings:
        return
    scan_dir.mkdir(parents=True, exist_ok=True)
    items = findings // PER_ITEM
    wanted = subject(**VALUES).wanted(Redactor(KEY.encode()))
    by_option: dict[str, list[str]] = {}
    for w in wanted:
        if w.part is None:
            by_option.setdefault(w.matched_on, []).append(w.value_hash)
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE planted AS SELECT * FROM (VALUES "
        + ", ".join(
            f"({int(where * items) * PER_ITEM + n}, '{by_option[opt][form]}')"
            for n, (where, opt, form) in enumerate(PLANTED)
        )
        + ") t(i, value_hash)"
    )
    entity = "['PERSON','EMAIL_ADDRESS','PHONE_NUMBER','UK_POSTCODE','DATE_OF_BIRTH']"
    category = "['name','contact','contact','address','date_of_birth']"
    started = time.perf_counter()
    rel = con.sql(
        f"""SELECT {_uri(f"(i // {PER_ITEM})")} AS item_uri, 'line ' || (i % 300 + 1) AS location,
                  {entity}[i % 5 + 1] AS entity_type, {category}[i % 5 + 1] AS category,
                  0.85::FLOAT AS score, 'bench' AS detector, 'J*** S****' AS evidence_masked,
                  coalesce(p.value_hash, sha256((hash(i) % 2000000)::VARCHAR)) AS value_hash,
                  0 AS start, 10 AS "end"
           FROM range({items * PER_ITEM}) t(i) LEFT JOIN planted p USING (i) ORDER BY i"""
    )
    writer = RowWriter(scan_dir / "findings.parquet", FINDINGS_SCHEMA, bloom=FINDINGS_BLOOM)
    for batch in rel.to_arrow_reader(10_000):
        writer.write_batch(batch)
    writer.publish()
    rel = con.sql(
        f"""SELECT {_uri("n")} AS uri, 'share' AS source, 'doc-' || n AS name,
                  ['hr','crm','finance','undeclared'][n % 4 + 1] AS store,
                  TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_seconds(n) AS modified,
                  'ok' AS status, {PER_ITEM} AS finding_count
           FROM range({items}) t(n)"""
    )
    writer = RowWriter(scan_dir / "items.parquet", ITEMS_SCHEMA, bloom=ITEMS_BLOOM)
    for batch in rel.to_arrow_reader(10_000):
        have = set(batch.schema.names)
        cols = [
            batch.column(f.name).cast(f.type) if f.name in have else pa.nulls(len(batch), f.type)
            for f in ITEMS_SCHEMA
        ]
        writer.write_batch(pa.RecordBatch.from_arrays(cols, schema=ITEMS_SCHEMA))
    writer.publish()
    meta = {
        "scan_id": "bench-person",
        "status": "complete",
        "started": "2026-01-01T00:00:00+00:00",
        "counts": {"findings": findings, "items": items},
        "config": {"secret_file": None},
        "hashing": hashing_facts(KEY.encode()),
    }
    marker.write_text(json.dumps(meta), encoding="utf-8")
    took = time.perf_counter() - started
    print(f"wrote {items * PER_ITEM:,} findings, {items:,} items in {took:.0f} s")


def _uri(n: str) -> str:
    """SQL for item number `n`'s uri: 50 departments, about 1,000 folders, one file each."""
    folder = f"'/srv/share/dept' || ({n} % 50) || '/folder' || ({n} // 1000 % 997)"
    return f"{folder} || '/doc-' || {n} || '.docx'"


def without_bloom(scan_dir: Path, plain_dir: Path) -> None:
    """The same scan with no bloom filters (same row groups), for the side-by-side figure."""
    import pyarrow.parquet as pq

    plain_dir.mkdir(parents=True, exist_ok=True)
    for name in ("findings.parquet", "items.parquet"):
        target = plain_dir / name
        if target.exists() and target.stat().st_mtime >= (scan_dir / name).stat().st_mtime:
            continue
        src = pq.ParquetFile(scan_dir / name)
        with pq.ParquetWriter(target, src.schema_arrow, compression="zstd") as writer:
            for i in range(src.num_row_groups):
                writer.write_table(src.read_row_group(i))
    (plain_dir / "scan.json").write_text((scan_dir / "scan.json").read_text(), encoding="utf-8")


def timed(scan_dir: Path, repeat: int) -> tuple[list[float], int, int]:
    """Seconds per search (first = cold start of DuckDB in this process), rows, strong items."""
    from reports.person_search import STRONG, search
    from reports.subject import subject

    wanted = subject(**VALUES)
    times, rows, strong = [], 0, 0
    for _ in range(repeat):
        t = time.perf_counter()
        found = search(scan_dir, wanted)
        times.append(time.perf_counter() - t)
        rows, strong = len(found.matches), len(found.items(STRONG))
    return times, rows, strong


def main() -> int:
    """Build (or reuse) the synthetic scan and print the lookup figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--findings", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ["NOTICESCAN_HMAC_KEY"] = KEY
    cpu = pin_one_core()
    scan_dir = CACHE / f"{args.findings}" / "bloom"
    build(scan_dir, args.findings)
    without_bloom(scan_dir, scan_dir.parent / "plain")
    size = (scan_dir / "findings.parquet").stat().st_size / 1e6
    plain_size = (scan_dir.parent / "plain" / "findings.parquet").stat().st_size / 1e6
    rows = args.findings // PER_ITEM * PER_ITEM
    print(f"findings: {rows:,} rows; one core (CPU {cpu}); {args.repeat} searches each")
    print(f"{'layout':<34} {'file MB':>8} {'first s':>8} {'median s':>9} {'rows':>5} {'strong':>6}")
    for label, folder, mb in (
        ("as written (bloom on value_hash)", scan_dir, size),
        ("same rows, no bloom filters", scan_dir.parent / "plain", plain_size),
    ):
        times, rows, strong = timed(folder, args.repeat)
        print(
            f"{label:<34} {mb:>8.0f} {times[0]:>8.3f} {statistics.median(times):>9.3f} "
            f"{rows:>5} {strong:>6}"
        )
    print("target: under 2 s on one core (issue 17)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
