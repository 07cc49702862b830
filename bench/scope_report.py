"""Benchmark: the notice's rules and the HTML report over a synthetic scan of N items.

    python -m bench.scope_report [--items 1000000] [--findings-per-item 3] [--decisions 10000]

Writes items.parquet and findings.parquet (vectorised, not row by row), then times
`reports.scope.evaluate` and `reports.html.render` and prints rows, seconds, rows/s, peak RSS
and output sizes. A quarter of the items sit in an undeclared store, a tenth are old, some are
world-readable or abroad, so every rule produces rows at scale. With --decisions N, the rules
run again with a review file of N acceptances and N false-positive marks (reports/review.py),
and both times are printed side by side.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reports import decisions, html, scope  # noqa: E402
from reports.scope import VIOLATIONS_FILE as VIOLATIONS  # noqa: E402
from scanner import config as config_mod  # noqa: E402
from scanner.schema import FINDINGS_SCHEMA, ITEMS_SCHEMA  # noqa: E402

CATS = ["name", "contact", "address", "billing", "payment_card", "special_category"]
STORES = [
    {
        "id": "accounts",
        "categories": ["name", "contact", "address", "billing"],
        "retention_years": 7,
        "locations": ["EU", "UK"],
        "readers": ["finance"],
    },
    {"id": "backups", "categories": ["name", "contact"], "encrypted": True},
]


def make_scan(scan_dir: Path, n: int, per_item: int) -> None:
    rng = np.random.default_rng(1)
    uris = pa.array([f"/srv/share/dir{i % 1000}/file{i}.docx" for i in range(n)])
    store = rng.choice(["accounts", "backups", "undeclared", "accounts"], n)
    years = np.where(rng.random(n) < 0.1, 2012, 2024)
    modified = pa.array(
        [datetime(int(y), 1, 1, tzinfo=UTC) for y in years], pa.timestamp("us", tz="UTC")
    )
    readers_pick = rng.choice(4, n)
    readers_opts = [["FLOTECH\\finance"], ["Everyone"], None, ["FLOTECH\\bob", "finance"]]
    cols = {name: pa.nulls(n, ITEMS_SCHEMA.field(name).type) for name in ITEMS_SCHEMA.names}
    cols.update(
        uri=uris,
        source=pa.array(["share"] * n),
        store=pa.array(store),
        name=pa.array([f"file{i}.docx" for i in range(n)]),
        modified=modified,
        location=pa.array(rng.choice(["UK", "DE", "US"], n, p=[0.7, 0.2, 0.1])),
        readers=pa.array([readers_opts[k] for k in readers_pick], pa.list_(pa.string())),
        status=pa.array(["ok"] * n),
        finding_count=pa.array(np.full(n, per_item, np.int32)),
    )
    pq.write_table(pa.table(cols, schema=ITEMS_SCHEMA), scan_dir / "items.parquet")
    m = n * per_item
    cats = rng.choice(CATS, m, p=[0.35, 0.3, 0.2, 0.1, 0.03, 0.02])
    fcols = {
        "item_uri": uris.take(pa.array(np.repeat(np.arange(n), per_item))),
        "location": pa.array(["line 1"] * m),
        "entity_type": pa.array(np.char.upper(cats.astype(str))),
        "category": pa.array(cats),
        "score": pa.array(np.full(m, 0.9, np.float32)),
        "detector": pa.array(["bench"] * m),
        "evidence_masked": pa.array(["J*** S****"] * m),
        "value_hash": pa.array([f"{i:064x}" for i in range(m)]),
        "start": pa.array(np.zeros(m, np.int32)),
        "end": pa.array(np.full(m, 10, np.int32)),
        "reason": pa.array(["bench: shape bench"] * m),
    }
    pq.write_table(pa.table(fcols, schema=FINDINGS_SCHEMA), scan_dir / "findings.parquet")
    (scan_dir / "scan.json").write_text(
        json.dumps({"scan_id": "bench", "started": "2025-06-01T00:00:00+00:00"})
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=1_000_000)
    ap.add_argument("--findings-per-item", type=int, default=3)
    ap.add_argument("--decisions", type=int, default=0, help="also time N+N review decisions")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scan_dir = Path(tmp) / "scan"
        scan_dir.mkdir()
        t = time.perf_counter()
        make_scan(scan_dir, args.items, args.findings_per_item)
        print(
            f"synthetic scan: {args.items:,} items,"
            f" {args.items * args.findings_per_item:,} findings"
            f" written in {time.perf_counter() - t:.1f} s"
        )
        cfg = config_mod.from_dict({"store": STORES}, Path(tmp))
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t = time.perf_counter()
        result = scope.evaluate(scan_dir, cfg)
        dt = time.perf_counter() - t
        rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"scope.evaluate: {dt:.1f} s, {result.violations:,} violation rows "
            f"({result.violations / dt:,.0f} rows/s),"
            f" {result.items_with_findings:,} items with findings"
        )
        print(f"  by kind: {result.by_kind}")
        print(
            f"  peak RSS before/after: {rss0:,.0f} / {rss1:,.0f} MiB;"
            f" violations.parquet {(scan_dir / VIOLATIONS).stat().st_size / 2**20:.1f} MiB"
        )
        if args.decisions:
            with_decisions(scan_dir, Path(tmp), args.decisions, dt)
        t = time.perf_counter()
        out = html.render(scan_dir)
        dt = time.perf_counter() - t
        rss2 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"html.render: {dt:.1f} s, report.html {out.stat().st_size / 2**20:.1f} MiB,"
            f" peak RSS {rss2:,.0f} MiB"
        )


def with_decisions(scan_dir: Path, tmp: Path, n: int, before: float) -> None:
    """Evaluate again with n acceptances and n false-positive marks; print both times."""
    import duckdb

    v = duckdb.sql(
        f"SELECT kind, store, item_uri, category FROM '{scan_dir / VIOLATIONS}' LIMIT {n}"
    ).fetchall()
    f = duckdb.sql(
        f"SELECT item_uri, category, value_hash, location FROM '{scan_dir}/findings.parquet'"
        f" ORDER BY item_uri DESC LIMIT {n}"
    ).fetchall()
    day = datetime(2025, 1, 1).date()
    made = [decisions.Decision("accept", s, i, c, "b", "b", day, kind=k) for k, s, i, c in v]
    made += [
        decisions.Decision("false_positive", "x", i, c, "b", "b", day, finding=h, location=loc)
        for i, c, h, loc in f
    ]
    review = tmp / "bench.review.toml"
    decisions.save(review, made)
    cfg = config_mod.from_dict({"scan": {"review_file": str(review)}, "store": STORES}, tmp)
    t = time.perf_counter()
    result = scope.evaluate(scan_dir, cfg)
    dt = time.perf_counter() - t
    print(
        f"scope.evaluate with {len(v):,} acceptances + {len(f):,} false-positive marks: {dt:.1f} s"
        f" (without: {before:.1f} s); review states {result.by_review}"
    )


if __name__ == "__main__":
    main()
