"""GraphFilesSource against tests/fixtures/fake_graph.py (+ fake_graph_files.py).

Microsoft Graph cannot run here: these tests use a local HTTPS server that answers with Graph's
documented JSON (drives, sites, driveItem delta with @odata.nextLink / @odata.deltaLink,
permissions and sharing links, 302 + Range downloads, errors, 503 with Retry-After). msal signs
in for real against it; only the network is local.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from scanner.config import from_dict
from scanner.errors import ConfigError
from scanner.models import Item, ItemResult
from sources.base import Changes
from sources.graph_files import ANYONE, ORGANISATION, GraphFilesSource
from tests.fixtures.fake_graph import TOKEN, FakeGraph, client_options, make_tls_cert
from tests.fixtures.fake_graph_files import link_permission

TENANT = "contoso.onmicrosoft.com"
PREFIX = f"graph://{TENANT}/drives/"


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_tls_cert(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def graph(tls: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGraph]:
    monkeypatch.setenv("GRAPH_SECRET", "s3cret")
    with FakeGraph(*tls, tenant=TENANT) as g:
        yield g


def make(graph: FakeGraph, tls: tuple[Path, Path], **options: Any) -> GraphFilesSource:
    source = {
        "type": "graph_files",
        "users": ["*"],
        "sites": ["*"],
        **client_options(graph, tls[0]),
    } | options
    scan = from_dict({"source": [source]}, tls[0].parent)
    return GraphFilesSource(scan.sources[0], scan)


def walk(source: GraphFilesSource) -> tuple[dict[str, Item], dict[str, tuple[str, ...]]]:
    """Files by name, and the removed uris of each drive listed as changes only."""
    files, changes = {}, {}
    for x in source.walk():
        assert not isinstance(x, ItemResult), x.message
        if isinstance(x, Changes):
            changes[x.prefix] = x.removed
        else:
            files[x.name] = x
    return files, changes


def test_walk_lists_onedrives_and_libraries_with_readers(
    graph: FakeGraph, tls: tuple[Path, Path]
) -> None:
    files, changes = walk(make(graph, tls))
    assert sorted(files) == [
        "budget.txt", "customers.csv", "cv.txt", "leads.txt", "logo.txt", "payroll.csv"
    ]  # fmt: skip
    assert changes == {}
    cv, customers = files["cv.txt"], files["customers.csv"]
    assert cv.uri == f"{PREFIX}b%21alice-onedrive/items/01ALICECV"
    assert cv.owner == "alice@contoso.com" and cv.readers == ("alice@contoso.com",)
    assert cv.size == len(b"Alice Jones, 12 High Street, Leeds LS1 4AP. Phone 07700 900100.\n")
    assert cv.metadata["drive"] == "OneDrive of alice@contoso.com"
    assert cv.metadata["web_url"].endswith("/personal/alice_contoso_com/Documents/cv.txt")
    assert "broad_access" not in cv.metadata
    # An "anyone with the link" link is a broad reader; so is an organisation-wide link.
    assert customers.readers == ("alice@contoso.com", ANYONE)
    assert customers.metadata["broad_principals"] == ANYONE
    assert files["payroll.csv"].readers == ("Finance Members", ORGANISATION)
    assert files["payroll.csv"].metadata["broad_access"] == "true"
    # A link to specific people names them; site groups are readers by their names.
    assert files["leads.txt"].readers == ("Marketing Members", "dan@partner.com")
    assert files["budget.txt"].owner == "carol@contoso.com"  # a library file's creator
    assert files["budget.txt"].metadata["drive"] == "Finance / Documents"

    v1 = [r for r in graph.requests if r.path.startswith("/v1.0/")]
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in v1)
    deltas = [r for r in v1 if r.path.endswith("/root/delta")]
    assert any("$skiptoken" in r.query for r in deltas)  # pages followed via @odata.nextLink
    assert all("deltashowsharingchanges" in r.headers["prefer"] for r in deltas)
    # Bob has no OneDrive (404): skipped, as users = ["*"] meets unlicensed users.
    assert any(unquote(r.path) == "/v1.0/users/bob@contoso.com/drive" for r in v1)


def test_sites_and_libraries_are_selected_by_name(graph: FakeGraph, tls: tuple[Path, Path]) -> None:
    files, _ = walk(make(graph, tls, users=[], sites=["Finance"], libraries=["documents"]))
    assert sorted(files) == ["budget.txt", "payroll.csv"]
    assert not any("marketing" in r.path or "assets" in r.path for r in graph.requests)
    assert not any(r.path.endswith("/drive") for r in graph.requests)


def test_unknown_site_is_an_error_row(graph: FakeGraph, tls: tuple[Path, Path]) -> None:
    rows = list(make(graph, tls, users=[], sites=["Legal"]).walk())
    assert len(rows) == 1 and isinstance(rows[0], ItemResult)
    assert "no SharePoint site is named 'legal'" in (rows[0].message or "")


def test_read_streams_in_ranges_without_the_token_and_resumes_a_drop(
    graph: FakeGraph, tls: tuple[Path, Path]
) -> None:
    source = make(graph, tls, users=["alice@contoso.com"], sites=[])
    files, _ = walk(source)
    customers = files["customers.csv"]
    graph.files.cut_once.add("01ALICECUST")
    reader = make(graph, tls, download_chunk_mb=16 / (1024 * 1024))  # 16-byte ranges
    data = reader.read(customers)
    assert data == graph.files.user_drives["alice@contoso.com"].file("customers.csv").content
    downloads = [r for r in graph.requests if r.path.startswith("/download/")]
    assert "authorization" not in {k for r in downloads for k in r.headers}
    starts = [int(r.headers["range"].split("=")[1].split("-")[0]) for r in downloads]
    # 16-byte ranges; the second dropped half-way and was asked for again from where it was
    # (byte 16, or 24 when the half that arrived was kept), never from the start.
    assert starts[:2] == [0, 16] and starts[2] in (16, 24)
    assert starts == sorted(starts) and starts[-1] < len(data)
    assert customers.metadata["retries"] == "1"


def test_throttled_permissions_wait_for_retry_after(
    graph: FakeGraph, tls: tuple[Path, Path]
) -> None:
    graph.files.fail_once["/items/01ALICECV/permissions"] = 503
    start = time.monotonic()
    files, _ = walk(make(graph, tls, users=["alice@contoso.com"], sites=[]))
    assert time.monotonic() - start >= 1.0  # Retry-After: 1
    assert files["cv.txt"].metadata["retries"] == "1"
    assert files["cv.txt"].readers == ("alice@contoso.com",)


def test_delta_sync_points_list_only_changes(graph: FakeGraph, tls: tuple[Path, Path]) -> None:
    first = make(graph, tls)
    walk(first)
    points = first.sync_state()
    assert len(points) == 4  # one per drive
    again = make(graph, tls)
    again.start_from(points)
    assert walk(again) == ({}, {p: () for p in points})

    finance = graph.files.sites[0].drives[0]
    finance.edit(
        "budget.txt", b"Budget holder now Ravi Patel, ravi@example.com\n", "2024-06-01T09:00:00Z"
    )
    alice = graph.files.user_drives["alice@contoso.com"]
    alice.share("cv.txt", link_permission("anonymous"))
    gone = graph.files.sites[1].drives[0].remove("leads.txt")
    third = make(graph, tls)
    third.start_from(points)
    files, changes = walk(third)
    assert sorted(files) == ["budget.txt", "cv.txt"]
    assert files["budget.txt"].size == len(b"Budget holder now Ravi Patel, ravi@example.com\n")
    assert files["cv.txt"].readers == ("alice@contoso.com", ANYONE)
    marketing = f"{PREFIX}b%21marketing-docs/items/"
    assert changes[marketing] == (marketing + gone.id,)
    assert sum(bool(r) for r in changes.values()) == 1


def test_expired_delta_link_restarts_from_location(
    graph: FakeGraph, tls: tuple[Path, Path]
) -> None:
    first = make(graph, tls, users=["alice@contoso.com"], sites=[])
    walk(first)
    (link,) = first.sync_state().values()
    graph.files.expired_tokens.add(link.rsplit("token=", 1)[1])
    again = make(graph, tls, users=["alice@contoso.com"], sites=[])
    again.start_from(first.sync_state())
    files, changes = walk(again)
    assert sorted(files) == ["customers.csv", "cv.txt"] and changes == {}


def test_config_needs_users_or_sites(graph: FakeGraph, tls: tuple[Path, Path]) -> None:
    with pytest.raises(ConfigError) as e:
        make(graph, tls, users=[], sites=[])
    assert e.value.key == "source[1].users"
