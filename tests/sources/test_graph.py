"""GraphSource against tests/fixtures/fake_graph.py.

Microsoft Graph cannot run here: these tests use a local HTTPS server that answers with Graph's
and Entra ID's documented JSON shapes (token endpoint, users/mailFolders/messages paging with
`@odata.nextLink`, delta links, a 429 with Retry-After, MIME from `$value`). msal runs for real
against it; only the network is local.
"""

from __future__ import annotations

import email
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from scanner.config import from_dict
from scanner.errors import ConfigError
from scanner.models import Item, ItemResult, Status
from sources.base import Changes
from sources.graph import GraphSource
from tests.fixtures.fake_graph import TOKEN, FakeGraph, client_options, make_tls_cert

TENANT = "contoso.onmicrosoft.com"


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_tls_cert(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def graph(tls: tuple[Path, Path]) -> Iterator[FakeGraph]:
    with FakeGraph(*tls, tenant=TENANT) as g:
        yield g


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_SECRET", "s3cret")


def make(
    graph: FakeGraph, tls: tuple[Path, Path], state: dict[str, str] | None = None, **options: Any
) -> GraphSource:
    """A source as the pipeline builds it; `state` is the sync point a complete scan saved."""
    source = {
        "type": "graph",
        "mailboxes": ["*"],
        **client_options(graph, tls[0]),
    } | options
    scan = from_dict({"source": [source]}, tls[0].parent)
    built = GraphSource(scan.sources[0], scan)
    if state is not None:
        built.start_from(state)
    return built


def items(source: GraphSource) -> list[Item]:
    rows = list(source.walk())
    errors = [r for r in rows if isinstance(r, ItemResult)]
    assert not errors, [e.message for e in errors]
    return [r for r in rows if isinstance(r, Item)]


def changes(source: GraphSource) -> list[Changes]:
    return [r for r in source.walk() if isinstance(r, Changes)]


def test_walk_lists_every_mailbox_folder_and_message(
    graph: FakeGraph, tls: tuple[Path, Path]
) -> None:
    found = items(make(graph, tls, delta=False))
    assert len(found) == 6
    by_name = {i.name: i for i in found}
    customer = by_name["AAMkAGI2TG93AAA0004=.eml"]
    # Folder names are percent-encoded one by one: "Customers/UK" is a single folder.
    assert customer.uri == (
        f"graph://{TENANT}/users/alice@contoso.com/mailFolders/Inbox/Customers%2FUK"
        "/messages/AAMkAGI2TG93AAA0004%3D"
    )
    assert customer.metadata["folder"] == "Inbox/Customers/UK"
    assert customer.metadata["sender"] == "kim@example.com"
    assert customer.metadata["recipients"] == "alice@contoso.com"
    assert customer.metadata["message_id"] == "<AAA0004=@contoso.com>"
    assert customer.modified == datetime(2024, 3, 4, 9, 4, tzinfo=UTC)
    assert customer.owner == "alice@contoso.com"
    assert customer.size is not None and customer.size > 100
    assert {i.owner for i in found} == {"alice@contoso.com", "bob@contoso.com"}


def test_requests_are_paged_and_authorised(graph: FakeGraph, tls: tuple[Path, Path]) -> None:
    items(make(graph, tls, delta=False))
    graph_requests = [r for r in graph.requests if r.path.startswith("/v1.0/")]
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in graph_requests)
    # /users holds 3 users in pages of 2: the second page came from @odata.nextLink.
    users = [r for r in graph_requests if r.path == "/v1.0/users"]
    assert [r.query.get("$skip") for r in users] == [None, ["2"]]
    # The mail-less room account is skipped without a folder request.
    assert not any("room-1" in r.path for r in graph_requests)
    # Alice's inbox holds 3 messages: two pages; childFolders only where childFolderCount > 0.
    inbox = [
        r
        for r in graph_requests
        if unquote(r.path).endswith("/mailFolders/AQMkADYAAAIBDAAAAA==/messages")
    ]
    assert len(inbox) == 2
    assert inbox[0].headers["prefer"] == "odata.maxpagesize=2"
    children = [unquote(r.path) for r in graph_requests if r.path.endswith("/childFolders")]
    assert children == [
        "/v1.0/users/alice@contoso.com/mailFolders/AQMkADYAAAIBDAAAAA==/childFolders"
    ]
    # One token for the whole walk: msal's cache is used.
    assert len(graph.token_requests) == 1
    assert graph.token_requests[0]["scope"] == ["https://graph.microsoft.com/.default"]
    assert graph.token_requests[0]["client_secret"] == ["s3cret"]


def test_folder_and_mailbox_selection(graph: FakeGraph, tls: tuple[Path, Path]) -> None:
    found = items(make(graph, tls, mailboxes=["alice@contoso.com"], folders=["inbox/customers/uk"]))
    assert [i.name for i in found] == ["AAMkAGI2TG93AAA0004=.eml"]
    assert not any(r.path == "/v1.0/users" for r in graph.requests)
    assert not any("AQMkADYAAAIBCQAAAA" in r.path for r in graph.requests)  # Sent Items not listed


def test_read_returns_mime_after_honouring_retry_after(
    graph: FakeGraph, tls: tuple[Path, Path]
) -> None:
    source = make(graph, tls, mailboxes=["alice@contoso.com"])
    item = next(i for i in items(source) if i.name.startswith("AAMkAGI2TG93AAA0002"))
    reader = make(graph, tls, mailboxes=["alice@contoso.com"])  # as a worker would build it
    start = time.monotonic()
    data = reader.read(item)
    assert time.monotonic() - start >= 1.0  # Retry-After: 1 was waited for
    value = [r for r in graph.requests if r.path.endswith("/$value")]
    assert len(value) == 2 and value[0].path == value[1].path
    assert item.metadata["retries"] == "1"
    message = email.message_from_bytes(data, policy=policy.default)
    assert message["From"] == "sam@example.net"
    attachments = list(message.iter_attachments())  # type: ignore[attr-defined]
    assert [a.get_filename() for a in attachments] == ["invoice.txt"]
    assert b"4111 1111 1111 1111" in attachments[0].get_content().encode()


INBOX = f"graph://{TENANT}/users/alice@contoso.com/mailFolders/Inbox/messages/"


def test_delta_round_then_incremental(graph: FakeGraph, tls: tuple[Path, Path]) -> None:
    first = make(graph, tls, mailboxes=["alice@contoso.com"])
    assert len(items(first)) == 5
    links = first.sync_state()
    assert "$deltatoken=" in links[INBOX]
    assert len(links) == 3  # Inbox, Inbox/Customers/UK, Sent Items
    delta_requests = [r for r in graph.requests if r.path.endswith("/messages/delta")]
    assert any("$skiptoken" in r.query for r in delta_requests)  # the inbox needed 2 pages

    # One new message, one deleted: the next walk from the stored links sees only the new one,
    # names the deleted one, and says which folders it listed as changes only.
    inbox = graph.mailbox("alice@contoso.com").folders[0]  # type: ignore[union-attr]
    gone = inbox.messages[0].id
    new = inbox.messages[0].__class__(
        id="AAMkAGI2TG93AAA0009=",
        subject="New",
        sender="new@example.com",
        to=["alice@contoso.com"],
        received="2024-04-01T08:00:00Z",
        body="new",
    )
    inbox.messages = [*inbox.messages[1:], new]
    second = make(graph, tls, state=dict(links), mailboxes=["alice@contoso.com"])
    rows = list(second.walk())
    assert [r.name for r in rows if isinstance(r, Item)] == ["AAMkAGI2TG93AAA0009=.eml"]
    marks = {c.prefix: c.removed for c in rows if isinstance(c, Changes)}
    assert set(marks) == set(links)
    assert marks[INBOX] == (INBOX + gone.replace("=", "%3D"),)
    assert second.sync_state()[INBOX] != links[INBOX]
    assert not any(r.path.endswith("/$value") for r in graph.requests)  # listing reads nothing


def test_expired_delta_link_falls_back_to_full_round(
    graph: FakeGraph, tls: tuple[Path, Path]
) -> None:
    first = make(graph, tls, mailboxes=["bob@contoso.com"])
    assert len(items(first)) == 1
    (link,) = first.sync_state().values()
    graph.expired_delta_tokens.add(link.split("$deltatoken=")[1])
    again = make(graph, tls, state=first.sync_state(), mailboxes=["bob@contoso.com"])
    rows = list(again.walk())
    assert [r.name for r in rows if isinstance(r, Item)] == ["AAMkAGI2TG93AAA0006=.eml"]
    assert not [r for r in rows if isinstance(r, Changes)]  # listed in full: no carrying


def test_unknown_mailbox_is_an_error_row_not_a_crash(
    graph: FakeGraph, tls: tuple[Path, Path]
) -> None:
    rows = list(make(graph, tls, mailboxes=["nobody@contoso.com", "bob@contoso.com"]).walk())
    errors = [r for r in rows if isinstance(r, ItemResult)]
    assert len(errors) == 1 and errors[0].status is Status.ERROR
    assert "HTTP 404" in (errors[0].message or "") and "fix:" in (errors[0].message or "")
    assert [r.name for r in rows if isinstance(r, Item)] == ["AAMkAGI2TG93AAA0006=.eml"]


def test_bad_secret_names_the_problem(
    graph: FakeGraph, tls: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRAPH_SECRET", "wrong")
    rows = list(make(graph, tls, client_id="other-client").walk())
    assert len(rows) == 1 and isinstance(rows[0], ItemResult)
    assert "invalid_client" in (rows[0].message or "")


def test_certificate_credential_signs_a_client_assertion(
    graph: FakeGraph, tls: tuple[Path, Path]
) -> None:
    source = make(
        graph,
        tls,
        client_secret_env="",
        certificate_path=str(tls[1]),
        certificate_thumbprint="A1B2C3D4E5F60718293A4B5C6D7E8F9012345678",
        mailboxes=["bob@contoso.com"],
    )
    assert len(items(source)) == 1
    form = graph.token_requests[-1]
    assert form["client_assertion_type"] == [
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    ]
    assert form["client_assertion"][0].count(".") == 2  # a signed JWT


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"mailboxes": []}, "source[1].mailboxes"),
        ({"client_secret_env": "NOT_SET_ANYWHERE"}, "source[1].client_secret_env"),
        ({"page_size": "10"}, "source[1].page_size"),
        ({"mailbox": ["x"]}, "source[1].mailbox"),
        ({"certificate_path": "missing.pem"}, "source[1].client_secret_env"),
    ],
)
def test_bad_config_names_the_key(
    graph: FakeGraph, tls: tuple[Path, Path], options: dict[str, Any], key: str
) -> None:
    with pytest.raises(ConfigError) as e:
        make(graph, tls, **options)
    assert e.value.key == key
