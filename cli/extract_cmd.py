"""``intake extract FILE...``: read files and print what was extracted from each."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from models.domain import Document, mask_nik


def extract(
    files: list[Path] = typer.Argument(
        ..., exists=True, dir_okay=False, readable=True, help="Files to read (PDF, JPEG, PNG, TIFF)."
    ),
    json_: bool = typer.Option(False, "--json", help="Print one JSON object per file (JSON Lines)."),
    show_nik: bool = typer.Option(
        False, "--show-nik", help="Show NIKs unmasked in the table (JSON output is never masked)."
    ),
) -> None:
    """Classify each file and extract its fields, in input order.

    Rejected files (empty, truncated, encrypted, not a document) are reported with a
    reason code; the command still exits 0 when every file could be read.

    Example: intake extract sample_docs/docs/s2-001_ktp_clean.png --json
    """
    from extractors.pipeline import extract_file

    console = Console(stderr=True)
    documents: list[Document] = []
    if json_:
        for path in files:
            document = extract_file(path)
            sys.stdout.write(json.dumps(document.to_cli_json(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        return
    with console.status("reading...") as status:
        for path in files:
            status.update(f"reading {path.name}")
            documents.append(extract_file(path))
    out = Console()
    for document in documents:
        out.print(document_table(document, show_nik=show_nik))


def document_table(document: Document, *, show_nik: bool = False) -> Table:
    """A rich table of one document's fields (NIK-like numbers masked unless ``show_nik``)."""
    title = f"{document.source}: {document.status}, {document.document_type}"
    if document.service:
        title += f" ({document.service})"
    if document.status == "ok":
        title += f", confidence {document.classification_confidence:.2f}"
    table = Table(title=title, title_justify="left")
    table.add_column("field")
    table.add_column("value")
    table.add_column("raw")
    table.add_column("conf", justify="right")
    table.add_column("page", justify="right")
    if document.error is not None:
        table.add_row("error", document.error.code, document.error.message, "", "")
    for key, field in document.fields.items():
        value = json.dumps(field.value, ensure_ascii=False) if not isinstance(field.value, str) else field.value
        raw = field.raw
        if not show_nik:
            value, raw = mask_nik(value), mask_nik(raw)
        table.add_row(key, value, raw, f"{field.confidence:.2f}", str(field.page))
    return table
