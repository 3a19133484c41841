"""Cases: the generated facts behind one application, and each service's form content."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from stdnum.id import npwp as stdnum_npwp

from sample_docs.family import Family, family_around, make_family, make_spouse
from sample_docs.family import _child_of as child_of
from sample_docs.formats import date_printed, npwp_printed, phone_printed, rupiah
from sample_docs.layouts import FormContent, Row
from sample_docs.people import REFERENCE_DATE, Person, make_person, random_date

SKCK_PURPOSES: tuple[str, ...] = (
    "MELAMAR PEKERJAAN",
    "PENDAFTARAN CPNS",
    "PERSYARATAN BEKERJA DI LUAR NEGERI",
    "PENDAFTARAN SEKOLAH",
    "PENCALONAN KEPALA DESA",
    "PERSYARATAN ADMINISTRASI",
)
PASSPORT_TYPES: tuple[str, ...] = ("PASPOR BIASA", "PASPOR ELEKTRONIK")
BUSINESS_HEADS: tuple[str, ...] = ("TOKO", "UD", "CV", "WARUNG", "KEDAI", "BENGKEL", "LAUNDRY")
BUSINESS_TAILS: tuple[str, ...] = (
    "SUMBER REJEKI",
    "BERKAH JAYA",
    "MAJU BERSAMA",
    "SINAR ABADI",
    "MAKMUR SENTOSA",
    "CAHAYA BARU",
    "BAROKAH",
    "MANDIRI",
    "SEJAHTERA",
    "ANUGERAH",
)
KBLI_CODES: tuple[str, ...] = (
    "47111",
    "56101",
    "10710",
    "47721",
    "96012",
    "45201",
    "14111",
    "56303",
    "47191",
    "62019",
)
CAPITALS: tuple[int, ...] = (
    5_000_000,
    10_000_000,
    25_000_000,
    50_000_000,
    75_000_000,
    100_000_000,
    250_000_000,
    500_000_000,
)


@dataclass
class Case:
    """Everything true about one application; documents show parts of it.

    ``form_overrides`` maps a form field key to (printed text, truth value) where the form
    deliberately disagrees with the applicant's documents (seeded defects).
    """

    service: str
    applicant: Person
    application_date: date
    place: str
    family: Family | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    form_overrides: dict[str, tuple[str, Any]] = field(default_factory=dict)


def make_npwp(rng: random.Random, owner: Person) -> str:
    """An NPWP: the owner's NIK, or "0" + a 15-digit number with a valid check (PMK 112/2022).

    Applications are dated after the 2024 switch, so a bare 15-digit number would be a
    legacy NPWP that the rules rightly flag (DOMAIN.md §1).
    """
    if rng.random() < 0.5:
        return owner.nik
    while True:
        body = rng.choice(("01", "02", "07", "08", "09")) + "".join(
            str(rng.randrange(10)) for _ in range(6)
        )
        for check in "0123456789":
            number = body + check + f"{rng.randint(401, 999):03d}" + "000"
            if stdnum_npwp.is_valid(number):
                return "0" + number


def make_case(rng: random.Random, service: str) -> Case:
    """Generate the facts of one application for ``service``."""
    application_date = random_date(rng, date(2026, 1, 5), REFERENCE_DATE - timedelta(days=1))
    if service == "dukcapil.akta_kelahiran":
        return _birth_case(rng, application_date)
    applicant = make_person(rng, min_age=18, max_age=60)
    case = Case(service, applicant, application_date, place=applicant.region.city)
    case.family = family_around(rng, applicant)
    if service == "polri.skck":
        case.extra["purpose"] = rng.choice(SKCK_PURPOSES)
    elif service == "imigrasi.paspor":
        case.extra["passport_type"] = rng.choice(PASSPORT_TYPES)
    elif service == "dpmptsp.izin_usaha":
        case.extra.update(
            npwp=make_npwp(rng, applicant),
            business_name=f"{rng.choice(BUSINESS_HEADS)} {rng.choice(BUSINESS_TAILS)}",
            business_address=(
                f"JL. {rng.choice(('RAYA', 'PASAR', 'NIAGA', 'PERINTIS'))} "
                f"{applicant.region.city} NO. {rng.randint(1, 250)}"
            ),
            kbli=rng.choice(KBLI_CODES),
            capital=rng.choice(CAPITALS),
        )
    return case


def _birth_case(rng: random.Random, application_date: date) -> Case:
    """A birth report: the father reports a child born within 60 days, mother and KK known."""
    father = make_person(rng, sex="LAKI-LAKI", min_age=22, max_age=45, marital_status="KAWIN")
    mother = make_spouse(rng, father)
    born = application_date - timedelta(days=rng.randint(3, 55))
    child = child_of(rng, father, mother, born)
    family = make_family(rng, father, mother, children=rng.randint(0, 2))
    case = Case(
        "dukcapil.akta_kelahiran", father, application_date, place=father.region.city, family=family
    )
    case.extra.update(mother=mother, child=child, birth_minutes=rng.randint(0, 24 * 60 - 1))
    return case


def form_address(person: Person) -> str:
    """The one-line address people write on forms."""
    return f"{person.address}, {person.village}, {person.district}"


def _row(case: Case, key: str, label: str, printed: str, value: Any) -> Row:
    """A form row, unless a seeded defect overrides what the form says."""
    if key in case.form_overrides:
        printed, value = case.form_overrides[key]
    return Row(key, label, printed, value)


def _person_rows(
    case: Case, rng: random.Random, name_label: str, name_key: str = "full_name"
) -> list[Row]:
    p = case.applicant
    return [
        _row(case, name_key, name_label, p.full_name, p.full_name),
        _row(case, "nik", "NIK", p.nik, p.nik),
    ]


def _phone_row(case: Case, rng: random.Random) -> Row:
    p = case.applicant
    return _row(case, "phone", "No. Telepon/HP", phone_printed(p.phone, rng), p.phone)


def _birth_rows(case: Case, rng: random.Random) -> list[Row]:
    p = case.applicant
    return [
        _row(case, "birth_place", "Tempat Lahir", p.birth_place, p.birth_place),
        _row(
            case,
            "birth_date",
            "Tanggal Lahir",
            date_printed(p.birth_date, rng),
            p.birth_date.isoformat(),
        ),
        _row(case, "sex", "Jenis Kelamin", p.sex, p.sex),
    ]


def skck_content(case: Case, rng: random.Random) -> FormContent:
    """Rows of the SKCK application form."""
    p = case.applicant
    rows = [
        *_person_rows(case, rng, "Nama Lengkap"),
        *_birth_rows(case, rng),
        _row(case, "religion", "Agama", p.religion, p.religion),
        _row(case, "nationality", "Kewarganegaraan", p.nationality, p.nationality),
        _row(case, "occupation", "Pekerjaan", p.occupation, p.occupation),
        _row(case, "address", "Alamat", form_address(p), form_address(p)),
        _phone_row(case, rng),
        _row(case, "purpose", "Keperluan", case.extra["purpose"], case.extra["purpose"]),
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
        signer=_signer(case),
    )


def paspor_content(case: Case, rng: random.Random) -> FormContent:
    """Rows of the passport application form."""
    p = case.applicant
    rows = [
        *_person_rows(case, rng, "Nama Lengkap"),
        *_birth_rows(case, rng),
        _row(case, "address", "Alamat", form_address(p), form_address(p)),
        _row(case, "occupation", "Pekerjaan", p.occupation, p.occupation),
        _row(case, "mother_name", "Nama Ibu Kandung", p.mother_name, p.mother_name),
        _row(
            case,
            "passport_type",
            "Jenis Paspor",
            case.extra["passport_type"],
            case.extra["passport_type"],
        ),
        _phone_row(case, rng),
    ]
    return FormContent(
        kop=[
            "KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN",
            "DIREKTORAT JENDERAL IMIGRASI",
            f"KANTOR IMIGRASI {p.region.city}",
        ],
        title=["FORMULIR PERMOHONAN PASPOR", "REPUBLIK INDONESIA"],
        rows=rows,
        place=case.place,
        application_date=case.application_date,
        signer=_signer(case),
    )


def izin_usaha_content(case: Case, rng: random.Random) -> FormContent:
    """Rows of the business-permit application form."""
    p, x = case.applicant, case.extra
    rows = [
        *_person_rows(case, rng, "Nama Pemilik", name_key="owner_name"),
        _row(case, "npwp", "NPWP", npwp_printed(x["npwp"]), x["npwp"]),
        _row(case, "business_name", "Nama Usaha", x["business_name"], x["business_name"]),
        _row(
            case, "business_address", "Alamat Usaha", x["business_address"], x["business_address"]
        ),
        _row(case, "kbli", "KBLI", x["kbli"], x["kbli"]),
        _row(case, "capital", "Modal Usaha", rupiah(x["capital"]), x["capital"]),
        _phone_row(case, rng),
        _row(case, "email", "Email", p.email, p.email),
    ]
    return FormContent(
        kop=[
            f"PEMERINTAH {p.regency}",
            "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU",
        ],
        title=["FORMULIR PERMOHONAN IZIN USAHA", "USAHA MIKRO DAN KECIL"],
        rows=rows,
        place=case.place,
        application_date=case.application_date,
        signer=_signer(case),
    )


def akta_content(case: Case, rng: random.Random) -> FormContent:
    """Rows of the birth-report form (F-2.01), in four sections."""
    father, mother, child = case.applicant, case.extra["mother"], case.extra["child"]
    minutes = case.extra["birth_minutes"]
    time_value = f"{minutes // 60:02d}:{minutes % 60:02d}"
    time_printed = time_value.replace(":", ".") + (" WIB" if rng.random() < 0.5 else "")
    kk_number = case.family.kk_number if case.family else ""
    rows = [
        _row(case, "child_name", "Nama Anak", child.full_name, child.full_name),
        _row(case, "child_sex", "Jenis Kelamin", child.sex, child.sex),
        _row(case, "birth_place", "Tempat Lahir", child.birth_place, child.birth_place),
        _row(
            case,
            "birth_date",
            "Tanggal Lahir",
            date_printed(child.birth_date, rng),
            child.birth_date.isoformat(),
        ),
        _row(case, "birth_time", "Pukul", time_printed, time_value),
        _row(case, "mother_name", "Nama Ibu", mother.full_name, mother.full_name),
        _row(case, "mother_nik", "NIK Ibu", mother.nik, mother.nik),
        _row(case, "father_name", "Nama Ayah", father.full_name, father.full_name),
        _row(case, "father_nik", "NIK Ayah", father.nik, father.nik),
        _row(case, "kk_number", "No. KK", kk_number, kk_number),
        _row(case, "reporter_name", "Nama Pelapor", father.full_name, father.full_name),
        _row(case, "reporter_nik", "NIK Pelapor", father.nik, father.nik),
        _phone_row(case, rng),
    ]
    return FormContent(
        kop=[f"PEMERINTAH {father.regency}", "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL"],
        title=["FORMULIR PELAPORAN KELAHIRAN", "(F-2.01)"],
        rows=rows,
        place=case.place,
        application_date=case.application_date,
        signer=_signer(case),
        signer_role="Pelapor,",
        section_titles={0: "DATA ANAK", 5: "DATA IBU", 7: "DATA AYAH", 9: "DATA PELAPOR"},
    )


def _signer(case: Case) -> str:
    """The name under the signature: what the form says the applicant is called."""
    for key in ("full_name", "owner_name", "reporter_name"):
        if key in case.form_overrides:
            return str(case.form_overrides[key][0])
    return case.applicant.full_name


FORM_CONTENT = {
    "polri.skck": skck_content,
    "dukcapil.akta_kelahiran": akta_content,
    "dpmptsp.izin_usaha": izin_usaha_content,
    "imigrasi.paspor": paspor_content,
}

#: the key under which each service's form prints the applicant's name
APPLICANT_NAME_KEY: dict[str, str] = {
    "polri.skck": "full_name",
    "dukcapil.akta_kelahiran": "reporter_name",
    "dpmptsp.izin_usaha": "owner_name",
    "imigrasi.paspor": "full_name",
}
#: the key under which each service's form prints the applicant's NIK
APPLICANT_NIK_KEY: dict[str, str] = {
    "polri.skck": "nik",
    "dukcapil.akta_kelahiran": "reporter_nik",
    "dpmptsp.izin_usaha": "nik",
    "imigrasi.paspor": "nik",
}
