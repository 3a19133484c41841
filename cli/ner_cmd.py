"""``intake ner``: train and evaluate the Indonesian NER model used for letters."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from extractors.nlp import MODEL_DIR
from models.errors import IntakeError

app = typer.Typer(
    help=(
        "Train and evaluate the Indonesian NER model (PER, LOC, ORG) that reads letters.\n\n"
        "Example: intake ner train --max-steps 2400"
    ),
    no_args_is_help=True,
)

_console = Console()


@app.command("train")
def train(
    out: Path = typer.Option(MODEL_DIR, "--out", help="Model folder to (re)write."),
    max_steps: int = typer.Option(
        2400, "--max-steps", min=10, help="Training steps (about 10 minutes for 2400 on 1 core)."
    ),
    data: Path | None = typer.Option(
        None, "--data", help="Corpus folder (default: $INTAKE_NER_DATA or ../shared/data/ner)."
    ),
) -> None:
    """Train the NER model on idner-news-2k + NERGrit and write it with metrics.json.

    Example: intake ner train --out extractors/ner_model --max-steps 2400
    """
    from extractors.ner_train import check_output_dir, train_model

    try:
        check_output_dir(out)
    except IntakeError as error:
        _fail(error)
    with Progress(
        TextColumn("[bold]training NER"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("dev F1 {task.fields[f1]}"),
        TimeElapsedColumn(),
        console=_console,
    ) as progress:
        task = progress.add_task("train", total=max_steps, f1="-")

        def on_step(step: int, total: int, f1: float | None) -> None:
            if f1 is not None:
                progress.update(task, completed=min(step, total), f1=f"{f1:.3f}")
            else:
                progress.update(task, completed=min(step, total))

        try:
            result = train_model(out, data_dir=data, max_steps=max_steps, on_step=on_step)
        except IntakeError as error:
            _fail(error)
    _console.print(
        f"Model written to {result.model_dir} in {result.seconds:.0f} s; "
        f"best dev F1 {result.best_dev_f1:.3f}; "
        f"size {result.metrics['training']['model_bytes'] / 1e6:.1f} MB."
    )
    _print_metrics(result.metrics)


@app.command("evaluate")
def evaluate(
    model: Path = typer.Option(MODEL_DIR, "--model", help="Model folder to score."),
    data: Path | None = typer.Option(
        None, "--data", help="Corpus folder (default: $INTAKE_NER_DATA or ../shared/data/ner)."
    ),
) -> None:
    """Print precision, recall and F1 per label on the held-out test splits.

    Example: intake ner evaluate --model extractors/ner_model
    """
    from extractors.ner_train import evaluate_model

    with _console.status("scoring the test splits"):
        try:
            metrics = evaluate_model(model, data_dir=data)
        except (IntakeError, OSError) as error:
            _fail(error)
    _print_metrics(metrics)


def _fail(error: Exception) -> NoReturn:
    message = error.message if isinstance(error, IntakeError) else str(error)
    _console.print(f"[red]{message}[/red]")
    raise typer.Exit(error.exit_code if isinstance(error, IntakeError) else 2)


def _print_metrics(metrics: dict[str, object]) -> None:
    table = Table(title="NER on held-out test splits")
    for column in ("split", "label", "precision", "recall", "F1"):
        table.add_column(column, justify="right" if column in ("precision", "recall", "F1")
                         else "left")
    for split, scores in metrics.items():
        if split == "training" or not isinstance(scores, dict):
            continue
        rows = [("overall", scores["overall"]), *scores["per_label"].items()]
        for label, prf in rows:
            table.add_row(split, label, f"{prf['p']:.3f}", f"{prf['r']:.3f}", f"{prf['f']:.3f}")
    _console.print(table)
