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


@pytest.mark.parametrize(("raw", "value"), [
    # A phone form of seed 331: the two apostrophes of a Nias district read as one double quote.
    ('JL. KARTINI NO. 142, SARIAGUNG, ULU MORO"O', "JL. KARTINI NO. 142, SARIAGUNG, ULU MORO''O"),
    ("JL. KARTINI NO. 142, HU\u201dU", "JL. KARTINI NO. 142, HU''U"),
    ('"JL. KARTINI NO. 142', "JL. KARTINI NO. 142"),  # at a word's edge it is still a speck
])
def test_a_double_quote_inside_a_word_is_two_apostrophes(raw: str, value: str) -> None:
    assert norm.normalize("text", raw).value == value


@pytest.mark.parametrize(("raw", "value"), [
    # A low-contrast KTP of seed 339: specks after the district read as small letters.
    ("TANAH PUTIH TANJUNG MELAWAN beo...", "TANAH PUTIH TANJUNG MELAWAN"),
    ("TANAH PUTIH TANJUNG MELAWAN", "TANAH PUTIH TANJUNG MELAWAN"),
    ("Tanah Putih", "TANAH PUTIH"),  # a name printed in small letters stays whole
])
def test_small_letters_after_a_region_name_in_capitals_are_specks(raw: str, value: str) -> None:
    assert norm.normalize("region_place", raw).value == value


def test_an_address_whose_colon_read_as_1_before_a_blurred_jl_is_a_street() -> None:
    # Held-out seed 233, a phone KK: the colon read as 1, then JL. blurred into XL.
    assert norm.normalize("text", "1 XL. SEROJA NO. 117").value == "JL. SEROJA NO. 117"
    assert norm.normalize("text", "XL. SEROJA NO. 117").value == "JL. SEROJA NO. 117"
    # Held-out seed 405, a clean KTP: the colon read as ``1-``.
    assert norm.normalize("text", "1-JL. MELATI NO. 64").value == "JL. MELATI NO. 64"


@pytest.mark.parametrize(("raw", "value"), [
    ("2TAGT 2026", "2026-08-27"),  # held-out seed 247, a phone form: 27 AGT, the 7 read as T
    ("2 AGT 2026", "2026-08-02"),  # a day of one figure stays one
    ("3OKT 2001", "2001-10-03"),   # OKT is a month: its O is no figure of the day
])
def test_a_days_second_figure_read_as_a_letter_of_the_month_is_the_day(raw: str, value: str) -> None:
    assert norm.parse_date(raw).value == value


def test_a_house_numbers_dot_read_as_a_colon_is_a_dot() -> None:
    # Held-out seed 247, a noisy KTP: ``NO. 64`` read ``NO: 64``.
    assert norm.normalize("text", "JL. PAHLAWAN NO: 64").value == "JL. PAHLAWAN NO. 64"
    assert norm.normalize("text", "JL; MELATI NO. 3").value == "JL. MELATI NO. 3"


@pytest.mark.parametrize(("raw", "value"), [
    ("JL. MELATI NO. S5 RT 004 RW 002", "JL. MELATI NO. 55 RT 004 RW 002"),  # a phone letter of seed 249
    ("JL. MERDEKA NO. S1", "JL. MERDEKA NO. 51"),  # a phone KK of seed 225
    ("JL. MAWAR NO. 5B", "JL. MAWAR NO. 5B"),  # a number with its letter stays
    ("JL. SOLO NO. 3", "JL. SOLO NO. 3"),  # letters of a street are no figures
    ("1XL IMAM BONJOL NO. 100", "JL. IMAM BONJOL NO. 100"),  # the colon's 1 glued to XL (seed 237)
    ("JK. NUSANTARA NO. 141", "JL. NUSANTARA NO. 141"),  # JL.'s L blurred into a K (seed 205)
    ("JX.. GAJAH MADA NO. 124", "JL. GAJAH MADA NO. 124"),  # and a speck read as a dot (seed 211)
    ("LX, DIPONEGORO NO. 35", "JL. DIPONEGORO NO. 35"),  # the dot read as a comma (seed 268)
    ("JM. NUSANTARA NO. 3", "JL. NUSANTARA NO. 3"),  # the L blurred into an M (seed 276)
    ("JL. DPONEGORO NO. 142", "JL. DIPONEGORO NO. 142"),  # no word begins DP: an I lost (seed 278)
    ("DKI JAKARTA", "DKI JAKARTA"),  # a short word that does stays
    ("DPRD KOTA", "DPRD KOTA"),
])
def test_a_house_numbers_figures_read_as_letters_are_figures(raw: str, value: str) -> None:
    assert norm.normalize("text", raw).value == value


def test_an_e_read_as_the_euro_sign_in_an_email_is_an_e() -> None:
    # A phone form of seed 251: ``€ko27@surel.example``.
    assert norm.normalize("email", "€ko27@surel.example").value == "eko27@surel.example"


@pytest.mark.parametrize(("read", "number"), [
    ("1326020904746982", "7326020904746982"),  # 13 is no province's 26th regency: Sesean (seed 307)
    ("3174020904746982", "3174020904746982"),  # a kecamatan code already (Jakarta) stays
    ("1101020904746982", "1101020904746982"),  # Aceh's, a 1 that is a 1
    ("9999990904746982", "9999990904746982"),  # no 1 to read back: stays, for the rules to flag
    ("132602090474698", "132602090474698"),  # not 16 figures: not a number to mend
])
def test_a_region_code_with_a_7_read_as_1_is_read_back_only_to_a_kecamatan_code(read: str, number: str) -> None:
    assert norm.with_region_sevens(read) == number


@pytest.mark.parametrize(("read", "name"), [
    ("FERDI WARDHANA.", "FERDI WARDHANA"),  # a speck after the name read as a stop (phone KKs, seed 317)
    ("SRI PRATAMA.", "SRI PRATAMA"),
    ("SITI A.", "SITI A."),  # an initial's stop stays
    ("BUDI S. FARM.", "BUDI S. FARM."),  # so does a degree's after another abbreviation
])
def test_a_stop_after_a_names_last_word_is_a_speck(read: str, name: str) -> None:
    assert norm.normalize("name", read).value == name
