"""Forwarded and attached messages are items of their own, headers and all (issue 13).

The multipart check ran before the message/rfc822 branch, so a forwarded message's body ran
into the outer one and its From, To and Subject were never read: personal data in an inner
subject was missed. The same hit Exchange item attachments and messages embedded in .msg and
PST files. Real messages (email, aspose-email-foss's MSG writer, the fake EWS server's MIME)
through the real ItemProcessor and detector.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from scanner.mailparts import MailParts, build_rfc822
from scanner.models import Item, ItemResult
from tests.fixtures.fake_ews import FakeEws
from tests.scanner.test_worker_dedupe import process
from tests.sources.test_ews import listed, make

INNER_FROM = "eleanor.whitfield@example.co.uk"
INNER_SUBJECT = "Call back Harriet Oakley on 07700 900461"


def inner_message() -> EmailMessage:
    inner = EmailMessage()
    inner["From"] = f"Eleanor Whitfield <{INNER_FROM}>"
    inner["To"] = "payroll@example.org"
    inner["Subject"] = INNER_SUBJECT
    inner.set_content("My card is 4539 1488 0343 6467.\n")
    inner.add_attachment(
        b"Payslip for Marcus Bell, mobile 07700 900123\n",
        maintype="text",
        subtype="plain",
        filename="payslip.txt",
    )
    return inner


def forwarding(inner: EmailMessage) -> EmailMessage:
    outer = EmailMessage()
    outer["From"] = "ops@example.org"
    outer["To"] = "dpo@example.org"
    outer["Subject"] = "Fwd: a query"
    outer.set_content("See the message below.\n")
    outer.add_attachment(inner)
    return outer


def found(results: list[ItemResult]) -> dict[str, set[tuple[str, str]]]:
    """Item uri -> {(location, entity type)}."""
    return {r.item.uri: {(f.location, f.entity_type) for f in r.findings} for r in results}


def assert_inner_is_a_message(results: list[ItemResult], inner_uri: str) -> None:
    by_uri = found(results)
    assert inner_uri in by_uri, sorted(by_uri)
    inner = by_uri[inner_uri]
    assert ("subject", "PHONE_NUMBER") in inner  # missed before: the subject was never read
    # The sender (MSG writers may keep only the name of an embedded message's sender).
    assert {("header:From", "EMAIL_ADDRESS"), ("header:From", "PERSON")} & inner
    assert ("body", "CREDIT_CARD") in inner
    outer_uri = inner_uri.split("/attachments/")[0]
    assert not {e for _, e in by_uri[outer_uri]} & {"CREDIT_CARD", "PHONE_NUMBER"}
    payslip = by_uri[inner_uri + "/attachments/payslip.txt"]  # its own attachment, kept
    assert ("line 1", "PHONE_NUMBER") in payslip
    (row,) = [r for r in results if r.item.uri == inner_uri]
    assert row.status == "ok" and row.extractor == "eml" and row.item.parent_uri == outer_uri


def test_forwarded_message_is_a_child_with_its_headers(tmp_path: Path, detector: Any) -> None:
    results = process(tmp_path, detector, [forwarding(inner_message()).as_bytes()])
    assert_inner_is_a_message(results, f"/mail/0.eml/attachments/{INNER_SUBJECT}.eml")
    assert ("header:From", "EMAIL_ADDRESS") in found(results)[results[1].item.uri]
    (child,) = [r for r in results if r.item.uri.endswith(".eml") and r.item.parent_uri]
    assert child.item.metadata["content_type"] == "message/rfc822"


def test_msg_with_an_embedded_msg_and_its_attachment(tmp_path: Path, detector: Any) -> None:
    """One .msg path: the embedded message keeps its attachments (one of two paths lost them)."""
    from aspose.email_foss.msg import MapiMessage

    data = MapiMessage.from_email_message(forwarding(inner_message())).to_bytes()
    results = process(tmp_path, detector, [data])
    assert results[-1].extractor == "msg" and results[-1].status == "ok"
    assert_inner_is_a_message(results, f"/mail/0.eml/attachments/{INNER_SUBJECT}.eml")


def test_pst_embedded_message_is_a_child(tmp_path: Path, detector: Any) -> None:
    """A PST message with an embedded one, as scanner.extract.pst.message_parts rebuilds it."""
    parts = MailParts(
        headers=[("From", "ops@example.org"), ("Subject", "Fwd: a query")],
        text="See the message below.\n",
        messages=[("query.eml", inner_message().as_bytes())],
    )
    results = process(tmp_path, detector, [build_rfc822(parts)])
    assert_inner_is_a_message(results, "/mail/0.eml/attachments/query.eml")


def test_ews_item_attachment_is_a_child_with_its_headers(
    tmp_path: Path, detector: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exchange (a local server answering EWS's documented responses): an item attachment."""
    monkeypatch.setenv("EWS_USER", "svc-scan")
    monkeypatch.setenv("EWS_PASS", "pa55")
    with FakeEws() as ews:
        source = make(ews, mailboxes=["anna@example.local"])
        (item,) = [i for i in listed(source) if i.name == "AAMkADitem0003.eml"]
        data = make(ews, mailboxes=["anna@example.local"]).read(item)
    results = process(tmp_path, detector, [data])
    by_uri = found(results)
    inner = by_uri["/mail/0.eml/attachments/Original complaint.eml"]
    assert ("header:From", "EMAIL_ADDRESS") in inner
    assert ("body", "UK_NHS") in inner
    assert not any(e == "UK_NHS" for _, e in by_uri["/mail/0.eml"])


def test_an_item_is_processed_once_per_message(tmp_path: Path, detector: Any) -> None:
    results = process(tmp_path, detector, [forwarding(inner_message()).as_bytes()])
    uris = [r.item.uri for r in results]
    assert len(uris) == len(set(uris)) == 3  # outer, forwarded message, its payslip
    assert all(isinstance(r.item, Item) for r in results)
