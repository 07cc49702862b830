"""One exception hierarchy for noticescan.

User-facing messages name the thing, the problem and the fix, because the person reading them is
an IT operator at 2 a.m. or a consultant on a client's laptop, not the author.
"""

from __future__ import annotations


class NoticeScanError(Exception):
    """Base of every error noticescan raises on purpose."""


class ConfigError(NoticeScanError):
    """The configuration cannot be used; the message names the key, the problem and the fix."""

    def __init__(self, key: str, problem: str, fix: str) -> None:
        self.key = key
        self.problem = problem
        self.fix = fix
        super().__init__(f"config error: {key}: {problem}; fix: {fix}")


class InputError(NoticeScanError):
    """A value given on the command line cannot be used: names the option, problem and fix."""

    def __init__(self, option: str, problem: str, fix: str) -> None:
        self.option = option
        super().__init__(f"{option}: {problem}; fix: {fix}")


class SourceError(NoticeScanError):
    """A source cannot be reached or listed (the scan records it and goes on with other sources)."""


class ItemError(NoticeScanError):
    """One item failed; becomes that item's error row. `status` is an ItemResult status value."""

    status = "error"


class EncryptedError(ItemError):
    """The item is password-protected or encrypted and cannot be read without a key."""

    status = "encrypted"


class TooLargeError(ItemError):
    """A configured limit (size, characters, archive depth, members, ratio) stopped extraction."""

    status = "too_large"


class UnsupportedError(ItemError):
    """No extractor understands this content."""

    status = "unsupported"


class SkippedError(ItemError):
    """The item is not a document (a program, a font, a film): there is no text to look at."""

    status = "skipped"


class CharLimitError(TooLargeError):
    """Extraction stopped at limits.max_chars with text left unread (the text before it counts)."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        super().__init__(f"text beyond limits.max_chars ({max_chars:,}) was not scanned")


class ScanLockedError(NoticeScanError):
    """Another scan of the same configuration holds the lock."""


class StateError(NoticeScanError):
    """The state database cannot be read or written (corrupt, disk full, read-only)."""


class OutputError(NoticeScanError):
    """A scan's outputs cannot be written (disk full, read-only or missing folder, no right)."""


class ClusterError(NoticeScanError):
    """The Dask cluster cannot run the scan (unreachable, lost, a worker set up wrongly)."""
