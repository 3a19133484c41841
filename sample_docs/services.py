"""Cases: the generated facts behind one application, and each service's form content."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sample_docs.formats import date_printed, phone_printed
from sample_docs.layouts import FormContent, Row
from sample_docs.people import REFERENCE_DATE, Person, make_person, random_date

SKCK_PURPOSES: tuple[str, ...] = (
    "MELAMAR PEKERJAAN", "PENDAFTARAN CPNS", "PERSYARATAN BEKERJA DI LUAR NEGERI",
    "PENDAFTARAN SEKOLAH", "PENCALONAN KEPALA DESA", "PERSYARATAN ADMINISTRASI",
)


@dataclass
class Case:
    """Everything true about one application; documents show parts of it."""

    service: str
    applicant: Person
    application_date: date
    place: str
    extra: dict[str, Any] = field(default_factory=dict)


def make_case(rng: random.Random, service: str) -> Case:
    """Generate the facts of one application for ``service``."""
    applicant = make_person(rng, min_age=18, max_age=60)
    application_date = random_date(rng, date(2026, 1, 5), REFERENCE_DATE - timedelta(days=1))
    case = Case(service, applicant, application_date, place=applicant.region.city)
    if service == "polri.skck":
        case.extra["purpose"] = rng.choice(SKCK_PURPOSES)
    return case


def form_address(person: Person) -> str:
    """The one-line address people write on forms."""
    return f"{person.address}, {person.village}, {person.district}"


def skck_content(case: Case, rng: random.Random) -> FormContent:
    """Rows of the SKCK application form."""
    p = case.applicant
    rows = [
        Row("full_name", "Nama Lengkap", p.full_name, p.full_name),
        Row("nik", "NIK", p.nik, p.nik),
        Row("birth_place", "Tempat Lahir", p.birth_place, p.birth_place),
        Row("birth_date", "Tanggal Lahir", date_printed(p.birth_date, rng), p.birth_date.isoformat()),
        Row("sex", "Jenis Kelamin", p.sex, p.sex),
        Row("religion", "Agama", p.religion, p.religion),
        Row("nationality", "Kewarganegaraan", p.nationality, p.nationality),
        Row("occupation", "Pekerjaan", p.occupation, p.occupation),
        Row("address", "Alamat", form_address(p), form_address(p)),
        Row("phone", "No. Telepon/HP", phone_printed(p.phone, rng), p.phone),
        Row("purpose", "Keperluan", case.extra["purpose"], case.extra["purpose"]),
    ]
    return FormContent(
        kop=[
            "KEPOLISIAN NEGARA REPUBLIK INDONESIA",
            f"DAERAH {p.province}",
            f"RESOR {p.regency.removeprefix('KABUPATEN ')}",
        ],
        title=["FORMULIR PERMOHONAN", "SURAT KETERANGAN CATATAN KEPOLISIAN"],
        rows=rows,
        place=case.place,
        application_date=case.application_date,
        signer=p.full_name,
    )


FORM_CONTENT = {
    "polri.skck": skck_content,
}
