from __future__ import annotations

from pathlib import Path

import pytest

from scanner import config
from scanner.errors import ConfigError
from sources.registry import build_sources
from tests.conftest import run_cli


def load(text: str, tmp_path: Path) -> config.ScanConfig:
    p = tmp_path / "c.toml"
    p.write_text(text)
    return config.load(p)


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("[scan]\nworkers = 'two'\n", "scan.workers", "must be a int"),
        ("[scan]\nwokers = 2\n", "scan.wokers", "not a known setting"),
        ("[limits]\nmax_file_mb = -1\n", "limits.max_file_mb", "greater than 0"),
        ("[detectors]\nthreshold = 2\n", "detectors.threshold", "between 0 and 1"),
        ("[ocr]\ndpi = 1200\n", "ocr.dpi", "between 72 and 600"),
        ("[ocr]\nmax_pages = 0\n", "ocr.max_pages", "greater than 0"),
        ("[ocr]\nlanguage = ['eng']\n", "ocr.language", "not a known setting"),
        ("[ocr]\ntessdata = '/nonexistent'\n", "ocr.tessdata", "not a folder"),
        ("[[store]]\nname = 'x'\n", "store[1].id", "is required"),
        (
            "[[store]]\nid = 'a'\ncategories = ['names']\n",
            "store[1].categories",
            "unknown category",
        ),
        (
            "[[source]]\ntype = 'local'\npath = '.'\nstore = 'crm'\n",
            "source[1].store",
            "no [[store]] declares",
        ),
        ("[[source]]\npath = '.'\n", "source[1].type", "is required"),
        ("bogus = [\n", "c.toml", "not valid TOML"),
    ],
)
def test_bad_config_names_key_problem_and_fix(
    tmp_path: Path, text: str, key: str, words: str
) -> None:
    with pytest.raises(ConfigError) as e:
        load(text, tmp_path)
    assert key in e.value.key
    assert words in e.value.problem
    assert e.value.fix


def test_source_options_are_validated_by_the_source_type(tmp_path: Path) -> None:
    cfg = load("[[source]]\ntype = 'local'\npath = 'x'\nfollow = true\n", tmp_path)
    with pytest.raises(ConfigError, match=r"source\[1\].follow"):
        build_sources(cfg)
    cfg = load("[[source]]\ntype = 'ftp'\n", tmp_path)
    with pytest.raises(ConfigError, match="unknown source type 'ftp'"):
        build_sources(cfg)


def test_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    cfg = load(
        "[scan]\nout = 'out'\n[[store]]\nid = 'crm'\ncategories = ['name']\nlocations = ['uk']\n"
        "[[source]]\ntype = 'local'\npath = 'data'\nstore = 'crm'\nlocation = 'uk'\n",
        tmp_path,
    )
    assert cfg.out == tmp_path / "out"
    (src,) = build_sources(cfg)
    assert src.root == tmp_path / "data"  # type: ignore[attr-defined]
    assert cfg.store("crm").locations == ("UK",)
    assert cfg.sources[0].location == "UK"
    assert cfg.store("nope").id == "undeclared"


def test_cli_bad_config_is_one_line_and_exit_2(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text("[scan]\nworkers = -3\n")
    r = run_cli("scan", "--config", str(p))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "scan.workers" in lines[0] and "fix:" in lines[0]


def test_cli_needs_config_or_paths() -> None:
    r = run_cli("scan")
    assert r.returncode == 2
    assert "--config FILE or one or more PATHS" in r.stderr


def test_detector_entity_names_are_checked_when_the_config_loads(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as e:
        load("[detectors]\ndisabled = ['US_SSN']\n", tmp_path)
    assert e.value.key == "detectors.disabled" and "UK_NINO" in e.value.fix
    with pytest.raises(ConfigError) as e:
        load("[detectors.thresholds]\nPHONE = 0.7\n", tmp_path)
    assert e.value.key == "detectors.thresholds.PHONE"
    cfg = load("[detectors.thresholds]\nPHONE_NUMBER = 0.7\n", tmp_path)
    assert cfg.detectors.thresholds == {"PHONE_NUMBER": 0.7}


def test_ocr_language_that_is_not_installed_names_the_package(tmp_path: Path) -> None:
    if config.OcrSettings().tessdata_dir() is None:
        pytest.skip("no Tesseract language data installed")
    with pytest.raises(ConfigError) as e:
        load("[ocr]\nlanguages = ['eng', 'xyz']\n", tmp_path)
    assert e.value.key == "ocr.languages" and "tesseract-ocr-xyz" in e.value.fix
    assert load("[ocr]\nenabled = false\nlanguages = ['xyz']\n", tmp_path).ocr.enabled is False
