"""Content decides the extractor; the name only breaks ties."""

from __future__ import annotations

import ast

import pytest

from scanner.extract import registry
from scanner.extract.registry import HEAD_BYTES, choose, extractors
from tests.conftest import REPO
from tests.extract import files


@pytest.mark.parametrize(
    ("factory", "expected"),
    [(files.docx_file, "docx"), (files.xlsx_file, "xlsx"), (files.pptx_file, "pptx"),
     (files.odt_file, "odt"), (files.ods_file, "ods"), (files.odp_file, "odp"),
     (files.xls_file, "xls"), (files.rtf_file, "rtf"), (files.pdf_file, "pdf"),
     (lambda: files.eml_message().as_bytes(), "eml")],
)  # fmt: skip
def test_misnamed_files_are_sniffed_by_content(factory: object, expected: str) -> None:
    data = factory()  # type: ignore[operator]
    chosen = choose(data[:HEAD_BYTES], "renamed.txt")
    assert chosen is not None and chosen.name == expected


def test_name_breaks_ties_only() -> None:
    assert choose(b"a,b\n1,2\n", "x.csv").name == "csv"  # type: ignore[union-attr]
    assert choose(b"a,b\n1,2\n", "x.txt").name == "text"  # type: ignore[union-attr]
    assert choose(b"<p>hi</p>", "x.html").name == "html"  # type: ignore[union-attr]


def test_unknown_binary_is_unsupported() -> None:
    assert choose(bytes(range(256)) * 100, "mystery.dat") is None
    assert files.one(bytes(range(256)) * 100, "mystery.dat").status == "unsupported"


def test_every_extractor_has_a_unique_name() -> None:
    names = [e.name for e in extractors()]
    assert len(names) == len(set(names))


def test_the_fork_servers_parsers_are_the_ones_extractors_import() -> None:
    """COMMON_PARSERS (preloaded by the fork server) names only parsers an extractor imports.

    A parser renamed or dropped from an extractor must leave the list too, or the fork server
    would keep importing a library nothing uses.
    """
    imported: set[str] = set()
    for path in (REPO / "scanner" / "extract").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
    assert set(registry.COMMON_PARSERS) <= imported, set(registry.COMMON_PARSERS) - imported
