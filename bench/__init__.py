"""Benchmarks: runnable modules that print figures (`python -m bench.<name>`)."""
