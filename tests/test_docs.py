"""Docs stay true: every command has help and is in the README, every plug-in is documented."""

from __future__ import annotations

import re

import click
import pytest

from scanner.cli import cli
from sources.registry import SOURCE_TYPES
from tests.conftest import REPO

COMMANDS = sorted(cli.commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_and_readme_mention(name: str) -> None:
    command: click.Command = cli.commands[name]  # type: ignore[attr-defined]
    assert command.help and len(command.help) > 40, f"`noticescan {name}` needs a real docstring"
    readme = (REPO / "README.md").read_text()
    assert f"noticescan {name}" in readme, f"README.md does not show `noticescan {name}`"


@pytest.mark.parametrize("kind", sorted(SOURCE_TYPES))
def test_every_source_type_is_documented(kind: str) -> None:
    doc = (REPO / "docs" / "sources.md").read_text()
    assert re.search(rf"^## `?{kind}`?\b", doc, re.M), f"docs/sources.md has no '## {kind}' section"
    example = (REPO / "config.example.toml").read_text()
    assert re.search(rf'type\s*=\s*"{kind}"', example), f"config.example.toml has no {kind} example"


def test_readme_has_exactly_the_two_setup_commands() -> None:
    readme = (REPO / "README.md").read_text()
    setup = readme.split("## Set-up on a fresh machine")[1].split("##")[0]
    assert re.findall(r"^make (\w+)", setup, re.M) == ["demo", "test"]
