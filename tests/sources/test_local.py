"""The local source's walk and its listing (the columns --incremental compares) on a real tree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scanner import config as config_mod
from scanner.incremental import micros
from scanner.models import Item, ItemResult
from sources.local import LocalSource


def source(tmp_path: Path, root: Path, **options: object) -> LocalSource:
    cfg = config_mod.from_dict(
        {
            "scan": {"out": str(tmp_path / "out")},
            "source": [{"type": "local", "path": str(root), "id": "t", **options}],
        },
        tmp_path,
    )
    return LocalSource(cfg.sources[0], cfg)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    (root / "a" / "deep").mkdir(parents=True)
    (root / "b").mkdir()
    (root / "top.txt").write_text("x")
    (root / "a" / "one.txt").write_text("xx")
    (root / "a" / "skip.tmp").write_text("xxx")
    (root / "a" / "deep" / "two.csv").write_text("xxxx")
    (root / "b" / "three.txt").write_text("xxxxx")
    os.utime(root / "b" / "three.txt", (1_700_000_000.1234565, 1_700_000_000.1234565))
    (root / "link.txt").symlink_to(root / "top.txt")
    bad = os.fsencode(str(root / "b")) + b"/caf\xe9.txt"  # not UTF-8
    with open(bad, "wb") as fh:
        fh.write(b"latin-1 name")
    return root


def test_walk_and_listing_give_the_same_items(tmp_path: Path, tree: Path) -> None:
    src = source(tmp_path, tree)
    walked = list(src.walk())
    assert all(isinstance(x, Item) for x in walked)
    chunks = list(src.listing(chunk=2))  # several chunks
    assert len(chunks) > 1
    listed = [c.item(i) for c in chunks for i in range(len(c))]
    assert listed == walked
    names = [x.uri[len(str(tree)) + 1 :] for x in walked]
    # As the walk always went: depth-first, folders in name order, a folder's own files in
    # reverse name order; the symlink is not followed.
    assert names == [
        "top.txt",
        "a/skip.tmp",
        "a/one.txt",
        "a/deep/two.csv",
        "b/three.txt",
        r"b/caf\xe9.txt",
    ]
    bad = next(x for x in walked if "caf" in x.uri)
    assert src.read(bad) == b"latin-1 name"  # the uri is readable, the ref is the real path
    for c in chunks:  # the compared form equals what the state stores for the Item
        assert c.modified_micros().to_pylist() == [
            micros(c.item(i).modified) for i in range(len(c))
        ]


def test_filters_and_depth_apply_to_the_listing(tmp_path: Path, tree: Path) -> None:
    src = source(tmp_path, tree, exclude=["*.tmp", "b"], max_depth=1)
    uris = [u for c in src.listing() for u in c.uris]
    assert uris == [str(tree / "top.txt"), str(tree / "a" / "one.txt")]
    src = source(tmp_path, tree, include=["*.csv"])
    assert [x.uri for x in src.walk()] == [str(tree / "a" / "deep" / "two.csv")]
    single = source(tmp_path, tree / "top.txt")
    assert [x.uri for x in single.walk()] == [str(tree / "top.txt")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists any folder")
def test_unlistable_folder_is_an_error_row_in_both(tmp_path: Path, tree: Path) -> None:
    (tree / "b").chmod(0)
    try:
        src = source(tmp_path, tree)
        errors = [x for x in src.walk() if isinstance(x, ItemResult)]
        assert [e.item.uri for e in errors] == [str(tree / "b")]
        assert [e.item.uri for c in src.listing() for e in c.errors] == [str(tree / "b")]
    finally:
        (tree / "b").chmod(0o755)
