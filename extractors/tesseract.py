"""The one wrapper around Tesseract: images in, ``models.Page`` words out.

Two engines give the same words, from the same Debian library (``libtesseract.so.5``, which
the ``tesseract`` program itself uses):

- ``api`` (default when the library loads and the ``ind`` model is found): Tesseract in this
  process through its C API (``ctypes``, which lets other threads run meanwhile). Each API
  object loads the model once and is reused for later pages and crops (a pool lends one to
  each thread that reads), so a page costs only its recognition, not a process start and a
  model load (about 0.15-0.3 s a call).
- ``cli``: the ``tesseract`` program as a subprocess, one call per page or crop. Used when the
  library is missing or ``INTAKE_OCR_ENGINE=cli``.

Both run with ``OMP_THREAD_LIMIT=1`` so that two pages can run on two cores without fighting
over threads. A failure or a timeout becomes ``OCRError``; the caller degrades that page only.
"""

from __future__ import annotations

import atexit
import ctypes
import functools
import logging
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from models.domain import Page, Word
from models.errors import ConfigurationError, OCRError

DEFAULT_LANG = "ind"
DEFAULT_PSM = 6
DEFAULT_TIMEOUT_SECONDS = 120.0
#: Where Debian's ``tesseract-ocr-*`` packages put the models (``TESSDATA_PREFIX`` wins).
TESSDATA_DIRS: tuple[str, ...] = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
)

log = logging.getLogger(__name__)


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


def tessdata_dir(lang: str = DEFAULT_LANG) -> str | None:
    """The folder holding ``<lang>.traineddata`` (``TESSDATA_PREFIX`` first), or ``None``."""
    candidates = [os.environ["TESSDATA_PREFIX"]] if os.environ.get("TESSDATA_PREFIX") else []
    for folder in [*candidates, *TESSDATA_DIRS]:
        if (Path(folder) / f"{lang}.traineddata").is_file():
            return folder
    return None


#: The shared library of Debian's ``libtesseract5`` (the ``tesseract`` program's own).
LIBRARY_NAMES: tuple[str, ...] = ("libtesseract.so.5", "libtesseract.so")


@functools.cache
def _library() -> ctypes.CDLL | None:
    """Debian's libtesseract with its C API typed, or ``None`` (missing, or ``cli`` asked for)."""
    if os.environ.get("INTAKE_OCR_ENGINE", "").strip().lower() == "cli":
        return None
    # One thread per recognition, as the subprocess gets; OpenMP reads this when it loads.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    lib = None
    for name in LIBRARY_NAMES:
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError:
            continue
    if lib is None:
        log.info("libtesseract not found; running the tesseract program per page")
        return None
    handle, text, c_int, c_char_p = ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
    signatures: dict[str, tuple[Any, list[Any]]] = {
        "TessVersion": (c_char_p, []),
        "TessBaseAPICreate": (handle, []),
        "TessBaseAPIDelete": (None, [handle]),
        "TessBaseAPIInit3": (c_int, [handle, c_char_p, c_char_p]),
        "TessBaseAPISetVariable": (c_int, [handle, c_char_p, c_char_p]),
        "TessBaseAPISetPageSegMode": (None, [handle, c_int]),
        "TessBaseAPISetImage": (None, [handle, ctypes.c_void_p, c_int, c_int, c_int, c_int]),
        "TessBaseAPISetSourceResolution": (None, [handle, c_int]),
        "TessBaseAPIRecognize": (c_int, [handle, handle]),
        "TessBaseAPIGetTsvText": (text, [handle, c_int]),
        "TessBaseAPIDetectOrientationScript": (
            c_int, [handle, ctypes.POINTER(c_int), ctypes.POINTER(ctypes.c_float),
                    ctypes.POINTER(c_char_p), ctypes.POINTER(ctypes.c_float)]),
        "TessBaseAPIClear": (None, [handle]),
        "TessDeleteText": (None, [text]),
        "TessMonitorCreate": (handle, []),
        "TessMonitorDelete": (None, [handle]),
        "TessMonitorSetDeadlineMSecs": (None, [handle, c_int]),
    }
    try:
        for name, (restype, argtypes) in signatures.items():
            function = getattr(lib, name)
            function.restype, function.argtypes = restype, argtypes
    except AttributeError as e:
        log.info("libtesseract lacks %s; running the tesseract program per page", e)
        return None
    return lib


def engine() -> str:
    """``api`` (Tesseract in this process, C API) or ``cli`` (one subprocess per call)."""
    return "api" if _library() is not None and tessdata_dir() is not None else "cli"


class _Api:
    """One loaded Tesseract (``TessBaseAPI``) for one language."""

    def __init__(self, lib: ctypes.CDLL, folder: str, lang: str) -> None:
        self.lib = lib
        self.handle = lib.TessBaseAPICreate()
        if lib.TessBaseAPIInit3(self.handle, folder.encode(), lang.encode()) != 0:
            lib.TessBaseAPIDelete(self.handle)
            raise OCRError(f"tesseract could not load {lang} from {folder}")
        self.set("preserve_interword_spaces", "1")
        # Every line is otherwise also tried as white-on-black text; documents print dark on
        # light, and the try costs about a tenth of the reading.
        self.set("tessedit_do_invert", "0")
        # Warnings and debug lines the program prints to its own stderr: not into ours.
        self.set("debug_file", os.devnull)

    def set(self, name: str, value: str) -> None:
        """Set a Tesseract parameter, as ``-c name=value`` does."""
        self.lib.TessBaseAPISetVariable(self.handle, name.encode(), value.encode())

    def set_image(self, image: np.ndarray, dpi: int | None) -> None:
        """Give Tesseract an 8-bit grey copy of ``image`` (and its resolution, when known)."""
        gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        gray = np.ascontiguousarray(gray, dtype=np.uint8)
        height, width = gray.shape
        # Tesseract copies the pixels it is given: no bytes copy of our own first.
        self.lib.TessBaseAPISetImage(self.handle, gray.ctypes.data, width, height, 1, gray.strides[0])
        if dpi:
            self.lib.TessBaseAPISetSourceResolution(self.handle, dpi)

    def tsv(self, timeout: float) -> str:
        """Recognise the image set (giving up after ``timeout`` seconds); its TSV rows."""
        monitor = self.lib.TessMonitorCreate()
        try:
            self.lib.TessMonitorSetDeadlineMSecs(monitor, max(1, int(timeout * 1000)))
            if self.lib.TessBaseAPIRecognize(self.handle, monitor) != 0:
                raise OCRError(f"tesseract gave up on a page (failure or timeout of {timeout:g} s)")
        finally:
            self.lib.TessMonitorDelete(monitor)
        pointer = self.lib.TessBaseAPIGetTsvText(self.handle, 0)
        if not pointer:
            return ""
        try:
            return ctypes.string_at(pointer).decode("utf-8", "replace")
        finally:
            self.lib.TessDeleteText(pointer)

    def close(self) -> None:
        """Free the model and everything else (``TessBaseAPIDelete`` ends the API too)."""
        self.lib.TessBaseAPIDelete(self.handle)


class _ApiPool:
    """Idle loaded Tesseracts per language, lent one per concurrent reader.

    Loading a model costs about 0.1-0.2 s and some 20 MB; one is kept after use (up to
    ``keep`` per language) so threads that come and go still find a loaded one.
    """

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.idle: dict[str, list[_Api]] = {}
        self.lock = threading.Lock()

    @contextmanager
    def borrow(self, lang: str) -> Iterator[_Api]:
        """A loaded Tesseract for ``lang``, all to the caller until the block ends."""
        lib = _library()
        folder = tessdata_dir(lang)
        if lib is None or folder is None:
            raise OCRError(f"no Tesseract library or no {lang}.traineddata")
        with self.lock:
            idle = self.idle.get(lang)
            api = idle.pop() if idle else None
        if api is None:
            api = _Api(lib, folder, lang)
        try:
            yield api
        finally:
            lib.TessBaseAPIClear(api.handle)
            with self.lock:
                idle = self.idle.setdefault(lang, [])
                kept = len(idle) < self.keep
                if kept:
                    idle.append(api)
            if not kept:
                api.close()


    def close(self) -> None:
        """Free every idle Tesseract (at exit: the library complains about models left loaded)."""
        with self.lock:
            apis = [api for idle in self.idle.values() for api in idle]
            self.idle.clear()
        for api in apis:
            api.close()


_POOL = _ApiPool(keep=max(2, 2 * (os.cpu_count() or 1)))
atexit.register(_POOL.close)


def _api_tsv(image: np.ndarray, *, lang: str, psm: int, dpi: int | None, timeout: float,
             whitelist: str | None) -> str:
    """TSV words of ``image`` from a pooled in-process Tesseract (the ``tsv`` output's rows)."""
    with _POOL.borrow(lang) as api:
        api.lib.TessBaseAPISetPageSegMode(api.handle, psm)
        if whitelist:
            api.set("tessedit_char_whitelist", whitelist)
        try:
            api.set_image(image, dpi)
            return api.tsv(timeout)
        finally:
            if whitelist:
                api.set("tessedit_char_whitelist", "")


@functools.cache
def tesseract_version() -> str:
    """Return the Tesseract version string, e.g. ``5.3.0`` (for provenance)."""
    lib = _library()
    if lib is not None and engine() == "api":
        return lib.TessVersion().decode("ascii", "replace")
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
    height, width = image.shape[:2]
    if engine() == "api":
        tsv = _api_tsv(image, lang=lang, psm=psm, dpi=dpi, timeout=timeout, whitelist=whitelist)
        return page_from_tsv(tsv, number=number, width=width, height=height)
    args = ["-l", lang, "--psm", str(psm), "-c", "preserve_interword_spaces=1", "-c", "tessedit_do_invert=0"]
    if whitelist:
        args += ["-c", f"tessedit_char_whitelist={whitelist}"]
    if dpi:
        args += ["--dpi", str(dpi)]
    tsv = run_tesseract(image, [*args, "tsv"], timeout=timeout)
    return page_from_tsv(tsv, number=number, width=width, height=height)


def page_from_tsv(tsv: str, *, number: int, width: int, height: int) -> Page:
    """Turn Tesseract TSV output into a ``Page`` (word level rows only, lines numbered)."""
    words: list[Word] = []
    line_ids: dict[tuple[str, str, str], int] = {}
    for row in tsv.splitlines():
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
    if engine() == "api" and tessdata_dir("osd") is not None:
        degrees, confidence = ctypes.c_int(0), ctypes.c_float(0.0)
        script, script_confidence = ctypes.c_char_p(), ctypes.c_float(0.0)
        try:
            with _POOL.borrow("osd") as api:
                api.set_image(image, None)
                found = api.lib.TessBaseAPIDetectOrientationScript(
                    api.handle, ctypes.byref(degrees), ctypes.byref(confidence),
                    ctypes.byref(script), ctypes.byref(script_confidence))
        except OCRError:
            found = 0
        if not found:
            return Orientation(rotate=0, confidence=0.0)
        # The library says how far the image is turned; the program's "Rotate" is the way back.
        return Orientation(rotate=(360 - degrees.value) % 360, confidence=round(confidence.value, 2))
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
