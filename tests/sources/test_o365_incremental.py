"""Nightly --incremental scans of Office 365 read only what changed, and still output everything.

The real pipeline (worker processes, the NLP model) runs against tests/fixtures/fake_graph.py, a
local HTTPS server answering with Microsoft Graph's documented JSON (delta rounds with
`@odata.nextLink` / `@odata.deltaLink`, `@removed` messages, `$value` MIME); no tenant is
contacted. The server logs every request, so "downloads nothing" is counted, not assumed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyarrow.parquet as pq
import pytest

from scanner.config import from_dict
from scanner.pipeline import run_scan
from tests.fixtures.fake_graph import FakeGraph, Message, make_tls_cert

pytestmark = pytest.mark.slow
TENANT = "contoso.onmicrosoft.com"


@pytest.fixture
def graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGraph]:
    monkeypatch.setenv("GRAPH_SECRET", "s3cret")
    with FakeGraph(*make_tls_cert(tmp_path), tenant=TENANT) as g:
        g.throttle_value_once = False
        yield g


def config(graph: FakeGraph, tmp_path: Path) -> Any:
    common = {
        "tenant_id": TENANT,
        "client_id": "6731de76-14a6-49ae-97bc-6eba6914391e",
        "client_secret_env": "GRAPH_SECRET",
        "authority": graph.url,
        "graph_url": f"{graph.url}/v1.0",
        "ca_bundle": "graph-cert.pem",
        "page_size": 2,
    }
    return from_dict(
        {
            "scan": {"out": str(tmp_path / "out"), "workers": 1},
            "source": [{"id": "mail", "type": "graph", "mailboxes": ["*"], **common}],
        },
        tmp_path,
    )


def uris(out: Path) -> set[str]:
    table = pq.read_table(out / "items.parquet", columns=["uri", "parent_uri"])
    return {r["uri"] for r in table.to_pylist() if r["parent_uri"] is None}


def findings(out: Path) -> set[tuple[str, str]]:
    table = pq.read_table(out / "findings.parquet", columns=["item_uri", "value_hash"])
    return {(r["item_uri"], r["value_hash"]) for r in table.to_pylist()}


def downloads(graph: FakeGraph, since: int) -> list[str]:
    return [unquote(r.path) for r in graph.requests[since:] if r.path.endswith("/$value")]


def test_unchanged_night_downloads_nothing_and_changes_are_read(
    graph: FakeGraph, tmp_path: Path
) -> None:
    cfg = config(graph, tmp_path)
    first = run_scan(cfg).out_dir
    assert len(downloads(graph, 0)) == 6
    assert len(uris(first)) == 6

    mark = len(graph.requests)
    second = run_scan(cfg, incremental=True).out_dir
    assert downloads(graph, mark) == []  # nothing re-read
    assert uris(second) == uris(first) and findings(second) == findings(first)
    counts = json.loads((second / "scan.json").read_text())["counts"]
    assert counts["carried"] >= 6 and counts["gone"] == 0

    inbox = graph.mailbox("alice@contoso.com").folders[0]  # type: ignore[union-attr]
    gone = inbox.messages.pop(0)
    inbox.messages.append(
        Message(
            id="AAMkAGI2TG93AAA0042=",
            subject="Change of address",
            sender="nina@example.com",
            to=["alice@contoso.com"],
            received="2024-05-02T10:00:00Z",
            body="Please send post to Nina Brook, 7 Elm Road, York YO1 7HH. Tel 07700 900777.",
        )
    )
    mark = len(graph.requests)
    third = run_scan(cfg, incremental=True).out_dir
    assert [p.rsplit("/", 2)[-2] for p in downloads(graph, mark)] == ["AAMkAGI2TG93AAA0042="]
    new_uri = next(u for u in uris(third) if u.endswith("AAA0042%3D"))
    assert uris(third) == (uris(second) - {u for u in uris(second) if "AAA0001" in u}) | {new_uri}
    assert any(uri == new_uri for uri, _ in findings(third))
    assert not any(gone.id[-8:-1] in uri for uri, _ in findings(third))
    assert json.loads((third / "scan.json").read_text())["counts"]["gone"] == 1
