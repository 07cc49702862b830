"""Drive a SplitWalk source the way the Dask pool does, each part on a fresh source object."""

from __future__ import annotations

from collections.abc import Callable

from scanner.models import Item, ItemResult
from sources.base import Folder, SplitWalk
from sources.listing import Listing


def walk_in_parts(
    make: Callable[[], SplitWalk], files: int
) -> tuple[list[Item | ItemResult], int, list[SplitWalk]]:
    """Everything the parts found (as walk() yields it), how many parts ran, and their sources.

    A fresh source per part stands for a part listed by another worker (no shared cache).
    """
    found: list[Item | ItemResult] = []
    parts: list[list[Folder] | None] = [None]
    ran: list[SplitWalk] = []
    while parts:
        part = parts.pop()
        src = make()
        ran.append(src)
        step = src.walk_step(part, files)
        if isinstance(step.found, Listing):
            found += step.found.rows()
            found += [step.found.item(i) for i in range(len(step.found))]
        else:
            found += step.found
        parts += [[f] for f in step.rest]  # one part per folder left: the widest split
    return found, len(ran), ran
