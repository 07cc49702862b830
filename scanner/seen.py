"""What a worker remembers of content it analysed, so that a copy is not analysed again.

The same attachment in 500 mails, or the same file copied across a share, is extracted and
detected once per worker; each later copy gets the remembered outcome with its own uri.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from dataclasses import dataclass, field

from scanner.models import Finding, ItemResult, Status

# Bounds of the per-worker memory of analysed content: entries, and findings kept in all of them
# (a finding is a few hundred bytes, so the cache stays near 20 MB whatever the corpus).
SEEN_ENTRIES = 4096
SEEN_FINDINGS = 50_000


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
