"""Turn accepted file bytes into pages: images to read with OCR, or text a PDF already holds.

JPEG/PNG/TIFF decode with PIL (every TIFF frame is a page; EXIF orientation is honoured);
PDFs go through ``extractors.pdf_text``.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from models.domain import Limits, Page

#: Pixels per inch assumed for a PDF page's coordinates and its rendering.
PDF_DPI = 300


@dataclass
class PageInput:
    """One page before text reading: an image to OCR, or a page whose text is already known."""

    number: int
    """1-based page number within the document."""
    image: np.ndarray | None = None
    """Grayscale or BGR image to OCR; ``None`` when ``text_page`` is set."""
    text_page: Page | None = None
    """Words read from a PDF text layer (``source='pdf_text'``); no OCR needed."""
    dpi: float | None = None
    """Resolution the image was scanned or rendered at, when known."""


def load_pages(data: bytes, media_type: str, limits: Limits | None = None) -> list[PageInput]:
    """Decode the pages of an already sniffed file into ``PageInput`` objects."""
    limits = limits or Limits()
    if media_type == "application/pdf":
        from extractors.pdf_text import pdf_pages

        return pdf_pages(data, limits=limits)
    return image_pages(data, limits)


def image_pages(data: bytes, limits: Limits) -> list[PageInput]:
    """Decode a JPEG, PNG or (multi-page) TIFF into grayscale page images, EXIF-upright."""
    pages: list[PageInput] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as image:
            frames = getattr(image, "n_frames", 1)
            for index in range(min(frames, limits.max_pages)):
                image.seek(index)
                dpi = _dpi_of(image)
                frame = ImageOps.exif_transpose(image)  # a copy of the frame, turned upright
                pages.append(PageInput(number=index + 1, image=to_gray(frame), dpi=dpi))
    return pages


def _dpi_of(image: Image.Image) -> float | None:
    dpi = image.info.get("dpi")
    if isinstance(dpi, tuple) and dpi and float(dpi[0]) > 30:
        return float(dpi[0])
    return None


def to_gray(image: Image.Image) -> np.ndarray:
    """Convert any PIL image (palette, alpha, 16-bit, CMYK) to an 8-bit grayscale array."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        array = np.asarray(image, dtype=np.float64)
        peak = array.max() or 1.0
        return (array * (255.0 / peak)).astype(np.uint8)
    return np.asarray(image if image.mode == "L" else image.convert("L"), dtype=np.uint8)
