"""`noticescan person`: find one person's data across every store, for a data-subject request.

The command checks the values given (reports.subject), looks them up in one scan or in every
scan under OUT (reports.person_search), prints what it found as a table, CSV or JSON, and with
`--out` writes the evidence bundle (reports.person_bundle). Output names the option a finding
matched (`email`), never the value; the values appear only masked, in the bundle's page.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from reports.person_bundle import write_bundle, write_csv
from reports.person_search import (
    MATCH_COLUMNS,
    NOT_SEARCHED,
    ScanSearch,
    history,
    plain,
    search,
)
from reports.query import format_table
from reports.subject import subject
from scanner.errors import NoticeScanError

EXIT_OK, EXIT_INCOMPLETE = 0, 3  # 3: some scan of the history could not be searched
_TABLE = (
    "strength",
    "store",
    "item_uri",
    "location",
    "entity_type",
    "category",
    "matched_on",
    "form",
    "modified",
    "source",
)
_HISTORY = ("scan_id", "started", "outcome", "strength", "store", "item_uri", "item_matched_on")


def run(
    target: Path,
    values: dict[str, str | None],
    *,
    all_scans: bool,
    fmt: str,
    out_dir: Path | None,
    out: TextIO,
    err: TextIO,
) -> int:
    """Search one scan (or, with `all_scans`, every scan under `target`); return the exit code.

    Bad values and a scan that cannot be searched raise NoticeScanError (exit 2). In a history,
    a scan that cannot be searched is shown as such and makes the exit code 3; if none can be
    searched it is an error.
    """
    wanted = subject(**values)
    if all_scans:
        searches = history(target, wanted)
        if all(s.outcome == NOT_SEARCHED for s in searches):
            raise NoticeScanError(
                f"no scan under {target} could be searched: {searches[-1].reason}"
            )
        print_history(searches, fmt, out)
    else:
        searches = [search(target, wanted)]
        print_scan(searches[0], fmt, out)
    for s in searches:
        if s.outcome != NOT_SEARCHED and s.scan_status != "complete":
            err.write(
                f"warning: scan {s.scan_id} did not finish ({s.scan_status}): what it did not "
                "read may still hold the person's data\n"
            )
    if out_dir is not None:
        write_bundle(searches, wanted, out_dir)
        err.write(f"evidence bundle: {out_dir}\n")
    return EXIT_INCOMPLETE if any(s.outcome == NOT_SEARCHED for s in searches) else EXIT_OK


def print_scan(found: ScanSearch, fmt: str, out: TextIO) -> None:
    """One scan's matches: a table for people, CSV or a JSON list (one object per finding)."""
    rows = found.matches
    if fmt == "json":
        out.write(json.dumps(rows, indent=1, default=plain) + "\n")
    elif fmt == "csv":
        write_csv(out, MATCH_COLUMNS, rows)
    else:
        table = [[plain(r[c]) for c in _TABLE] for r in rows]
        out.write(format_table(_TABLE, table, width=200))
        out.write(found.verdict() + "\n")


def print_history(searches: Sequence[ScanSearch], fmt: str, out: TextIO) -> None:
    """Every scan under OUT, oldest first: each item the person was found in, or why not."""
    if fmt == "json":
        doc = [{**s.summary(), "items": s.item_rows()} for s in searches]
        out.write(json.dumps(doc, indent=1, default=plain) + "\n")
        return
    rows = []
    for s in searches:
        for item in s.item_rows() or [{}]:
            rows.append(
                {
                    **s.summary(),
                    "strength": item.get("strength"),
                    "store": item.get("store"),
                    "item_uri": item.get("item_uri"),
                    "item_matched_on": item.get("matched_on"),
                }
            )
    if fmt == "csv":
        write_csv(out, (*_HISTORY[:3], "reason", *_HISTORY[3:]), rows)
        return
    out.write(format_table(_HISTORY, [[plain(r[c]) for c in _HISTORY] for r in rows], width=200))
    for s in searches:
        out.write(f"{s.scan_id}: {s.verdict()}\n")
