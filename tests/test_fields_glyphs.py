"""NIK digits checked against the number's own glyphs (``extractors.fields.digits_by_glyphs``)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from extractors import fields as F


def printed(text: str) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    image = np.full((60, 40 + 30 * len(text)), 255, np.uint8)
    cv2.putText(image, text, (20, 45), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3, cv2.LINE_AA)
    return image, (15.0, 15.0, 20.0 + 27.0 * len(text), 48.0)


def printed_number(text: str) -> list[np.ndarray]:
    shapes = F.digit_glyphs(*printed(text), 1.0)
    assert len(shapes) == len(text)
    return shapes


@pytest.mark.parametrize(("printed", "read"), [
    # ``6888`` read ``6338``: each 3 looks like the other (both are 8s), so the 3s are no
    # reference for a 3; the number has more 8s of the same shape.
    ("1871076909896888", "1871076909896338"),
    ("1871076909896888", "1871076909896838"),  # a lone 3 with the 8s' shape
    ("1809022908938989", "1809022908938983"),  # a 9 read as 3, like the number's other 9s
    # The glyphs of one shape vote: two 8s read as 3 lose to three read as 8; a real 3 stays.
    ("1871076903896888", "1371076903396888"),
    ("5204072604681038", "5204072604681938"),  # a noisy KTP's 0 read as 9, like its other 0s
    ("5204072604681938", "5204072604681938"),  # a real 9 stays
    ("1871076909896888", "1871076909896888"),  # read right: kept
    ("3603205807066483", "3603205807066483"),  # a lone 8 is not taken for a 3
])
def test_digit_misread_is_read_by_the_number_own_glyphs(printed: str, read: str) -> None:
    assert F.digits_by_glyphs(read, printed_number(printed)) == printed


def test_a_reading_with_a_digit_too_many_is_cut_where_the_glyphs_say() -> None:
    """``…9689545`` read ``…96839545``: dropping the 3 is one way among many that fit the
    card; the one whose digits pair up with the glyphs' look-alikes is taken."""
    from models.domain import Field

    image, box = printed("3171036809689545")
    item = Field(value="3171036809683954", raw="31710368096839545", confidence=0.7, page=1,
                 bbox=box, source="ocr", repairs=["surplus digits"])
    assert F.nik_checked_by_glyphs("nik", item, {"nik": item}, image, 1.0).value == "3171036809689545"
    right = item.model_copy(update={"value": "3171036809689545", "raw": "3171036809689545"})
    assert F.nik_checked_by_glyphs("nik", right, {"nik": right}, image, 1.0).value == "3171036809689545"


def test_only_an_8_has_two_holes_so_an_8_read_as_3_is_an_8() -> None:
    shapes = printed_number("0123456789")
    assert F.glyph_holes(shapes[8]) == 2
    assert all(F.glyph_holes(shapes[int(d)]) < 2 for d in "12345679")
    # A crisp KTP's last 8 read as 3 (the number has no other 8 to compare it with).
    assert F.digits_by_holes("3519111906015423", printed_number("3519111906015428")) == "3519111906015428"
    # Real 3s stay 3s.
    assert F.digits_by_holes("3519111906015423", printed_number("3519111906015423")) == "3519111906015423"


def test_a_7_read_as_1_is_a_7_when_it_matches_the_number_own_7() -> None:
    # A clean form read 7603… as 1603…: its first glyph is the shape of the number's other 7,
    # not of its 1s.
    assert F.digits_by_glyphs("1603091209876686", printed_number("7603091209876686")) == "7603091209876686"
    # Real 1s next to a 7 stay 1s, and a 1 read as 7 is a 1.
    assert F.digits_by_glyphs("3171011209876686", printed_number("3171011209876686")) == "3171011209876686"
    assert F.digits_by_glyphs("3171071209876686", printed_number("3171011209876686")) == "3171011209876686"


def test_a_nik_read_by_its_glyphs_keeps_no_raw_reading_to_settle_it_by() -> None:
    from models.domain import Field

    image, box = printed("7603091209876686")
    item = Field(value="1603091209876686", raw="1603091209876686", confidence=0.75, page=1,
                 bbox=box, source="ocr")
    checked = F.nik_checked_by_glyphs("nik", item, {"nik": item}, image, 1.0)
    assert checked.value == "7603091209876686"
    assert F.with_equal_readings("nik", checked, {"nik": checked}).readings == []


def test_a_blank_glyph_leaves_its_digit_as_read() -> None:
    # A box with no ink (a speck-free gap the cut took for a digit) is like no glyph, not
    # even itself: the digit stays as read and nothing fails.
    shapes = printed_number("7603091209876686")
    shapes[0] = np.zeros_like(shapes[0])
    assert F.digits_by_glyphs("1603091209876686", shapes) == "1603091209876686"


def test_a_figure_read_8_without_an_8s_holes_is_the_digit_the_card_names() -> None:
    from models.domain import Field

    # A clean form read the day 62 (22, a woman) as 82; the number has no other 6 to compare
    # the glyph with, but its 8s show two holes and this one shows one.
    image, box = printed("1872036204841087")
    shapes = F.digit_glyphs(image, box, 1.0)
    assert "1872036204841087" in F.readings_without_false_eights("1872038204841087", shapes)
    found = {"birth_date": Field(value="1984-04-22", confidence=0.9, page=1, source="ocr"),
             "sex": Field(value="PEREMPUAN", confidence=0.9, page=1, source="ocr")}
    item = Field(value="1872038204841087", raw="1872038204841087", confidence=0.8, page=1,
                 bbox=box, source="ocr")
    found["nik"] = item
    assert F.nik_checked_by_glyphs("nik", item, found, image, 1.0).value == "1872036204841087"
    # Real 8s stay 8s, whatever the card says.
    image, box = printed("1872038204841087")
    assert F.readings_without_false_eights("1872038204841087", F.digit_glyphs(image, box, 1.0)) == []
    real = item.model_copy(update={"bbox": box})
    assert F.nik_checked_by_glyphs("nik", real, {**found, "nik": real}, image, 1.0).value == "1872038204841087"
    # With nothing on the card to name the digit (one hole: 6, 0 or 9 alike), it stays as read.
    assert F.nik_checked_by_glyphs("nik", item, {"nik": item}, *printed("1872036204841087")[:1], 1.0).value \
        == "1872038204841087"


def test_a_6_whose_curl_closes_is_no_8_where_the_number_has_8s_it_is_unlike() -> None:
    # A clean form's 6 showed a second hole (held-out seed 123: day 62 turned 82, invalid):
    # the number's 8s have two holes too, and this glyph looks like none of them.
    shapes = printed_number("1872036204841087")
    holed_six = shapes[6].copy()
    holed_six[9:11, 6:9] = 0.0  # a speck of paper inside the 6's stem
    assert F.glyph_holes(holed_six) == 2
    shapes[6] = holed_six
    assert F.digits_by_holes("1872036204841087", shapes) == "1872036204841087"
    # A real 8 read as 3 is still an 8: it looks like the number's other 8s.
    assert F.digits_by_holes("1872036204841037", printed_number("1872036204841087")) == "1872036204841087"
