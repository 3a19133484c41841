"""``intake bench rules``: how well the rule sets catch seeded defects in sample applications.

The sample set (``intake samples generate --defects``) holds, per application,
``truth/<application_id>/application.json`` with the seeded ``defect`` (or null) and
``truth/<application_id>/<stem>.json`` with each file's ground-truth fields. Fast mode
builds the applications from that ground truth (the rules alone are measured); ``--extract``
runs the real extraction on ``inbox/<service>/<application_id>/`` first (rules + extraction).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from models import Application, Document, Field
from models.errors import IntakeError
from rules import evaluate, load_ruleset, outcome

console = Console()

#: Rule id prefix of each service's rule set.
SERVICE_PREFIX: dict[str, str] = {
    "polri.skck": "SKCK",
    "dukcapil.akta_kelahiran": "AKTA",
    "dpmptsp.izin_usaha": "IZIN",
    "imigrasi.paspor": "PASPOR",
}

#: Seeded defect -> rule ids (without the service prefix) that catch it; any one counts.
#: Services where a defect cannot occur (no KTP in a birth report) map to their nearest rule.
EXPECTED_RULES: dict[str, tuple[str, ...]] = {
    "missing_document": ("DOC-REQUIRED", "BIRTH-LETTER"),
    "nik_mismatch_form_ktp": ("NIK-FORM-KTP", "REPORTER-NIK-KK", "KK-NUMBER-FORM-KK",
                              "PARENT-IN-KK"),
    "nik_sex_mismatch": ("NIK-SEX-PRINTED", "MOTHER-NIK-SEX", "FATHER-NIK-SEX"),
    "nik_date_mismatch": ("NIK-BIRTHDATE-PRINTED",),
    "unknown_region": ("NIK-REGION-UNKNOWN",),
    "bad_phone": ("PHONE",),
    "future_date": ("BIRTHDATE", "APPLICATION-DATE"),
    "name_mismatch": ("NAME-FORM-KTP", "REPORTER-NAME-KK", "MOTHER-NAME-KK", "FATHER-NAME-KK"),
    "faint_field": ("LOW-CONFIDENCE", "FORM-FIELD-MISSING", "KTP-FIELD-MISSING",
                    "CARD-FIELD-MISSING"),
}

#: Defects that live in the image, not in the values: invisible in fast mode.
IMAGE_ONLY_DEFECTS = frozenset({"faint_field"})


def expected_rule_ids(service: str, defect: str) -> set[str]:
    """The full rule ids (``SKCK-PHONE``) that count as catching ``defect`` in ``service``."""
    prefix = SERVICE_PREFIX.get(service, service.split(".")[-1].upper())
    return {f"{prefix}-{suffix}" for suffix in EXPECTED_RULES.get(defect, ())}


@dataclass
class Result:
    """The rules' verdict on one sample application."""

    application_id: str
    service: str
    defect: str | None
    outcome: str
    rule_ids: list[str]
    caught: bool
    """for a defect: an expected rule fired; for a valid application: it passed"""


@dataclass
class Tally:
    """Counts for one defect kind (or ``valid``)."""

    total: int = 0
    caught: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)


# --- building applications ------------------------------------------------------------------


def _truth_field(value: Any) -> Field:
    return Field(value=value, raw="" if value is None else str(value), confidence=1.0,
                 source="pdf_text")


def documents_from_truth(truth: dict[str, Any], source: str) -> list[Document]:
    """The documents a perfect extractor returns for one file's ground truth.

    A multipage file whose later pages are another document type (a form with the KTP
    photocopy on page 2) becomes one document per type.
    """
    pages = truth.get("pages") or [{"page": 1, "document_type": truth["document_type"],
                                    "service": truth.get("service"), "fields": truth["fields"]}]
    by_type: dict[str, dict[str, Any]] = {}
    for page in pages:
        by_type.setdefault(page["document_type"], page)
    return [
        Document(
            source=source,
            media_type=truth.get("media_type", ""),
            page_count=int(truth.get("page_count") or len(pages)),
            document_type=doc_type,
            classification_confidence=1.0,
            service=page.get("service") if doc_type == "form" else None,
            fields={k: _truth_field(v) for k, v in (page.get("fields") or {}).items()},
        )
        for doc_type, page in by_type.items()
    ]


def _application_files(root: Path, meta: dict[str, Any]) -> list[str]:
    files = meta.get("files")
    if files:
        return list(files)
    return sorted(meta.get("documents", {}))


def application_from_truth(root: Path, truth_dir: Path, meta: dict[str, Any]) -> Application:
    """The application as ground truth says it was handed in (fast mode)."""
    documents: list[Document] = []
    for name in _application_files(root, meta):
        truth_file = truth_dir / f"{Path(name).stem}.json"
        if truth_file.exists():
            truth = json.loads(truth_file.read_text(encoding="utf-8"))
            documents += documents_from_truth(truth, f"inbox/{meta['service']}/"
                                              f"{meta['application_id']}/{name}")
    return Application(application_id=meta["application_id"], service=meta["service"],
                       documents=documents)


def application_from_extraction(root: Path, meta: dict[str, Any]) -> Application:
    """The application as the real extraction reads it (``--extract`` mode)."""
    from extractors.pipeline import extract_file  # heavy: OCR and spaCy, only when asked

    app_dir = root / "inbox" / meta["service"] / meta["application_id"]
    documents: list[Document] = []
    for name in _application_files(root, meta):
        path = app_dir / name
        if not path.exists():
            continue
        extracted = extract_file(path)
        documents += extracted if isinstance(extracted, list) else [extracted]
    return Application(application_id=meta["application_id"], service=meta["service"],
                       documents=documents)


def _files_digest(root: Path, meta: dict[str, Any]) -> str:
    """A short digest of the application's files: a cached extraction of other files is not reused."""
    app_dir = root / "inbox" / meta["service"] / meta["application_id"]
    digest = hashlib.sha256()
    for name in _application_files(root, meta):
        path = app_dir / name
        if path.exists():
            digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def cached_extraction(root: Path, meta: dict[str, Any], cache: Path) -> Application:
    """The extracted application from ``cache`` if its files are unchanged, else extract and store.

    The cache lets the rules be re-measured on the same real extraction without OCR again;
    delete it after the extractors change.
    """
    path = cache / f"{meta['application_id']}-{_files_digest(root, meta)}.json"
    if path.exists():
        return Application.model_validate_json(path.read_text(encoding="utf-8"))
    app = application_from_extraction(root, meta)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(app.model_dump_json(), encoding="utf-8")
    return app


def judge(app: Application, defect: str | None, today: date | None) -> Result:
    """Run the service's rules on ``app`` and say whether the seeded defect was caught."""
    issues = evaluate(app, load_ruleset(app.service), today=today)
    result = outcome(issues)
    rule_ids = sorted({i.rule_id for i in issues if i.severity != "info"})
    if defect is None:
        caught = result == "passed"
    else:
        caught = bool(expected_rule_ids(app.service, defect) & {i.rule_id for i in issues})
    return Result(app.application_id, app.service, defect, result, rule_ids, caught)


# --- the command ----------------------------------------------------------------------------


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def _report(results: list[Result], extract: bool, seconds: float) -> None:
    tallies: dict[str, Tally] = {}
    for r in results:
        tally = tallies.setdefault(r.defect or "valid", Tally())
        tally.total += 1
        tally.caught += r.caught
        tally.outcomes[r.outcome] += 1
    table = Table(title=f"rules bench ({'extraction + rules' if extract else 'ground truth'}, "
                        f"{len(results)} applications, {seconds:.1f} s)", title_justify="left")
    for column in ("defect", "apps", "caught (right rule)", "flagged", "rejected", "passed",
                   "expected rule"):
        table.add_column(column)
    for defect in sorted(tallies, key=lambda d: (d == "valid", d)):
        tally = tallies[defect]
        if defect == "valid":
            caught = "-"
            expected = "(none: must pass)"
        elif defect in IMAGE_ONLY_DEFECTS and not extract:
            caught = "n/a (image only; use --extract)"
            expected = "|".join(EXPECTED_RULES.get(defect, ()))
        else:
            caught = f"{tally.caught}/{tally.total} ({_percent(tally.caught, tally.total)})"
            expected = "|".join(EXPECTED_RULES.get(defect, ("?",)))
        table.add_row(defect, str(tally.total), caught, str(tally.outcomes["flagged"]),
                      str(tally.outcomes["rejected"]), str(tally.outcomes["passed"]), expected)
    console.print(table)

    valid = [r for r in results if r.defect is None]
    wrongly = [r for r in valid if r.outcome != "passed"]
    seeded = [r for r in results if r.defect is not None
              and (extract or r.defect not in IMAGE_ONLY_DEFECTS)]
    straight = [r for r in results if r.outcome in ("passed", "rejected")]
    console.print(f"defects caught with the right rule: {sum(r.caught for r in seeded)}/"
                  f"{len(seeded)} ({_percent(sum(r.caught for r in seeded), len(seeded))})",
                  highlight=False)
    console.print(f"valid applications wrongly flagged or rejected: {len(wrongly)}/{len(valid)} "
                  f"({_percent(len(wrongly), len(valid))})", highlight=False)
    console.print(f"straight-through rate (passed or rejected without review): "
                  f"{len(straight)}/{len(results)} ({_percent(len(straight), len(results))}); "
                  f"valid passed: {len(valid) - len(wrongly)}/{len(valid)}", highlight=False)
    noise = Counter(rule for r in wrongly for rule in r.rule_ids)
    if noise:
        console.print("rules firing on valid applications: " + ", ".join(
            f"{rule} x{n}" for rule, n in noise.most_common(8)), highlight=False)
    missed = [r for r in seeded if not r.caught]
    for r in missed[:10]:
        console.print(f"  missed {r.application_id} ({r.defect}): {r.outcome}, fired "
                      f"{', '.join(r.rule_ids) or 'nothing'}", highlight=False)


def rules(
    directory: Annotated[Path, typer.Argument(
        help="sample set made by `intake samples generate --defects` (holds inbox/ and truth/)")
    ] = Path("var/samples"),
    extract: Annotated[bool, typer.Option(
        "--extract", help="run the real extraction on the files instead of using ground truth")
    ] = False,
    today: Annotated[str | None, typer.Option(help="reference date YYYY-MM-DD (default: today)")
                     ] = None,
    limit: Annotated[int, typer.Option(help="at most this many applications (0: all)")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON result per line")
                       ] = False,
    cache: Annotated[Path | None, typer.Option(
        help="with --extract: keep each extracted application here and reuse it while its "
             "files are unchanged (delete after changing the extractors)")] = None,
) -> None:
    """Measure the rules on seeded defects: catch rate per defect, false flags, straight-through.

    Example: intake samples generate --seed 3 --count 90 --defects var/samples

    Example: intake bench rules var/samples --extract --limit 20

    Example: intake bench rules var/samples --extract --cache /tmp/extracted
    """
    truth_root = directory / "truth"
    metas = []
    for path in sorted(truth_root.glob("*/application.json")):
        metas.append((path.parent, json.loads(path.read_text(encoding="utf-8"))))
    if limit:
        metas = metas[:limit]
    if not metas:
        console.print(f"[red]no applications under {truth_root}[/] (expected "
                      "truth/<application_id>/application.json)")
        raise typer.Exit(2)
    reference = date.fromisoformat(today) if today else None
    results: list[Result] = []
    started = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("extract + rules" if extract else "rules", total=len(metas))
        for truth_dir, meta in metas:
            try:
                if extract and cache is not None:
                    app = cached_extraction(directory, meta, cache)
                elif extract:
                    app = application_from_extraction(directory, meta)
                else:
                    app = application_from_truth(directory, truth_dir, meta)
                results.append(judge(app, meta.get("defect"), reference))
            except IntakeError as e:
                console.print(f"[red]{meta.get('application_id')}: {e.message}[/]")
                raise typer.Exit(e.exit_code) from e
            bar.advance(task)
    if as_json:
        for r in results:
            print(json.dumps(r.__dict__))
        return
    _report(results, extract, time.perf_counter() - started)
