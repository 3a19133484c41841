"""From file bytes to a classified ``Document`` with fields: the extraction orchestrator.

Stages: sniff -> load pages -> preprocess -> OCR (or PDF text) -> classify -> extract.
Bad input never raises: it comes back as ``Document(status='rejected', error=...)``.
An OCR failure degrades the page it happened on; the document goes on.
Pages of a multi-page document are read on up to ``workers`` threads (each thread borrows
a single-threaded Tesseract engine from a pool, so two pages use two cores).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from collections.abc import Sequence, Set
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from extractors import classify as classify_mod
from extractors import fields as fields_mod
from extractors import normalize as norm
from extractors import preprocess as pre
from extractors import reread as reread_mod
from extractors import table as table_mod
from extractors import tesseract
from extractors.pages import PageInput, load_pages
from extractors.sniff import DECODE_ERRORS, decode_failure, sniff
from models.domain import Document, ErrorInfo, Field, Limits, Page, Word
from models.errors import OCRError, RejectedInput

# Documents are read in parallel (``ReadOptions.workers`` threads, the flow's tasks), each
# page by a single-threaded Tesseract: OpenCV's own worker threads only contend with them
# for the cores (speed seed 13, 2 files at once: 0.596 -> 0.586 CPU s/page).
cv2.setNumThreads(1)

log = logging.getLogger(__name__)

#: Page reading options that are not preprocessing steps: ``orient`` (try OSD and re-read
#: when a page reads badly) and ``tables`` (leave ruled table bodies out of the page's
#: reading: a KK's member tables are read on their own, cell by cell).
PAGE_OPTIONS: tuple[str, ...] = ("orient", "tables")
#: Preprocessing steps plus the page reading options.
DEFAULT_OPTIONS: tuple[str, ...] = (*pre.DEFAULT_STEPS, *PAGE_OPTIONS)
STAGES: tuple[str, ...] = ("sniff", "preprocess", "ocr", "classify", "extract")


@dataclass
class ReadOptions:
    """How to read page images; the benchmark varies these for ablation."""

    steps: tuple[str, ...] = DEFAULT_OPTIONS
    """Preprocessing steps (``extractors.preprocess.ALL_STEPS``) and ``orient``."""
    psm: int = tesseract.DEFAULT_PSM
    lang: str = tesseract.DEFAULT_LANG
    workers: int = field(default_factory=lambda: max(1, min(2, os.cpu_count() or 1)))


def default_workers() -> int:
    """Threads used for the pages of one document (``INTAKE_OCR_WORKERS``, default 2)."""
    try:
        return max(1, int(os.environ.get("INTAKE_OCR_WORKERS", "2")))
    except ValueError:
        return 2


def extract_file(path: str | Path, limits: Limits | None = None,
                 options: ReadOptions | None = None) -> Document:
    """Read ``path`` and extract it (see ``extract_bytes``); an unreadable path is rejected."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        return Document(source=str(path), status="rejected",
                        error=ErrorInfo(code="unreadable_file", message=f"cannot read {path}: {e.strerror}"))
    return extract_bytes(data, str(path), limits, options)


def extract_bytes(data: bytes, source: str, limits: Limits | None = None,
                  options: ReadOptions | None = None) -> Document:
    """Sniff, read, classify and extract one file's bytes into a ``Document``; never raises.

    Bad input is rejected with its reason code (``sniff``); a failure of the extraction itself
    rejects the document as ``extraction_failed``, so that its application goes to review
    with its other documents and the batch goes on (the original stays in storage).
    """
    try:
        return _extract_bytes(data, source, limits, options)
    except Exception as e:  # noqa: BLE001 - one document fails, its application goes to review
        log.error("extraction of %s failed: %s", source, type(e).__name__, exc_info=log.isEnabledFor(logging.DEBUG))
        return Document(source=source, sha256=hashlib.sha256(data).hexdigest(), status="rejected",
                        error=ErrorInfo(code="extraction_failed",
                                        message=f"the fields of {Path(source).name} could not be extracted "
                                                f"({type(e).__name__}); the file is kept for review"))


def _extract_bytes(data: bytes, source: str, limits: Limits | None,
                   options: ReadOptions | None) -> Document:
    limits = limits or Limits()
    options = options or ReadOptions(workers=default_workers())
    timings = dict.fromkeys(STAGES, 0.0)
    document = Document(source=source, sha256=hashlib.sha256(data).hexdigest())
    started = time.perf_counter()
    try:
        # The pages are decoded next (``read_pages``): sniffing checks the image headers only.
        document.media_type = sniff(data, Path(source).name, limits, decode_images=False)
    except RejectedInput as e:
        timings["sniff"] = time.perf_counter() - started
        document.status = "rejected"
        document.error = ErrorInfo(code=e.code, message=e.message)
        document.timings = timings
        return document
    timings["sniff"] = time.perf_counter() - started
    images: dict[int, tuple[np.ndarray, float]] = {}
    masked: dict[int, list[table_mod.Box]] = {}
    photos: set[int] = set()
    try:
        pages = read_pages(data, document.media_type, limits, options, timings, images, masked,
                           name=Path(source).name, photos=photos)
    except RejectedInput as e:
        document.status = "rejected"
        document.error = ErrorInfo(code=e.code, message=e.message)
        document.timings = timings
        return document
    document.page_count = len(pages)
    started = time.perf_counter()
    document_type, service, confidence, own_pages = classify_pages(pages)
    timings["classify"] = time.perf_counter() - started
    if document_type != "kk" and masked:
        # Only a KK's member tables are read cell by cell: any other table is read with its page.
        pages = _read_tables_with_pages(pages, images, masked, options, limits, timings)
        document_type, service, confidence, own_pages = classify_pages(pages)
    document.document_type = document_type  # type: ignore[assignment]
    document.service = service
    document.classification_confidence = confidence
    if document_type == "kk" and photos & {p.number for p in own_pages}:
        own_pages = kk_headers_read_closer(own_pages, images, masked, photos, options, limits, timings)
    started = time.perf_counter()
    document.fields = extract_document_fields(own_pages, document_type, service)
    if document_type == "kk" and images:
        document.fields = scanned_kk_members(document.fields, own_pages, images, masked, photos)
        if "members" not in document.fields and masked:
            # The grid was too broken to read by cells: the member rows as the page reads them.
            pages = _read_tables_with_pages(pages, images, masked, options, limits, timings)
            from extractors.kk import members_field

            members = members_field([p for p in pages if p.number in {o.number for o in own_pages}])
            if members is not None:
                document.fields["members"] = members
    timings["extract"] = time.perf_counter() - started
    if images:
        started = time.perf_counter()
        document.fields = reread_weak_fields(document.fields, document_type, service, images, limits, photos,
                                             own_pages)
        members = document.fields.get("members")
        if document_type == "kk" and "head_name" in document.fields and members is not None:
            from extractors.kk import head_name_by_members

            document.fields["head_name"] = head_name_by_members(document.fields["head_name"],
                                                                members.value)  # type: ignore[arg-type]
        timings["ocr"] += time.perf_counter() - started
        if document_type == "kk":
            from extractors.kk import regions_by_kk_number

            document.fields = regions_by_kk_number(document.fields, own_pages)
        kinds = field_kinds(document_type, service)
        document.fields = reread_mod.split_run_together_names(document.fields, kinds, images)
        document.fields = reread_mod.serif_i_read_as_t(document.fields, kinds, images)
        document.fields = reread_mod.mark_faint_fields(document.fields, images)
    document.timings = {k: round(v, 4) for k, v in timings.items()}
    return document


def classify_pages(pages: list[Page]) -> tuple[str, str | None, float, list[Page]]:
    """Classify a document by its first page (the rest are often companions, e.g. a KTP copy).

    Returns the type, service, confidence and the pages that belong to that document:
    those classified the same way or not classifiable on their own (continuation pages).
    """
    if not pages:
        return "unknown", None, 0.0, []
    per_page = [classify_mod.classify([p.text]) for p in pages]
    document_type, service, confidence = per_page[0]
    if document_type == "unknown":
        document_type, service, confidence = classify_mod.classify([p.text for p in pages])
        return document_type, service, confidence, pages
    own = [p for p, (t, s, _) in zip(pages, per_page, strict=True)
           if t == "unknown" or (t == document_type and s == service)]
    return document_type, service, confidence, own


def read_pages(data: bytes, media_type: str, limits: Limits, options: ReadOptions,
               timings: dict[str, float],
               images: dict[int, tuple[np.ndarray, float]] | None = None,
               masked: dict[int, list[table_mod.Box]] | None = None, name: str = "the file",
               photos: set[int] | None = None) -> list[Page]:
    """Decode, preprocess and read every page; ``timings`` gets the stage times added.

    ``images`` receives each OCR'd page's prepared image and its scale (for rereading);
    ``masked``, the table bodies left out of a page's reading (in prepared image pixels);
    ``photos``, the numbers of the pages that were photographs (a document found on a
    background and rectified).
    A file that does not decode is rejected as ``sniff`` would (``name`` is for messages).
    """
    started = time.perf_counter()
    try:
        inputs = load_pages(data, media_type, limits)
    except DECODE_ERRORS as e:
        raise decode_failure(name, media_type, e) from e
    timings["preprocess"] += time.perf_counter() - started
    if len(inputs) > 1 and options.workers > 1:
        with ThreadPoolExecutor(max_workers=options.workers) as pool:
            results = list(pool.map(lambda p: read_page(p, options, limits), inputs))
    else:
        results = [read_page(p, options, limits) for p in inputs]
    pages = []
    for page, page_timings, prepared in results:
        pages.append(page)
        if images is not None and prepared is not None:
            images[page.number] = (prepared.image, prepared.scale)
        if masked is not None and prepared is not None and prepared.masked:
            masked[page.number] = prepared.masked
        if photos is not None and prepared is not None and "rectify" in prepared.steps:
            photos.add(page.number)
        for stage, seconds in page_timings.items():
            timings[stage] += seconds
    return pages


def read_page(page_input: PageInput, options: ReadOptions, limits: Limits
              ) -> tuple[Page, dict[str, float], pre.Prepared | None]:
    """Read one page: its PDF text, or preprocess + OCR (with an orientation retry)."""
    timings = {"preprocess": 0.0, "ocr": 0.0}
    if page_input.text_page is not None:
        return page_input.text_page, timings, None
    assert page_input.image is not None
    started = time.perf_counter()
    prepared = pre.preprocess(page_input.image, tuple(s for s in options.steps if s not in PAGE_OPTIONS))
    if "tables" in options.steps:
        prepared.masked = table_mod.table_bodies(prepared.image)
    timings["preprocess"] += time.perf_counter() - started
    started = time.perf_counter()
    try:
        if "rectify" in prepared.steps and prepared.masked:
            # A photographed page with member tables (a KK): its header is read closer at once,
            # not read plainly first and again closer once the page is known to be a KK.
            page = _header_closer_and_rest(prepared.image, prepared.masked, page_input.number, options, limits)
        else:
            page = _ocr(without_boxes(prepared.image, prepared.masked), page_input.number, options, limits)
        if "orient" in options.steps and looks_unreadable(page) and not names_its_type(page):
            page, turned = _retry_orientation(prepared, page, page_input.number, options, limits)
            prepared.angle += turned
            if turned:
                prepared.masked = []  # the turned page was read whole
    except OCRError as e:
        log.warning("page %d degraded: %s", page_input.number, e)
        height, width = prepared.image.shape[:2]
        page = Page(number=page_input.number, width=width, height=height)
    timings["ocr"] += time.perf_counter() - started
    page = to_original_scale(page, prepared.scale)
    page.angle = round(prepared.angle, 2)
    return page, timings, prepared


def without_boxes(image: np.ndarray, boxes: list[table_mod.Box]) -> np.ndarray:
    """``image`` with ``boxes`` painted white (a copy; ``image`` itself when there are none)."""
    if not boxes:
        return image
    out = image.copy()
    for x0, y0, x1, y1 in boxes:
        out[y0:y1, x0:x1] = 255
    return out


def _read_tables_with_pages(pages: list[Page], images: dict[int, tuple[np.ndarray, float]],
                            masked: dict[int, list[table_mod.Box]], options: ReadOptions,
                            limits: Limits, timings: dict[str, float]) -> list[Page]:
    """``pages`` with those read without their table bodies read again whole; ``masked`` is
    emptied (no page is left without its tables any more)."""
    started = time.perf_counter()
    out = []
    for page in pages:
        if page.number in masked and page.number in images:
            image, scale = images[page.number]
            try:
                whole = to_original_scale(_ocr(image, page.number, options, limits), scale)
                page = whole.model_copy(update={"angle": page.angle, "source": page.source})
            except OCRError as e:
                log.warning("page %d: tables not read: %s", page.number, e)
        out.append(page)
    masked.clear()
    timings["ocr"] += time.perf_counter() - started
    return out


def _ocr(image, number: int, options: ReadOptions, limits: Limits) -> Page:  # noqa: ANN001
    return tesseract.ocr_page(image, number, lang=options.lang, psm=options.psm,
                              timeout=limits.ocr_timeout_seconds)


def page_quality(page: Page) -> float:
    """Sum of confidences of words with at least three letters or digits (more is better)."""
    return sum(w.confidence for w in page.words if len(re.sub(r"[^A-Za-z0-9]", "", w.text)) >= 3)


def looks_unreadable(page: Page) -> bool:
    """Whether a page read so badly that it may be upside down or sideways."""
    words = [w for w in page.words if len(re.sub(r"[^A-Za-z0-9]", "", w.text)) >= 3]
    if len(words) < 8:
        return True
    mean = sum(w.confidence for w in words) / len(words)
    return mean < 0.62


def names_its_type(page: Page) -> bool:
    """Whether a page's reading names a document type (a title read right: the page is upright,
    however poorly the rest of it reads, e.g. a phone photo of a KK without its tables)."""
    return classify_mod.classify([page.text])[0] != "unknown"


def _retry_orientation(prepared: pre.Prepared, page: Page, number: int, options: ReadOptions,
                       limits: Limits) -> tuple[Page, int]:
    orientation = tesseract.detect_orientation(prepared.image)
    candidates = [orientation.rotate] if orientation.rotate and orientation.confidence >= 0.8 else []
    candidates += [r for r in (180, 90, 270) if r not in candidates]
    best, best_quality, best_turn = page, page_quality(page), 0
    for turn in candidates[:2] if candidates and candidates[0] == orientation.rotate else candidates:
        image = pre.rotate_quarter(prepared.image, turn)
        if "deskew" in options.steps:
            angle = pre.estimate_skew(image)
            if abs(angle) >= 0.4:
                image = pre.rotate(image, -angle)
        candidate = _ocr(image, number, options, limits)
        quality = page_quality(candidate)
        if quality > best_quality * 1.3:
            best, best_quality, best_turn = candidate, quality, turn
            prepared.image = image
            if not looks_unreadable(candidate):
                break
    return best, best_turn


#: A photographed KK's header (the fields above its member tables) is small blurred text
#: (capitals about 10 px where Tesseract wants 20; the page's text height estimate sees the
#: title's): it is read again this much larger, sharpened like the tables' small text. On
#: the phone KKs of seeds 181 and 171 its fields wrong went from 21 of 216 to 10 (1.3 and
#: 2.0 times: 16 each); applied to the whole page of every photo, KTPs, letters and the
#: member cells lost more than that.
KK_HEADER_ENLARGEMENT = 1.6
#: Unsharp masking of that reading: the image plus this much of its difference from a blur.
KK_HEADER_SHARPENING = 0.8


def kk_headers_read_closer(pages: list[Page], images: dict[int, tuple[np.ndarray, float]],
                           masked: dict[int, list[table_mod.Box]], photos: set[int],
                           options: ReadOptions, limits: Limits, timings: dict[str, float]) -> list[Page]:
    """``pages`` with the header of each photographed KK page (above its first table body)
    read again enlarged and sharpened; the words below it are kept as read. (A page whose
    table bodies were found when it was read had its header read so then: ``read_page``.)"""
    started = time.perf_counter()
    out = []
    for page in pages:
        if page.number not in photos or page.number not in images or masked.get(page.number):
            out.append(page)
            continue
        image, scale = images[page.number]
        top = min((box[1] for box in table_mod.table_bodies(image)), default=0)
        if top <= 0:
            out.append(page)
            continue
        try:
            header = to_original_scale(_header_read_closer(image, top, page.number, options, limits), scale)
        except OCRError as e:
            log.warning("page %d: KK header not read again: %s", page.number, e)
            out.append(page)
            continue
        out.append(_joined(header, [w for w in page.words if w.bbox[1] >= top / scale], page))
    timings["ocr"] += time.perf_counter() - started
    return out


def _header_read_closer(image: np.ndarray, top: int, number: int, options: ReadOptions,
                        limits: Limits) -> Page:
    """The rows of ``image`` above ``top`` read enlarged and sharpened (boxes in ``image``
    pixels, not rounded: they are rounded once, in the original page's pixels)."""
    crop = cv2.resize(image[:top], None, fx=KK_HEADER_ENLARGEMENT, fy=KK_HEADER_ENLARGEMENT,
                      interpolation=cv2.INTER_CUBIC)
    crop = cv2.addWeighted(crop, 1 + KK_HEADER_SHARPENING, cv2.GaussianBlur(crop, (0, 0), 2),
                           -KK_HEADER_SHARPENING, 0)
    page = _ocr(crop, number, options, limits)
    words = [w.model_copy(update={"bbox": tuple(v / KK_HEADER_ENLARGEMENT for v in w.bbox)}) for w in page.words]
    return page.model_copy(update={"words": words})


def _header_closer_and_rest(image: np.ndarray, bodies: list[table_mod.Box], number: int,
                            options: ReadOptions, limits: Limits) -> Page:
    """A photographed page with table bodies: its header (above the first body) read closer
    (``_header_read_closer``), the rest of the page without the bodies as usual."""
    top = min(box[1] for box in bodies)
    rest = _ocr(without_boxes(image, [*bodies, (0, 0, image.shape[1], top)]), number, options, limits)
    if top <= 0:
        return rest
    header = _header_read_closer(image, top, number, options, limits)
    return _joined(header, [w for w in rest.words if w.bbox[1] >= top], rest)


def _joined(header: Page, below: list[Word], page: Page) -> Page:
    """``page`` with its words: ``header``'s, then ``below`` (lines numbered after the header's)."""
    offset = 1 + max((w.line for w in header.words), default=0)
    kept = [w.model_copy(update={"line": w.line + offset}) for w in below]
    text = "\n".join([header.text.strip(), *_line_texts(kept)])
    return page.model_copy(update={"words": [*header.words, *kept], "text": text})


def _line_texts(words: list[Word]) -> list[str]:
    """The text of ``words`` line by line, in the order of their lines."""
    lines: dict[int, list[str]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word.text)
    return [" ".join(lines[k]) for k in sorted(lines)]


def to_original_scale(page: Page, scale: float) -> Page:
    """Express word boxes in the pixels of the page before resizing (undo ``scale``)."""
    if abs(scale - 1.0) < 1e-6:
        return page
    words = [
        Word(text=w.text, confidence=w.confidence, line=w.line,
             bbox=tuple(round(v / scale, 1) for v in w.bbox))  # type: ignore[arg-type]
        for w in page.words
    ]
    return Page(number=page.number, width=round(page.width / scale), height=round(page.height / scale),
                text=page.text, words=words, source=page.source, angle=page.angle)


#: The NIKs a letter may state (``extractors.nlp``).
LETTER_NIK_KEYS = ("subject_nik", "mother_nik", "father_nik")


def field_kinds(document_type: str, service: str | None) -> dict[str, str]:
    """Kind of each field key of a layout (``place_date`` split into place and date)."""
    layout = fields_mod.layout_for(document_type, service)
    kinds: dict[str, str] = {}
    if layout is None:
        return kinds
    for spec in layout.fields:
        if spec.kind == "place_date":
            kinds.setdefault(spec.key, "region_place")
            if spec.also:
                kinds.setdefault(spec.also, "date")
        else:
            kinds.setdefault(spec.key, spec.kind)
    if layout.signature_date:
        kinds.setdefault(layout.signature_date, "date")
    return kinds


def reread_weak_fields(found: dict[str, Field], document_type: str, service: str | None,
                       images: dict[int, tuple[np.ndarray, float]], limits: Limits,
                       photos: Set[int] = frozenset(), pages: Sequence[Page] = ()) -> dict[str, Field]:
    """Read weak fields again from their region only (see ``extractors.reread``).

    Digit fields are read again from their box; a NIK is then chosen among its readings by
    how well it fits the card (``fields.card_agreement``); rows whose value is missing or outside
    its list are read again from the strip where they should stand. On ``photos`` (page
    numbers of phone photos) an RT/RW is read again by its figures' shapes, and one its
    label in ``pages`` shows but OCR read as none is read by them (``unread_rt_rw``).
    """
    kinds = field_kinds(document_type, service)
    out = dict(found)
    timeout = min(30.0, limits.ocr_timeout_seconds)
    for key, item in found.items():
        kind = kinds.get(key, "")
        if document_type == "letter" and key in LETTER_NIK_KEYS and item.page in images and (
                item.bbox is not None and not norm.normalize("nik", str(item.value)).valid):
            # A letter has no layout, but a NIK it states read with figures too few (``NIK :
            # M06102502074736``, two 1s read as an M: a phone letter of seed 251) is read again
            # from its box, and taken only as a whole NIK.
            image, scale = images[item.page]
            again = reread_mod.reread(item.model_copy(update={"confidence": 0.0}), "nik", image, scale,
                                      timeout=timeout)
            out[key] = again if again.value != item.value else item
            continue
        if item.page in images and reread_mod.needs_reread(item, kind):
            image, scale = images[item.page]
            again = reread_mod.reread(item, kind, image, scale, timeout=timeout)
            if kind in ("nik", "kk_number"):
                again = fields_mod.choose_nik_reading(key, item, again, found, image, scale, timeout)
            out[key] = again
        elif kind in ("nik", "kk_number") and item.page in images and item.bbox is not None:
            image, scale = images[item.page]
            facts = fields_mod.card_facts(key, found)
            if norm.nik_score(str(item.value), *facts) < norm.nik_score_ceiling(*facts[:3]):
                out[key] = fields_mod.choose_nik_reading(key, item, item, found, image, scale, timeout)
    for key, item in list(out.items()):
        kind = kinds.get(key, "")
        page_image = images.get(item.page)
        if page_image is not None and kind in ("nik", "kk_number"):
            item = out[key] = fields_mod.nik_checked_by_glyphs(key, item, out, *page_image)
        if kind in ("nik", "kk_number") and (sevens := norm.with_region_sevens(str(item.value))) != item.value:
            item = out[key] = fields_mod.read_by_ink(item, sevens, fields_mod.REGION_SEVENS_REPAIR)
        if kind in fields_mod.DIGIT_ID_KINDS and not norm.normalize(kind, str(item.value)).valid:
            again = (fields_mod.digits_read_again(item, kind, *page_image, timeout)
                     if page_image is not None else None)
            if again is None:
                del out[key]  # never a wrong-length identifier
            else:
                out[key] = again
            continue
        if kind == "time" and not norm.normalize(kind, str(item.value)).valid:
            del out[key]  # read again as no time: none rather than a wrong one
            continue
        if page_image is None:
            continue
        if kind in fields_mod.WEAK_READ_KINDS:
            item = out[key] = fields_mod.surer_reading(item, kind, *page_image, timeout)
        if any(r.startswith(fields_mod.COLON_LETTER) for r in item.repairs):
            item = out[key] = fields_mod.colon_letter_checked(item, kind, *page_image, timeout)
        if fields_mod.may_have_lost_a_space(item, kind):
            out[key] = fields_mod.spaced_again(item, kind, *page_image, timeout)
    for key, item in out.items():
        if kinds.get(key) in ("nik", "kk_number"):
            out[key] = fields_mod.with_equal_readings(key, item, out)
    if "birth_date" in out and "nik" in out and kinds.get("birth_date") == "date":
        out["birth_date"] = fields_mod.birth_date_by_nik(found["birth_date"], out, images, timeout)
    layout = fields_mod.layout_for(document_type, service)
    if layout is not None and document_type != "letter":
        widths = {n: image.shape[1] / scale for n, (image, scale) in images.items()}
        for strip in fields_mod.rows_to_reread(out, layout, kinds, widths):
            if strip.page in images:
                image, scale = images[strip.page]
                read = fields_mod.read_row_strip(strip, kinds.get(strip.key, "text"), image, scale, limits)
                if read is not None:
                    out[strip.key] = read
    if "rt_rw" in out and out["rt_rw"].page in photos and out["rt_rw"].page in images:
        out["rt_rw"] = fields_mod.photo_figures(out["rt_rw"], "000/000", *images[out["rt_rw"].page])
    elif "rt_rw" not in out and "rt_rw" in kinds and photos:
        unread = fields_mod.unread_rt_rw(pages, images, photos)
        if unread is not None:
            out["rt_rw"] = unread
    if "postal_code" in out:
        page = out["postal_code"].page
        if page in images:
            if page in photos:
                out["postal_code"] = fields_mod.photo_figures(out["postal_code"], "00000", *images[page],
                                                              room=fields_mod.PHOTO_FIGURES_ROOM)
            else:
                out["postal_code"] = fields_mod.digits_by_figures(out["postal_code"], "00000", *images[page])
        out["postal_code"] = fields_mod.postal_code_by_zone(out["postal_code"], out.get("province"))
    return out


def extract_document_fields(pages: Sequence[Page], document_type: str, service: str | None) -> dict[str, Field]:
    """Fields of a classified document: layout labels, KK members, or the letter NLP."""
    pages = list(pages)
    if document_type == "letter":
        return letter_fields(pages)
    layout = fields_mod.layout_for(document_type, service)
    if layout is None:
        return {}
    found = fields_mod.extract_fields(pages, layout)
    if document_type == "kk":
        from extractors.kk import members_field

        members = members_field(pages)
        if members is not None:
            found["members"] = members
    return found


def scanned_kk_members(found: dict[str, Field], pages: list[Page],
                       images: dict[int, tuple[np.ndarray, float]],
                       masked: dict[int, list[table_mod.Box]] | None = None,
                       photos: Set[int] = frozenset()) -> dict[str, Field]:
    """Read a scanned KK's member tables from their ruled grid (``extractors.kk``); ``masked``:
    the table bodies each page's reading left out (found once, not again here); ``photos``:
    the numbers of the pages that are phone photos."""
    from extractors.kk import members_from_grid

    for page in pages:
        if page.number not in images:
            continue
        image, scale = images[page.number]
        members = members_from_grid(page, image, scale, (masked or {}).get(page.number),
                                    photo=page.number in photos)
        if members is not None:
            return {**found, "members": members}
    return found


def letter_fields(pages: list[Page]) -> dict[str, Field]:
    """Fields of a letter from the spaCy pipeline (``extractors.nlp``), mapped to ``Field``."""
    try:
        from extractors.nlp import extract_letter_fields
    except ImportError:
        return {}
    text = "\n".join(p.text for p in pages)
    source = pages[0].source if pages else "ocr"
    out: dict[str, Field] = {}
    for key, found in extract_letter_fields(text).items():
        if isinstance(found, list):
            # Several mentions (persons, places): the value is the list of their values.
            items = [x for x in found if isinstance(x, dict) and x.get("value") is not None]
            if not items:
                continue
            item = dict(items[0], value=[x["value"] for x in items],
                        raw="; ".join(str(x.get("raw", x["value"])) for x in items))
        else:
            item = found
        value = item.get("value") if isinstance(item, dict) else item
        if value is None:
            continue
        start, end = (item.get("start_char"), item.get("end_char")) if isinstance(item, dict) else (None, None)
        page, bbox, confidence = _locate_span(pages, start, end)
        item_source = item.get("source", "ner") if isinstance(item, dict) else "ner"
        out[key] = Field(
            value=value,
            raw=str(item.get("raw", value)) if isinstance(item, dict) else str(value),
            confidence=confidence if source == "ocr" else 0.95,
            page=page,
            bbox=bbox,
            source=item_source if item_source in ("ner", "pattern") else "ner",
        )
    return out


def _locate_span(pages: list[Page], start: int | None, end: int | None
                 ) -> tuple[int, tuple[float, float, float, float] | None, float]:
    """Map character offsets in the joined page text back to a page, word boxes and confidence."""
    if start is None or end is None:
        return 1, None, 0.8
    offset = 0
    for page in pages:
        lines: dict[int, list[Word]] = {}
        for w in page.words:
            lines.setdefault(w.line, []).append(w)
        position = offset
        hit: list[Word] = []
        for _, words in sorted(lines.items()):
            for w in words:
                w_start, w_end = position, position + len(w.text)
                if w_end > start and w_start < end:
                    hit.append(w)
                position = w_end + 1
        if hit:
            box = (min(w.bbox[0] for w in hit), min(w.bbox[1] for w in hit),
                   max(w.bbox[2] for w in hit), max(w.bbox[3] for w in hit))
            return page.number, box, round(sum(w.confidence for w in hit) / len(hit), 4)
        offset += len(page.text) + 1
    return 1, None, 0.8
