"""A tiny drawing model (a ``Sheet`` of ops in millimetres) and its two backends.

Layouts describe a document once; ``rasterize`` draws it with Pillow at any DPI and
``to_pdf`` draws the same ops with reportlab, so a digital PDF carries a real text layer
placed exactly where the scan shows the text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_DIR = Path(__file__).resolve().parent / "fonts"
MM_PER_INCH = 25.4
PT_PER_INCH = 72.0

#: font key -> file in ``sample_docs/fonts`` (Liberation fonts, licence beside them)
FONT_FILES: dict[str, str] = {
    "sans": "LiberationSans-Regular.ttf",
    "sans-bold": "LiberationSans-Bold.ttf",
    "serif": "LiberationSerif-Regular.ttf",
    "serif-bold": "LiberationSerif-Bold.ttf",
    "mono": "LiberationMono-Regular.ttf",
    "mono-bold": "LiberationMono-Bold.ttf",
    "narrow": "LiberationSansNarrow-Regular.ttf",
    "narrow-bold": "LiberationSansNarrow-Bold.ttf",
}

RGB = tuple[int, int, int]
BLACK: RGB = (0, 0, 0)
WHITE: RGB = (255, 255, 255)


@dataclass(frozen=True)
class Text:
    """A line of text at baseline ``y``; ``anchor`` ``l``/``m``/``r`` = left/centre/right."""

    x: float
    y: float
    text: str
    font: str = "sans"
    size: float = 11.0
    fill: RGB = BLACK
    anchor: str = "l"


@dataclass(frozen=True)
class Rect:
    """A rectangle, optionally rounded, filled and/or outlined."""

    x0: float
    y0: float
    x1: float
    y1: float
    fill: RGB | None = None
    outline: RGB | None = None
    width: float = 0.25
    radius: float = 0.0


@dataclass(frozen=True)
class Polyline:
    """An open line through points (mm)."""

    points: tuple[tuple[float, float], ...]
    fill: RGB = BLACK
    width: float = 0.25


@dataclass(frozen=True)
class Polygon:
    """A filled closed shape."""

    points: tuple[tuple[float, float], ...]
    fill: RGB = BLACK


@dataclass(frozen=True)
class Ellipse:
    """A filled ellipse inside the box."""

    x0: float
    y0: float
    x1: float
    y1: float
    fill: RGB = BLACK


Op = Text | Rect | Polyline | Polygon | Ellipse


@dataclass
class Sheet:
    """One page: size in millimetres, paper colour and the ops drawn on it, in order."""

    width: float
    height: float
    ops: list[Op] = field(default_factory=list)
    paper: RGB = WHITE

    def add(self, *ops: Op) -> None:
        """Append ops to draw."""
        self.ops.extend(ops)


@lru_cache(maxsize=256)
def pil_font(key: str, pixel_size: int) -> ImageFont.FreeTypeFont:
    """The Pillow font for ``key`` at ``pixel_size`` pixels."""
    return ImageFont.truetype(str(FONT_DIR / FONT_FILES[key]), max(1, pixel_size))


def text_width_mm(text: str, font: str, size: float) -> float:
    """Advance width of ``text`` in millimetres at ``size`` points (same metrics both backends)."""
    return pil_font(font, 1000).getlength(text) / 1000 * size / PT_PER_INCH * MM_PER_INCH


def fit_size(text: str, font: str, size: float, max_width: float, min_size: float = 4.0) -> float:
    """The largest size <= ``size`` at which ``text`` fits in ``max_width`` mm."""
    width = text_width_mm(text, font, size)
    if width <= max_width:
        return size
    return max(min_size, size * max_width / width)


def rasterize(sheet: Sheet, dpi: int = 300) -> Image.Image:
    """Draw ``sheet`` as an RGB Pillow image at ``dpi``."""
    scale = dpi / MM_PER_INCH

    def px(v: float) -> float:
        return v * scale

    size = (round(px(sheet.width)), round(px(sheet.height)))
    image = Image.new("RGB", size, sheet.paper)
    draw = ImageDraw.Draw(image)
    for op in sheet.ops:
        if isinstance(op, Text):
            font = pil_font(op.font, round(op.size / PT_PER_INCH * dpi))
            draw.text(
                (px(op.x), px(op.y)), op.text, font=font, fill=op.fill, anchor=op.anchor + "s"
            )
        elif isinstance(op, Rect):
            box = (px(op.x0), px(op.y0), px(op.x1), px(op.y1))
            width = max(1, round(px(op.width))) if op.outline else 0
            if op.radius:
                draw.rounded_rectangle(
                    box, radius=px(op.radius), fill=op.fill, outline=op.outline, width=width
                )
            else:
                draw.rectangle(box, fill=op.fill, outline=op.outline, width=width)
        elif isinstance(op, Polyline):
            draw.line(
                [(px(x), px(y)) for x, y in op.points],
                fill=op.fill,
                width=max(1, round(px(op.width))),
                joint="curve",
            )
        elif isinstance(op, Polygon):
            draw.polygon([(px(x), px(y)) for x, y in op.points], fill=op.fill)
        elif isinstance(op, Ellipse):
            draw.ellipse((px(op.x0), px(op.y0), px(op.x1), px(op.y1)), fill=op.fill)
    return image


def _register_fonts() -> None:
    for key, filename in FONT_FILES.items():
        name = "intake-" + key
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))


def _color(c: canvas.Canvas, rgb: RGB, *, stroke: bool) -> None:
    r, g, b = (v / 255 for v in rgb)
    if stroke:
        c.setStrokeColorRGB(r, g, b)
    else:
        c.setFillColorRGB(r, g, b)


def _draw_ops(c: canvas.Canvas, sheet: Sheet) -> None:
    mm = PT_PER_INCH / MM_PER_INCH
    height = sheet.height

    def pt(x: float, y: float) -> tuple[float, float]:
        return x * mm, (height - y) * mm

    _color(c, sheet.paper, stroke=False)
    c.rect(0, 0, sheet.width * mm, sheet.height * mm, stroke=0, fill=1)
    for op in sheet.ops:
        if isinstance(op, Text):
            _color(c, op.fill, stroke=False)
            c.setFont("intake-" + op.font, op.size)
            x, y = pt(op.x, op.y)
            draw = {"l": c.drawString, "m": c.drawCentredString, "r": c.drawRightString}
            draw[op.anchor](x, y, op.text)
        elif isinstance(op, Rect):
            if op.fill:
                _color(c, op.fill, stroke=False)
            if op.outline:
                _color(c, op.outline, stroke=True)
                c.setLineWidth(op.width * mm)
            x0, y1 = pt(op.x0, op.y1)
            w, h = (op.x1 - op.x0) * mm, (op.y1 - op.y0) * mm
            fill, stroke = int(op.fill is not None), int(op.outline is not None)
            if op.radius:
                c.roundRect(x0, y1, w, h, op.radius * mm, stroke=stroke, fill=fill)
            else:
                c.rect(x0, y1, w, h, stroke=stroke, fill=fill)
        elif isinstance(op, Polyline | Polygon):
            path = c.beginPath()
            first, *rest = op.points
            path.moveTo(*pt(*first))
            for point in rest:
                path.lineTo(*pt(*point))
            if isinstance(op, Polygon):
                path.close()
                _color(c, op.fill, stroke=False)
                c.drawPath(path, stroke=0, fill=1)
            else:
                _color(c, op.fill, stroke=True)
                c.setLineWidth(op.width * mm)
                c.setLineJoin(1)
                c.drawPath(path, stroke=1, fill=0)
        elif isinstance(op, Ellipse):
            _color(c, op.fill, stroke=False)
            x0, y1 = pt(op.x0, op.y1)
            x1, y0 = pt(op.x1, op.y0)
            c.ellipse(x0, y1, x1, y0, stroke=0, fill=1)


def to_pdf(sheets: Sequence[Sheet], title: str = "") -> bytes:
    """A digital PDF with a real text layer, one page per sheet; byte-identical per input."""
    _register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("intake sample generator")
    c.setCreator("intake")
    c.setProducer("intake")
    mm = PT_PER_INCH / MM_PER_INCH
    for sheet in sheets:
        c.setPageSize((sheet.width * mm, sheet.height * mm))
        _draw_ops(c, sheet)
        c.showPage()
    c.save()
    return buf.getvalue()


def images_to_pdf(pages: Sequence[tuple[bytes, int, int, float]], title: str = "") -> bytes:
    """A scanned PDF (no text layer): each page is (image bytes, px width, px height, dpi)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("intake sample generator")
    c.setCreator("intake")
    c.setProducer("intake")
    for data, width_px, height_px, dpi in pages:
        w, h = width_px / dpi * PT_PER_INCH, height_px / dpi * PT_PER_INCH
        c.setPageSize((w, h))
        c.drawImage(ImageReader(io.BytesIO(data)), 0, 0, width=w, height=h)
        c.showPage()
    c.save()
    return buf.getvalue()
