"""Decide what a document is (ktp, kk, form + service, letter) from its text; never guess.

Each type has marker phrases that its printed template always carries. A phrase counts when
it appears in the text allowing a few OCR errors (rapidfuzz ``partial_ratio``). The type
with the best share of its markers wins if it clears a threshold; otherwise ``unknown``.
Forms get their service from their title (``models.SERVICES``).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from models.domain import SERVICES

#: Marker phrases per document type, with weights.
MARKERS: dict[str, tuple[tuple[str, float], ...]] = {
    "ktp": (
        ("PROVINSI", 1.0), ("NIK", 0.5), ("TEMPAT/TGL LAHIR", 2.0), ("JENIS KELAMIN", 0.5),
        ("GOL. DARAH", 2.0), ("RT/RW", 0.5), ("KEL/DESA", 2.0), ("KECAMATAN", 0.5),
        ("STATUS PERKAWINAN", 1.0), ("KEWARGANEGARAAN", 0.5), ("BERLAKU HINGGA", 2.5),
        ("PEKERJAAN", 0.5), ("AGAMA", 0.5),
    ),
    "kk": (
        ("KARTU KELUARGA", 3.0), ("NAMA KEPALA KELUARGA", 2.5), ("STATUS HUBUNGAN DALAM KELUARGA", 2.0),
        ("DESA/KELURAHAN", 1.0), ("KABUPATEN/KOTA", 1.0), ("KODE POS", 1.0), ("PENDIDIKAN", 1.0),
        ("JENIS PEKERJAAN", 1.0), ("NAMA ORANG TUA", 1.0), ("DIKELUARKAN TANGGAL", 1.5),
    ),
    "form": (
        ("FORMULIR", 2.0), ("PERMOHONAN", 1.5), ("PEMOHON", 1.0), ("NAMA LENGKAP", 1.0),
        ("NO. TELEPON", 1.5), ("TANDA TANGAN", 1.0), ("KEPERLUAN", 0.5), ("PELAPORAN", 1.0),
        ("DENGAN INI MENGAJUKAN", 1.0), ("DIISI", 1.0),
    ),
    "letter": (
        ("SURAT KETERANGAN", 2.0), ("SURAT PENGANTAR", 2.0), ("NOMOR", 1.0),
        ("YANG BERTANDA TANGAN DI BAWAH INI", 3.0), ("MENERANGKAN", 2.0), ("DEMIKIAN", 2.0),
        ("SEBAGAIMANA MESTINYA", 1.5), ("DIPERGUNAKAN", 1.0), ("BENAR", 0.5), ("KETUA RT", 1.0),
    ),
}

#: Titles printed at the top of a document type: read there, they name the type even when a
#: poor photo leaves too few of its other markers legible.
TITLES: dict[str, str] = {"kk": "KARTU KELUARGA"}
#: How far into the text (characters) a title counts.
TITLE_HEAD = 120

#: Share of a type's marker weight that must be present for it to be chosen.
MIN_SHARE = 0.35
#: Fuzzy score (0..100) at which a marker counts as present.
MARKER_SCORE = 85


def normalise_text(page_texts: list[str]) -> str:
    """Upper-case text with collapsed whitespace, for marker search."""
    return re.sub(r"\s+", " ", " ".join(page_texts).upper())


def marker_share(text: str, markers: tuple[tuple[str, float], ...]) -> float:
    """Weighted share (0..1) of ``markers`` found in ``text``."""
    total = sum(weight for _, weight in markers)
    found = 0.0
    for phrase, weight in markers:
        if phrase in text:
            found += weight
        elif len(phrase) >= 6 and fuzz.partial_ratio(phrase, text) >= MARKER_SCORE:
            found += weight
    return found / total if total else 0.0


def service_of(text: str) -> tuple[str | None, float]:
    """The service whose form title appears in ``text`` (fuzzy), with its score 0..1."""
    best, best_score = None, 0.0
    for code, (_, title) in SERVICES.items():
        score = 100.0 if title in text else fuzz.partial_ratio(title, text)
        if score > best_score:
            best, best_score = code, score
    if best_score >= MARKER_SCORE:
        return best, best_score / 100.0
    return None, best_score / 100.0


def classify(page_texts: list[str]) -> tuple[str, str | None, float]:
    """Return ``(document_type, service or None, confidence 0..1)``; ``unknown`` if unsure."""
    text = normalise_text(page_texts)
    if len(re.sub(r"[^A-Z]", "", text)) < 20:
        return "unknown", None, 0.0
    head = text[:400]
    shares = {kind: marker_share(text, markers) for kind, markers in MARKERS.items()}
    service, service_score = service_of(head if len(head) > 0 else text)
    if service is None:
        service, service_score = service_of(text[:1500])
    letter_opening = marker_share(text, MARKERS["letter"][3:6])
    if service is not None and letter_opening < 0.5:
        # A titled application form: the title decides, the form markers only add confidence.
        return "form", service, round(min(1.0, 0.6 + 0.4 * max(service_score, shares["form"])), 3)
    kind = max(shares, key=lambda k: shares[k])
    share = shares[kind]
    if share < MIN_SHARE:
        titled = [k for k, title in TITLES.items()
                  if shares[k] == share > 0 and fuzz.partial_ratio(title, text[:TITLE_HEAD]) >= MARKER_SCORE]
        if not titled:
            return "unknown", None, round(share, 3)
        return titled[0], None, round(0.5 + share / 2, 3)
    ordered = sorted(shares.values(), reverse=True)
    margin = ordered[0] - ordered[1]
    confidence = min(1.0, 0.5 + share / 2 + margin / 2)
    if kind == "form":
        # A form whose title names no known service cannot be routed: do not guess.
        return "unknown", None, round(share / 2, 3)
    return kind, None, round(confidence, 3)
