"""OCR misreadings the field extractor repairs: each test is a reading seen on generated scans."""

from __future__ import annotations

import numpy as np
import pytest

from extractors import fields as F
from extractors import normalize as norm
from models.domain import Field, Limits, Page, Word


def line_page(rows: list[list[tuple[str, float]]], height: float = 18.0) -> Page:
    """A page whose rows hold words at the given x positions (each word 10 px per character)."""
    words = []
    for n, row in enumerate(rows):
        top = 40.0 + n * 32.0
        for text, x in row:
            words.append(Word(text=text, confidence=0.9, line=n,
                              bbox=(x, top, x + 10.0 * len(text), top + height)))
    return Page(number=1, width=900, height=700, words=words, text="", source="ocr")


def ktp_fields(rows: list[list[tuple[str, float]]]) -> dict:
    layout = F.layout_for("ktp")
    assert layout is not None
    return {k: v.value for k, v in F.extract_fields([line_page(rows)], layout).items()}


def test_blood_type_printed_as_dash_is_read_as_dash() -> None:
    found = ktp_fields([
        [("Jenis", 40), ("Kelamin", 110), (":", 252), ("PEREMPUAN", 267),
         ("Gol.", 515), ("Darah", 574), (":", 643), ("-", 669)],
    ])
    assert found["sex"] == "PEREMPUAN"
    assert found["blood_type"] == "-"


@pytest.mark.parametrize(("raw", "value"), [("0", "O"), ("8", "B"), ("- A", "A"), (":-", "-"), ("AB", "AB")])
def test_blood_type_digits_and_colons_repaired(raw: str, value: str) -> None:
    assert norm.normalize("blood_type", raw).value == value


def test_colon_read_as_h_in_front_of_a_name_is_dropped() -> None:
    found = ktp_fields([
        [("NIK", 46), (":", 252), ("3578025908713511", 267)],
        [("Nama", 45), ("HILHAM", 252), ("KUSUMA", 330)],
        [("Agama", 44), (":", 252), ("ISLAM", 267)],
        [("Pekerjaan", 45), (":", 252), ("WIRASWASTA", 267)],
    ])
    assert found["full_name"] == "ILHAM KUSUMA"


def test_name_really_starting_with_h_is_kept() -> None:
    found = ktp_fields([
        [("NIK", 46), (":", 252), ("3578025908713511", 267)],
        [("Nama", 45), (":", 252), ("HADI", 267), ("SANTOSO", 320)],
        [("Agama", 44), (":", 252), ("ISLAM", 267)],
        [("Pekerjaan", 45), ("HARTONO", 267)],
    ])
    assert found["full_name"] == "HADI SANTOSO"
    assert found["occupation"] == "HARTONO"


def test_colon_read_as_1_does_not_eat_the_day_of_a_date() -> None:
    layout = F.layout_for("form", "imigrasi.paspor")
    assert layout is not None
    page = line_page([[("4.", 20), ("Tanggal", 50), ("Lahir", 140), ("1", 252), ("11", 267),
                       ("SEP", 300), ("1983", 345)]])
    assert F.extract_fields([page], layout)["birth_date"].value == "1983-09-11"


@pytest.mark.parametrize(("raw", "value"), [
    ("10021006", "002/006"),   # colon and slash both read as 1
    ("1002/1006", "002/006"),  # the slash read as /1
    (":003/011", "003/011"),
    ("12/3", "012/003"),
    ("0051911", "005/011"),    # a phone KK: the slash read as 1 ran into the 0 after it
    ("0051011", "005/011"),
    ("0051211", "005/211"),
    ("0100012", "010/012"),    # the slash read as 0 (a phone KK of seed 335)
])
def test_rt_rw_colon_and_slash_misreadings(raw: str, value: str) -> None:
    assert norm.normalize("rt_rw", raw).value == value


@pytest.mark.parametrize("raw", ["162 882-4964-3961", "462 882-4964-3961", "+62 882-4964-3961", "0882-4964-3961"])
def test_phone_with_plus_read_as_digit(raw: str) -> None:
    assert norm.normalize("phone", raw).value == "+6288249643961"


@pytest.mark.parametrize(("raw", "value"), [
    ("JL, SUDIRMAN NO, 38", "JL. SUDIRMAN NO. 38"),
    ("IL. CEMPAKA NO. 36", "JL. CEMPAKA NO. 36"),
    ("3L. KENANGA NO. 32", "JL. KENANGA NO. 32"),
    ("JL KENANGA NO. 29, TEGALSARI", "JL. KENANGA NO. 29, TEGALSARI"),
    ("JL. KENANGANO, 29", "JL. KENANGA NO. 29"),
    ("JL. DIPONEGORO NO. 71", "JL. DIPONEGORO NO. 71"),
    ("GG, FLAMBOYAN 19, JATIRAHAYU, MARTAPURA", "GG. FLAMBOYAN 19, JATIRAHAYU, MARTAPURA"),
    ("AL. IMAM BONJOL NO. 78", "JL. IMAM BONJOL NO. 78"),   # J read as A
    ("LL. SEROJA NO. 7", "JL. SEROJA NO. 7"),               # J read as L
    ("LIL. KENANGA NO. 136", "JL. KENANGA NO. 136"),        # J read as LI (seed 351, phone)
    ("HL. BOUGENVILLE NO. 134", "JL. BOUGENVILLE NO. 134"),  # J read as H (held-out seed 601)
    ("JLLAHMAD YANI NO. 105", "JL. AHMAD YANI NO. 105"),    # the dot read as L
    ("JLAHMAD YANI NO. 70", "JL. AHMAD YANI NO. 70"),      # the dot and space lost (seed 285, phone)
    ("CG. PAHLAWAN 6", "GG. PAHLAWAN 6"),                   # a G read as C (seed 285, phone)
    ("4G SEROJA 38 RT 015 RW 011", "GG. SEROJA 38 RT 015 RW 011"),  # a G read as 4 (seed 275)
    ("XM... KENANGA NO. 46", "JL. KENANGA NO. 46"),          # J and L blurred (seed 284, phone)
    ("JL. NUSANTARA NO. ILL", "JL. NUSANTARA NO. 111"),      # 1s read as I and L (seed 280, phone)
    ("JL. MELATI NO. LIL, KEL. SUKA", "JL. MELATI NO. LIL, KEL. SUKA"),  # not at the end: left
    ("JLN. SUDIRMAN 5", "JLN. SUDIRMAN 5"),
    ("JL.ANGGREK NO. 1", "JL. ANGGREK NO. 1"),              # the space after the dot lost
    ("JL. SEROJA NO.7", "JL. SEROJA NO. 7"),
    ("GG.MELATI 6", "GG. MELATI 6"),
    ("GG. MELATI6", "GG. MELATI 6"),                        # the space before the number lost
    ("GG. NUSANTARA 3S", "GG. NUSANTARA 35"),                # a 5 read S (seed 333, phone)
    ("JL. MAWAR NO. 1S RT 002", "JL. MAWAR NO. 15 RT 002"),
    ("DUSUN 3S", "DUSUN 3S"),                                # no street: left as read
    ("JL. MAWAR BLOK C12", "JL. MAWAR BLOK C12"),           # a block code keeps its letter
    ("DUSUN ALASMALANG", "DUSUN ALASMALANG"),
    ("DUSUN SARIREYO", "DUSUN SARIREJO"),  # a J blurred into a Y, as in places (seed 347, phone)
    ("DUSUN SUMBERHAR)O", "DUSUN SUMBERHARJO"),  # its hook read as a parenthesis (held-out 605)
    ("XX. MELATI NO. 144", "JL. MELATI NO. 144"),  # J and L blurred into X's (held-out seed 603)
    ("JL. SARIREYO NO. 5", "JL. SARIREYO NO. 5"),  # a street: as read
    ("LX. PEMUDA NO. 149", "JL. PEMUDA NO. 149"),           # J and L blurred into an X (phone)
    ("X.. MERDEKA NO. 147", "JL. MERDEKA NO. 147"),
    ("XL. PEMUDA NO. 109", "JL. PEMUDA NO. 109"),
    ("£.JL. SUDIRMAN NO. 71", "JL. SUDIRMAN NO. 71"),  # the colon read as a mark (seed 215, phone)
    ("L. DIPONEGORO NO. 84", "JL. DIPONEGORO NO. 84"),  # the J lost (seed 217, phone)
    ("1: GG. SUDIRMAN 34", "GG. SUDIRMAN 34"),  # the colon read as 1: (seed 219, phone)
    ("AL AHMAD YANI NO. 53", "JL. AHMAD YANI NO. 53"),  # J and dot lost (seed 223, phone)
    ("LL IMAM BONJOL NO. 67", "JL. IMAM BONJOL NO. 67"),  # J read as L, dot lost (seed 345, phone)
    ("XL DIPONEGORO NO. 104", "JL. DIPONEGORO NO. 104"),    # and its dot lost
    ("1 JL. GAJAH MADA NO. 83", "JL. GAJAH MADA NO. 83"),   # the colon read as 1
    ("1.JL. GAJAH MADA NO. 69", "JL. GAJAH MADA NO. 69"),
    ("1 JL PAHLAWAN NO. 12", "JL. PAHLAWAN NO. 12"),  # and the dot lost (held-out seed 303, phone)
    ("1 XL SEROJA NO. 5", "JL. SEROJA NO. 5"),
    ("RL ANGGREK NO. 114", "JL. ANGGREK NO. 114"),  # the J read as R (seed 317, phone)
    ("1 JLN", "1 JLN"),  # no street after: not an abbreviation
])
def test_address_abbreviation_dot_read_as_comma(raw: str, value: str) -> None:
    assert norm.normalize("text", raw).value == value


def test_nik_reading_agreeing_with_the_card_is_preferred() -> None:
    # Province SULAWESI TENGAH is 72; a woman born 1996-01-05 has 450196 in digits 7-12.
    right, misread = "7202024501969675", "1202024501969675"
    card = ("SULAWESI TENGAH", "1996-01-05", "PEREMPUAN")
    assert norm.nik_agreement(right, *card) == 2
    assert norm.nik_agreement(misread, *card) == 1
    assert norm.province_code("DKI JAKARTA") == "31"
    assert norm.province_code("JAWA TIMOR") == "35"


@pytest.mark.parametrize(("kind", "raw", "value"), [
    ("religion", "2 ISLAM", "ISLAM"),          # a stray mark before the value
    ("marital_status", "KAMN", "KAWIN"),       # two slips, nothing else close
    ("marital_status", "BELUM KAWIN", "BELUM KAWIN"),
])
def test_snapped_values_survive_stray_marks_and_slips(kind: str, raw: str, value: str) -> None:
    assert norm.normalize(kind, raw).value == value


def test_garbage_is_not_snapped_to_a_religion() -> None:
    assert not norm.normalize("religion", "XYZQ").valid


def test_reread_turning_a_leading_7_into_1_is_ignored() -> None:
    from extractors.reread import _only_first_digit_1_for_7

    assert _only_first_digit_1_for_7("7324025609038574", "1324025609038574")
    assert not _only_first_digit_1_for_7("1324025609038574", "7324025609038574")
    assert not _only_first_digit_1_for_7("7324025609038574", "1324025609038575")


@pytest.mark.parametrize(("raw", "value"), [
    ("1122", "11:22"),      # the separator lost
    ("11122", "11:22"),     # the colon read as 1 and glued
    ("08130", "08:30"),     # the dot read as 1
    ("415125", "15:25"),    # the colon read as 4 and the dot as 1
    ("13.39", "13:39"),
])
def test_time_read_without_its_separator(raw: str, value: str) -> None:
    assert norm.normalize("time", raw).value == value


def test_date_with_day_glued_to_the_month() -> None:
    assert norm.normalize("date", "14APR 2026").value == "2026-04-14"


@pytest.mark.parametrize(("raw", "value"), [("22108/1970", "1970-08-22"), ("22/0811970", "1970-08-22"),
                                            ("0710711997", "1997-07-07"), ("22/08/1970", "1970-08-22"),
                                            # A dash read as a colon, specks after (held-out seed 605).
                                            ("22-06:1980 ||\u201d) |", "1980-06-22")])
def test_date_with_one_separator_read_as_a_digit(raw: str, value: str) -> None:
    assert norm.normalize("date", raw).value == value


def test_nik_with_surplus_digits_lists_its_readings_edges_first() -> None:
    readings = norm.nik_readings("72090631019959833")
    best = max(readings, key=readings.__getitem__)
    assert best == "7209063101995983"
    assert "7209063101999833" in readings and readings["7209063101999833"] < readings[best]
    assert norm.nik_readings("7209063101995983 | f7") == {"7209063101995983": 1.0}
    assert norm.normalize("nik", "350914550388578830").valid is False  # kept, to be read again


def test_nik_score_prefers_known_regions_and_the_printed_regency() -> None:
    card = ("SULAWESI TENGAH", "KABUPATEN POSO", "1996-01-05", "PEREMPUAN")
    assert norm.nik_score("7202024501969675", *card) == norm.nik_score_ceiling(*card[:3])
    assert norm.nik_score("1202024501969675", *card) < norm.nik_score("7202024501969675", *card)
    assert norm.province_code("PAPUA SELATAN") == "93"


def test_label_after_a_row_number_read_as_letters_wins_over_a_loose_match() -> None:
    layout = F.layout_for("form", "polri.skck")
    assert layout is not None
    page = line_page([[("al,", 20), ("Nama", 60), ("Lengkap", 120), (":", 300), ("MAYA", 320),
                       ("MANURUNG", 380)]])
    found = F.extract_fields([page], layout)
    assert found["full_name"].value == "MAYA MANURUNG"
    assert "address" not in found


def test_nik_encodes_the_birth_date_with_day_plus_40_for_women() -> None:
    assert norm.nik_encodes_date("7202024501969675", "1996-01-05", "PEREMPUAN")
    assert norm.nik_encodes_date("7202024501969675", "1996-01-05")  # sex unread: either way
    assert not norm.nik_encodes_date("7202024501969675", "1906-01-05", "PEREMPUAN")
    assert not norm.nik_encodes_date("7202024501969675", "1996-01-05", "LAKI-LAKI")


def test_dirt_between_label_and_colon_column_is_skipped() -> None:
    found = ktp_fields([
        [("NIK", 46), (":", 252), ("3578025908713511", 267)],
        [("Nama", 45), (":", 252), ("HADI", 267)],
        [("Kecamatan", 80), (":", 252), ("WONOCOLO", 267)],
        [("Agama", 44), ("f", 189), ("#", 252), ("ISLAM", 266)],
        [("Alamat", 44), ("2", 252), ("JL.", 267), ("MAWAR", 310)],
    ])
    assert found["religion"] == "ISLAM"
    assert found["address"] == "JL. MAWAR"


def test_label_read_only_in_part_before_its_colon() -> None:
    found = ktp_fields([
        [("NIK", 46), (":", 252), ("3578025908713511", 267)],
        [("Agama", 44), (":", 252), ("ISLAM", 266)],
        [("Pekerj", 45), (":", 252), ("DOKTER", 267)],
    ])
    assert found["occupation"] == "DOKTER"


@pytest.mark.parametrize(("raw", "value"), [
    ("KEPULAUAN SANGIHKE", "KEPULAUAN SANGIHE"),   # one letter added
    ("SUMBATIMUR", "SUMBA TIMUR"),                 # the space lost
    ("SURABAYA", "SURABAYA"),
    ("KEP. SIAU TAGULANDANG BIARO", "KEP. SIAU TAGULANDANG BIARO"),  # as printed, abbreviated
    ("SUMBERMAJU", "SUMBERMAJU"),                  # no Kemendagri name close: kept as read
    ("KEPULAUAN SERIBU", "KEPULAUAN SERIBU"),      # KABUPATEN ADMINISTRASI's name as printed
])
def test_birth_place_and_kecamatan_snap_one_slip_to_a_kemendagri_name(raw: str, value: str) -> None:
    assert norm.normalize("region_place", raw).value == value


def test_identifier_of_the_wrong_length_is_kept_invalid_for_a_second_reading() -> None:
    assert norm.normalize("kbli", "14111").value == "14111"
    short = norm.normalize("kbli", "1411")
    assert short.value == "1411" and not short.valid
    assert norm.normalize("kbli", "MMI").value is None


@pytest.mark.parametrize(("kind", "raw", "value"), [
    ("province", "RUU", "RIAU"),                              # two slips, nothing else near
    ("province", "PROVINSI JAWA TIMOR", "JAWA TIMUR"),
    ("province", "KEPULAUAN BANGKA BELITUNC", "KEPULAUAN BANGKA BELITUNG"),
    ("province", "PAPUA BARAT", "PAPUA BARAT"),               # not snapped to PAPUA BARAT DAYA
    ("province", "DKI JAKARTA", "DKI JAKARTA"),
    ("province", "XQZ", "XQZ"),                               # nothing close: kept as read
    ("province", "KALIMANTAN BARAT AN NN TI", "KALIMANTAN BARAT"),  # noise after it (phone KTP, seed 321)
    ("province", "PAPUA BARAT DA", "PAPUA BARAT DAYA"),       # a longer name cut short: not cut
    ("regency", "KABUPATEN PANIA!", "KABUPATEN PANIAI"),      # the last I read as !
    ("regency", "KABUPATEN MERALIKE", "KABUPATEN MERAUKE"),   # U read as LI in a long name
    ("regency", "KABUPATEN HALMAHERABARAT", "KABUPATEN HALMAHERA BARAT"),
    ("regency", "JAKARTA BARAI", "JAKARTA BARAT"),            # printed without KOTA (Jakarta)
    ("regency", "KOTA SURABAYA", "KOTA SURABAYA"),
    ("regency", "KABUPATEN ZZZZZZZ", "KABUPATEN ZZZZZZZ"),    # nothing close: kept as read
])
def test_a_region_a_slip_or_two_from_a_kemendagri_name_is_that_name(kind: str, raw: str, value: str) -> None:
    assert norm.normalize(kind, raw).value == value


@pytest.mark.parametrize(("row", "key", "value"), [
    ([("Provinsi", 600), (":", 700), ("RUU", 715)], "province", "RIAU"),
    ([("Kabupaten/Kota", 600), (":", 760), ("KABUPATEN", 780), ("PANIA!", 880)], "regency",
     "KABUPATEN PANIAI"),
])
def test_kk_header_region_is_snapped_like_the_ktp_header(row: list, key: str, value: str) -> None:
    layout = F.layout_for("kk")
    assert layout is not None
    assert F.extract_fields([line_page([row])], layout)[key].value == value


@pytest.mark.parametrize(("label", "value", "address"), [
    ("Mamat", ["GG.", "DIPONEGORO", "27"], "GG. DIPONEGORO 27"),  # Al run into an M (seed 221)
    ("Amat", ["4.", "BOUGENVILLE", "NO.", "72"], "JL. BOUGENVILLE NO. 72"),  # la lost; JL. read 4. (seed 219)
    ("Alamat", ["3.", "HASANUDDIN", "NO.", "107"], "JL. HASANUDDIN NO. 107"),  # JL. read 3. (seed 335)
])
def test_a_kk_address_label_a_phone_photo_blurred_past_one_slip_is_still_read(
        label: str, value: list[str], address: str) -> None:
    layout = F.layout_for("kk")
    assert layout is not None
    row = [(label, 50)] + [(word, 240 + 60 * i) for i, word in enumerate(value)] + [
        ("Kabupaten/Kota", 600), (":", 760), ("KOTA", 780), ("SOLOK", 840)]
    found = F.extract_fields([line_page([row])], layout)
    assert found["address"].value == address
    assert found["regency"].value == "KOTA SOLOK"


def test_a_district_value_like_a_blurred_address_label_is_no_label() -> None:
    """A phone KK of seed 14: the district MAPAT TUNGGUL SELATAN, a letter from the address
    label's blurred reading ``Mamat``, is no label: that reading matches only as read."""
    layout = F.layout_for("kk")
    assert layout is not None
    page = line_page([
        [("Nama", 50), ("Kepala", 110), ("Keluarga", 180), ("YUSUF", 260), ("TANJUNG", 330),
         ("Kecamatan", 600), ("MAPAT", 780), ("TUNGGUL", 850), ("SELATAN", 940)],
        [("Alamat", 50), ("DUSUN", 260), ("TAMANJAYA", 330), ("Kabupaten/Kota:", 600), ("KABUPATEN", 780),
         ("PASAMAN", 880)],
    ])
    found = F.extract_fields([page], layout)
    assert found["address"].value == "DUSUN TAMANJAYA"
    assert found["district"].value == "MAPAT TUNGGUL SELATAN"


def test_colon_column_of_the_other_label_column_does_not_eat_a_value() -> None:
    """A KK header: the colons found are those of the right column; the left value stays whole."""
    layout = F.layout_for("kk")
    assert layout is not None
    page = line_page([
        [("Alamat", 50), ("GG.", 240), ("MELATI", 280), ("6", 345),
         ("Kabupaten/Kota", 600), (":", 760), ("KABUPATEN", 780), ("PEMALANG", 880)],
        [("Kecamatan", 600), (":", 760), ("COMAL", 780)],
        [("Kode", 600), ("Pos", 645), (":", 760), ("52363", 780)],
    ])
    found = F.extract_fields([page], layout)
    assert found["address"].value == "GG. MELATI 6"
    assert found["regency"].value == "KABUPATEN PEMALANG"


def test_colon_read_as_l_in_front_of_a_name_is_dropped_and_noted() -> None:
    found = F.extract_fields([line_page([
        [("NIK", 46), (":", 252), ("3578025908713511", 267)],
        [("Nama", 45), ("LIRFAN", 252), ("PRATAMA", 330)],
        [("Agama", 44), (":", 252), ("ISLAM", 267)],
        [("Pekerjaan", 45), (":", 252), ("WIRASWASTA", 267)],
    ])], F.layout_for("ktp"))
    assert found["full_name"].value == "IRFAN PRATAMA"
    assert F.COLON_LETTER + "L" in found["full_name"].repairs  # to be checked on the image


def test_reread_that_only_thins_sevens_into_ones_is_not_taken() -> None:
    from extractors import reread

    assert reread.sevens_read_as_ones("27294", "21294")    # a postal code's 7 read as 1 in its crop
    assert not reread.sevens_read_as_ones("72222", "72242")  # a real correction
    assert not reread.sevens_read_as_ones("27294", "27294")


def _printed_number(text: str) -> tuple:
    import cv2
    import numpy as np

    image = np.full((60, 40 + 30 * len(text)), 255, np.uint8)
    cv2.putText(image, text, (20, 45), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3, cv2.LINE_AA)
    return image, (15.0, 15.0, 20.0 + 27.0 * len(text), 48.0)


def test_nik_digit_misread_is_read_by_the_number_own_glyphs() -> None:
    """A serial 8 read as 3 fits the card as well: its glyph matches the number's other 8s."""
    image, box = _printed_number("3603205807066488")
    shapes = F.digit_glyphs(image, box, 1.0)
    assert len(shapes) == 16
    assert F.digits_by_glyphs("3603205807066483", shapes) == "3603205807066488"
    assert F.digits_by_glyphs("3603205807066488", shapes) == "3603205807066488"  # read right: kept


def test_number_without_a_reference_glyph_is_left_as_read() -> None:
    image, box = _printed_number("1234567890123456")
    shapes = F.digit_glyphs(image, box, 1.0)
    assert F.digits_by_glyphs("1234567890123456", shapes) == "1234567890123456"
    assert F.digits_by_glyphs("123", shapes) == "123"  # glyphs and digits do not pair up


def test_kk_photo_read_poorly_is_still_a_kk_by_its_title() -> None:
    from extractors.classify import classify

    garbled = ("KARTU KELUARGA NO. 1604272403195818 NAMA KENA KENYA DM SIAGA KECAMAN TNOGRESAT "
               "PARA HAL PMMOYANNO. 10 KABUTO KABUPATEN LAHAT RW CUN KATE PON PA OESTATAN")
    assert classify([garbled])[0] == "kk"
    mention = "LOREM IPSUM DOLOR SIT AMET " * 6 + "KARTU KELUARGA HILANG"
    assert classify([mention])[0] == "unknown"  # named far from the top: not a title


def test_value_read_loosely_as_its_own_label_stays_the_value() -> None:
    """``KABUPATEN ROKAN`` is two slips from ``Kabupaten/Kota``: the real label wins, the value stays whole."""
    layout = F.layout_for("kk")
    assert layout is not None
    page = line_page([[("Kabupaten/Kota:", 600), ("KABUPATEN", 780), ("ROKAN", 880), ("HULU", 940)]])
    assert F.extract_fields([page], layout)["regency"].value == "KABUPATEN ROKAN HULU"


def test_each_label_column_has_its_own_colon_column() -> None:
    """A KK header: ``HILHAM`` stands in the left column's colons, not the right one's."""
    layout = F.layout_for("kk")
    assert layout is not None
    page = line_page([
        [("Nama", 40), ("Kepala", 90), ("Keluarga", 150), ("HILHAM", 252), ("WIJAYA", 320),
         ("Kecamatan", 600), (":", 760), ("POSO", 780)],
        [("Alamat", 40), (":", 252), ("JL.", 267), ("MAWAR", 310), ("Kabupaten/Kota", 600), (":", 760), ("KOTA", 780)],
        [("RT/RW", 40), (":", 252), ("001/002", 267), ("Kode", 600), ("Pos", 645), (":", 760), ("94611", 780)],
    ])
    found = F.extract_fields([page], layout)
    assert found["head_name"].value == "ILHAM WIJAYA"
    assert found["district"].value == "POSO"


@pytest.mark.parametrize(("raw", "value"), [
    ("LUBUK LINGGAU TIMUR |", "LUBUK LINGGAU TIMUR I"),   # the numeral read as a bar
    ("SURABAYA |", "SURABAYA"),                           # no SURABAYA I: the bar is a mark
])
def test_kecamatan_numeral_read_as_a_bar(raw: str, value: str) -> None:
    assert norm.normalize("region_place", raw).value == value


def test_blood_type_dash_glued_to_the_colon_with_a_mark_far_off() -> None:
    found = ktp_fields([
        [("Jenis", 48), ("Kelamin", 88), (":", 187), ("PEREMPUAN", 196),
         ("Gol,", 362), ("Darah", 394), (":-", 439), ("7", 563)],
    ])
    assert found["blood_type"] == "-"


def test_a_phone_photo_birth_form_with_11_read_as_m_and_a_colon_1_and_a_full_stop() -> None:
    # Read from a phone photo of an Aceh (11) birth report: the leading 11 of the mother's
    # NIK and the KK number came out as M, the father's colon and first 1 as one 1, and
    # the signature place ended with a full stop instead of a comma.
    layout = F.layout_for("form", "dukcapil.akta_kelahiran")
    assert layout is not None
    page = line_page([
        [("6.", 20), ("Nama", 50), ("Ibu", 100), ("FITRI", 267), ("SURYADI", 330)],
        [("7.", 20), ("NIK", 50), ("Ibu", 100), (":", 252), ("M08136309798591", 267)],
        [("9", 20), ("NIK", 50), ("Ayah", 100), ("1", 252), ("108132606839689", 267)],
        [("10", 20), ("No.", 50), ("KK", 100), ("1", 252), ("M08131606255803", 267)],
        [("Aceh", 500), ("Utara.", 550), ("25", 620), ("Juni", 650), ("2026", 700)],
    ])
    found = F.extract_fields([page], layout)
    assert {k: found[k].value for k in ("mother_nik", "father_nik", "kk_number", "application_date")} == {
        "mother_nik": "1108136309798591", "father_nik": "1108132606839689",
        "kk_number": "1108131606255803", "application_date": "2026-06-25"}
    # An M in a number that is not 16 digits with it stays unread; so does a dropped 1
    # that does not make a valid NIK.
    page = line_page([[("7.", 20), ("NIK", 50), ("Ibu", 100), (":", 252), ("M0813630979859", 267)],
                      [("9", 20), ("NIK", 50), ("Ayah", 100), ("1", 252), ("108139906839689", 267)]])
    assert "mother_nik" not in F.extract_fields([page], layout)
    assert "father_nik" not in F.extract_fields([page], layout)


def _printed_line(text: str) -> tuple:
    """``text`` printed in the forms' sans font on white, and its box (page pixels, scale 1)."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from sample_docs.sheet import FONT_DIR

    font = ImageFont.truetype(str(FONT_DIR / "LiberationSans-Regular.ttf"), 36)
    image = Image.new("L", (60 + 22 * len(text), 90), 255)
    ImageDraw.Draw(image).text((30, 25), text, font=font, fill=0)
    left, top, right, bottom = ImageDraw.Draw(image).textbbox((30, 25), text, font=font)
    return np.asarray(image), (float(left), float(top), float(right), float(bottom))


def test_an_amount_read_right_but_unsure_on_the_page_is_confirmed_by_its_box() -> None:
    # The page reading gave ``Rp 5.000.000`` at 0.11; the box alone reads the same value surely.
    image, box = _printed_line("Rp 5.000.000")
    page_reading = Field(value=5000000, raw="Rp 5.000.000", confidence=0.11, page=1, bbox=box,
                           source="ocr")
    again = F.surer_reading(page_reading, "money", image, 1.0, 30.0)
    assert again.value == 5000000 and again.confidence > 0.8
    # A value the box does not show is not confirmed: the box's surer reading replaces it.
    other = page_reading.model_copy(update={"value": 8000000, "raw": "Rp 8.000.000", "confidence": 0.3})
    again = F.surer_reading(other, "money", image, 1.0, 30.0)
    assert again.value == 5000000 and "reread" in again.repairs


def test_a_birth_date_on_the_first_of_the_month_keeps_its_day_after_the_colon() -> None:
    # ``: 1 Agustus 2002`` (a digital SKCK form's text layer, held-out seed 129): the 1 after
    # the colon is the day, not the colon read again; without it the date would be lost.
    layout = F.layout_for("form", "polri.skck")
    assert layout is not None
    page = line_page([
        [("3.", 20), ("Tempat", 50), ("Lahir", 110), (":", 252), ("FAK", 267), ("FAK", 300)],
        [("4.", 20), ("Tanggal", 50), ("Lahir", 110), (":", 252), ("1", 267), ("Agustus", 280), ("2002", 350)],
    ])
    assert F.extract_fields([page], layout)["birth_date"].value == "2002-08-01"
    # So is an 11 (``: 11 Mei 1983``, held-out seed 137).
    page = line_page([[("4.", 20), ("Tanggal", 50), ("Lahir", 110), (":", 252), ("11", 267), ("Mei", 290),
                       ("1983", 340)]])
    assert F.extract_fields([page], layout)["birth_date"].value == "1983-05-11"
    # Not dropped first either: ``: 11 September 2005`` had read as the 5th (S taken for 5).
    page = line_page([[("4.", 20), ("Tanggal", 50), ("Lahir", 110), (":", 252), ("11", 267),
                       ("September", 290), ("2005", 400)]])
    assert F.extract_fields([page], layout)["birth_date"].value == "2005-09-11"
    # With no colon read apart, an 11 at the colon is the colon and the day 1 (seed 151).
    page = line_page([[("4.", 20), ("Tanggal", 50), ("Lahir", 110), ("11", 252), ("Juni", 290), ("1987", 340)]])
    assert F.extract_fields([page], layout)["birth_date"].value == "1987-06-01"
    # A colon read as 1 before a whole date is still the colon.
    page = line_page([[("4.", 20), ("Tanggal", 50), ("Lahir", 110), ("1", 252), ("11", 267), ("Agustus", 290),
                       ("2002", 360)]])
    assert F.extract_fields([page], layout)["birth_date"].value == "2002-08-11"


def test_a_place_the_gazetteer_names_as_read_is_not_read_again_for_a_lost_space() -> None:
    from models.domain import Field

    def one_line(value: str) -> Field:
        return Field(value=value, raw=value, confidence=0.9, page=1, bbox=(100.0, 100.0, 400.0, 130.0),
                     source="ocr")

    # Two words run together make no Kemendagri name: worth reading the box again.
    assert F.may_have_lost_a_space(one_line("TANAHSIANG SELATAN"), "region_place")
    assert F.may_have_lost_a_space(one_line("BAMBANGSANTOSO"), "name")
    # A regency or kecamatan spelt as registered has lost no space.
    assert not F.may_have_lost_a_space(one_line("TANAH SIANG SELATAN"), "region_place")
    assert not F.may_have_lost_a_space(one_line("KABUPATEN OGAN KOMERING ILIR"), "place")


def test_a_ktp_nik_read_with_digits_to_spare_beyond_repair_is_read_again_not_lost() -> None:
    # A clean KTP's NIK came out of the page reading as 21 digits (held-out seed 137): the
    # field stays, invalid, and its box read again gives the NIK.
    from extractors.pipeline import reread_weak_fields

    made = F.make_field("nik", [Word(text="121041106099283283838", confidence=0.36, bbox=(0, 0, 10, 10))],
                        1, "ocr")
    assert made is not None and not norm.normalize("nik", str(made.value)).valid
    assert F.make_field("nik", [Word(text="12345", confidence=0.36, bbox=(0, 0, 10, 10))], 1, "ocr") is None
    image, box = _printed_line("2104110609928288")
    found = {"nik": made.model_copy(update={"bbox": box})}
    out = reread_weak_fields(found, "ktp", None, {1: (image, 1.0)}, Limits())
    assert out["nik"].value == "2104110609928288"


def test_a_ktp_birth_date_8_read_as_3_is_read_by_its_glyphs_where_the_nik_says() -> None:
    # A clean KTP printed 06-03-1988 and the page read 1983 (held-out seed 151); every reread
    # agreed. The NIK (a woman: 46 03 88) says where to look; the ink decides.
    nik = Field(value="1275014603885093", raw="1275014603885093", confidence=0.9, page=1, source="ocr")
    sex = Field(value="PEREMPUAN", raw="PEREMPUAN", confidence=0.9, page=1, source="ocr")
    for printed, value in (("06-03-1988", "1988-03-06"), ("06-03-1983", "1983-03-06")):
        image, box = _printed_line(printed)
        read = Field(value="1983-03-06", raw=printed, confidence=0.9, page=1, bbox=box, source="ocr")
        out = {"birth_date": read, "nik": nik, "sex": sex}
        assert F.birth_date_by_nik(read, out, {1: (image, 1.0)}, 30.0).value == value, printed
        # The glyphs alone (every reread of the box read 1983 on that KTP).
        inked = F._date_by_glyphs(read, {1: (image, 1.0)})
        assert (inked.value if inked is not None else read.value) == value, printed


def test_an_email_whose_digits_ind_misreads_is_read_again_in_english() -> None:
    """Held-out seed 217, a clean form: the page read ``ferdi60@`` as ``ferdisd@``."""
    image, box = _printed_line("ferdi60@mail.example")
    read = Field(value="ferdisd@mail.example", raw="ferdisd@mail.example", confidence=0.28, page=1,
                 bbox=box, source="ocr")
    assert F.surer_reading(read, "email", image, 1.0, 30.0).value == "ferdi60@mail.example"


def test_a_kk_number_with_a_digit_to_spare_is_the_one_coded_for_the_kks_province() -> None:
    """Held-out seed 219, a low-contrast KK of Sulawesi Barat: read ``76010106082421429``,
    then as ``1601…`` (Sumatera Selatan) by the reread."""
    from extractors.pipeline import reread_weak_fields

    image, box = _printed_line("1601010608242429")  # as the box alone read it
    read = Field(value="76010106082421429", raw="76010106082421429", confidence=0.68, page=1, bbox=box,
                 source="ocr")
    found = {"kk_number": read,
             "province": Field(value="SULAWESI BARAT", raw="SULAWESI BARAT", confidence=0.96, page=1, source="ocr")}
    out = reread_weak_fields(found, "kk", None, {1: (image, 1.0)}, Limits())
    assert str(out["kk_number"].value).startswith("7601")  # the serial digits are for the ink to tell


def test_a_nik_box_leaves_out_marks_read_after_the_number() -> None:
    """A noisy KTP of held-out seed 215: ``| Ta`` (the photo's edge) read after the NIK made
    its box twice the number's height, too tall for the glyphs' check, and a 3 read for an 8
    in the birth date's digits stayed."""
    words = [Word(text="5309063001333894", confidence=0.7, bbox=(305, 217, 721, 247)),
             Word(text="|", confidence=0.3, bbox=(760, 210, 765, 250)),
             Word(text="Ta", confidence=0.2, bbox=(840, 230, 902, 268))]
    made = F.make_field("nik", words, 1, "ocr")
    assert made is not None and made.value == "5309063001333894"
    assert made.bbox == (305, 217, 721, 247)


def test_a_nik_read_whole_with_an_unknown_region_is_not_made_known_by_a_digit_left_out() -> None:
    """A forged NIK of no kecamatan (116096) on a clean KTP: read whole once, and once with a
    digit to spare. Leaving out a digit of the longer reading gives 111609, a real kecamatan,
    which used to win on that alone: the rules then saw a valid NIK and the defect went unseen."""
    printed = "1160961902887282"
    first = Field(value=printed, raw=printed, confidence=0.9)
    again = Field(value="1" + printed, raw="1" + printed, confidence=0.9)
    chosen = F.choose_nik_reading("nik", first, again, {}, np.zeros((1, 1), np.uint8), 1.0, 5.0)
    assert chosen.value == printed


@pytest.mark.parametrize(("read", "province", "value"), [
    ("19220", "KALIMANTAN TENGAH", "79220"),  # this font's 7 reads as 1 even alone in a clean crop
    ("71220", "JAWA TIMUR", "71220"),  # a 7 could be 1, but zone 1 is not East Java's either
    ("19220", "JAWA BARAT", "19220"),  # Bogor, Depok and Bekasi are in zone 1
    ("86120", "SUMATERA SELATAN", "36120"),
    ("36120", "JAWA TENGAH", "36120"),  # 3 may be 8 or 9, not 5: left for the rules to warn
])
def test_a_postal_code_outside_its_provinces_zone_is_read_by_its_confusable_first_digit(
        read: str, province: str, value: str) -> None:
    item = Field(value=read, raw=read, confidence=0.9)
    got = F.postal_code_by_zone(item, Field(value=province, raw=province, confidence=0.9))
    assert got.value == value


@pytest.mark.parametrize(("raw", "value"), [
    ("VKOTO", "V KOTO"), ("SUMBATIMUR", "SUMBA TIMUR"), ("V KOTO", "V KOTO"), ("KOTO", "KOTO"),
    ("SADAN", "SA''DAN"),  # its apostrophes lost (a phone KK of seed 278)
    ("OB", "OBI"),  # a short name's thin I lost (a phone KK of seed 274)
    ("JUAL", "JUAI"),  # its I read as L (a noisy KTP of seed 269)
    ("PALU", "PALU"), ("MALANG", "MALANG"),  # names with an L stay
    ("BIMA", "BIMA"), ("NGAM", "NGAM"),  # a name stays; no name is this with an I
])
def test_a_region_read_with_a_space_a_mark_or_a_thin_letter_slipped_is_the_one_name_it_can_be(raw: str, value: str) -> None:
    assert norm.normalize("region_place", raw).value == value


def test_a_value_whose_first_letter_ocr_glued_to_the_colon_keeps_it(tmp_path) -> None:  # noqa: ANN001
    """Held-out seed 207: a KTP's ``Kecamatan : V KOTO`` read ``:V KOTO``; the ``:V`` standing
    in the colon column was skipped as a mark, and the kecamatan became KOTO on every one of
    the person's documents."""
    from extractors.pipeline import extract_file
    from sample_docs.generator import generate_documents

    path = generate_documents(207, tmp_path, 5, types=("ktp",), renderings=("clean",))[-1]
    assert extract_file(path).fields["district"].value == "V KOTO"


def test_a_time_read_as_no_time_is_read_again_from_its_box_and_else_dropped() -> None:
    """A low-contrast form's ``15.17`` came out of the page reading as ``2517`` (seed 287):
    the field stays, invalid, its box is read again; where that reads no time either, the
    field is dropped rather than published wrong."""
    from extractors.pipeline import reread_weak_fields

    made = F.make_field("time", [Word(text="2517", confidence=0.14, bbox=(0, 0, 10, 10))], 1, "ocr")
    assert made is not None and not norm.normalize("time", str(made.value)).valid
    image, box = _printed_line("15.17")
    out = reread_weak_fields({"birth_time": made.model_copy(update={"bbox": box})}, "form",
                             "dukcapil.akta_kelahiran", {1: (image, 1.0)}, Limits())
    assert out["birth_time"].value == "15:17"
    image, box = _printed_line("WIB")
    out = reread_weak_fields({"birth_time": made.model_copy(update={"bbox": box})}, "form",
                             "dukcapil.akta_kelahiran", {1: (image, 1.0)}, Limits())
    assert "birth_time" not in out


@pytest.mark.parametrize(("raw", "value"), [
    ("SUKAREIO", "SUKAREJO"), ("SARIREIO", "SARIREJO"),  # a J read I (phone KKs of seeds 275, 286)
    ("PURWOREJO", "PURWOREJO"), ("SARIO", "SARIO"),  # a Kemendagri name with IO stays
    ("CIPTAREYO", "CIPTAREJO"), ("PASIRRENO", "PASIRREJO"),  # a J read Y or N (held-out seed 303)
    ("BAURENO", "BAURENO"), ("HOMEYO", "HOMEYO"), ("KENO", "KENO"),  # Kemendagri's own, a short word
    ("JATIHARIO", "JATIHARJO"), ("CIPTAHARIO", "CIPTAHARJO"),  # phone KKs of seeds 331 and 401
])
def test_a_place_ending_eio_is_ejo(raw: str, value: str) -> None:
    assert norm.normalize("place", raw).value == value


def test_a_forms_nik_with_its_region_codes_7_read_as_1_is_read_back() -> None:
    """A clean form of seed 307: its NIK read ``1326...`` at 0.81 for 7326 (Sesean); only a
    7 there makes a kecamatan code. The repair is named and the confidence capped, so review
    shows it; a NIK whose code is a kecamatan's stays as read."""
    from extractors.pipeline import reread_weak_fields

    read = Field(value="1326020904746982", raw="1326020904746982", confidence=0.81, page=1,
                 bbox=(10, 10, 200, 30))
    out = reread_weak_fields({"nik": read}, "form", "polri.skck", {}, Limits())
    assert out["nik"].value == "7326020904746982"
    assert F.REGION_SEVENS_REPAIR in out["nik"].repairs and out["nik"].confidence <= 0.8
    known = read.model_copy(update={"value": "3174020904746982", "raw": "3174020904746982"})
    assert reread_weak_fields({"nik": known}, "form", "polri.skck", {}, Limits())["nik"].value == "3174020904746982"
