"""Assemble the published record of an application from its documents and issues."""

from __future__ import annotations

from typing import Any

from models import Application, DocumentSummary, Issue, Record, SERVICES

PIPELINE_VERSION = "0.1.0"


def build_record(
    app: Application,
    issues: list[Issue],
    status: str,
    applicant: dict[str, Any],
    provenance: dict[str, Any],
) -> Record:
    """The record of ``app``: its documents with fields, the issues found and the outcome."""
    agency = SERVICES.get(app.service, (app.service.split(".")[0], ""))[0]
    documents = [
        DocumentSummary(
            document_type=d.document_type,
            object_key=d.source,
            sha256=d.sha256,
            page_count=d.page_count,
            status=d.status,
            error=d.error,
            fields=d.fields,
        )
        for d in app.documents
    ]
    return Record(
        application_id=app.application_id,
        service=app.service,
        agency=agency,
        status=status,  # type: ignore[arg-type]
        applicant=applicant,
        documents=documents,
        issues=issues,
        provenance={"pipeline_version": PIPELINE_VERSION, **provenance},
    )
