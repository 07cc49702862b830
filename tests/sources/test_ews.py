"""EwsSource (exchangelib) against tests/fixtures/fake_ews.py.

Exchange Server cannot run here: these tests use a local HTTP server that answers EWS SOAP
requests (GetFolder, FindFolder, FindItem, GetItem, GetAttachment) with the documented response
shapes. exchangelib runs for real against it; only the server is a stand-in.
"""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from pathlib import Path
from typing import Any

import pytest

from scanner.config import from_dict
from scanner.errors import ConfigError
from scanner.models import Item, ItemResult, Status
from sources.ews import EwsSource
from tests.fixtures.fake_ews import FakeEws

ANNA, BEN = "anna@example.local", "ben@example.local"


def make(ews: FakeEws, since_dt: datetime | None = None, **options: Any) -> EwsSource:
    source = {
        "type": "ews",
        "ews_url": ews.url,
        "username_env": "EWS_USER",
        "password_env": "EWS_PASS",
        "auth": "basic",
        "mailboxes": [ANNA, BEN],
        "impersonation": True,
        "server_version": "15.1",
        "page_size": 2,
    } | options
    source = {k: v for k, v in source.items() if v is not None}  # None removes a key
    scan = from_dict({"source": [source]}, Path("/tmp"))
    return EwsSource(scan.sources[0], scan, since=since_dt)


def listed(source: EwsSource) -> list[Item]:
    rows = list(source.walk())
    errors = [r.message for r in rows if isinstance(r, ItemResult)]
    assert not errors
    return [r for r in rows if isinstance(r, Item)]


def test_walk_lists_all_folders_archive_and_metadata(ews: FakeEws) -> None:
    items = listed(make(ews))
    assert sorted(i.metadata["folder"] for i in items) == [
        "Archive/2019",
        "Inbox",
        "Inbox",
        "Inbox",
        "Inbox",
        "Inbox/Customers",
        "Sent Items",
    ]
    first = next(i for i in items if i.name == "AAMkADitem0004.eml")
    assert first.uri == f"ews://127.0.0.1/{ANNA}/Inbox/Customers/AAMkADitem0004"
    assert first.metadata["sender"] == "cust4@example.com"
    assert first.metadata["recipients"] == ANNA
    assert first.metadata["message_id"] == "<em0004@example.local>"
    assert first.modified == datetime(2024, 2, 4, 8, 0, tzinfo=UTC)
    assert first.size and first.size > 100
    sent = next(i for i in items if i.metadata["folder"] == "Sent Items")
    assert sent.uri.startswith(f"ews://127.0.0.1/{ANNA}/Sent%20Items/")


def test_requests_use_impersonation_paging_and_basic_auth(ews: FakeEws) -> None:
    listed(make(ews))
    assert all(r.headers["authorization"].startswith("Basic ") for r in ews.requests)
    assert {r.impersonated for r in ews.requests} == {ANNA, BEN}
    finds = [r.xml for r in ews.requests if r.operation == "FindItem"]
    # Anna's inbox holds 3 items in pages of 2: a second FindItem starts at offset 2.
    assert any('Offset="2"' in x and 'MaxEntriesReturned="2"' in x for x in finds)
    assert any('Traversal="Deep"' in r.xml for r in ews.requests if r.operation == "FindFolder")
    # Ben has no archive: the archive root was asked for and its absence was not an error.
    archive_asks = [r for r in ews.requests if r.operation == "GetFolder" and "archive" in r.xml]
    assert {r.impersonated for r in archive_asks} == {ANNA, BEN}


def test_delegate_access_sends_no_impersonation(ews: FakeEws) -> None:
    assert len(listed(make(ews, impersonation=False, mailboxes=[BEN]))) == 1
    assert {r.impersonated for r in ews.requests} == {None}
    assert any(f"<t:EmailAddress>{BEN}</t:EmailAddress>" in r.xml for r in ews.requests)


def test_read_returns_mime_and_adds_missing_item_attachment(ews: FakeEws) -> None:
    items = {i.name: i for i in listed(make(ews, mailboxes=[ANNA]))}
    reader = make(ews, mailboxes=[ANNA])  # a worker builds its own source
    forwarded = email.message_from_bytes(
        reader.read(items["AAMkADitem0003.eml"]), policy=policy.default
    )
    parts = list(forwarded.iter_attachments())  # type: ignore[attr-defined]
    assert [p.get_content_type() for p in parts] == ["message/rfc822"]
    assert "943 476 5919" in parts[0].get_content().as_string()
    assert ews.operations()[-2:] == ["GetItem", "GetAttachment"]
    get_item = [r.xml for r in ews.requests if r.operation == "GetItem"][-1]
    assert "item:MimeContent" in get_item

    # A file attachment already in Exchange's MIME is not fetched again.
    count = len(ews.requests)
    with_file = email.message_from_bytes(
        reader.read(items["AAMkADitem0002.eml"]), policy=policy.default
    )
    assert [p.get_filename() for p in with_file.iter_attachments()] == ["id.txt"]  # type: ignore[attr-defined]
    assert [r.operation for r in ews.requests[count:]] == ["GetItem"]


def test_since_lists_only_items_modified_later(ews: FakeEws) -> None:
    items = listed(make(ews, since_dt=datetime(2024, 2, 3, 12, 0, tzinfo=UTC), mailboxes=[ANNA]))
    assert sorted(i.name for i in items) == ["AAMkADitem0004.eml", "AAMkADitem0005.eml"]
    assert any("item:LastModifiedTime" in r.xml for r in ews.requests if r.operation == "FindItem")


def test_folder_selection_and_no_archive(ews: FakeEws) -> None:
    items = listed(make(ews, folders=["inbox/customers"], include_archive=False, mailboxes=[ANNA]))
    assert [i.name for i in items] == ["AAMkADitem0004.eml"]
    assert not any("archive" in r.xml for r in ews.requests)


def test_unknown_mailbox_is_an_error_row(ews: FakeEws) -> None:
    rows = list(make(ews, mailboxes=["ghost@example.local", BEN], include_archive=False).walk())
    errors = [r for r in rows if isinstance(r, ItemResult)]
    assert len(errors) == 1 and errors[0].status is Status.ERROR
    assert "ghost@example.local" in errors[0].item.uri
    assert [r.name for r in rows if isinstance(r, Item)] == ["AAMkADitem0006.eml"]


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"ews_url": None, "autodiscover": False}, "source[1].ews_url"),
        ({"server": "mail.example.com"}, "source[1].ews_url"),
        ({"auth": "kerberos"}, "source[1].auth"),
        ({"mailboxes": ["*"]}, "source[1].mailboxes"),
        ({"password_env": "NOT_SET_ANYWHERE"}, "source[1].password_env"),
        ({"since": "yesterday"}, "source[1].since"),
        ({"mailbox": [ANNA]}, "source[1].mailbox"),
    ],
)
def test_bad_config_names_the_key(ews: FakeEws, options: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as e:
        make(ews, **options)
    assert e.value.key == key
