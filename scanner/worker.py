"""What a worker process does with one item: read, hash, extract (recursively), detect, redact.

Runs inside a pool process (scanner/pool.py), which loads the detector once and streams
messages back to the main process:
  ("begin", task_id, item)    - starting an item (the main process arms its deadline),
  ("waiting", task_id, uri)   - the item is read and extracted; its detection waits for the
                                model stage it shares with the next items (ModelBatch),
  ("done", task_id, result)   - one ItemResult, findings already masked and hashed.
The task is finished when the top-level item's "done" arrives (nested items finish first).
Nested items are processed depth-first as extraction yields them, so an archive never has to be
held in memory whole and a hang deep inside one is attributed to the member that hung.

Small items share the model stage: spaCy's fixed cost per call is much of a small item's
detection, so an item whose text needs the model waits (planned, its pattern work done) while
more work is already at hand: the next nested item of its container, or the next task queued
on the worker's pipe. The wait is bounded (BATCH_ITEMS, BATCH_CHARS), and an item never waits
for work that has not arrived: at the end of a task with nothing queued, everything finishes.

Content seen before is not analysed again: the same attachment in 500 mails, or the same file
copied across a share, is extracted and detected once per worker, and each later copy gets the
remembered outcome with its own uri (see SeenContent).
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from detectors.base import Detection, Detector, Plan, take_faults
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
from scanner.seen import Outcome, SeenContent
from sources.base import Source

Send = Callable[[tuple[Any, ...]], None]

# Characters of text detected at a time within one item (see _Run): large enough that spaCy's
# batching pays, small enough that a huge table never sits in memory whole.
DETECT_BATCH_CHARS = 1_000_000
# Bounds of the items waiting for a shared model stage (ModelBatch): spaCy's cost per call is
# paid once per batch instead of once per item, while the text they hold stays small and a killed
# worker takes few finished-but-unreported items with it.
BATCH_ITEMS = 32
BATCH_CHARS = 200_000


@dataclass(eq=False)
class Waiting:
    """A processed item whose findings wait for its plan's model stage (or for another's)."""

    task_id: int
    result: ItemResult
    run: _Run | None = None  # its text's detection so far; None: nothing to detect
    plan: Plan | None = None  # what is left of it: the model stage and finishing
    remember: tuple[str, str] | None = None  # its SeenContent key, once its outcome is known
    copy_of: Waiting | None = None  # the same content, waiting ahead of it: its outcome will do
    outcome: Outcome | None = None  # set when it is finished, for its copies


class ModelBatch:
    """Items waiting for one shared model stage, in the order their "done" must be sent.

    Full at BATCH_ITEMS items or BATCH_CHARS characters of text held by their plans; a bigger
    item still joins (its text was held by its own detection anyway) and fills the batch.
    """

    def __init__(self) -> None:
        self.items: list[Waiting] = []
        self.chars = 0
        self._leaders: dict[tuple[str, str], Waiting] = {}

    def add(self, w: Waiting) -> bool:
        """Let an item wait; True when the batch is full and must be flushed."""
        self.items.append(w)
        self.chars += w.run.planned_chars if w.run is not None else 0
        if w.remember is not None:
            self._leaders.setdefault(w.remember, w)
        return len(self.items) >= BATCH_ITEMS or self.chars >= BATCH_CHARS

    def holds(self, task_id: int) -> bool:
        """Whether items of this task are waiting."""
        return any(w.task_id == task_id for w in self.items)

    def leader(self, key: tuple[str, str]) -> Waiting | None:
        """A waiting item with this content, whose outcome a copy can take."""
        return self._leaders.get(key)

    def take(self) -> list[Waiting]:
        """Every waiting item, in order; the batch is empty afterwards."""
        items, self.items, self.chars = self.items, [], 0
        self._leaders.clear()
        return items


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
        self.batch = ModelBatch()

    def run(
        self, task_id: int, item: Item, send: Send, more: Callable[[], bool] = lambda: False
    ) -> None:
        """Process one top-level item and everything nested in it.

        `more()` says whether another task is already queued for this worker: only then may
        items stay waiting for a shared model stage after this call (flush() finishes them).
        """
        self._process(task_id, item, 0, send)
        if not more():
            self.flush(send)

    def flush(self, send: Send) -> None:
        """Finish every waiting item: one model stage for all, then each item's own rest."""
        waiting = self.batch.take()
        if not waiting:
            return
        plans = [w.plan for w in waiting if w.plan is not None]
        t0 = time.perf_counter()
        failed = self._run_model(plans)
        model_s = time.perf_counter() - t0
        model_chars = sum(p.model_chars for p in plans) or 1
        for w in waiting:
            if w.plan is not None and id(w.plan) in failed:
                _failed(w.result, failed[id(w.plan)])
            else:
                self._complete(w, model_s * w.plan.model_chars / model_chars if w.plan else 0.0)
            send(("done", w.task_id, w.result))

    def _run_model(self, plans: list[Plan]) -> dict[int, Exception]:
        """Run the shared model stage; if it fails, each plan alone, to blame only its own."""
        try:
            self.detector.run_model(plans)
            return {}
        except Exception as e:  # retried one by one below, unless there is only one
            if len(plans) < 2:
                return {id(p): e for p in plans}
        failed: dict[int, Exception] = {}
        for plan in plans:
            try:
                self.detector.run_model([plan])
            except Exception as e:  # recorded on the item it belongs to
                failed[id(plan)] = e
        return failed

    def _process(self, task_id: int, item: Item, depth: int, send: Send) -> None:
        send(("begin", task_id, _public(item)))
        w = Waiting(task_id, ItemResult(item=_public(item), status=Status.OK))
        try:
            self._scan(item, depth, w, send)
        except Exception as e:  # any parser bug or broken file: this item's error row
            take_faults(self.detector)  # a detection cut short: its faults are this item's
            _failed(w.result, e)
            w.run = w.plan = w.remember = w.copy_of = None
        # Re-taken after reading: a source may have recorded facts (retries) in the metadata.
        w.result.item = _public(item)
        self._finish_or_wait(w, send)

    def _finish_or_wait(self, w: Waiting, send: Send) -> None:
        """Finish the item now, or let it wait for the model stage it shares with what follows.

        It waits when its text needs the model, when it copies a waiting item, or when items
        of its task wait already (a task's items finish in order, nested ones first). Waiting
        is short: run() flushes at the end of a task unless the next one is queued already.
        """
        needs_model = w.plan is not None and w.plan.model_chars > 0
        if not needs_model and w.copy_of is None and not self.batch.holds(w.task_id):
            self._complete(w, 0.0)  # the plan's model stage is empty
            send(("done", w.task_id, w.result))
            return
        send(("waiting", w.task_id, w.result.item.uri))
        if self.batch.add(w):
            self.flush(send)

    def _scan(self, item: Item, depth: int, w: Waiting, send: Send) -> None:
        result = w.result
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
        w.copy_of = self.batch.leader(key)  # the same content, waiting: its outcome will do
        if w.copy_of is not None:
            return
        ctx = ExtractContext(item.name, depth, self.limits, self.config.ocr, choose_for)
        run = _Run(self, item.uri, result.allow_listed)
        t1 = time.perf_counter()
        children, nested_s = 0, 0.0  # a child's time is the child's own, not its container's
        stopped: list[ItemError] = []
        for out in _until_stopped(extractor.extract(data, ctx), stopped):
            if isinstance(out, Child):
                c0 = time.perf_counter()
                self._child(w.task_id, item, out, depth, send)
                children += 1
                nested_s += time.perf_counter() - c0
            elif run.add(out):
                break  # an extractor that does not stop itself (see limit_chars)
        w.plan = run.plan()
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
        w.run = run
        if not children and not stopped:
            w.remember = key

    def _complete(self, w: Waiting, model_s: float) -> None:
        """Give a processed item its findings once its plan's model stage ran (`model_s` its share).

        An item remembered as seen content, or an error, has its result already; a copy of a
        waiting item takes that item's outcome.
        """
        result = w.result
        if w.copy_of is not None:
            if w.copy_of.outcome is None:  # the first copy failed in detection: so does this
                result.status, result.message = w.copy_of.result.status, w.copy_of.result.message
            else:
                w.copy_of.outcome.apply(result, result.item.uri)
            return
        run = w.run
        if run is None:
            return
        if w.plan is not None:
            try:
                run.finish(w.plan, model_s)
            except Exception as e:  # a detector bug: this item's error row, never the scan's end
                take_faults(self.detector)  # the item failed whole; its partial faults go with it
                _failed(result, e)
                return
        if run.faults:
            _faulted(result, run.faults)
        result.findings = run.findings
        result.detect_s = run.detect_s
        if w.remember is not None:
            w.outcome = Outcome(
                result.status,
                result.message,
                result.extractor or "",
                run.chars,
                tuple(result.findings),
                dict(result.allow_listed),
            )
            self.seen.put(w.remember, w.outcome)

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
            result = ItemResult(item=_public(nested), status=Status.TOO_LARGE, message=msg)
            self._finish_or_wait(Waiting(task_id, result), send)
            return
        self._process(task_id, nested, depth + 1, send)

    def findings(
        self,
        uri: str,
        detections: Iterable[Detection],
        seen: set[Any],
        allowed: dict[str, int],
    ) -> list[Finding]:
        """Mask and hash each detection; the allow-list drops the organisation's own values.

        `seen` drops repeats across an item's batches. The allow-list is asked here, where the
        raw value still exists, so that an allowed value leaves the worker only as a count in
        `allowed` (entity type -> detections).
        """
        findings = []
        for d in detections:
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
    worker's memory does not grow with the item (findings aside). The last batch is only
    planned (plan()): its model stage may be shared with the items that follow (ModelBatch).
    """

    def __init__(self, processor: ItemProcessor, uri: str, allowed: dict[str, int]) -> None:
        self.processor = processor
        self.uri = uri
        self.allowed = allowed
        self.max_chars = processor.limits.max_chars
        self.pending: list[TextSegment | TableSegment] = []
        self.pending_chars = 0
        self.planned_chars = 0  # text held by the plan until finish()
        self.chars = 0
        self.truncated = False
        self.findings: list[Finding] = []
        self.detect_s = 0.0
        self._seen: set[Any] = set()
        self.faults: list[str] = []  # recognizers that failed on this item's text (others ran)

    def add(self, segment: TextSegment | TableSegment) -> bool:
        """Queue a segment; True when the item's text passed limits.max_chars (stop reading)."""
        n = output_chars(segment)
        self.chars += n
        self.pending.append(segment)
        self.pending_chars += n
        if self.pending_chars >= DETECT_BATCH_CHARS:
            t0 = time.perf_counter()
            detections = self.processor.detector.detect(self.pending)
            self.findings += self.processor.findings(self.uri, detections, self._seen, self.allowed)
            self.faults += take_faults(self.processor.detector)
            self.detect_s += time.perf_counter() - t0
            self.pending, self.pending_chars = [], 0
        if self.chars > self.max_chars:
            self.truncated = True
        return self.truncated

    def plan(self) -> Plan | None:
        """Plan what is still queued (None if nothing is); finish() completes it."""
        if not self.pending:
            return None
        t0 = time.perf_counter()
        plan = self.processor.detector.plan(self.pending)
        self.faults += take_faults(self.processor.detector)
        self.detect_s += time.perf_counter() - t0
        self.planned_chars = self.pending_chars
        self.pending, self.pending_chars = [], 0
        return plan

    def finish(self, plan: Plan, model_s: float) -> None:
        """Findings of the plan, its model stage run; `model_s` is its share of that stage."""
        t0 = time.perf_counter()
        self.findings += self.processor.findings(self.uri, plan.finish(), self._seen, self.allowed)
        self.faults += take_faults(self.processor.detector)
        self.detect_s += time.perf_counter() - t0 + model_s
        self.planned_chars = 0


def _public(item: Item) -> Item:
    """The item as it may leave the worker: no content bytes, personal metadata masked."""
    return dataclasses.replace(item, data=None, metadata=mask_metadata(item.metadata))


# What a library's exception quotes is often the content it choked on (`invalid literal for
# int() with base 10: 'Jane Roe'`); reports hold no raw values, so a quoted part is elided.
# Our own ItemErrors are written to be shown and keep their words.
_QUOTED = re.compile(r"'[^'\n]{1,300}'|\"[^\"\n]{1,300}\"")
_ELIDED = "'…'"


def _faulted(result: ItemResult, faults: list[str]) -> None:
    """Mark an item some of whose recognizers failed: an error row that keeps the rest's findings.

    The item's findings stand for what the other recognizers saw; the error says what was not
    looked for, so the row cannot pass for a clean one (a finding count alone would).
    """
    distinct = list(dict.fromkeys(faults))
    said = "; ".join(distinct[:3]) + (f"; {len(distinct) - 3} more" if len(distinct) > 3 else "")
    earlier = f" (also: {result.message})" if result.status != Status.OK else ""
    result.status = Status.ERROR
    result.message = (
        f"partial: a recognizer failed, so its kind of data was not looked for in all of this "
        f"item: {said}; the other recognizers' findings are kept{earlier}"
    )[:1000]


def _failed(result: ItemResult, e: Exception) -> None:
    """Make `result` the error row of what `e` says went wrong."""
    if isinstance(e, ItemError):
        result.status, result.message = Status(e.status), str(e)
    elif isinstance(e, MemoryError):
        result.status = Status.ERROR
        result.message = (
            "ran out of memory while processing (raise limits.worker_memory_mb to allow more)"
        )
    else:  # any parser bug or broken file
        result.status = Status.ERROR
        # KeyError's str() is its argument's repr: a sentence (zipfile's `There is no item named
        # '…' in the archive`) is shown as one, a bare key (often the text looked up) elided.
        sentence = isinstance(e, KeyError) and len(e.args) == 1 and " " in str(e.args[0])
        said = e.args[0] if sentence else e
        result.message = f"{type(e).__name__}: {_QUOTED.sub(_ELIDED, str(said))}"[:1000]
