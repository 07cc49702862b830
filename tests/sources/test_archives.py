"""ArchiveSource and the PST reader on real archives.

mbox and Maildir are written by the stdlib `mailbox` module, .msg by msgforge (an MS-OXMSG
writer whose output extract-msg reads); the PST is a real one from a public data set (ENRON).
"""

from __future__ import annotations

import email
import email.policy
import io
import mailbox
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import msgforge
import pytest

from scanner.config import Limits, from_dict
from scanner.errors import ConfigError, SourceError, TooLargeError
from scanner.extract.base import ExtractContext
from scanner.extract.pst import iter_pst_messages
from scanner.extract.registry import HEAD_BYTES, choose
from scanner.models import Item, ItemResult, Status
from sources.archives import ArchiveSource, iter_mbox
from tests.fixtures.mailfiles import docx_bytes, message

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "files"
CV = docx_bytes("Jane Doe, 12 High St")


def when(year: int) -> datetime:
    return datetime(year, 6, 1, 8, 0, tzinfo=UTC)


MBOX_MESSAGES = [
    message("jane@example.com", ["alice@example.org"], "CV", when(2010), "CV attached",
            attachments=[("cv.docx", CV)]),
    message("bob@example.net", ["alice@example.org"], "From the start", when(2011),
            "From here on a line starts with From.\n\nFrom me"),
    message("carol@example.net", ["alice@example.org", "dave@example.org"], "Hi", when(2012), "Hi"),
]  # fmt: skip


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def source(path: Path, **options: Any) -> ArchiveSource:
    cfg = from_dict({"source": [{"type": "archive", "path": str(path), **options}]}, path.parent)
    return ArchiveSource(cfg.sources[0], cfg)


def listed(src: ArchiveSource) -> list[Item]:
    out = []
    for x in src.walk():
        assert isinstance(x, Item), x
        out.append(x)
    return out


def make_mbox(path: Path) -> None:
    box = mailbox.mbox(path)
    for raw in MBOX_MESSAGES:
        box.add(raw)
    box.close()


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def test_mbox_each_message_an_item(tmp_path: Path) -> None:
    make_mbox(tmp_path / "inbox.mbox")
    src = source(tmp_path / "inbox.mbox")
    items = listed(src)
    base = str(tmp_path / "inbox.mbox")
    assert [i.uri for i in items] == [f"{base}#1", f"{base}#2", f"{base}#3"]
    assert [i.modified for i in items] == [when(2010), when(2011), when(2012)]
    assert items[0].parent_uri == base
    assert items[2].metadata["sender"] == "carol@example.net"
    assert items[2].metadata["recipients"] == "alice@example.org, dave@example.org"
    # The same bytes as the stdlib's own mbox reader gives (which, like every mboxo reader,
    # leaves the `>From ` escaping of body lines in place).
    reference = mailbox.mbox(tmp_path / "inbox.mbox")
    assert [src.read(i) for i in items] == [reference.get_bytes(k) for k in reference.iterkeys()]
    for item, raw in zip(items, MBOX_MESSAGES, strict=True):
        assert parse(src.read(item))["Message-ID"] == parse(raw)["Message-ID"]
    attachment = next(parse(src.read(items[0])).iter_attachments())
    assert attachment.get_content() == CV


def test_mbox_scan_reads_headers_only_and_splits_on_separators(tmp_path: Path) -> None:
    make_mbox(tmp_path / "box")
    assert [end > start for start, end, _ in iter_mbox(tmp_path / "box")] == [True] * 3
    assert all(
        head.startswith(b"From: ") or b"\nFrom: " in head
        for _s, _e, head in iter_mbox(tmp_path / "box")
    )
    # A suffix-less file is recognised as mbox by its first line, as Thunderbird keeps them.
    assert len(listed(source(tmp_path))) == 3


def test_maildir_and_its_subfolders(tmp_path: Path) -> None:
    md = mailbox.Maildir(tmp_path / "Maildir", create=True)
    keys = [md.add(raw) for raw in MBOX_MESSAGES[:2]]
    sent = md.add_folder("Sent")
    sent_key = sent.add(MBOX_MESSAGES[2])
    src = source(tmp_path / "Maildir")
    items = {i.uri: i for i in listed(src)}
    base = str(tmp_path / "Maildir")
    assert set(items) == {f"{base}#{keys[0]}", f"{base}#{keys[1]}", f"{base}/.Sent#{sent_key}"}
    first = items[f"{base}#{keys[0]}"]
    assert first.modified == when(2010) and first.metadata["sender"] == "jane@example.com"
    assert src.read(first) == MBOX_MESSAGES[0]
    assert src.read(items[f"{base}/.Sent#{sent_key}"]) == MBOX_MESSAGES[2]


def test_eml_file_is_one_item(tmp_path: Path) -> None:
    eml = tmp_path / "letter.eml"
    eml.write_bytes(MBOX_MESSAGES[1])
    (tmp_path / "notes.txt").write_text("not mail")
    src = source(tmp_path)
    [item] = listed(src)
    assert item.uri == str(eml) and item.parent_uri is None
    assert item.modified == when(2011) and item.metadata["sender"] == "bob@example.net"
    assert src.read(item) == MBOX_MESSAGES[1]


def test_eml_without_date_falls_back_to_file_time(tmp_path: Path) -> None:
    eml = tmp_path / "nodate.eml"
    eml.write_bytes(b"From: x@example.com\r\n\r\nhello\r\n")
    [item] = listed(source(eml))
    assert item.modified == datetime.fromtimestamp(eml.stat().st_mtime, tz=UTC)


def test_msg_becomes_rfc822_with_attachments(tmp_path: Path) -> None:
    msg = msgforge.Message(
        subject="Tenancy",
        text_body="Tenant: Jane Doe, 12 High St",
        html_body="<p>Tenant: <b>Jane Doe</b></p>",
        to=[("jane@example.com", "Jane Doe")],
        cc=["carol@example.net"],
        sender=("agent@example.org", "Agent"),
        sent=datetime(2015, 2, 3, 4, 5, 6),
    )
    msg.attach_bytes("lease.docx", docx_bytes("Lease for Jane Doe"))
    msg.save(str(tmp_path / "tenancy.msg"))
    src = source(tmp_path / "tenancy.msg")
    [item] = listed(src)
    assert item.uri == str(tmp_path / "tenancy.msg")
    assert item.name == "tenancy.eml"
    assert item.modified == datetime(2015, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert item.metadata["sender"] == "agent@example.org"
    assert item.metadata["recipients"] == "jane@example.com, carol@example.net"
    rebuilt = parse(src.read(item))
    assert rebuilt["Subject"] == "Tenancy"
    assert "Jane Doe, 12 High St" in rebuilt.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "<b>Jane Doe</b>" in rebuilt.get_body(("html",)).get_content()  # type: ignore[union-attr]
    [attachment] = rebuilt.iter_attachments()
    assert attachment.get_filename() == "lease.docx"
    assert docx_text(attachment.get_content()) == "Lease for Jane Doe"


# A real PST nobody here wrote: one mailbox of the Enron EDRM data set (CC BY 3.0 US, ZL
# Technologies, Inc.), which scripts/install-test-deps.sh (run by `make test`) takes from the
# test data of the npm package pst-extractor: no free library writes PST files.
ENRON = FIXTURES / "enron.pst"
MAILBOX = "#/Top%20of%20Personal%20Folders/lokay-m/MLOKAY%20(Non-Privileged)"


@pytest.fixture
def enron_pst() -> Path:
    if not ENRON.exists():
        pytest.fail(f"{ENRON} is missing: run scripts/install-test-deps.sh (make test does)")
    return ENRON


def test_pst_each_message_an_item_with_folder_path(tmp_path: Path, enron_pst: Path) -> None:
    pst = tmp_path / "leaver.pst"
    shutil.copy(enron_pst, pst)
    src = source(pst)
    items = listed(src)
    base = f"{pst}{MAILBOX}"
    assert len(items) == 71
    assert [i.uri for i in items[:3]] == [
        f"{base}/1",
        f"{base}/TW-Commercial%20Group/1",
        f"{base}/TW-Commercial%20Group/2",
    ]
    folders = {i.uri[len(base) :].rsplit("/", 1)[0] for i in items}
    assert folders == {"", "/TW-Commercial%20Group", "/Systems", "/Sent%20Items", "/Personal"}
    assert items[0].modified == datetime(2001, 8, 23, 22, 49, 51, tzinfo=UTC)
    oba = items[1]
    assert oba.metadata["folder"].endswith("/MLOKAY (Non-Privileged)/TW-Commercial Group")
    assert oba.metadata["sender"] == "Dennis.Lee@ENRON.com"
    assert oba.metadata["recipients"] == (
        "Lorraine.Lindberg@ENRON.com, Kimberly.Watson@ENRON.com, Dennis.Lee@ENRON.com"
    )
    assert len(list(parse(src.read(oba)).iter_attachments())) == 11  # eleven .doc agreements
    [erequest] = [i for i in items if i.uri == f"{base}/Systems/2"]
    message = parse(src.read(erequest))
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "the eRequests that you filled out never made it to EnronOnline" in body
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "Navigating eRequest.doc"
    doc = attachment.get_content()
    extractor = choose(doc[:HEAD_BYTES], attachment.get_filename())
    assert extractor is not None and extractor.name == "doc"  # a real Word 97 file inside
    src.close()


def test_pst_reader_for_the_extract_registry_takes_bytes(enron_pst: Path) -> None:
    data = enron_pst.read_bytes()
    got = list(iter_pst_messages(data))
    assert len(got) == 71
    assert [suffix for suffix, *_ in got][-1] == f"{MAILBOX}/Personal/47"
    assert all(parse(raw)["From"] for _s, _n, raw, _r in got)
    extractor = choose(data[:HEAD_BYTES], "leaver.pst")
    assert extractor is not None and extractor.name == "pst"
    ctx = ExtractContext(name="leaver.pst", depth=0, limits=Limits())
    children = list(extractor.extract(data, ctx))
    assert [c.suffix for c in children] == [suffix for suffix, *_ in got]  # type: ignore[union-attr]
    with pytest.raises(TooLargeError, match="archive_members"):
        list(extractor.extract(data, ExtractContext("leaver.pst", 0, Limits(archive_members=1))))


def test_corrupt_archives_are_error_rows_and_the_rest_is_listed(tmp_path: Path) -> None:
    (tmp_path / "broken.pst").write_bytes(b"!BDN" + bytes(range(256)) * 40)
    (tmp_path / "broken.msg").write_bytes(b"\xd0\xcf\x11\xe0 not really OLE")
    (tmp_path / "good.eml").write_bytes(MBOX_MESSAGES[2])
    rows = list(source(tmp_path).walk())
    errors = {r.item.name: r for r in rows if isinstance(r, ItemResult)}
    assert set(errors) == {"broken.pst", "broken.msg"}
    assert all(
        r.status == Status.ERROR and "archive cannot be read" in (r.message or "")
        for r in errors.values()
    )
    assert [r.name for r in rows if isinstance(r, Item)] == ["good.eml"]


@pytest.mark.parametrize(
    ("options", "key", "problem"),
    [
        ({"paht": "x"}, "source[1].paht", "not a setting of archive sources"),
    ],
)
def test_bad_config(tmp_path: Path, options: dict[str, Any], key: str, problem: str) -> None:
    cfg = from_dict({"source": [{"type": "archive", **options}]}, tmp_path)
    with pytest.raises(ConfigError) as e:
        ArchiveSource(cfg.sources[0], cfg)
    assert e.value.key == key and problem in str(e.value)


def test_missing_path_is_an_unreachable_source_not_a_bad_config(tmp_path: Path) -> None:
    """An archive on a share not mounted tonight: the walk fails, the other sources go on."""
    cfg = from_dict({"source": [{"type": "archive", "path": "nowhere.pst"}]}, tmp_path)
    source = ArchiveSource(cfg.sources[0], cfg)
    with pytest.raises(SourceError, match="nowhere.pst does not exist"):
        list(source.walk())
