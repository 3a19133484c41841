"""Ruled tables on scanned pages: find the grid of cells with OpenCV morphology.

Table rules are long thin runs of dark pixels. Opening a binarised page with a long
horizontal and a long vertical kernel keeps only the rules; a table is a connected component
of them. Row and column rules are where the masks' projections over the table's box are
covered enough, which tolerates rules broken by blur or noise in phone photos.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np

Box = tuple[int, int, int, int]
"""``(x0, y0, x1, y1)`` in pixels of the image the grid was found in."""


@dataclass
class Row:
    """One row of cells, left to right."""

    cells: list[Box]


@dataclass
class Table:
    """A ruled table: its outline and its rows of cells, top to bottom."""

    box: Box
    rows: list[Row] = field(default_factory=list)
    rules: np.ndarray | None = None
    """Where the table's own rules are (boolean, the size of ``box``)."""


def rule_masks(gray: np.ndarray, page: tuple[int, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Binary masks (255 = rule) of the long horizontal and of the long vertical lines.

    ``page``: the ``(height, width)`` of the page ``gray`` is a band of (a rule is long for
    its page), else ``gray``'s own."""
    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 12)
    h, w = page or gray.shape[:2]
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN,
                                  cv2.getStructuringElement(cv2.MORPH_RECT, (max(30, w // 30), 1)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(
        cv2.MORPH_RECT, (1, max(15, h // 80))))
    # Close small breaks in rules (noise, JPEG) so that cells are enclosed.
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 9)))
    return horizontal, vertical


def find_tables(gray: np.ndarray, *, min_rows: int = 2, min_columns: int = 3,
                near: list[Box] | None = None) -> list[Table]:
    """Ruled tables of a grayscale page, top to bottom, each with rows of cells.

    A table is a connected component of rules at least a third of the page wide. Inside its
    box, a row rule is a row of the mask covered over at least 40% of the width, and a column
    rule a column covered over at least 30% of the height: that tolerates rules broken by
    blur or noise (phone photos), which tests for enclosed cells do not.

    ``near``: the table bodies ``table_bodies`` found; only the band of the page from a
    tenth of its height above the first to as much below the last is searched (the same
    tables, at about half the cost).
    """
    top, bottom = 0, gray.shape[0]
    if near:
        margin = max(40, gray.shape[0] // 10)
        top = max(0, min(b[1] for b in near) - margin)
        bottom = min(gray.shape[0], max(b[3] for b in near) + margin)
    band = gray[top:bottom]
    horizontal, vertical = rule_masks(band, gray.shape[:2])
    tables: list[Table] = []
    for x, y, bw, bh, own in _wide_components(horizontal, vertical, min_height=20):
        crop = band[y:y + bh, x:x + bw]
        ys = _even_rows(np.maximum(own.mean(axis=1), _dashes(crop).mean(axis=1)), _rules(own.mean(axis=1), 0.4))
        xs = _column_rules(vertical[y:y + bh, x:x + bw], crop)
        if len(ys) < min_rows + 1 or len(xs) < min_columns + 1:
            continue
        rows = [
            Row(cells=[(x + x0, top + y + y0, x + x1, top + y + y1) for x0, x1 in zip(xs, xs[1:])])
            for y0, y1 in zip(ys, ys[1:])
        ]
        rules = _rule_mask(own, horizontal[y:y + bh, x:x + bw] > 0, vertical[y:y + bh, x:x + bw] > 0, ys)
        rules[:, _column_rule_spans(crop, xs)] = True
        tables.append(Table(box=(x, top + y, x + bw, top + y + bh), rows=rows, rules=rules))
    tables.sort(key=lambda t: t.box[1])
    return tables


#: How far from a row rule (a share of the smallest row pitch) a horizontal run of ink may
#: lie and be part of that rule (a rule a little slanted or bent); farther, it is text.
RULE_REACH = 0.25


def _rule_mask(own: np.ndarray, horizontal: np.ndarray, vertical: np.ndarray, ys: list[int]) -> np.ndarray:
    """Where a table's rules are (boolean, its box): its vertical rules, and its horizontal
    runs that lie on a row rule ``ys``.

    Blurred small text binarises into solid bars (a phone photo's ``MENGURUS RUMAH TANGGA``
    a bar longer than the horizontal mask's kernel): painted white as a rule, the middle of
    the words was lost. Text sits between the row rules, so a run far from every one is text.
    """
    pitch = min((b - a for a, b in zip(ys, ys[1:], strict=False)), default=0)
    reach = max(3, int(RULE_REACH * pitch))
    on_rule = np.zeros(own.shape[0], dtype=bool)
    for y in ys:
        on_rule[max(0, y - reach):y + reach + 1] = True
    return (own & vertical) | ((own | horizontal) & on_rule[:, None])


def _wide_components(horizontal: np.ndarray, vertical: np.ndarray, *, min_height: float
                     ) -> Iterator[tuple[int, int, int, int, np.ndarray]]:
    """Connected components of rules at least a third of the page wide: ``x, y, w, h`` and
    the component's own mask over that box."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(cv2.bitwise_or(horizontal, vertical), connectivity=8)
    for label in range(1, count):
        x, y, bw, bh, _ = (int(v) for v in stats[label])
        if bw >= horizontal.shape[1] * 0.3 and bh >= min_height:
            yield x, y, bw, bh, labels[y:y + bh, x:x + bw] == label


def _column_rules(vertical: np.ndarray, crop: np.ndarray) -> list[int]:
    """Column rules of a table box: where its vertical rule mask or short upright dashes cover."""
    return _rules(np.maximum((vertical > 0).mean(axis=0), _dashes(crop, across=False).mean(axis=0)), 0.3)


#: A column of a table box is part of a column rule where at least this share of its pixels
#: is ink (a letter beside the rule covers far less of the table's height).
RULE_COLUMN_SHARE = 0.15


def _column_rule_spans(crop: np.ndarray, xs: list[int]) -> np.ndarray:
    """Which pixel columns of a table box its column rules ``xs`` cover (boolean, one per
    column), a pixel wider each side.

    A thin rule in a phone photo breaks into dashes that neither the rule masks nor their
    opening keep whole; left in the table, a dash reads as an ``I`` or a ``1`` before the
    cell's value (``IRAHMA``, ``109-06-1974``). The rule's pixel columns are those around
    each rule centre whose share of ink over the table's height passes ``RULE_COLUMN_SHARE``.
    """
    binary = cv2.adaptiveThreshold(crop, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 10)
    share = (binary > 0).mean(axis=0)
    spans = np.zeros(crop.shape[1], dtype=bool)
    reach = max(3, crop.shape[0] // 60)
    for x in xs:
        lo, hi = max(0, x - 2), min(len(share), x + 3)
        if lo >= hi or share[lo:hi].max() < RULE_COLUMN_SHARE:
            continue
        left = right = lo + int(share[lo:hi].argmax())
        while left > max(0, x - reach) and share[left - 1] >= RULE_COLUMN_SHARE:
            left -= 1
        while right < min(len(share) - 1, x + reach) and share[right + 1] >= RULE_COLUMN_SHARE:
            right += 1
        spans[max(0, left - 1):right + 2] = True
    return spans


def _dashes(gray: np.ndarray, *, across: bool = True) -> np.ndarray:
    """Where short runs of ink are (boolean): thin rules that broke into dashes.

    A phone photo breaks a thin rule into dashes shorter than the page-wide opening keeps,
    and slants it. A run of about two letters' width (across) or one letter's height
    (along, widened a little for the slant) still tells a rule, which covers most of its
    row or column, from text, whose letters rarely join or line up so far.
    """
    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 10)
    if across:
        length = max(12, gray.shape[1] // 120)
        return cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))) > 0
    length = max(10, gray.shape[0] // 40)
    runs = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    return cv2.dilate(runs, np.ones((1, 7), np.uint8)) > 0


def _even_rows(coverage: np.ndarray, ys: list[int]) -> list[int]:
    """Row rules ``ys`` completed with the faint ones of evenly spaced body rows.

    Body rows of a form table share one height. Between the header's rule (``ys[1]``) and the
    bottom rule, each count of rows predicts where its rules lie; the largest count whose
    predicted rules stand out most from the text lines it predicts halfway between them is
    taken, and its rules that were too faint to pass are added.
    """
    if len(ys) < 3:
        return ys
    top, bottom = ys[1], ys[-1]
    smooth = np.convolve(coverage, np.ones(3) / 3, mode="same")
    # The coverage near each position: the most within 3 px.
    near = np.lib.stride_tricks.sliding_window_view(np.pad(smooth, 3, constant_values=-np.inf), 7).max(axis=1)

    def covered(at: np.ndarray) -> np.ndarray:
        return near[np.clip(np.round(at).astype(int), 0, len(near) - 1)]

    scores: dict[int, float] = {}
    for count in range(2, 31):
        pitch = (bottom - top) / count
        if pitch < 8:
            break
        # The weaker rules count (a count twice too large puts every other rule on text).
        rules = np.percentile(covered(top + np.arange(1, count) * pitch), 25)
        lines = np.mean(covered(top + (np.arange(count) + 0.5) * pitch))
        scores[count] = float(rules - lines)
    if not scores or max(scores.values()) < 0.15:
        return ys
    count = max(scores, key=lambda c: scores[c])
    pitch = (bottom - top) / count
    added = [int(round(top + i * pitch)) for i in range(1, count)]
    return sorted(ys + [a for a in added if all(abs(a - y) > pitch / 3 for y in ys)])


def _rules(coverage: np.ndarray, threshold: float) -> list[int]:
    """Centres of the runs where ``coverage`` (a smoothed projection) passes ``threshold``.

    Two runs are one rule when the coverage between them stays above half the threshold: a
    slanted rule (a phone photo) spreads over several pixel rows at about the threshold and
    dips just under it here and there, which must not make it two rules with a sliver of a
    row between them (the header would then be taken for a body row).
    """
    smooth = np.convolve(coverage, np.ones(5) / 5, mode="same")
    above = np.flatnonzero(np.maximum(coverage, smooth) >= threshold)
    centres: list[int] = []
    run: list[int] = []
    for i in above:
        if run and i - run[-1] > 2 and coverage[run[-1] + 1:i].min() < threshold / 2:
            centres.append(int(round(sum(run) / len(run))))
            run = []
        run.append(int(i))
    if run:
        centres.append(int(round(sum(run) / len(run))))
    return centres


def table_bodies(gray: np.ndarray, *, min_rows: int = 2, min_columns: int = 5, width: int = 700) -> list[Box]:
    """The bodies (below the header row) of a page's ruled tables, found cheaply on a copy
    about ``width`` px wide.

    For the page reading to leave table bodies out: they are read on their own, cell by cell,
    and the header row stays in the page's text (its labels tell a KK). Only components of
    rules a third of the page wide, crossed by at least ``min_rows`` + 1 row rules and
    ``min_columns`` + 1 column rules (or their dashes), count. Shrunk to a quarter of a scan's
    width, this costs a tenth of ``find_tables``, which then finds the cells at full size.
    """
    h, w = gray.shape[:2]
    shrink = max(1, min(4, max(h, w) // width))
    small = cv2.resize(gray, (max(1, w // shrink), max(1, h // shrink)), interpolation=cv2.INTER_AREA)
    horizontal, vertical = rule_masks(small)
    bodies: list[Box] = []
    for x, y, bw, bh, own in _wide_components(horizontal, vertical, min_height=20 / shrink):
        rows = _rules(own.mean(axis=1), 0.4)
        columns = _column_rules(vertical[y:y + bh, x:x + bw], small[y:y + bh, x:x + bw])
        if len(rows) >= min_rows + 1 and len(columns) >= min_columns + 1:
            bodies.append(((x * shrink), (y + rows[1]) * shrink, min(w, (x + bw) * shrink), min(h, (y + bh) * shrink)))
    return sorted(bodies, key=lambda b: b[1])


#: Rules of a table less slanted than this (degrees) are taken as level: over a page width
#: of 2,800 px it moves a rule less than two pixels.
LEVEL_DEGREES = 0.04


def rule_skew(gray: np.ndarray) -> float:
    """The slant of a page's long horizontal rules in degrees (positive: falling to the right).

    The text-line estimate of ``preprocess.estimate_skew`` leaves a skew under 0.4 degrees
    alone, which Tesseract reads through; a ruled table's rules then cross several pixel rows
    each (a 3 px rule falls 18 px over a 2,600 px table), too few of any row for a rule to
    be found. Long rules give the angle far more precisely: the median of their own slopes,
    each a least-squares line through its pixels.
    """
    horizontal, _ = rule_masks(gray)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(horizontal, connectivity=8)
    slopes: list[float] = []
    for label in range(1, count):
        x, y, bw, bh, _ = (int(v) for v in stats[label])
        if bw < gray.shape[1] * 0.3 or bh > bw * 0.1:
            continue
        ys, xs = np.nonzero(labels[y:y + bh, x:x + bw] == label)
        slopes.append(float(np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)[0]))
    if not slopes:
        return 0.0
    return float(np.degrees(np.arctan(np.median(slopes))))


def levelled(gray: np.ndarray, degrees: float) -> np.ndarray:
    """``gray`` turned by ``degrees`` (``rule_skew``) so that its rules are level, on the same
    canvas, white fill."""
    from extractors.preprocess import rotate

    return rotate(gray, degrees, grow=False)
