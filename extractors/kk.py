"""The members table of a Kartu Keluarga, read by columns from word boxes.

A KK prints its members in two tables (identity, then status and parents), each with a
header row and one numbered row per member. Columns are found where the cells of the rows
start (cells are runs of words without a wide gap); each column is named by the header
cell centred over it; the two tables are joined by the row number.
"""

from __future__ import annotations

import re
import statistics

from rapidfuzz import fuzz, process

from extractors import normalize as norm
from extractors.fields import Line, key_of, page_lines
from models.domain import Field, Page, Word

#: Header text of a KK column -> (member key, normaliser kind); ``None`` = not extracted.
COLUMNS: dict[str, tuple[str, str] | None] = {
    "NAMA LENGKAP": ("full_name", "name"),
    "NIK": ("nik", "nik"),
    "JENIS KELAMIN": ("sex", "sex"),
    "TEMPAT LAHIR": ("birth_place", "place"),
    "TANGGAL LAHIR": ("birth_date", "date"),
    "AGAMA": ("religion", "religion"),
    "PENDIDIKAN": ("education", "text"),
    "JENIS PEKERJAAN": ("occupation", "text"),
    "GOLONGAN DARAH": None,
    "STATUS PERKAWINAN": ("marital_status", "marital_status"),
    "TANGGAL PERKAWINAN": None,
    "STATUS HUBUNGAN DALAM KELUARGA": ("relationship", "relationship"),
    "KEWARGANEGARAAN": ("nationality", "nationality"),
    "NO. PASPOR": None,
    "NO. KITAP": None,
    "AYAH": ("father_name", "name"),
    "IBU": ("mother_name", "name"),
}
RELATIONSHIPS = ("KEPALA KELUARGA", "SUAMI", "ISTRI", "ANAK", "MENANTU", "CUCU", "ORANGTUA",
                 "MERTUA", "FAMILI LAIN", "PEMBANTU", "LAINNYA")
MEMBER_KEYS = ("full_name", "nik", "sex", "birth_place", "birth_date", "religion", "education",
               "occupation", "marital_status", "relationship", "nationality", "father_name",
               "mother_name")


def _cells(words: list[Word], height: float) -> list[list[Word]]:
    cells: list[list[Word]] = []
    for word in words:
        if cells and word.bbox[0] - cells[-1][-1].bbox[2] <= 0.9 * height:
            cells[-1].append(word)
        else:
            cells.append([word])
    return cells


def _row_number(line: Line) -> int | None:
    text = line.words[0].text.rstrip(".")
    repaired, _ = norm.repair_digits(text)
    return int(repaired) if re.fullmatch(r"\d{1,2}", repaired) else None


def _is_header(line: Line) -> bool:
    keys = {key_of(w.text) for w in line.words}
    return ("NO" in keys or "N0" in keys) and len(line.words) >= 5 and _row_number(line) is None


def _column_name(text: str) -> str | None:
    match = process.extractOne(text.upper(), list(COLUMNS), scorer=fuzz.ratio, score_cutoff=75)
    return match[0] if match else None


def _table(header: Line, rows: list[Line]) -> dict[int, dict[str, tuple[str, list[Word]]]]:
    height = statistics.median(r.height for r in rows)
    starts: list[float] = []
    for row in rows:
        starts.extend(cell[0].bbox[0] for cell in _cells(row.words[1:], row.height))
    starts.sort()
    clusters: list[list[float]] = []
    for x in starts:
        if clusters and x - clusters[-1][-1] <= height:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    needed = max(1, len(rows) // 2)
    column_starts = [min(c) for c in clusters if len(c) >= needed]
    def column_of(x: float) -> int | None:
        return max((i for i, start in enumerate(column_starts) if start <= x), default=None)

    header_words: dict[int, list[Word]] = {}
    for word in header.words:
        if key_of(word.text) in ("NO", "N0"):
            continue
        k = column_of((word.bbox[0] + word.bbox[2]) / 2)
        if k is not None:
            header_words.setdefault(k, []).append(word)
    names = [
        _column_name(" ".join(w.text for w in header_words[k])) if k in header_words else None
        for k in range(len(column_starts))
    ]
    table: dict[int, dict[str, tuple[str, list[Word]]]] = {}
    for row in rows:
        number = _row_number(row)
        if number is None:
            continue
        values: dict[str, list[Word]] = {}
        for word in row.words[1:]:
            k = column_of(word.bbox[0] + 0.5 * height)
            if k is None or names[k] is None:
                continue
            values.setdefault(names[k], []).append(word)
        table[number] = {name: (" ".join(w.text for w in ws), ws) for name, ws in values.items()}
    return table


def _normalise(kind: str, raw: str) -> object | None:
    if kind == "relationship":
        return norm.snap(raw, RELATIONSHIPS).value
    if raw.strip() in ("-", "—"):
        return None
    return norm.normalize(kind, raw).value


def members_field(pages: list[Page]) -> Field | None:
    """The ``members`` field of a KK (a list of member dicts), or ``None`` if no table is found."""
    members: dict[int, dict[str, object]] = {}
    words_used: list[Word] = []
    page_number = 1
    for page in pages:
        lines = page_lines(page)
        for i, line in enumerate(lines):
            if not _is_header(line):
                continue
            rows = []
            for nxt in lines[i + 1:]:
                if _row_number(nxt) is None:
                    break
                rows.append(nxt)
            if not rows:
                continue
            page_number = page.number if not members else page_number
            for number, cells in _table(line, rows).items():
                member = members.setdefault(number, {})
                for column, (raw, ws) in cells.items():
                    target = COLUMNS.get(column)
                    if target is None:
                        continue
                    key, kind = target
                    member[key] = _normalise(kind, raw)
                    words_used.extend(ws)
    if not members:
        return None
    value = [{key: m.get(key) for key in MEMBER_KEYS} for _, m in sorted(members.items())]
    confidence = statistics.fmean(w.confidence for w in words_used) if words_used else 0.0
    box = None
    if words_used:
        box = (min(w.bbox[0] for w in words_used), min(w.bbox[1] for w in words_used),
               max(w.bbox[2] for w in words_used), max(w.bbox[3] for w in words_used))
    source = pages[0].source if pages else "ocr"
    return Field(value=value, raw=f"{len(value)} members", confidence=round(confidence, 4),
                 page=page_number, bbox=box, source=source)
