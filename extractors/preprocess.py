"""Prepare page images for OCR with OpenCV: small steps, each one switchable for ablation.

Steps (in order): ``rectify`` (find a card or sheet in a phone photo and flatten its
perspective), ``scale`` (resize so that text has the height Tesseract reads best, which also
caps the cost of huge scans), ``deskew`` (small rotations), ``light`` (divide out uneven
lighting and background patterns), ``denoise``, ``binarize``. Orientation (0/90/180/270) is
decided around OCR (see ``extractors.pipeline``), because it needs Tesseract. ``DEFAULT_STEPS``
holds only the steps the accuracy benchmark showed to help.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

ALL_STEPS: tuple[str, ...] = ("rectify", "scale", "deskew", "light", "lines", "denoise", "binarize")
DEFAULT_STEPS: tuple[str, ...] = ("rectify", "scale", "deskew", "light")

#: Height in pixels of a capital letter that Tesseract reads best (its x-height sweet spot).
TARGET_TEXT_HEIGHT = 20.0


@dataclass
class Prepared:
    """A page image after preprocessing, and what was done to it."""

    image: np.ndarray
    angle: float = 0.0
    """Degrees of rotation applied (deskew plus orientation)."""
    scale: float = 1.0
    """Resize factor applied."""
    steps: tuple[str, ...] = ()
    """Steps that changed the image."""
    masked: list[tuple[int, int, int, int]] = field(default_factory=list)
    """Boxes (x0, y0, x1, y1) left out of the page's reading: table bodies read on their own."""
    analysis: Analysis | None = None
    """The shrunk copy of ``image`` that the rectify, text height and skew estimates share."""


def preprocess(gray: np.ndarray, steps: tuple[str, ...] = DEFAULT_STEPS) -> Prepared:
    """Run the named steps on a grayscale page image, in the canonical order."""
    prepared = Prepared(image=gray)
    for name in ALL_STEPS:
        if name in steps:
            STEP_FUNCTIONS[name](prepared)
    return prepared


# ------------------------------------------------------------------------------- analysis


#: Longest side of the copy a page is measured on (text height, skew, document outline): on
#: an A4 page at 300 DPI, capitals stay over 10 px there, and the text height is within 6% of
#: a measure at 2400 px for a third less.
ANALYSIS_SIDE = 1600
TEXT_HEIGHT_SIDE = ANALYSIS_SIDE


def shrink(gray: np.ndarray, factor: float) -> np.ndarray:
    """``gray`` resized by ``factor`` (below 1) by averaging pixel areas, quickly.

    OpenCV averages exact halves on a fast path, and any other area factor some twenty times
    slower (about 25 ms for an A4 page at 300 DPI): the image is halved while it stays at
    least twice the target size, then area-resized the rest of the way. An odd last row or
    column is dropped before a halving.
    """
    height, width = gray.shape[:2]
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    out = gray
    while out.shape[1] >= 2 * size[0] and out.shape[0] >= 2 * size[1]:
        out = halve(out)
    if (out.shape[1], out.shape[0]) != size:
        out = cv2.resize(out, size, interpolation=cv2.INTER_AREA)
    return out


def halve(gray: np.ndarray) -> np.ndarray:
    """``gray`` at half its size, each pixel the mean of a 2x2 block (an odd last row or column
    is dropped)."""
    h, w = gray.shape[:2]
    return cv2.resize(gray[: h - h % 2, : w - w % 2], (w // 2, h // 2), interpolation=cv2.INTER_AREA)


@dataclass
class Analysis:
    """A copy of a page image at most ``ANALYSIS_SIDE`` px long, made once and measured often."""

    source: np.ndarray
    """The image this copy stands for (the copy is stale once the page image is replaced)."""
    small: np.ndarray
    """The copy (``source`` itself when it is small enough)."""
    factor: float
    """Pixels of ``small`` per pixel of ``source`` (1.0 or less)."""
    _ink: np.ndarray | None = None

    @classmethod
    def of(cls, gray: np.ndarray) -> Analysis:
        """The analysis copy of ``gray``."""
        factor = min(1.0, ANALYSIS_SIDE / max(gray.shape[:2]))
        small = shrink(gray, factor) if factor < 1.0 else gray
        return cls(source=gray, small=small, factor=factor)

    @property
    def ink(self) -> np.ndarray:
        """Dark marks on the copy, white (255) on black: a local mean threshold, made once."""
        if self._ink is None:
            self._ink = cv2.adaptiveThreshold(
                self.small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
        return self._ink


def analysis_of(prepared: Prepared) -> Analysis:
    """The shared analysis copy of the prepared image (made when the image has changed)."""
    if prepared.analysis is None or prepared.analysis.source is not prepared.image:
        prepared.analysis = Analysis.of(prepared.image)
    return prepared.analysis


# ------------------------------------------------------------------------------ text height


def estimate_text_height(gray: np.ndarray, analysis: Analysis | None = None) -> float | None:
    """Median height of letter-sized connected components (dark on light), or ``None``.

    ``analysis`` is ``gray``'s analysis copy when the caller has one.
    """
    analysis = analysis or Analysis.of(gray)
    count, _, stats, _ = cv2.connectedComponentsWithStats(analysis.ink, connectivity=8)
    if count < 10:
        return None
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    areas = stats[1:, cv2.CC_STAT_AREA]
    fill = areas / np.maximum(1, widths * heights)
    letters = (
        (heights >= 6) & (heights <= analysis.small.shape[0] / 8) & (widths >= 2)
        & (widths <= heights * 1.6) & (fill > 0.15) & (fill < 0.95)
    )
    if letters.sum() < 15:
        return None
    hs = np.sort(heights[letters])
    # Upper half of the distribution: capitals and ascenders, not dots and x-height letters.
    return float(np.median(hs[len(hs) // 2:])) / analysis.factor


def scale_step(prepared: Prepared) -> None:
    """Resize so that capitals are about ``TARGET_TEXT_HEIGHT`` px high (limits 0.25x to 4x)."""
    analysis = analysis_of(prepared)
    height = estimate_text_height(prepared.image, analysis)
    if height is None:
        return
    factor = max(0.25, min(4.0, TARGET_TEXT_HEIGHT / height))
    if 0.85 <= factor <= 1.2:
        return
    # The image Tesseract reads gets one exact area average (``shrink``'s two steps blur a
    # little more: a colon came out as "1:" on a tuning letter).
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    prepared.image = cv2.resize(prepared.image, None, fx=factor, fy=factor, interpolation=interpolation)
    prepared.scale *= factor
    prepared.steps += ("scale",)
    if analysis.factor < 1.0 and max(prepared.image.shape[:2]) >= ANALYSIS_SIDE:
        # Still larger than the analysis copy: the copy already shows this page at that size.
        prepared.analysis = Analysis(source=prepared.image, small=analysis.small,
                                     factor=ANALYSIS_SIDE / max(prepared.image.shape[:2]), _ink=analysis._ink)


# ----------------------------------------------------------------------------------- deskew


def estimate_skew(gray: np.ndarray, analysis: Analysis | None = None) -> float:
    """Skew angle in degrees (positive = counter-clockwise text), from text-line directions.

    ``analysis`` is ``gray``'s analysis copy when the caller has one.
    """
    analysis = analysis or Analysis.of(gray)
    small, binary = analysis.small, analysis.ink
    # Smear characters into line blobs, then read the blobs' angles.
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(9, small.shape[1] // 60), 1))
    smeared = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, kernel)
    contours, _ = cv2.findContours(smeared, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    angles: list[float] = []
    weights: list[float] = []
    for contour in contours:
        (_, _), (w, h), angle = cv2.minAreaRect(contour)
        if w < h:
            w, h = h, w
            angle += 90
        if w < small.shape[1] * 0.08 or h < 3 or w / h < 4:
            continue
        if angle > 45:
            angle -= 90
        if abs(angle) > 15:
            continue
        angles.append(angle)
        weights.append(w)
    if len(angles) < 3:
        return 0.0
    order = np.argsort(angles)
    cumulative = np.cumsum(np.asarray(weights)[order])
    median = float(np.asarray(angles)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])
    return -median


def rotate(gray: np.ndarray, degrees: float, grow: bool = True) -> np.ndarray:
    """Rotate counter-clockwise by ``degrees`` around the centre, white fill, growing the
    canvas (or, ``grow=False``, on the same one: a fraction of a degree moves the corners a
    few pixels and every box stays where it was)."""
    h, w = gray.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    new_w, new_h = w, h
    if grow:
        cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
        new_w, new_h = int(h * sin + w * cos), int(h * cos + w * sin)
        matrix[0, 2] += new_w / 2 - w / 2
        matrix[1, 2] += new_h / 2 - h / 2
    return cv2.warpAffine(gray, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def rotate_quarter(gray: np.ndarray, clockwise_degrees: int) -> np.ndarray:
    """Rotate by a multiple of 90 degrees clockwise (exact, no interpolation)."""
    turns = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    code = turns.get(clockwise_degrees % 360)
    return gray if code is None else cv2.rotate(gray, code)


def deskew_step(prepared: Prepared) -> None:
    """Rotate away a skew between 0.4 and 15 degrees."""
    angle = estimate_skew(prepared.image, analysis_of(prepared))
    if abs(angle) < 0.4:
        return
    prepared.image = rotate(prepared.image, -angle)
    prepared.angle += -angle
    prepared.steps += ("deskew",)


# ---------------------------------------------------------------------------------- rectify


def find_document_quad(gray: np.ndarray, analysis: Analysis | None = None) -> np.ndarray | None:
    """Corners (tl, tr, br, bl) of the largest card or sheet in a photo, or ``None``.

    The outline is looked for on an 800 px copy (made from ``analysis``, ``gray``'s analysis
    copy, when the caller has one).
    """
    analysis = analysis or Analysis.of(gray)
    f = 800 / max(analysis.small.shape[:2])
    small = shrink(analysis.small, f) if f < 1 else analysis.small
    f = min(f, 1.0) * analysis.factor
    blurred = cv2.GaussianBlur(small, (5, 5), 0)
    edges = cv2.Canny(blurred, 30, 90)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8), iterations=2)
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    area_total = small.shape[0] * small.shape[1]
    best = None
    best_area = 0.0
    for contour in contours:
        area = cv2.contourArea(contour)
        if area < 0.15 * area_total or area > 0.97 * area_total:
            continue
        hull = cv2.convexHull(contour)
        quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
        if len(quad) != 4 or not cv2.isContourConvex(quad):
            continue
        if area > best_area:
            best, best_area = quad.reshape(4, 2).astype(np.float32), area
    if best is None:
        return None
    # A document photographed on a table has a darker surrounding; a table or a box printed
    # on a flat scan is surrounded by the same white paper: leave that alone.
    mask = np.zeros(small.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, best.astype(np.int32), 255)
    inside = float(cv2.mean(small, mask=mask)[0])
    outside = float(cv2.mean(small, mask=cv2.bitwise_not(mask))[0])
    if outside > inside - 12:
        return None
    return _order_corners(best / f)


def _order_corners(points: np.ndarray) -> np.ndarray:
    s = points.sum(axis=1)
    d = np.diff(points, axis=1).ravel()
    return np.array(
        [points[np.argmin(s)], points[np.argmin(d)], points[np.argmax(s)], points[np.argmax(d)]],
        dtype=np.float32,
    )


def rectify_step(prepared: Prepared) -> None:
    """Flatten the perspective of a card or sheet photographed on a background."""
    quad = find_document_quad(prepared.image, analysis_of(prepared))
    if quad is None:
        return
    tl, tr, br, bl = quad
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    h, w = prepared.image.shape[:2]
    # Already a flat scan of the whole page: nothing to do.
    if width * height > 0.9 * w * h:
        return
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(quad, target)
    prepared.image = cv2.warpPerspective(
        prepared.image, matrix, (int(math.ceil(width)), int(math.ceil(height))),
        flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE,
    )
    prepared.steps += ("rectify",)


# ----------------------------------------------------------------------- light and cleaning


#: Pages at least this many pixels on their short side get their background estimated at
#: half the size (it is smooth): four times fewer pixels to filter. A quarter size shifted
#: words in dense KK tables; half size keeps the tuning seeds' accuracy.
LIGHT_SHRINK_FROM = 1200
#: Pages at least this many pixels on their short side (an A4 page at reading scale) blur
#: that background at a quarter of the size: the blur is wide (sigma of a fortieth of the
#: short side), so it changes pixels by 2 levels at most and costs a fifth. Smaller pages
#: (phone photos of a KK) lost a member's name to the difference.
LIGHT_QUARTER_FROM = 1400


def light_step(prepared: Prepared) -> None:
    """Divide by a blurred background to even out lighting, shadows and tinted backgrounds."""
    gray = prepared.image
    h, w = gray.shape[:2]
    size = max(15, (min(h, w) // 20) | 1)
    halved = min(h, w) >= LIGHT_SHRINK_FROM
    small = halve(gray) if halved else gray
    kernel = max(3, (size // (2 if halved else 1)) | 1)
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (kernel, kernel)))
    if halved and min(h, w) >= LIGHT_QUARTER_FROM:
        blurred = cv2.GaussianBlur(halve(background), (0, 0), kernel / 8)
        background = cv2.resize(blurred, (background.shape[1], background.shape[0]), interpolation=cv2.INTER_LINEAR)
    else:
        background = cv2.GaussianBlur(background, (0, 0), kernel / 4)
    if halved:
        background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR)
    normalised = cv2.divide(gray, np.maximum(background, 1), scale=255)
    prepared.image = normalised
    prepared.steps += ("light",)


def lines_step(prepared: Prepared) -> None:
    """Paint table rules (long horizontal and vertical lines) white so cells read cleanly."""
    gray = prepared.image
    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    h, w = gray.shape[:2]
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(40, w // 25), 1)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(40, h // 25))))
    rules = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8))
    if cv2.countNonZero(rules) == 0:
        return
    cleaned = gray.copy()
    cleaned[rules > 0] = 255
    prepared.image = cleaned
    prepared.steps += ("lines",)


def denoise_step(prepared: Prepared) -> None:
    """Remove speckle noise with a small median filter."""
    prepared.image = cv2.medianBlur(prepared.image, 3)
    prepared.steps += ("denoise",)


def binarize_step(prepared: Prepared) -> None:
    """Otsu threshold to black text on white."""
    _, binary = cv2.threshold(prepared.image, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    prepared.image = binary
    prepared.steps += ("binarize",)


STEP_FUNCTIONS: dict[str, Callable[[Prepared], None]] = {
    "rectify": rectify_step,
    "scale": scale_step,
    "deskew": deskew_step,
    "light": light_step,
    "lines": lines_step,
    "denoise": denoise_step,
    "binarize": binarize_step,
}
