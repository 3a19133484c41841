"""Layouts: turn generated data into a ``Sheet`` plus the ground-truth fields it shows.

Every layout function returns ``(sheet, fields)`` where ``fields`` maps canonical keys
(DESIGN.md) to canonical values (ISO dates, E.164 phones, enum spellings).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sample_docs.formats import date_dash, date_long, title_case
from sample_docs.people import Person, make_name
from sample_docs.sheet import (
    Ellipse,
    Polygon,
    Polyline,
    Rect,
    Sheet,
    Text,
    fit_size,
    text_width_mm,
)

if TYPE_CHECKING:
    from sample_docs.family import Family

KTP_WIDTH_MM = 85.6
KTP_HEIGHT_MM = 54.0
A4 = (210.0, 297.0)
FAINT: tuple[int, int, int] = (205, 205, 205)
INK: tuple[int, int, int] = (20, 20, 25)


@dataclass(frozen=True)
class Style:
    """Typeface and spacing variation of one rendered document."""

    font: str = "sans"
    bold_font: str = "sans-bold"
    size: float = 11.0
    line_gap: float = 9.0
    label_x: float = 30.0
    value_x: float = 85.0

    @staticmethod
    def pick(rng: random.Random, varied: bool = True) -> Style:
        """A seeded style; ``varied=False`` gives the plain default."""
        if not varied:
            return Style()
        family = rng.choice(("sans", "sans", "serif", "narrow"))
        return Style(
            font=family,
            bold_font=family + "-bold",
            size=round(rng.uniform(10.0, 12.0), 1),
            line_gap=round(rng.uniform(8.0, 10.5), 1),
            label_x=round(rng.uniform(27.0, 32.0), 1),
            value_x=round(rng.uniform(78.0, 88.0), 1),
        )


@dataclass
class Row:
    """One ``label : value`` row of a form; ``key`` is None for rows that are not fields."""

    key: str | None
    label: str
    printed: str
    value: Any = None


@dataclass
class FormContent:
    """What a form page shows, independent of how it is drawn."""

    kop: list[str]
    title: list[str]
    rows: list[Row]
    place: str
    application_date: date
    signer: str
    signer_role: str = "Pemohon,"
    section_titles: dict[int, str] = field(default_factory=dict)
    statement: str = "Demikian permohonan ini saya buat dengan sebenar-benarnya."


def _squiggle(rng: random.Random, x: float, y: float, w: float, h: float) -> Polyline:
    """A made-up signature."""
    points = []
    steps = 18
    for i in range(steps + 1):
        t = i / steps
        px = x + w * t + rng.uniform(-0.6, 0.6) * w / steps
        py = y + h / 2 + math.sin(t * math.pi * rng.uniform(2.5, 4.5)) * h / 2 * rng.uniform(0.4, 1)
        points.append((round(px, 2), round(py, 2)))
    return Polyline(tuple(points), fill=(30, 30, 90), width=h / 12)


def _guilloche(rng: random.Random, width: float, height: float) -> list[Polyline]:
    """Thin wavy background lines, like the security print of a KTP."""
    lines = []
    phase = rng.uniform(0, math.tau)
    wavelength = rng.uniform(14, 22)
    for k in range(int(height / 1.8) + 2):
        y0 = k * 1.8
        pts = tuple(
            (x * 1.0, round(y0 + 0.9 * math.sin(x / wavelength * math.tau + phase + k * 0.35), 2))
            for x in range(int(width) + 2)
        )
        lines.append(Polyline(pts, fill=(176, 205, 226), width=0.12))
    return lines


def ktp_sheet(
    person: Person, rng: random.Random, faint_key: str | None = None
) -> tuple[Sheet, dict[str, Any]]:
    """A KTP-el card (85.6 x 54 mm) for ``person`` and its ground-truth fields."""
    sheet = Sheet(KTP_WIDTH_MM, KTP_HEIGHT_MM, paper=(255, 255, 255))
    sheet.add(Rect(0, 0, KTP_WIDTH_MM, KTP_HEIGHT_MM, fill=(214, 232, 244), radius=3.2))
    sheet.add(*_guilloche(rng, KTP_WIDTH_MM, KTP_HEIGHT_MM))
    bold = rng.choice(("sans-bold", "sans-bold", "narrow-bold"))
    head_size = 8.6
    province_line = f"PROVINSI {person.province}"
    sheet.add(
        Text(
            42.8, 6.2, province_line, bold, fit_size(province_line, bold, head_size, 80), INK, "m"
        ),
        Text(
            42.8,
            10.2,
            person.regency,
            bold,
            fit_size(person.regency, bold, head_size, 80),
            INK,
            "m",
        ),
    )
    sheet.add(
        Text(3.6, 16.6, "NIK", "sans-bold", 9.5, INK),
        Text(20.6, 16.6, ":", "sans-bold", 9.5, INK),
        Text(22.6, 16.6, person.nik, "mono-bold", fit_size(person.nik, "mono-bold", 10.5, 37), INK),
    )
    birth = f"{person.birth_place}, {date_dash(person.birth_date)}"
    valid_until = (
        person.valid_until
        if person.valid_until == "SEUMUR HIDUP"
        else date_dash(date.fromisoformat(person.valid_until))
    )
    rows: list[tuple[str, str, str | None, bool]] = [
        ("Nama", person.full_name, "full_name", False),
        ("Tempat/Tgl Lahir", birth, "birth_date", False),
        ("Jenis Kelamin", person.sex, "sex", False),
        ("Alamat", person.address, "address", False),
        ("RT/RW", person.rt_rw, "rt_rw", True),
        ("Kel/Desa", person.village, "village", True),
        ("Kecamatan", person.district, "district", True),
        ("Agama", person.religion_on_card or person.religion, "religion", False),
        ("Status Perkawinan", person.marital_status, "marital_status", False),
        ("Pekerjaan", person.occupation, "occupation", False),
        ("Kewarganegaraan", person.nationality, "nationality", False),
        ("Berlaku Hingga", valid_until, "valid_until", False),
    ]
    size = 6.3
    y = 20.6
    step = 2.72
    for label, value, key, indented in rows:
        color = FAINT if key == faint_key else INK
        sheet.add(Text(6.6 if indented else 3.6, y, label, bold, size, INK))
        sheet.add(Text(21.2, y, ":", bold, size, INK))
        max_w = 37.5 if y < 38 else 36.0
        sheet.add(Text(22.4, y, value, bold, fit_size(value, bold, size, max_w), color))
        if key == "sex":
            blood = f"Gol. Darah : {person.blood_type}"
            sheet.add(Text(43.5, y, blood, bold, size, INK))
        y += step
    _photo(sheet, rng, 62.5, 13.5, 80.8, 37.0)
    sheet.add(
        Text(
            71.6,
            41.0,
            person.region.city,
            bold,
            fit_size(person.region.city, bold, 5.6, 22),
            INK,
            "m",
        ),
        Text(71.6, 43.6, date_dash(person.card_issued), bold, 5.6, INK, "m"),
        _squiggle(rng, 65.5, 45.0, 12.0, 5.0),
    )
    fields: dict[str, Any] = {
        "province": person.province,
        "regency": person.regency,
        "nik": person.nik,
        "full_name": person.full_name,
        "birth_place": person.birth_place,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "blood_type": person.blood_type,
        "address": person.address,
        "rt_rw": person.rt_rw,
        "village": person.village,
        "district": person.district,
        "religion": person.religion,
        "marital_status": person.marital_status,
        "occupation": person.occupation,
        "nationality": person.nationality,
        "valid_until": person.valid_until,
    }
    return sheet, fields


def _photo(sheet: Sheet, rng: random.Random, x0: float, y0: float, x1: float, y1: float) -> None:
    """A pas-foto box with a plain silhouette (no face)."""
    backdrop = rng.choice(((196, 58, 58), (40, 90, 170)))
    sheet.add(Rect(x0, y0, x1, y1, fill=backdrop))
    cx = (x0 + x1) / 2
    w = x1 - x0
    sheet.add(
        Ellipse(cx - w * 0.2, y0 + 3.5, cx + w * 0.2, y0 + 12.5, fill=(60, 50, 45)),
        Polygon(
            (
                (x0 + 1.0, y1),
                (cx - w * 0.28, y0 + 14.5),
                (cx + w * 0.28, y0 + 14.5),
                (x1 - 1.0, y1),
            ),
            fill=(35, 35, 45),
        ),
    )


def form_sheet(
    content: FormContent, style: Style, rng: random.Random, faint_key: str | None = None
) -> Sheet:
    """An A4 application form page: agency kop, title, numbered rows, place/date, signature."""
    sheet = Sheet(*A4)
    y = 20.0
    for i, line in enumerate(content.kop):
        sheet.add(Text(105, y, line, style.bold_font, 12.5 if i == 0 else 11.5, INK, "m"))
        y += 6.0
    sheet.add(Rect(20, y - 3.2, 190, y - 2.6, fill=INK))
    y += 9.0
    for line in content.title:
        sheet.add(
            Text(105, y, line, style.bold_font, fit_size(line, style.bold_font, 13, 170), INK, "m")
        )
        y += 7.0
    y += 6.0
    number = 0
    value_max = 190 - style.value_x
    lines_needed = len(content.rows) + len(content.section_titles)
    gap = min(style.line_gap, (222.0 - y) / max(1, lines_needed))
    for index, row in enumerate(content.rows):
        section = content.section_titles.get(index)
        if section:
            sheet.add(Text(20, y, section, style.bold_font, style.size, INK))
            y += gap
        number += 1
        color = FAINT if row.key is not None and row.key == faint_key else INK
        sheet.add(
            Text(20, y, f"{number}.", style.font, style.size, INK),
            Text(style.label_x, y, row.label, style.font, style.size, INK),
            Text(style.value_x - 3.0, y, ":", style.font, style.size, INK),
            Text(
                style.value_x,
                y,
                row.printed,
                style.font,
                fit_size(row.printed, style.font, style.size, value_max),
                color,
            ),
        )
        y += gap
    y += 6.0
    sheet.add(
        Text(
            20,
            y,
            content.statement,
            style.font,
            fit_size(content.statement, style.font, style.size, 170),
            INK,
        )
    )
    y += 16.0
    date_line = f"{title_case(content.place)}, {date_long(content.application_date)}"
    date_color = FAINT if faint_key == "application_date" else INK
    sign_x = 135.0
    sheet.add(
        Text(
            sign_x,
            y,
            date_line,
            style.font,
            fit_size(date_line, style.font, style.size, 190 - sign_x),
            date_color,
        )
    )
    y += 6.0
    sheet.add(Text(sign_x, y, content.signer_role, style.font, style.size, INK))
    sheet.add(_squiggle(rng, sign_x + 2, y + 4, 34, 12))
    y += 26.0
    signer = f"( {content.signer} )"
    sheet.add(
        Text(
            sign_x,
            y,
            signer,
            style.font,
            fit_size(signer, style.font, style.size, 190 - sign_x),
            INK,
        )
    )
    return sheet


def form_fields(content: FormContent) -> dict[str, Any]:
    """Ground truth of a form: every keyed row plus the application date."""
    fields = {row.key: row.value for row in content.rows if row.key is not None}
    fields["application_date"] = content.application_date.isoformat()
    return fields


def text_fits(text: str, font: str, size: float, width: float) -> bool:
    """Whether ``text`` fits ``width`` mm at ``size`` points."""
    return text_width_mm(text, font, size) <= width


KK_TABLE_1: tuple[tuple[str, float], ...] = (
    ("No", 8),
    ("Nama Lengkap", 48),
    ("NIK", 38),
    ("Jenis Kelamin", 22),
    ("Tempat Lahir", 28),
    ("Tanggal Lahir", 22),
    ("Agama", 20),
    ("Pendidikan", 36),
    ("Jenis Pekerjaan", 35),
    ("Golongan Darah", 18),
)
KK_TABLE_2: tuple[tuple[str, float], ...] = (
    ("No", 8),
    ("Status Perkawinan", 30),
    ("Tanggal Perkawinan", 28),
    ("Status Hubungan Dalam Keluarga", 42),
    ("Kewarganegaraan", 26),
    ("No. Paspor", 22),
    ("No. KITAP", 22),
    ("Ayah", 48),
    ("Ibu", 48),
)
KK_ROWS = 7


def _table(
    sheet: Sheet,
    x: float,
    y: float,
    columns: tuple[tuple[str, float], ...],
    rows: list[list[str]],
    font: str,
    bold: str,
    row_h: float = 6.2,
    head_h: float = 8.0,
) -> float:
    """Draw a ruled table with a header row; returns the y below it."""
    total = sum(w for _, w in columns)
    height = head_h + row_h * KK_ROWS
    sheet.add(Rect(x, y, x + total, y + head_h, fill=(225, 225, 225)))
    sheet.add(Rect(x, y, x + total, y + height, outline=INK, width=0.3))
    sheet.add(Polyline(((x, y + head_h), (x + total, y + head_h)), INK, 0.3))
    for r in range(1, KK_ROWS):
        ry = y + head_h + r * row_h
        sheet.add(Polyline(((x, ry), (x + total, ry)), (120, 120, 120), 0.15))
    cx = x
    for title, width in columns:
        if cx > x:
            sheet.add(Polyline(((cx, y), (cx, y + height)), INK, 0.2))
        sheet.add(
            Text(
                cx + width / 2,
                y + head_h - 2.8,
                title,
                bold,
                fit_size(title, bold, 7.5, width - 1.5),
                INK,
                "m",
            )
        )
        cx += width
    for r, cells in enumerate(rows[:KK_ROWS]):
        ry = y + head_h + (r + 1) * row_h - 1.8
        cx = x
        for (_, width), cell in zip(columns, cells, strict=True):
            sheet.add(Text(cx + 1.0, ry, cell, font, fit_size(cell, font, 8.0, width - 2.0), INK))
            cx += width
    return y + height


def kk_sheet(
    family: Family, rng: random.Random, faint_key: str | None = None
) -> tuple[Sheet, dict[str, Any]]:
    """A Kartu Keluarga (landscape A4): header, two member tables, footer; and its truth."""
    sheet = Sheet(297.0, 210.0)
    font, bold = rng.choice((("narrow", "narrow-bold"), ("sans", "sans-bold")))
    head = family.head
    sheet.add(
        Text(148.5, 15.0, "KARTU KELUARGA", "sans-bold", 16, INK, "m"),
        Text(148.5, 22.5, f"No. {family.kk_number}", "sans-bold", 12, INK, "m"),
    )
    left = [
        ("Nama Kepala Keluarga", head.full_name),
        ("Alamat", head.address),
        ("RT/RW", head.rt_rw),
        ("Desa/Kelurahan", head.village),
    ]
    right = [
        ("Kecamatan", head.district),
        ("Kabupaten/Kota", head.regency),
        ("Kode Pos", family.postal_code),
        ("Provinsi", head.province),
    ]
    for i, ((l_label, l_value), (r_label, r_value)) in enumerate(zip(left, right, strict=True)):
        y = 31.0 + i * 5.2
        sheet.add(
            Text(12, y, l_label, font, 9, INK),
            Text(52, y, ":", font, 9, INK),
            Text(54, y, l_value, font, fit_size(l_value, font, 9, 95), INK),
            Text(175, y, r_label, font, 9, INK),
            Text(203, y, ":", font, 9, INK),
            Text(205, y, r_value, font, fit_size(r_value, font, 9, 80), INK),
        )
    rows_1, rows_2 = [], []
    for n, member in enumerate(family.members, start=1):
        p = member.person
        rows_1.append(
            [
                str(n),
                p.full_name,
                p.nik,
                p.sex,
                p.birth_place,
                date_dash(p.birth_date),
                p.religion_on_card or p.religion,
                p.education,
                p.occupation,
                p.blood_type,
            ]
        )
        married = p.marital_status == "KAWIN" and member.relationship in (
            "KEPALA KELUARGA",
            "ISTRI",
        )
        wedding = date_dash(family.marriage_date) if married and family.marriage_date else "-"
        rows_2.append(
            [
                str(n),
                p.marital_status,
                wedding,
                member.relationship,
                p.nationality,
                "-",
                "-",
                p.father_name,
                p.mother_name,
            ]
        )
    y = _table(sheet, 10, 53, KK_TABLE_1, rows_1, font, bold)
    y = _table(sheet, 10, y + 6, KK_TABLE_2, rows_2, font, bold)
    issued = f"Dikeluarkan Tanggal : {date_dash(family.issued)}"
    sheet.add(Text(12, y + 8, issued, font, 9, FAINT if faint_key == "issued" else INK))
    sheet.add(Text(40, y + 15, "KEPALA KELUARGA", font, 8.5, INK, "m"))
    sheet.add(_squiggle(rng, 28, y + 17, 24, 8))
    sheet.add(
        Text(40, y + 31, head.full_name, font, fit_size(head.full_name, font, 8.5, 60), INK, "m")
    )
    official = family.extra.get("official") or make_name(
        rng, rng.choice(("LAKI-LAKI", "PEREMPUAN"))
    )
    sheet.add(
        Text(240, y + 11, "KEPALA DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL", font, 7.5, INK, "m")
    )
    sheet.add(Text(240, y + 15, head.regency, font, fit_size(head.regency, font, 8, 70), INK, "m"))
    sheet.add(_squiggle(rng, 228, y + 17, 24, 8))
    sheet.add(Text(240, y + 31, official, font, fit_size(official, font, 8.5, 70), INK, "m"))
    fields: dict[str, Any] = {
        "kk_number": family.kk_number,
        "head_name": head.full_name,
        "address": head.address,
        "rt_rw": head.rt_rw,
        "village": head.village,
        "district": head.district,
        "regency": head.regency,
        "province": head.province,
        "postal_code": family.postal_code,
        "members": [m.as_truth() for m in family.members],
    }
    return sheet, fields
