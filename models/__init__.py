"""Domain models shared by every stage: Document, Page, Word, Field, Application, Issue, Record."""

from __future__ import annotations

from models.domain import (
    DOCUMENT_TYPES,
    FIELD_SOURCES,
    SERVICES,
    Application,
    Document,
    DocumentSummary,
    ErrorInfo,
    Field,
    Issue,
    Limits,
    Page,
    Record,
    Review,
    Word,
    mask_nik,
)

__all__ = [
    "DOCUMENT_TYPES",
    "FIELD_SOURCES",
    "SERVICES",
    "Application",
    "Document",
    "DocumentSummary",
    "ErrorInfo",
    "Field",
    "Issue",
    "Limits",
    "Page",
    "Record",
    "Review",
    "Word",
    "mask_nik",
]
