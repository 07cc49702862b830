"""Detectors: text in, findings out. Pure: no file access, network or logging inside one."""
