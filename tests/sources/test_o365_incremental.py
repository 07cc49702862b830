"""Nightly --incremental scans of Office 365 mail and files read only what changed, output all.

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

from reports.scope import evaluate
from scanner.categories import CATEGORIES
from scanner.config import from_dict
from scanner.pipeline import run_scan
from tests.fixtures.fake_graph import FakeGraph, Message, make_tls_cert
from tests.fixtures.fake_graph_files import link_permission

pytestmark = pytest.mark.slow
TENANT = "contoso.onmicrosoft.com"


@pytest.fixture
def graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGraph]:
    monkeypatch.setenv("GRAPH_SECRET", "s3cret")
    with FakeGraph(*make_tls_cert(tmp_path), tenant=TENANT) as g:
        g.throttle_value_once = False
        yield g


def config(graph: FakeGraph, tmp_path: Path) -> Any:
    """Alice's and Bob's mail, Alice's OneDrive and the Finance site, in one declared store."""
    common = {
        "tenant_id": TENANT,
        "client_id": "6731de76-14a6-49ae-97bc-6eba6914391e",
        "client_secret_env": "GRAPH_SECRET",
        "authority": graph.url,
        "graph_url": f"{graph.url}/v1.0",
        "ca_bundle": "graph-cert.pem",
        "page_size": 2,
    }
    files = {
        "users": ["alice@contoso.com"],
        "sites": ["Finance"],
        "libraries": ["Documents"],
        "download_chunk_mb": 0.001,
    }
    return from_dict(
        {
            "scan": {"out": str(tmp_path / "out"), "workers": 1},
            "store": [
                {
                    "id": "office-365",
                    "name": "Office 365",
                    "categories": list(CATEGORIES),
                    "readers": ["alice", "carol", "Finance Members"],
                }
            ],
            "source": [
                {"id": "mail", "type": "graph", "mailboxes": ["*"], **common},
                {"id": "files", "type": "graph_files", "store": "office-365", **files, **common},
            ],
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
    """Messages ($value) and files (content, and the pre-authenticated URL) fetched since."""
    return [
        unquote(r.path)
        for r in graph.requests[since:]
        if r.path.endswith(("/$value", "/content")) or r.path.startswith("/download/")
    ]


def flagged(out: Path, cfg: Any) -> dict[str, str]:
    """Files flagged access_broader_than_declared, with the readers that made them so."""
    evaluate(out, cfg)
    violations = pq.read_table(out / "violations.parquet").to_pylist()
    names = {r["uri"]: r["name"] for r in pq.read_table(out / "items.parquet").to_pylist()}
    return {
        names[v["item_uri"]]: v["detail"]
        for v in violations
        if v["kind"] == "access_broader_than_declared"
    }


def test_unchanged_night_downloads_nothing_and_changes_are_read(
    graph: FakeGraph, tmp_path: Path
) -> None:
    cfg = config(graph, tmp_path)
    first = run_scan(cfg).out_dir
    assert len([p for p in downloads(graph, 0) if p.endswith("/$value")]) == 6
    assert len([p for p in downloads(graph, 0) if p.endswith("/content")]) == 4
    assert len(uris(first)) == 10
    assert set(flagged(first, cfg)) == {"customers.csv", "payroll.csv"}

    mark = len(graph.requests)
    second = run_scan(cfg, incremental=True).out_dir
    assert downloads(graph, mark) == []  # nothing re-read, no message and no file
    assert uris(second) == uris(first) and findings(second) == findings(first)
    counts = json.loads((second / "scan.json").read_text())["counts"]
    assert counts["carried"] >= 10 and counts["gone"] == 0
    assert flagged(second, cfg) == flagged(first, cfg)

    # Mail: one message deleted, one new. Files: the budget's content changes (new eTag and
    # cTag), Alice's CV gets an "anyone with the link" link (new eTag only), payroll is deleted.
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
    finance = graph.files.sites[0].drives[0]
    finance.edit(
        "budget.txt",
        b"Budget holder now Ravi Patel, ravi.patel@example.com\n",
        "2024-06-01T09:00:00Z",
    )
    payroll = finance.remove("payroll.csv")
    graph.files.user_drives["alice@contoso.com"].share("cv.txt", link_permission("anonymous"))
    mark = len(graph.requests)
    third = run_scan(cfg, incremental=True).out_dir
    fetched = downloads(graph, mark)
    assert [p.rsplit("/", 2)[-2] for p in fetched if p.endswith("/$value")] == [
        "AAMkAGI2TG93AAA0042="
    ]
    assert [p.split("/")[-2] for p in fetched if p.endswith("/content")] == ["01FINBUDGET"]
    now = uris(third)
    new_uri = next(u for u in now if u.endswith("AAA0042%3D"))
    assert now == (
        uris(second) - {u for u in uris(second) if u.endswith(("AAA0001%3D", payroll.id))}
    ) | {new_uri}
    assert any(uri == new_uri for uri, _ in findings(third))
    assert not any(gone.id[-8:-1] in uri for uri, _ in findings(third))
    budget = next(u for u in now if u.endswith("01FINBUDGET"))
    assert {h for u, h in findings(third) if u == budget} != {
        h for u, h in findings(second) if u == budget
    }
    assert json.loads((third / "scan.json").read_text())["counts"]["gone"] == 2
    # The CV was not downloaded again, yet its new link is seen: carried with fresh readers.
    now_flagged = flagged(third, cfg)
    assert set(now_flagged) == {"customers.csv", "cv.txt"}
    assert "Anyone with the link" in now_flagged["cv.txt"]
