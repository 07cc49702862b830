"""The demo estate, scanned with config.example.toml, gives exactly the violations it was built for.

End to end with the real CLI, the real extractors and the real model. The expected rows are not a
hard-coded list: they follow from the estate's manifest (every planted value, its file or nested
member, and its category) and the notice as config.example.toml encodes it, by the rules' plain
meaning. A detector miss drops a row, a false positive adds one, a rule slip does either; all
three fail this test, and the message lists exactly which rows differ.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from reports.scope import years_before
from scanner import config as config_mod
from tests.conftest import REPO, make_estate, run_cli

ESTATE_SCRIPT = REPO / "examples" / "make_estate.py"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ESTATE_SCRIPT.exists(), reason="needs examples/make_estate.py"),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    """Build the estate beside a copy of config.example.toml and scan it: (root, scan, exit)."""
    root = tmp_path_factory.mktemp("demo")
    estate = root / "examples" / "estate"
    make_estate(estate)
    shutil.copy(REPO / "config.example.toml", root / "config.toml")
    done = run_cli("scan", "--config", str(root / "config.toml"), "--quiet", timeout=900)
    assert done.returncode in (0, 1), done.stderr
    return root, root / "scans" / "latest", done.returncode


def expected(root: Path, started: datetime) -> set[tuple[str, str, str, str]]:
    """(kind, store, item relative to the estate, category) from the manifest and the notice."""
    cfg = config_mod.load(root / "config.toml")
    estate = root / "examples" / "estate"
    manifest = json.loads((root / "examples" / "estate.manifest.json").read_text())
    store_of = {Path(s.options["path"]).name: s.store for s in cfg.sources}
    stores = {s.id: s for s in cfg.stores}
    rows: set[tuple[str, str, str, str]] = set()
    for entry in manifest:
        category = entry["category"]
        if category is None:  # a trap: must never be reported
            continue
        item = entry["file"] + entry["member"]
        store_id = store_of[entry["file"].split("/", 1)[0]]
        if store_id not in stores:
            rows.add(("store_not_declared", store_id, item, category))
            continue
        store = stores[store_id]
        if category not in store.categories:
            rows.add(("category_not_declared", store_id, item, category))
        if store.retention_years:
            mtime = datetime.fromtimestamp((estate / entry["file"]).stat().st_mtime, UTC)
            if mtime < years_before(started, store.retention_years):
                rows.add(("retention_exceeded", store_id, item, category))
        source = next(s for s in cfg.sources if s.store == store_id)
        if source.location and source.location not in store.locations:  # demo: UK and US only
            rows.add(("location_not_allowed", store_id, item, category))
        if store.encrypted:  # the estate's backup is a plain zip: everything in it is readable
            rows.add(("unencrypted", store_id, item, category))
    return rows


def test_demo_estate_gives_the_designed_violations_and_no_others(
    demo: tuple[Path, Path, int],
) -> None:
    root, scan, code = demo
    started = datetime.fromisoformat(json.loads((scan / "scan.json").read_text())["started"])
    prefix = str((root / "examples" / "estate").resolve()) + "/"
    got = {
        (kind, store, uri.removeprefix(prefix), category)
        for kind, store, uri, category in duckdb.sql(
            f"SELECT kind, store, item_uri, category FROM '{scan}/violations.parquet'"
        ).fetchall()
    }
    want = expected(root, started)
    assert {k for k, *_ in want} == {
        "store_not_declared",
        "category_not_declared",
        "retention_exceeded",
        "location_not_allowed",
        "unencrypted",
    }  # the estate and config still demonstrate every rule a local source can show
    missing, extra = sorted(want - got), sorted(got - want)
    assert not missing and not extra, f"missing: {missing}\nextra: {extra}"
    assert code == 1
    assert (scan / "report.html").exists()
