"""Detectors are pure: text in, detections out. No files, network, logging or printing."""

import ast
from pathlib import Path

import pytest

SOURCES = sorted((Path(__file__).resolve().parents[2] / "detectors").glob("*.py"))
BANNED_CALLS = {"open", "print", "input", "exec", "eval", "breakpoint"}
BANNED_ATTRS = {"read_text", "read_bytes", "write_text", "write_bytes", "urlopen", "getLogger"}
BANNED_MODULES = {
    "socket",
    "logging",
    "requests",
    "urllib",
    "http",
    "subprocess",
    "pathlib",
    "shutil",
    "tempfile",
    "httpx",
    "aiohttp",
    "ftplib",
    "smtplib",
    "os",
    "io",
}


def violations(source: str) -> list[str]:
    """Every banned call, attribute or import in a module's source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in BANNED_CALLS:
                found.append(f"{node.lineno}: calls {node.func.id}()")
        elif isinstance(node, ast.Attribute) and node.attr in BANNED_ATTRS:
            found.append(f"{node.lineno}: uses .{node.attr}")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            found += [
                f"{node.lineno}: imports {n}" for n in names if n.split(".")[0] in BANNED_MODULES
            ]
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_detector_module_is_pure(path):
    assert violations(path.read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        "import logging",
        "from urllib.request import urlopen",
        "open('x')",
        "print(1)",
        "import socket as s",
        "Path('x').read_text()",
        "log = logging.getLogger(__name__)",
    ],
)
def test_the_check_catches_violations(source):
    assert violations(source)
