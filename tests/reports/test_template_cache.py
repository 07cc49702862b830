"""The report's compiled templates are kept between runs, and a broken cache never breaks a report.

Real Jinja environments over the real report templates and a real cache folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment, PackageLoader

from reports import html

TEMPLATE = "report.html"


def environment(cache: html.TemplateCache | None) -> Environment:
    return Environment(loader=PackageLoader("reports", "templates"), bytecode_cache=cache)


def compiled_source(cache: html.TemplateCache | None, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Load the report template in a fresh environment; whether Jinja had to compile it."""
    env = environment(cache)
    compiled: list[str] = []
    real = env.compile

    def counting(*args: object, **kwargs: object) -> object:
        compiled.append(str(args[1] if len(args) > 1 else kwargs.get("name")))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(env, "compile", counting)
    env.get_template(TEMPLATE)
    return TEMPLATE in compiled


def test_a_second_run_loads_the_compiled_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = html.template_cache(str(tmp_path))
    assert compiled_source(cache, monkeypatch)
    assert list(tmp_path.iterdir()), "nothing was kept"
    assert not compiled_source(html.template_cache(str(tmp_path)), monkeypatch)


def test_a_cut_cache_file_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled_source(html.template_cache(str(tmp_path)), monkeypatch)
    for kept in tmp_path.iterdir():
        kept.write_bytes(kept.read_bytes()[:40])  # the header survives, the code is cut
    assert compiled_source(html.template_cache(str(tmp_path)), monkeypatch)


def test_a_folder_that_cannot_be_written_only_costs_the_compile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    cache = html.template_cache(str(not_a_folder))
    assert compiled_source(cache, monkeypatch)
    assert compiled_source(cache, monkeypatch)  # still nothing kept, still no error


def test_the_report_environment_keeps_its_templates() -> None:
    assert isinstance(html.environment().bytecode_cache, html.TemplateCache)
