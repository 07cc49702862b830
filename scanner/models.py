"""The data model every plug-in speaks: Item, Finding, ItemResult (see docs/schema.md).

These are plain, picklable dataclasses because they cross process boundaries between the walker,
the worker pool and the writer. Raw personal data never lives in any of them: a Finding carries
masked evidence and a keyed hash only; the raw value exists in a worker's memory for the time it
takes to mask and hash it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from operator import attrgetter
from typing import Any

UNDECLARED_STORE = "undeclared"


class Status(StrEnum):
    """Outcome of scanning one item; a public value written to items.parquet `status`."""

    OK = "ok"
    ERROR = "error"
    SKIPPED = "skipped"
    ENCRYPTED = "encrypted"
    TOO_LARGE = "too_large"
    TIMEOUT = "timeout"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True, slots=True)
class Item:
    """One scannable thing: a file, a message, an attachment or an archive member.

    `ref` is the source's own picklable handle for re-opening the item in a worker (a path, an
    SMB URL, a message id); nothing outside the source interprets it. `data` is set only for
    nested items produced by extraction (an attachment's bytes) and for sources whose listing
    already fetched the content.
    """

    uri: str
    source: str
    store: str
    name: str
    parent_uri: str | None = None
    size: int | None = None
    modified: datetime | None = None
    owner: str | None = None
    readers: tuple[str, ...] | None = None
    location: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    ref: Any = None
    data: bytes | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Finding:
    """One detected piece of personal data, identified by item + location + entity + keyed hash."""

    item_uri: str
    location: str
    entity_type: str
    category: str
    score: float
    detector: str
    evidence_masked: str
    value_hash: str
    start: int
    end: int
    reason: str = ""  # why: recognizer, shape or model, validation, cue (never the value)

    def __reduce__(self) -> tuple[type[Finding], tuple[Any, ...]]:
        # Findings cross process boundaries by the hundred thousand (parser -> pool, and on a
        # cluster on to the scanner). The dataclass default pickles each through fields() and
        # a state dict; the constructor and a tuple pickle 2.5x and unpickle 1.8x faster, which
        # was a tenth of a Dask worker's CPU (bench.cluster).
        return (Finding, _finding_values(self))


_finding_values = attrgetter(*Finding.__dataclass_fields__)


@dataclass(slots=True)
class ItemResult:
    """What happened to one item: status, why, how much was read, and where the time went."""

    item: Item
    status: Status
    message: str | None = None
    bytes_read: int = 0
    chars_extracted: int = 0
    content_hash: str | None = None
    extractor: str | None = None
    read_s: float = 0.0
    extract_s: float = 0.0
    detect_s: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    # Detections the allow-list dropped (scanner/allowlist.py), by entity type: counts only.
    allow_listed: dict[str, int] = field(default_factory=dict)
