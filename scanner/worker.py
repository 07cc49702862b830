"""What a worker process does with one item: read, hash, extract (recursively), detect, redact.

Runs inside a pool process (scanner/pool.py), which loads the detector once and streams
messages back to the main process:
  ("begin", task_id, item)    - starting an item (the main process arms its deadline),
  ("done", task_id, result)   - one ItemResult, findings already masked and hashed,
The task is finished when the top-level item's "done" arrives (nested items finish first).
Nested items are processed depth-first as extraction yields them, so an archive never has to be
held in memory whole and a hang deep inside one is attributed to the member that hung.

Content seen before is not analysed again: the same attachment in 500 mails, or the same file
copied across a share, is extracted and detected once per worker, and each later copy gets the
remembered outcome with its own uri (see SeenContent).
"""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from detectors.base import Detector
from scanner.allowlist import AllowList
from scanner.config import ScanConfig
from scanner.errors import CharLimitError, ItemError, TooLargeError, UnsupportedError
from scanner.extract.base import (
    Child,
    ExtractContext,
    Output,
    TableSegment,
    TextSegment,
    output_chars,
)
from scanner.extract.registry import HEAD_BYTES, choose, choose_for
from scanner.models import Finding, Item, ItemResult, Status
from scanner.privacy import Redactor, mask, mask_metadata
from sources.base import Source

Send = Callable[[tuple[Any, ...]], None]

# Bounds of the per-worker memory of analysed content: entries, and findings kept in all of them
# (a finding is a few hundred bytes, so the cache stays near 20 MB whatever the corpus).
SEEN_ENTRIES = 4096
SEEN_FINDINGS = 50_000
# Characters of text detected at a time within one item (see _Run): large enough that spaCy's
# batching pays, small enough that a huge table never sits in memory whole.
DETECT_BATCH_CHARS = 1_000_000


@dataclass(frozen=True, slots=True)
class Outcome:
    """What analysing some content produced, independent of the item that held it."""

    status: Status
    message: str | None
    extractor: str
    chars: int
    findings: tuple[Finding, ...]
    allow_listed: dict[str, int] = field(default_factory=dict)

    def apply(self, result: ItemResult, uri: str) -> None:
        """Give `result` this outcome, findings re-addressed to `uri`."""
        result.status, result.message = self.status, self.message
        result.extractor, result.chars_extracted = self.extractor, self.chars
        result.findings = [dataclasses.replace(f, item_uri=uri) for f in self.findings]
        result.allow_listed = dict(self.allow_listed)


class SeenContent:
    """LRU of (sha256, extractor) -> Outcome, bounded by entries and total findings.

    Only items without nested children are remembered: a container's outcome is its children's
    rows too, and those have uris, deadlines and limits of their own. Raised errors are not
    remembered either (some depend on the nesting depth, not only on the bytes).
    """

    def __init__(self, entries: int = SEEN_ENTRIES, findings: int = SEEN_FINDINGS) -> None:
        self.max_entries, self.max_findings = entries, findings
        self._lru: OrderedDict[tuple[str, str], Outcome] = OrderedDict()
        self._findings = 0
        self.hits = 0

    def get(self, key: tuple[str, str]) -> Outcome | None:
        """The remembered outcome for `key`, or None."""
        outcome = self._lru.get(key)
        if outcome is not None:
            self._lru.move_to_end(key)
            self.hits += 1
        return outcome

    def put(self, key: tuple[str, str], outcome: Outcome) -> None:
        """Remember an outcome; the least recently used go when a bound is passed."""
        if len(outcome.findings) > self.max_findings // 10 or key in self._lru:
            return  # one huge table would push out everything else for a single entry
        self._lru[key] = outcome
        self._findings += len(outcome.findings)
        while len(self._lru) > self.max_entries or self._findings > self.max_findings:
            _, old = self._lru.popitem(last=False)
            self._findings -= len(old.findings)


class ItemProcessor:
    """Processes items for one worker; holds the per-process detector, sources and key."""

    def __init__(
        self, config: ScanConfig, detector: Detector, sources: dict[str, Source], redactor: Redactor
    ) -> None:
        self.config = config
        self.limits = config.limits
        self.detector = detector
        self.sources = sources
        self.redactor = redactor
        self.seen = SeenContent()
        self.category_of = config.detectors.category_of()
        self.allow = AllowList.build(config.allowlist, redactor)

    def run(self, task_id: int, item: Item, send: Send) -> None:
        """Process one top-level item and everything nested in it."""
        self._process(task_id, item, 0, send)

    def _process(self, task_id: int, item: Item, depth: int, send: Send) -> None:
        send(("begin", task_id, _public(item)))
        result = ItemResult(item=_public(item), status=Status.OK)
        try:
            self._scan(task_id, item, depth, result, send)
        except ItemError as e:
            result.status = Status(e.status)
            result.message = str(e)
        except MemoryError:
            result.status = Status.ERROR
            result.message = (
                "ran out of memory while processing (raise limits.worker_memory_mb to allow more)"
            )
        except (
            Exception
        ) as e:  # any parser bug or broken file: this item's error row, never the scan's end
            result.status = Status.ERROR
            result.message = f"{type(e).__name__}: {e}"[:1000]
        # Re-taken after reading: a source may have recorded facts (retries) in the metadata.
        result.item = _public(item)
        send(("done", task_id, result))

    def _scan(self, task_id: int, item: Item, depth: int, result: ItemResult, send: Send) -> None:
        t0 = time.perf_counter()
        data = item.data if item.data is not None else self.sources[item.source].read(item)
        result.read_s = time.perf_counter() - t0
        result.bytes_read = len(data)
        result.content_hash = self.redactor.content_hash(data)
        if len(data) > self.limits.max_file_bytes:
            raise TooLargeError(
                f"item is larger than limits.max_file_mb ({self.limits.max_file_mb:g} MB)"
            )
        extractor = choose(data[:HEAD_BYTES], item.name)
        if extractor is None:
            raise UnsupportedError("no extractor recognises this content")
        result.extractor = extractor.name
        key = (result.content_hash, extractor.name)
        seen = self.seen.get(key)
        if seen is not None:
            seen.apply(result, item.uri)
            return
        ctx = ExtractContext(item.name, depth, self.limits, self.config.ocr, choose_for)
        run = _Run(self, item.uri, result.allow_listed)
        t1 = time.perf_counter()
        children, nested_s = 0, 0.0  # a child's time is the child's own, not its container's
        stopped: list[ItemError] = []
        for out in _until_stopped(extractor.extract(data, ctx), stopped):
            if isinstance(out, Child):
                c0 = time.perf_counter()
                self._child(task_id, item, out, depth, send)
                children += 1
                nested_s += time.perf_counter() - c0
            elif run.add(out):
                break  # an extractor that does not stop itself (see limit_chars)
        run.finish()
        if stopped and isinstance(stopped[0], CharLimitError):
            run.truncated = True  # limit_chars stopped with text left; what came before counts
        if run.truncated:
            result.status = Status.TOO_LARGE
            result.message = (
                f"partial: {run.chars:,} characters read; text beyond limits.max_chars "
                f"({self.limits.max_chars:,}) was not scanned"
            )
        elif stopped:  # a limit or a lock met part-way: what was read before it is still scanned
            result.status, result.message = Status(stopped[0].status), str(stopped[0])
        result.extract_s = time.perf_counter() - t1 - nested_s - run.detect_s
        result.chars_extracted = run.chars
        del data
        result.findings = run.findings
        result.detect_s = run.detect_s
        if not children and not stopped:
            outcome = Outcome(
                result.status,
                result.message,
                extractor.name,
                run.chars,
                tuple(result.findings),
                dict(result.allow_listed),
            )
            self.seen.put(key, outcome)

    def _child(self, task_id: int, parent: Item, child: Child, depth: int, send: Send) -> None:
        nested = Item(
            uri=parent.uri + child.suffix,
            source=parent.source,
            store=parent.store,
            name=child.name,
            parent_uri=parent.uri,
            size=len(child.data),
            modified=child.modified or parent.modified,
            owner=parent.owner,
            readers=parent.readers,
            location=parent.location,
            metadata=dict(child.metadata),
            data=child.data,
        )
        if depth + 1 > self.limits.archive_depth:
            send(("begin", task_id, _public(nested)))
            msg = f"nested deeper than limits.archive_depth ({self.limits.archive_depth})"
            send(
                (
                    "done",
                    task_id,
                    ItemResult(item=_public(nested), status=Status.TOO_LARGE, message=msg),
                )
            )
            return
        self._process(task_id, nested, depth + 1, send)

    def findings(
        self,
        uri: str,
        segments: list[TextSegment | TableSegment],
        seen: set[Any],
        allowed: dict[str, int],
    ) -> list[Finding]:
        """Mask and hash each detection; the allow-list drops the organisation's own values.

        `seen` drops repeats across an item's batches. The allow-list is asked here, where the
        raw value still exists, so that an allowed value leaves the worker only as a count in
        `allowed` (entity type -> detections).
        """
        findings = []
        for d in self.detector.detect(segments):
            category = self.category_of.get(d.entity_type)
            key = (d.location, d.entity_type, d.start, d.end)
            if category is None or key in seen:
                continue
            seen.add(key)
            value_hash = self.redactor.hash(d.entity_type, d.value)
            if self.allow and self.allow.allows(d.entity_type, d.value, value_hash):
                allowed[d.entity_type] = allowed.get(d.entity_type, 0) + 1
                continue
            findings.append(
                Finding(
                    item_uri=uri,
                    location=d.location,
                    entity_type=d.entity_type,
                    category=category,
                    score=round(d.score, 4),
                    detector=d.detector,
                    evidence_masked=mask(d.entity_type, d.value),
                    value_hash=value_hash,
                    start=d.start,
                    end=d.end,
                    reason=d.reason,
                )
            )
        return findings


def _until_stopped(outputs: Iterator[Output], stopped: list[ItemError]) -> Iterator[Output]:
    """Pass outputs through; an ItemError ends them and is kept in `stopped`, not raised.

    An extractor raises EncryptedError/TooLargeError after yielding what it could read (the
    readable members of a partly encrypted zip, the pages within the OCR budget, the text before
    limits.max_chars); those segments must still reach the detectors instead of being dropped
    with the exception.
    """
    try:
        yield from outputs
    except ItemError as e:
        stopped.append(e)


class _Run:
    """One item's text on its way to the detector, detected a batch at a time.

    Holding every segment until the end held a 200 MB CSV as Python strings (seven times its
    size); a batch of DETECT_BATCH_CHARS is detected and dropped as soon as it is full, so a
    worker's memory does not grow with the item (findings aside).
    """

    def __init__(self, processor: ItemProcessor, uri: str, allowed: dict[str, int]) -> None:
        self.processor = processor
        self.uri = uri
        self.allowed = allowed
        self.max_chars = processor.limits.max_chars
        self.pending: list[TextSegment | TableSegment] = []
        self.pending_chars = 0
        self.chars = 0
        self.truncated = False
        self.findings: list[Finding] = []
        self.detect_s = 0.0
        self._seen: set[Any] = set()

    def add(self, segment: TextSegment | TableSegment) -> bool:
        """Queue a segment; True when the item's text passed limits.max_chars (stop reading)."""
        n = output_chars(segment)
        self.chars += n
        self.pending.append(segment)
        self.pending_chars += n
        if self.pending_chars >= DETECT_BATCH_CHARS:
            self._detect()
        if self.chars > self.max_chars:
            self.truncated = True
        return self.truncated

    def finish(self) -> None:
        """Detect what is still queued."""
        self._detect()

    def _detect(self) -> None:
        if not self.pending:
            return
        t0 = time.perf_counter()
        self.findings += self.processor.findings(self.uri, self.pending, self._seen, self.allowed)
        self.detect_s += time.perf_counter() - t0
        self.pending, self.pending_chars = [], 0


def _public(item: Item) -> Item:
    """The item as it may leave the worker: no content bytes, personal metadata masked."""
    return dataclasses.replace(item, data=None, metadata=mask_metadata(item.metadata))
