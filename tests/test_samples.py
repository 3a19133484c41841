"""The sample generator: deterministic, truthful ground truth, correct on-disk layout."""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import subprocess
from datetime import date
from pathlib import Path

import numpy as np
import pdfplumber
import pytest
from PIL import Image
from typer.testing import CliRunner

from cli.samples_cmd import app as samples_app
from sample_docs import degrade
from sample_docs.defects import apply_defect
from sample_docs.generator import generate_applications, generate_documents
from sample_docs.people import derive_rng, known_region_prefixes
from sample_docs.services import make_case


def _tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _assert_nik_matches(nik: str, birth_date: str, sex: str) -> None:
    assert len(nik) == 16 and nik.isdigit()
    assert nik[:6] in known_region_prefixes()
    born = date.fromisoformat(birth_date)
    day = int(nik[6:8]) - (40 if sex == "PEREMPUAN" else 0)
    assert (day, int(nik[8:10]), int(nik[10:12])) == (born.day, born.month, born.year % 100)
    assert nik[12:] != "0000"


def test_same_seed_gives_identical_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    """Re-running with a seed reproduces every byte; another seed gives other files."""
    kwargs = {"types": ("ktp", "form"), "renderings": ("noisy", "digital")}
    generate_documents(11, tmp_path / "a", 1, **kwargs)
    generate_documents(11, tmp_path / "b", 1, **kwargs)
    generate_documents(12, tmp_path / "c", 1, **kwargs)
    first, second = _tree_hashes(tmp_path / "a"), _tree_hashes(tmp_path / "b")
    assert len(first) == 8
    assert first == second
    assert set(_tree_hashes(tmp_path / "c").values()).isdisjoint(first.values())


def test_application_layout_keeps_truth_outside_inbox_and_agrees_across_documents(
    tmp_path: Path,
) -> None:
    """Inbox holds files + manifest only; form, KTP and KK show the same applicant."""
    [app_dir] = generate_applications(5, tmp_path, 1, services=["polri.skck"], renderings=["clean"])
    assert app_dir == tmp_path / "inbox" / "polri.skck" / app_dir.name
    manifest = json.loads((app_dir / "manifest.json").read_text())
    assert manifest["application_id"] == app_dir.name
    assert manifest["service"] == "polri.skck"
    assert sorted(manifest["files"]) == ["form.png", "kk.png", "ktp.png"]
    assert all((app_dir / name).is_file() for name in manifest["files"])
    assert [p.name for p in (tmp_path / "inbox").rglob("*.json")] == ["manifest.json"]

    truth = tmp_path / "truth" / app_dir.name
    form = json.loads((truth / "form.json").read_text())["fields"]
    ktp = json.loads((truth / "ktp.json").read_text())["fields"]
    application = json.loads((truth / "application.json").read_text())
    assert application["defect"] is None
    for key in ("nik", "full_name", "birth_date", "birth_place", "sex", "religion"):
        assert form[key] == ktp[key], key
    _assert_nik_matches(ktp["nik"], ktp["birth_date"], ktp["sex"])
    assert form["phone"].startswith("+628")
    assert len(ktp["rt_rw"]) == 7 and ktp["rt_rw"][3] == "/"
    with Image.open(app_dir / "ktp.png") as card:
        assert card.size == (1011, 638)
    kk = json.loads((truth / "kk.json").read_text())["fields"]
    [me] = [m for m in kk["members"] if m["nik"] == ktp["nik"]]
    assert me["full_name"] == ktp["full_name"]
    assert kk["members"][0]["relationship"] == "KEPALA KELUARGA"
    assert (kk["address"], kk["rt_rw"], kk["village"]) == (
        ktp["address"],
        ktp["rt_rw"],
        ktp["village"],
    )


def test_birth_report_documents_name_the_same_parents(tmp_path: Path) -> None:
    """Form, KK, letter and both KTPs of a birth report agree on the parents."""
    [app_dir] = generate_applications(
        6, tmp_path, 1, services=["dukcapil.akta_kelahiran"], renderings=["digital"]
    )
    manifest = json.loads((app_dir / "manifest.json").read_text())
    assert manifest["files"] == [
        "form.pdf",
        "kk.png",
        "letter.png",
        "ktp_father.png",
        "ktp_mother.png",
    ]
    truth = tmp_path / "truth" / app_dir.name
    form, kk, letter, father, mother = (
        json.loads((truth / f"{stem}.json").read_text())["fields"]
        for stem in ("form", "kk", "letter", "ktp_father", "ktp_mother")
    )
    assert form["kk_number"] == kk["kk_number"]
    assert form["father_nik"] == form["reporter_nik"] == father["nik"] == letter["father_nik"]
    assert form["mother_nik"] == mother["nik"] == letter["mother_nik"]
    assert {father["nik"], mother["nik"]} <= {m["nik"] for m in kk["members"]}
    assert letter["letter_type"] == "keterangan_lahir"
    assert (form["child_name"], form["birth_date"], form["birth_time"]) == (
        letter["child_name"],
        letter["birth_date"],
        letter["birth_time"],
    )
    _assert_nik_matches(mother["nik"], mother["birth_date"], "PEREMPUAN")
    with pdfplumber.open(app_dir / "form.pdf") as doc:
        assert "PELAPORAN KELAHIRAN" in doc.pages[0].extract_text()


def test_defects_are_named_and_visible_in_the_ground_truth(tmp_path: Path) -> None:
    """Defect applications say which defect, and their documents show it."""
    services = ["dpmptsp.izin_usaha"]
    apps = generate_applications(
        8, tmp_path, 3, services=services, renderings=["clean"], defects=True
    )
    truths = [
        json.loads((tmp_path / "truth" / a.name / "application.json").read_text()) for a in apps
    ]
    assert [t["defect"] for t in truths] == [None, "missing_document", "nik_mismatch_form_ktp"]
    assert truths[1]["files"] == ["form.png"] and truths[1]["defect_document"] == "ktp"
    form = json.loads((tmp_path / "truth" / apps[2].name / "form.json").read_text())["fields"]
    ktp = json.loads((tmp_path / "truth" / apps[2].name / "ktp.json").read_text())["fields"]
    assert form["nik"] != ktp["nik"] and form["owner_name"] == ktp["full_name"]
    assert truths[2]["defect_fields"] == ["nik"]


def test_digital_pdf_text_layer_shows_the_ground_truth(tmp_path: Path) -> None:
    """The digital form's text layer prints exactly the ground-truth values."""
    [pdf] = generate_documents(3, tmp_path, 1, types=("form",), renderings=("digital",))
    fields = json.loads(pdf.with_suffix(".json").read_text())["fields"]
    with pdfplumber.open(pdf) as doc:
        text = doc.pages[0].extract_text()
    assert "SURAT KETERANGAN CATATAN KEPOLISIAN" in text
    assert f"NIK : {fields['nik']}" in text
    assert f"Nama Lengkap : {fields['full_name']}" in text


def test_clean_ktp_scan_reads_back_with_tesseract(tmp_path: Path) -> None:
    """A clean KTP scan is legible: Tesseract reads its NIK and name."""
    [png] = generate_documents(4, tmp_path, 1, types=("ktp",), renderings=("clean",))
    fields = json.loads(png.with_suffix(".json").read_text())["fields"]
    out = subprocess.run(
        ["tesseract", str(png), "-", "-l", "ind", "--psm", "6"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    ).stdout
    assert fields["nik"] in out.replace(" ", "")
    assert fields["full_name"] in out


@pytest.mark.parametrize("layout", ["documents", "applications"])
def test_cli_generate_writes_files(tmp_path: Path, layout: str) -> None:
    """``intake samples generate`` writes the chosen layout."""
    result = CliRunner().invoke(
        samples_app,
        [
            "generate",
            "--seed",
            "9",
            "--count",
            "1",
            "--layout",
            layout,
            "--types",
            "ktp",
            "--renderings",
            "clean",
            "--services",
            "polri.skck",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    if layout == "documents":
        assert (tmp_path / "s9-001_ktp_clean.png").is_file()
        assert (tmp_path / "s9-001_ktp_clean.json").is_file()
    else:
        assert len(list((tmp_path / "inbox" / "polri.skck").glob("*/manifest.json"))) == 1


def test_cli_rejects_unknown_rendering(tmp_path: Path) -> None:
    """An unknown rendering is a usage error naming it, not a traceback."""
    result = CliRunner().invoke(
        samples_app, ["generate", "--seed", "1", "--renderings", "sepia", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "sepia" in result.output


@pytest.mark.parametrize(
    ("defect", "broken"),
    [("nik_sex_mismatch", "sex"), ("nik_date_mismatch", "date"), ("unknown_region", "region")],
)
def test_nik_defects_break_exactly_one_nik_property(defect: str, broken: str) -> None:
    """Each NIK defect breaks its own property of the NIK and nothing else."""
    case = make_case(derive_rng(1, "defect-test", defect), "polri.skck")
    person = case.applicant
    info = apply_defect(case, defect, derive_rng(1, "apply", defect))
    nik = person.nik
    assert info.defect == defect and info.document == "ktp"
    female_encoded = int(nik[6:8]) > 40
    day = int(nik[6:8]) - (40 if female_encoded else 0)
    encoded = (day, int(nik[8:10]), int(nik[10:12]))
    born = person.birth_date
    assert (female_encoded != (person.sex == "PEREMPUAN")) == (broken == "sex")
    assert (encoded != (born.day, born.month, born.year % 100)) == (broken == "date")
    assert (nik[:6] not in known_region_prefixes()) == (broken == "region")


@pytest.mark.parametrize("seed", [0, 2, 3])
def test_phone_photo_keeps_every_thin_stroke(seed: int) -> None:
    """A camera sums the light over each of its pixels: a hairline a third of a photo pixel
    thick comes out faint, never gone. (Sampled, not averaged, whole strokes vanished: a T
    lost its bar, a 7 read as a slash.)"""
    page = np.full((3508, 2480), 255, np.uint8)
    hairlines = range(600, 2900, 23)
    for y in hairlines:
        page[y, 400:2080] = 0
    photo = degrade.phone(Image.fromarray(page, "L"), random.Random(seed), colour=False)
    gray = np.asarray(Image.open(io.BytesIO(photo.data)).convert("L"), dtype=np.float32)
    column = gray[:, 600:630].mean(axis=1)  # crosses every hairline once, whatever the perspective
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(column, 4, mode="edge"), 9)
    dips = sorted((float(w.max() - v) for v, w in zip(column, windows, strict=True) if v == w.min()),
                  reverse=True)
    # every hairline a dip at least 20 grey levels deep (measured 28-40; sampled, 2-16)
    assert dips[len(hairlines) - 1] >= 20
