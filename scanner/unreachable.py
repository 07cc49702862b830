"""What a scan could not reach, and keeping what is known about it.

A source that cannot be reached (a server down, a typo'd path) or a folder that cannot be listed
is not empty: the last scan that read it knew its items and findings. Dropping them would make
the output look cleaner than the truth (a violation "resolved" because a server was down for the
night). So the walk records every such gap (`WalkRecord`), the state's last known rows under it
are carried into the output marked `unreachable` (`keep_unreachable`), the sweep forgets nothing
under it, and scan.json lists each gap with the time it was last read (`last_read`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from scanner.errors import SourceError
from scanner.incremental import Emit, parquet_findings, parquet_item
from scanner.models import Item, ItemResult, Status
from scanner.state import StateDB, under
from sources.base import Changes, Listed, Rooted, Source, SplitWalk
from sources.listing import Listing

BATCH = 500  # groups read from the state per query

# Walks a SplitWalk source elsewhere (a Dask cluster): (source, listings) -> what its walk yields.
Split = Callable[[Source, bool], Iterator[Item | ItemResult | Listing]]


@dataclass(slots=True)
class Gap:
    """One source or folder this scan could not walk (a scan.json `unreachable` entry)."""

    source: str
    store: str
    what: str  # the uri of the source's root or of the folder
    error: str
    last_read: str | None = None  # ISO time of the last scan that walked it, None if never
    whole: bool = False  # the whole source (its walk failed), not one folder of it

    def as_dict(self) -> dict[str, Any]:
        """The scan.json form (`whole` is implied by `what`)."""
        out = asdict(self)
        del out["whole"]
        return out


def root_uri(source: Source) -> str:
    """The uri that names a whole source: its root where it has one, else `TYPE:ID`."""
    return source.root_uri if isinstance(source, Rooted) else f"{source.type}:{source.id}"


@dataclass
class WalkRecord:
    """Walks the sources and records which ones finished and what could not be reached."""

    stores: dict[str, str]  # source id -> store id, from the config
    gaps: list[Gap] = field(default_factory=list)
    finished: set[str] = field(default_factory=set)  # sources walked to the end

    def walk(
        self, sources: list[Source], listings: bool, split: Split | None = None
    ) -> Iterator[Item | ItemResult | Listing | Changes]:
        """Every source's items (or listings, for re-scans that compare before reading).

        With `split`, a source that can walk in parts (SplitWalk) is walked by it instead.
        """
        for src in sources:
            stream: Iterator[Item | ItemResult | Listing | Changes]
            if split is not None and isinstance(src, SplitWalk):
                stream = split(src, listings)
            elif listings and isinstance(src, Listed):
                stream = src.listing()
            else:
                stream = src.walk()
            try:
                for x in stream:
                    self._note(x)
                    yield x
                self.finished.add(src.id)
            except SourceError as e:  # one unreachable source must not end the scan of the others
                store = self.stores[src.id]
                self.gaps.append(Gap(src.id, store, root_uri(src), str(e), whole=True))
            finally:
                src.close()

    def _note(self, x: Item | ItemResult | Listing | Changes) -> None:
        rows = x.errors if isinstance(x, Listing) else [x] if isinstance(x, ItemResult) else []
        for r in rows:
            if r.status == Status.ERROR:  # a folder (or entry) the walk could not list
                self.gaps.append(Gap(r.item.source, r.item.store, r.item.uri, r.message or ""))

    @property
    def source_errors(self) -> list[str]:
        """The messages of the sources that could not be walked at all."""
        return [g.error for g in self.gaps if g.whole]

    def protected(self) -> dict[str, list[str]]:
        """Per source, the folders under which nothing may be counted as gone."""
        out: dict[str, list[str]] = {}
        for g in self.gaps:
            if not g.whole:
                out.setdefault(g.source, []).append(g.what)
        return out

    def as_state(self) -> dict[str, Any]:
        """What the state keeps of this walk, for a later scan's `last_read`."""
        return {
            "read": sorted(self.finished),
            "unreachable": [{"source": g.source, "what": g.what} for g in self.gaps],
        }

    def date(self, db: StateDB, config_id: int, scan_id: str) -> None:
        """Fill each gap's `last_read` from the walks of earlier scans (state `scans.walk`)."""
        history = list(db.walks(config_id, scan_id)) if self.gaps else []
        for gap in self.gaps:
            gap.last_read = next((t for t, w in history if _read_in(w, gap)), None)


def _read_in(walk: dict[str, Any], gap: Gap) -> bool:
    if gap.source not in walk.get("read", ()):
        return False
    missed = [u["what"] for u in walk.get("unreachable", ()) if u["source"] == gap.source]
    return not under(gap.what, missed)


def keep_unreachable(
    db: StateDB,
    config_id: int,
    scan_id: str,
    gaps: list[Gap],
    seen: Callable[[str], pa.ChunkedArray],
    emit: Emit,
) -> int:
    """Emit the state's last known rows under every gap, marked unreachable; returns the rows.

    `seen(source)` is the top-level uris this scan's walk already emitted (a source whose walk
    failed half-way keeps what it did walk); groups this scan stored are excluded by the state.
    """
    rows = 0
    by_source: dict[str, list[Gap]] = {}
    for g in gaps:
        by_source.setdefault(g.source, []).append(g)
    for source, mine in by_source.items():
        prefixes = None if any(g.whole for g in mine) else [g.what for g in mine]
        tops = pa.array(db.tops(config_id, source, scan_id), pa.string())
        tops = tops.filter(pc.invert(pc.is_in(tops, value_set=seen(source))))
        wanted = [t for t in tops.to_pylist() if prefixes is None or under(t, prefixes)]
        for i in range(0, len(wanted), BATCH):
            rows += _emit_groups(db, config_id, source, wanted[i : i + BATCH], emit)
    return rows


def _emit_groups(db: StateDB, config_id: int, source: str, tops: list[str], emit: Emit) -> int:
    groups = db.groups(config_id, source, tops)
    found = db.findings(config_id, source, tops)
    items: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    for top, g in groups.items():
        items += [{**parquet_item(source, r), "unreachable": True} for r in g.items]
        findings += parquet_findings(found.get(top, []))
    emit(items, findings, True)
    return len(items)
