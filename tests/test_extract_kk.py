"""KK member tables read from scans: the ruled grid, the columns, the rows, against ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest

from extractors import table
from extractors.pipeline import extract_file

SAMPLES = Path(__file__).resolve().parents[1] / "sample_docs" / "docs"


@pytest.mark.parametrize("name", ["s3-001_kk_clean.png", "s3-001_kk_noisy.jpg"])
def test_scanned_kk_members_match_the_printed_table(name: str) -> None:
    truth = json.loads((SAMPLES / name).with_suffix(".json").read_text())
    document = extract_file(SAMPLES / name)
    assert document.document_type == "kk"
    members = document.fields["members"]
    assert members.value == truth["fields"]["members"]
    # The clerk's highlight: the members' box lies on the page, over the tables.
    assert members.page == 1 and members.bbox is not None
    assert 0.5 < members.confidence <= 1.0


def test_grid_has_both_member_tables_with_their_columns() -> None:
    gray = cv2.imread(str(SAMPLES / "s3-001_kk_clean.png"), cv2.IMREAD_GRAYSCALE)
    tables = table.find_tables(gray)
    assert [len(t.rows[0].cells) for t in tables] == [10, 9]
    assert all(len(t.rows) == 8 for t in tables)  # header + 7 member rows each
    assert tables[0].box[3] < tables[1].box[1]


def test_a_page_without_rules_has_no_table() -> None:
    gray = cv2.imread(str(SAMPLES / "s3-001_kk_clean.png"), cv2.IMREAD_GRAYSCALE)
    top = gray[: gray.shape[0] // 5]  # title and header fields only
    assert table.find_tables(top) == []
