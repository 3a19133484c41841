"""The one wrapper around the ``tesseract`` program: images in, ``models.Page`` words out.

Tesseract runs as a subprocess with TSV output (one call per page), ``OMP_THREAD_LIMIT=1``
so that two pages can run on two cores without fighting over threads. A crash or a timeout
becomes ``OCRError``; the caller degrades that page only.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

import cv2
import numpy as np

from models.domain import Page, Word
from models.errors import ConfigurationError, OCRError

DEFAULT_LANG = "ind"
DEFAULT_PSM = 6
DEFAULT_TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True)
class Orientation:
    """What Tesseract's orientation detection (``--psm 0``) says about a page."""

    rotate: int
    """Degrees clockwise to rotate the image so that text is upright (0, 90, 180, 270)."""
    confidence: float
    """Tesseract's orientation confidence (unbounded; above ~2 is reliable)."""


def _binary() -> str:
    path = shutil.which("tesseract")
    if path is None:
        raise ConfigurationError(
            "the tesseract program is not installed; install Debian's tesseract-ocr and "
            "tesseract-ocr-ind packages"
        )
    return path


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


@functools.cache
def tesseract_version() -> str:
    """Return the Tesseract version string, e.g. ``5.3.0`` (for provenance)."""
    out = subprocess.run(
        [_binary(), "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    first = (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else ""
    match = re.search(r"(\d+\.\d+(?:\.\d+)?)", first)
    return match.group(1) if match else first.strip()


def encode_image(image: np.ndarray) -> bytes:
    """Encode an image as uncompressed PNM (cheapest for Tesseract to read from stdin)."""
    ext = ".pgm" if image.ndim == 2 else ".ppm"
    ok, buf = cv2.imencode(ext, image)
    if not ok:
        raise OCRError("could not encode the page image for Tesseract")
    return buf.tobytes()


def run_tesseract(
    image: np.ndarray,
    args: list[str],
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> str:
    """Run ``tesseract stdin stdout <args>`` on ``image`` and return its standard output."""
    command = [_binary(), "stdin", "stdout", *args]
    try:
        done = subprocess.run(
            command,
            input=encode_image(image),
            capture_output=True,
            timeout=timeout,
            env=_environment(),
            check=False,
        )
    except subprocess.TimeoutExpired as e:
        raise OCRError(f"tesseract timed out after {timeout:.0f} s on a page") from e
    except OSError as e:
        raise OCRError(f"tesseract could not start: {e}") from e
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OCRError(f"tesseract failed (exit {done.returncode}): {message[-1:] or ''}")
    return done.stdout.decode("utf-8", "replace")


def ocr_page(
    image: np.ndarray,
    number: int = 1,
    *,
    lang: str = DEFAULT_LANG,
    psm: int = DEFAULT_PSM,
    dpi: int | None = 300,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    whitelist: str | None = None,
) -> Page:
    """OCR one page image with one Tesseract call; return its words, boxes and lines."""
    args = ["-l", lang, "--psm", str(psm), "-c", "preserve_interword_spaces=1"]
    if whitelist:
        args += ["-c", f"tessedit_char_whitelist={whitelist}"]
    if dpi:
        args += ["--dpi", str(dpi)]
    tsv = run_tesseract(image, [*args, "tsv"], timeout=timeout)
    height, width = image.shape[:2]
    return page_from_tsv(tsv, number=number, width=width, height=height)


def page_from_tsv(tsv: str, *, number: int, width: int, height: int) -> Page:
    """Turn Tesseract TSV output into a ``Page`` (word level rows only, lines numbered)."""
    words: list[Word] = []
    line_ids: dict[tuple[str, str, str], int] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        key = (cols[2], cols[3], cols[4])
        line = line_ids.setdefault(key, len(line_ids))
        left, top, w, h = (float(c) for c in cols[6:10])
        conf = max(0.0, min(1.0, float(cols[10]) / 100.0))
        words.append(Word(text=text, confidence=conf, bbox=(left, top, left + w, top + h), line=line))
    return Page(
        number=number,
        width=width,
        height=height,
        text=text_of(words),
        words=words,
        source="ocr",
    )


def text_of(words: list[Word]) -> str:
    """Join words into text, one line of output per ``Word.line``."""
    lines: dict[int, list[str]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word.text)
    return "\n".join(" ".join(ws) for _, ws in sorted(lines.items()))


def detect_orientation(image: np.ndarray, *, timeout: float = 30.0) -> Orientation:
    """Ask Tesseract's OSD (``--psm 0``) how far to rotate ``image`` so that text is upright."""
    try:
        out = run_tesseract(image, ["--psm", "0", "-l", "osd"], timeout=timeout)
    except OCRError:
        return Orientation(rotate=0, confidence=0.0)
    rotate = re.search(r"Rotate:\s*(\d+)", out)
    conf = re.search(r"Orientation confidence:\s*([\d.]+)", out)
    return Orientation(
        rotate=int(rotate.group(1)) if rotate else 0,
        confidence=float(conf.group(1)) if conf else 0.0,
    )


def plain_text(image: np.ndarray, *, lang: str = DEFAULT_LANG, psm: int = 3) -> str:
    """Plain ``tesseract -l ind`` text output, as the bare command gives it (for benchmarks)."""
    return run_tesseract(image, ["-l", lang, "--psm", str(psm)])
