"""Extraction end to end: real specimen cards, generated samples against their ground truth, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from extractors.pipeline import extract_file

ROOT = Path(__file__).resolve().parents[1]
REAL_KTP = Path("/work/shared/data/real/ktp")
if not REAL_KTP.exists():
    REAL_KTP = ROOT.parent / "shared" / "data" / "real" / "ktp"
SAMPLES = ROOT / "sample_docs" / "docs"
INTAKE = Path(sys.executable).with_name("intake")


def real_cards() -> list[dict]:
    path = REAL_KTP / "truth.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def sample_truths(pattern: str) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(SAMPLES.glob(f"{pattern}.json"))]


def wrong_fields(document, truth: dict) -> dict:
    return {
        key: (expected, document.value(key))
        for key, expected in truth["fields"].items()
        if document.value(key) != expected
    }


@pytest.mark.skipif(not real_cards(), reason="real specimen KTP images not available")
@pytest.mark.parametrize("card", real_cards(), ids=lambda c: c["file"])
def test_real_specimen_ktp_every_field_exact(card: dict) -> None:
    document = extract_file(REAL_KTP / card["file"])
    assert document.status == "ok"
    assert document.document_type == "ktp"
    assert wrong_fields(document, card) == {}
    nik = document.fields["nik"]
    assert nik.source == "ocr" and nik.page == 1 and nik.bbox is not None
    assert 0.0 < nik.confidence <= 1.0


EXACT_RENDERINGS = ("clean", "digital", "multipage")


@pytest.mark.parametrize("truth", sample_truths("s2-001_*"), ids=lambda t: t["file"])
def test_generated_sample_matches_ground_truth(truth: dict) -> None:
    document = extract_file(SAMPLES / truth["file"])
    assert document.document_type == truth["document_type"]
    assert document.service == truth["service"]
    assert document.page_count == truth["page_count"]
    wrong = wrong_fields(document, truth)
    if truth["rendering"] in EXACT_RENDERINGS:
        assert wrong == {}
    else:
        assert len(wrong) <= max(1, len(truth["fields"]) // 10), wrong
    if truth["rendering"] == "digital":
        assert {f.source for f in document.fields.values()} == {"pdf_text"}
        assert document.timings["ocr"] == 0.0


@pytest.mark.slow
@pytest.mark.parametrize("truth", sample_truths("s2-00[2-9]_*"), ids=lambda t: t["file"])
def test_more_generated_samples(truth: dict) -> None:
    test_generated_sample_matches_ground_truth(truth)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(INTAKE), "extract", *args], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, check=False)


def test_cli_json_lines_in_input_order_with_rejections(tmp_path: Path) -> None:
    bogus = tmp_path / "ktp.pdf"
    bogus.write_text("<html><body>not a scan</body></html>")
    digital = sorted(SAMPLES.glob("*_form_digital.pdf"))
    files = [str(bogus), *(str(p) for p in digital[:1])]
    done = run_cli(*files, "--json")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["source"] for line in lines] == files
    assert lines[0]["status"] == "rejected"
    assert lines[0]["error"]["code"] == "unsupported_type"
    if digital:
        form = lines[1]
        assert form["status"] == "ok" and form["document_type"] == "form"
        assert form["service"] == "polri.skck"
        some = next(iter(form["fields"].values()))
        assert set(some) == {"value", "raw", "confidence", "page", "bbox", "source"}


def test_cli_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    done = run_cli(str(tmp_path / "missing.png"), "--json")
    assert done.returncode == 2
    assert done.stdout == ""


def extract_json(path: Path, engine: str) -> dict:
    """``intake extract --json`` of one file with the given OCR engine (``api`` or ``cli``)."""
    done = subprocess.run([str(INTAKE), "extract", str(path), "--json"], capture_output=True,
                          text=True, timeout=300, cwd=ROOT, check=False,
                          env={**os.environ, "INTAKE_OCR_ENGINE": engine})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[0])


def test_in_process_and_subprocess_tesseract_read_a_card_alike() -> None:
    """Tesseract in this process (its C library) and the ``tesseract`` program agree exactly."""
    from extractors import tesseract

    truth = json.loads((SAMPLES / "s2-001_ktp_clean.json").read_text())
    by_engine = {engine: extract_json(SAMPLES / truth["file"], engine) for engine in ("api", "cli")}
    for document in by_engine.values():
        assert document["document_type"] == "ktp"
        assert {k: document["fields"][k]["value"] for k in truth["fields"]} == truth["fields"]
    assert by_engine["api"]["fields"] == by_engine["cli"]["fields"]
    assert tesseract.engine() == "api", "Debian's libtesseract should be used in process"


def test_bench_speed_says_what_it_compares(tmp_path: Path) -> None:
    """``intake bench speed`` names the bare command and the ratio at equal parallelism."""
    for name in ("s2-001_ktp_clean.png", "s2-001_form_clean.png"):
        (tmp_path / name).write_bytes((SAMPLES / name).read_bytes())
    done = subprocess.run([str(INTAKE), "bench", "speed", str(tmp_path), "--workers", "2",
                           "--no-serial"], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, check=False, env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    assert "tesseract IMG stdout -l ind" in done.stdout
    assert "Same 2 pages" in done.stdout
    assert "ratio extract / bare, both 2 at once" in done.stdout


@pytest.mark.parametrize("rendering", ["clean", "noisy"])
def test_a_field_printed_faint_is_read_but_given_low_confidence(rendering: str) -> None:
    """A NIK printed in faint grey may still be read from its strip, but a clerk must look
    at it: its confidence falls below the rules' minimum (0.5) and says why. The other
    fields of the same form keep their confidence."""
    from extractors.pipeline import extract_bytes
    from sample_docs.generator import plan_document, render_file
    from sample_docs.people import derive_rng
    from sample_docs.services import make_case

    case = make_case(derive_rng(11, "case", 1, "polri.skck"), "polri.skck")
    read = {}
    for faint in (None, "nik"):
        plan = plan_document(case, "form", derive_rng(11, "layout", 1), faint_key=faint)
        rendered = render_file([plan], rendering, derive_rng(11, "render", 1))
        read[faint] = extract_bytes(rendered.data, f"form.{rendered.ext}")
    normal, faint = read[None], read["nik"]
    assert not any(r.startswith("faint") for f in normal.fields.values() for r in f.repairs)
    assert normal.fields["nik"].confidence >= 0.5
    # The faint NIK is still read right (from its strip), but not trusted.
    assert faint.fields["nik"].value == normal.fields["nik"].value
    assert faint.fields["nik"].confidence < 0.5
    assert any(r.startswith("faint print") for r in faint.fields["nik"].repairs)
    assert faint.fields["full_name"].confidence >= 0.5


def _printed(text: str) -> "np.ndarray":
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(Path("sample_docs/fonts/LiberationSans-Regular.ttf")), 28)
    image = Image.new("L", (600, 40), 255)
    ImageDraw.Draw(image).text((4, 4), text, font=font, fill=20)
    return np.array(image)


def test_a_space_tesseract_dropped_inside_a_name_is_restored_from_the_print() -> None:
    """``TUTI AYU`` is read ``TUTIAYU`` by Tesseract's ind model; the gap in the print says
    where the space was. A name printed without a space is left as it is."""
    from extractors.reread import _split_by_gaps

    spaced = _printed("TUTI AYU LESMANA")
    box = (0.0, 0.0, 600.0, 40.0)
    assert _split_by_gaps("TUTIAYU LESMANA", spaced, box, 1.0) == "TUTI AYU LESMANA"
    joined = _printed("TUTIAYU LESMANA")
    assert _split_by_gaps("TUTIAYU LESMANA", joined, box, 1.0) is None


@pytest.mark.parametrize(("name", "turn"), [("s2-001_form_clean.png", cv2.ROTATE_180),
                                            ("s2-001_ktp_clean.png", cv2.ROTATE_90_CLOCKWISE)])
def test_a_page_scanned_upside_down_or_sideways_is_read_upright(name: str, turn: int,
                                                                 tmp_path: Path) -> None:
    truth = json.loads((SAMPLES / name).with_suffix(".json").read_text())
    image = cv2.rotate(cv2.imread(str(SAMPLES / name), cv2.IMREAD_GRAYSCALE), turn)
    turned = tmp_path / name
    cv2.imwrite(str(turned), image)
    document = extract_file(turned)
    assert document.document_type == truth["document_type"]
    assert document.value("nik") == truth["fields"]["nik"]
    assert document.value("full_name") == truth["fields"]["full_name"]


def test_a_failure_inside_extraction_rejects_that_document_only(monkeypatch, caplog) -> None:  # noqa: ANN001
    """An internal failure (a bug, not bad input) rejects the document with its reason code
    and no NIK or name in the log; the next file is read as usual."""
    from extractors import pipeline

    ktp = sorted(SAMPLES.glob("*_ktp_clean.png"))[0]
    real = pipeline.extract_document_fields

    def broken(pages, document_type, service):  # noqa: ANN001, ANN202
        if document_type == "ktp":
            raise ValueError("not enough values to unpack")
        return real(pages, document_type, service)

    monkeypatch.setattr(pipeline, "extract_document_fields", broken)
    document = extract_file(ktp)
    assert document.status == "rejected" and document.error is not None
    assert document.error.code == "extraction_failed" and ktp.name in document.error.message
    assert document.sha256  # the original is identified, and kept where it was
    assert "ValueError" in caplog.text
    truth = json.loads(ktp.with_suffix(".json").read_text())
    assert truth["fields"]["nik"] not in caplog.text and truth["fields"]["full_name"] not in caplog.text
    form = sorted(SAMPLES.glob("*_form_clean.png"))[0]
    assert extract_file(form).status == "ok"
