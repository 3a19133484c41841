"""Deterministic synthetic sample documents and applications, with ground truth.

Two layouts:

- ``generate_applications`` writes ``out_dir/inbox/<service>/<application_id>/`` with the
  documents and ``manifest.json``, and the ground truth under ``out_dir/truth/`` (outside
  the inbox prefix, so uploading ``inbox/`` never uploads the answers).
- ``generate_documents`` writes flat ``out_dir/<id>_<type>_<rendering>.<ext>`` files with
  ``<id>_<type>_<rendering>.json`` beside each.

Everything is seeded: the same seed gives byte-identical files.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from PIL import Image

from sample_docs import degrade
from sample_docs.defects import DEFECTS, DefectInfo, apply_defect
from sample_docs.layouts import Style, form_fields, form_sheet, kk_sheet, ktp_sheet
from sample_docs.letters import (
    LETTER_TYPES,
    keterangan_domisili,
    keterangan_lahir,
    letter_sheet,
    pengantar_rt_rw,
)
from sample_docs.people import derive_rng
from sample_docs.services import FORM_CONTENT, Case, make_case
from sample_docs.sheet import Sheet, images_to_pdf, rasterize, to_pdf

RENDERINGS: tuple[str, ...] = ("clean", "noisy", "phone", "digital", "multipage", "low_contrast")
DOCUMENT_TYPES: tuple[str, ...] = ("ktp", "kk", "form", "letter")
SERVICE_CODES: tuple[str, ...] = tuple(FORM_CONTENT)
DEFAULT_APPLICATION_RENDERINGS: tuple[str, ...] = ("clean", "noisy", "phone", "digital")

#: service -> document stems an application holds (stem = file name without extension)
REQUIRED_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "polri.skck": ("form", "ktp", "kk"),
    "dukcapil.akta_kelahiran": ("form", "kk", "letter", "ktp_father", "ktp_mother"),
    "dpmptsp.izin_usaha": ("form", "ktp"),
    "imigrasi.paspor": ("form", "ktp", "kk"),
}
SERVICE_SHORT: dict[str, str] = {
    "polri.skck": "skck",
    "dukcapil.akta_kelahiran": "akta",
    "dpmptsp.izin_usaha": "izin",
    "imigrasi.paspor": "paspor",
}

Progress = Callable[[], None]


@dataclass
class Plan:
    """One document to render: its type, the sheet drawn and its ground-truth fields."""

    document_type: str
    service: str | None
    sheet: Sheet
    fields: dict[str, Any]
    colour: bool = False


@dataclass(frozen=True)
class RenderedFile:
    """An encoded file and what its ground truth needs to say about it."""

    data: bytes
    ext: str
    media_type: str
    dpi: int | None
    pages: tuple[Plan, ...]


def plan_letter(case: Case, letter_type: str, rng: random.Random, *, varied: bool = True) -> Plan:
    """Lay out a prose letter of ``letter_type`` about ``case``."""
    if letter_type == "keterangan_lahir":
        x = case.extra
        letter = keterangan_lahir(rng, x["child"], case.applicant, x["mother"], x["birth_minutes"])
    elif letter_type == "pengantar_rt_rw":
        letter = pengantar_rt_rw(
            rng, case.applicant, case.application_date - timedelta(days=rng.randint(1, 20))
        )
    elif letter_type == "keterangan_domisili":
        letter = keterangan_domisili(
            rng, case.applicant, case.application_date - timedelta(days=rng.randint(1, 30))
        )
    else:
        raise ValueError(
            f"unknown letter type {letter_type!r}; choose from {', '.join(LETTER_TYPES)}"
        )
    return Plan("letter", None, letter_sheet(letter, Style.pick(rng, varied), rng), letter.fields)


def plan_document(
    case: Case,
    stem: str,
    rng: random.Random,
    *,
    varied: bool = True,
    faint_key: str | None = None,
) -> Plan:
    """Lay out one document of ``case``: ``form``, ``ktp``, ``ktp_father``, ``ktp_mother``,
    ``kk`` or ``letter`` (the service's own letter: keterangan_lahir for births)."""
    if stem in ("ktp", "ktp_father"):
        sheet, fields = ktp_sheet(case.applicant, rng)
        return Plan("ktp", None, sheet, fields, colour=True)
    if stem == "ktp_mother":
        sheet, fields = ktp_sheet(case.extra["mother"], rng)
        return Plan("ktp", None, sheet, fields, colour=True)
    if stem == "kk":
        if case.family is None:
            raise ValueError("this case has no family for a KK")
        sheet, fields = kk_sheet(case.family, rng)
        return Plan("kk", None, sheet, fields)
    if stem == "form":
        content = FORM_CONTENT[case.service](case, rng)
        sheet = form_sheet(content, Style.pick(rng, varied), rng, faint_key=faint_key)
        return Plan("form", case.service, sheet, form_fields(content))
    if stem == "letter":
        letter_type = "keterangan_lahir" if "child" in case.extra else "pengantar_rt_rw"
        return plan_letter(case, letter_type, rng, varied=varied)
    raise ValueError(f"unknown document {stem!r}")


def _companion_type(document_type: str) -> str:
    return {"form": "ktp", "ktp": "kk", "kk": "ktp", "letter": "ktp"}[document_type]


def _ktp_photocopy_page(card: Image.Image) -> Image.Image:
    """A KTP copied at actual size near the top of a white A4 page (300 DPI)."""
    page = Image.new("RGB", (2480, 3508), (255, 255, 255))
    page.paste(card, (236, 236))
    return page


def _page_image(plan: Plan) -> Image.Image:
    image = rasterize(plan.sheet, degrade.SOURCE_DPI)
    return _ktp_photocopy_page(image) if plan.document_type == "ktp" else image


def render_file(plans: Sequence[Plan], rendering: str, rng: random.Random) -> RenderedFile:
    """Encode ``plans`` (one, or two for ``multipage``) in ``rendering``."""
    first = plans[0]
    if rendering == "digital":
        data = to_pdf([first.sheet], title=first.document_type)
        return RenderedFile(data, "pdf", "application/pdf", None, (first,))
    if rendering == "multipage":
        scans = [degrade.scan_page(_page_image(plan), rng) for plan in plans]
        data = images_to_pdf([(s.data, s.width, s.height, s.dpi or 200) for s in scans], "scan")
        return RenderedFile(data, "pdf", "application/pdf", scans[0].dpi, tuple(plans))
    draw = {
        "clean": degrade.clean,
        "noisy": degrade.noisy,
        "phone": degrade.phone,
        "low_contrast": degrade.low_contrast,
    }.get(rendering)
    if draw is None:
        raise ValueError(f"unknown rendering {rendering!r}; choose from {', '.join(RENDERINGS)}")
    raster = draw(rasterize(first.sheet, degrade.SOURCE_DPI), rng, colour=first.colour)
    return RenderedFile(raster.data, raster.ext, raster.media_type, raster.dpi, (first,))


def truth_of(rendered: RenderedFile, rendering: str, file_name: str) -> dict[str, Any]:
    """Ground truth of one file (see README.md in sample_docs for the format)."""
    first = rendered.pages[0]
    return {
        "file": file_name,
        "document_type": first.document_type,
        "service": first.service,
        "rendering": rendering,
        "media_type": rendered.media_type,
        "page_count": len(rendered.pages),
        "dpi": rendered.dpi,
        "text_layer": rendering == "digital",
        "fields": first.fields,
        "pages": [
            {
                "page": number,
                "document_type": plan.document_type,
                "service": plan.service,
                "fields": plan.fields,
            }
            for number, plan in enumerate(rendered.pages, start=1)
        ],
    }


def write_json(path: Path, payload: dict[str, Any]) -> None:
    """Write ``payload`` as stable, human-readable JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _check_choices(values: Sequence[str], allowed: Sequence[str], what: str) -> None:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(unknown)}; choose from {', '.join(allowed)}")


def document_id(seed: int, index: int) -> str:
    """Id of the ``index``-th flat document set: ``s<seed>-<NNN>`` (no underscores)."""
    return f"s{seed}-{index + 1:03d}"


def _flat_case(
    seed: int, index: int, document_type: str, services: Sequence[str]
) -> tuple[Case, str | None]:
    """The case behind flat document ``index`` and, for letters, the letter type."""
    service = services[index % len(services)]
    if document_type == "letter":
        letter_type = LETTER_TYPES[index % len(LETTER_TYPES)]
        if letter_type == "keterangan_lahir":
            service = "dukcapil.akta_kelahiran"
        return make_case(derive_rng(seed, "case", index, service), service), letter_type
    return make_case(derive_rng(seed, "case", index, service), service), None


def generate_documents(
    seed: int,
    out_dir: Path | str,
    count: int,
    types: Sequence[str] = DOCUMENT_TYPES,
    renderings: Sequence[str] = ("clean",),
    services: Sequence[str] = SERVICE_CODES,
    progress: Progress | None = None,
) -> list[Path]:
    """Write ``count`` people x ``types`` x ``renderings`` flat files with ``.json`` beside.

    File names are ``<id>_<type>_<rendering>.<ext>`` with ``id`` = ``s<seed>-<NNN>``; forms
    cycle through ``services`` and letters through the three letter types. Returns the
    paths of the documents written (not the JSON files).
    """
    _check_choices(types, DOCUMENT_TYPES, "document type")
    _check_choices(renderings, RENDERINGS, "rendering")
    _check_choices(services, SERVICE_CODES, "service")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for index in range(count):
        doc_id = document_id(seed, index)
        for document_type in types:
            case, letter_type = _flat_case(seed, index, document_type, services)
            for rendering in renderings:
                layout_rng = derive_rng(seed, "layout", index, document_type)
                if letter_type:
                    plans = [plan_letter(case, letter_type, layout_rng)]
                else:
                    plans = [plan_document(case, document_type, layout_rng)]
                if rendering == "multipage":
                    companion = _companion_type(document_type)
                    plans.append(
                        plan_document(case, companion, derive_rng(seed, "layout", index, companion))
                    )
                render_rng = derive_rng(seed, "render", index, document_type, rendering)
                rendered = render_file(plans, rendering, render_rng)
                stem = f"{doc_id}_{document_type}_{rendering}"
                path = out / f"{stem}.{rendered.ext}"
                path.write_bytes(rendered.data)
                write_json(out / f"{stem}.json", truth_of(rendered, rendering, path.name))
                written.append(path)
                if progress:
                    progress()
    return written


def application_id(seed: int, index: int, service: str) -> str:
    """Id of the ``index``-th application: ``<short service>-s<seed>-<NNN>``."""
    return f"{SERVICE_SHORT[service]}-s{seed}-{index + 1:03d}"


def application_plan(
    seed: int,
    index: int,
    services: Sequence[str],
    renderings: Sequence[str],
    defects: bool,
) -> tuple[str, str, str | None]:
    """(service, rendering, defect) of application ``index``.

    Services cycle fastest, then defects (``None`` first, when ``defects``), then renderings,
    so ``count = len(services) * (1 + len(DEFECTS))`` gives every service every defect.
    """
    service = services[index % len(services)]
    rounds = index // len(services)
    if not defects:
        return service, renderings[rounds % len(renderings)], None
    cycle: tuple[str | None, ...] = (None, *DEFECTS)
    defect = cycle[rounds % len(cycle)]
    rendering = renderings[(rounds // len(cycle) + rounds) % len(renderings)]
    return service, rendering, defect


def _write_application(
    seed: int,
    index: int,
    out: Path,
    service: str,
    rendering: str,
    defect: str | None,
) -> Path:
    app_id = application_id(seed, index, service)
    case = make_case(derive_rng(seed, "application", index, service), service)
    info: DefectInfo = apply_defect(case, defect, derive_rng(seed, "defect", app_id))
    app_dir = out / "inbox" / service / app_id
    truth_dir = out / "truth" / app_id
    app_dir.mkdir(parents=True, exist_ok=True)
    files: list[str] = []
    documents: dict[str, str] = {}
    defect_document: str | None = info.missing_stem
    for stem in REQUIRED_DOCUMENTS[service]:
        if stem == info.missing_stem:
            continue
        faint = info.faint_key if stem == "form" else None
        plans = [
            plan_document(case, stem, derive_rng(seed, "layout", app_id, stem), faint_key=faint)
        ]
        doc_rendering = rendering
        if rendering in ("digital", "multipage") and stem != "form":
            doc_rendering = "clean"
        if doc_rendering == "multipage":
            plans.append(plan_document(case, "ktp", derive_rng(seed, "layout", app_id, "ktp")))
        rendered = render_file(plans, doc_rendering, derive_rng(seed, "render", app_id, stem))
        name = f"{stem}.{rendered.ext}"
        (app_dir / name).write_bytes(rendered.data)
        write_json(truth_dir / f"{stem}.json", truth_of(rendered, doc_rendering, name))
        files.append(name)
        documents[name] = plans[0].document_type
        if stem == info.document and info.missing_stem is None:
            defect_document = name
    write_json(
        app_dir / "manifest.json", {"application_id": app_id, "service": service, "files": files}
    )
    write_json(
        truth_dir / "application.json",
        {
            "application_id": app_id,
            "service": service,
            "rendering": rendering,
            "files": files,
            "documents": documents,
            "defect": info.defect,
            "defect_document": defect_document,
            "defect_fields": info.fields,
        },
    )
    return app_dir


def generate_applications(
    seed: int,
    out_dir: Path | str,
    count: int,
    services: Sequence[str] = SERVICE_CODES,
    renderings: Sequence[str] = DEFAULT_APPLICATION_RENDERINGS,
    defects: bool = False,
    progress: Progress | None = None,
) -> list[Path]:
    """Write ``count`` applications and their ground truth; returns the application dirs.

    Layout: ``inbox/<service>/<application_id>/{form.<ext>, ktp.<ext>, ..., manifest.json}``
    and ``truth/<application_id>/{<file stem>.json, application.json}``. Documents per
    service: ``REQUIRED_DOCUMENTS``. With ``digital`` the form is a text-layer PDF and the
    other documents clean scans; with ``multipage`` the form is a scanned PDF whose page 2
    is the KTP photocopy. With ``defects`` every application after the first valid one per
    service carries one named defect (see ``application_plan``).
    """
    _check_choices(renderings, RENDERINGS, "rendering")
    _check_choices(services, SERVICE_CODES, "service")
    out = Path(out_dir)
    written: list[Path] = []
    for index in range(count):
        service, rendering, defect = application_plan(seed, index, services, renderings, defects)
        written.append(_write_application(seed, index, out, service, rendering, defect))
        if progress:
            progress()
    return written
