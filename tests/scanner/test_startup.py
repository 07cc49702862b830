"""The command line starts fast: it imports no client library, parser or model it does not use.

Heavy optional backends are pip extras; a configured source or feature whose extra is missing
is one line naming it. The missing package is simulated with `sys.modules[name] = None` (Python
then refuses the import as if it were not installed), never by uninstalling anything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.errors import ConfigError, UnsupportedError
from sources.registry import SOURCE_EXTRAS, SOURCE_TYPES, build_sources
from tests.conftest import cli_env
from tests.scanner.test_config import load

HEAVY = (
    "exchangelib", "msal", "smbprotocol", "smbclient", "impacket", "ldap3", "pypff", "spacy",
    "presidio_analyzer", "duckdb", "tesserocr", "pyarrow", "requests", "extract_msg",
)  # fmt: skip


def test_importing_the_cli_imports_no_heavy_library() -> None:
    code = f"import sys, scanner.cli; print([m for m in {HEAVY!r} if m in sys.modules])"
    r = subprocess.run(
        [sys.executable, "-c", code], env=cli_env(), capture_output=True, text=True, check=True
    )
    assert json.loads(r.stdout.replace("'", '"')) == []


def test_the_installed_console_script_runs_beside_impacket_scripts(tmp_path: Path) -> None:
    """Impacket puts bin/smbclient.py beside bin/noticescan; it must not shadow `smbclient`."""
    script = Path(sys.executable).parent / "noticescan"
    if not script.exists():
        pytest.skip("noticescan is not installed in this environment")
    r = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and "noticescan" in r.stdout
    # An smb source without its url: the source's own option check answers, so its module and
    # smbclient imported (a shadowed smbclient would be reported as not installed).
    cfg = tmp_path / "c.toml"
    cfg.write_text("[[source]]\ntype = 'smb'\n")
    r = subprocess.run([str(script), "scan", "--config", str(cfg)], capture_output=True, text=True)
    assert r.returncode == 2
    assert "source[1].url" in r.stderr and "not installed" not in r.stderr, r.stderr


@pytest.mark.parametrize(
    ("kind", "module", "extra"),
    [("smb", "smbclient", "smb"), ("ews", "exchangelib", "exchange"), ("graph", "msal", "o365"),
     ("graph_files", "msal", "o365")],
)  # fmt: skip
def test_a_source_whose_extra_is_missing_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, module: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.delitem(sys.modules, SOURCE_TYPES[kind].partition(":")[0], raising=False)
    cfg = load(f"[[source]]\ntype = '{kind}'\n", tmp_path)
    with pytest.raises(ConfigError) as e:
        build_sources(cfg)
    assert e.value.key == "source[1].type"
    assert "not installed" in e.value.problem
    assert e.value.fix == f"pip install 'noticescan[{extra}]'"
    assert "\n" not in str(e.value)


def test_every_extra_a_source_names_exists_in_pyproject() -> None:
    import tomllib

    from scanner.extras import EXTRAS

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    declared = pyproject["project"]["optional-dependencies"]
    assert set(SOURCE_EXTRAS.values()) <= set(EXTRAS) <= set(declared)
    (everything,) = declared["all"]
    assert set(everything.split("[")[1].rstrip("]").split(",")) == set(EXTRAS)


def test_a_missing_extra_is_found_even_when_the_module_imports_it_at_the_top(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pre-check passes (smbprotocol is there) but the module's own import fails."""
    monkeypatch.setitem(sys.modules, "smbprotocol.open", None)
    monkeypatch.delitem(sys.modules, "sources.smb", raising=False)
    cfg = load("[[source]]\ntype = 'smb'\nurl = 'smb://h/s'\n", tmp_path)
    with pytest.raises(ConfigError, match=r"noticescan\[smb\]"):
        build_sources(cfg)


def test_pst_without_libpff_is_an_unsupported_item_naming_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scanner.extract import pst

    monkeypatch.setitem(sys.modules, "pypff", None)
    with pytest.raises(UnsupportedError, match=r"libpff-python.*noticescan\[pst\]"):
        pst.open_pst(b"!BDN" + bytes(600))
    archive = tmp_path / "leaver.pst"
    archive.write_bytes(b"!BDN" + bytes(600))
    cfg = load(f"[[source]]\ntype = 'archive'\npath = '{archive}'\n", tmp_path)
    with pytest.raises(ConfigError, match=r"source\[1\].path.*noticescan\[pst\]"):
        build_sources(cfg)


def test_ocr_without_tesserocr_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scanner.extract import ocr

    monkeypatch.setitem(sys.modules, "tesserocr", None)
    monkeypatch.setattr(ocr, "_ENGINES", {})
    settings = load("", tmp_path).ocr  # on by default: each item says what is missing
    if settings.tessdata_dir() is None:
        pytest.skip("no Tesseract language data here")
    with pytest.raises(UnsupportedError, match=r"noticescan\[ocr\]"):
        ocr.engine(settings)
    with pytest.raises(ConfigError, match=r"ocr.enabled.*noticescan\[ocr\]"):
        load("[ocr]\nenabled = true\n", tmp_path)  # asked for in so many words: told now
