"""Carry a listing's unchanged files forward in bulk, from the previous scan's Parquet files.

Reading the stored rows of 100k unchanged files back out of SQLite, one Python tuple at a time,
cost several times the directory walk. The previous scan of the same configuration wrote exactly
those rows to its items.parquet and findings.parquet, so an unchanged re-scan reads them as Arrow
tables once and copies the matching rows with `is_in`/`take`, chunk by chunk, without a Python
object per row.

That is only right when those files say what the state says. They do when the previous scan is
the last scan of this configuration before the current one (nothing changed the state since),
it finished (complete, or incomplete: what it could not reach it copied from the state), it ran
under the same analysis settings, and its files are still there and in the
current schema; otherwise `load` returns None and everything goes the per-item way through the
state. (A resumed scan's own earlier groups are skipped, never carried, so they do not count.)
For every group the previous scan wrote, its rows equal the state's: it either read the group and
stored those rows, or carried the state's rows. A file it does not hold (a source that failed
then, a folder that could not be listed) is looked up in the state as before.

The previous tables are held in memory for the scan (about 260 bytes an item, Arrow buffers).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from scanner.schema import FINDINGS_SCHEMA, ITEMS_SCHEMA
from sources.listing import Listing, int64_array


@dataclass
class Decision:
    """What to do with each file of a listing, as index lists into it."""

    carry: pa.Table  # items.parquet rows of the carried groups (listing facts from this walk)
    findings: pa.Table  # their findings
    scan: list[int] = field(default_factory=list)  # known to the previous scan, changed
    unknown: list[int] = field(default_factory=list)  # not in the previous scan: ask the state


class _SourceRows:
    """The previous scan's rows of one source: the top-level rows to match, the nested ones."""

    def __init__(self, items: pa.Table, tops: pa.Array, findings: pa.Table) -> None:
        head = pc.is_null(items["parent_uri"])
        rows = _arange(0, items.num_rows)
        self.items = items
        heads = items if not pc.any(pc.invert(head)).as_py() else items.filter(head)
        self.heads = pa.table(
            {
                "uri": heads["uri"],
                "row": rows.filter(head),
                "size": heads["size"],
                "modified": heads["modified"].cast(pa.int64()),
                # Never read (access denied, a dropped connection, a crashed worker): may not
                # recur, and nothing about the content is known; read again (as Baseline).
                "retry": pc.fill_null(
                    pc.and_(pc.equal(heads["status"], "error"), pc.is_null(heads["content_hash"])),
                    False,
                ),
                "at": _arange(0, heads.num_rows),
            }
        ).combine_chunks()
        nested = pc.invert(head)
        self.nested_rows = rows.filter(nested)
        self.nested_tops = tops.filter(nested)
        self.findings = findings
        self.cursor = 0  # where the next chunk is expected among the heads (see decide)


class PreviousScan:
    """The previous scan's items and findings, split by source, ready for bulk look-ups."""

    def __init__(self, items: pa.Table, findings: pa.Table) -> None:
        tops, f_tops = _top_uris(items, findings)
        findings = findings.append_column("top", f_tops)
        sources = pc.unique(items["source"]).to_pylist()
        self.by_source: dict[str, _SourceRows] = {}
        if len(sources) == 1:  # the usual case: no copy
            self.by_source[sources[0]] = _SourceRows(items, tops, findings)
            return
        # Findings name their item by uri only (unique across sources, checked by load).
        f_source = pc.take(items["source"], pc.index_in(findings["item_uri"], items["uri"]))
        for source in sources:
            mine = pc.equal(items["source"], source)
            f_mine = pc.fill_null(pc.equal(f_source, source), False)
            self.by_source[source] = _SourceRows(
                items.filter(mine), tops.filter(mine), findings.filter(f_mine)
            )

    @classmethod
    def load_soon(cls, out_dir: Path) -> Future[PreviousScan | None]:
        """Start `load` on a thread: Parquet decoding releases the GIL, so it overlaps the walk."""
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="previous-scan")
        future = pool.submit(cls.load, out_dir)
        pool.shutdown(wait=False)
        return future

    @classmethod
    def load(cls, out_dir: Path) -> PreviousScan | None:
        """The previous scan's tables, or None when they cannot be trusted or read."""
        try:
            items = pq.read_table(out_dir / "items.parquet")
            findings = pq.read_table(out_dir / "findings.parquet")
        except (OSError, pa.ArrowException):
            return None  # deleted by retention, or damaged: the state is the fallback
        if not (items.schema.equals(ITEMS_SCHEMA) and findings.schema.equals(FINDINGS_SCHEMA)):
            return None  # written by another version
        if _ambiguous(items):
            return None
        return cls(items, findings)

    def decide(
        self, chunk: Listing, uris: pa.Array, carry: bool, skip: pa.Array | None
    ) -> Decision:
        """Split a listing into carried groups (their rows), files to scan, files to look up.

        `uris` is the chunk's uris as Arrow; `carry` False (a resumed full scan) carries
        nothing; `skip` holds uris this scan completed before it was interrupted (replayed).
        """
        n = len(chunk)
        prev = self.by_source.get(chunk.source)
        if prev is None:
            return Decision(_empty(ITEMS_SCHEMA), _empty(FINDINGS_SCHEMA), [], list(range(n)))
        cand, pos = _match(prev, uris)
        known = pa.repeat(True, n) if pos is None else pc.is_valid(pos)

        def at(name: str) -> pa.Array:
            col = cand[name].combine_chunks()
            return col if pos is None else pc.take(col, pos)

        sizes = pa.array(chunk.sizes, pa.int64())
        modified = chunk.modified_micros()
        same = pc.and_(
            pc.and_(pc.equal(at("size"), sizes), pc.equal(at("modified"), modified)),
            pc.invert(at("retry")),
        )
        keep = pc.fill_null(same, False) if carry else pa.repeat(False, n)
        done = pa.repeat(False, n)
        if skip is not None and len(skip):
            done = pc.is_in(uris, value_set=skip)
            keep = pc.and_(keep, pc.invert(done))
        rest = pc.invert(pc.or_(keep, done))
        scan = pc.indices_nonzero(pc.and_(rest, known)).to_pylist()
        unknown = pc.indices_nonzero(pc.and_(rest, pc.invert(known))).to_pylist()
        kept = pc.indices_nonzero(keep)
        whole = len(kept) == n  # nothing changed: the chunk's columns as they are, no take

        def fresh(values: pa.Array) -> pa.Array:
            return values if whole else pc.take(values, kept)

        carried = fresh(uris)
        owners = fresh(pa.array(chunk.owners, pa.string()))
        heads = _replace(
            _rows(prev.items, at("row") if whole else pc.take(at("row"), kept)),
            {
                # Listing facts come from this walk (a chmod or a moved store mapping changes
                # no mtime); content facts from the previous scan.
                "parent_uri": pa.nulls(len(kept), pa.string()),
                "store": pa.repeat(chunk.store, len(kept)),
                "name": fresh(pa.array(chunk.names, pa.string())),
                "size": fresh(sizes),
                "modified": fresh(modified),
                "owner": owners,
                "readers": pa.nulls(len(kept), pa.list_(pa.string())),
                "location": pa.repeat(chunk.location, len(kept)),
                "metadata": pa.nulls(len(kept), pa.string()),
                "unreachable": pa.repeat(False, len(kept)),
            },
        )
        parts = [heads]
        if len(prev.nested_rows):
            mine = pc.is_in(prev.nested_tops, value_set=carried)
            nested = prev.items.take(prev.nested_rows.filter(mine))
            head_at = pc.index_in(prev.nested_tops.filter(mine), value_set=carried)
            parts.append(  # nested items take these from their top-level item
                _replace(
                    nested,
                    {
                        "store": pa.repeat(chunk.store, nested.num_rows),
                        "owner": pc.take(owners, head_at),
                        "readers": pa.nulls(nested.num_rows, pa.list_(pa.string())),
                        "location": pa.repeat(chunk.location, nested.num_rows),
                        "unreachable": pa.repeat(False, nested.num_rows),
                    },
                )
            )
        found = prev.findings.filter(pc.is_in(prev.findings["top"], value_set=carried))
        return Decision(pa.concat_tables(parts), found.drop_columns(["top"]), scan, unknown)


def _match(prev: _SourceRows, uris: pa.Array) -> tuple[pa.Table, pa.Array | None]:
    """The previous top-level rows for these uris: (rows, position of each uri in them or null).

    A re-scan of an unchanged tree lists it in the order the previous scan wrote it, so the
    chunk is first compared element by element at the expected place (position None: the
    rows are the chunk's, in order); only when that fails are both sides hashed. Hashing the
    chunk and probing the previous rows, then hashing only the matches, keeps the work per
    chunk linear in the previous scan's size, never a hash table of the whole of it.
    """
    n, start = len(uris), prev.cursor
    if start + n <= prev.heads.num_rows:
        here = prev.heads.slice(start, n)
        if pc.all(pc.equal(here["uri"], uris)).as_py():
            prev.cursor = start + n
            return here, None
    cand = prev.heads.filter(pc.is_in(prev.heads["uri"], value_set=uris))
    pos = pc.index_in(uris, value_set=cand["uri"])
    last = pos[n - 1].as_py() if n else None
    if last is not None:
        prev.cursor = cand["at"][last].as_py() + 1
    return cand, pos


def _rows(items: pa.Table, rows: pa.Array) -> pa.Table:
    """items.take(rows), as a zero-copy slice when the rows are consecutive (the usual case)."""
    n = len(rows)
    first = rows[0].as_py() if n else 0
    if n and rows[n - 1].as_py() - first == n - 1:
        # Strictly increasing from first to first + n - 1: exactly those rows.
        if n == 1 or pc.all(pc.greater(rows.slice(1), rows.slice(0, n - 1))).as_py():
            return items.slice(first, n)
    return items.take(rows)


def _arange(start: int, stop: int) -> pa.Array:
    return int64_array(np.arange(start, stop, dtype=np.int64))


def _replace(t: pa.Table, columns: dict[str, pa.Array]) -> pa.Table:
    for name, values in columns.items():
        i = t.schema.get_field_index(name)
        t = t.set_column(i, t.schema.field(i), values.cast(t.schema.field(i).type))
    return t


def _empty(schema: pa.Schema) -> pa.Table:
    return schema.empty_table()


def _ambiguous(items: pa.Table) -> bool:
    """True when a uri would not name one row: findings are keyed by uri alone."""
    if len(pc.unique(items["source"])) > 1:  # two sources listing the same path
        return bool(pc.count_distinct(items["uri"]).as_py() != items.num_rows)
    nested = pc.is_valid(items["parent_uri"])
    nested_uris = items["uri"].filter(nested)
    if not len(nested_uris):
        return False  # a listing names each file once
    # A file literally named "a.zip#b.txt" beside a.zip's member b.txt.
    head_uris = items["uri"].filter(pc.invert(nested))
    return bool(
        pc.any(pc.is_in(nested_uris, value_set=head_uris)).as_py()
        or pc.count_distinct(nested_uris).as_py() != len(nested_uris)
    )


def _top_uris(items: pa.Table, findings: pa.Table) -> tuple[pa.Array, pa.Array]:
    """Each item row's and finding's top-level uri, following parent_uri up.

    Only nested rows are walked up (they are few; depth is small); a top-level row is its own.
    """
    uri = items["uri"].combine_chunks()
    parent = items["parent_uri"].combine_chunks()
    nested = pc.is_valid(parent)
    nested_uris = uri.filter(nested)
    if not len(nested_uris):
        return uri, findings["item_uri"].combine_chunks()
    nested_parents = parent.filter(nested)
    top = nested_parents
    for _ in range(64):  # archives in archives; a cycle cannot occur, the cap is a backstop
        up = pc.index_in(top, value_set=nested_uris)  # top is itself nested: go up one level
        if pc.all(pc.is_null(up)).as_py():
            break
        top = pc.if_else(pc.is_valid(up), pc.take(nested_parents, up), top)
    tops = pc.replace_with_mask(uri, nested, top)
    f_uri = findings["item_uri"].combine_chunks()
    f_at = pc.index_in(f_uri, value_set=nested_uris)
    return tops, pc.if_else(pc.is_valid(f_at), pc.take(top, f_at), f_uri)
