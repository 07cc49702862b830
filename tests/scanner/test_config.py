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
        ("[scan]\ncluster = 'scheduler:8786'\n", "scan.cluster", "not a Dask scheduler"),
        ("[scan]\ncluster = 'tcp://host:99999'\n", "scan.cluster", "not a Dask scheduler"),
        ("[scan]\ncluster = 'local:0'\n", "scan.cluster", "not a Dask scheduler"),
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
        ("[[store]]\nid = 'a'\nnotice_quote = 3\n", "store[1].notice_quote", "string or a table"),
        ("[[store]]\nid = 'a'\nnotice_quote = ' '\n", "store[1].notice_quote", "is empty"),
        (
            "[[store]]\nid = 'a'\n[store.notice_quote]\nretention = 'x'\n",
            "store[1].notice_quote.retention",
            "not a known setting",
        ),
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


def test_notice_quote_per_setting_falls_back_to_the_store_sentence(tmp_path: Path) -> None:
    c = load(
        "[[store]]\nid = 'crm'\ncategories = ['name']\n[store.notice_quote]\n"
        "store = 'Our CRM.'\nreaders = 'Marketing only.'\n",
        tmp_path,
    )
    (crm,) = c.stores
    assert crm.quote_for("readers") == "Marketing only."
    assert crm.quote_for("categories") == crm.quote_for(None) == "Our CRM."


def test_each_path_of_an_adhoc_scan_is_its_own_undeclared_store(tmp_path: Path) -> None:
    a, b = tmp_path / "finance", tmp_path / "hr"
    c = config.for_paths([a, b], tmp_path / "out")
    assert [(s.id, s.name, s.declared) for s in c.stores] == [
        ("path-1", str(a), False),
        ("path-2", str(b), False),
    ]
    assert [(s.id, s.store) for s in c.sources] == [("path-1", "path-1"), ("path-2", "path-2")]


def test_ocr_language_that_is_not_installed_names_the_package(tmp_path: Path) -> None:
    if config.OcrSettings().tessdata_dir() is None:
        pytest.skip("no Tesseract language data installed")
    with pytest.raises(ConfigError) as e:
        load("[ocr]\nlanguages = ['eng', 'xyz']\n", tmp_path)
    assert e.value.key == "ocr.languages" and "tesseract-ocr-xyz" in e.value.fix
    assert load("[ocr]\nenabled = false\nlanguages = ['xyz']\n", tmp_path).ocr.enabled is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [("tcp://scan-01.corp.example:8786", "tcp://scan-01.corp.example:8786"),
     ("tls://10.0.0.5:8786", "tls://10.0.0.5:8786"), ("local:2", "local:2"), ("", None)],
)  # fmt: skip
def test_cluster_addresses_that_are_accepted(value: str, expected: str | None) -> None:
    assert config.check_cluster(value, "scan.cluster") == expected


def test_cluster_option_is_checked_and_named_as_the_option(tmp_path: Path) -> None:
    r = run_cli("scan", str(tmp_path), "--cluster", "8786", "-q")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines()[-1].startswith("noticescan: --cluster: '8786' is not")


def test_cluster_without_dask_installed_is_one_line_naming_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from scanner.errors import ClusterError
    from scanner.pipeline import run_scan

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    monkeypatch.delitem(sys.modules, "scanner.dask_pool", raising=False)
    (tmp_path / "a.txt").write_text("hello")
    cfg = config.from_dict(
        {
            "scan": {"out": str(tmp_path / "out"), "cluster": "local:1"},
            "source": [{"type": "local", "path": str(tmp_path / "a.txt")}],
        },
        tmp_path,
    )
    with pytest.raises(ClusterError, match=r"pip install 'noticescan\[cluster\]'"):
        run_scan(cfg)
    assert not (tmp_path / "out").exists()  # named before any scan started
