"""The local source's walk and its listing (the columns --incremental compares) on a real tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scanner import config as config_mod
from scanner.incremental import micros
from scanner.models import Item, ItemResult
from sources.listing import Listing
from sources.local import LocalSource
from tests.conftest import NO_DAC, REPO, cli_env
from tests.sources.split import walk_in_parts


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
    rows = list(src.walk())
    walked = [x for x in rows if isinstance(x, Item)]
    (link,) = [x for x in rows if isinstance(x, ItemResult)]  # the symlink: a row, not followed
    assert link.item.uri == str(tree / "link.txt") and link.status == "skipped"
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


# The walk and the listing of one tree, each error's uri, as JSON: run without root's bypass.
_ERRORS = """
import json, sys
from pathlib import Path
from scanner.models import ItemResult
from tests.sources.test_local import source
tmp, tree = Path(sys.argv[1]), Path(sys.argv[2])
src = source(tmp, tree)
print(json.dumps([
    [x.item.uri for x in src.walk() if isinstance(x, ItemResult)],
    [e.item.uri for c in src.listing() for e in c.errors],
]))
"""


def _errors_as_plain_user(tmp: Path, tree: Path) -> list[list[str]]:
    """Walk and list `tree` as a process the permissions apply to (as root: NO_DAC).

    Root lists any folder, so a real permission denial needs a process without root's
    permission-bypassing capabilities.
    """
    command = [*(NO_DAC if os.geteuid() == 0 else []), sys.executable, "-c", _ERRORS, str(tmp)]
    done = subprocess.run(
        [*command, str(tree)], cwd=REPO, env=cli_env(), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_unlistable_folder_is_an_error_row_in_both(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "a").mkdir(parents=True)
    (tree / "a" / "one.txt").write_text("x")
    (tree / "b").mkdir()
    (tree / "b" / "hidden.txt").write_text("x")
    (tree / "b").chmod(0)
    try:
        walked, listed = _errors_as_plain_user(tmp_path, tree)
    finally:
        (tree / "b").chmod(0o755)
    assert walked == listed == [str(tree / "b")]


def test_links_pipes_sockets_and_devices_get_a_skipped_row_and_are_never_opened(
    tmp_path: Path,
) -> None:
    """Issue 13: a FIFO blocked the walk's reader forever; symlinks and FIFOs had no row."""
    import socket
    import stat

    root = tmp_path / "special"
    root.mkdir()
    (root / "real.txt").write_text("Call Marcus Bell on 07700 900123")
    (root / "loop").symlink_to(root / "loop")  # a link to itself
    (root / "escape").symlink_to("/etc/shadow")
    os.mkfifo(root / "pipe")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(root / "sock"))
    os.mknod(root / "null", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    rows = {x.item.uri.rsplit("/", 1)[1]: x for x in source(tmp_path, root).walk()
            if isinstance(x, ItemResult)}  # fmt: skip
    why = {name: (r.status, r.message) for name, r in rows.items()}
    assert why == {
        "loop": ("skipped", "symbolic link: not followed (it may loop or lead outside the source)"),
        "escape": (
            "skipped",
            "symbolic link: not followed (it may loop or lead outside the source)",
        ),
        "pipe": ("skipped", "named pipe (FIFO): not a file, not read"),
        "sock": ("skipped", "socket: not a file, not read"),
        "null": ("skipped", "character device: not a file, not read"),
    }
    items = [x for x in source(tmp_path, root).walk() if isinstance(x, Item)]
    assert [x.name for x in items] == ["real.txt"]


def test_read_refuses_a_file_over_the_limit_without_reading_it(tmp_path: Path) -> None:
    """Issue 13: a file over max_file_mb was read up to the limit anyway."""
    from scanner.errors import TooLargeError

    root = tmp_path / "big"
    root.mkdir()
    with open(root / "big.log", "wb") as fh:
        fh.truncate(3 * 1024 * 1024)  # sparse: 3 MB that cost nothing to make
    src = source(tmp_path, root)
    src.limits = config_mod.Limits(max_file_mb=1.0)
    (item,) = [x for x in src.walk() if isinstance(x, Item)]
    before = _bytes_read()
    with pytest.raises(TooLargeError, match="not read"):
        src.read(item)
    assert _bytes_read() - before < 64 * 1024  # the old reader read the whole first MB


def _bytes_read() -> int:
    """Bytes read() by this process so far (Linux /proc/self/io `rchar`)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


def test_a_split_walk_finds_what_the_walk_finds(tmp_path: Path) -> None:
    """Parts of a few files each (one per folder left), as Dask workers list them (issue 19)."""
    root = tmp_path / "tree"
    for a in range(3):
        for b in range(4):
            leaf = root / f"a{a}" / f"b{b}"
            leaf.mkdir(parents=True)
            for c in range(3):
                (leaf / f"f{c}.txt").write_text("x" * (a + b + c))
        (root / f"a{a}" / "top.txt").write_text("top")
    (root / "a1" / "link").symlink_to(root / "a0")
    (root / "locked").mkdir()
    (root / "locked").chmod(0)
    cfg = config_mod.from_dict(
        {"source": [{"type": "local", "path": str(root), "exclude": ["b3"]}]}, tmp_path
    )

    def make() -> LocalSource:
        return LocalSource(cfg.sources[0], cfg)

    def key(x: Item | ItemResult) -> tuple[str, str]:
        return (x.uri, "item") if isinstance(x, Item) else (x.item.uri, str(x.status))

    try:
        whole = sorted(map(key, make().walk()))
        found, parts, _ = walk_in_parts(make, files=4)
    finally:
        (root / "locked").chmod(0o755)
    assert sorted(map(key, found)) == whole
    assert len(whole) == 3 * 3 * 3 + 3 + 1 + (0 if os.geteuid() == 0 else 1)
    assert parts > 5  # it really was split
    single = tmp_path / "one.txt"
    single.write_text("one")
    cfg1 = config_mod.from_dict({"source": [{"type": "local", "path": str(single)}]}, tmp_path)
    step = LocalSource(cfg1.sources[0], cfg1).walk_step(None, 10)
    assert isinstance(step.found, Listing) and step.found.uris == [str(single)] and not step.rest
