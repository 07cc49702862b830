"""Imported by the fork server that a scan's worker processes are forked from, and by nothing else.

multiprocessing's fork server imports the modules it is given before it forks any worker
(scanner/pool.py); importing this one loads what every worker would otherwise load for itself
on start and on its first items: the detector's code, model and name lists
(detectors.registry.preload), the worker's own modules, and the extractors with their common
parsers (scanner.extract.registry.preload). A failure here is left for the workers to meet: each
then loads for itself and reports the cause as one line, where the fork server would only have
died or said nothing.
"""

import contextlib
import gc

with contextlib.suppress(Exception):  # see above: each worker meets it again and reports it
    from detectors.registry import preload as _detectors

    _detectors()
with contextlib.suppress(Exception):
    import scanner.cache  # noqa: F401
    import scanner.worker  # noqa: F401
    import sources.registry  # noqa: F401
    from scanner.extract.registry import preload as _extractors

    _extractors()
# Everything loaded above is the workers' to share, page by page, until a page is written. The
# collector writes to the objects it examines, so a worker's collections copied pages of the
# server's objects (measured: a new worker's own memory, USS, 57 MB instead of 23). Frozen,
# the collector leaves them alone, in the server and in every worker.
gc.freeze()
