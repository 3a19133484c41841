"""``intake stack up|down|status``: the local SeaweedFS (S3) and Prefect server."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from infra.settings import get_settings
from infra.stack import StackError, stack_down, stack_status, stack_up

app = typer.Typer(
    help="Start, stop and show the local stack (SeaweedFS S3 + Prefect server).\n\n"
         "Example: intake stack up",
    no_args_is_help=True,
)
console = Console()
err = Console(stderr=True)


def _print_status() -> None:
    table = Table(title="intake stack")
    for column in ("service", "pid", "state", "address", "log"):
        table.add_column(column)
    for row in stack_status(get_settings()):
        if not row.running:
            state = "[red]stopped[/]"
        elif row.healthy is False:
            state = "[yellow]running, not healthy[/]"
        else:
            state = "[green]running[/]"
        table.add_row(row.name, str(row.pid or "-"), state, row.address, str(row.log))
    console.print(table)


@app.command("up")
def up(timeout: float = typer.Option(120.0, help="seconds to wait for health checks")) -> None:
    """Start SeaweedFS and the Prefect server in the background (no-op if running).

    Both listen on 127.0.0.1 only; state, pid files and logs live under var/.

    Example: intake stack up
    """
    settings = get_settings()
    try:
        with err.status("starting the stack") as spinner:
            def report(message: str) -> None:
                if message.startswith("waiting"):
                    spinner.update(message)
                else:
                    err.print(message)

            stack_up(settings, timeout=timeout, progress=report)
    except StackError as e:
        err.print(f"[red]error:[/] {e.message}")
        raise typer.Exit(e.exit_code) from e
    _print_status()
    console.print(f"Prefect UI: {settings.prefect_ui_url}   "
                  f"S3: http://{settings.s3_endpoint} bucket {settings.s3_bucket!r} "
                  f"(keys in {settings.var_dir / 'credentials.json'})")


@app.command("down")
def down() -> None:
    """Stop every process `intake stack up` (or `intake run`) started, by its pid file.

    Example: intake stack down
    """
    with err.status("stopping") as spinner:
        stopped = stack_down(get_settings(), progress=spinner.update)
    console.print(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")


@app.command("status")
def status() -> None:
    """Show each background process: pid, health, address and log file.

    Example: intake stack status
    """
    _print_status()
