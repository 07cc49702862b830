"""Runnable benchmarks: `python -m bench.<name>` prints figures (targets live here)."""
