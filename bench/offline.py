"""Make third-party libraries work without the network, once per process.

tldextract (used by Presidio's e-mail recognizer) downloads the public suffix list on first use
and caches it under the home directory. A scanner on an isolated file server must never try: we
swap tldextract's module-level extractor for one that only uses the snapshot bundled in the wheel.
"""

from __future__ import annotations

import tldextract
import tldextract.tldextract as _tld_module

_done = False


def force_offline() -> None:
    """Point tldextract at its bundled public-suffix snapshot (no fetch, no disk cache)."""
    global _done
    if _done:
        return
    offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)
    _tld_module.TLD_EXTRACTOR = offline
    _done = True
