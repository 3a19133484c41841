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
