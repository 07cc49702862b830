"""OLE compound files: encrypted OOXML, and the dispatcher to legacy Office (legacy.py, sheets.py).

A password-protected .docx/.xlsx/.pptx is not a zip at all: Office wraps the encrypted package in
an OLE container with `EncryptionInfo` and `EncryptedPackage` streams. Legacy formats mark
encryption inside their own streams (a FILEPASS record, the FIB's fEncrypted bit), which
msoffcrypto-tool knows how to read. Either way the item must end as `encrypted`, never as an
empty "ok" that would claim the file holds no personal data.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import ClassVar

from scanner.errors import EncryptedError, UnsupportedError
from scanner.extract import sniff
from scanner.extract.base import ExtractContext, Output
from scanner.extract.legacy import DocExtractor, PptExtractor
from scanner.extract.msg import MsgExtractor
from scanner.extract.ole_crypto import ensure_not_encrypted
from scanner.extract.sheets import XlsExtractor


def ole_streams(data: bytes) -> set[str]:
    """Top-level stream and storage names of an OLE file (lower-case)."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        return {entry[0].lower() for entry in ole.listdir(streams=True, storages=True)}


class OleExtractor:
    """Any other OLE file: routes by stream names, so a mis-named file still reaches its reader."""

    name: ClassVar[str] = "ole"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Every OLE compound file (registered after the specific OLE extractors)."""
        return sniff.is_ole(head)

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Encrypted OOXML is `encrypted`; doc, ppt, xls, msg go to their extractor; others fail."""
        streams = ole_streams(data)
        if "encryptioninfo" in streams or "encryptedpackage" in streams:
            raise EncryptedError(
                f"{ctx.name}: password-protected Office 2007+ document (OOXML inside an encrypted "
                "OLE container); scan a decrypted copy or record it as unscanned"
            )
        if "worddocument" in streams:
            yield from DocExtractor().extract(data, ctx)
        elif "workbook" in streams or "book" in streams:
            yield from XlsExtractor().extract(data, ctx)
        elif "powerpoint document" in streams:
            yield from PptExtractor().extract(data, ctx)
        elif any(s.startswith("__substg1.0_") for s in streams):
            yield from MsgExtractor().extract(data, ctx)
        else:
            ensure_not_encrypted(data, ctx.name)
            raise UnsupportedError(
                f"{ctx.name}: OLE compound file is not supported (streams: "
                f"{', '.join(sorted(streams)[:8])}); convert it to a current format to scan it"
            )
