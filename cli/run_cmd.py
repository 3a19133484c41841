"""``intake upload``, ``intake run`` and ``intake serve``: drop files and run the flow."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from cli.env import apply_prefect_environment, prefect_environment
from infra.settings import get_settings

console = Console()
err = Console(stderr=True)


def upload(
    directory: Path = typer.Argument(..., exists=True, file_okay=False,
                                     help="folder whose files go under inbox/ keeping paths"),
    prefix: str = typer.Option("inbox/", help="key prefix in the bucket"),
) -> None:
    """Upload a folder of applications into the bucket, keeping relative paths.

    A folder laid out as ``<service>/<application_id>/<file>`` becomes
    ``inbox/<service>/<application_id>/<file>``. ``manifest.json`` goes last so that an
    application is ready only when all of its files are in.

    Example: intake upload sample_docs/demo/inbox
    """
    from infra.storage import Storage

    storage = Storage(get_settings())
    storage.ensure_bucket()
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    files.sort(key=lambda p: p.name == "manifest.json")
    with Progress(console=err, transient=True) as progress:
        bar = progress.add_task("uploading", total=len(files))
        for path in files:
            storage.put(prefix + path.relative_to(directory).as_posix(), path.read_bytes())
            progress.advance(bar)
    console.print(f"uploaded {len(files)} file(s) under {prefix}")


def serve() -> None:
    """Serve the intake flow as the deployment ``intake/inbox`` in the foreground.

    ``intake run`` starts this in the background when it is not running; run it yourself
    to watch its log. Stop it with Ctrl-C.

    Example: intake serve
    """
    apply_prefect_environment()
    from flows.serve import serve as serve_flow

    serve_flow()


def _ensure_flow_server() -> None:
    from infra.stack import start_background

    env = prefect_environment()
    start_background("flow-server", [sys.executable, "-m", "flows.serve"], env)


def run(
    service: str = typer.Option("", help="only applications of this service, e.g. polri.skck"),
    quiet_period: float = typer.Option(60.0, help="seconds without new objects before an "
                                       "application without manifest.json is ready"),
    local: bool = typer.Option(False, "--local", help="run the flow in this process instead "
                               "of through the served deployment"),
    timeout: float = typer.Option(1800.0, help="seconds to wait for the flow run"),
    as_json: bool = typer.Option(False, "--json", help="print the summary as JSON lines"),
) -> None:
    """Run the intake flow over every ready application and print a summary table.

    By default the run goes through the Prefect server: the deployment ``intake/inbox``
    is started (as the Prefect UI's "Run" button would) and this command waits for it.

    Example: intake run --service polri.skck
    """
    apply_prefect_environment()
    from infra.db import RecordStore
    from infra.storage import Storage

    settings = get_settings()
    refs = [r for r in Storage(settings).ready_applications(quiet_period=quiet_period)
            if service in ("", r.service)]
    params = {"service": service or None, "quiet_period_seconds": quiet_period}
    started = time.monotonic()
    if local:
        from flows.intake import intake_flow

        intake_flow(**params)
        state_name = "Completed"
    else:
        from prefect.deployments import run_deployment

        from flows.serve import DEPLOYMENT

        _ensure_flow_server()
        with console.status("waiting for the flow server to register the deployment"):
            _wait_for_deployment(DEPLOYMENT, timeout=120)
        with console.status(f"flow run of {DEPLOYMENT} in progress ({len(refs)} application(s))"):
            flow_run = run_deployment(DEPLOYMENT, parameters=params, timeout=timeout,
                                      poll_interval=2)
        state_name = flow_run.state.name if flow_run.state else "unknown"
        console.print(f"flow run [bold]{flow_run.name}[/bold]: {state_name} "
                      f"in {time.monotonic() - started:.0f} s")
    store = RecordStore(settings.effective_database_url)
    store.migrate()
    rows = []
    for ref in refs:
        rec = store.get_record(ref.application_id)
        rows.append({
            "application": ref.application_id,
            "service": ref.service,
            "status": rec.status if rec else "failed",
            "issues": len(rec.issues) if rec else 0,
            "queue": "review" if rec and rec.status == "flagged" else f"mpp.{ref.service}",
            "version": rec.version if rec else 0,
        })
    if as_json:
        for row in rows:
            print(json.dumps(row))
    else:
        _print_summary(rows, settings)
    if state_name not in ("Completed",):
        raise typer.Exit(1)


def _wait_for_deployment(name: str, timeout: float) -> None:
    import anyio
    from prefect.client.orchestration import get_client

    async def probe() -> bool:
        async with get_client() as client:
            try:
                await client.read_deployment_by_name(name)
                return True
            except Exception:  # noqa: BLE001 - not registered yet
                return False

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if anyio.run(probe):
            return
        time.sleep(1)
    raise typer.BadParameter(f"deployment {name} did not appear; see var/log/flow-server.log")


def _print_summary(rows: list[dict], settings) -> None:  # type: ignore[no-untyped-def]
    table = Table(title="intake summary")
    for col in ("application", "service", "status", "issues", "queue", "version"):
        table.add_column(col)
    colours = {"passed": "green", "flagged": "yellow", "rejected": "red", "failed": "red"}
    for r in rows:
        table.add_row(r["application"], r["service"],
                      f"[{colours.get(r['status'], 'white')}]{r['status']}[/]",
                      str(r["issues"]), r["queue"], str(r["version"]))
    console.print(table)
    console.print(
        f"\nWhere to look next:\n"
        f"  Prefect UI:        {settings.prefect_ui_url}  (flow 'intake', deployment 'inbox')\n"
        f"  read a queue:      .venv/bin/intake queue consume polri.skck\n"
        f"  queue sizes:       .venv/bin/intake queue stats\n"
        f"  rejected files:    bucket '{settings.s3_bucket}', prefix quarantine/\n"
        f"  records database:  {settings.effective_database_url}"
    )


def register(app: typer.Typer) -> None:
    """Add ``upload``, ``run`` and ``serve`` to the top-level app."""
    app.command("upload")(upload)
    app.command("run")(run)
    app.command("serve")(serve)
