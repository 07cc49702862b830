"""EWS folders resume from their SyncFolderItems state: only what changed is listed.

Exchange Server cannot run here: tests/fixtures/fake_ews.py is a local HTTP server answering the
EWS SOAP operations, SyncFolderItems included, with the documented response shapes (SyncState,
IncludesLastItemInRange, Create/Delete changes). exchangelib runs for real against it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scanner.config import from_dict
from scanner.models import Item, ItemResult
from sources.base import Changes
from sources.ews import EwsSource
from tests.fixtures.fake_ews import FakeEws, FakeItem

ANNA = "anna@example.local"


def make(ews: FakeEws, **options: Any) -> EwsSource:
    source = {
        "type": "ews", "ews_url": ews.url, "username_env": "EWS_USER", "password_env": "EWS_PASS",
        "auth": "basic", "mailboxes": [ANNA], "impersonation": True, "server_version": "15.1",
        "page_size": 2,
    } | options  # fmt: skip
    scan = from_dict({"source": [source]}, Path("/tmp"))
    return EwsSource(scan.sources[0], scan)


def walk(source: EwsSource) -> tuple[list[Item], dict[str, tuple[str, ...]]]:
    items, changes = [], {}
    for row in source.walk():
        assert not isinstance(row, ItemResult), row.message
        if isinstance(row, Changes):
            changes[row.prefix] = row.removed
        else:
            items.append(row)
    return items, changes


def test_sync_states_list_only_created_and_deleted_items(ews: FakeEws) -> None:
    first = make(ews)
    items, changes = walk(first)
    assert len(items) == 6 and changes == {}  # listed in full (FindItem), the archive too
    points = first.sync_state()
    inbox = f"ews://127.0.0.1/{ANNA}/Inbox/"
    assert inbox in points and f"ews://127.0.0.1/{ANNA}/Inbox/Customers/" in points

    again = make(ews)
    again.start_from(points)
    mark = len(ews.requests)
    assert walk(again) == ([], {p: () for p in points})
    assert "FindItem" not in ews.operations()[mark:]

    ews.add_item(
        "A-inbox",
        FakeItem(
            "AAMkADitem0099", "New order", "nina@example.com", [ANNA],
            "2024-06-01T08:00:00Z", "2024-06-01T08:00:00Z", "Ship to Nina Brook, York YO1 7HH",
        ),
    )  # fmt: skip
    gone = next(i for i in items if i.metadata["folder"] == "Inbox")
    ews.delete_item(gone.uri.rsplit("/", 1)[1])
    third = make(ews)
    third.start_from(points)
    items, changes = walk(third)
    assert [(i.name, i.metadata["sender"], i.metadata["recipients"]) for i in items] == [
        ("AAMkADitem0099.eml", "nina@example.com", ANNA)
    ]
    assert items[0].uri == f"{inbox}AAMkADitem0099"
    assert changes[inbox] == (gone.uri,)
    assert all(changes[p] == () for p in points if p != inbox)
    assert third.sync_state()[inbox] != points[inbox]


def test_an_invalid_sync_state_lists_the_folder_in_full(ews: FakeEws) -> None:
    first = make(ews, folders=["Inbox/Customers"])
    walk(first)
    (prefix,) = first.sync_state()
    again = make(ews, folders=["Inbox/Customers"])
    again.start_from({prefix: "H4sIAAAAAAAEAO29B2AcSZYlJi9tynt/SvVK"})
    items, changes = walk(again)
    assert [i.name for i in items] == ["AAMkADitem0004.eml"] and changes == {}
    assert again.sync_state()[prefix].isdigit()
