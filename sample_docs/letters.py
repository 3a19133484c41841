"""Prose letters: surat keterangan lahir, surat pengantar RT/RW, surat keterangan domisili.

Each builder returns a ``Letter`` (what the page says) and its ground truth in the keys
the letter extractor uses: ``letter_type``, ``issuer``, ``letter_number``, ``letter_date``,
the type's own keys, and ``persons`` / ``places`` (every person and place named; places upper case as on a KTP).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sample_docs.formats import MONTHS_ID, date_long, title_case
from sample_docs.layouts import A4, FAINT, INK, Row, Style, _squiggle
from sample_docs.people import Person, make_name
from sample_docs.sheet import Rect, Sheet, Text, fit_size, text_width_mm

LETTER_TYPES: tuple[str, ...] = ("keterangan_lahir", "pengantar_rt_rw", "keterangan_domisili")
ROMAN_MONTHS: tuple[str, ...] = (
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
)
DAYS_ID: tuple[str, ...] = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
RT_PURPOSES: tuple[str, ...] = (
    "mengurus Surat Keterangan Catatan Kepolisian (SKCK)",
    "mengurus paspor",
    "mengurus akta kelahiran anak",
    "mengurus izin usaha",
)


@dataclass
class Letter:
    """What a letter page shows: kop, title, number, body blocks, signature."""

    kop: list[str]
    title: str
    number: str
    blocks: list[str | list[Row]]
    place: str
    letter_date: date
    signer_role: str
    signer_name: str
    fields: dict[str, Any] = field(default_factory=dict)


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap of ``text`` into lines no wider than ``width`` mm."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and text_width_mm(candidate, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _letter_number(rng: random.Random, code: str, when: date) -> str:
    prefix = rng.choice(("474.1", "470", "145", "400"))
    month = ROMAN_MONTHS[when.month - 1]
    return f"{prefix}/{rng.randint(1, 999):03d}/{code}/{month}/{when.year}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _address_places(address: str) -> list[str]:
    """The place an address names by itself (``DUSUN CIPTAASRI`` names the dusun)."""
    return [address.split(" ", 1)[1]] if address.startswith("DUSUN ") else []


def keterangan_lahir(
    rng: random.Random,
    child: Person,
    father: Person,
    mother: Person,
    birth_minutes: int,
) -> Letter:
    """A birth statement from a hospital or a midwife, in prose."""
    city = father.region.city
    letter_date = child.birth_date + timedelta(days=rng.randint(0, 2))
    if rng.random() < 0.5:
        issuer = f"RUMAH SAKIT UMUM DAERAH {city}"
        kop = [
            f"PEMERINTAH {father.regency}",
            issuer,
            f"Jl. Kesehatan No. {rng.randint(1, 99)}, {title_case(city)}",
        ]
        signer = f"dr. {make_name(rng, rng.choice(('LAKI-LAKI', 'PEREMPUAN'))).title()}, Sp.OG"
        role, code, facility = "Dokter yang menolong,", "RSUD", f"RSUD {title_case(city)}"
    else:
        midwife = make_name(rng, "PEREMPUAN")
        issuer = f"PRAKTIK MANDIRI BIDAN {midwife}"
        kop = [
            issuer,
            f"Jl. {rng.choice(('Melati', 'Kenanga', 'Mawar'))} No. {rng.randint(1, 99)}, "
            f"{title_case(father.district)}, {title_case(city)}",
        ]
        signer = f"{midwife.title()}, A.Md.Keb"
        role, code, facility = (
            "Bidan yang menolong,",
            "PMB",
            f"Praktik Mandiri Bidan {midwife.title()}",
        )
    number = _letter_number(rng, code, letter_date)
    sex_word = "laki-laki" if child.sex == "LAKI-LAKI" else "perempuan"
    weekday = DAYS_ID[child.birth_date.weekday()]
    time_text = _hhmm(birth_minutes).replace(":", ".")
    body = (
        f"Yang bertanda tangan di bawah ini menerangkan bahwa pada hari {weekday} tanggal "
        f"{date_long(child.birth_date)} pukul {time_text} WIB di {facility}, {title_case(city)} "
        f"telah lahir seorang bayi {sex_word} bernama {child.full_name} dengan berat badan "
        f"{rng.randint(2600, 4000)} gram dan panjang badan {rng.randint(46, 53)} cm."
    )
    parents = (
        f"Bayi tersebut adalah anak dari seorang ibu bernama {mother.full_name} (NIK {mother.nik}) "
        f"dan ayah bernama {father.full_name} (NIK {father.nik}), beralamat di {father.address} "
        f"RT/RW {father.rt_rw}, {title_case(father.village)}, {title_case(father.district)}, "
        f"{title_case(city)}."
    )
    closing = "Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya."
    fields = {
        "letter_type": "keterangan_lahir",
        "issuer": issuer,
        "letter_number": number,
        "letter_date": letter_date.isoformat(),
        "child_name": child.full_name,
        "child_sex": child.sex,
        "birth_date": child.birth_date.isoformat(),
        "birth_time": _hhmm(birth_minutes),
        "birth_place": city,
        "mother_name": mother.full_name,
        "mother_nik": mother.nik,
        "father_name": father.full_name,
        "father_nik": father.nik,
        "signer_name": signer,
        "persons": [child.full_name, mother.full_name, father.full_name, signer],
        # The hospital's letterhead names the regency (``PEMERINTAH KABUPATEN ...``) too.
        "places": [city, father.village, father.district, *_address_places(father.address),
                   *([father.regency] if code == "RSUD" else [])],
    }
    return Letter(
        kop,
        "SURAT KETERANGAN KELAHIRAN",
        number,
        [body, parents, closing],
        title_case(city),
        letter_date,
        role,
        signer,
        fields,
    )


def pengantar_rt_rw(
    rng: random.Random, person: Person, letter_date: date, purpose: str | None = None
) -> Letter:
    """A cover letter from the head of the applicant's RT."""
    rt, rw = person.rt_rw.split("/")
    issuer = f"RT {rt}/RW {rw} {person.village}"
    signer = make_name(rng, "LAKI-LAKI")
    purpose = purpose or rng.choice(RT_PURPOSES)
    month = ROMAN_MONTHS[letter_date.month - 1]
    number = f"{rng.randint(1, 199):03d}/RT.{rt}/{month}/{letter_date.year}"
    intro = (
        f"Yang bertanda tangan di bawah ini, Ketua RT {rt} RW {rw} "
        f"Kelurahan {title_case(person.village)}, "
        f"Kecamatan {title_case(person.district)}, {title_case(person.regency)}, menerangkan bahwa:"
    )
    rows = [
        Row("subject_name", "Nama", person.full_name, person.full_name),
        Row("subject_nik", "NIK", person.nik, person.nik),
        Row(
            "subject_birth",
            "Tempat/Tgl Lahir",
            f"{title_case(person.birth_place)}, {date_long(person.birth_date)}",
        ),
        Row(
            "address",
            "Alamat",
            f"{person.address} RT {rt} RW {rw}",
            f"{person.address} RT {rt} RW {rw}",
        ),
    ]
    outro = (
        f"adalah benar warga kami yang bertempat tinggal di alamat tersebut di atas. "
        f"Surat pengantar ini diberikan untuk {purpose}. "
        "Demikian agar dapat dipergunakan sebagaimana mestinya."
    )
    fields = {
        "letter_type": "pengantar_rt_rw",
        "issuer": issuer,
        "letter_number": number,
        "letter_date": letter_date.isoformat(),
        "subject_name": person.full_name,
        "subject_nik": person.nik,
        "subject_birth_place": person.birth_place,
        "subject_birth_date": person.birth_date.isoformat(),
        "address": f"{person.address} RT {rt} RW {rw}",
        "purpose": purpose,
        "signer_name": signer,
        "persons": [person.full_name, signer],
        "places": [
            person.village,
            person.district,
            person.regency,
            person.birth_place,
            person.region.city,  # where the letter is signed
            *_address_places(person.address),
        ],
    }
    kop = [
        f"RUKUN TETANGGA {rt} RUKUN WARGA {rw}",
        f"KELURAHAN {person.village} KECAMATAN {person.district}",
        person.regency,
    ]
    return Letter(
        kop,
        "SURAT PENGANTAR",
        number,
        [intro, rows, outro],
        title_case(person.region.city),
        letter_date,
        f"Ketua RT {rt},",
        signer,
        fields,
    )


def keterangan_domisili(rng: random.Random, person: Person, letter_date: date) -> Letter:
    """A statement of residence from the village office (kelurahan/desa)."""
    office = rng.choice(("KELURAHAN", "DESA"))
    issuer = f"{office} {person.village}"
    head_title = "Lurah" if office == "KELURAHAN" else "Kepala Desa"
    signer = make_name(rng, rng.choice(("LAKI-LAKI", "PEREMPUAN")))
    since = date(rng.randint(max(person.birth_date.year, 1995), 2024), rng.randint(1, 12), 1)
    number = _letter_number(rng, "KEL" if office == "KELURAHAN" else "DS", letter_date)
    rt, rw = person.rt_rw.split("/")
    body = (
        f"{head_title} {title_case(person.village)}, Kecamatan {title_case(person.district)}, "
        f"{title_case(person.regency)}, dengan ini menerangkan dengan sebenarnya bahwa "
        f"{person.full_name}, NIK {person.nik}, lahir di {title_case(person.birth_place)} "
        f"pada tanggal {date_long(person.birth_date)}, pekerjaan {person.occupation.lower()}, "
        f"benar berdomisili di {person.address} RT {rt} RW {rw} {title_case(office)} "
        f"{title_case(person.village)} sejak bulan {MONTHS_ID[since.month - 1]} {since.year}."
    )
    closing = (
        "Surat keterangan ini diberikan atas permintaan yang bersangkutan "
        "untuk dipergunakan sebagaimana mestinya."
    )
    fields = {
        "letter_type": "keterangan_domisili",
        "issuer": issuer,
        "letter_number": number,
        "letter_date": letter_date.isoformat(),
        "subject_name": person.full_name,
        "subject_nik": person.nik,
        "subject_birth_place": person.birth_place,
        "subject_birth_date": person.birth_date.isoformat(),
        "address": f"{person.address} RT {rt} RW {rw}",
        "domicile_since": since.isoformat()[:7],
        "signer_name": signer,
        "persons": [person.full_name, signer],
        "places": [
            person.village,
            person.district,
            person.regency,
            person.birth_place,
            person.region.city,  # where the letter is signed
            *_address_places(person.address),
        ],
    }
    kop = [f"PEMERINTAH {person.regency}", f"KECAMATAN {person.district}", issuer]
    return Letter(
        kop,
        "SURAT KETERANGAN DOMISILI",
        number,
        [body, closing],
        title_case(person.region.city),
        letter_date,
        f"{head_title} {title_case(person.village)},",
        signer,
        fields,
    )


def letter_sheet(
    letter: Letter, style: Style, rng: random.Random, faint_key: str | None = None
) -> Sheet:
    """Draw a letter on A4: kop with rule, centred title and number, wrapped prose, signature."""
    sheet = Sheet(*A4)
    y = 20.0
    for i, line in enumerate(letter.kop):
        size = 13.0 if i == 0 else 11.0
        font = style.bold_font if i < 2 else style.font
        sheet.add(Text(105, y, line, font, fit_size(line, font, size, 170), INK, "m"))
        y += 6.0
    sheet.add(Rect(20, y - 3.0, 190, y - 2.4, fill=INK))
    y += 10.0
    sheet.add(Text(105, y, letter.title, style.bold_font, 13, INK, "m"))
    y += 6.0
    number_line = f"Nomor: {letter.number}"
    sheet.add(
        Text(
            105,
            y,
            number_line,
            style.font,
            style.size,
            FAINT if faint_key == "letter_number" else INK,
            "m",
        )
    )
    y += 14.0
    leading = style.size * 0.55
    for block in letter.blocks:
        if isinstance(block, str):
            for line in wrap_text(block, style.font, style.size, 170):
                sheet.add(Text(20, y, line, style.font, style.size, INK))
                y += leading
            y += leading * 0.8
        else:
            for row in block:
                sheet.add(
                    Text(30, y, row.label, style.font, style.size, INK),
                    Text(72, y, ":", style.font, style.size, INK),
                    Text(
                        75,
                        y,
                        row.printed,
                        style.font,
                        fit_size(row.printed, style.font, style.size, 115),
                        INK,
                    ),
                )
                y += leading * 1.3
            y += leading * 0.6
    y += 10.0
    sign_x = 125.0
    date_line = f"{letter.place}, {date_long(letter.letter_date)}"
    sheet.add(
        Text(
            sign_x,
            y,
            date_line,
            style.font,
            fit_size(date_line, style.font, style.size, 190 - sign_x),
            INK,
        )
    )
    y += 6.0
    sheet.add(
        Text(
            sign_x,
            y,
            letter.signer_role,
            style.font,
            fit_size(letter.signer_role, style.font, style.size, 190 - sign_x),
            INK,
        )
    )
    sheet.add(_squiggle(rng, sign_x + 2, y + 4, 34, 12))
    y += 26.0
    sheet.add(
        Text(
            sign_x,
            y,
            letter.signer_name,
            style.font,
            fit_size(letter.signer_name, style.font, style.size, 190 - sign_x),
            INK,
        )
    )
    return sheet
