"""Second look at weak fields: their region read again, a name's lost space, faint print.

Digit fields: a NIK or date read with low confidence (or needing repairs) is cropped from the page image,
enlarged, and read again as one text line (``--psm 7``), then normalised as its kind. The new
reading replaces the old one only if it is valid and more confident.
"""

from __future__ import annotations

import functools
import re
import statistics
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import ImageFont

from extractors import normalize as norm
from extractors import tesseract
from models.domain import FAINT_PRINT_REPAIR, Field
from models.errors import OCRError

#: Field kinds worth a second reading (digits), and the characters they may hold.
WHITELISTS: dict[str, str] = {
    "nik": "0123456789",
    "kk_number": "0123456789",
    "date": "0123456789-/.",
    "rt_rw": "0123456789/",
    "time": "0123456789:.",
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
    if not item.repairs and (_only_first_digit_1_for_7(item.value, result.value)
                             or sevens_read_as_ones(str(item.value), str(result.value))):
        # The crop's left edge turns a 7 into a 1, and a crop enlarged on its own thins one
        # (27/05/2026 read 21/05/2026): the first reading saw the whole line.
        return item
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


#: Keys of names in letters (their layout has no kinds); forms and cards use their layout.
LETTER_NAME_KEYS = ("child_name", "mother_name", "father_name", "subject_name")
#: A letter's signer, under the signature: split at a double A by name words only
#: (``ADITYAANWAR``: a phone letter of held-out seed 237), not by the print's gaps.
LEXICON_ONLY_KEYS = ("signer_name",)
#: How deep (in letter heights) a letter's side may curve in and still count as white between
#: letters. Type is spaced so that the white between neighbours, each side's hollow taken only
#: this deep, is about even along a word (``A A`` and ``M E`` leave the same blank columns, but
#: the A's sloping sides add white a space shows and a stem does not).
SIDE_DEPTH = 0.15
#: A gap is a space when its white is at least ``SPACE_WHITE`` of the letter height and
#: ``SPACE_RATIO`` times the line's median white, and its blank columns ``SPACE_BLANK`` of the
#: height (an L's open side has as much white as an A's slopes, but stands close).
SPACE_WHITE = 0.35
SPACE_RATIO = 1.7
SPACE_BLANK = 0.15
#: A space found inside a word read as one must also be this many times the widest white
#: between the letters on either side of it.
SPACE_OVER_LETTERS = 1.3
#: ... and at least this share of the narrowest space the line shows elsewhere.
SPACE_UNDER_SPACES = 0.75
#: ... and its blank columns at least this share of the narrowest blank of those spaces: a
#: serif L's open side before an A (``MAUL ANA``, ``WUL AN``) adds white, not blank columns
#: (measured: real splits 0.50-0.78 of the line's other spaces, L before A 0.33).
SPACE_BLANK_SHARE = 0.4
#: Each word a split makes has at least this many letters (``PUT RI`` is no name).
SPLIT_MIN_LETTERS = 3


def _name_keys(kinds: dict[str, str], letter_keys: tuple[str, ...]) -> list[str]:
    """The keys of a layout's name fields (``kinds``: the kind of each key), or for a letter
    (no layout) ``letter_keys``."""
    return [k for k, kind in kinds.items() if kind == "name"] if kinds else list(letter_keys)


def split_run_together_names(found: dict[str, Field], kinds: dict[str, str],
                             images: dict[int, tuple[np.ndarray, float]]) -> dict[str, Field]:
    """Names whose words Tesseract ran together although the print shows a space.

    Tesseract's ``ind`` model drops the space before some words (``TUTI AYU`` is read
    ``TUTIAYU``, ``MEGA AYU`` ``MEGAAYU``, at most scales and page segmentations). The print
    says where the spaces are (``letter_gaps``); when it shows one more word than was read,
    the joined word is split there if its two pieces, read alone, spell the word's two parts.
    Where the print shows no space (a blurred photo), two name words run together at a
    double A are split between them (``normalize.split_at_double_a``).
    ``kinds``: the kind of each field key of the layout (none for a letter).
    """
    keys = _name_keys(kinds, (*LETTER_NAME_KEYS, *LEXICON_ONLY_KEYS))
    out = dict(found)
    for key in keys:
        item = found.get(key)
        if (item is None or item.bbox is None or item.page not in images
                or not isinstance(item.value, str) or " " not in item.value.strip() and len(item.value) < 5):
            continue
        image, scale = images[item.page]
        by_gaps = key not in LEXICON_ONLY_KEYS or bool(kinds)
        split = _split_by_gaps(item.value, image, item.bbox, scale) if by_gaps else None
        repair = "space restored from the print"
        if split is None:
            split, repair = norm.split_at_double_a(item.value, "name"), "space at a double A"
        if split != item.value and norm.name_split_joined(split) != item.value:
            # (Not a name word cut into a part that is none: MAULANA's L and A stand apart.)
            _rename(out, key, split, repair)
    return out


def _rename(found: dict[str, Field], key: str, value: str, repair: str) -> None:
    """Set the name field ``key`` of ``found`` to ``value``, noting ``repair``, and the same
    name in a letter's mention list (``persons``) with it."""
    item = found[key]
    found[key] = item.model_copy(update={"value": value, "repairs": [*item.repairs, repair]})
    mentions = found.get("persons")
    if mentions is not None and isinstance(mentions.value, list):
        found["persons"] = mentions.model_copy(update={
            "value": [value if v == item.value else v for v in mentions.value]})


#: A blob read as T is an I when it is no wider than this share of the letter height: a T's
#: bar spans about 0.6 of it, a serif I's feet 0.4 (``ANT`` of ANI AYU: 0.39, on clean and
#: low-contrast forms and letters of seeds 287 and 289).
SERIF_I_WIDTH = 0.5


def serif_i_read_as_t(found: dict[str, Field], kinds: dict[str, str],
                      images: dict[int, tuple[np.ndarray, float]]) -> dict[str, Field]:
    """Names with a serif I that Tesseract read as T put right (``ANT AYU WIJAYA`` for ANI
    AYU WIJAYA, printed in a serif face), where the word read is no name word, the word with
    that T an I is a common name (``normalize.common_name_words``), and the print agrees: the
    line's blobs are its letters one for one and the blob read T is no wider than
    ``SERIF_I_WIDTH`` of the letters' height. ``kinds`` as in ``split_run_together_names``."""
    keys = _name_keys(kinds, LETTER_NAME_KEYS)
    known, common = norm.name_words(), norm.common_name_words()
    out = dict(found)
    for key in keys:
        item = found.get(key)
        if item is None or item.bbox is None or item.page not in images or not isinstance(item.value, str):
            continue
        words = item.value.split()
        slips = [(i, j) for i, word in enumerate(words) if word not in known and word.isalpha()
                 for j, letter in enumerate(word) if letter == "T" and word[:j] + "I" + word[j + 1:] in common]
        if len(slips) != 1:
            continue
        image, scale = images[item.page]
        gray = _box_crop(image, item.bbox, scale)
        if gray.size == 0 or gray.shape[0] < 8:
            continue
        _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
        letters, height = letters_of(ink)
        if len(letters) != sum(len(w) for w in words) or height <= 0:
            continue
        i, j = slips[0]
        blob = letters[sum(len(w) for w in words[:i]) + j]
        if blob.right - blob.left > SERIF_I_WIDTH * height:
            continue
        word = words[i][:j] + "I" + words[i][j + 1:]
        _rename(out, key, " ".join([*words[:i], word, *words[i + 1:]]), "serif I read as T")
    return out


@dataclass(frozen=True)
class Letter:
    """One letter-high blob of ink of a line (a letter, or letters that touch)."""

    left: int
    right: int
    """First column past the blob."""
    lefts: np.ndarray
    """Per row of the line, the first ink column (absolute), or -1 where the blob has none."""
    rights: np.ndarray
    """Per row, the last ink column (absolute), or -1."""


def letters_of(ink: np.ndarray) -> tuple[list[Letter], float]:
    """The letter-high blobs of a binary line image, left to right, and the letter height."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = [int(stats[i, cv2.CC_STAT_HEIGHT]) for i in range(1, count)]
    if not heights:
        return [], 0.0
    tall = [h for h in heights if h >= 0.3 * ink.shape[0]] or heights
    height = float(statistics.median(tall))
    letters = []
    for i in range(1, count):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if h < 0.6 * height:
            continue  # a dot, a colon, a speck: not a letter
        mask = labels[:, x:x + w] == i
        has = mask.any(axis=1)
        lefts = np.where(has, x + mask.argmax(axis=1), -1)
        rights = np.where(has, x + w - 1 - mask[:, ::-1].argmax(axis=1), -1)
        letters.append(Letter(x, x + w, lefts, rights))
    letters.sort(key=lambda letter: letter.left)
    return letters, height


def white_between(a: Letter, b: Letter, height: float) -> float:
    """The white between two neighbouring blobs, in letter heights: the blank columns between
    them plus the mean depth of their facing hollows, each taken at most ``SIDE_DEPTH`` deep."""
    rows = (a.rights >= 0) & (b.lefts >= 0)
    hollows = 0.0
    if rows.any():
        # White under a roof of the same letter (below a T's bar, between an E's arms) is
        # the letter's own: each side's edge is the outermost ink of its rows above.
        depth = SIDE_DEPTH * height
        rights = np.maximum.accumulate(a.rights)
        lefts = np.minimum.accumulate(np.where(b.lefts >= 0, b.lefts, np.iinfo(b.lefts.dtype).max))
        hollows = float(np.mean(np.minimum(a.right - 1 - rights[rows], depth)
                                + np.minimum(lefts[rows] - b.left, depth)))
    return (b.left - a.right + hollows) / height


def letter_gaps(ink: np.ndarray) -> tuple[list[Letter], list[float], list[bool]]:
    """The blobs of a line, the white between each two (``white_between``) and which are spaces."""
    letters, height = letters_of(ink)
    if len(letters) < 4:
        return letters, [], []
    pairs = list(zip(letters, letters[1:], strict=False))
    gaps = [white_between(a, b, height) for a, b in pairs]
    typical = statistics.median(gaps)
    spaces = [g >= max(SPACE_WHITE, SPACE_RATIO * typical) and b.left - a.right >= SPACE_BLANK * height
              for g, (a, b) in zip(gaps, pairs, strict=True)]
    return letters, gaps, spaces


#: How far the share of the width a split's first piece takes may be from the share its
#: letters take in a sans face (``width_share``).
SPLIT_SHARE_SLACK = 0.1


@functools.cache
def _sans() -> ImageFont.FreeTypeFont:
    """The sans face (Liberation Sans, Arial's metrics) at a size fine enough to measure by."""
    from extractors.shapes import FONT_DIR, FONTS

    return ImageFont.truetype(str(FONT_DIR / FONTS["sans"]), 100)


def width_share(word: str, cut: int) -> float:
    """The share of ``word``'s ink width its first ``cut`` letters take in a sans face: an I
    is a third as wide as an A, so ``SITI`` takes 0.47 of ``SITIAYU``'s width, not 4/7
    (0.57: a clean form of seed 271 read ``SITIAYU``, its print showing the space)."""
    face = _sans()
    head, tail = face.getbbox(word[:cut]), face.getbbox(word[cut:])
    widths = (head[2] - head[0], tail[2] - tail[0])
    return widths[0] / max(1, sum(widths))


def _split_by_gaps(value: str, image: np.ndarray, box: tuple[float, float, float, float],
                   scale: float) -> str | None:
    gray = _box_crop(image, box, scale)
    if gray.size == 0 or gray.shape[0] < 8:
        return None
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    letters, gaps, spaces = letter_gaps(ink)
    if not gaps:
        return None
    # Pieces: runs of blobs between spaces, as (first blob, last blob) indices.
    cuts = [i for i, space in enumerate(spaces) if space]
    pieces = list(zip([0, *(c + 1 for c in cuts)], [*cuts, len(letters) - 1], strict=True))
    words = value.split()
    if len(pieces) != len(words) + 1:
        return None

    paper = int(np.percentile(gray, 90))

    def read(first: int, last: int) -> str:
        # Bordered with paper: a replicated edge column with ink in it reads as an ``I``.
        part = gray[:, max(0, letters[first].left - 2):letters[last].right + 2]
        part = cv2.copyMakeBorder(part, 8, 8, 8, 8, cv2.BORDER_CONSTANT, value=paper)
        part = cv2.resize(part, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        # As a line (``--psm 7``): read as one word (``--psm 8``), ``AYU`` comes out ``AU``.
        return re.sub(r"[^A-Z]", "", "".join(w.text for w in tesseract.ocr_page(part, 1, psm=7).words).upper())

    # The joined word spans two pieces (``MEGA`` and ``AYU`` of ``MEGAAYU``): its space must
    # stand out from the white between its own letters, each piece read alone must spell its
    # part of the word, and the cut leave each side about the share of letters its piece has
    # of the width (a misread piece would cut in the wrong place).
    for i, word in enumerate(words):
        if len(word) < 5 or not word.isalpha():
            continue
        (a0, a1), (b0, b1) = pieces[i], pieces[i + 1]
        inner = [g for j, g in enumerate(gaps) if a0 <= j < b1 and j != a1]
        others = [gaps[c] for c in cuts if c != a1]
        blanks = [letters[c + 1].left - letters[c].right for c in cuts if c != a1]
        if (inner and gaps[a1] < SPACE_OVER_LETTERS * max(inner)
                or others and gaps[a1] < SPACE_UNDER_SPACES * min(others)
                or blanks and letters[a1 + 1].left - letters[a1].right < SPACE_BLANK_SHARE * min(blanks)):
            continue
        widths = (letters[a1].right - letters[a0].left, letters[b1].right - letters[b0].left)
        share = widths[0] / max(1, sum(widths))
        try:
            head, tail = read(a0, a1), read(b0, b1)
        except OCRError:
            return None
        cut = len(head)
        if (head + tail == word.upper() and SPLIT_MIN_LETTERS <= cut <= len(word) - SPLIT_MIN_LETTERS
                and abs(width_share(word.upper(), cut) - share) <= SPLIT_SHARE_SLACK):
            return " ".join([*words[:i], word[:cut], word[cut:], *words[i + 1:]])
    return None


#: A field whose ink contrast is below this share of its page's typical field is faint.
FAINT_CONTRAST = 0.5


def _box_crop(image: np.ndarray, box: tuple[float, float, float, float], scale: float) -> np.ndarray:
    """A field's box (original page pixels) cut tight from the grayscale image OCR read."""
    x0, y0, x1, y1 = (int(round(v * scale)) for v in box)
    return image[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]


def ink_contrast(image: np.ndarray, box: tuple[float, float, float, float], scale: float) -> float | None:
    """How dark a field's ink stands against its paper: the 90th minus the 3rd percentile
    of the grey levels in its box (``None`` for a box too small to tell)."""
    crop = _box_crop(image, box, scale)
    if crop.size < 50:
        return None
    low, high = np.percentile(crop, (3, 90))
    return float(high - low)


def mark_faint_fields(found: dict[str, Field], images: dict[int, tuple[np.ndarray, float]]
                      ) -> dict[str, Field]:
    """Lower the confidence of a field printed much fainter than the rest of its page.

    A faint field may still be read (a re-read of its strip enhances it), but a value a
    person can hardly see is one a clerk must look at: its confidence is scaled by how faint
    it is against the median field of the page, so the rules' minimum confidence flags it.
    """
    contrasts: dict[str, float] = {}
    for key, item in found.items():
        if item.bbox is not None and item.page in images and not isinstance(item.value, list):
            image, scale = images[item.page]
            contrast = ink_contrast(image, item.bbox, scale)
            if contrast is not None:
                contrasts[key] = contrast
    out = dict(found)
    for page in {found[key].page for key in contrasts}:
        on_page = [key for key in contrasts if found[key].page == page]
        if len(on_page) < 4:
            continue
        typical = statistics.median(contrasts[key] for key in on_page)
        for key in on_page:
            ratio = contrasts[key] / typical if typical > 0 else 1.0
            if ratio < FAINT_CONTRAST:
                item = found[key]
                out[key] = item.model_copy(update={
                    "confidence": round(item.confidence * ratio, 4),
                    "repairs": [*item.repairs, f"{FAINT_PRINT_REPAIR} ({ratio:.2f} of the page's contrast)"]})
    return out
