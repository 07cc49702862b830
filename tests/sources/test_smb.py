"""The SMB source against a real smbd on loopback (started by the fixture, installed if missing)."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from scanner.config import ScanConfig, from_dict
from scanner.errors import ConfigError, TooLargeError
from scanner.models import Item, ItemResult, Status
from sources import smb as smb_module
from sources.smb import SmbSource
from tests.fixtures.samba import (
    EVERYONE_SID,
    FULL,
    INHERIT,
    READ,
    SYSTEM_SID,
    SambaServer,
    set_acl,
    user_sid,
)
from tests.sources.split import walk_in_parts

pytestmark = [pytest.mark.samba, pytest.mark.usefixtures("smb_env")]

LONG_NAME = "L" * 240 + ".txt"
ODD_NAMES = [
    "Tom & Jerry's 'notes' `~!@#$%^().txt",
    "café 😀 Ünïcødé 名前.txt",
    "a;b=c,d[1].txt",
    LONG_NAME,
]


def config(server: SambaServer, share: str, folder: str, root: Path, **options: Any) -> ScanConfig:
    limits = options.pop("limits", {})
    source = {
        "type": "smb",
        "url": server.url(share, folder),
        "username_env": "SMB_USER",
        "password_env": "SMB_PASSWORD",
        "store": "file-servers",
        "retry_backoff_s": 0.2,
        **options,
    }
    store = {"id": "file-servers", "name": "File servers", "readers": ["CORP\\finance"]}
    return from_dict({"source": [source], "store": [store], "limits": limits}, root)


def source(server: SambaServer, share: str, folder: str, **options: Any) -> SmbSource:
    cfg = config(server, share, folder, server.root, **options)
    return SmbSource(cfg.sources[0], cfg)


def new_folder(server: SambaServer, share: str = "finance") -> tuple[str, Path]:
    name = f"t-{uuid.uuid4().hex[:8]}"
    path = server.share_path(share) / name
    path.mkdir()
    return name, path


def populate(samba: SambaServer, names: tuple[str, ...]) -> tuple[str, Path, str]:
    """Make a fresh folder of small files (content = their name); return it and the user's SID."""
    folder, path = new_folder(samba)
    for name in names:
        (path / name).parent.mkdir(exist_ok=True)
        (path / name).write_text(name)
    samba.chown_tree("finance")
    return folder, path, user_sid(samba)


def items_of(walk: Any) -> tuple[dict[str, Item], list[ItemResult]]:
    items: dict[str, Item] = {}
    errors: list[ItemResult] = []
    for x in walk:
        if isinstance(x, Item):
            items[x.ref] = x
        else:
            errors.append(x)
    return items, errors


def test_walk_uses_listing_metadata_and_read_returns_content(samba: SambaServer) -> None:
    folder, path = new_folder(samba)
    files = {
        "a.txt": b"hello",
        "sub/b.csv": b"x" * 70_000,
        "sub/deeper/c.bin": os.urandom(3 * 1024 * 1024 + 7),
    }
    for name in ODD_NAMES:
        files[f"odd/{name}"] = name.encode()
    for rel, data in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_bytes(data)
    samba.chown_tree("finance")
    src = source(samba, "finance", folder)
    try:
        items, errors = items_of(src.walk())
        assert errors == []
        assert sorted(items) == sorted(files)
        for rel, item in items.items():
            local = path / rel
            assert item.size == len(files[rel])
            assert item.modified is not None and item.modified.tzinfo is not None
            assert abs(item.modified.timestamp() - local.stat().st_mtime) < 1
            assert item.uri == f"smb://127.0.0.1:{samba.port}/finance/{folder}/{rel}"
            assert item.store == "file-servers" and item.name == rel.rsplit("/", 1)[-1]
            assert hashlib.sha256(src.read(item)).digest() == hashlib.sha256(files[rel]).digest()
    finally:
        src.close()


def test_windows_illegal_names_come_back_mangled_and_readable(samba: SambaServer) -> None:
    """`<`, `>`, `"`, `|` cannot be in an SMB name: Samba serves an 8.3 alias, which we read."""
    folder, path = new_folder(samba)
    (path / 'quote "<b>" | pipe.txt').write_bytes(b"mangled")
    samba.chown_tree("finance")
    src = source(samba, "finance", folder)
    items, errors = items_of(src.walk())
    assert errors == [] and len(items) == 1
    (item,) = items.values()
    assert "~" in item.name and src.read(item) == b"mangled"


def test_deep_tree_and_max_depth_and_globs(samba: SambaServer) -> None:
    folder, path = new_folder(samba)
    deep = path
    for level in range(25):
        deep = deep / f"level{level:02d}"
        deep.mkdir()
        (deep / "f.txt").write_text(str(level))
        (deep / "skip.tmp").write_text("tmp")
    samba.chown_tree("finance")
    assert len(items_of(source(samba, "finance", folder).walk())[0]) == 50
    shallow, _ = items_of(source(samba, "finance", folder, max_depth=3).walk())
    assert sorted(i.count("/") for i in shallow) == [1, 1, 2, 2, 3, 3]  # level00..level02
    no_tmp, _ = items_of(source(samba, "finance", folder, exclude=["*.tmp"]).walk())
    assert len(no_tmp) == 25 and all(k.endswith("f.txt") for k in no_tmp)
    # Same glob rules as the local source: a pattern matches the relative path or the bare name.
    only, _ = items_of(
        source(
            samba, "finance", folder, include=["level00/level01/f.txt", "*/level03/skip.tmp"]
        ).walk()
    )
    assert sorted(only) == ["level00/level01/f.txt", "level00/level01/level02/level03/skip.tmp"]
    pruned, _ = items_of(
        source(samba, "finance", folder, exclude=["level00/level01/level02"]).walk()
    )
    assert sorted(pruned) == [
        "level00/f.txt",
        "level00/level01/f.txt",
        "level00/level01/skip.tmp",
        "level00/skip.tmp",
    ]


def test_readers_and_broad_access(samba: SambaServer) -> None:
    folder, path, me = populate(samba, ("public.txt", "restricted.txt", "inherits/child.txt"))
    finance = me.rsplit("-", 1)[0] + "-1107"
    set_acl(
        samba,
        "finance",
        f"{folder}/public.txt",
        me,
        [(True, 0, READ, EVERYONE_SID), (True, 0, FULL, me)],
    )
    set_acl(
        samba,
        "finance",
        f"{folder}/restricted.txt",
        me,
        [(True, 0, READ, finance), (True, 0, FULL, me)],
    )
    set_acl(
        samba,
        "finance",
        f"{folder}/inherits",
        me,
        [
            (True, INHERIT, READ, finance),
            (True, INHERIT, FULL, me),
            (True, INHERIT, FULL, SYSTEM_SID),
        ],
    )
    (path / "inherits" / "new.txt").unlink(missing_ok=True)
    # A file created over SMB after the folder's ACL was set inherits it, as on Windows.
    import smbclient

    cache: dict[str, Any] = {}
    with smbclient.open_file(
        f"\\\\127.0.0.1\\finance\\{folder}\\inherits\\new.txt",
        mode="wb",
        port=samba.port,
        username=samba.user,
        password=samba.password,
        connection_cache=cache,
    ) as f:
        f.write(b"inherited")
    smbclient.reset_connection_cache(connection_cache=cache)

    # The configured name wins for finance; the server's LSA names the test user.
    me_name = f"NSTESTSRV\\{samba.user}"
    for mode in ("file", "folder"):
        src = source(samba, "finance", folder, acl=mode, principals={finance: "CORP\\finance"})
        items, errors = items_of(src.walk())
        assert errors == []
        new = items["inherits/new.txt"]
        assert set(new.readers or ()) == {"CORP\\finance", me_name, "NT AUTHORITY\\SYSTEM"}
        assert "broad_access" not in new.metadata
        if mode == "file":
            public, restricted = items["public.txt"], items["restricted.txt"]
            assert public.readers == ("Everyone", me_name)
            assert public.metadata["broad_access"] == "true"
            assert public.metadata["broad_principals"] == "Everyone"
            assert restricted.readers == ("CORP\\finance", me_name)
            assert "broad_access" not in restricted.metadata
            assert restricted.owner == me_name
            assert src.read(restricted) == b"restricted.txt"


def test_denied_folder_is_an_error_row_and_the_walk_goes_on(samba: SambaServer) -> None:
    folder, _path, me = populate(samba, ("a/1.txt", "locked/2.txt", "z/3.txt"))
    set_acl(
        samba,
        "finance",
        f"{folder}/locked",
        me,
        [(False, INHERIT, FULL, me), (True, INHERIT, FULL, SYSTEM_SID)],
    )
    items, errors = items_of(source(samba, "finance", folder).walk())
    assert sorted(items) == ["a/1.txt", "z/3.txt"]
    (error,) = errors
    assert error.status is Status.ERROR
    assert error.item.uri.endswith(f"/{folder}/locked")
    assert "ACCESS_DENIED" in (error.message or "") and "List Folder" in (error.message or "")


def test_too_large_is_refused_before_reading(samba: SambaServer) -> None:
    folder, path = new_folder(samba)
    (path / "big.bin").write_bytes(b"0" * (2 * 1024 * 1024))
    samba.chown_tree("finance")
    src = source(samba, "finance", folder, limits={"max_file_mb": 1})
    (item,) = items_of(src.walk())[0].values()
    with pytest.raises(TooLargeError, match="max_file_mb"):
        src.read(item)


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"url": "http://server/share"}, "source[1].url"),
        ({"url": "smb://server"}, "source[1].url"),
        ({"username_env": "NOT_SET_ANYWHERE_42"}, "source[1].username_env"),
        ({"acl": "sometimes"}, "source[1].acl"),
        ({"colour": "blue"}, "source[1].colour"),
    ],
)
def test_bad_config_names_the_key(samba: SambaServer, options: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        source(samba, "finance", "x", **options)
    assert info.value.key == key and info.value.fix


def test_server_killed_mid_walk_is_retried_and_nothing_is_lost(own_samba: SambaServer) -> None:
    folder, path = new_folder(own_samba)
    expected = {f"d{d}/f{f}.txt" for d in range(6) for f in range(5)}
    for rel in expected:
        (path / rel).parent.mkdir(exist_ok=True)
        (path / rel).write_text(rel)
    own_samba.chown_tree("finance")
    src = source(own_samba, "finance", folder, retries=6)
    walk = src.walk()
    first = next(walk)
    assert isinstance(first, Item)
    restart = own_samba.restart_later(1.0)
    items, errors = items_of(walk)
    restart.join()
    items[first.ref] = first
    assert errors == []
    assert set(items) == expected
    assert sum(int(i.metadata.get("retries", "0")) for i in items.values()) >= 1
    assert all(src.read(i) == i.ref.encode() for i in items.values())


def test_server_killed_mid_read_is_retried(
    own_samba: SambaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, path = new_folder(own_samba)
    data = os.urandom(20 * 1024 * 1024)
    (path / "big.bin").write_bytes(data)
    own_samba.chown_tree("finance")
    src = source(own_samba, "finance", folder, retries=6)
    (item,) = items_of(src.walk())[0].values()
    opened = smb_module.SMBFileIO
    restarts: list[object] = []

    class KillAfterOpen(opened):  # type: ignore[misc, valid-type]
        """The first open succeeds, then the server dies before a byte is read."""

        def open(self, transaction: Any = None) -> None:
            super().open(transaction)
            if not restarts:
                restarts.append(own_samba.restart_later(1.0))

    monkeypatch.setattr(smb_module, "SMBFileIO", KillAfterOpen)
    assert hashlib.sha256(src.read(item)).digest() == hashlib.sha256(data).digest()
    own_samba.kill()  # waits for the pending restart first
    assert src.last_read_retries >= 1


def test_server_that_stays_down_fails_the_item_not_the_process(own_samba: SambaServer) -> None:
    folder, path = new_folder(own_samba)
    (path / "x.txt").write_text("x")
    own_samba.chown_tree("finance")
    src = source(own_samba, "finance", folder, retries=1, retry_backoff_s=0.05)
    (item,) = items_of(src.walk())[0].values()
    own_samba.kill()
    with pytest.raises(smb_module.ItemError, match="connection failed 2 times"):
        src.read(item)
    _, errors = items_of(src.walk())
    assert len(errors) == 1 and errors[0].status is Status.ERROR


def test_a_split_walk_finds_what_the_walk_finds_and_names_the_same_sids(
    samba: SambaServer,
) -> None:
    """Parts listed by separate source objects (Dask workers, issue 19) add up to the walk."""
    names = tuple(f"d{a}/e{b}/f{c}.txt" for a in range(3) for b in range(2) for c in range(2))
    folder, path = new_folder(samba)
    for name in (*names, "top.txt"):
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(name)
    samba.chown_tree("finance")

    def make() -> SmbSource:
        return source(samba, "finance", folder)

    whole = make()
    items, errors = items_of(whole.walk())
    found, parts, ran = walk_in_parts(make, files=3)
    split_items, split_errors = items_of(found)
    assert split_items == items and split_errors == errors and len(items) == 13
    assert parts > 3
    merged = make()
    for src in ran:
        merged.absorb(src.names.facts())
    assert merged.principal_lookups() == whole.principal_lookups()
    assert whole.principal_lookups().resolved > 0
