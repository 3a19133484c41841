"""Pydantic models of documents, fields, applications, issues and the published record."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field as PydField

SCHEMA_VERSION = "1.0"

DocumentType = Literal["ktp", "kk", "form", "letter", "unknown"]
DOCUMENT_TYPES: tuple[str, ...] = ("ktp", "kk", "form", "letter", "unknown")

FieldSource = Literal["ocr", "pdf_text", "pattern", "ner", "review"]
FIELD_SOURCES: tuple[str, ...] = ("ocr", "pdf_text", "pattern", "ner", "review")

Status = Literal["passed", "flagged", "rejected", "failed"]

#: service code -> (agency, form title that names it)
SERVICES: dict[str, tuple[str, str]] = {
    "polri.skck": ("polri", "SURAT KETERANGAN CATATAN KEPOLISIAN"),
    "dukcapil.akta_kelahiran": ("dukcapil", "PELAPORAN KELAHIRAN"),
    "dpmptsp.izin_usaha": ("dpmptsp", "PERMOHONAN IZIN USAHA"),
    "imigrasi.paspor": ("imigrasi", "PERMOHONAN PASPOR"),
}

_NIK_RE = re.compile(r"(?<!\d)(\d{6})(\d{6})(\d{4})(?!\d)")


def mask_nik(text: str) -> str:
    """Mask every 16-digit number in ``text`` as ``3578**********01`` (DESIGN.md's form)."""
    return _NIK_RE.sub(lambda m: f"{m.group(0)[:4]}{'*' * 10}{m.group(0)[-2:]}", text)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Word(_Model):
    """One word as read from a page."""

    text: str
    confidence: float = PydField(ge=0.0, le=1.0, description="OCR confidence 0..1; 1 for PDF text")
    bbox: tuple[float, float, float, float] = PydField(description="x0, y0, x1, y1 in page pixels")
    line: int = PydField(0, description="index of the text line the word belongs to on its page")


class Page(_Model):
    """One page of a document after preprocessing and text reading."""

    number: int = PydField(ge=1, description="1-based page number")
    width: int
    height: int
    text: str = ""
    words: list[Word] = PydField(default_factory=list)
    source: Literal["ocr", "pdf_text"] = "ocr"
    angle: float = PydField(0.0, description="rotation applied by preprocessing, degrees")


#: Start of the repair noted on a field printed much fainter than the rest of its page
#: (extraction writes it; the rules never let such a value pass on another document's word).
FAINT_PRINT_REPAIR = "faint print"


class Field(_Model):
    """One extracted field, in the canonical key and value format of DESIGN.md."""

    value: Any = PydField(description="normalised value (string, int, or list for KK members)")
    raw: str = PydField("", description="the text as read, before normalisation")
    confidence: float = PydField(0.0, ge=0.0, le=1.0)
    page: int = PydField(1, ge=1)
    bbox: tuple[float, float, float, float] | None = None
    source: FieldSource = "ocr"
    repairs: list[str] = PydField(default_factory=list, description="repairs applied, e.g. O->0")
    edit_distance: int | None = PydField(None, description="distance when snapped to an enum")
    readings: list[str] = PydField(
        default_factory=list,
        description="other values the print allows as well as this one (an identifier read with a "
                    "digit to spare, the card unable to tell which); another document may decide")


class ErrorInfo(_Model):
    """Why a document was rejected."""

    code: str
    message: str


class Document(_Model):
    """One file of an application, classified and with its fields."""

    source: str = PydField(description="object key or path the file came from")
    sha256: str = ""
    media_type: str = ""
    page_count: int = 0
    status: Literal["ok", "rejected"] = "ok"
    document_type: DocumentType = "unknown"
    classification_confidence: float = 0.0
    service: str | None = None
    fields: dict[str, Field] = PydField(default_factory=dict)
    error: ErrorInfo | None = None
    timings: dict[str, float] = PydField(default_factory=dict, description="seconds per stage")

    def value(self, key: str) -> Any:
        """Return the normalised value of field ``key`` or ``None``."""
        f = self.fields.get(key)
        return None if f is None else f.value

    def to_cli_json(self) -> dict[str, Any]:
        """The JSON object ``intake extract --json`` prints for this document."""
        out: dict[str, Any] = {
            "source": self.source,
            "status": self.status,
            "document_type": self.document_type,
        }
        if self.document_type == "form":
            out["service"] = self.service
        out["classification_confidence"] = round(self.classification_confidence, 3)
        out["fields"] = {
            k: {
                "value": f.value,
                "raw": f.raw,
                "confidence": round(f.confidence, 3),
                "page": f.page,
                "bbox": list(f.bbox) if f.bbox else None,
                "source": f.source,
            }
            for k, f in self.fields.items()
        }
        if self.error is not None:
            out["error"] = self.error.model_dump()
        return out


class Issue(_Model):
    """One finding of a rule about an application."""

    rule_id: str
    severity: Literal["reject", "flag", "info"]
    fields: list[str] = PydField(default_factory=list)
    document: str | None = PydField(None, description="document type or object key concerned")
    message_id: str = PydField(description="message in Indonesian")
    message_en: str = PydField(description="message in English")


class Application(_Model):
    """Everything under one ``inbox/<service>/<application_id>/`` prefix, after extraction."""

    application_id: str
    service: str
    documents: list[Document] = PydField(default_factory=list)

    def first(self, document_type: str) -> Document | None:
        """Return the first OK document of ``document_type`` or ``None``."""
        for d in self.documents:
            if d.status == "ok" and d.document_type == document_type:
                return d
        return None


class DocumentSummary(_Model):
    """A document as it appears in the published record."""

    document_type: DocumentType
    object_key: str
    sha256: str
    page_count: int
    status: Literal["ok", "rejected"] = "ok"
    error: ErrorInfo | None = None
    fields: dict[str, Field] = PydField(default_factory=dict)


class Review(_Model):
    """Who reviewed the application, when, and what they changed."""

    reviewer: str
    reviewed_at: datetime
    changes: list[dict[str, Any]] = PydField(default_factory=list)


class Record(_Model):
    """The published result for one application (see models/record.schema.json)."""

    schema_version: str = SCHEMA_VERSION
    application_id: str
    version: int = 1
    service: str
    agency: str
    status: Status
    applicant: dict[str, Any] = PydField(default_factory=dict)
    documents: list[DocumentSummary] = PydField(default_factory=list)
    issues: list[Issue] = PydField(default_factory=list)
    review: Review | None = None
    provenance: dict[str, Any] = PydField(default_factory=dict)

    @property
    def message_id(self) -> str:
        """Message id consumers de-duplicate by: ``<application_id>:<version>``."""
        return f"{self.application_id}:{self.version}"


class Limits(_Model):
    """Limits on what a file may be; beyond them it is rejected with a reason code."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_pages: int = 20
    max_pixels: int = 60_000_000
    ocr_timeout_seconds: float = 120.0
