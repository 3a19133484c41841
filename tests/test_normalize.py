"""Normalisation of values as read (no OCR): each case is a reading seen on a generated scan."""

from __future__ import annotations

import pytest

from extractors import normalize as norm


@pytest.mark.parametrize(("kind", "raw", "value"), [
    ("text", "“JL. CEMPAKA NO. 2", "JL. CEMPAKA NO. 2"),
    ("text", "‘JL. MERDEKA", "JL. MERDEKA"),
    ("name", "” SITI RAHMA", "SITI RAHMA"),
])
def test_a_colon_read_as_a_curly_quote_is_not_part_of_the_value(kind: str, raw: str, value: str) -> None:
    assert norm.normalize(kind, raw).value == value
