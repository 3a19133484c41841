"""The ``intake`` command line: one Typer app that gathers every command group."""

from __future__ import annotations

import typer

from cli import (
    bench_ocr,
    bench_rules,
    extract_cmd,
    ner_cmd,
    queue_cmd,
    rules_cmd,
    run_cmd,
    samples_cmd,
    stack_cmd,
)

app = typer.Typer(
    name="intake",
    help=(
        "Turn scanned citizen applications into validated records in agency queues.\n\n"
        "Example: intake stack up && intake run --wait"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

app.add_typer(stack_cmd.app, name="stack")
app.add_typer(samples_cmd.app, name="samples")
app.add_typer(rules_cmd.app, name="rules")
app.add_typer(queue_cmd.app, name="queue")
app.add_typer(ner_cmd.app, name="ner")
app.command("extract")(extract_cmd.extract)
run_cmd.register(app)

bench = typer.Typer(
    help="Benchmarks that print numbers.\n\nExample: intake bench accuracy sample_docs/bench",
    no_args_is_help=True,
)
bench.command("accuracy")(bench_ocr.accuracy)
bench.command("speed")(bench_ocr.speed)
bench.command("rules")(bench_rules.rules)
app.add_typer(bench, name="bench")


if __name__ == "__main__":
    app()
