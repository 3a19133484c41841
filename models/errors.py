"""The one error hierarchy of intake: each error says what happens next and what to do."""

from __future__ import annotations


class IntakeError(Exception):
    """Base of every error intake raises on purpose.

    ``exit_code`` is what the CLI exits with when this error reaches it.
    """

    exit_code = 1
    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class RejectedInput(IntakeError):
    """A file that cannot be processed; it is rejected with ``code`` and kept in quarantine.

    Reason codes: ``empty_file``, ``unsupported_type``, ``corrupt_file``, ``encrypted_pdf``,
    ``too_many_pixels``, ``too_many_pages``, ``too_large``, ``mislabelled``.
    """

    exit_code = 0
    code = "rejected"


class RetryableError(IntakeError):
    """A transient failure of an outside service (storage, database, broker); retry later."""

    exit_code = 3
    code = "retryable"


class ConfigurationError(IntakeError):
    """Settings or data files are wrong; the message names the file or variable to fix."""

    exit_code = 2
    code = "configuration"


class OCRError(IntakeError):
    """Tesseract failed or timed out on a page; that page degrades, the document goes on."""

    exit_code = 1
    code = "ocr_failed"
