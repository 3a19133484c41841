"""``intake rules``: list the rule sets and check a rule set or an application against one."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from models import Application, Document, Issue
from models.errors import ConfigurationError
from rules import RuleSet, evaluate, list_rulesets, load_ruleset, load_ruleset_file, outcome

app = typer.Typer(
    help=(
        "The validation rules per service (YAML in rules/).\n\n"
        "Example: intake rules check polri.skck application.json"
    ),
    no_args_is_help=True,
)

console = Console()

SEVERITY_STYLE = {"reject": "bold red", "flag": "yellow", "info": "cyan"}
OUTCOME_STYLE = {"passed": "bold green", "flagged": "bold yellow", "rejected": "bold red"}


def _fail(error: ConfigurationError) -> typer.Exit:
    """Print a configuration error and return the exit to raise."""
    console.print(f"[bold red]error:[/] {error.message}", highlight=False, soft_wrap=True)
    return typer.Exit(error.exit_code)


# --- reading applications -------------------------------------------------------------------


def document_from_json(data: dict[str, Any], source: str = "") -> Document:
    """A Document from ``intake extract --json`` output (or a serialised ``models.Document``)."""
    fields = {}
    for key, raw_field in (data.get("fields") or {}).items():
        if isinstance(raw_field, dict) and "value" in raw_field:
            fields[key] = {k: v for k, v in raw_field.items() if v is not None or k == "value"}
        else:
            fields[key] = {"value": raw_field, "confidence": 1.0, "source": "pdf_text"}
    known: dict[str, Any] = {}
    for key in ("source", "sha256", "media_type", "page_count", "status", "document_type",
                "classification_confidence", "service", "error", "timings"):
        if key in data and data[key] is not None:
            known[key] = data[key]
    known.setdefault("source", source)
    known["fields"] = fields
    return Document.model_validate(known)


def _json_values(path: Path) -> list[Any]:
    """The JSON value(s) in ``path``: one document, a list, or one JSON value per line."""
    text = path.read_text(encoding="utf-8")
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return value if isinstance(value, list) else [value]


SCANNED_SUFFIXES = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"})


def _manifest_service(folder: Path) -> str | None:
    manifest = folder / "manifest.json"
    if not manifest.exists():
        return None
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("service")
    except (json.JSONDecodeError, OSError, AttributeError):
        return None


def extract_folder(folder: Path, service: str | None) -> Application:
    """Run the real extraction on the scanned files of an application folder."""
    from extractors.pipeline import extract_file  # OCR: only loaded when needed

    scans = sorted(p for p in folder.iterdir() if p.suffix.lower() in SCANNED_SUFFIXES)
    documents = []
    with console.status(f"extracting {len(scans)} file(s)"):
        for scan in scans:
            documents.append(extract_file(scan))
    form = next((d for d in documents if d.document_type == "form" and d.service), None)
    chosen = service or _manifest_service(folder) or (form.service if form else None)
    if not chosen:
        raise ConfigurationError(f"{folder}: no manifest or form names the service; pass it, "
                                 f"e.g. intake rules check polri.skck {folder}")
    return Application(application_id=folder.name, service=chosen, documents=documents)


def load_application(path: Path, service: str | None = None) -> Application:
    """Read an application: a serialised ``models.Application``, ``intake extract --json``
    output (one file holding one or more documents, or a directory of such files), or a
    folder of scanned files (``inbox/<service>/<application_id>/``), which is extracted.

    The service comes from ``service``, else from the application, manifest or form.
    """
    if not path.exists():
        raise ConfigurationError(f"{path}: no such file or directory")
    if path.is_dir():
        files = sorted(p for p in path.glob("*.json") if p.name != "manifest.json")
        if not files and any(p.suffix.lower() in SCANNED_SUFFIXES for p in path.iterdir()):
            return extract_folder(path, service)
    else:
        files = [path]
    if not files:
        raise ConfigurationError(f"{path}: no *.json files")
    documents: list[Document] = []
    try:
        for file in files:
            for value in _json_values(file):
                if (isinstance(value, dict) and "application_id" in value
                        and isinstance(value.get("documents"), list)):
                    found = Application.model_validate(value)
                    if service:
                        found = found.model_copy(update={"service": service})
                    return found
                if not isinstance(value, dict):
                    raise ConfigurationError(f"{file}: expected a JSON object per document")
                if "document_type" not in value:
                    continue  # not a document (an application's truth summary, a manifest)
                documents.append(document_from_json(value, source=str(file)))
    except (json.JSONDecodeError, ValidationError, OSError) as e:
        raise ConfigurationError(f"{path}: not an application or extract output: {e}") from e
    form = next((d for d in documents if d.document_type == "form" and d.service), None)
    chosen = service or (form.service if form is not None else None)
    if not chosen:
        raise ConfigurationError(f"{path}: no form names the service; pass the service code, "
                                 "e.g. intake rules check polri.skck " + str(path))
    application_id = path.name if path.is_dir() else path.stem
    return Application(application_id=application_id, service=chosen, documents=documents)


# --- printing -------------------------------------------------------------------------------


def issues_table(issues: list[Issue], language: str = "en") -> Table:
    """A rich table of issues: rule, severity, document, fields, message."""
    table = Table(show_lines=False)
    for column in ("rule", "severity", "document", "field(s)", "message"):
        table.add_column(column, overflow="fold")
    for issue in issues:
        table.add_row(
            issue.rule_id,
            f"[{SEVERITY_STYLE[issue.severity]}]{issue.severity}[/]",
            issue.document or "",
            ", ".join(issue.fields),
            issue.message_id if language == "id" else issue.message_en,
        )
    return table


def _ruleset_summary(ruleset: RuleSet, where: str) -> None:
    counts = {s: sum(r.severity == s for r in ruleset.rules) for s in ("reject", "flag", "info")}
    console.print(
        f"[green]ok[/] {where}: {ruleset.service} -> {ruleset.queue}, "
        f"{len(ruleset.rules)} rules ({counts['reject']} reject, {counts['flag']} flag, "
        f"{counts['info']} info), requires {', '.join(ruleset.required_documents)}",
        highlight=False,
    )


def _rulesets_for_list(service: str | None) -> list[RuleSet]:
    return [load_ruleset(service)] if service else list_rulesets()


# --- commands -------------------------------------------------------------------------------


@app.command("list")
def list_command(
    service: Annotated[str | None, typer.Argument(help="only this service, e.g. polri.skck")
                       ] = None,
    language: Annotated[str, typer.Option("--lang", help="message language: en or id")] = "en",
    show_fields: Annotated[bool, typer.Option("--fields", help="show the fields each rule reads")
                           ] = False,
) -> None:
    """List the rule sets with their rule ids, kinds, severities and messages.

    Example: intake rules list polri.skck --lang id
    """
    try:
        rulesets = _rulesets_for_list(service)
    except ConfigurationError as e:
        raise _fail(e) from e
    for ruleset in rulesets:
        table = Table(
            title=(f"{ruleset.service} ({ruleset.title}) -> {ruleset.queue}; requires "
                   f"{', '.join(ruleset.required_documents)}"),
            title_justify="left",
        )
        columns = ["rule", "kind", "severity"] + (["fields"] if show_fields else []) + ["message"]
        for column in columns:
            table.add_column(column, overflow="fold")
        for rule in ruleset.rules:
            fields = getattr(rule, "fields", None) or getattr(rule, "document_types", None) or []
            kind = getattr(rule, "check", None) or getattr(rule, "format", None) or rule.kind
            severity = f"[{SEVERITY_STYLE[rule.severity]}]{rule.severity}[/]"
            if rule.ocr_severity:
                severity += f" (OCR: {rule.ocr_severity})"
            cells = [rule.id, kind, severity] + ([", ".join(fields)] if show_fields else [])
            table.add_row(*cells, rule.message_id if language == "id" else rule.message_en)
        console.print(table)


@app.command("check")
def check_command(
    target: Annotated[str | None, typer.Argument(
        help="a rule set YAML file, a service code, or an application (JSON file or directory)")
    ] = None,
    application: Annotated[Path | None, typer.Argument(
        help="application to check: a serialised Application JSON, `intake extract --json` "
             "output, or a directory of such files")] = None,
    today: Annotated[str | None, typer.Option(help="reference date YYYY-MM-DD (default: today)")
                     ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print issues and outcome as JSON")
                       ] = False,
    language: Annotated[str, typer.Option("--lang", help="message language: en or id")] = "en",
) -> None:
    """Validate rule sets, or check an application against its service's rules.

    No argument: validate every rule set in rules/.

    A YAML file: validate it (and check APPLICATION with it, if given).

    A service code and APPLICATION, or just an application: print issues and the outcome.

    Example: intake rules check rules/polri.skck.yaml

    Example: intake rules check polri.skck var/extract/app-0001/

    Example: intake rules check app-0001.json --today 2026-11-01 --json
    """
    try:
        reference = date.fromisoformat(today) if today else None
    except ValueError as e:
        raise typer.BadParameter(f"--today {today!r} is not YYYY-MM-DD") from e
    try:
        if target is None:
            for ruleset in list_rulesets():
                _ruleset_summary(ruleset, str(ruleset.path))
            return
        ruleset: RuleSet | None = None
        target_path = Path(target)
        if target_path.suffix in (".yaml", ".yml"):
            ruleset = load_ruleset_file(target_path)
            if application is None:
                _ruleset_summary(ruleset, target)
                return
        elif application is None and target_path.exists():
            application = target_path
        elif application is not None:
            ruleset = load_ruleset(target)
        else:
            raise ConfigurationError(f"{target}: neither a rule set file, a service with an "
                                     "application, nor an application path")
        service = ruleset.service if ruleset is not None else None
        app_model = load_application(application, service)
        ruleset = ruleset or load_ruleset(app_model.service)
    except ConfigurationError as e:
        raise _fail(e) from e
    issues = evaluate(app_model, ruleset, today=reference)
    result = outcome(issues)
    if as_json:
        print(json.dumps({
            "application_id": app_model.application_id,
            "service": ruleset.service,
            "outcome": result,
            "issues": [i.model_dump() for i in issues],
        }, ensure_ascii=False, indent=2))
        return
    if issues:
        console.print(issues_table(issues, language))
    console.print(
        f"{app_model.application_id} ({ruleset.service}): "
        f"[{OUTCOME_STYLE[result]}]{result}[/], {len(issues)} issue(s)", highlight=False)
