"""``intake bench accuracy|speed``: measure extraction against ground truth and against Tesseract."""

from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

DEFAULT_DIR = Path("sample_docs/docs")


@dataclass
class Tally:
    """Counts for one variant of the reader over a set of documents."""

    documents: int = 0
    type_right: int = 0
    fields: int = 0
    fields_right: int = 0
    documents_all_right: int = 0
    per_field: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    per_group: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))
    seconds: float = 0.0
    misses: list[tuple[str, bool, list[str]]] = field(default_factory=list)
    """``(file, type right, keys not exact)`` of every document not read entirely right."""

    def add(self, truth: dict[str, Any], document: Any, seconds: float) -> None:
        """Score one document against its ground truth."""
        self.documents += 1
        self.seconds += seconds
        type_ok = document.document_type == truth["document_type"] and (
            document.service == truth.get("service")
        )
        self.type_right += type_ok
        right = 0
        missed = []
        for key, expected in truth["fields"].items():
            ok = same_value(key, document.value(key), expected)
            if not ok:
                missed.append(key)
            right += ok
            self.per_field[key][0] += ok
            self.per_field[key][1] += 1
        self.fields += len(truth["fields"])
        self.fields_right += right
        all_right = type_ok and right == len(truth["fields"])
        self.documents_all_right += all_right
        group = self.per_group[f"{truth['document_type']}/{truth.get('rendering', '?')}"]
        group[0] += 1
        group[1] += type_ok
        group[2] += all_right
        group[3] += right == len(truth["fields"])
        if missed or not type_ok:
            self.misses.append((truth["file"], type_ok, missed))


#: Fields that list what a letter names: compared as sets (order and repeats do not matter).
MENTION_LISTS = frozenset({"persons", "places", "dates"})


def same_value(key: str, got: Any, expected: Any) -> bool:
    """Exact match, except that the mention lists of a letter are compared as sets."""
    if key in MENTION_LISTS and isinstance(got, list) and isinstance(expected, list):
        return set(map(str, got)) == set(map(str, expected))
    return got == expected


def _percent(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "-"


def _truths(directory: Path) -> list[tuple[Path, dict[str, Any]]]:
    out = []
    for path in sorted(directory.glob("*.json")):
        try:
            truth = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if isinstance(truth, dict) and "fields" in truth and "file" in truth:
            document = directory / truth["file"]
            if document.exists():
                out.append((document, truth))
    return out


def _points(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def ablation_subset(truths: list[tuple[Path, dict[str, Any]]], share: float
                    ) -> list[tuple[Path, dict[str, Any]]]:
    """A share of the documents of every document type / rendering (at least one of each)."""
    groups: dict[str, list[tuple[Path, dict[str, Any]]]] = defaultdict(list)
    for item in truths:
        groups[f"{item[1]['document_type']}/{item[1].get('rendering', '?')}"].append(item)
    out = []
    for items in groups.values():
        out.extend(items[: max(1, math.ceil(share * len(items)))])
    return out


def _timed_extract(path: str, options: Any) -> tuple[Any, float]:
    """Extract one file in a worker process; return the document and the seconds it took."""
    from extractors.pipeline import extract_file

    started = time.perf_counter()
    document = extract_file(path, options=options)
    return document, time.perf_counter() - started


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=Console(stderr=True))


def accuracy(
    dir: Path = typer.Argument(DEFAULT_DIR, help="Folder of documents with <stem>.json ground truth."),  # noqa: A002
    ablation: bool = typer.Option(True, help="Also run without each preprocessing step."),
    ablation_share: float = typer.Option(
        0.34, help="Share of each document type / rendering the ablation variants read (1 = all)."),
    limit: int = typer.Option(0, help="Use only the first N documents (0 = all)."),
    json_out: Path | None = typer.Option(None, "--json-out", help="Also write the figures as JSON here."),
    misses: bool = typer.Option(False, "--misses", help="List each document the pipeline did not read "
                                "entirely right, with the keys it missed (keys only, no values)."),
) -> None:
    """Exact-match accuracy per field and document type, against plain Tesseract and ablations.

    Variants: ``pipeline`` (default preprocessing), ``plain-tesseract`` (no preprocessing,
    Tesseract's default page segmentation, same field parser), and ``-<step>`` (pipeline
    without that step) / ``+<step>`` (with an extra step) so each step's gain is visible
    (ablations read a share of every document type / rendering, see ``--ablation-share``).

    Example: intake bench accuracy sample_docs/docs --limit 20
    """
    from extractors import preprocess as pre
    from extractors.pipeline import DEFAULT_OPTIONS, ReadOptions, default_workers

    truths = _truths(dir)
    if limit:
        truths = truths[:limit]
    if not truths:
        raise typer.BadParameter(f"no documents with ground truth in {dir}", param_hint="DIR")
    variants: dict[str, ReadOptions] = {
        "pipeline": ReadOptions(steps=DEFAULT_OPTIONS, workers=1),
        "plain-tesseract": ReadOptions(steps=(), psm=3, workers=1),
    }
    ablations: dict[str, ReadOptions] = {}
    if ablation:
        for step in DEFAULT_OPTIONS:
            ablations[f"-{step}"] = ReadOptions(steps=tuple(s for s in DEFAULT_OPTIONS if s != step), workers=1)
        for step in pre.ALL_STEPS:
            if step not in DEFAULT_OPTIONS:
                ablations[f"+{step}"] = ReadOptions(steps=(*DEFAULT_OPTIONS, step), workers=1)
    subset = ablation_subset(truths, ablation_share) if ablations else []
    jobs = [(name, options, path, truth) for name, options in variants.items() for path, truth in truths]
    jobs += [(name, options, path, truth) for name, options in ablations.items() for path, truth in subset]
    tallies = {name: Tally() for name in [*variants, *ablations]}
    pipeline_on_subset = Tally()
    subset_paths = {path for path, _ in subset}
    with _progress() as progress, ProcessPoolExecutor(max_workers=max(1, default_workers())) as pool:
        task = progress.add_task("reading", total=len(jobs))
        futures = {pool.submit(_timed_extract, str(path), options): (name, path, truth)
                   for name, options, path, truth in jobs}
        for future in as_completed(futures):
            name, path, truth = futures[future]
            document, seconds = future.result()
            tallies[name].add(truth, document, seconds)
            if name == "pipeline" and path in subset_paths:
                pipeline_on_subset.add(truth, document, seconds)
            progress.advance(task)
    console = Console()
    summary = Table(title=f"Accuracy on {len(truths)} documents in {dir}", title_justify="left")
    for column in ("variant", "type right", "fields exact", "docs all exact", "s/doc"):
        summary.add_column(column, justify="right" if column != "variant" else "left")
    for name in variants:
        tally = tallies[name]
        summary.add_row(name, _percent(tally.type_right, tally.documents),
                        _percent(tally.fields_right, tally.fields),
                        _percent(tally.documents_all_right, tally.documents),
                        f"{tally.seconds / max(1, tally.documents):.2f}")
    console.print(summary)
    if ablations:
        base = pipeline_on_subset
        table = Table(title=f"Ablation on {len(subset)} documents (a share of every document type / rendering): "
                            "gain = pipeline minus variant, positive means the step helps",
                      title_justify="left")
        for column in ("variant", "fields exact", "docs all exact", "gain fields (pts)", "gain docs (pts)", "s/doc"):
            table.add_column(column, justify="right" if column != "variant" else "left")
        table.add_row("pipeline", _percent(base.fields_right, base.fields),
                      _percent(base.documents_all_right, base.documents), "", "",
                      f"{base.seconds / max(1, base.documents):.2f}")
        for name in ablations:
            tally = tallies[name]
            field_gain = _points(base.fields_right, base.fields) - _points(tally.fields_right, tally.fields)
            doc_gain = _points(base.documents_all_right, base.documents) - _points(tally.documents_all_right, tally.documents)
            if name.startswith("+"):
                field_gain, doc_gain = -field_gain, -doc_gain
            table.add_row(name, _percent(tally.fields_right, tally.fields),
                          _percent(tally.documents_all_right, tally.documents),
                          f"{field_gain:+.1f}", f"{doc_gain:+.1f}",
                          f"{tally.seconds / max(1, tally.documents):.2f}")
        console.print(table)
    main = tallies["pipeline"]
    groups = Table(title="pipeline by document type / rendering", title_justify="left")
    for column in ("group", "docs", "type right", "all fields exact"):
        groups.add_column(column, justify="right" if column != "group" else "left")
    for group, (n, type_ok, _, fields_ok) in sorted(main.per_group.items()):
        groups.add_row(group, str(n), _percent(type_ok, n), _percent(fields_ok, n))
    console.print(groups)
    per_field = Table(title="pipeline by field (exact)", title_justify="left")
    per_field.add_column("field")
    per_field.add_column("exact", justify="right")
    per_field.add_column("n", justify="right")
    for key, (ok, n) in sorted(main.per_field.items()):
        per_field.add_row(key, _percent(ok, n), str(n))
    console.print(per_field)
    if misses and main.misses:
        listing = Table(title="pipeline: documents not read entirely right", title_justify="left")
        for column in ("document", "type", "fields not exact"):
            listing.add_column(column)
        for name, type_ok, keys in sorted(main.misses):
            listing.add_row(name, "right" if type_ok else "WRONG", ", ".join(keys))
        console.print(listing)
    if json_out:
        json_out.write_text(json.dumps({
            name: {"documents": t.documents, "type_right": t.type_right, "fields": t.fields,
                   "fields_right": t.fields_right, "documents_all_right": t.documents_all_right,
                   "per_field": {k: v for k, v in t.per_field.items()},
                   "per_group": {k: v for k, v in t.per_group.items()},
                   "misses": t.misses}
            for name, t in tallies.items()
        }, indent=2))


def _page_images(path: Path, workdir: Path) -> list[Path]:
    """The file itself for images; PDF pages rendered to PNG (for the bare tesseract run)."""
    if path.suffix.lower() != ".pdf":
        return [path]
    import cv2

    from extractors.pdf_text import render_pages

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path.read_bytes())
    count = len(pdf)
    pdf.close()
    out = []
    for number, image in enumerate(render_pages(path.read_bytes(), list(range(1, count + 1))), start=1):
        target = workdir / f"{path.stem}-p{number}.png"
        cv2.imwrite(str(target), image)
        out.append(target)
    return out


def _children_cpu() -> float:
    """CPU seconds used by this process's finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bare_tesseract_command(image: Path) -> list[str]:
    """The bare command ``extract`` is compared with: Tesseract's defaults (psm 3), text out."""
    return ["tesseract", str(image), "stdout", "-l", "ind"]


def speed(
    dir: Path = typer.Argument(DEFAULT_DIR, help="Folder of documents to read."),  # noqa: A002
    limit: int = typer.Option(0, help="Use only the first N documents (0 = all)."),
    pattern: str = typer.Option("*", help="Glob of file names to include."),
    workers: int = typer.Option(os.cpu_count() or 1, min=1,
                                help="Files read at once by extract (the flow does the same "
                                     "across applications) and pages read at once by bare "
                                     "tesseract: the goal compares the two at this parallelism."),
    rounds: int = typer.Option(1, min=1, help="Alternate extract and bare tesseract this many "
                                              "times (totals over all rounds; evens out load drift)."),
    serial: bool = typer.Option(True, help="Also time bare tesseract one page at a time."),
) -> None:
    """Time ``extract`` and bare ``tesseract IMG stdout -l ind`` on the same pages in one run.

    The goal: ``extract`` reading WORKERS files at once is no slower, in pages per minute,
    than bare ``tesseract IMG stdout -l ind`` (psm 3, one process per page) reading WORKERS
    pages at once; both run with ``OMP_THREAD_LIMIT=1``. ``extract`` here is the whole
    pipeline (decode, preprocess, OCR, classify, fields, re-reads of weak fields).
    Also prints bare tesseract one page at a time, time per stage and peak memory.
    Digital PDFs count as pages for both (bare Tesseract gets them rendered, which
    ``extract`` never needs).

    Example: intake bench speed sample_docs/docs --limit 12
    """
    from extractors import tesseract as tess
    from extractors.pipeline import extract_file

    files = sorted(p for p in dir.glob(pattern)
                   if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf"))
    if limit:
        files = files[:limit]
    if not files:
        raise typer.BadParameter(f"no documents in {dir}", param_hint="DIR")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    stage_totals: dict[str, float] = defaultdict(float)
    extract_pages = 0
    extract_seconds = bare_seconds = serial_seconds = 0.0
    extract_cpu = bare_cpu = 0.0
    bare_pages = serial_pages = 0

    def bare(image: Path) -> None:
        subprocess.run(bare_tesseract_command(image), capture_output=True, env=env,
                       check=False, timeout=600)

    with _progress() as progress, tempfile.TemporaryDirectory() as tmp:
        images = [img for path in files for img in _page_images(path, Path(tmp))]

        def run_extract(round_number: int) -> float:
            nonlocal extract_pages
            nonlocal extract_cpu
            task = progress.add_task(f"extract x{workers} (round {round_number})", total=len(files))
            cpu = time.process_time()
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for document in pool.map(extract_file, files):
                    extract_pages += max(1, document.page_count)
                    for stage, seconds in document.timings.items():
                        stage_totals[stage] += seconds
                    progress.advance(task)
            seconds = time.perf_counter() - started
            extract_cpu += time.process_time() - cpu
            return seconds

        def run_bare(round_number: int) -> float:
            nonlocal bare_pages, bare_cpu
            task = progress.add_task(f"tesseract -l ind x{workers} (round {round_number})",
                                     total=len(images))
            cpu = _children_cpu()
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for _ in pool.map(bare, images):
                    progress.advance(task)
            seconds = time.perf_counter() - started
            bare_pages += len(images)
            bare_cpu += _children_cpu() - cpu
            return seconds

        for number in range(1, rounds + 1):
            # Alternate which side goes first so that a change in the machine's load hits both.
            if number % 2:
                extract_seconds += run_extract(number)
                bare_seconds += run_bare(number)
            else:
                bare_seconds += run_bare(number)
                extract_seconds += run_extract(number)
        peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if serial:
            task = progress.add_task("tesseract -l ind one at a time", total=len(images))
            started = time.perf_counter()
            for image in images:
                bare(image)
                progress.advance(task)
            serial_seconds = time.perf_counter() - started
            serial_pages = len(images)
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    extract_ppm = 60.0 * extract_pages / extract_seconds if extract_seconds else 0.0
    bare_ppm = 60.0 * bare_pages / bare_seconds if bare_seconds else 0.0
    serial_ppm = 60.0 * serial_pages / serial_seconds if serial_seconds else 0.0
    ratio = extract_ppm / bare_ppm if bare_ppm else 0.0
    pages = extract_pages // rounds
    console = Console()
    console.print(
        f"Same {pages} pages ({len(files)} files in {dir}), same run, {rounds} round(s); "
        f"OMP_THREAD_LIMIT=1 on both sides.\n"
        f"  extract: the whole pipeline, {workers} file(s) at once "
        f"(OCR engine: {tess.engine()}, Tesseract {tess.tesseract_version()})\n"
        f"  bare:    `{' '.join(bare_tesseract_command(Path('IMG')))}`, one process per page, "
        f"{workers} page(s) at once")
    table = Table(title="Speed", title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row(f"extract pages/min ({workers} files at once)", f"{extract_ppm:.1f}")
    table.add_row(f"bare tesseract pages/min ({workers} pages at once)", f"{bare_ppm:.1f}")
    verdict = "met" if ratio >= 1.0 else "NOT met"
    table.add_row(f"ratio extract / bare, both {workers} at once (goal >= 1.0: {verdict})",
                  f"{ratio:.2f}")
    if serial:
        table.add_row("bare tesseract pages/min (one page at a time)", f"{serial_ppm:.1f}")
        table.add_row(f"ratio extract ({workers} at once) / bare (one at a time)",
                      f"{extract_ppm / serial_ppm:.2f}" if serial_ppm else "-")
    # CPU seconds hardly change with what else the machine runs (wall-clock pages/min do).
    table.add_row("extract CPU s/page (this process, all threads)",
                  f"{extract_cpu / max(1, extract_pages):.3f}")
    table.add_row("bare tesseract CPU s/page (its processes)", f"{bare_cpu / max(1, bare_pages):.3f}")
    table.add_row("extract wall seconds", f"{extract_seconds:.1f}")
    table.add_row(f"bare tesseract x{workers} wall seconds", f"{bare_seconds:.1f}")
    if serial:
        table.add_row("bare tesseract one at a time wall seconds", f"{serial_seconds:.1f}")
    for stage, seconds in stage_totals.items():
        table.add_row(f"  extract stage {stage} s/page (summed over threads)",
                      f"{seconds / max(1, extract_pages):.3f}")
    table.add_row("peak RSS this process (MB)", f"{peak_self / 1024:.0f}")
    table.add_row("peak RSS largest child (MB)", f"{peak_children / 1024:.0f}")
    console.print(table)
