"""ImapSource against a real Dovecot on 127.0.0.1 (started by the fixture, see tests/fixtures)."""

from __future__ import annotations

import email
import email.policy
import imaplib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from scanner.config import from_dict
from scanner.errors import ConfigError, SourceError
from scanner.models import Item, ItemResult
from scanner.runlog import RunLog
from sources.base import Changes
from sources.imap import ImapSource
from tests.fixtures.dovecot import USER, Dovecot, env_for
from tests.fixtures.mailfiles import docx_bytes, message, pdf_bytes

pytestmark = pytest.mark.dovecot

# (folder as a person names it, as IMAP sends it), both with characters that need encoding.
ACME = ("Customers/Acme & Co", "Customers/Acme &- Co")
MUELLER = ("Kunden/Müller", "Kunden/M&APw-ller")


def when(day: int) -> datetime:
    return datetime(2021, 3, day, 9, 30, tzinfo=UTC)


ALICE = ["alice@example.org"]
CV = docx_bytes("Jane Doe, 12 High St")
INVOICE = pdf_bytes("Invoice 42 for ACME")
MAILBOX = [
    ("INBOX", message("Jane Doe <jane@example.com>", ALICE, "CV", when(1), "My CV.",
                      attachments=[("cv.docx", CV)])),
    ("INBOX", message("bob@example.net", ALICE, "Lunch", when(2), "Lunch?",
                      cc=["carol@example.net"])),
    ("Sent", message("alice@example.org", ["jane@example.com", "x@example.com"], "Re: CV", when(3),
                     "Ok")),
    (ACME[1], message("billing@acme.example", ALICE, "Invoice", when(4), "Invoice attached",
                      attachments=[("invoice.pdf", INVOICE)])),
    (MUELLER[1], message("mueller@example.de", ALICE, "Hallo", when(5), "Grüße")),
]  # fmt: skip


def populate(server: Dovecot) -> None:
    for folder, raw in MAILBOX:
        server.append(folder, raw, when(20))


@pytest.fixture(scope="module")
def mailserver() -> Iterator[Dovecot]:
    server = Dovecot().start()
    populate(server)
    yield server
    server.cleanup()


@pytest.fixture
def fresh_server() -> Iterator[Dovecot]:
    """Start a server of its own, for tests that change the mailbox or kill sessions."""
    server = Dovecot().start()
    populate(server)
    yield server
    server.cleanup()


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in env_for(Dovecot.__new__(Dovecot)).items():
        monkeypatch.setenv(key, value)


def source(port: int, tmp_path: Path, **options: Any) -> ImapSource:
    table = {
        "type": "imap", "host": "127.0.0.1", "port": port, "tls": "none",
        "username_env": "IMAP_TEST_USER", "password_env": "IMAP_TEST_PASSWORD", **options,
    }  # fmt: skip
    cfg = from_dict({"source": [table]}, tmp_path)
    return ImapSource(cfg.sources[0], cfg)


def items_of(walk: Iterator[Item | ItemResult]) -> list[Item]:
    out = []
    for x in walk:
        assert isinstance(x, Item), x
        out.append(x)
    return out


def test_lists_every_folder_with_uri_metadata_and_received_date(
    mailserver: Dovecot, tmp_path: Path
) -> None:
    src = source(mailserver.port, tmp_path)
    items = items_of(src.walk())
    src.close()
    assert sorted(i.metadata["folder"] for i in items) == sorted(
        ["INBOX", "INBOX", "Sent", ACME[0], MUELLER[0]]
    )
    by_folder = {i.metadata["folder"]: i for i in items}
    acme = by_folder[ACME[0]]
    validity = acme.metadata["uidvalidity"]
    assert (
        acme.uri
        == f"imap://alice%40example.org@127.0.0.1:{mailserver.port}/Customers%2FAcme%20%26%20Co/{validity}:1"
    )
    assert acme.name == "1.eml"
    assert acme.metadata["sender"] == "billing@acme.example"
    assert acme.metadata["recipients"] == "alice@example.org"
    assert acme.metadata["mailbox"] == f"{USER}@127.0.0.1"
    assert "subject" not in acme.metadata  # content, not metadata
    assert "Kunden%2FM%C3%BCller" in by_folder[MUELLER[0]].uri
    # modified is the received date (INTERNALDATE), not the Date header.
    assert all(i.modified == when(20) for i in items)
    lunch = next(i for i in items if i.metadata.get("sender") == "bob@example.net")
    assert lunch.metadata["recipients"] == "alice@example.org, carol@example.net"
    assert lunch.metadata["message_id"].startswith("<") and lunch.metadata["message_id"].endswith(
        "@example.org>"
    )
    sizes = {raw: len(raw) for _f, raw in MAILBOX}
    assert sorted(i.size for i in items) == sorted(sizes.values())  # type: ignore[type-var]


def test_read_returns_the_exact_message_and_never_marks_it_seen(
    mailserver: Dovecot, tmp_path: Path
) -> None:
    lister = source(mailserver.port, tmp_path)
    items = items_of(lister.walk())
    lister.close()
    reader = source(mailserver.port, tmp_path)  # as a worker process would: its own connection
    got = {reader.read(i) for i in items}
    reader.close()
    assert got == {raw for _f, raw in MAILBOX}
    cv = next(raw for raw in got if b"cv.docx" in raw)
    parsed = email.message_from_bytes(cv, policy=email.policy.default)
    attachment = next(parsed.iter_attachments())  # type: ignore[attr-defined]
    assert attachment.get_content()[:2] == b"PK"  # the real .docx went through untouched
    c = mailserver.client()
    c.select("INBOX", readonly=True)
    typ, flags = c.fetch("1:*", "(FLAGS)")
    c.logout()
    assert typ == "OK" and not any(b"\\Seen" in f for f in flags)


def test_folder_globs_select_folders(mailserver: Dovecot, tmp_path: Path) -> None:
    src = source(mailserver.port, tmp_path, folders=["Customers/*", "Sent"])
    assert sorted(i.metadata["folder"] for i in items_of(src.walk())) == [ACME[0], "Sent"]


def walked(src: ImapSource) -> tuple[list[Item], dict[str, tuple[str, ...]]]:
    """Items, and the removed uris of each folder the walk listed as changes only."""
    items, changes = [], {}
    for x in src.walk():
        if isinstance(x, Changes):
            changes[x.prefix] = x.removed
        else:
            assert isinstance(x, Item), x
            items.append(x)
    return items, changes


def test_sync_points_list_only_new_and_expunged_uids(fresh_server: Dovecot, tmp_path: Path) -> None:
    first = source(fresh_server.port, tmp_path)
    items, changes = walked(first)
    assert len(items) == len(MAILBOX) and changes == {}  # no sync point: listed in full
    points = first.sync_state()
    inbox = next(p for p in points if p.split("/")[-2] == "INBOX")
    validity = next(i.metadata["uidvalidity"] for i in items if i.metadata["folder"] == "INBOX")
    assert inbox.endswith(f"/INBOX/{validity}:")

    # Unchanged: every folder is "changes only", with nothing changed.
    again = source(fresh_server.port, tmp_path)
    again.start_from(points)
    assert walked(again) == ([], {p: () for p in points})
    assert again.sync_state() == points

    # One new message, one expunged: only the new UID is listed, the expunged one is removed.
    new = message("new@example.com", ["alice@example.org"], "New", when(6), "new one")
    fresh_server.append("INBOX", new, when(21))
    c = fresh_server.client()
    c.select("INBOX")
    c.uid("STORE", "1", "+FLAGS", "(\\Deleted)")
    c.expunge()
    c.logout()
    third = source(fresh_server.port, tmp_path)
    third.start_from(points)
    items, changes = walked(third)
    assert [(i.metadata["folder"], i.metadata["uid"]) for i in items] == [("INBOX", "3")]
    assert third.read(items[0]) == new
    assert changes[inbox] == (f"{inbox}1",)
    assert all(changes[p] == () for p in points if p != inbox)

    # A sync point for another UIDVALIDITY is no sync point: that folder is listed in full.
    stale = source(fresh_server.port, tmp_path, folders=["INBOX"])
    stale.start_from({inbox.replace(":", "9:"): points[inbox]})
    items, changes = walked(stale)
    assert len(items) == 2 and changes == {}


def test_a_dropped_connection_is_retried_and_recorded(
    fresh_server: Dovecot, tmp_path: Path
) -> None:
    src = source(fresh_server.port, tmp_path, batch_size=1)
    walk = src.walk()
    first = next(walk)
    assert isinstance(first, Item)
    assert fresh_server.kill_sessions() == 1
    rest = items_of(walk)
    assert len(rest) == len(MAILBOX) - 1
    assert rest[0].metadata["listing_retries"] == "1"
    assert "listing_retries" not in rest[-1].metadata
    assert fresh_server.kill_sessions() == 1
    assert src.read(rest[-1]) in {raw for _f, raw in MAILBOX}
    assert rest[-1].metadata["retries"] == "1"


def test_a_retry_is_in_the_run_log(fresh_server: Dovecot, tmp_path: Path) -> None:
    """The reconnect is logged through stdlib logging; the run log (--log-file) gets it."""
    run_log = RunLog(tmp_path / "run.log", "json")
    try:
        src = source(fresh_server.port, tmp_path, batch_size=1)
        walk = src.walk()
        next(walk)
        assert fresh_server.kill_sessions() == 1
        items_of(walk)
    finally:
        run_log.close()
    lines = [json.loads(line) for line in (tmp_path / "run.log").read_text().splitlines()]
    [retry] = [x for x in lines if x["event"] == "log"]
    assert retry["level"] == "warning" and retry["logger"] == "sources.retry"
    assert "IMAP 127.0.0.1: connection lost during" in retry["message"]
    assert "retry 1 of 3" in retry["message"]


def test_retries_are_bounded(fresh_server: Dovecot, tmp_path: Path) -> None:
    src = source(fresh_server.port, tmp_path, retries=1)
    items = items_of(src.walk())
    fresh_server.kill_sessions()
    fresh_server.stop()
    with pytest.raises(SourceError, match="1 reconnects failed"):
        src.read(items[0])


def test_wrong_password_names_the_environment_variable(
    mailserver: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMAP_TEST_PASSWORD", "wrong")
    src = source(mailserver.port, tmp_path)
    with pytest.raises(
        SourceError, match=r"login as alice@example.org failed.*\$IMAP_TEST_PASSWORD"
    ):
        list(src.walk())


def test_unreachable_server_is_a_source_error(tmp_path: Path) -> None:
    from tests.fixtures.dovecot import free_port

    src = source(free_port(), tmp_path, retries=0)
    with pytest.raises(SourceError, match="cannot be reached"):
        list(src.walk())


@pytest.mark.parametrize(
    ("options", "key", "problem"),
    [
        ({"host": "mail.example.org"}, "source[1].tls", "clear text"),
        ({"tls": "tls13"}, "source[1].tls", "must be ssl, starttls or none"),
        ({"username_env": "NOT_SET_ANYWHERE"}, "source[1].username_env", "NOT_SET_ANYWHERE"),
        ({"folders": []}, "source[1].folders", "non-empty"),
        ({"pasword_env": "X"}, "source[1].pasword_env", "not a setting of imap sources"),
    ],
)
def test_bad_config_names_key_and_fix(
    tmp_path: Path, options: dict[str, Any], key: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as e:
        source(143, tmp_path, **options)
    assert e.value.key == key and problem in str(e.value)


@pytest.fixture(scope="module")
def tls_server() -> Iterator[Dovecot]:
    server = Dovecot(tls=True).start()
    server.append("INBOX", MAILBOX[0][1], when(20))
    yield server
    server.cleanup()


def test_imaps_with_the_servers_ca(tls_server: Dovecot, tmp_path: Path) -> None:
    assert tls_server.ssl_port
    src = source(tls_server.ssl_port, tmp_path, tls="ssl", ca_file=str(tls_server.cert))
    items = items_of(src.walk())
    assert src.read(items[0]) == MAILBOX[0][1]
    assert isinstance(src._conn, imaplib.IMAP4_SSL)


def test_starttls_without_verification(tls_server: Dovecot, tmp_path: Path) -> None:
    src = source(tls_server.port, tmp_path, tls="starttls", verify_tls=False)
    items = items_of(src.walk())
    assert src.read(items[0]) == MAILBOX[0][1]
    assert src._conn is not None and src._conn.sock.version() is not None  # type: ignore[attr-defined]


def test_untrusted_certificate_is_refused(tls_server: Dovecot, tmp_path: Path) -> None:
    assert tls_server.ssl_port
    src = source(tls_server.ssl_port, tmp_path, tls="ssl")
    with pytest.raises(SourceError, match="not trusted.*ca_file"):
        list(src.walk())
