"""The layer rule of docs/architecture.md, read from the code: every import points down, no cycles.

Imports are parsed (ast), not executed: module-level imports, imports inside functions (kept
for start-up speed; they must point the same way) and the `"module:Class"` strings of the lazy
registries (an import deferred to first use is still a dependency) all count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("scanner", "sources", "detectors", "reports")

# What every other layer may rely on: the data model, errors, the validated config, the notice's
# vocabulary, keyed hashing, the Parquet schemas and the extraction contract (segments).
KERNEL = {
    "scanner",
    "scanner.allowlist",
    "scanner.categories",
    "scanner.config",
    "scanner.customdetectors",
    "scanner.dates",
    "scanner.errors",
    "scanner.extras",
    "scanner.mailparts",
    "scanner.models",
    "scanner.options",
    "scanner.privacy",
    "scanner.schema",
    "scanner.extract.base",
}
# Running a scan: the walk, the pools and workers, incremental state, the run's own records.
ORCHESTRATION = {
    "scanner.cache",
    "scanner.carry",
    "scanner.cluster_worker",
    "scanner.dask_pool",
    "scanner.incremental",
    "scanner.pipeline",
    "scanner.pool",
    "scanner.preload",
    "scanner.progress",
    "scanner.runlog",
    "scanner.seen",
    "scanner.state",
    "scanner.stats",
    "scanner.syncpoints",
    "scanner.timing",
    "scanner.unreachable",
    "scanner.worker",
}
# Layer -> the layers it may import (itself included). The CLI is the top: it may import all.
MAY_IMPORT = {
    "kernel": {"kernel"},
    "extract": {"kernel", "extract"},
    "detectors": {"kernel", "detectors"},
    "sources": {"kernel", "extract", "sources"},  # archives read mail files with extract's readers
    "reports": {"kernel", "detectors", "reports"},  # person search normalises like the detectors
    "orchestration": {"kernel", "extract", "detectors", "sources", "orchestration"},
    "cli": {"kernel", "extract", "detectors", "sources", "reports", "orchestration", "cli"},
}


def layer_of(module: str) -> str:
    """The layer a module belongs to; a new scanner module must be given one here and in docs."""
    if module in KERNEL:
        return "kernel"
    if module in ORCHESTRATION:
        return "orchestration"
    if module == "scanner.cli":
        return "cli"
    if module.startswith("scanner.extract"):
        return "extract"
    top = module.split(".")[0]
    if top in {"sources", "detectors", "reports"}:
        return top
    raise AssertionError(
        f"{module} has no layer: add it to KERNEL or ORCHESTRATION in tests/test_layers.py "
        "and to docs/architecture.md"
    )


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the four packages (the name data tables are data, not code)."""
    found = {}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            if "namedata" in path.parts:
                continue
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports(module: str, source: str, known: set[str], is_package: bool) -> set[tuple[str, int]]:
    """(imported module of ours, line) for every import and registry string in the source."""
    out: set[tuple[str, int]] = set()

    def add(name: str, line: int) -> None:
        while name and name not in known:  # `from scanner.extract import sniff` -> the module
            name = name.rpartition(".")[0]
        if name and name != module:
            out.add((name, line))

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = module.split(".") if is_package else module.split(".")[:-1]
                here = here[: len(here) - node.level + 1]
                base = ".".join(here + ([node.module] if node.module else []))
            for alias in node.names:
                add(
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base, node.lineno
                )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            target, colon, attr = node.value.partition(":")  # "scanner.extract.pdf:PdfExtractor"
            if colon and attr.isidentifier() and target in known:
                add(target, node.lineno)
    return out


def graph(root: Path = ROOT) -> dict[str, set[tuple[str, int]]]:
    """Module -> what it imports (with the line), over the whole code base."""
    found = modules(root)
    known = set(found)
    return {
        name: imports(name, path.read_text(encoding="utf-8"), known, path.stem == "__init__")
        for name, path in found.items()
    }


def violations(edges: dict[str, set[tuple[str, int]]]) -> list[str]:
    """Every import that points up or sideways, as `module:line imports other (a -> b)`."""
    bad = []
    for module, targets in sorted(edges.items()):
        for target, line in sorted(targets):
            a, b = layer_of(module), layer_of(target)
            if b not in MAY_IMPORT[a]:
                bad.append(f"{module}:{line} imports {target} ({a} may not import {b})")
    return bad


def cycles(edges: dict[str, set[tuple[str, int]]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w, _ in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_every_import_points_down_the_layers() -> None:
    assert violations(graph()) == []


def test_no_import_cycles_between_modules() -> None:
    assert cycles(graph()) == []


def test_every_module_has_a_layer_named_in_the_docs() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for module in KERNEL | ORCHESTRATION:
        assert f"`{module}`" in doc, f"{module} is not placed in docs/architecture.md"
    for module in modules():
        layer_of(module)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for package in PACKAGES:
        (tmp_path / package).mkdir(exist_ok=True)
        (tmp_path / package / "__init__.py").touch()
    return tmp_path


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        # the kernel reaching up into a detector, hidden in a function
        (
            {
                "scanner/privacy.py": "def f():\n    from detectors.dob import parse_date\n",
                "detectors/dob.py": "",
            },
            "scanner.privacy:2 imports detectors.dob (kernel may not import detectors)",
        ),
        # a detector reading from a source
        (
            {"detectors/x.py": "import sources.local\n", "sources/local.py": ""},
            "detectors.x:1 imports sources.local (detectors may not import sources)",
        ),
        # the pipeline writing through the reports package
        (
            {"scanner/pipeline.py": "from reports import html\n", "reports/html.py": ""},
            "scanner.pipeline:1 imports reports.html (orchestration may not import reports)",
        ),
        # a relative import counts the same
        (
            {"scanner/extract/a.py": "from ...sources import smb\n", "sources/smb.py": ""},
            "scanner.extract.a:1 imports sources.smb (extract may not import sources)",
        ),
    ],
)
def test_the_rule_catches_an_upward_import(
    tmp_path: Path, files: dict[str, str], problem: str
) -> None:
    assert violations(graph(_tree(tmp_path, files))) == [problem]


def test_the_check_catches_a_cycle_hidden_in_a_function_or_a_registry(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "scanner/extract/ole.py": "def f():\n    from scanner.extract.legacy import D\n",
            "scanner/extract/legacy.py": "from scanner.extract.ole import check\n",
            "scanner/extract/registry.py": 'E = ("scanner.extract.zip:Z",)\n',
            "scanner/extract/zip.py": "from scanner.extract.registry import by_name\n",
        },
    )
    assert cycles(graph(root)) == [
        ["scanner.extract.legacy", "scanner.extract.ole"],
        ["scanner.extract.registry", "scanner.extract.zip"],
    ]
