"""A few tiny documents, one per format a kind of files holds: what start-up is measured on.

bench/throughput subtracts each side's start-up from its CPU seconds. Start-up is more than the
interpreter and the model: each worker imports a format's parser the first time it meets one
(pdfium, lxml, Pillow, calamine), so a start-up run on two letters would leave a PDF folder
paying for its parser and a text folder not. And a kind's smallest real files can be large (the
smallest ledger has thousands of rows), so they are not start-up either. A primer holds one
short letter per format the kind holds, written by the writers the corpora are made with;
a format without a writer here is represented by the kind's smallest file of that format.
"""

from __future__ import annotations

import email.message
import io
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

from bench.ordinary_corpus import docx_document, pdf_document, plain_document, table_document
from bench.ordinary_text import Text

LETTER = (
    "Dear Ms Carter,",
    "",
    "Thank you for your letter of 3 March about the boiler service. Our engineer will call on",
    "Tuesday; you can reach the office on 0113 496 0123.",
    "",
    "Yours sincerely,",
    "Peter Holt",
)
ROWS = [["Name", "Phone", "Postcode"], ["Anne Carter", "0113 496 0123", "LS6 2QT"]]


def _letter() -> Text:
    t = Text()
    for line in LETTER:
        t.say(line)
    return t


def _message() -> bytes:
    msg = email.message.EmailMessage()
    msg["From"] = "Peter Holt <peter.holt@example.co.uk>"
    msg["To"] = "office@example.co.uk"
    msg["Subject"] = "Boiler service"
    msg.set_content("\n".join(LETTER))
    return msg.as_bytes()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("letter.txt", "\n".join(LETTER))
    return out.getvalue()


def document(ext: str) -> bytes | None:
    """A tiny document of format `ext`, or None when there is no writer for it here."""
    if ext in ("txt", "html", "rtf"):
        return plain_document(ext, _letter(), [])
    if ext == "pdf":
        return pdf_document(_letter(), [])[0]
    if ext == "docx":
        return docx_document(_letter(), [])
    if ext in ("csv", "xlsx"):
        return table_document(ext, ROWS)
    if ext == "eml":
        return _message()
    if ext == "mbox":
        return b"From MAILER-DAEMON Thu Jan  2 09:00:00 2025\n" + _message() + b"\n"
    if ext == "zip":
        return _zip()
    return None


def write_primer(root: Path, entries: list[dict[str, Any]], folder: Path) -> list[Path]:
    """One tiny document per extension among `entries` (files under `root`) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    by_ext: dict[str, list[dict[str, Any]]] = {}
    for e in entries:
        by_ext.setdefault(Path(e["file"]).suffix.lower().lstrip("."), []).append(e)
    written = []
    for ext, group in sorted(by_ext.items()):
        target = folder / f"primer.{ext or 'noext'}"
        data = document(ext)
        if data is not None:
            target.write_bytes(data)
        else:
            smallest = root / min(group, key=lambda e: e["bytes"])["file"]
            try:
                os.link(smallest, target)
            except OSError:
                shutil.copyfile(smallest, target)
        written.append(target)
    return written
