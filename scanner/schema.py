"""Parquet schemas (a public interface, documented in docs/schema.md) and streaming writers.

Rows are buffered and written as row groups while the scan runs, into `NAME.parquet.partial`;
`publish()` renames to the final name only once the file is complete and closed, so a killed scan
never leaves a half-written file under a name a reader trusts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from scanner.models import Finding, Item, ItemResult

ITEMS_SCHEMA = pa.schema(
    [
        ("uri", pa.string()),
        ("parent_uri", pa.string()),
        ("source", pa.string()),
        ("store", pa.string()),
        ("name", pa.string()),
        ("size", pa.int64()),
        ("modified", pa.timestamp("us", tz="UTC")),
        ("owner", pa.string()),
        ("readers", pa.list_(pa.string())),
        ("location", pa.string()),
        ("metadata", pa.string()),
        ("status", pa.string()),
        ("error", pa.string()),
        ("extractor", pa.string()),
        ("bytes_read", pa.int64()),
        ("chars_extracted", pa.int64()),
        ("content_hash", pa.string()),
        ("finding_count", pa.int32()),
        ("read_s", pa.float32()),
        ("extract_s", pa.float32()),
        ("detect_s", pa.float32()),
        # True: the item's source or folder could not be reached by this scan; the row and its
        # findings are the last known ones (scanner.unreachable), not re-verified.
        ("unreachable", pa.bool_()),
    ]
)

FINDINGS_SCHEMA = pa.schema(
    [
        ("item_uri", pa.string()),
        ("location", pa.string()),
        ("entity_type", pa.string()),
        ("category", pa.string()),
        ("score", pa.float32()),
        ("detector", pa.string()),
        ("evidence_masked", pa.string()),
        ("value_hash", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("reason", pa.string()),
    ]
)

# Parquet bloom filters on the columns looked up by value rather than scanned: a reader asking
# for a few hashes (`noticescan person`) or uris skips every row group whose filter says "not
# here". Row-group min/max statistics cannot do that: hashes are random and rows arrive in scan
# order, so every group spans the whole range. About 12 KB per 10,000-row group.
FINDINGS_BLOOM = ("value_hash",)
ITEMS_BLOOM = ("uri",)

# One row per (kind, store, item, category): an item holding three undeclared categories is three
# rows, so the store x category table and "which items break which rule" are both plain GROUP BYs.
VIOLATIONS_SCHEMA = pa.schema(
    [
        ("kind", pa.string()),
        ("store", pa.string()),
        ("item_uri", pa.string()),
        ("category", pa.string()),
        ("reason", pa.string()),
        ("store_name", pa.string()),
        ("source", pa.string()),
        ("item_name", pa.string()),
        ("entity_types", pa.list_(pa.string())),
        ("finding_count", pa.int32()),
        ("detail", pa.string()),
        ("severity", pa.string()),
        ("action", pa.string()),
        ("notice_quote", pa.string()),
        ("folder", pa.string()),
    ]
)

# Appended to violations.parquet by the review step (reports/review.py): the reviewer's decision
# on each violation. A separate list so the notice's rules and the decisions stay apart.
REVIEW_FIELDS = (
    pa.field("review", pa.string()),
    pa.field("review_by", pa.string()),
    pa.field("review_why", pa.string()),
    pa.field("review_until", pa.date32()),
    pa.field("review_decided", pa.date32()),
)

# The store x category table: what the notice declares against what was found, one row per cell
# that is declared or holds findings.
SUMMARY_SCHEMA = pa.schema(
    [
        ("store", pa.string()),
        ("store_name", pa.string()),
        ("store_declared", pa.bool_()),
        ("category", pa.string()),
        ("declared", pa.bool_()),
        ("items", pa.int64()),
        ("findings", pa.int64()),
        ("violation_items", pa.int64()),
    ]
)


def item_row(result: ItemResult) -> dict[str, Any]:
    """One items.parquet row; metadata is JSON (values already masked by the pipeline)."""
    item = result.item
    return {
        "uri": item.uri,
        "source": item.source,
        **listing_columns(item),
        "status": str(result.status),
        "error": result.message,
        "extractor": result.extractor,
        "bytes_read": result.bytes_read,
        "chars_extracted": result.chars_extracted,
        "content_hash": result.content_hash,
        "finding_count": len(result.findings),
        "read_s": result.read_s,
        "extract_s": result.extract_s,
        "detect_s": result.detect_s,
        "unreachable": False,
    }


def listing_columns(item: Item) -> dict[str, Any]:
    """The items.parquet columns a source's listing decides (the rest come from reading).

    Shared by fresh rows and rows an incremental scan carries forward, which take these from
    the current walk: a chmod or a changed store mapping alters no content.
    """
    return {
        "parent_uri": item.parent_uri,
        "store": item.store,
        "name": item.name,
        "size": item.size,
        "modified": item.modified,
        "owner": item.owner,
        "readers": list(item.readers) if item.readers is not None else None,
        "location": item.location,
        "metadata": json.dumps(item.metadata, sort_keys=True) if item.metadata else None,
    }


def finding_row(f: Finding) -> dict[str, Any]:
    """One findings.parquet row."""
    return {
        "item_uri": f.item_uri,
        "location": f.location,
        "entity_type": f.entity_type,
        "category": f.category,
        "score": f.score,
        "detector": f.detector,
        "evidence_masked": f.evidence_masked,
        "value_hash": f.value_hash,
        "start": f.start,
        "end": f.end,
        "reason": f.reason,
    }


class RowWriter:
    """Buffers dict rows and writes them as Parquet row groups to a `.partial` file."""

    def __init__(
        self,
        path: Path,
        schema: pa.Schema,
        row_group_rows: int = 10_000,
        bloom: tuple[str, ...] = (),
    ) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self.schema = schema
        self.row_group_rows = row_group_rows
        self.rows: list[dict[str, Any]] = []
        self.count = 0
        # Sized for one row group of distinct values at a 1% false-positive rate.
        filters = {c: {"ndv": row_group_rows, "fpp": 0.01} for c in bloom}
        self._writer = pq.ParquetWriter(
            self.partial, schema, compression="zstd", bloom_filter_options=filters or None
        )

    def write(self, row: dict[str, Any]) -> None:
        """Add one row; flushes a row group when the buffer is full."""
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= self.row_group_rows:
            self.flush()

    def write_many(self, rows: Iterable[dict[str, Any]]) -> None:
        """Add several rows."""
        for row in rows:
            self.write(row)

    def write_batch(self, batch: pa.RecordBatch) -> None:
        """Write a ready Arrow batch (columns named and ordered as the schema) as a row group.

        For producers that already hold columns (DuckDB results): no per-row Python work.
        """
        self.flush()
        table = pa.Table.from_batches([batch]).cast(self.schema)
        self._writer.write_table(table, row_group_size=self.row_group_rows)
        self.count += batch.num_rows

    def flush(self) -> None:
        """Write buffered rows as one row group."""
        if self.rows:
            self._writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def publish(self) -> Path:
        """Close the file and atomically move it to its final name."""
        self.flush()
        self._writer.close()
        os.replace(self.partial, self.path)
        return self.path

    def abandon(self) -> None:
        """Close and delete the partial file (used when nothing valid can be published)."""
        self._writer.close()
        self.partial.unlink(missing_ok=True)


def write_table(path: Path, schema: pa.Schema, rows: Iterable[dict[str, Any]]) -> Path:
    """Write a whole (small) table atomically."""
    writer = RowWriter(path, schema)
    writer.write_many(rows)
    return writer.publish()
