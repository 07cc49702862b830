"""Imported by the fork server that a scan's worker processes are forked from, and by nothing else.

multiprocessing's fork server imports the modules it is given before it forks any worker
(scanner/pool.py); importing this one loads what every worker needs (detectors.registry.preload).
A failure here is left for the workers to meet: each then loads for itself and reports the cause
as one line, where the fork server would only have died or said nothing.
"""

try:
    from detectors.registry import preload

    preload()
except Exception:  # see above: each worker meets it again and reports it
    pass
