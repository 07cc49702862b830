"""Detectors are pure: text in, detections out. No files, network, logging or printing."""

import ast
from pathlib import Path

import pytest

SOURCES = sorted((Path(__file__).resolve().parents[2] / "detectors").glob("*.py"))
BANNED_CALLS = {"open", "print", "input", "exec", "eval"}
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
}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_detector_module_is_pure(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in BANNED_CALLS, (
                f"{path.name}:{node.lineno} calls {node.func.id}()"
            )
        if isinstance(node, ast.Attribute):
            assert node.attr not in {"read_text", "read_bytes", "write_text", "urlopen"}, (
                f"{path.name}:{node.lineno} uses .{node.attr}"
            )
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert name.split(".")[0] not in BANNED_MODULES, (
                f"{path.name}:{node.lineno} imports {name}"
            )


def test_the_check_catches_a_violation(tmp_path):
    bad = ast.parse("import logging\nopen('x')\n")
    calls = [
        n.func.id for n in ast.walk(bad) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    ]
    assert "open" in calls
