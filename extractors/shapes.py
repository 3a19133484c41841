"""Digits read by their shapes: a line of blurred small figures matched against the figures
of the typefaces identity documents print in.

Tesseract reads a phone photo's KK table digits (capitals about 10 px, blurred) badly: a
16-digit NIK came out whole and right for 56 of 80 members on the phone KKs of seeds 171
and 181, and not at all for 7. Printed figures have a fixed advance (tabular figures) in
the sans-serif faces KKs are printed in (Arial and Arial Narrow, whose metrics Liberation
Sans and Liberation Sans Narrow share), so a line of ``n`` digits is ``n`` equal slots: each
slot is compared (normalised cross-correlation) with the ten figures drawn at the line's
height and blurred as much as the line is. The blur, the height and the exact advance are
not known; the combination that matches the whole line best is taken. On those 80 NIKs the
reading was right for 71; 71 matched at least ``SURE_MATCH`` on average, and of those 70
were right (Tesseract: 49), at 0.05 s a line. Below it the line was mostly misaligned, and Tesseract stands.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
#: Typefaces whose figures are compared (licence in ``fonts/``).
FONTS: dict[str, str] = {
    "sans": "LiberationSans-Regular.ttf",
    "narrow": "LiberationSansNarrow-Regular.ttf",
}
#: Height of a figure's ink over the font size (0.708 em in both faces).
FIGURE_HEIGHT_EM = 0.708
#: The crop is enlarged this much before matching (3 reads as well as 4, at half the time).
ENLARGE = 3
#: Height in pixels of the master figures each size is drawn from.
MASTER_HEIGHT = 240
#: Blurs (Gaussian sigma, in enlarged pixels per enlargement), height factors and advance
#: factors tried; the combination that fits the line best wins. (A fourth blur, 2.0, read
#: one NIK fewer right in 80 at a third more time; one height alone, 20 fewer.)
SIGMAS = (0.8, 1.2, 1.6)
HEIGHTS = (0.9, 1.0, 1.1)
ADVANCES = (0.96, 0.98, 1.0, 1.02, 1.04)
#: Mean match of a reading's slots from which it is taken as sure: below it, the line was
#: mostly misaligned (a neighbour's text, a rule), and the reading is noise.
SURE_MATCH = 0.92


@dataclass(frozen=True)
class DigitReading:
    """A line read as ``digits``; ``match`` is the mean correlation of its slots (1 = the
    figures exactly), ``margins`` per slot how much better its figure matched than the next,
    ``runners_up`` per slot that next figure."""

    digits: str
    match: float
    margins: tuple[float, ...]
    runners_up: str = ""

    @property
    def sure(self) -> bool:
        return self.match >= SURE_MATCH


#: Marks a pattern may hold besides figures (``0``): not read, each takes its own advance.
MARKS = "-/"


@functools.cache
def _masters(font: str) -> tuple[list[np.ndarray], float, dict[str, float]]:
    """The figures 0-9 of ``font``, ``MASTER_HEIGHT`` px high and one advance wide (ink 1),
    and the advances of a figure and of each of ``MARKS`` over the figures' height."""
    size = MASTER_HEIGHT / FIGURE_HEIGHT_EM
    face = ImageFont.truetype(str(FONT_DIR / FONTS[font]), round(size))
    advance = face.getlength("0")
    top = face.getbbox("0")[1]
    figures = []
    for digit in "0123456789":
        canvas = Image.new("L", (int(np.ceil(advance)), int(size * 1.3)), 0)
        ImageDraw.Draw(canvas).text((0, 0), digit, font=face, fill=255)
        figures.append(np.asarray(canvas, np.float32)[top:top + MASTER_HEIGHT] / 255.0)
    return figures, advance / MASTER_HEIGHT, {mark: face.getlength(mark) / MASTER_HEIGHT for mark in MARKS}


def _line_advance(font: str, pattern: str) -> float:
    """How wide ``pattern`` is set in ``font``, over the figures' height."""
    _, figure, marks = _masters(font)
    return sum(figure if mark == "0" else marks[mark] for mark in pattern)


@functools.lru_cache(maxsize=512)
def _templates(font: str, height: int, sigma: float) -> tuple[np.ndarray, ...]:
    """The figures of ``font`` ``height`` px high, blurred by ``sigma``, with room above and below."""
    figures, ratio, _ = _masters(font)
    width, pad = max(1, round(ratio * height)), int(2 * sigma)
    out = []
    for figure in figures:
        small = cv2.resize(figure, (width, max(1, height)), interpolation=cv2.INTER_AREA)
        small = cv2.copyMakeBorder(small, pad, pad, 0, 0, cv2.BORDER_CONSTANT, value=0)
        out.append(cv2.GaussianBlur(small, (0, 0), sigma))
    return tuple(out)


def _ink(gray: np.ndarray) -> np.ndarray:
    """How much darker than its neighbourhood's paper each pixel is (enlarged): a shaded cell
    or a shadow is no ink."""
    gray = cv2.copyMakeBorder(gray, 8, 8, 4, 4, cv2.BORDER_REPLICATE)
    big = cv2.resize(gray, None, fx=ENLARGE, fy=ENLARGE, interpolation=cv2.INTER_CUBIC).astype(np.float32)
    # The paper from the crop as scanned: enlarged cubically, a crisp edge on grey paper
    # overshoots it (by a tenth of the ink on a low-contrast KK), and all the paper read as ink.
    paper = cv2.dilate(gray, np.ones((25, 25), np.uint8))
    paper = cv2.resize(paper, (big.shape[1], big.shape[0]), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    return np.clip(paper - big, 0, None)


def _middle_line(ink: np.ndarray, share: float) -> tuple[int, int] | None:
    """Rows of the text line nearest the middle of the crop (rows with ``share`` of the
    inkiest row's ink)."""
    profile = ink.sum(axis=1)
    if profile.max() <= 0:
        return None
    above = np.concatenate([profile > share * profile.max(), [False]])
    runs, start = [], None
    for y, inked in enumerate(above):
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            runs.append((start, y))
            start = None
    middle = len(profile) / 2
    return min(runs, key=lambda run: abs((run[0] + run[1]) / 2 - middle)) if runs else None


#: A leading blob of ink whose columns ink less than this share of the line's rows, apart
#: from the rest by a gap, is a mark (a colon) and no figure: every figure, even a 1, inks
#: its full height.
MARK_ROWS = 0.6


def _without_leading_mark(line: np.ndarray, xs: np.ndarray) -> int:
    """The first column of ``xs`` (the inked columns of ``line``) that belongs to a figure:
    past a colon read with the value (``: 003/012``, phone KKs of seed 227)."""
    gaps = np.flatnonzero(np.diff(xs) > 1)
    if len(gaps) == 0:
        return int(xs[0])
    first = line[:, xs[0]:xs[gaps[0]] + 1].max(axis=1)
    if np.count_nonzero(first > 0.2 * line.max()) < MARK_ROWS * line.shape[0]:
        return int(xs[gaps[0] + 1])
    return int(xs[0])


def read_digits(gray: np.ndarray, pattern: str, line_share: float = 0.5,
                edge_share: float = 0.2) -> DigitReading | None:
    """The line printed as ``pattern`` nearest the middle of ``gray`` (a grayscale crop, dark
    figures on light paper, the line about level), read by the figures' shapes: ``pattern``
    has ``0`` for each figure and ``-`` for a hyphen (``00-00-0000``: a date) or ``/`` for a
    slash (``000/000``: an RT/RW), which is not read but takes its own advance. ``None``
    when no such line is found. ``digits`` are the
    figures only. The line is the rows with ``line_share`` of the inkiest row's ink: half
    suits blurred small figures; large crisp ones need less (a 7's bar holds half the ink).
    The line starts and ends at the columns with ``edge_share`` of the inkiest column's ink:
    the bar of a crisp 7 in front holds a tenth of it."""
    if gray.size == 0 or min(gray.shape[:2]) < 4:
        return None
    ink = _ink(gray)
    line = _middle_line(ink, line_share)
    if line is None:
        return None
    y0, y1 = line
    columns = ink[y0:y1].sum(axis=0)
    xs = np.flatnonzero(columns > edge_share * columns.max())
    height = y1 - y0
    if len(xs) == 0 or height < 4:
        return None
    x0, x1 = _without_leading_mark(ink[y0:y1], xs), int(xs[-1]) + 1
    ink = ink / (ink[y0:y1].max() or 1.0)
    # The face whose figures, side by side, are as wide for their height as the line.
    font = min(FONTS, key=lambda f: abs(_line_advance(f, pattern) - (x1 - x0) / height))
    _, figure_advance, mark_advances = _masters(font)
    starts, at = [], 0.0
    for mark in pattern:
        if mark == "0":
            starts.append(at)
        at += figure_advance if mark == "0" else mark_advances[mark]
    count = len(starts)
    # Each slot's figure may sit an enlarged pixel or three off the grid (rounding, slant).
    reach = np.ones((1, 2 * ENLARGE + 1), np.uint8)
    line = (x0, (x1 - x0) / at, (y0 + y1) / 2)

    def fit(sigma: float, factor: float) -> tuple[float, np.ndarray, np.ndarray, np.ndarray] | None:
        """The best advance's (total match, figures, slot scores sorted, runners-up) for one
        blur and height."""
        figures = _templates(font, round(height * factor), sigma * ENLARGE)
        tall, wide = figures[0].shape
        top = int(round(line[2] - tall / 2))
        if top < 0 or top + tall > ink.shape[0] or ink.shape[1] < wide:
            return None
        left = max(0, x0 - 2 * ENLARGE)
        strip = ink[top:top + tall, left:min(ink.shape[1], x1 + wide + 2 * ENLARGE)]
        if strip.shape[1] < wide:
            return None
        maps = np.stack([cv2.dilate(cv2.matchTemplate(strip, f, cv2.TM_CCOEFF_NORMED), reach)[0]
                         for f in figures])
        found = None
        for advance in ADVANCES:
            xs = np.round(line[0] - left + np.array(starts) * line[1] * advance).astype(int)
            xs = np.clip(xs, 0, maps.shape[1] - 1)
            scores = maps[:, xs]  # figure x slot
            total = float(scores.max(axis=0).sum())
            if found is None or total > found[0]:
                order = np.argsort(scores, axis=0)
                found = (total, scores.argmax(axis=0), np.take_along_axis(scores, order, axis=0), order[-2])
        return found

    # The blur first at the measured height, then the height at that blur.
    fits = {(sigma, factor): fit(sigma, factor) for sigma in SIGMAS for factor in HEIGHTS}
    known = {k: v for k, v in fits.items() if v is not None}
    if not known:
        return None
    best = max(known.values(), key=lambda f: f[0])
    digits = "".join(str(d) for d in best[1])
    return DigitReading(digits, best[0] / count, tuple(float(m) for m in best[2][-1] - best[2][-2]),
                        "".join(str(d) for d in best[3]))
