"""Read PDFs: words with boxes from the text layer (pdfplumber), or a rendered page to OCR.

Digital PDFs never go through OCR. A page without a usable text layer is rasterised with
pypdfium2 (which pdfplumber brings) at ``PDF_DPI`` and handed to OCR. Coordinates of both
kinds of page are in pixels at ``PDF_DPI`` so boxes mean the same thing either way.
"""

from __future__ import annotations

import io

import numpy as np

from extractors.pages import PDF_DPI, PageInput
from models.domain import Limits, Page, Word

#: A page with fewer real characters than this in its text layer is treated as a scan.
MIN_TEXT_CHARS = 20


def pdf_pages(data: bytes, *, limits: Limits | None = None, dpi: int = PDF_DPI) -> list[PageInput]:
    """Return one ``PageInput`` per PDF page: text-layer words, or an image to OCR."""
    import pdfplumber

    limits = limits or Limits()
    pages: list[PageInput] = []
    scale = dpi / 72.0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index, page in enumerate(pdf.pages[: limits.max_pages]):
            width, height = round(float(page.width) * scale), round(float(page.height) * scale)
            words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
            text_chars = sum(len(w["text"].strip()) for w in words)
            if text_chars >= MIN_TEXT_CHARS:
                pages.append(
                    PageInput(
                        number=index + 1,
                        text_page=page_from_pdf_words(words, index + 1, width, height, scale),
                        dpi=dpi,
                    )
                )
            else:
                pages.append(PageInput(number=index + 1, image=None, dpi=dpi))
    missing = [p.number for p in pages if p.text_page is None]
    if missing:
        for page_input, image in zip(
            (p for p in pages if p.text_page is None),
            render_pages(data, missing, dpi=dpi, max_pixels=limits.max_pixels),
            strict=True,
        ):
            page_input.image = image
    return pages


def page_from_pdf_words(
    words: list[dict], number: int, width: int, height: int, scale: float
) -> Page:
    """Build a ``Page`` from pdfplumber words, grouping them into lines by their baselines."""
    out: list[Word] = []
    line = -1
    line_top: float | None = None
    line_height = 0.0
    for w in sorted(words, key=lambda w: float(w["top"])):
        top, bottom = float(w["top"]), float(w["bottom"])
        if line_top is None or abs(top - line_top) > max(2.0, 0.5 * line_height):
            line += 1
            line_top, line_height = top, bottom - top
        out.append(
            Word(
                text=w["text"],
                confidence=1.0,
                bbox=(float(w["x0"]) * scale, top * scale, float(w["x1"]) * scale, bottom * scale),
                line=line,
            )
        )
    out.sort(key=lambda w: (w.line, w.bbox[0]))
    lines: dict[int, list[str]] = {}
    for w in out:
        lines.setdefault(w.line, []).append(w.text)
    text = "\n".join(" ".join(v) for _, v in sorted(lines.items()))
    return Page(number=number, width=width, height=height, text=text, words=out, source="pdf_text")


def render_pages(
    data: bytes, numbers: list[int], *, dpi: int = PDF_DPI, max_pixels: int = 60_000_000
) -> list[np.ndarray]:
    """Render the given 1-based pages to grayscale arrays, scaled down to stay under ``max_pixels``."""
    import pypdfium2 as pdfium

    images: list[np.ndarray] = []
    pdf = pdfium.PdfDocument(data)
    try:
        for number in numbers:
            page = pdf[number - 1]
            try:
                width_pt, height_pt = page.get_size()
                scale = dpi / 72.0
                pixels = width_pt * height_pt * scale * scale
                if pixels > max_pixels:
                    scale *= (max_pixels / pixels) ** 0.5
                bitmap = page.render(scale=scale, grayscale=True)
                array = bitmap.to_numpy()
                if array.ndim == 3:
                    array = array[:, :, 0] if array.shape[2] == 1 else array.mean(axis=2)
                images.append(np.ascontiguousarray(array, dtype=np.uint8))
                bitmap.close()
            finally:
                page.close()
    finally:
        pdf.close()
    return images
