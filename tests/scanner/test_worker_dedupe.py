"""Content seen before is analysed once per worker, yet every copy gets its own row and findings.

Real mails and a real docx attachment (email, python-docx) go through the real ItemProcessor
and extractors. The detector is a small regex detector that counts what it is asked to analyse:
the behaviour under test is the worker's, and counting needs a detector that can be asked.
"""

from __future__ import annotations

import email.message
import io
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import docx

from detectors.base import Detection, Detector
from scanner import config as config_mod
from scanner.extract.base import TableSegment, TextSegment
from scanner.models import Item, ItemResult
from scanner.privacy import Redactor
from scanner.seen import Outcome, SeenContent
from scanner.worker import ItemProcessor

EMAIL = re.compile(r"[\w.]+@[\w.]+\.\w+")
CONTRACT_ADDRESS = "harriet.oakley@example.co.uk"


class CountingEmailDetector(Detector):
    """Finds e-mail addresses; records the text of every segment it analyses."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def detect(self, segments: Sequence[TextSegment | TableSegment]) -> Iterator[Detection]:
        for seg in segments:
            if not isinstance(seg, TextSegment):
                continue
            self.seen.append(seg.text)
            for m in EMAIL.finditer(seg.text):
                yield Detection(seg.location, "EMAIL_ADDRESS", m.start(), m.end(), 0.9, "re", m[0])


def contract() -> bytes:
    d = docx.Document()
    d.add_paragraph("Framework agreement for pump maintenance.")
    d.add_paragraph(f"Signed for the customer; notices to {CONTRACT_ADDRESS}.")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def mail(n: int, attachment: bytes) -> bytes:
    msg = email.message.EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@example.org", "b@example.org", f"Update {n}"
    msg.set_content(f"Update number {n}: the contract is attached.")
    sub = "vnd.openxmlformats-officedocument.wordprocessingml.document"
    msg.add_attachment(attachment, maintype="application", subtype=sub, filename="contract.docx")
    return msg.as_bytes()


def process(tmp_path: Path, detector: Any, mails: list[bytes]) -> list[ItemResult]:
    cfg = config_mod.for_paths([tmp_path], tmp_path / "out")
    processor = ItemProcessor(cfg, detector, {}, Redactor(b"k" * 32))
    results: list[ItemResult] = []

    def send(msg: tuple[Any, ...]) -> None:
        if msg[0] == "done":
            results.append(msg[2])

    for n, data in enumerate(mails):
        item = Item(uri=f"/mail/{n}.eml", source="s", store="x", name=f"{n}.eml", data=data)
        processor.run(n, item, send)
    return results


def test_same_attachment_in_three_mails_is_analysed_once_with_three_rows(tmp_path: Path) -> None:
    detector = CountingEmailDetector()
    # One attachment, built once: python-docx stamps zip members with the time of saving, so
    # three builds straddling a second would be three different files.
    attachment = contract()
    results = process(tmp_path, detector, [mail(n, attachment) for n in range(3)])

    analysed = [t for t in detector.seen if CONTRACT_ADDRESS in t]
    assert len(analysed) == 1  # the attachment's text reached the detector once
    assert sum("Update number" in t for t in detector.seen) == 3  # each body is its own
    attachments = {r.item.uri: r for r in results if r.item.uri.endswith("contract.docx")}
    assert sorted(attachments) == [f"/mail/{n}.eml/attachments/contract.docx" for n in range(3)]
    hashes = set()
    for uri, r in attachments.items():
        assert r.status == "ok" and r.extractor == "docx" and r.chars_extracted > 0
        assert [f.item_uri for f in r.findings] == [uri]
        assert r.findings[0].evidence_masked.startswith("h")
        hashes.add((r.findings[0].value_hash, r.findings[0].location, r.content_hash))
    assert len(hashes) == 1  # same value, same place, same content


def test_different_content_is_analysed_again(tmp_path: Path) -> None:
    detector = CountingEmailDetector()
    changed = io.BytesIO()
    d = docx.Document()
    d.add_paragraph(f"Variation order; notices to {CONTRACT_ADDRESS}.")
    d.save(changed)
    process(tmp_path, detector, [mail(0, contract()), mail(1, changed.getvalue())])
    assert len([t for t in detector.seen if CONTRACT_ADDRESS in t]) == 2


def test_seen_content_stays_within_its_bounds() -> None:
    seen = SeenContent(entries=3, findings=100)
    finding = process_finding()
    for n in range(5):
        seen.put((str(n), "txt"), Outcome("ok", None, "txt", 10, (finding,) * 5))  # type: ignore[arg-type]
    assert seen.get(("0", "txt")) is None and seen.get(("1", "txt")) is None
    assert seen.get(("4", "txt")) is not None
    seen.put(("big", "csv"), Outcome("ok", None, "csv", 10, (finding,) * 11))  # type: ignore[arg-type]
    assert seen.get(("big", "csv")) is None  # over a tenth of the findings budget: not kept
    for n in range(5, 12):  # 7 x 10 findings: the findings bound evicts before the entry bound
        seen.put((str(n), "txt"), Outcome("ok", None, "txt", 10, (finding,) * 10))  # type: ignore[arg-type]
    assert sum(seen.get((str(n), "txt")) is not None for n in range(12)) == 3


def process_finding() -> Any:
    from scanner.models import Finding

    return Finding("u", "body", "EMAIL_ADDRESS", "contact", 0.9, "re", "a*@e*.com", "h", 0, 5)
