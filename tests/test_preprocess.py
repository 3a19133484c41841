"""Page preprocessing: the cheap shrunk copies it measures on give what the full page gives."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from extractors import preprocess as pre
from extractors.pages import load_pages

SAMPLES = Path(__file__).resolve().parents[1] / "sample_docs" / "docs"


def page(name: str) -> np.ndarray:
    path = SAMPLES / name
    media_type = "image/png" if path.suffix == ".png" else "image/jpeg"
    image = load_pages(path.read_bytes(), media_type)[0].image
    assert image is not None
    return image


@pytest.mark.parametrize("factor", [0.23, 0.456, 0.57, 0.8])
def test_shrink_averages_pixel_areas_like_a_direct_area_resize(factor: float) -> None:
    gray = page("s2-001_form_clean.png")
    direct = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    fast = pre.shrink(gray, factor)
    assert fast.shape == direct.shape
    assert np.abs(fast.astype(int) - direct).mean() < 1.5


def test_a_scan_is_scaled_and_deskewed_as_measured_on_the_whole_page() -> None:
    # A noisy scan is large (shrunk for Tesseract) and slightly turned: the shared analysis
    # copy must find the same size and skew as estimates made afresh on each stage's image.
    gray = page("s2-001_form_noisy.jpg")
    height = pre.estimate_text_height(gray)
    assert height is not None
    prepared = pre.preprocess(gray, ("scale", "deskew"))
    assert prepared.scale == pytest.approx(pre.TARGET_TEXT_HEIGHT / height)
    scaled = cv2.resize(gray, None, fx=prepared.scale, fy=prepared.scale, interpolation=cv2.INTER_AREA)
    assert prepared.angle == pytest.approx(-pre.estimate_skew(scaled), abs=0.15)
    assert abs(prepared.angle) >= 0.4


def test_a_phone_photo_is_still_flattened_to_its_sheet() -> None:
    gray = page("s2-001_form_phone.jpg")
    prepared = pre.preprocess(gray, ("rectify",))
    assert "rectify" in prepared.steps
    quad = pre.find_document_quad(gray)
    assert quad is not None
    width = float(np.linalg.norm(quad[1] - quad[0]))
    assert prepared.image.shape[1] == pytest.approx(width, rel=0.02)


@pytest.mark.parametrize("size", [(900, 640), (2000, 1414)])
def test_uneven_light_is_evened_out_on_small_and_large_pages(size: tuple[int, int]) -> None:
    # A shadow falling across the page (paper from 120 to 235 grey) with dark print on it.
    h, w = size
    paper = np.tile(np.linspace(120, 235, w, dtype=np.float32), (h, 1))
    page_image = paper.astype(np.uint8)
    for y in range(h // 10, h - h // 10, h // 12):
        cv2.putText(page_image, "NAMA LENGKAP : BUDI SANTOSO", (w // 20, y), cv2.FONT_HERSHEY_SIMPLEX,
                    w / 1400, 30, max(1, w // 700))
    prepared = pre.preprocess(page_image, ("light",))
    ink = page_image < 60
    paper_out = prepared.image[~cv2.dilate(ink.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)]
    assert paper_out.mean() > 235 and paper_out.std() < 12
    assert np.median(prepared.image[ink]) < 100
