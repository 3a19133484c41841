"""The ``intake`` command line teaches itself: every command answers --help with an example."""

from __future__ import annotations

from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    ctx = type(group).context_class(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        path = (*prefix, name)
        found.append(path)
        if hasattr(command, "list_commands"):  # a group (Typer vendors its own click)
            found.extend(_commands(command, path))
    return found


ALL = _commands(typer.main.get_command(app))  # type: ignore[arg-type]


def test_the_documented_commands_exist() -> None:
    """The commands README.md and the issues name are all there."""
    for path in [("stack", "up"), ("stack", "down"), ("stack", "status"), ("extract",),
                 ("samples", "generate"), ("upload",), ("run",), ("serve",),
                 ("queue", "stats"), ("queue", "consume"), ("rules", "list"),
                 ("rules", "check"), ("bench", "accuracy"), ("bench", "speed"),
                 ("bench", "rules")]:
        assert path in ALL, f"intake {' '.join(path)} is missing"


@pytest.mark.parametrize("path", ALL, ids=[" ".join(p) for p in ALL])
def test_every_command_help_has_an_example(path: tuple[str, ...]) -> None:
    """``intake ... --help`` exits 0 and shows an ``Example:`` line."""
    result = runner.invoke(app, [*path, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"intake {' '.join(path)} --help has no example"


def test_unknown_command_is_a_usage_error() -> None:
    """A typo exits with status 2, as usage errors do."""
    result = runner.invoke(app, ["extrakt"])
    assert result.exit_code == 2
