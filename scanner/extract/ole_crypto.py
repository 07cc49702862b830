"""Whether a legacy Office file or an OLE-wrapped OOXML file is password-protected.

Its own module because every OLE reader asks it (legacy.py, sheets.py, and the dispatcher in
ole.py): kept apart from the dispatcher, the readers need not import the module that imports
them. A protected file must end as `encrypted`, never as an empty "ok".
"""

from __future__ import annotations

import io

from scanner.errors import EncryptedError


def ensure_not_encrypted(data: bytes, name: str) -> None:
    """Raise EncryptedError when msoffcrypto-tool reports the Office file as encrypted.

    Files msoffcrypto cannot classify (Outlook .msg, odd OLE producers) are not encrypted as far
    as we can tell; their own parser reports any real damage.
    """
    import msoffcrypto
    from msoffcrypto.exceptions import FileFormatError

    try:
        encrypted = msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted()
    except FileFormatError:
        return
    if encrypted:
        raise EncryptedError(
            f"{name}: password-protected Office file; its text cannot be read without the "
            "password - record it as unscanned or scan a decrypted copy"
        )
