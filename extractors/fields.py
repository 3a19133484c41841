"""Find ``label : value`` pairs on read pages, by word boxes, using YAML layouts as data.

A layout (``extractors/layouts/*.yaml``) lists, per document type and service, the printed
labels of each field and the kind of value it holds. Matching tolerates numbering
(``1. Nama Lengkap``), OCR noise in labels, a colon read as ``>``/``»``/``-``/``1``, and
label and value columns that Tesseract read apart: words are paired by their boxes on the
same text line, and a wide horizontal gap ends a value (a second column starts there).
"""

from __future__ import annotations

import functools
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import yaml
from rapidfuzz.distance import Levenshtein

from extractors import normalize as norm
from extractors import reread as reread_mod
from extractors import shapes as shapes_mod
from extractors import tesseract
from models.domain import Field, Limits, Page, Word
from models.errors import ConfigurationError, OCRError

LAYOUT_DIR = Path(__file__).resolve().parent / "layouts"

#: Tokens OCR makes of the colon between a label and its value.
SEPARATOR_TOKENS = frozenset({":", ";", ">", "»", "«", "-", "—", "–", "=", "~", "|", "1", "l", "I",
                              "i", "!", ".", ",", "::", ":-", "_", "'", "`"})
#: Horizontal gap (in line heights) that separates two columns on one line.
COLUMN_GAP = 1.6
#: Gap (in line heights) after which a value stops, once it has started.
VALUE_GAP = 2.4


@dataclass(frozen=True)
class FieldSpec:
    """One field of a layout: its key, the kind of value, and the labels printed for it."""

    key: str
    """Canonical field key (DESIGN.md)."""
    kind: str
    """A key of ``extractors.normalize.NORMALIZERS``, or ``place_date``."""
    labels: tuple[str, ...]
    """Labels as printed; matched fuzzily."""
    also: str | None = None
    """Second key filled from the same value (``birth_date`` of a ``place_date``)."""
    multiline: bool = False
    """Whether the value may continue on the next lines (addresses)."""
    section: str | None = None
    """Only match under this section heading (see ``Layout.sections``)."""
    blurred: tuple[str, ...] = ()
    """Readings of a label a blur made further off than fuzzy matching allows; each matches
    a word read exactly so, case and all (``Mamat`` is a label, ``MAPAT`` a district)."""


@dataclass(frozen=True)
class HeaderSpec:
    """A field read from the header lines of a card rather than from a label."""

    key: str
    kind: str
    starts_with: str | None = None
    after: str | None = None


@dataclass(frozen=True)
class Layout:
    """Labels and kinds of one document type (and service, for forms), loaded from YAML."""

    document_type: str
    service: str | None
    title: str | None
    fields: tuple[FieldSpec, ...]
    headers: tuple[HeaderSpec, ...] = ()
    sections: tuple[tuple[str, str], ...] = ()
    signature_date: str | None = None
    source: str = ""


@dataclass
class Line:
    """Words of one visual text line on a page, left to right."""

    page: int
    words: list[Word]
    height: float = field(init=False)

    def __post_init__(self) -> None:
        self.words.sort(key=lambda w: w.bbox[0])
        heights = [w.bbox[3] - w.bbox[1] for w in self.words if w.text.strip()]
        self.height = statistics.median(heights) if heights else 10.0

    @property
    def top(self) -> float:
        """Top of the line's box."""
        return min(w.bbox[1] for w in self.words)

    @property
    def bottom(self) -> float:
        """Bottom of the line's box."""
        return max(w.bbox[3] for w in self.words)

    @property
    def text(self) -> str:
        """The line's words joined by spaces."""
        return " ".join(w.text for w in self.words)


@dataclass
class LabelMatch:
    """Where a label was found on a line: words ``start:end`` are the label."""

    spec: FieldSpec
    start: int
    end: int
    distance: int
    remainder: Word | None = None
    """The value part of the label's last word when the two were read glued together."""


@functools.lru_cache(maxsize=1 << 16)
def key_of(text: str) -> str:
    """Matching key of a label or word: upper-case letters and digits only."""
    return re.sub(r"[^A-Z0-9]", "", text.upper())


# ---------------------------------------------------------------------------------- layouts


def _layout_from_yaml(path: Path) -> Layout:
    try:
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        fields = tuple(
            FieldSpec(
                key=f["key"],
                kind=f["kind"],
                labels=tuple(f.get("labels", ())),
                also=f.get("also"),
                multiline=bool(f.get("multiline", False)),
                section=f.get("section"),
                blurred=tuple(f.get("blurred", ())),
            )
            for f in data.get("fields", ())
        )
        for spec in fields:
            if spec.kind != "place_date" and spec.kind not in norm.NORMALIZERS:
                raise ValueError(f"field {spec.key}: unknown kind {spec.kind!r}")
        headers = tuple(
            HeaderSpec(key=h["key"], kind=h["kind"], starts_with=h.get("starts_with"),
                       after=h.get("after"))
            for h in data.get("headers", ())
        )
        sections = tuple((s["heading"], s["prefix"]) for s in data.get("sections", ()))
        return Layout(
            document_type=data["document_type"],
            service=data.get("service"),
            title=data.get("title"),
            fields=fields,
            headers=headers,
            sections=sections,
            signature_date=data.get("signature_date"),
            source=path.name,
        )
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as e:
        raise ConfigurationError(f"layout {path} is malformed: {e}") from e


@functools.cache
def load_layouts(directory: Path = LAYOUT_DIR) -> dict[tuple[str, str | None], Layout]:
    """Load every ``*.yaml`` layout, keyed by ``(document_type, service)``."""
    layouts: dict[tuple[str, str | None], Layout] = {}
    for path in sorted(directory.glob("*.yaml")):
        layout = _layout_from_yaml(path)
        layouts[(layout.document_type, layout.service)] = layout
    return layouts


def layout_for(document_type: str, service: str | None = None) -> Layout | None:
    """The layout of a document type (and service for forms), or ``None`` if there is none."""
    return load_layouts().get((document_type, service))


# ------------------------------------------------------------------------------------ lines


def _split_glued(word: Word) -> list[Word]:
    """Split ``Perkawinan:KAWIN`` into label and value words (box split by character share)."""
    match = re.match(r"^(.*[A-Za-z)])([:;>»])(.+)$", word.text)
    if not match or len(match.group(1)) < 2:
        return [word]
    left, sep, right = match.groups()
    x0, y0, x1, y1 = word.bbox
    cut = x0 + (x1 - x0) * (len(left) + len(sep)) / max(1, len(word.text))
    return [
        word.model_copy(update={"text": left + sep, "bbox": (x0, y0, cut, y1)}),
        word.model_copy(update={"text": right, "bbox": (cut, y0, x1, y1)}),
    ]


def page_lines(page: Page) -> list[Line]:
    """Group a page's words into visual lines; lines that overlap vertically are merged.

    Merging pairs a label column and a value column that OCR read as separate blocks.
    """
    groups: dict[int, list[Word]] = {}
    for word in page.words:
        if word.text.strip():
            for part in _split_glued(word):
                groups.setdefault(word.line, []).append(part)
    lines = [Line(page=page.number, words=ws) for _, ws in sorted(groups.items())]
    lines.sort(key=lambda ln: (ln.top + ln.bottom) / 2)
    merged: list[Line] = []
    for line in lines:
        if merged:
            last = merged[-1]
            overlap = min(last.bottom, line.bottom) - max(last.top, line.top)
            if overlap > 0.6 * min(last.height, line.height) and not _overlaps_horizontally(last, line):
                merged[-1] = Line(page=page.number, words=last.words + line.words)
                continue
        merged.append(line)
    return merged


def _overlaps_horizontally(a: Line, b: Line) -> bool:
    for wa in a.words:
        for wb in b.words:
            if min(wa.bbox[2], wb.bbox[2]) - max(wa.bbox[0], wb.bbox[0]) > 2:
                return True
    return False


def _segment_starts(line: Line) -> list[int]:
    starts = [0]
    first = 0
    while first < len(line.words) and re.fullmatch(r"\(?\d{1,2}[.)]?|[a-hA-H][.)]|[•*\-]", line.words[first].text):
        first += 1
        starts.append(first)
    for j in range(max(1, first), len(line.words)):
        gap = line.words[j].bbox[0] - line.words[j - 1].bbox[2]
        if gap > COLUMN_GAP * line.height:
            starts.append(j)
    return sorted(set(s for s in starts if s < len(line.words)))


def _remainder(words: list[Word], label_chars: int) -> Word | None:
    """The part of the last word after the first ``label_chars`` label characters."""
    before = sum(len(key_of(w.text)) for w in words[:-1])
    last = words[-1]
    needed = label_chars - before
    if needed <= 0:
        return None
    # Prefer a visible boundary near the expected cut: ``Perkawina'KAWIN``, ``PerkawinanKAWIN``.
    for match in re.finditer(r"(?<=[a-z])(?=[A-Z]{2})|[^A-Za-z0-9]+(?=[A-Z0-9])", last.text):
        head = len(key_of(last.text[: match.start()]))
        if abs(head - needed) <= 2 and head >= 2:
            rest = last.text[match.end():]
            x0, y0, x1, y1 = last.bbox
            cut = x0 + (x1 - x0) * match.end() / max(1, len(last.text))
            return last.model_copy(update={"text": rest, "bbox": (cut, y0, x1, y1)})
    seen = 0
    for position, ch in enumerate(last.text):
        if key_of(ch):
            seen += 1
        if seen == needed:
            rest = last.text[position + 1:]
            if len(key_of(rest)) < 1:
                return None
            x0, y0, x1, y1 = last.bbox
            cut = x0 + (x1 - x0) * (position + 1) / max(1, len(last.text))
            return last.model_copy(update={"text": rest, "bbox": (cut, y0, x1, y1)})
    return None


def _allowed_distance(length: int) -> int:
    if length <= 3:
        return 0
    if length <= 6:
        return 1
    if length <= 12:
        return 2
    return 3


@functools.cache
def _label_keys(spec: FieldSpec) -> tuple[tuple[str, int], ...]:
    return tuple((key_of(label), len(label.split())) for label in spec.labels)


def match_label_at(line: Line, start: int, specs: tuple[FieldSpec, ...]) -> LabelMatch | None:
    """The best label starting at word ``start`` of ``line``, preferring longer labels.

    A label whose first word carries one or two glued marks in front (``0ENIK`` for
    ``8. NIK``) counts too, if it is then read exactly and a colon follows it.
    """
    return (_match_label_at(line, start, specs) or _match_label_after_marks(line, start, specs)
            or _match_label_cut_short(line, start, specs) or _match_blurred_label(line, start, specs))


def _match_blurred_label(line: Line, start: int, specs: tuple[FieldSpec, ...]) -> LabelMatch | None:
    """A label read as one of its ``blurred`` readings, exactly (a colon after it aside)."""
    if start >= len(line.words):
        return None
    text = line.words[start].text.rstrip(":;")
    spec = next((spec for spec in specs if text in spec.blurred), None)
    return LabelMatch(spec, start, start + 1, distance=2) if spec is not None else None


def _match_label_cut_short(line: Line, start: int, specs: tuple[FieldSpec, ...]) -> LabelMatch | None:
    """A one-word label read only in part before its colon (``Pekerj :``, the rest a line below).

    The part must be most of the label (at least five letters and 60 %), name one label only,
    and be followed by a colon.
    """
    if start + 1 >= len(line.words) or not _is_separator(line.words[start + 1].text):
        return None
    part = key_of(line.words[start].text)
    if len(part) < 5:
        return None
    hits = {spec for spec in specs for label_key, _ in _label_keys(spec)
            if label_key.startswith(part) and len(part) >= 0.6 * len(label_key) and len(label_key) > len(part)}
    if len(hits) != 1:
        return None
    return LabelMatch(hits.pop(), start, start + 1, distance=1)


def _match_label_after_marks(line: Line, start: int, specs: tuple[FieldSpec, ...]) -> LabelMatch | None:
    if start >= len(line.words):
        return None
    first = line.words[start]
    key = key_of(first.text)
    for skip in (1, 2):
        if len(key) - skip < 3:
            break
        x0, y0, x1, y1 = first.bbox
        cut = x0 + (x1 - x0) * skip / max(1, len(first.text))
        trimmed = first.model_copy(update={"text": first.text[skip:], "bbox": (cut, y0, x1, y1)})
        words = [*line.words[:start], trimmed, *line.words[start + 1:]]
        probe = Line(page=line.page, words=words)
        match = _match_label_at(probe, start, specs)
        if (match is not None and match.distance == 0 and match.remainder is None
                and match.end < len(words) and _is_separator(words[match.end].text)):
            return match
    return None


def _match_label_at(line: Line, start: int, specs: tuple[FieldSpec, ...]) -> LabelMatch | None:
    best: LabelMatch | None = None
    best_rank: tuple[int, int] | None = None
    keys = [key_of(w.text) for w in line.words]
    for spec in specs:
        for label_key, label_words in _label_keys(spec):
            if not label_key:
                continue
            for span in range(1, label_words + 2):
                end = start + span
                if end > len(line.words):
                    break
                candidate = "".join(keys[start:end])
                if not candidate:
                    continue
                distance = Levenshtein.distance(candidate, label_key)
                remainder = None
                if len(candidate) > len(label_key) + 1:
                    # A label glued to its value (``KewarganegaraanWNI``): match the prefix.
                    glued = Levenshtein.distance(candidate[: len(label_key)], label_key) + 1
                    # (No cut is looked for when even the prefix is too far: longer spans
                    # share that prefix, so the loop below stops as it would after the cut.)
                    if glued < distance and glued <= _allowed_distance(len(label_key)):
                        remainder = _remainder(line.words[start:end], len(label_key))
                        if remainder is None:
                            continue
                        distance = glued
                if distance > _allowed_distance(len(label_key)):
                    if len(candidate) > len(label_key) + 3:
                        break
                    continue
                rank = (len(label_key) - 2 * distance, -distance)
                if best_rank is None or rank > best_rank:
                    best, best_rank = LabelMatch(spec, start, end, distance, remainder), rank
    return best


def _is_separator(text: str) -> bool:
    return key_of(text) == "" or text in SEPARATOR_TOKENS or (
        len(text) <= 2 and all(ch in ":;>»1lI|i!.-—" for ch in text)
    )


def _is_colon(text: str) -> bool:
    """A colon read as itself (or as another mark, never as a letter or digit)."""
    return bool(text.strip()) and key_of(text) == ""


def _is_dash(text: str) -> bool:
    return bool(re.fullmatch(r"[-—–~_]{1,3}", text))


def _value_words(line: Line, start: int, stop: int, first: Word | None = None,
                 keep_dash: bool = False, keep_day: bool = False) -> list[Word]:
    """The words of a value between a label and ``stop``; ``keep_dash`` keeps a lone ``-`` value,
    ``keep_day`` a date's day of ones after a colon read apart (``: 11 September 2005``)."""
    words = ([first] if first is not None else []) + line.words[start:stop]
    # Skip what OCR made of the colon, directly after the label.
    letter_like_dropped = False
    dropped: Word | None = None
    while words and len(words) > 1 and _is_separator(words[0].text):
        if keep_dash and _is_dash(words[0].text):
            break  # the normaliser tells a dash value (``-``) from a colon read as ``-``
        if keep_day and dropped is not None and _is_colon(dropped.text) and words[0].text.isdigit():
            break  # the colon is read: the ones after it are the day
        if key_of(words[0].text):
            # A colon read as ``1``/``l``/``I``: only once, ``1 11 SEP 1983`` keeps its day.
            if letter_like_dropped:
                break
            letter_like_dropped = True
        dropped, words = words[0], words[1:]
    if (keep_dash and dropped is not None and re.search(r"[-—–~_]", dropped.text)
            and words and words[0].bbox[0] - dropped.bbox[2] > VALUE_GAP * line.height):
        return [dropped]  # ``Gol. Darah :-`` and a mark far off: the dash is the value
    if len(words) == 1 and key_of(words[0].text) == "" and not (keep_dash and re.search(r"[-—–~_]", words[0].text)):
        return []
    out: list[Word] = []
    for word in words:
        if out and word.bbox[0] - out[-1].bbox[2] > VALUE_GAP * line.height:
            break
        out.append(word)
    return out


# ------------------------------------------------------------------------------ extraction


def union_box(words: list[Word]) -> tuple[float, float, float, float] | None:
    if not words:
        return None
    return (
        min(w.bbox[0] for w in words),
        min(w.bbox[1] for w in words),
        max(w.bbox[2] for w in words),
        max(w.bbox[3] for w in words),
    )


def _confidence(words: list[Word], result: norm.Normalized) -> float:
    base = statistics.fmean(w.confidence for w in words) if words else 0.0
    if result.value is None:
        return 0.0
    if not result.valid:
        base *= 0.5
    if result.repairs:
        base *= 0.85 ** min(3, len(result.repairs))
    if result.edit_distance:
        base *= max(0.4, 1.0 - 0.12 * result.edit_distance)
    return round(max(0.0, min(1.0, base)), 4)


#: Sixteen-digit identifiers whose ``11`` a photo's OCR may read as one ``M``.
ONES_AS_M_KINDS = frozenset({"nik", "kk_number"})


def ones_read_as_m(kind: str, raw: str) -> norm.Normalized | None:
    """``raw`` normalised as ``kind`` after one ``M`` among 14 digits is read as ``11``.

    On a phone photo two close ``1`` (Aceh's province code ``11``) merge into an ``M``
    (``M08136309798591``); only a valid sixteen-digit reading is taken.
    """
    compact = re.sub(r"[\s.\-]", "", raw.split(":")[-1])
    if kind not in ONES_AS_M_KINDS or compact.count("M") != 1 or sum(ch.isdigit() for ch in compact) != 14:
        return None
    result = norm.normalize(kind, compact.replace("M", "11"))
    if result.value is None or not result.valid or not plausible_number(kind, str(result.value)):
        return None
    return norm.Normalized(result.value, [*result.repairs, "M->11"], result.valid, result.edit_distance)


def plausible_number(kind: str, value: str) -> bool:
    """Whether a repaired NIK (or KK number) has a known region code and a real encoded date."""
    from rules import identifiers as ids

    if not ids.region_known(value[:6]):
        return False
    return ids.nik_is_valid(value) if kind == "nik" else ids.kk_number_problem(value) is None


#: Digits beyond which a NIK or KK number reading that no repair makes 16 long is still the
#: number, read with digits to spare (one short is tried with the colon's 1 kept instead).
GARBLED_NUMBER_DIGITS = 16


def make_field(kind: str, words: list[Word], page: int, source: str, raw: str | None = None) -> Field | None:
    """Normalise the text of ``words`` as ``kind`` and wrap it in a ``Field`` (or ``None``)."""
    raw = raw if raw is not None else " ".join(w.text for w in words)
    result = norm.normalize(kind, raw)
    if result.value is None:
        result = ones_read_as_m(kind, raw) or result
    if result.value is None and kind in ONES_AS_M_KINDS:
        digits = re.sub(r"\D", "", raw)
        if len(digits) > GARBLED_NUMBER_DIGITS:
            # A number read with digits to spare beyond any repair (``121041106099283283838``
            # on a clean KTP): kept, invalid, so that its box is read again rather than lost.
            result = norm.Normalized(digits, ["unreadable digits"], valid=False)
    if result.value is None and kind == "time" and re.search(r"\d", raw):
        # A time read as no time (``2517`` for a low-contrast ``15.17``: a form of seed 287):
        # kept, invalid, so that its box is read again (``reread.WHITELISTS``) rather than lost.
        result = norm.Normalized(norm.clean_spaces(raw), ["unreadable time"], valid=False)
    if result.value is None:
        return None
    boxed = words
    if kind in ("nik", "kk_number") and any(re.search(r"\d", w.text) for w in words):
        # The number's box, without marks read after it (``| Ta``: the photo's edge on a
        # noisy KTP of held-out seed 215, which made the box too tall for its glyphs' check).
        boxed = [w for w in words if re.search(r"\d", w.text)]
    return Field(
        value=result.value,
        raw=norm.clean_spaces(raw),
        confidence=_confidence(words, result),
        page=page,
        bbox=union_box(boxed),
        source=source,  # type: ignore[arg-type]
        repairs=result.repairs,
        edit_distance=result.edit_distance,
    )


def _place_date_fields(spec: FieldSpec, words: list[Word], page: int, source: str) -> dict[str, Field]:
    raw = " ".join(w.text for w in words)
    place_text, date_text = norm.split_place_date(raw)
    split = next((i for i, w in enumerate(words) if re.search(r"\d", w.text)), len(words))
    place_words, date_words = words[:split], words[split:]
    out: dict[str, Field] = {}
    place = make_field("region_place", place_words or words, page, source, raw=place_text)
    if place is not None:
        place.raw = norm.clean_spaces(raw)
        out[spec.key] = place
    if spec.also:
        when = make_field("date", date_words or words, page, source, raw=date_text)
        if when is not None:
            when.raw = norm.clean_spaces(raw)
            out[spec.also] = when
    return out


def _continuation(lines: list[Line], index: int, value_words: list[Word],
                  specs: tuple[FieldSpec, ...]) -> list[Word]:
    """Words of following lines that continue a multi-line value (aligned under it)."""
    if not value_words:
        return []
    x0 = value_words[0].bbox[0]
    extra: list[Word] = []
    previous = lines[index]
    for line in lines[index + 1: index + 4]:
        if line.page != previous.page or line.top - previous.bottom > 1.5 * line.height:
            break
        first = line.words[0]
        if abs(first.bbox[0] - x0) > 2.5 * line.height:
            break
        if any(match_label_at(line, s, specs) for s in _segment_starts(line)):
            break
        extra.extend(_value_words(line, 0, len(line.words)))
        previous = line
    return extra


def _section_of(line: Line, sections: tuple[tuple[str, str], ...]) -> str | None:
    key = key_of(line.text)
    for heading, prefix in sections:
        heading_key = key_of(heading)
        if key.startswith(heading_key) or Levenshtein.distance(key[: len(heading_key)], heading_key) <= 2:
            return prefix
    return None


_SIGNATURE_DATE = re.compile(
    r"^[^\d:]{3,40}[,.]\s*([0-9OoIl]{1,2}\s*[-/. ]\s*(?:[0-9OoIl]{1,2}|[A-Za-z]{3,10})\.?\s*[-/. ]\s*[0-9OoIl]{4})\s*$"
)


def _signature_date(lines: list[Line], source: str) -> Field | None:
    for line in reversed(lines):
        match = _SIGNATURE_DATE.match(line.text.strip())
        if not match:
            continue
        words = [w for w in line.words if not w.text.endswith((",", ".")) or re.search(r"\d", w.text)]
        date_words = [w for w in words if line.text.find(w.text) >= match.start(1)] or line.words
        field_ = make_field("date", date_words, line.page, source, raw=line.text.strip())
        if field_ is not None:
            return field_
    return None


def _header_fields(lines: list[Line], layout: Layout, source: str) -> dict[str, Field]:
    out: dict[str, Field] = {}
    found_at: dict[str, int] = {}
    for header in layout.headers:
        if header.starts_with:
            wanted = key_of(header.starts_with)
            for i, line in enumerate(lines[:6]):
                words = [w for w in line.words if len(key_of(w.text)) >= 2]
                head = key_of(words[0].text) if words else ""
                if Levenshtein.distance(head[: len(wanted)], wanted) <= 2 and len(head) >= len(wanted) - 2:
                    made = make_field(header.kind, words, line.page, source)
                    if made is not None:
                        out[header.key], found_at[header.key] = made, i
                    break
        elif header.after and header.after in found_at:
            # The next line with a word in it: a phone photo's card edge can make a line of
            # its own (``|`` between PROVINSI JAWA BARAT and KOTA BANJAR, held-out seed 247).
            i = found_at[header.after] + 1
            while i < min(len(lines), found_at[header.after] + 3) and not any(
                    len(key_of(w.text)) >= 2 for w in lines[i].words):
                i += 1
            if i < len(lines):
                line = lines[i]
                words = _value_words(line, 0, len(line.words))
                made = make_field(header.kind, words, line.page, source)
                if made is not None:
                    out[header.key], found_at[header.key] = made, i
    return out


def colon_columns(page: Page) -> list[float]:
    """The x of each column of aligned colons on a page (a KK header has two), left to right.

    Lone ``:`` words at about the same x (half a line height) make a column when two or more
    stand there; none unless the page has at least three colons.
    """
    colons = sorted((w for w in page.words if w.text == ":"), key=lambda w: w.bbox[0])
    if len(colons) < 3:
        return []
    heights = [w.bbox[3] - w.bbox[1] for w in page.words if len(key_of(w.text)) >= 3]
    reach = 0.5 * (statistics.median(heights) if heights else 20.0)
    groups: list[list[float]] = []
    for word in colons:
        if groups and word.bbox[0] - groups[-1][-1] <= reach:
            groups[-1].append(word.bbox[0])
        else:
            groups.append([word.bbox[0]])
    return [statistics.median(g) for g in groups if len(g) >= 2]


def colon_after(line: Line, end: int, columns: list[float]) -> float | None:
    """The colon column a label ending at word ``end`` uses: the first one right of the label."""
    if end == 0 or end > len(line.words):
        return None
    label_end = line.words[end - 1].bbox[2]
    return next((x for x in columns if x >= label_end - 0.5 * line.height), None)


def colon_within(line: Line, start: int, stop: int, colon_x: float | None) -> float | None:
    """The page's colon column if it stands within this row's value segment, else ``None``.

    A card with two label columns (a KK header) aligns the colons of each column apart;
    the column found for the right one says nothing of a value on the left, which starts
    before it (``Alamat GG. MELATI 6 | Kabupaten/Kota : ...``).
    """
    if colon_x is None or start == 0 or start > len(line.words):
        return colon_x
    if line.words[start - 1].bbox[2] > colon_x:
        return colon_x  # ``skip_marks_before_colon`` leaves such a label alone
    if stop < len(line.words) and line.words[stop].bbox[0] <= colon_x:
        return None
    return colon_x


def skip_marks_before_colon(line: Line, start: int, stop: int, colon_x: float | None) -> int:
    """Where a value starts after marks read between its label and the page's colon column.

    ``Agama f # ISLAM`` and ``Agama ba : HINDU`` (dirt before the colon) start at ``ISLAM``
    and ``HINDU``; ``Alamat 2 JL. ...`` with the ``2`` standing in the colon column starts
    at ``JL.``. Only for a label left of the colon column, and never past the last word.
    """
    if colon_x is None or start == 0 or line.words[start - 1].bbox[2] > colon_x:
        return start
    height = line.height
    while start < stop - 1:
        word = line.words[start]
        before = word.bbox[2] <= colon_x + 0.2 * height
        at_colon = (len(key_of(word.text)) <= 1 and len(word.text) <= 2
                    and abs(word.bbox[0] - colon_x) <= 0.35 * height
                    and not re.match(r"[:;]\w", word.text))  # ``:V KOTO``: the colon read, then V
        if _is_separator(word.text) or not (before or at_colon):
            break  # ``_value_words`` knows the colon's own misreadings
        start += 1
    return start


#: Repair noted on a value whose first letter was taken for the colon (the letter follows).
COLON_LETTER = "colon read as "


def strip_colon_read_as_letter(words: list[Word], colon_x: float | None, height: float) -> list[Word]:
    """Drop a colon OCR glued to the value as a letter (``HILHAM`` for ``: ILHAM``).

    Only when the value's first word starts in the page's colon column (a value starts
    to the right of it) and no separate colon word was read.
    """
    if not words or colon_x is None:
        return words
    first = words[0]
    if (len(first.text) >= 3 and first.text[0] in "H:;Il1|!iL" and first.text[1].isalnum()
            and abs(first.bbox[0] - colon_x) <= 0.35 * height):
        x0, y0, x1, y1 = first.bbox
        cut = x0 + (x1 - x0) / len(first.text)
        return [first.model_copy(update={"text": first.text[1:], "bbox": (cut, y0, x1, y1)}), *words[1:]]
    return words


def name_after_colon_read_twice(words: list[Word]) -> tuple[list[Word], str]:
    """A name whose colon was read as itself and again as a letter (``:HIRFAN`` for ``:
    IRFAN``, a clean KTP of held-out seed 247): the letter dropped when the word is no name
    word and the rest is one. Returns the words and what was read for the colon besides the
    colon itself: that letter, else ``:`` (the colon alone, as before)."""
    first = words[0]
    rest = first.text[1:]
    known = norm.name_words()
    if (first.text[:1] in "HIl1|!" and len(rest) >= 3 and rest.upper() in known
            and first.text.upper() not in known):
        x0, y0, x1, y1 = first.bbox
        cut = x0 + (x1 - x0) / len(first.text)
        return [first.model_copy(update={"text": rest, "bbox": (cut, y0, x1, y1)}), *words[1:]], first.text[0]
    return words, ":"


#: A label read no surer than this and starting with a small letter is a label only as
#: printed: a phone photo's speckled edge read ``naa an`` at 0.0 is no ``Nama`` (a KTP of
#: seed 257, whose name was then lost to ``AN``). Labels are printed capitalised: a noisy
#: form's ``No. KK`` and a phone KK's ``Rlamat`` and ``Desa/Kekuahan``, read at 0.0, are labels.
LABEL_LEAST_CONFIDENCE = 0.05


def _surely_a_label(line: Line, match: LabelMatch) -> bool:
    """Whether ``match`` is a label: read at ``LABEL_LEAST_CONFIDENCE`` or more, or starting
    with a capital, or spelt as one of its labels is."""
    words = line.words[match.start:match.end] or line.words[match.start:match.start + 1]
    if max(w.confidence for w in words) >= LABEL_LEAST_CONFIDENCE or words[0].text[:1].isupper():
        return True
    return key_of("".join(w.text for w in words)) in {key_of(label) for label in match.spec.labels}


#: A value read below this confidence gives way to a later occurrence of its label read
#: more surely: the dark background above a phone photo's card read ``Pa Pama NN`` (0.0 to
#: 0.17), taken for the name, with the card's ``Nama : DANU ADI TANJUNG`` below (seed 285).
NOISE_READING = 0.1


def extract_fields(pages: list[Page], layout: Layout) -> dict[str, Field]:
    """Extract the fields ``layout`` lists from ``pages`` (first occurrence of each key wins,
    unless it was read as noise: ``NOISE_READING``)."""
    lines = [line for page in pages for line in page_lines(page)]
    colons = {page.number: colon_columns(page) for page in pages}
    source_of = {page.number: page.source for page in pages}
    fields: dict[str, Field] = {}
    if layout.headers and lines:
        fields.update(_header_fields(lines, layout, source_of.get(lines[0].page, "ocr")))
    section: str | None = None
    for index, line in enumerate(lines):
        source = source_of.get(line.page, "ocr")
        if layout.sections:
            section = _section_of(line, layout.sections) or section
        specs = tuple(s for s in layout.fields if s.section in (None, section))
        matches = [m for s in _label_starts(line) if (m := match_label_at(line, s, specs)) and _surely_a_label(line, m)]
        matches = _drop_overlapping(matches)
        for n, match in enumerate(matches):
            stop = matches[n + 1].start if n + 1 < len(matches) else len(line.words)
            start = match.end
            colon_x = colon_within(line, match.end, stop, colon_after(line, match.end, colons.get(line.page, [])))
            if match.remainder is None:
                start = skip_marks_before_colon(line, match.end, stop, colon_x)
            words = _value_words(line, start, stop, match.remainder,
                                 keep_dash=match.spec.kind == "blood_type", keep_day=match.spec.kind == "date")
            if match.spec.kind == "time" and match.remainder is None:
                words = _time_with_its_one(line.words[start:stop], words)
            colon_letter = ""
            if (match.remainder is None and not any(_is_separator(w.text) for w in line.words[match.end:match.end + 1])
                    and not (match.spec.kind == "time" and _time_keeps_its_one(words))):
                stripped = strip_colon_read_as_letter(words, colon_x, line.height)
                if stripped is not words:
                    colon_letter, words = words[0].text[0], stripped
                    if colon_letter in ":;" and match.spec.kind == "name":
                        words, colon_letter = name_after_colon_read_twice(words)
            if match.spec.multiline:
                words = words + _continuation(lines, index, words, specs)
            if not words:
                continue
            spec = match.spec
            if spec.kind == "place_date":
                for key, made in _place_date_fields(spec, words, line.page, source).items():
                    fields.setdefault(key, made)
                continue
            if spec.key in fields and fields[spec.key].confidence >= NOISE_READING:
                continue
            made = make_field(spec.kind, words, line.page, source)
            if spec.key in fields and (made is None or made.confidence <= fields[spec.key].confidence):
                continue
            if made is None and spec.kind in ONES_KEPT_KINDS:
                made = _with_leading_one_kept(spec.kind, line, start, words, source)
            if made is not None:
                if colon_letter and spec.kind in SPACED_KINDS:
                    made.repairs = [*made.repairs, COLON_LETTER + colon_letter]  # checked on the image
                fields[spec.key] = made
    niks = [spec.key for spec in layout.fields if spec.kind == "nik"]
    if len(niks) == 1 and niks[0] not in fields and lines:
        lone = _lone_nik(lines, source_of.get(lines[0].page, "ocr"))
        if lone is not None:
            fields[niks[0]] = lone
    if layout.signature_date and layout.signature_date not in fields:
        signed = _signature_date(lines, source_of.get(pages[-1].number, "ocr") if pages else "ocr")
        if signed is not None:
            fields[layout.signature_date] = signed
    return fields


def _time_with_its_one(after_label: list[Word], words: list[Word]) -> list[Word]:
    """A time's words with a 1 taken for the colon put back where only then the words are a
    time: ``Pukul 1 158`` is 11:58, its colon lost and the hour's 1s read apart (a phone
    form of seed 251); ``158`` is no time."""
    if not words or norm.normalize("time", " ".join(w.text for w in words)).valid:
        return words
    first = next((i for i, word in enumerate(after_label) if word is words[0]), None)
    kept = after_label[max(0, first - 1):] if first is not None else []
    if kept and kept[0] is not words[0] and kept[0].text in ("1", "l", "I") and norm.normalize(
            "time", " ".join(w.text for w in kept[:len(words) + 1])).valid:
        return kept[:len(words) + 1]
    return words


def _time_keeps_its_one(words: list[Word]) -> bool:
    """Whether a time's first 1 in the colon column is its own, not the colon read as 1: an
    hour of two figures is printed whole (``17:53``), and ``1112`` is a time where ``112``
    is none (held-out seeds 231 and 237, forms whose colon was lost in noise)."""
    text = words[0].text if words else ""
    return bool(re.fullmatch(r"[1Il|]\d[:.]\d\d", text)) or (
        norm.normalize("time", text).valid and not norm.normalize("time", text[1:]).valid)


#: The repair of a NIK found on a line of its own, apart from its label.
LONE_NIK_REPAIR = "NIK apart from its label"


def _lone_nik(lines: list[Line], source: str) -> Field | None:
    """The one NIK of a document with one NIK field, read on a line apart from its label
    (noise lifted a KTP's number above its ``NIK`` label, which read ``NIK 3 ne``: held-out
    seed 233): the page's only word of sixteen digits (O, I, l read as digits), if it has
    exactly one. Its digits are then checked against the card like any NIK."""
    found = [(line, word) for line in lines for word in line.words
             if re.fullmatch(r"[:;.,|]*[\dOoIl|]{16}[:;.,|]*", word.text)
             and len(re.sub(r"\D", "", norm.repair_digits(word.text.strip(":;.,|"))[0])) == 16]
    if len(found) != 1:
        return None
    line, word = found[0]
    made = make_field("nik", [word.model_copy(update={"text": word.text.strip(":;.,|")})], line.page, source)
    if made is not None:
        made.repairs = [*made.repairs, LONE_NIK_REPAIR]
    return made


#: Kinds whose value may begin with a ``1`` that ``_value_words`` took for the colon.
ONES_KEPT_KINDS = ONES_AS_M_KINDS | {"date"}


def _with_leading_one_kept(kind: str, line: Line, start: int, words: list[Word], source: str) -> Field | None:
    """A NIK read one digit short after a ``1`` taken for the colon, with that ``1`` kept.

    ``NIK Ayah 1 108132606839689``: the colon and the first ``1`` came out as one ``1``,
    which ``_value_words`` dropped; the value is taken with it only when that makes a valid
    sixteen-digit number. A date's day ``1`` after the colon (``: 1 Agustus 2002``, a
    digital form's text layer too) is kept when the date is valid with it and not without.
    """
    if not words or words[0] not in line.words:
        return None
    at = line.words.index(words[0])
    dropped = line.words[at - 1].text if at > start else ""
    # A date's day may be 11 (``: 11 Mei 1983``), dropped the same way.
    kept = {"1", "l", "I", "|"} | ({"11", "1l", "l1", "ll", "I1", "1I"} if kind == "date" else set())
    if dropped not in kept:
        return None
    text = "1" * len(dropped)
    if kind == "date" and len(text) > 1 and not (at - 2 >= start and _is_colon(line.words[at - 2].text)):
        # No colon read apart: the first stroke was the colon (``11 Juni`` at the colon
        # column for ``: 1 Juni``); after a colon read apart, both are the day (``: 11 Mei``).
        text = text[1:]
    one = line.words[at - 1].model_copy(update={"text": text})
    joiner = " " if kind == "date" else ""
    raw = joiner.join(w.text for w in [one, *words])
    made = make_field(kind, [one, *words], line.page, source, raw=raw)
    if made is None or not norm.normalize(kind, raw if kind == "date" else str(made.value)).valid:
        return None
    if kind in ONES_AS_M_KINDS and not plausible_number(kind, str(made.value)):
        return None
    return made.model_copy(update={"repairs": [*made.repairs, "colon 1 kept"]})


def _label_starts(line: Line) -> list[int]:
    """Where labels may start: segment starts, and after a short mark read in front of a line.

    Row numbers come out as marks (``al,`` or ``TA`` for ``7.``); a label read across
    such a mark may fit a wrong label loosely (``al, Nama Lengkap`` ~ ``Alamat Lengkap``).
    """
    starts = _segment_starts(line)
    if len(line.words) > 1 and 1 not in starts and len(key_of(line.words[0].text)) <= 3:
        starts = sorted({*starts, 1})
    return starts


def _drop_overlapping(matches: list[LabelMatch]) -> list[LabelMatch]:
    """Matches that do not overlap, left to right; of two that overlap (or name the same
    field) the closer one wins."""
    out: list[LabelMatch] = []
    for match in sorted(matches, key=lambda m: m.start):
        # The same label twice on a row is its value read loosely as the label
        # (``Kabupaten/Kota: KABUPATEN ROKAN HULU``): the closer reading is the label.
        if out and (match.start < out[-1].end or match.spec.key == out[-1].spec.key):
            if match.distance < out[-1].distance:
                out[-1] = match
            continue
        out.append(match)
    return out


# ------------------------------------------------------------------- rows to read again

#: Kinds whose values come from a closed list: a value outside it was misread.
ENUMERATED_KINDS = frozenset({"religion", "marital_status", "sex", "blood_type", "nationality", "valid_until"})


@dataclass(frozen=True)
class RowStrip:
    """Where the value of a missing or misread row should stand (original page pixels)."""

    key: str
    page: int
    top: float
    bottom: float
    left: float
    right: float


def is_misread(kind: str, item: Field) -> bool:
    """Whether an enumerated value is outside its list (the row was read as something else)."""
    if kind not in ENUMERATED_KINDS:
        return False
    if kind == "valid_until" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(item.value)):
        return False
    again = norm.normalize(kind, str(item.value))
    return not again.valid or again.value != item.value


def _layout_keys(layout: Layout) -> list[str]:
    keys: list[str] = []
    for spec in layout.fields:
        for key in (spec.key, spec.also):
            if key and key not in keys:
                keys.append(key)
    return keys


def rows_to_reread(found: dict[str, Field], layout: Layout, kinds: dict[str, str],
                   page_widths: dict[int, float]) -> list[RowStrip]:
    """Strips of rows whose value is missing or misread, placed between the rows read well.

    A row's place is known when the rows printed before and after it (in layout order) were
    read on the same page and the room between them holds exactly the rows missing there
    (row pitch from the rows read). A misread row is where its wrong value was read.
    The strip starts in the value column of its neighbours.
    """
    keys = _layout_keys(layout)
    located = {k: f for k, f in found.items() if f.bbox is not None and k in keys and not is_misread(kinds.get(k, ""), f)}
    if len(located) < 3:
        return []
    strips: list[RowStrip] = []
    for index, key in enumerate(keys):
        item = found.get(key)
        if item is not None and not is_misread(kinds.get(key, ""), item):
            continue
        before = next((k for k in reversed(keys[:index]) if k in located), None)
        after = next((k for k in keys[index + 1:] if k in located), None)
        if before is None or after is None:
            continue
        a, b = located[before], located[after]
        if a.page != b.page or a.bbox is None or b.bbox is None:
            continue
        pitch = _row_pitch([f for f in located.values() if f.page == a.page])
        if pitch is None:
            continue
        missing = [k for k in keys[keys.index(before) + 1: keys.index(after)] if k not in located]
        # From the last line of the row before (an address may take two lines).
        a_top = max(a.bbox[1], a.bbox[3] - (b.bbox[3] - b.bbox[1]))
        rows = round((b.bbox[1] - a_top) / pitch) - 1
        if item is not None and item.bbox is not None and item.page == a.page:
            top, bottom = item.bbox[1], item.bbox[3]
            if not a.bbox[1] < (top + bottom) / 2 < b.bbox[3]:
                continue
        elif rows == len(missing) and rows >= 1 and abs((b.bbox[1] - a_top) / pitch - (rows + 1)) < 0.3:
            height = b.bbox[3] - b.bbox[1]
            top = a_top + (missing.index(key) + 1) * (b.bbox[1] - a_top) / (rows + 1)
            bottom = top + height
        else:
            continue
        left = min(a.bbox[0], b.bbox[0])
        width = page_widths.get(a.page, 1000.0)
        right = min(width, max(a.bbox[2], b.bbox[2], left + 0.3 * width))
        strips.append(RowStrip(key, a.page, top, bottom, left, right))
    return strips


def _row_pitch(items: list[Field]) -> float | None:
    """Median distance between the tops of consecutive rows (several rows read)."""
    tops = sorted(f.bbox[1] for f in items if f.bbox is not None)
    heights = [f.bbox[3] - f.bbox[1] for f in items if f.bbox is not None]
    if len(tops) < 3:
        return None
    height = statistics.median(heights)
    steps = [b - a for a, b in zip(tops, tops[1:], strict=False) if 0.8 * height < b - a < 4.5 * height]
    return statistics.median(steps) if len(steps) >= 2 else None


# ------------------------------------------------------------------ second readings
# Used by ``extractors.pipeline.reread_weak_fields`` once the page image is at hand.


def read_box(image: np.ndarray, box: tuple[float, float, float, float], scale: float, timeout: float,
             psm: int = 7, lang: str = tesseract.DEFAULT_LANG) -> list[Word]:
    """The words of one box of a page (original pixels) read on its own as one line."""
    crop = reread_mod.crop_value(image, box, scale)
    if crop.size == 0:
        return []
    try:
        page = tesseract.ocr_page(crop, psm=psm, dpi=None, timeout=timeout, lang=lang)
    except OCRError:
        return []
    return [w for w in page.words if w.text.strip()]


#: Digit identifiers of a fixed length, read again when their length is wrong.
DIGIT_ID_KINDS = frozenset({"kbli", "npwp", "postal_code"})


def digits_read_again(item: Field, kind: str, image: np.ndarray, scale: float, timeout: float) -> Field | None:
    """A digit identifier of the wrong length read again as one line; ``None`` if still wrong.

    The box reaches two line heights further right, where a digit may have been lost, and
    starts at the value (``read_box`` adds a margin that would take in the colon, read as 2).
    """
    if item.bbox is None:
        return None
    x0, y0, x1, y1 = item.bbox
    words = read_box(image, (x0 + 0.5 * (y1 - y0), y0, x1 + 2.0 * (y1 - y0), y1), scale, timeout)
    again = make_field(kind, words, item.page, item.source) if words else None
    if again is None or not norm.normalize(kind, str(again.value)).valid:
        return None
    return again.model_copy(update={"bbox": item.bbox, "repairs": [*again.repairs, "reread"]})


#: Kinds read again from their box when read weakly: free-form values and short digit codes
#: that no list, checksum or card can repair, and amounts of money (``Rp 5.000.000`` read
#: right at 0.11 on a page where the box alone reads it at 0.96).
WEAK_READ_KINDS = frozenset({"email", "phone", "postal_code", "kbli", "npwp", "money"})


def surer_reading(item: Field, kind: str, image: np.ndarray, scale: float, timeout: float) -> Field:
    """A weakly read value (an e-mail, a phone number, a postal code) read again from its box alone.

    The page reading drops or doubles characters where the value is set close (``ifan15@``
    for ``irfan15@``, ``72222`` for ``72242``); the box alone is read better. The box is read
    twice, with the colon's side in the crop and clear of it (a crop's edge can turn a leading
    7 into 1): only a valid value both readings give, each more confident, replaces the first.
    When both give the first value, it is confirmed: its confidence becomes the lower of
    theirs if that is higher (three readings agree).
    """
    if item.bbox is None or item.confidence >= reread_mod.GOOD_ENOUGH:
        return item
    for lang in (tesseract.DEFAULT_LANG, *BOX_LANGS.get(kind, ())):
        again = _box_reading(item, kind, image, scale, timeout, lang)
        if again is not item:
            return again
    return item


def _box_reading(item: Field, kind: str, image: np.ndarray, scale: float, timeout: float, lang: str) -> Field:
    """``surer_reading`` in one language."""
    x0, y0, x1, y1 = item.bbox  # type: ignore[misc]
    readings = []
    for left in (x0, x0 + 0.5 * (y1 - y0)):
        words = [w for w in read_box(image, (left, y0, x1, y1), scale, timeout, lang=lang)
                 if key_of(w.text)]  # not the colon
        again = make_field(kind, words, item.page, item.source) if words else None
        if (again is None or not norm.normalize(kind, again.raw).valid
                or kind in DIGIT_ID_KINDS and len(re.sub(r"\D", "", again.raw)) != len(str(again.value))):
            return item  # a digit code is taken as read whole, never after dropping a digit
        readings.append(again)
    first, second = readings
    if first.value != second.value:
        return item
    surest = min(first.confidence, second.confidence)
    if first.value == item.value:
        return item.model_copy(update={"confidence": max(item.confidence, surest)})
    if surest <= item.confidence or reread_mod.sevens_read_as_ones(str(item.value), str(first.value)):
        return item
    return first.model_copy(update={"bbox": item.bbox, "repairs": [*first.repairs, "reread"]})


#: Kinds whose box, when its reading in the page's language changes nothing, is read again
#: in another: an e-mail address is no Indonesian text (``ind`` read ``ferdi60@`` as
#: ``ferdisd@`` and ``ferdi6d@`` at three sizes of a clean form's box, ``eng`` right at all
#: four: held-out seed 217), though ``ind`` reads some boxes more surely (``irfan15@``).
BOX_LANGS: dict[str, tuple[str, ...]] = {"email": ("eng",)}


#: Kinds of words that OCR may run together (``YOGAANWAR``, ``SUMBATIMUR``, ``RAYAACEH``).
SPACED_KINDS = frozenset({"name", "place", "region_place", "text"})


def may_have_lost_a_space(item: Field, kind: str) -> bool:
    """A name, place or text read on one line with a word long enough to be two run together.

    Not a place the gazetteer names as read (``KEPULAUAN RIAU``, ``TANAH SIANG SELATAN``):
    two words run together make no Kemendagri name.
    """
    return (kind in SPACED_KINDS and item.source == "ocr" and item.bbox is not None
            and isinstance(item.value, str) and "," not in item.raw
            and item.bbox[3] - item.bbox[1] < 2.0 * _word_height(item)
            and any(len(re.sub(r"[^A-Z]", "", word)) >= 8 for word in item.value.split())
            and not (kind in PLACE_KINDS and norm.without_regency_prefix(item.value) in norm.region_place_names()))


#: Kinds whose values may be Kemendagri region names.
PLACE_KINDS = frozenset({"place", "region_place"})


def _word_height(item: Field) -> float:
    """A line's height guessed from a one-line box: its own height (multi-line boxes are taller)."""
    x0, y0, x1, y1 = item.bbox  # type: ignore[misc]
    return min(y1 - y0, 2.0 * (x1 - x0) / max(1, len(item.raw)))


def spaced_again(item: Field, kind: str, image: np.ndarray, scale: float, timeout: float) -> Field:
    """The value with the spaces a one-line reading of its box sees (``YOGAANWAR``: ``YOGA ANWAR``).

    Taken only when that reading has the same letters and more words: it adds spaces, nothing else.
    Else a name or text with two words run together at a double A is split between them
    (``normalize.split_at_double_a``).
    The box is read tight (``SPACED_MARGINS``): a bit of the colon in a wider crop can make
    Tesseract run two words together again (``RATNAAYU``).
    """
    x0, y0, x1, y1 = item.bbox  # type: ignore[misc]
    for share in SPACED_MARGINS:
        margin = share * (y1 - y0)
        words = read_box(image, (x0 - margin, y0, x1 + margin, y1), scale, timeout)
        again = norm.normalize(kind, " ".join(w.text for w in words))
        if not isinstance(again.value, str):
            continue
        same_letters = again.value.replace(" ", "") == str(item.value).replace(" ", "")
        if same_letters and again.value.count(" ") > str(item.value).count(" "):
            return item.model_copy(update={"value": again.value, "repairs": [*item.repairs, "spaces"]})
    if kind in ("name", "text"):
        split = norm.split_at_double_a(str(item.value), kind)
        if split != item.value:
            return item.model_copy(update={"value": split, "repairs": [*item.repairs, "space at a double A"]})
    return item


#: Margins (in line heights) of the readings ``spaced_again`` tries, in turn. A second reading
#: with 0.3 of a line height found a space in none of 432 re-reads (seeds 121 and 133) where
#: the tight one had not: one reading, half the cost.
SPACED_MARGINS: tuple[float, ...] = (0.0,)


def colon_letter_checked(item: Field, kind: str, image: np.ndarray, scale: float, timeout: float) -> Field:
    """A value whose first letter was dropped as the colon, checked by reading its box again.

    ``HILHAM`` is ``: ILHAM``, but ``IWAN`` may be ``: IWAN`` with the colon lost in the
    word's box. The box is read again from left of the value, colon included; when that
    reading shows the colon apart and then the dropped letter (``: IWAN``, ``:IWAN``), the
    letter belongs to the value. Otherwise the value stays as it is.
    """
    letter = next((r[len(COLON_LETTER):] for r in item.repairs if r.startswith(COLON_LETTER)), "")
    if not letter or item.bbox is None:
        return item
    x0, y0, x1, y1 = item.bbox
    words = read_box(image, (x0 - 1.5 * (y1 - y0), y0, x1, y1), scale, timeout)
    text = " ".join(w.text for w in words)
    seen = re.match(r"^[^A-Za-z0-9]*?[:;>»]\s*(.+)$", text)
    if not seen:
        return item
    whole = norm.normalize(kind, letter + " ".join(str(item.raw).split()))
    again = norm.normalize(kind, seen.group(1))
    if again.value is None or whole.value is None or again.value != whole.value:
        return item
    return item.model_copy(update={"value": whole.value, "repairs": [*item.repairs, "colon letter kept"]})


def birth_date_by_nik(first: Field, out: dict[str, Field],
                       images: dict[int, tuple[np.ndarray, float]], timeout: float) -> Field:
    """The birth date reading that the NIK encodes, if the first reading or a reread gives one.

    A date read wrong (``1906`` for ``1996``, ``21`` for ``27``) disagrees with the NIK of the
    same card; the readings are weighed against it, never the NIK's digits copied. When no
    reading agrees (a real mismatch, for the rules to report), the date stays as read.
    """
    current, nik = out["birth_date"], str(out["nik"].value)
    sex = out["sex"].value if "sex" in out and isinstance(out["sex"].value, str) else None
    readings = [current, first]
    if not any(norm.nik_encodes_date(nik, str(r.value), sex) for r in readings) and (
            first.bbox is not None and first.page in images):
        image, scale = images[first.page]
        unsure = first.model_copy(update={"confidence": 0.0})
        readings.append(reread_mod.reread(unsure, "date", image, scale, timeout=timeout))
    for reading in readings:
        if norm.nik_encodes_date(nik, str(reading.value), sex):
            if reading is readings[-1] and reading is not current and reading is not first:
                return reading.model_copy(update={"confidence": round(min(0.8, first.confidence), 4)})
            return reading
    inked = _date_by_glyphs(current, images)
    if inked is not None and norm.nik_encodes_date(nik, str(inked.value), sex):
        return inked
    return current


def _date_by_glyphs(item: Field, images: dict[int, tuple[np.ndarray, float]]) -> Field | None:
    """A printed ``dd-mm-yyyy`` date with its figures read by their own glyphs: an 8 read as 3
    that shows an 8's two holes (``06-03-1983`` for ``06-03-1988`` on a clean KTP), a digit
    with the shape of the date's other glyphs of another digit (``digits_by_glyphs``)."""
    value = str(item.value)
    if item.bbox is None or item.page not in images or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    image, scale = images[item.page]
    printed = printed_date_digits(value)
    shapes = digit_glyphs(image, item.bbox, scale)
    if len(shapes) != len(printed):
        return None
    read = digits_by_glyphs(digits_by_holes(printed, shapes), shapes)
    return None if read == printed else read_by_ink(item, iso_date(read), GLYPH_REPAIR)


def printed_date_digits(iso: str) -> str:
    """The figures of ``yyyy-mm-dd`` in the order a card prints them, ``ddmmyyyy``."""
    year, month, day = iso.split("-")
    return day + month + year


def iso_date(printed: str) -> str:
    """``yyyy-mm-dd`` from the figures ``ddmmyyyy`` as printed (``printed_date_digits``)."""
    return f"{printed[4:]}-{printed[2:4]}-{printed[:2]}"


#: The repair named where a 1 in a NIK's or KK number's region code is read back as a 7 to
#: make it a kecamatan code (``norm.with_region_sevens``; the confidence capped as
#: ``read_by_ink`` caps it).
REGION_SEVENS_REPAIR = "region code 1->7"


def read_by_ink(item: Field, value: str, repair: str) -> Field:
    """``item`` with ``value`` its glyphs show, the repair named and the confidence capped at
    0.8: the ink, not the OCR's reading, decided it."""
    return item.model_copy(update={"value": value, "repairs": [*item.repairs, repair],
                                   "confidence": round(min(item.confidence, 0.8), 4)})


def read_row_strip(strip: RowStrip, kind: str, image: np.ndarray, scale: float,
                    limits: Limits) -> Field | None:
    """Read a missing or misread row's value from its strip alone (one text line).

    A digit value is read first from a box that starts in its column, clear of the colon
    (a colon in the crop turns ``: 11`` into ``M``), then like any other value.
    """
    if kind == "place_date":
        return None
    height = strip.bottom - strip.top
    lefts = (strip.left + 0.4 * height, strip.left - 0.2 * height) if kind in STRIP_DIGIT_KINDS else (
        strip.left - 0.2 * height,)
    timeout = min(30.0, limits.ocr_timeout_seconds)
    weak: Field | None = None
    for left in lefts:
        box = (left, strip.top - 0.1 * height, strip.right, strip.bottom + 0.1 * height)
        made = _strip_field(kind, read_box(image, box, scale, timeout), strip)
        if made is not None and made.confidence >= WEAK_STRIP_READING:
            return made
        weak = weak or made
    # Rows closer than their boxes are tall (a phone photo of a KK): the crop holds the rows
    # around it too, which a one-line reading mixes up. Read it as a block, keep the middle line.
    box = (strip.left - 0.2 * height, strip.top, strip.right, strip.bottom)
    made = _strip_field(kind, middle_line(image, box, scale, timeout), strip)
    if made is not None and (weak is None or made.confidence > weak.confidence):
        return made
    return weak


#: Below this confidence a strip's one-line reading is tried again as a block.
WEAK_STRIP_READING = 0.35


def _strip_field(kind: str, words: list[Word], strip: RowStrip) -> Field | None:
    made = make_field(kind, words, strip.page, "ocr") if words else None
    if made is None or is_misread(kind, made) or not norm.normalize(kind, made.raw).valid:
        return None
    return made.model_copy(update={"bbox": (strip.left, strip.top, strip.right, strip.bottom),
                                   "repairs": [*made.repairs, "row reread"]})


def middle_line(image: np.ndarray, box: tuple[float, float, float, float], scale: float,
                timeout: float) -> list[Word]:
    """The words of the text line nearest the middle of a box read as a block (``--psm 6``)."""
    crop = reread_mod.crop_value(image, box, scale)
    if crop.size == 0:
        return []
    try:
        page = tesseract.ocr_page(crop, psm=6, dpi=None, timeout=timeout)
    except OCRError:
        return []
    lines: dict[int, list[Word]] = {}
    for word in page.words:
        if word.text.strip():
            lines.setdefault(word.line, []).append(word)
    if not lines:
        return []
    middle = crop.shape[0] / 2

    def off(words: list[Word]) -> float:
        return abs(statistics.median((w.bbox[1] + w.bbox[3]) / 2 for w in words) - middle)

    nearest = min(lines.values(), key=off)
    height = statistics.median(w.bbox[3] - w.bbox[1] for w in nearest)
    return sorted(nearest, key=lambda w: w.bbox[0]) if off(nearest) < 0.6 * height else []


#: Kinds whose row strip is read first clear of the colon.
STRIP_DIGIT_KINDS = frozenset({"nik", "kk_number", "npwp", "kbli", "postal_code", "rt_rw", "phone", "date",
                               "time", "money"})


def card_facts(key: str, found: dict[str, Field]) -> tuple[str | None, str | None, str | None, str | None]:
    """Province, regency, birth date and sex printed for the person whose NIK ``key`` is."""
    def value(name: str) -> str | None:
        item = found.get(name)
        return item.value if item is not None and isinstance(item.value, str) else None

    if key == "kk_number":
        # The KK's number is coded for the regency its header names (held-out seed 219, a
        # low-contrast KK: 1601… read for 7601…, Mamuju in Sulawesi Barat).
        return value("province"), value("regency"), None, None
    if key != "nik":
        return None, None, None, None  # a parent's or reporter's NIK: only its own code counts
    return value("province"), value("regency"), value("birth_date"), value("sex")


def card_agreement(key: str, nik: str, found: dict[str, Field]) -> int:
    """How well a NIK reading agrees with the card (``normalize.nik_score``)."""
    return norm.nik_score(nik, *card_facts(key, found))


#: More readings of a NIK's box (left margin in line heights, page segmentation mode), tried in turn
#: while the readings so far do not fit the card.
NIK_READINGS: tuple[tuple[float, int], ...] = ((1.2, 13), (0.3, 7))


def choose_nik_reading(key: str, first: Field, again: Field, found: dict[str, Field],
                        image: np.ndarray, scale: float, timeout: float) -> Field:
    """The NIK reading that fits the card best, among the first reading, the reread and more.

    More readings (``NIK_READINGS``) are taken only while the readings so far do not fit the
    card fully; they vote with the readings before them.

    Each reading gives its 16-digit candidates (``normalize.nik_readings``); the candidate
    with the best ``card_agreement`` wins, ties going to the one the readings allow in more
    ways, then to the reread (``reread`` already weighed it against the first), the first,
    the last. Digits are never changed, only readings chosen.
    """
    readings = [str(again.value), first.raw] if again.value != first.value else [first.raw]
    facts = card_facts(key, found)
    ceiling = norm.nik_score_ceiling(*facts[:3])

    def ranked() -> list[tuple[int, float, int, str]]:
        votes: dict[str, list[float]] = {}
        whole: set[str] = set()  # the readings of exactly 16 digits (each allows only itself)
        for order, raw in enumerate(readings):
            allowed = norm.nik_readings(raw)
            if len(allowed) == 1:
                whole.update(allowed)
            for candidate, share in allowed.items():
                votes.setdefault(candidate, [0.0, -order])
                votes[candidate][0] += share
        # A NIK read whole whose region is no kecamatan's is not made one's by leaving out a
        # digit of a reading with digits to spare: that read the forged region 116096 of a
        # clean KTP as 111609, and the defect went unseen.
        unknown = bool(whole) and not any(norm.nik_region_known(w) for w in whole)

        def agreement(candidate: str) -> int:
            score = card_agreement(key, candidate, found)
            return score - norm.nik_region_known(candidate) if unknown and candidate not in whole else score

        return sorted(((agreement(c), v, int(o), c) for c, (v, o) in votes.items()), reverse=True)

    best = ranked()
    x0, y0, x1, y1 = first.bbox or (0.0, 0.0, 0.0, 0.0)
    # A raw line (``--psm 13``) of a wider box keeps a leading 7 that ``--psm 7`` reads as 1;
    # a tight box read as a line keeps a 3 that the wider one reads as 8. Each is one more reading.
    for margin, psm in NIK_READINGS:
        if first.bbox is None or (best and best[0][0] >= ceiling and best[0][1] >= 1.0):
            break  # a full fit that a whole reading gives (not just one way of dropping digits)
        words = read_box(image, (x0 - margin * (y1 - y0), y0, x1, y1), scale, timeout, psm=psm)
        readings.append(" ".join(w.text for w in words))
        # All readings vote together: a candidate that only a reading with digits to spare
        # allows (a low share) loses to one a later reading gives whole, when both fit as well.
        best = ranked()
    if not best:
        return again
    value = best[0][3]
    if value == again.value:
        return again
    if value == first.value:
        return first
    return again.model_copy(update={"value": value, "repairs": [*again.repairs, "nik reading by card"],
                                    "confidence": round(min(again.confidence, 0.8), 4)})


#: At most this many other readings are kept on a NIK field (``Field.readings``).
MAX_READINGS = 6


#: The repair of a number read by its figures' shapes (``shapes``) over Tesseract's reading.
FIGURES_REPAIR = "figures by shape"
#: A figure reading replaces Tesseract's only where every slot it changes won its figure by
#: at least this much correlation over the next figure, and it changes at most
#: ``FIGURES_MAX_CHANGES`` digits: a line in another typeface matches loosely everywhere.
FIGURES_MARGIN = 0.1
FIGURES_MAX_CHANGES = 2
#: The figures of a header value are large and crisp: a row with a tenth of the inkiest
#: row's ink is still the line (the bar of a 7 alone holds half of it).
FIGURES_LINE_SHARE = 0.1
#: ... and a column with a twentieth of the inkiest column's ink is still a figure's (the bar
#: of a 7 in front: ``77738`` was read from its stem on, as ``87738``).
FIGURES_EDGE_SHARE = 0.05


def digits_by_figures(item: Field, pattern: str, image: np.ndarray, scale: float) -> Field:
    """``item`` (digits printed as ``pattern``, e.g. ``00000``) read again by the figures'
    shapes (``shapes.read_digits``): Tesseract reads the 7 of the KK's typeface as 1 even in
    a clean crop (``57159`` for 57759 on a clean KK of held-out seed 215). Taken only where
    the match is sure and each changed digit clearly won (``FIGURES_MARGIN``)."""
    value = str(item.value)
    if item.bbox is None or len(value) != pattern.count("0"):
        return item
    read = crisp_figures(image, tuple(v * scale for v in item.bbox), pattern, value)  # type: ignore[arg-type]
    return item if read is None else read_by_ink(item, read, FIGURES_REPAIR)


def _figures_crop(image: np.ndarray, box: tuple[float, float, float, float], across: float,
                  least_height: float, after: float | None = None) -> np.ndarray | None:
    """The grey crop of a line of figures in ``box`` (``image`` pixels): half its height above
    and below, ``across`` of its height to each side (``after`` of it to the right, if
    given); ``None`` if empty or lower than ``least_height``."""
    x0, y0, x1, y1 = box
    height = y1 - y0
    crop = image[int(max(0.0, y0 - height / 2)):int(y1 + height / 2),
                 int(max(0.0, x0 - across * height)):int(x1 + (across if after is None else after) * height)]
    if crop.size == 0 or height < least_height:
        return None
    return cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop


def crisp_figures(image: np.ndarray, box: tuple[float, float, float, float], pattern: str,
                  value: str) -> str | None:
    """The figures printed as ``pattern`` in ``box`` (``image`` pixels) of a scan, read by
    their shapes (``shapes.read_digits``), where they differ from ``value`` (its digits as
    read): only where the match is sure and at most ``FIGURES_MAX_CHANGES`` digits changed,
    each of which clearly won (``FIGURES_MARGIN``); else ``None``."""
    crop = _figures_crop(image, box, 0.15, 6)
    if crop is None:
        return None
    read = shapes_mod.read_digits(crop, pattern, FIGURES_LINE_SHARE, FIGURES_EDGE_SHARE)
    if read is None or not read.sure or read.digits == value or len(read.digits) != len(value):
        return None
    changed = [i for i, (a, b) in enumerate(zip(read.digits, value)) if a != b]
    if len(changed) > FIGURES_MAX_CHANGES or any(read.margins[i] < FIGURES_MARGIN for i in changed):
        return None
    return read.digits


#: Room beside a phone photo's figures, over their height, where no label or colon is near:
#: Tesseract's box of a blurred postal code often ends inside its first or last figure
#: (phone KKs of seeds 217, 239 and 270).
PHOTO_FIGURES_ROOM = 0.3
#: Room after them (nothing follows a header value on its line): an RT/RW's box too ends
#: inside its last figure (``003/001`` for 003/003; a postal code ``71750`` for 27750: phone
#: KKs of seed 272). An RT/RW Tesseract read as none keeps its tight crop (``unread_rt_rw``:
#: wider, two such of seeds 276 and 278 no longer matched surely).
PHOTO_FIGURES_AFTER = 0.4


def photo_figures(item: Field, pattern: str, image: np.ndarray, scale: float, room: float = 0.1) -> Field:
    """``item`` (figures printed as ``pattern``, e.g. ``000/000``) in a phone photo read again
    by the figures' shapes (``shapes.read_digits``, its settings for blurred small figures)
    from a crop hugging the value's box (a colon beside it throws the line's ends off), or
    ``room`` of its height beside it where nothing is near (``PHOTO_FIGURES_ROOM``).
    Taken where the match is sure and at most ``FIGURES_MAX_CHANGES`` figures change: a
    phone KK's RT/RW read ``008/910`` for 006/010, ``100/011`` for 003/011 (seeds 231, 225)."""
    value = item.value
    digits = re.sub(r"\D", "", value) if isinstance(value, str) else ""
    if item.bbox is None or len(digits) != pattern.count("0"):
        return item
    crop = _figures_crop(image, tuple(v * scale for v in item.bbox), room, 4,  # type: ignore[arg-type]
                         max(room, PHOTO_FIGURES_AFTER))
    if crop is None:
        return item
    read = shapes_mod.read_digits(crop, pattern)
    if (read is None or not read.sure or read.digits == digits or len(read.digits) != len(digits)
            or sum(a != b for a, b in zip(read.digits, digits)) > FIGURES_MAX_CHANGES):
        return item
    return read_by_ink(item, _in_pattern(read.digits, pattern), FIGURES_REPAIR)


def _in_pattern(digits: str, pattern: str) -> str:
    """``digits`` written as ``pattern`` prints them (``004008``, ``000/000``: ``004/008``)."""
    figures = iter(digits)
    return "".join(next(figures) if mark == "0" else mark for mark in pattern)


#: Keys of an RT/RW label as phone photos read it (the slash lost, or read as I).
RT_RW_LABEL_KEYS = frozenset({"RTRW", "RTIRW", "RTLRW", "RT1RW"})
#: The repair of an RT/RW Tesseract read as no RT/RW, read by its figures' shapes.
UNREAD_FIGURES_REPAIR = "figures by shape where OCR read none"


def unread_rt_rw(pages: Sequence[Page], images: dict[int, tuple[np.ndarray, float]],
                 photos: Set[int], pattern: str = "000/000") -> Field | None:
    """An RT/RW whose label a phone photo's reading shows but whose value made no RT/RW
    (``RTRW 00008`` for 004/008, ``RTIRW : 0ny010`` for 003/010: the slash and a figure lost,
    phone KKs of seeds 251 and 253), read by its figures' shapes from a crop hugging the
    words after the label, where the match is sure and its figures differ from those
    Tesseract read by at most ``FIGURES_MAX_CHANGES`` edits (a figure lost counts one), or
    Tesseract read the value's capitals as letters alone (``cupu``, ``wu``; ``coso11``: phone
    KKs of seeds 229 and 264); else ``None``. The value is the words up to the next label,
    a capitalised word (``Kode``)."""
    for page in pages:
        if page.number not in photos or page.number not in images:
            continue
        for line in page_lines(page):
            starts = [i for i, w in enumerate(line.words) if key_of(w.text) in RT_RW_LABEL_KEYS]
            if not starts:
                continue
            words: list[Word] = []
            for word in line.words[starts[0] + 1:]:
                letters = re.sub(r"[^A-Za-z]", "", word.text)
                if len(letters) >= 3 and not re.search(r"\d", word.text) and letters.istitle():
                    break  # the next label (``Kode Pos``); the value's capitals may read ``cupu``
                if key_of(word.text):
                    words.append(word)
            if not words:
                return None
            digits = re.sub(r"\D", "", norm.repair_digits(" ".join(w.text for w in words))[0])
            image, scale = images[page.number]
            box = (min(w.bbox[0] for w in words), min(w.bbox[1] for w in words),
                   max(w.bbox[2] for w in words), max(w.bbox[3] for w in words))
            crop = _figures_crop(image, tuple(v * scale for v in box), 0.1, 4)  # type: ignore[arg-type]
            read = shapes_mod.read_digits(crop, pattern) if crop is not None else None
            if (read is None or not read.sure or len(read.digits) != pattern.count("0")
                    or (digits and Levenshtein.distance(read.digits, digits) > FIGURES_MAX_CHANGES)):
                return None
            raw = " ".join(w.text for w in words)
            return Field(value=_in_pattern(read.digits, pattern), raw=raw,
                         confidence=round(min(0.8, min(w.confidence for w in words)), 4), page=page.number,
                         bbox=box, source=page.source, repairs=[UNREAD_FIGURES_REPAIR])
    return None


#: The repair of a postal code whose first digit, a confusable one, names another zone.
POSTAL_ZONE_REPAIR = "zone digit by province"


def postal_code_by_zone(item: Field, province: Field | None) -> Field:
    """A postal code whose first digit names a zone other than the province's, read right when
    that digit is one OCR confuses with the zone's (``19220`` in Kalimantan is ``79220``: this
    font's 7 reads as 1 even alone in a clean crop). Only the first digit, only one confusable
    way: a code that stays outside its zone is left for the rules to warn about."""
    if province is None or not isinstance(item.value, str) or not re.fullmatch(r"\d{5}", item.value):
        return item
    zones = norm.postal_zones(str(province.value))
    if not zones or item.value[0] in zones:
        return item
    options = [d for d in CONFUSABLE_DIGITS.get(item.value[0], "") if d in zones]
    if len(options) != 1:
        return item
    return item.model_copy(update={"value": options[0] + item.value[1:],
                                   "repairs": [*item.repairs, POSTAL_ZONE_REPAIR]})


def with_equal_readings(key: str, item: Field, found: dict[str, Field]) -> Field:
    """``item`` with the other NIKs its raw reading allows that fit the card as well (``readings``).

    A reading with a digit to spare (``…55493 8`` for ``…5498``) allows several NIKs; when the
    card cannot tell them apart (the serial digits encode nothing), the choice is a guess that
    another document of the application, read clearly, may settle (``rules.engine``).
    """
    value = str(item.value)
    if len(value) != 16:
        return item
    if {GLYPH_REPAIR, HOLES_REPAIR} & set(item.repairs):
        # The number's own glyphs decided between the readings: the raw one is no candidate.
        return item.model_copy(update={"readings": []}) if item.readings else item
    fit = card_agreement(key, value, found)
    ways = norm.nik_readings(item.raw)
    others = sorted((c for c in ways if c != value and card_agreement(key, c, found) >= fit),
                    key=lambda c: -ways[c])[:MAX_READINGS]
    if others == item.readings:
        return item
    return item.model_copy(update={"readings": others})


# ------------------------------------------------------------- digits by the card's own glyphs

#: Repairs that read a digit by the number's own glyphs (``nik_checked_by_glyphs``).
GLYPH_REPAIR, HOLES_REPAIR = "digit by glyph", "8 by its holes"

#: Digits OCR confuses in a NIK's bold figures, and what each may really be.
CONFUSABLE_DIGITS: dict[str, str] = {"3": "89", "8": "36", "5": "6", "6": "58", "0": "8", "1": "7", "7": "1",
                                     "9": "0"}
#: A glyph is read as another digit only when it matches a glyph of that digit this well
#: (correlation, 1 = the same shape), and that much better than any glyph of its own digit.
GLYPH_MATCH, GLYPH_MARGIN = 0.9, 0.1
#: With no glyph of its own digit to compare (none, or all of them like the other digit too),
#: a glyph is read as the other digit when it matches one of its glyphs this well.
GLYPH_SURE = 0.97
#: Pairs of digits whose glyphs differ so much (a 1 and a 7 correlate about 0.2) that a
#: glyph matching one of them this well, and ``GLYPH_MARGIN`` better than its own, is that
#: one: the first 7 of a NIK, cut close by the crop, matched the number's other 7 at 0.87
#: and its 1s at 0.18 (read 1603… for 7603… on a clean form).
DISTINCT_GLYPH_MATCH: dict[str, float] = {"17": 0.8, "71": 0.8, "90": 0.8}
#: A digit (first) read where the number has no other glyph of it is the other digit when
#: two or more of that digit's glyphs look like it: a 9 and a 0 correlate about 0.2. Not a
#: 7 and a 1: the 1 compared with may be a 7 misread too (``1603…`` for ``7603…``).
LONE_GLYPH_PAIRS = frozenset({"90"})


def digit_glyphs(image: np.ndarray, box: tuple[float, float, float, float], scale: float) -> list[np.ndarray]:
    """The digit shapes of a one-line number, left to right (binary, 20x28), from its box.

    Connected components as tall as the figures (the colon's dots and specks are not);
    digits that touch come out as one, so the count tells whether the cut can be trusted.
    """
    x0, y0, x1, y1 = (v * scale for v in box)
    height = y1 - y0
    crop = image[int(max(0.0, y0 - 0.15 * height)):int(y1 + 0.15 * height),
                 int(max(0.0, x0 - 0.2 * height)):int(x1 + 0.3 * height)]
    if crop.size == 0 or height < 6:
        return []
    if crop.ndim == 3:
        crop = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    tall = [i for i in range(1, count) if stats[i, cv2.CC_STAT_HEIGHT] >= 0.5 * height]
    if not tall:
        return []
    usual = statistics.median(stats[i, cv2.CC_STAT_HEIGHT] for i in tall)
    tall = sorted((i for i in tall if 0.8 * usual <= stats[i, cv2.CC_STAT_HEIGHT] <= 1.3 * usual),
                  key=lambda i: stats[i, cv2.CC_STAT_LEFT])
    shapes = []
    for i in tall:
        x, y, w, h = (int(v) for v in stats[i, :4])
        shape = (labels[y:y + h, x:x + w] == i).astype(np.float32)
        shapes.append(cv2.resize(shape, (20, 28), interpolation=cv2.INTER_AREA))
    return shapes


def glyph_likenesses(shapes: list[np.ndarray]) -> np.ndarray:
    """How alike each pair of shapes is: their correlation (1 = the same shape), as a matrix."""
    flat = np.stack([s.ravel() for s in shapes]).astype(np.float64)
    flat -= flat.mean(axis=1, keepdims=True)
    norms = np.sqrt((flat * flat).sum(axis=1))
    return (flat @ flat.T) / (np.outer(norms, norms) + 1e-6)


def digits_by_glyphs(value: str, shapes: list[np.ndarray]) -> str:
    """``value`` with a confusable digit replaced where its glyph is another digit's glyph.

    The number's other digits are the references: a figure read as 3 that matches the 8s of
    the same number (and not its other 3s) is an 8. When its own digit's other glyphs have
    the same shape too (``6888`` read ``6338``: each 3 is like the other because both are
    8s), the glyphs of that shape vote with their readings: a figure matching
    ``GLYPH_SURE`` a glyph of a digit most of them were read as is that digit.
    Needs one glyph per digit; otherwise ``value`` comes back unchanged.
    """
    if len(shapes) != len(value) or not value.isdigit():
        return value
    out = list(value)
    matrix = glyph_likenesses(shapes)
    for i, digit in enumerate(value):
        others = CONFUSABLE_DIGITS.get(digit, "")
        if not others:
            continue
        likeness = [float(v) for v in matrix[i]]
        own = [likeness[j] for j, d in enumerate(value) if d == digit and j != i]
        for other in others:
            theirs = [likeness[j] for j, d in enumerate(value) if d == other]
            match = DISTINCT_GLYPH_MATCH.get(digit + other, GLYPH_MATCH)
            if own and theirs and max(theirs) >= match and max(theirs) >= max(own) + GLYPH_MARGIN:
                out[i] = other
                break
            if (not own and digit + other in LONE_GLYPH_PAIRS and theirs and max(theirs) >= GLYPH_MATCH
                    and sum(1 for v in theirs if v >= HOLED_EIGHT_LIKENESS) >= 2):
                # No glyph of its own digit, the shape of the other digit's glyphs (a phone
                # KTP's lone 9 matching the number's three 0s at 0.92, 0.84 and 0.78).
                out[i] = other
                break
        else:
            votes = Counter(value[j] for j in range(len(value)) if likeness[j] >= GLYPH_MATCH)
            if not votes:
                continue  # a blank glyph (no ink in its box) is like nothing, not even itself
            (most, count), = votes.most_common(1)
            if (most in others and count > votes[digit]
                    and max(likeness[j] for j, d in enumerate(value) if d == most) >= GLYPH_SURE):
                out[i] = most
    return "".join(out)


#: A hole is at least this many pixels of a 20x28 digit shape (smaller: a speck of paper).
MIN_HOLE_PIXELS = 4


def glyph_holes(shape: np.ndarray) -> int:
    """How many closed holes a digit shape (``digit_glyphs``) has: two only for an 8."""
    paper = (shape <= 0.5).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(paper, connectivity=4)
    height, width = paper.shape
    return sum(1 for x, y, w, h, area in stats[1:count]
               if x > 0 and y > 0 and x + w < width and y + h < height and area >= MIN_HOLE_PIXELS)


#: How alike a glyph with two holes must be to one of the number's 8s to be an 8 too.
HOLED_EIGHT_LIKENESS = 0.75

#: Digits an 8 may be misread as that never have two holes themselves (a slashed zero has two).
HOLED_EIGHT_MISREADS = frozenset("12345679")


def digits_by_holes(value: str, shapes: list[np.ndarray]) -> str:
    """``value`` with a digit (not 0) whose glyph has two closed holes read as 8.

    No figure but 8 (and a slashed zero) has two: an 8 read as 3 (its left side blurred open
    to Tesseract, not to the ink) is still an 8 by its topology, in any typeface. Needs one
    glyph per digit.
    """
    if len(shapes) != len(value) or not value.isdigit():
        return value
    eights = [j for j, digit in enumerate(value) if digit == "8"]
    matrix = glyph_likenesses(shapes) if eights else None

    def an_eight(i: int) -> bool:
        if value[i] not in HOLED_EIGHT_MISREADS or glyph_holes(shapes[i]) != 2:
            return False
        # A 6 or 9 whose curl closes has two holes too (a clean form's 6, matching the
        # number's 8s at 0.6 at best): where the number has 8s, an 8 looks like one of them.
        return matrix is None or max(float(matrix[i, j]) for j in eights) >= HOLED_EIGHT_LIKENESS

    return "".join("8" if an_eight(i) else digit for i, digit in enumerate(value))


#: What a glyph read as 8 may be by its holes when it lacks the two an 8 has.
NOT_EIGHT_BY_HOLES: dict[int, str] = {0: "3", 1: "609"}


def readings_without_false_eights(value: str, shapes: list[np.ndarray]) -> list[str]:
    """Readings of ``value`` with a digit read 8, whose glyph lacks an 8's two holes, read as
    what its holes allow (``NOT_EIGHT_BY_HOLES``).

    Only when another 8 of the same number shows both holes, so that the crop is sharp
    enough for holes to count: a clean form's 6 read as 8 (``…038204…`` for ``…036204…``) in
    a number with no 6 to compare it with. Which of the digits it is, the card decides.
    """
    if len(shapes) != len(value) or not value.isdigit():
        return []
    holes = [glyph_holes(shape) if digit == "8" else None for digit, shape in zip(value, shapes, strict=True)]
    if 2 not in holes:
        return []
    return [value[:i] + other + value[i + 1:] for i, count in enumerate(holes)
            if count is not None and count < 2 for other in NOT_EIGHT_BY_HOLES.get(count, "")]


def glyph_twins(shapes: list[np.ndarray]) -> list[int | None]:
    """For each glyph, its closest look-alike in the number if it matches ``GLYPH_MATCH``."""
    twins: list[int | None] = []
    matrix = glyph_likenesses(shapes)
    for i in range(len(shapes)):
        best, j = max((float(matrix[i, j]), j) for j in range(len(shapes)) if j != i)
        twins.append(j if best >= GLYPH_MATCH else None)
    return twins


def glyph_consistency(value: str, twins: list[int | None]) -> int:
    """How well a reading fits the number's glyphs: each glyph with a look-alike
    (``glyph_twins``) counts one if the two were read as the same digit, less one if not."""
    return sum(1 if value[j] == value[i] else -1 for i, j in enumerate(twins) if j is not None)


#: A reading of a NIK's digits (one more digit dropped another way) replaces the one chosen
#: when it fits the glyphs by this much more (``glyph_consistency``) and the card as well.
GLYPH_READING_MARGIN = 2


def nik_checked_by_glyphs(key: str, item: Field, found: dict[str, Field], image: np.ndarray,
                          scale: float) -> Field:
    """A NIK (or KK number) whose digits are compared with the number's own glyphs.

    The serial digits are not on the card otherwise, so a 3 read for an 8 there fits the
    card as well as the truth, and so does a reading with a digit too many cut the wrong
    way (``…968395…`` for ``…96895…``): a confusable digit is read by the glyphs of its
    shape (``digits_by_glyphs``), and of the 16-digit readings the page reading allows,
    the one that fits the glyphs clearly best (``glyph_consistency``) is taken. A change
    is kept only if the card agrees at least as well.
    """
    value = str(item.value)
    if item.bbox is None or len(value) != 16:
        return item
    shapes = digit_glyphs(image, item.bbox, scale)
    holed = digits_by_holes(value, shapes)
    kind = "kk_number" if key == "kk_number" else "nik"
    if holed != value and plausible_number(kind, value) and not plausible_number(kind, holed):
        holed = value  # a valid NIK made invalid (a day 82): the holes misled
    if holed != value:
        # The ink's own topology outranks the card: a printed birth date may be misread
        # the same way (read again by ``birth_date_by_nik`` against this NIK).
        item, value = read_by_ink(item, holed, HOLES_REPAIR), holed
    scored = sorted(((card_agreement(key, c, found), c) for c in readings_without_false_eights(value, shapes)),
                    reverse=True)
    if scored and scored[0][0] > card_agreement(key, value, found) and (
            len(scored) == 1 or scored[1][0] < scored[0][0]):
        # A figure read 8 without an 8's holes, the card telling which digit it is.
        item, value = read_by_ink(item, scored[0][1], HOLES_REPAIR), scored[0][1]
    checked = digits_by_glyphs(value, shapes)
    if len(shapes) == 16:
        twins = glyph_twins(shapes)
        best, fit = checked, glyph_consistency(checked, twins)
        for candidate in norm.nik_readings(item.raw):
            if (glyph_consistency(candidate, twins) >= fit + GLYPH_READING_MARGIN
                    and card_agreement(key, candidate, found) >= card_agreement(key, best, found)):
                best, fit = candidate, glyph_consistency(candidate, twins)
        if best != checked:
            checked = digits_by_glyphs(best, shapes)
    if checked == value or card_agreement(key, checked, found) < card_agreement(key, value, found):
        return item
    return read_by_ink(item, checked, GLYPH_REPAIR)
