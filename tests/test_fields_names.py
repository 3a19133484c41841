"""A space Tesseract drops inside a name, restored from the print (``extractors.reread``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors.reread import _split_by_gaps

FONTS = Path(__file__).resolve().parent.parent / "sample_docs" / "fonts"
BOX = (0.0, 0.0, 600.0, 40.0)


def printed(text: str, font: str = "LiberationSans-Regular.ttf", size: int = 28) -> np.ndarray:
    image = Image.new("L", (600, 40), 255)
    ImageDraw.Draw(image).text((4, 4), text, font=ImageFont.truetype(str(FONTS / font), size), fill=20)
    return np.array(image)


@pytest.mark.parametrize(("font", "size"), [("LiberationSans-Regular.ttf", 28),
                                            ("LiberationSans-Regular.ttf", 24),
                                            ("LiberationSansNarrow-Regular.ttf", 28)])
def test_a_space_between_two_sloping_letters_is_restored(font: str, size: int) -> None:
    """``MEGA AYU``: the blank between the two A's is no wider than between M and E; the
    A's sloping sides are the white that makes it a space."""
    assert _split_by_gaps("MEGAAYU SINAGA", printed("MEGA AYU SINAGA", font, size), BOX, 1.0) == "MEGA AYU SINAGA"


@pytest.mark.parametrize(("printed_as", "font"), [("SITI AYU LUBIS", "LiberationSerif-Regular.ttf"),
                                                   ("LILI AYU LUBIS", "LiberationSans-Regular.ttf")])
def test_a_space_after_thin_letters_is_restored(printed_as: str, font: str) -> None:
    """``SITI`` has two thin I's: it takes less of ``SITIAYU``'s width (0.45-0.48) than its
    share of the letters (4 of 7), so the cut is checked against the letters' widths in a
    sans face (a clean form of seed 271 read ``SITIAYU LUBIS``, its print showing the space)."""
    read_as = printed_as.replace(" ", "", 1)
    assert _split_by_gaps(read_as, printed(printed_as, font), BOX, 1.0) == printed_as


@pytest.mark.parametrize("text", ["MAULANA SINAGA", "ISMAIL PRATAMA", "SETIADI RETNO", "HUTAGALUNG SLAMET"])
@pytest.mark.parametrize("font", ["LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"])
def test_one_word_is_not_split_where_a_letter_leaves_white(text: str, font: str) -> None:
    """The white under a T's bar, beside an L's stem or between an E's arms is the letter's own."""
    assert _split_by_gaps(text, printed(text, font), BOX, 1.0) is None


def test_a_form_name_read_run_together_is_read_with_its_space() -> None:
    """A form printing ``MEGA AYU SINAGA``, which Tesseract's page reading gives as ``MEGAAYU``."""
    import dataclasses

    from extractors.pipeline import extract_bytes
    from sample_docs.generator import plan_document, render_file
    from sample_docs.people import derive_rng
    from sample_docs.services import make_case

    case = make_case(derive_rng(100, "case", "polri.skck"), "polri.skck")
    case = dataclasses.replace(case, applicant=dataclasses.replace(case.applicant, full_name="MEGA AYU SINAGA"))
    plan = plan_document(case, "form", derive_rng(100, "layout", "form"))
    rendered = render_file([plan], "clean", derive_rng(100, "render", "clean"))
    document = extract_bytes(rendered.data, f"form.{rendered.ext}")
    assert document.fields["full_name"].value == "MEGA AYU SINAGA"



def test_a_name_word_is_not_cut_into_a_part_that_is_no_name_word() -> None:
    """Letters of seed 347 (noisy, low contrast) gave RAHMA MAULANA as ``RAHMA MAUL ANA``:
    the white beside the L's stem before an A looked like a space, and MAUL and ANA each read
    alone. MAULANA is a name word and MAUL none: the word stays whole, whatever the gaps say.
    A word that is no name word (``MEGAAYU``) is still split by the print."""
    from extractors.reread import split_run_together_names
    from models.domain import Field

    def field(value: str) -> Field:
        return Field(value=value, raw=value, confidence=0.9, page=1, bbox=BOX, source="pattern")

    maulana = {1: (printed("RAHMA MAUL ANA"), 1.0)}
    assert _split_by_gaps("RAHMA MAULANA", maulana[1][0], BOX, 1.0) == "RAHMA MAUL ANA"  # the gaps alone
    assert split_run_together_names({"mother_name": field("RAHMA MAULANA")}, {}, maulana)[
        "mother_name"].value == "RAHMA MAULANA"
    mega = {1: (printed("MEGA AYU SINAGA"), 1.0)}
    assert split_run_together_names({"mother_name": field("MEGAAYU SINAGA")}, {}, mega)[
        "mother_name"].value == "MEGA AYU SINAGA"


def test_a_word_is_not_split_where_a_serif_l_leaves_white_before_an_a() -> None:
    """Split ``WUL AN`` on generated scans: a serif L's open side and foot before an A make
    white, but few blank columns, unlike the line's real space."""
    image = printed("WULAN PERMANA", "LiberationSerif-Regular.ttf", 20).astype(np.float32)
    noisy = np.clip(image + np.random.default_rng(0).normal(0, 8, image.shape), 0, 255).astype(np.uint8)
    assert _split_by_gaps("WULAN PERMANA", noisy, BOX, 1.0) is None
    # The same noise on a real run-together space still splits it.
    image = printed("MEGA AYU SINAGA", "LiberationSerif-Regular.ttf", 20).astype(np.float32)
    noisy = np.clip(image + np.random.default_rng(0).normal(0, 8, image.shape), 0, 255).astype(np.uint8)
    assert _split_by_gaps("MEGAAYU SINAGA", noisy, BOX, 1.0) == "MEGA AYU SINAGA"


@pytest.mark.parametrize(("value", "kind", "split"), [
    ("ADITYAANWAR", "name", "ADITYA ANWAR"),             # a blurred KK header: no gap to see
    ("EKO PUTRAANWAR", "name", "EKO PUTRA ANWAR"),
    ("MARTAATMAJA", "name", "MARTAATMAJA"),              # a name word of its own stays
    ("SAADAH LUBIS", "name", "SAADAH LUBIS"),            # a double A near the word's edge
    ("BUNGAASTRI", "name", "BUNGAASTRI"),                # ASTRI is no name word the lexicon knows
    ("JL. NIAGAACEH TENGGARA NO. 238", "text", "JL. NIAGA ACEH TENGGARA NO. 238"),
    ("JL. NIAGAACEH NO. 238", "text", "JL. NIAGAACEH NO. 238"),  # no region name follows
])
def test_two_words_run_together_at_a_double_a_are_split_only_into_known_words(
        value: str, kind: str, split: str) -> None:
    from extractors.normalize import name_words, split_at_double_a

    assert "ASTRI" not in name_words()
    assert split_at_double_a(value, kind) == split


def test_run_together_names_and_addresses_of_held_out_seed_229_are_read_with_their_spaces(
        tmp_path: Path) -> None:
    """A noisy letter read ``EKO PUTRAANWAR`` for its subject (and in its list of persons), and a
    permit form ``JL. NIAGAACEH TENGGARA`` for the business address on three renderings: the
    print shows too little white between the two A's for the gap test, the box read alone
    runs them together again."""
    from extractors.pipeline import extract_file
    from sample_docs.generator import generate_documents

    letter = generate_documents(229, tmp_path, 11, types=("letter",), renderings=("noisy",))[-1]
    fields = extract_file(letter).fields
    assert fields["subject_name"].value == "EKO PUTRA ANWAR"
    assert "EKO PUTRA ANWAR" in fields["persons"].value
    form = generate_documents(229, tmp_path, 11, types=("form",), renderings=("noisy",))[-1]
    assert extract_file(form).fields["business_address"].value == "JL. NIAGA ACEH TENGGARA NO. 238"


def test_a_letters_signer_run_together_at_a_double_a_is_split_by_name_words(tmp_path: Path) -> None:
    """Held-out seed 225 (three renderings, ``ADITYAADI KUSUMA``) and 237 (a phone letter,
    ``ADITYAANWAR``): the signer's name under the signature is split at the double A where both
    sides are name words, in the list of persons too."""
    from extractors.pipeline import extract_file
    from sample_docs.generator import generate_documents

    letter = generate_documents(225, tmp_path, 11, types=("letter",), renderings=("clean",))[-1]
    fields = extract_file(letter).fields
    assert fields["signer_name"].value == "ADITYA ADI KUSUMA"
    assert "ADITYA ADI KUSUMA" in fields["persons"].value


@pytest.mark.parametrize(("printed_as", "stays"), [("ANI AYU LUBIS", False), ("ANT AYU LUBIS", True)])
def test_a_serif_i_read_as_t_is_put_right_only_where_the_print_shows_an_i(printed_as: str, stays: bool) -> None:
    """``ANT`` read for ANI (a serif I's feet taken for a T's bar: forms and letters of seeds
    287 and 289) is ANI where the blob is an I's width; a T printed as such stays."""
    from extractors.reread import serif_i_read_as_t
    from models.domain import Field

    image = printed(printed_as, "LiberationSerif-Regular.ttf")
    read = Field(value="ANT AYU LUBIS", raw="ANT AYU LUBIS", confidence=0.76, page=1, bbox=BOX, source="ocr")
    found = serif_i_read_as_t({"full_name": read}, {"full_name": "name"}, {1: (image, 1.0)})
    assert found["full_name"].value == ("ANT AYU LUBIS" if stays else "ANI AYU LUBIS")
