"""``intake queue stats|consume|relay``: look into the agency queues."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from infra.settings import get_settings
from models.domain import SERVICES
from models.errors import IntakeError

app = typer.Typer(
    help="Agency queues mpp.<service>: counts, reading records, sending the outbox.\n\n"
         "Example: intake queue stats",
    no_args_is_help=True,
)
console = Console()
err = Console(stderr=True)


def _fail(e: IntakeError) -> typer.Exit:
    err.print(f"[red]error:[/] {e.message}")
    return typer.Exit(e.exit_code)


@app.command("stats")
def stats(
    broker: str = typer.Option("", help="kombu URL (default: INTAKE_BROKER_URL or SQLite)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON instead of a table"),
) -> None:
    """Count ready messages in each agency queue and its dead-letter queue.

    Example: intake queue stats --broker amqp://guest:guest@127.0.0.1:5672//
    """
    from infra.queues import queue_stats

    try:
        counts = queue_stats(broker or None, SERVICES)
    except IntakeError as e:
        raise _fail(e) from e
    if as_json:
        print(json.dumps(counts))
        return
    table = Table(title=f"queues at {(broker or get_settings().effective_broker_url)}")
    table.add_column("queue")
    table.add_column("messages", justify="right")
    table.add_column("dead", justify="right")
    for name, row in counts.items():
        table.add_row(name, str(row["messages"]), str(row["dead"]))
    console.print(table)


@app.command("consume")
def consume(
    service: str = typer.Argument(..., help="service code, e.g. polri.skck"),
    ack: bool = typer.Option(False, "--ack", help="remove the messages (default: peek)"),
    limit: int = typer.Option(10, "--limit", "-n", help="at most this many messages"),
    timeout: float = typer.Option(2.0, help="seconds to wait for more messages"),
    dead: bool = typer.Option(False, "--dead", help="read the .dead queue instead"),
    broker: str = typer.Option("", help="kombu URL (default: INTAKE_BROKER_URL or SQLite)"),
) -> None:
    """Print the records in queue mpp.SERVICE as JSON, one per line.

    Without --ack the messages stay in the queue; with --ack they are taken, and a
    message that is not a valid record goes to mpp.SERVICE.dead.

    Example: intake queue consume polri.skck --ack --limit 5
    """
    from infra.queues import consume_messages

    try:
        messages = consume_messages(service, broker or None, ack=ack, limit=limit,
                                    timeout=timeout, dead=dead)
    except IntakeError as e:
        raise _fail(e) from e
    for message in messages:
        print(json.dumps(message.body, ensure_ascii=False))
    err.print(f"{len(messages)} message(s) from mpp.{service}{'.dead' if dead else ''}"
              f"{' (acknowledged)' if ack else ' (left in the queue)'}")


@app.command("relay")
def relay(
    broker: str = typer.Option("", help="kombu URL (default: INTAKE_BROKER_URL or SQLite)"),
) -> None:
    """Publish committed records still waiting in the outbox (safe to rerun).

    Example: intake queue relay
    """
    from infra.db import RecordStore
    from infra.queues import relay_outbox

    try:
        store = RecordStore.from_settings()
        store.migrate()
        sent = relay_outbox(store, broker or None)
    except IntakeError as e:
        raise _fail(e) from e
    console.print(f"published {sent} message(s)")
