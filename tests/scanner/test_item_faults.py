"""What goes wrong inside one item is told truthfully, without losing more or saying too much.

One recognizer's bug costs its own findings, not the item's: the rest are kept and the row says
what was not looked for. The real ItemProcessor and the real detector in-process; one real
recognizer (or extractor) is made to fail, monkeypatched to raise on one text, the way the phone
recognizer did on a dotless `ı` in stop 33, when the item became an error row with no findings.
An exception's quoted text (often the content a parser choked on) never reaches the row.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from detectors import engine
from detectors.names import SpacyPersonRecognizer
from detectors.phone import PhoneNumberRecognizer
from scanner import config as config_mod
from scanner.extract.text import TextExtractor
from scanner.models import Item, ItemResult
from scanner.privacy import Redactor
from scanner.worker import ItemProcessor

SECRET = "Quennell-Hartigan"  # what a recognizer's exception quotes must not reach the row


def failing_on(cls: type, marker: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `cls.analyze` raise, quoting text, on any text holding `marker`."""
    original: Callable[..., Any] = cls.analyze

    def analyze(self: Any, text: str, *args: Any, **kwargs: Any) -> Any:
        if marker in text:
            raise KeyError(SECRET)
        return original(self, text, *args, **kwargs)

    monkeypatch.setattr(cls, "analyze", analyze)


def scan(tmp_path: Path, detector: Any, texts: dict[str, str], batched: bool) -> dict[str, Any]:
    """Each text as a file item through one ItemProcessor; the done rows by file name."""
    cfg = config_mod.for_paths([tmp_path], tmp_path / "out")
    processor = ItemProcessor(cfg, detector, {}, Redactor(b"k" * 32))
    sent: list[tuple[Any, ...]] = []
    for n, (name, text) in enumerate(texts.items()):
        queued = batched and n < len(texts) - 1  # items wait to share the model stage
        it = Item(uri=f"/share/{name}", source="s", store="x", name=name, data=text.encode())
        processor.run(n, it, sent.append, more=lambda q=queued: q)
    done: list[ItemResult] = [m[2] for m in sent if m[0] == "done"]
    return {r.item.name: r for r in done}


def kinds(result: ItemResult) -> set[str]:
    return {f.entity_type for f in result.findings}


@pytest.mark.parametrize("batched", [False, True])
def test_a_failing_pattern_recognizer_keeps_the_other_findings(
    tmp_path: Path, detector: Any, monkeypatch: pytest.MonkeyPatch, batched: bool
) -> None:
    failing_on(PhoneNumberRecognizer, "07700", monkeypatch)
    rows = scan(
        tmp_path,
        detector,
        {
            "broken.txt": "Please ring Mr Alistair Penhaligon on 07700 900461 or write to "
            f"alistair.penhaligon@example.org. Ref {batched}",
            "clean.txt": f"Write to maria.kowalski@example.net about the lease. Ref {batched}",
        },
        batched,
    )
    broken, clean = rows["broken.txt"], rows["clean.txt"]
    assert broken.status == "error"
    assert "PhoneNumberRecognizer (KeyError at detectors/" in broken.message
    assert "the other recognizers' findings are kept" in broken.message
    assert SECRET not in broken.message
    assert {"EMAIL_ADDRESS", "PERSON"} <= kinds(broken)
    assert "PHONE_NUMBER" not in kinds(broken)
    # The fault belongs to its own item: the next one is clean.
    assert clean.status == "ok" and clean.message in (None, "")
    assert kinds(clean) == {"EMAIL_ADDRESS"}


def test_a_failing_name_model_stage_keeps_the_pattern_findings(
    tmp_path: Path, detector: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_on(SpacyPersonRecognizer, "Okafor", monkeypatch)
    rows = scan(
        tmp_path,
        detector,
        {"minutes.txt": "Ask Sanderson whether Okafor signed; okafor.b@example.com has the copy."},
        batched=True,
    )
    row = rows["minutes.txt"]
    assert row.status == "error"
    assert "SpacyPersonRecognizer (KeyError at detectors/" in row.message
    assert SECRET not in row.message
    assert "EMAIL_ADDRESS" in kinds(row)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            ValueError(f"invalid literal for int() with base 10: {SECRET!r}"),
            "ValueError: invalid literal for int() with base 10: '…'",
        ),
        (KeyError(SECRET), "KeyError: '…'"),  # a bare key is often the text looked up
        (
            KeyError(f"There is no item named '{SECRET}.xml' in the archive"),
            "KeyError: There is no item named '…' in the archive",  # zipfile's sentence
        ),
    ],
)
def test_a_parser_exception_is_an_error_row_without_the_text_it_quotes(
    tmp_path: Path,
    detector: Any,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
    message: str,
) -> None:
    def extract(self: Any, data: bytes, ctx: Any) -> Any:
        raise error

    monkeypatch.setattr(TextExtractor, "extract", extract)
    row = scan(tmp_path, detector, {"ledger.txt": f"Balance owed by {SECRET}: 12"}, False)
    assert row["ledger.txt"].status == "error"
    assert row["ledger.txt"].message == message


def test_faults_of_an_item_that_failed_whole_do_not_pass_to_the_next(
    tmp_path: Path, detector: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_on(PhoneNumberRecognizer, "07700", monkeypatch)
    jobs: Callable[..., Any] = engine._ner_jobs

    def ner_jobs(text: str, *args: Any) -> Any:
        if "07700" in text:  # after the phone recognizer's fault, planning fails outside a guard
            raise RuntimeError("planning failed")
        return jobs(text, *args)

    monkeypatch.setattr(engine, "_ner_jobs", ner_jobs)
    rows = scan(
        tmp_path,
        detector,
        {
            "first.txt": "Ring Alistair Penhaligon on 07700 900461.",
            "second.txt": "Write to maria.kowalski@example.net about the lease.",
        },
        batched=False,
    )
    assert rows["first.txt"].status == "error"
    assert rows["first.txt"].message == "RuntimeError: planning failed"
    assert rows["second.txt"].status == "ok" and not rows["second.txt"].message
