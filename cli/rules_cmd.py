"""Placeholder: replaced by its owner."""

from __future__ import annotations

import typer

app = typer.Typer(help="Not yet built.", no_args_is_help=True)


@app.command("todo")
def todo() -> None:
    """Not yet built."""
    raise typer.Exit(2)
