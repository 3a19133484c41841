"""Decide what a file really is from its bytes, and refuse what the pipeline cannot read.

The media type comes from magic bytes, never from the name. Accepted files are decoded
fully once here (images with PIL, PDFs with pypdf) so that a truncated or malformed file is
rejected with a reason code before any expensive stage runs.
"""

from __future__ import annotations

import io
import warnings
import zlib

from PIL import Image, UnidentifiedImageError

from models.domain import Limits
from models.errors import RejectedInput

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
ACCEPTED_MEDIA_TYPES: tuple[str, ...] = (PDF, JPEG, PNG, TIFF)

_IMAGE_FORMATS = {JPEG: "JPEG", PNG: "PNG", TIFF: "TIFF"}
_ACCEPTED_WORDS = "a PDF, JPEG, PNG or TIFF file"


def sniff(data: bytes, name: str, limits: Limits, *, decode_images: bool = True) -> str:
    """Return the media type of ``data`` (PDF, JPEG, PNG or TIFF) or raise ``RejectedInput``.

    Codes: ``empty_file``, ``too_large``, ``unsupported_type``, ``corrupt_file``,
    ``encrypted_pdf``, ``too_many_pixels``, ``too_many_pages``. ``name`` is used in messages
    only; the extension is never trusted. ``decode_images=False`` checks an image's headers
    (size, frames) but leaves decoding its pixels to a caller that decodes it next anyway
    (the pipeline: a page costs one decode, not two) and reports failures with
    ``decode_failure``.
    """
    if not data:
        raise RejectedInput(f"{name} is empty (0 bytes)", code="empty_file")
    if len(data) > limits.max_file_bytes:
        raise RejectedInput(
            f"{name} is {len(data):,} bytes; the limit is {limits.max_file_bytes:,}",
            code="too_large",
        )
    media_type = media_type_of(data)
    if media_type is None:
        raise RejectedInput(
            f"{name} is {describe_content(data)}, not {_ACCEPTED_WORDS}",
            code="unsupported_type",
        )
    if media_type == PDF:
        check_pdf(data, name, limits)
    else:
        check_image(data, name, media_type, limits, decode=decode_images)
    return media_type


def media_type_of(data: bytes) -> str | None:
    """Return the accepted media type the magic bytes of ``data`` announce, or ``None``."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    # The PDF header may follow a little junk (the spec allows it within the first 1 KiB).
    if b"%PDF-" in data[:1024]:
        return PDF
    return None


def describe_content(data: bytes) -> str:
    """Name what ``data`` really is, in words, for a rejection message."""
    head = data[:512]
    lowered = head.lstrip().lower()
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "a ZIP archive (or an Office document)"
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered:
        return "an HTML page"
    if lowered.startswith(b"<?xml") or lowered.startswith(b"<svg"):
        return "an XML/SVG document"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "a GIF image"
    if head.startswith(b"BM"):
        return "a BMP image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return "a HEIC image"
    if head.startswith((b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")):
        return "a compressed archive"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Microsoft Office document"
    if _looks_like_text(head):
        return "a plain text file"
    return "unrecognised binary data"


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\r\n\t" for ch in text)


#: What PIL raises for image bytes that do not decode (truncated, malformed, bad checksums).
DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError, SyntaxError, ValueError, UnidentifiedImageError, EOFError, zlib.error,
    Image.DecompressionBombError,
)


def decode_failure(name: str, media_type: str, error: BaseException) -> RejectedInput:
    """The rejection for an image whose decoding raised ``error`` (one of ``DECODE_ERRORS``)."""
    if isinstance(error, Image.DecompressionBombError):
        return RejectedInput(f"{name} is a decompression bomb: {error}", code="too_many_pixels")
    return RejectedInput(f"{name} looks like {media_type} but does not decode ({error})",
                         code="corrupt_file")


def check_image(data: bytes, name: str, media_type: str, limits: Limits, *, decode: bool = True) -> None:
    """Reject an image that is a decompression bomb, has too many frames or (with ``decode``)
    does not decode."""
    if media_type == PNG:
        _check_png_header(data, name, limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[_IMAGE_FORMATS[media_type]]) as image:
                frames = getattr(image, "n_frames", 1)
                if frames > limits.max_pages:
                    raise RejectedInput(
                        f"{name} has {frames} pages; the limit is {limits.max_pages}",
                        code="too_many_pages",
                    )
                for index in range(frames):
                    image.seek(index)
                    _check_pixels(image.size, name, limits)
                    if decode:
                        image.load()
    except RejectedInput:
        raise
    except DECODE_ERRORS as e:
        raise decode_failure(name, media_type, e) from e


def _check_png_header(data: bytes, name: str, limits: Limits) -> None:
    # Width and height sit at bytes 16..24 of the IHDR chunk: read them before any decoding.
    if len(data) < 24:
        raise RejectedInput(f"{name} is a truncated PNG", code="corrupt_file")
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    _check_pixels((width, height), name, limits)


def _check_pixels(size: tuple[int, int], name: str, limits: Limits) -> None:
    width, height = size
    if width * height > limits.max_pixels:
        raise RejectedInput(
            f"{name} declares {width}x{height} pixels ({width * height:,}); "
            f"the limit is {limits.max_pixels:,}",
            code="too_many_pixels",
        )
    if width <= 0 or height <= 0:
        raise RejectedInput(f"{name} declares an empty {width}x{height} image", code="corrupt_file")


def check_pdf(data: bytes, name: str, limits: Limits) -> None:
    """Reject a PDF that is truncated, encrypted, or has too many or unreadable pages."""
    import pypdf
    from pypdf.errors import PdfReadError

    if b"%%EOF" not in data[-2048:]:
        raise RejectedInput(f"{name} is a truncated PDF (no %%EOF marker)", code="corrupt_file")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _opens_with_empty_password(reader):
            raise RejectedInput(
                f"{name} is an encrypted PDF; ask for an unprotected copy", code="encrypted_pdf"
            )
        count = len(reader.pages)
        if count > limits.max_pages:
            raise RejectedInput(
                f"{name} has {count} pages; the limit is {limits.max_pages}",
                code="too_many_pages",
            )
        if count == 0:
            raise RejectedInput(f"{name} is a PDF without pages", code="corrupt_file")
        for page in reader.pages:
            box = page.mediabox
            if float(box.width) <= 0 or float(box.height) <= 0:
                raise RejectedInput(f"{name} has a page without size", code="corrupt_file")
    except RejectedInput:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise RejectedInput(f"{name} is a PDF that does not parse ({e})", code="corrupt_file") from e


def _opens_with_empty_password(reader: object) -> bool:
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - any failure means we cannot read it
        return False
