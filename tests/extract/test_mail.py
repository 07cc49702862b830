"""Mail: .eml via email, mbox via mailbox, .msg via aspose-email-foss (a real MSG writer)."""

from __future__ import annotations

import datetime as dt
import mailbox
from pathlib import Path

from scanner.config import Limits
from scanner.extract.base import Child, ExtractContext
from scanner.extract.registry import choose
from tests.extract import files
from tests.extract.files import PERSON, walk

SENT = dt.datetime(2024, 1, 2, 8, 30, tzinfo=dt.UTC)


def test_eml_headers_subject_body_and_attachment_child() -> None:
    nodes = walk(files.eml_message().as_bytes(), "ref.eml")
    top, attachment = nodes
    assert (top.extractor, top.status) == ("eml", "ok")
    texts = top.texts()
    assert texts["header:From"] == "Ann Smith <ann@example.com>"
    assert texts["header:To"] == "Bob Jones <bob@example.com>"
    assert texts["header:Cc"] == "hr@example.com"
    assert texts["subject"] == f"Reference for {PERSON}"
    assert texts["body"] == "Hi Bob,\nPlease find Zoë's CV attached.\n"  # plain wins over html
    assert attachment.path == "/attachments/cv.txt"
    assert attachment.texts() == {"line 1": "Curriculum vitae of Zoe"}


def test_attachment_is_dated_with_the_message() -> None:
    extractor = choose(files.eml_message().as_bytes(), "x.eml")
    assert extractor is not None
    outs = list(
        extractor.extract(files.eml_message().as_bytes(), ExtractContext("x.eml", 0, Limits()))
    )
    child = next(o for o in outs if isinstance(o, Child))
    assert child.modified == SENT


def test_html_only_body_becomes_text() -> None:
    msg = files.eml_message()
    msg.clear_content()
    msg.set_content(
        "<html><body><p>Hello <i>Jane</i></p><script>evil()</script></body></html>", subtype="html"
    )
    top = walk(msg.as_bytes(), "h.eml")[0]
    assert top.texts()["body"] == "Hello Jane"


def test_html_only_body_keeps_its_tables_of_data() -> None:
    msg = files.eml_message()
    msg.clear_content()
    msg.set_content(
        "<html><body><p>New starters:</p><table><tr><th>Name</th><th>Mobile</th></tr>"
        "<tr><td>Jane Roe</td><td>07700 900123</td></tr></table></body></html>",
        subtype="html",
    )
    top = walk(msg.as_bytes(), "h.eml")[0]
    assert top.texts()["body"] == "New starters:"
    assert top.cells() == {"body table 1!A2": "Jane Roe", "body table 1!B2": "07700 900123"}


def test_hostile_attachment_names_script_and_raw_8bit() -> None:
    raw = files.eml_message("cv.txt").as_bytes()
    # Raw non-UTF-8 bytes in headers, as broken mailers send them, and markup in the name.
    raw = raw.replace(b'filename="cv.txt"', b'filename="caf\xe9 <script>alert(1)</script>.txt"')
    raw = raw.replace(b"Reference for", b"Re: caf\xe9 for")
    nodes = walk(raw, "evil.eml")
    # Kept as sent (the report escapes it); only the path separator is neutralised.
    assert nodes[1].path == "/attachments/café <script>alert(1)<_script>.txt"
    assert nodes[1].texts() == {"line 1": "Curriculum vitae of Zoe"}
    subject = nodes[0].texts()["subject"]
    subject.encode("utf-8")  # no lone surrogates reach the Parquet writer
    assert subject == f"Re: café for {PERSON}"


def test_mbox_messages_are_children(tmp_path: Path) -> None:
    box = mailbox.mbox(tmp_path / "inbox")
    for n in range(3):
        msg = files.eml_message()
        msg.replace_header("Subject", f"Message {n}")
        box.add(msg)
    body = files.eml_message()
    body.clear_content()
    body.replace_header("Subject", "quoting")
    body.set_content("line one\nFrom the team\n")
    box.add(body)
    box.flush()
    data = (tmp_path / "inbox").read_bytes()
    nodes = walk(data, "inbox")
    assert nodes[0].extractor == "mbox"
    messages = [n for n in nodes if n.path.count("#") == 1 and "/" not in n.path]
    assert [n.path for n in messages] == ["#1", "#2", "#3", "#4"]
    assert [n.texts()["subject"] for n in messages[:3]] == ["Message 0", "Message 1", "Message 2"]
    assert "#2/attachments/cv.txt" in [n.path for n in nodes]
    assert messages[3].texts()["body"] == "line one\nFrom the team\n"  # >From unquoted


def test_msg_headers_body_and_attachments() -> None:
    from aspose.email_foss.msg import MapiMessage

    data = MapiMessage.from_email_message(files.eml_message()).to_bytes()
    nodes = walk(data, "ref.msg")
    top = nodes[0]
    assert (top.extractor, top.status) == ("msg", "ok")
    texts = top.texts()
    assert texts["subject"] == f"Reference for {PERSON}"
    assert "bob@example.com" in texts["header:To"]
    assert "Please find Zoë's CV attached." in texts["body"]
    assert [n.path for n in nodes[1:]] == ["/attachments/cv.txt"]
    assert nodes[1].texts() == {"line 1": "Curriculum vitae of Zoe"}


def test_msg_is_found_by_content_when_misnamed() -> None:
    from aspose.email_foss.msg import MapiMessage

    data = MapiMessage.from_email_message(files.eml_message()).to_bytes()
    assert walk(data, "attachment.bin")[0].extractor == "msg"


def test_corrupt_msg_is_an_error() -> None:
    from aspose.email_foss.msg import MapiMessage

    data = MapiMessage.from_email_message(files.eml_message()).to_bytes()
    node = walk(data[: len(data) // 3], "broken.msg")[0]
    assert node.status == "error", node


def test_exchange_display_name_headers_are_segments() -> None:
    """Exchange/Notes exports keep the display names in X-From/X-To/X-cc (the Enron layout)."""
    raw = (
        b"From: maureen.smith@example.com\r\nTo: gil.muhl@example.com\r\n"
        b"Subject: rota\r\nX-From: Smith, Maureen\r\n"
        b"X-To: Muhl, Gil </O=EXAMPLE/OU=NA/CN=RECIPIENTS/CN=GMUHL>\r\nX-cc: Draper, Lon\r\n"
        b"\r\nSee you.\r\n"
    )
    texts = walk(raw, "m.eml")[0].texts()
    assert texts["header:X-From"] == "Smith, Maureen"
    assert texts["header:X-To"].startswith("Muhl, Gil")
    assert texts["header:X-cc"] == "Draper, Lon"
