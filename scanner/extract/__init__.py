"""Extraction: every supported format to located text segments and nested children."""
