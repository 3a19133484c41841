"""``intake samples``: generate synthetic sample documents and applications with ground truth."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sample_docs.generator import (
    DEFAULT_APPLICATION_RENDERINGS,
    DOCUMENT_TYPES,
    RENDERINGS,
    SERVICE_CODES,
    generate_applications,
    generate_documents,
)

app = typer.Typer(
    help=(
        "Generate synthetic (never real) KTPs, KKs, forms and letters with ground truth.\n\n"
        "Example: intake samples generate --seed 7 --count 4 var/samples"
    ),
    no_args_is_help=True,
)


class Layout(str, Enum):
    """How the generated files are laid out on disk."""

    applications = "applications"
    documents = "documents"


def _split(values: list[str] | None, default: tuple[str, ...]) -> list[str]:
    """Accept both ``--types ktp --types form`` and ``--types ktp,form``."""
    if not values:
        return list(default)
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@app.callback()
def samples() -> None:
    """Synthetic sample documents for tests, benchmarks and demos.

    Example: intake samples generate --seed 7 --layout documents --renderings clean,noisy out/
    """


@app.command("generate")
def generate(
    out: Annotated[Path, typer.Argument(help="Output folder (created if missing).")],
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives identical files.")],
    count: Annotated[
        int, typer.Option(min=1, help="Applications, or people in documents layout.")
    ] = 4,
    layout: Annotated[Layout, typer.Option(help="applications or documents.")] = (
        Layout.applications
    ),
    types: Annotated[
        list[str] | None,
        typer.Option(help=f"Document types (documents layout): {', '.join(DOCUMENT_TYPES)}."),
    ] = None,
    renderings: Annotated[
        list[str] | None,
        typer.Option(help=f"Renderings, comma-separated: {', '.join(RENDERINGS)}."),
    ] = None,
    services: Annotated[
        list[str] | None,
        typer.Option(help=f"Services, comma-separated: {', '.join(SERVICE_CODES)}."),
    ] = None,
    defects: Annotated[
        bool, typer.Option(help="Applications layout: seed one named defect per application.")
    ] = False,
) -> None:
    """Write generated documents with ground-truth JSON beside them (or under truth/).

    Applications layout: OUT/inbox/<service>/<application_id>/ (files + manifest.json)
    and OUT/truth/<application_id>/ (ground truth). Documents layout: flat
    OUT/<id>_<type>_<rendering>.<ext> with .json beside.

    Example: intake samples generate --seed 7 --count 4 --services polri.skck sample_docs/demo
    """
    console = Console(stderr=True)
    chosen_services = _split(services, SERVICE_CODES)
    try:
        if layout is Layout.applications:
            chosen_renderings = _split(renderings, DEFAULT_APPLICATION_RENDERINGS)
            total = count
        else:
            chosen_renderings = _split(renderings, ("clean",))
            chosen_types = _split(types, DOCUMENT_TYPES)
            total = count * len(chosen_types) * len(chosen_renderings)
        with Progress(
            TextColumn("[bold]generating"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("generate", total=total)

            def advance() -> None:
                progress.advance(task)

            if layout is Layout.applications:
                written = generate_applications(
                    seed,
                    out,
                    count,
                    services=chosen_services,
                    renderings=chosen_renderings,
                    defects=defects,
                    progress=advance,
                )
            else:
                written = generate_documents(
                    seed,
                    out,
                    count,
                    types=chosen_types,
                    renderings=chosen_renderings,
                    services=chosen_services,
                    progress=advance,
                )
    except ValueError as e:
        console.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from e
    what = "applications" if layout is Layout.applications else "documents"
    console.print(f"wrote {len(written)} {what} under {out}")
