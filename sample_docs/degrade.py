"""Renderings: turn a clean 300-DPI page image into the file a counter would upload.

Each function takes the clean image and a seeded ``random.Random`` and returns a
``Raster`` (encoded bytes plus what the ground truth needs to know). Same inputs, same bytes.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageFilter

SOURCE_DPI = 300


@dataclass(frozen=True)
class Raster:
    """An encoded page image."""

    data: bytes
    ext: str
    media_type: str
    width: int
    height: int
    dpi: int | None


def _np_rng(rng: random.Random) -> np.random.Generator:
    return np.random.default_rng(rng.getrandbits(64))


def _encode(image: Image.Image, fmt: str, dpi: int | None, quality: int = 85) -> Raster:
    buf = io.BytesIO()
    kwargs: dict[str, object] = {}
    if dpi:
        kwargs["dpi"] = (dpi, dpi)
    if fmt == "JPEG":
        image.save(buf, "JPEG", quality=quality, optimize=False, progressive=False, **kwargs)
        ext, media = "jpg", "image/jpeg"
    else:
        image.save(buf, "PNG", compress_level=6, **kwargs)
        ext, media = "png", "image/png"
    return Raster(buf.getvalue(), ext, media, image.width, image.height, dpi)


def _add_noise(image: Image.Image, nprng: np.random.Generator, sigma: float) -> Image.Image:
    arr = np.asarray(image, dtype=np.float32)
    arr = arr + nprng.normal(0.0, sigma, arr.shape).astype(np.float32)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), image.mode)


def _scan_mode(image: Image.Image, colour: bool) -> Image.Image:
    return image if colour else image.convert("L")


def clean(image: Image.Image, rng: random.Random, colour: bool = False) -> Raster:
    """A straight 300-DPI scan, lossless PNG (grayscale unless ``colour``)."""
    return _encode(_scan_mode(image, colour), "PNG", SOURCE_DPI)


def noisy(image: Image.Image, rng: random.Random, colour: bool = False) -> Raster:
    """A poor flatbed scan: skew up to 3 degrees, 150-300 DPI, blur, noise, JPEG q40-70."""
    nprng = _np_rng(rng)
    image = _scan_mode(image, colour)
    fill = 255 if image.mode == "L" else (255, 255, 255)
    angle = rng.uniform(-3.0, 3.0)
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill)
    dpi = rng.choice((150, 200, 240, 300))
    if dpi != SOURCE_DPI:
        size = (round(image.width * dpi / SOURCE_DPI), round(image.height * dpi / SOURCE_DPI))
        image = image.resize(size, Image.Resampling.LANCZOS)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.9) * dpi / SOURCE_DPI))
    image = _add_noise(image, nprng, rng.uniform(3.0, 7.0))
    return _encode(image, "JPEG", dpi, quality=rng.randint(40, 70))


def low_contrast(image: Image.Image, rng: random.Random, colour: bool = False) -> Raster:
    """A faded photocopy: gray ink on gray paper, slightly soft, JPEG at 300 DPI."""
    gray = np.asarray(image.convert("L"), dtype=np.float32)
    low, high = rng.uniform(95.0, 125.0), rng.uniform(195.0, 225.0)
    faded = low + (high - low) * gray / 255.0
    out = Image.fromarray(faded.astype(np.uint8), "L").filter(ImageFilter.GaussianBlur(0.6))
    return _encode(out, "JPEG", SOURCE_DPI, quality=rng.randint(55, 70))


def _texture(nprng: np.random.Generator, width: int, height: int, rng: random.Random) -> np.ndarray:
    """A table-top: a base colour, low-frequency blotches, grain stripes and fine noise."""
    base = np.array(
        rng.choice(((120, 84, 52), (92, 92, 96), (150, 128, 100), (45, 55, 70), (170, 160, 150))),
        dtype=np.float32,
    )
    blotch = nprng.normal(0, 1, (max(2, height // 80), max(2, width // 80))).astype(np.float32)
    blotch = cv2.resize(blotch, (width, height), interpolation=cv2.INTER_CUBIC)
    ys = np.arange(height, dtype=np.float32)[:, None]
    xs = np.arange(width, dtype=np.float32)[None, :]
    grain = np.sin((ys * 0.9 + xs * 0.05 + 8 * blotch) / rng.uniform(3.0, 7.0))
    shade = 1.0 + 0.08 * blotch + 0.05 * grain
    tex = base[None, None, :] * shade[:, :, None]
    tex += nprng.normal(0, 4, tex.shape).astype(np.float32)
    return tex


def phone(image: Image.Image, rng: random.Random, colour: bool = True) -> Raster:
    """A phone photo: the page on a table, perspective, shadow, uneven light, JPEG."""
    nprng = _np_rng(rng)
    paper = np.asarray(image.convert("RGB"), dtype=np.float32)
    portrait = image.height >= image.width
    frame_w, frame_h = (1240, 1654) if portrait else (1400, 1050)
    fill = rng.uniform(0.78, 0.9)
    scale = min(frame_w * fill / image.width, frame_h * fill / image.height)
    doc_w, doc_h = image.width * scale, image.height * scale
    x0, y0 = (frame_w - doc_w) / 2, (frame_h - doc_h) / 2
    jitter = 0.05

    def corner(x: float, y: float) -> list[float]:
        return [
            x + rng.uniform(-jitter, jitter) * doc_w,
            y + rng.uniform(-jitter, jitter) * doc_h,
        ]

    # A camera's sensor sums the light that falls on each of its pixels: the page is averaged
    # down to the photo's scale first, then put in perspective at about that scale.
    # (``cv2.warpPerspective`` has no area interpolation: asked for INTER_AREA it samples
    # bilinearly, and at a 3-4x reduction it skipped whole strokes: a T without its bar.)
    small_w, small_h = max(1, round(doc_w)), max(1, round(doc_h))
    doc = cv2.resize(paper, (small_w, small_h), interpolation=cv2.INTER_AREA)
    src = np.float32([[0, 0], [small_w, 0], [small_w, small_h], [0, small_h]])
    dst = np.float32(
        [
            corner(x0, y0),
            corner(x0 + doc_w, y0),
            corner(x0 + doc_w, y0 + doc_h),
            corner(x0, y0 + doc_h),
        ]
    )
    matrix = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(doc, matrix, (frame_w, frame_h), flags=cv2.INTER_LINEAR)
    # a card's rounded corners are pure white paper: let the table show through there
    body = (paper.min(axis=2) < 254.5) if colour else np.ones(paper.shape[:2], dtype=bool)
    body = cv2.resize(body.astype(np.float32), (small_w, small_h), interpolation=cv2.INTER_AREA)
    mask = cv2.warpPerspective(body, matrix, (frame_w, frame_h), flags=cv2.INTER_LINEAR)
    background = _texture(nprng, frame_w, frame_h, rng)
    offset = np.float32([[1, 0, rng.uniform(8, 20)], [0, 1, rng.uniform(8, 20)]])
    shadow = cv2.warpAffine(mask, offset, (frame_w, frame_h))
    shadow = cv2.GaussianBlur(shadow, (0, 0), 12)
    background *= (1.0 - 0.45 * shadow)[:, :, None]
    photo = background * (1.0 - mask[:, :, None]) + warped * mask[:, :, None]
    ys, xs = np.mgrid[0:frame_h, 0:frame_w].astype(np.float32)
    theta = rng.uniform(0, np.pi * 2)
    ramp = (xs / frame_w - 0.5) * np.cos(theta) + (ys / frame_h - 0.5) * np.sin(theta)
    vignette = ((xs / frame_w - 0.5) ** 2 + (ys / frame_h - 0.5) ** 2) * 0.6
    light = rng.uniform(0.88, 1.0) + rng.uniform(0.15, 0.35) * ramp - vignette
    photo *= light[:, :, None]
    tint = np.array([rng.uniform(0.95, 1.02), 1.0, rng.uniform(0.9, 1.0)], dtype=np.float32)
    photo = photo * tint[None, None, :]
    photo += nprng.normal(0, rng.uniform(2.5, 5.0), photo.shape).astype(np.float32)
    out = Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8), "RGB")
    out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.9)))
    return _encode(out, "JPEG", None, quality=rng.randint(70, 85))


def scan_page(image: Image.Image, rng: random.Random, dpi: int = 200) -> Raster:
    """A page as a scanner writes it into a PDF: grayscale JPEG at ``dpi``."""
    gray = image.convert("L")
    if dpi != SOURCE_DPI:
        size = (round(gray.width * dpi / SOURCE_DPI), round(gray.height * dpi / SOURCE_DPI))
        gray = gray.resize(size, Image.Resampling.LANCZOS)
    return _encode(gray, "JPEG", dpi, quality=rng.randint(55, 70))
