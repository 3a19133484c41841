"""Second look at weak digit fields: OCR only the value's region again, digits only.

A NIK or date read with low confidence (or needing repairs) is cropped from the page image,
enlarged, and read again as one text line (``--psm 7``), then normalised as its kind. The new
reading replaces the old one only if it is valid and more confident.
"""

from __future__ import annotations

import cv2
import numpy as np

from extractors import normalize as norm
from extractors import tesseract
from models.domain import Field
from models.errors import OCRError

#: Field kinds worth a second reading (digits), and the characters they may hold.
WHITELISTS: dict[str, str] = {
    "nik": "0123456789",
    "kk_number": "0123456789",
    "date": "0123456789-/.",
    "rt_rw": "0123456789/",
}
#: Fields at or above this confidence, without repairs, are left alone.
GOOD_ENOUGH = 0.85
#: Identifiers read a second time however sure the first reading was: a serial digit read
#: wrong (8 as 3) fits the card as well as the truth, and a second reading costs one crop.
ALWAYS_REREAD = frozenset({"nik", "kk_number"})


def needs_reread(item: Field, kind: str) -> bool:
    """Whether ``item`` (of ``kind``) was read weakly enough to look again."""
    if item.source != "ocr" or item.bbox is None or kind not in WHITELISTS:
        return False
    if kind == "date" and any(ch.isalpha() for ch in item.raw.split(",")[-1]):
        return False
    if kind in ALWAYS_REREAD:
        return True
    return item.confidence < GOOD_ENOUGH or bool(item.repairs)


def crop_value(image: np.ndarray, bbox: tuple[float, float, float, float], scale: float) -> np.ndarray:
    """The value's box (in original page pixels) cut from the prepared image, with a margin."""
    x0, y0, x1, y1 = (v * scale for v in bbox)
    height = max(4.0, y1 - y0)
    top, bottom = int(max(0, y0 - 0.35 * height)), int(min(image.shape[0], y1 + 0.35 * height))
    left, right = int(max(0, x0 - 0.6 * height)), int(min(image.shape[1], x1 + 0.6 * height))
    crop = image[top:bottom, left:right]
    if crop.size and crop.shape[0] < 48:
        factor = 48 / crop.shape[0]
        crop = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    return cv2.copyMakeBorder(crop, 10, 10, 10, 10, cv2.BORDER_REPLICATE) if crop.size else crop


def reread(item: Field, kind: str, image: np.ndarray, scale: float, timeout: float = 20.0) -> Field:
    """Read ``item``'s region again with a digit whitelist; return the better field."""
    assert item.bbox is not None
    crop = crop_value(image, item.bbox, scale)
    if crop.size == 0:
        return item
    try:
        # No whitelist: with one, Tesseract reads the colon as a digit and reports no confidence.
        page = tesseract.ocr_page(crop, psm=7, dpi=None, timeout=timeout)
    except OCRError:
        return item
    if not page.words:
        return item
    text = " ".join(w.text for w in page.words)
    if kind == "date" and "," in item.raw:
        text = text.split(",")[-1]
    result = norm.normalize(kind, text)
    if result.value is None or not result.valid:
        return item
    confidence = sum(w.confidence for w in page.words) / len(page.words)
    if result.value == item.value:
        return item.model_copy(update={"confidence": max(item.confidence, round(confidence, 4))})
    if confidence <= item.confidence:
        return item
    if _only_first_digit_1_for_7(item.value, result.value) and not item.repairs:
        return item  # the crop's left edge turns a 7 into a 1; the first reading saw the whole line
    return item.model_copy(update={
        "value": result.value,
        "confidence": round(confidence * (0.9 if result.repairs else 1.0), 4),
        "repairs": [*item.repairs, "reread", *result.repairs],
    })


def _only_first_digit_1_for_7(before: object, after: object) -> bool:
    """Whether a rereading differs from the first one only by a leading ``7`` read as ``1``."""
    return (isinstance(before, str) and isinstance(after, str) and len(before) == len(after) > 1
            and before[0] == "7" and after[0] == "1" and before[1:] == after[1:])


def sevens_read_as_ones(before: object, after: object) -> bool:
    """Whether a rereading differs from the first only by some ``7`` read as ``1``.

    A crop enlarged on its own thins a low-contrast 7 into a 1 (``27294`` read ``21294``);
    the page reading saw it in context.
    """
    if not (isinstance(before, str) and isinstance(after, str) and len(before) == len(after)):
        return False
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    return bool(changed) and all(pair == ("7", "1") for pair in changed)
