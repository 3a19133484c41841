"""Sniffing: what a file really is decides, and every bad file gets its reason code."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from PIL import Image

from extractors.pipeline import extract_bytes
from extractors.sniff import sniff
from models.domain import Limits
from models.errors import RejectedInput

LIMITS = Limits()


def png_bytes(size: tuple[int, int] = (64, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", size, 255).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(size: tuple[int, int] = (200, 120)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def pdf_bytes(pages: int = 1, password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def code_of(data: bytes, name: str, limits: Limits = LIMITS) -> str:
    with pytest.raises(RejectedInput) as caught:
        sniff(data, name, limits)
    return caught.value.code


def test_accepted_types_are_named_by_content_not_extension() -> None:
    assert sniff(png_bytes(), "scan.jpg", LIMITS) == "image/png"
    assert sniff(jpeg_bytes(), "scan.pdf", LIMITS) == "image/jpeg"
    assert sniff(pdf_bytes(), "scan.png", LIMITS) == "application/pdf"
    buffer = io.BytesIO()
    Image.new("L", (40, 40), 255).save(buffer, format="TIFF", save_all=True,
                                        append_images=[Image.new("L", (40, 40), 0)])
    assert sniff(buffer.getvalue(), "scan.tif", LIMITS) == "image/tiff"


def test_empty_file() -> None:
    assert code_of(b"", "empty.pdf") == "empty_file"


def test_too_large() -> None:
    assert code_of(png_bytes(), "big.png", Limits(max_file_bytes=10)) == "too_large"


def test_html_named_pdf_is_unsupported_and_says_what_it_is() -> None:
    with pytest.raises(RejectedInput) as caught:
        sniff(b"<!DOCTYPE html><html><body>login</body></html>", "ktp.pdf", LIMITS)
    assert caught.value.code == "unsupported_type"
    assert "HTML" in caught.value.message


def test_zip_named_jpg_is_unsupported_and_says_what_it_is() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ktp.jpg", b"not really")
    with pytest.raises(RejectedInput) as caught:
        sniff(buffer.getvalue(), "ktp.jpg", LIMITS)
    assert caught.value.code == "unsupported_type"
    assert "ZIP" in caught.value.message


def test_plain_text_is_unsupported() -> None:
    assert code_of(b"NIK: 3171234567890123\n", "ktp.png") == "unsupported_type"


def test_truncated_jpeg_is_corrupt() -> None:
    data = jpeg_bytes()
    assert code_of(data[: len(data) // 2], "ktp.jpg") == "corrupt_file"


def test_truncated_png_is_corrupt() -> None:
    data = png_bytes((300, 300))
    assert code_of(data[: len(data) - 30], "ktp.png") == "corrupt_file"


def test_truncated_pdf_is_corrupt() -> None:
    data = pdf_bytes(pages=2)
    assert code_of(data[: len(data) // 2], "form.pdf") == "corrupt_file"


def test_encrypted_pdf() -> None:
    assert code_of(pdf_bytes(password="rahasia"), "form.pdf") == "encrypted_pdf"


def test_png_header_claiming_huge_size_is_refused_before_decoding() -> None:
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    data = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)))
    assert code_of(data, "bomb.png") == "too_many_pixels"


def test_pixel_limit_applies_to_real_images() -> None:
    assert code_of(png_bytes((400, 400)), "big.png", Limits(max_pixels=100_000)) == "too_many_pixels"


def test_pdf_with_too_many_pages() -> None:
    assert code_of(pdf_bytes(pages=4), "many.pdf", Limits(max_pages=3)) == "too_many_pages"


def test_pipeline_turns_a_rejection_into_a_document_not_an_exception() -> None:
    document = extract_bytes(b"PK\x03\x04rest-of-zip", "inbox/polri.skck/a1/ktp.jpg")
    assert document.status == "rejected"
    assert document.error is not None and document.error.code == "unsupported_type"
    assert document.sha256 and document.fields == {}
    assert document.to_cli_json()["error"]["code"] == "unsupported_type"


@pytest.mark.parametrize(("data", "name"), [(jpeg_bytes()[:1500], "ktp.jpg"),
                                            (png_bytes((300, 300))[:-30], "ktp.png")])
def test_pipeline_rejects_a_truncated_image_as_corrupt_with_its_name(data: bytes, name: str) -> None:
    # The pipeline decodes an image once, after sniffing its headers: a truncated one is still
    # a rejection with a reason, never an exception or an empty page.
    document = extract_bytes(data, f"inbox/polri.skck/a1/{name}")
    assert document.status == "rejected"
    assert document.error is not None and document.error.code == "corrupt_file"
    assert name in document.error.message


def test_header_checks_alone_still_refuse_oversized_and_foreign_files() -> None:
    limits = Limits(max_pixels=100_000)
    with pytest.raises(RejectedInput) as caught:
        sniff(png_bytes((400, 400)), "big.png", limits, decode_images=False)
    assert caught.value.code == "too_many_pixels"
    assert sniff(png_bytes(), "scan.png", LIMITS, decode_images=False) == "image/png"
    assert sniff(jpeg_bytes()[:1500], "ktp.jpg", LIMITS, decode_images=False) == "image/jpeg"
