"""Seeded defects: one named fault per application, for the rules benchmark.

``apply_defect`` changes a ``Case`` before its documents are laid out, so every document
shows the fault consistently (a NIK defect is on the KTP, the form and the KK alike).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import phonenumbers

from sample_docs.people import make_name, make_nik, unknown_district_code
from sample_docs.services import APPLICANT_NAME_KEY, APPLICANT_NIK_KEY, Case

DEFECTS: tuple[str, ...] = (
    "missing_document",
    "nik_mismatch_form_ktp",
    "nik_sex_mismatch",
    "nik_date_mismatch",
    "unknown_region",
    "bad_phone",
    "future_date",
    "name_mismatch",
    "faint_field",
)

#: service -> the document stem left out by ``missing_document``
MISSING_STEM: dict[str, str] = {
    "polri.skck": "ktp",
    "dukcapil.akta_kelahiran": "letter",
    "dpmptsp.izin_usaha": "ktp",
    "imigrasi.paspor": "kk",
}


@dataclass
class DefectInfo:
    """What was broken: the defect name, the document stem and the field keys concerned.

    For NIK defects the stem is the applicant's KTP (``ktp``, or ``ktp_father`` for a
    birth report) and the keys are KTP keys; for form defects they are form keys.
    """

    defect: str | None = None
    document: str | None = None
    fields: list[str] = field(default_factory=list)
    missing_stem: str | None = None
    faint_key: str | None = None


def _other_serial(nik: str, rng: random.Random) -> str:
    serial = int(nik[12:])
    new = serial
    while new == serial:
        new = rng.randint(1, 9999)
    return f"{nik[:12]}{new:04d}"


def _bad_phone(rng: random.Random) -> tuple[str, str]:
    """A too-short mobile number as printed, and its naive +62 form (not a valid number)."""
    while True:
        digits = "8" + "".join(str(rng.randrange(10)) for _ in range(rng.choice((4, 5, 6))))
        e164 = f"+62{digits}"
        if not phonenumbers.is_valid_number(phonenumbers.parse(e164, None)):
            return f"0{digits[:3]}-{digits[3:]}", e164


def apply_defect(case: Case, defect: str | None, rng: random.Random) -> DefectInfo:
    """Break ``case`` in the named way and say where; ``None`` leaves it valid."""
    if defect is None:
        return DefectInfo()
    if defect not in DEFECTS:
        raise ValueError(f"unknown defect {defect!r}; choose from {', '.join(DEFECTS)}")
    person = case.applicant
    card = "ktp_father" if case.service == "dukcapil.akta_kelahiran" else "ktp"
    nik_key, name_key = APPLICANT_NIK_KEY[case.service], APPLICANT_NAME_KEY[case.service]
    if defect == "missing_document":
        stem = MISSING_STEM[case.service]
        return DefectInfo(defect, stem, [], missing_stem=stem)
    if defect == "nik_mismatch_form_ktp":
        other = _other_serial(person.nik, rng)
        case.form_overrides[nik_key] = (other, other)
        return DefectInfo(defect, "form", [nik_key])
    if defect == "nik_sex_mismatch":
        other_sex = "LAKI-LAKI" if person.sex == "PEREMPUAN" else "PEREMPUAN"
        serial = int(person.nik[12:])
        person.nik = make_nik(person.nik[:6], person.birth_date, other_sex, serial)
        return DefectInfo(defect, card, ["nik", "sex"])
    if defect == "nik_date_mismatch":
        encoded = person.birth_date + timedelta(days=rng.randint(1, 200))
        person.nik = make_nik(person.nik[:6], encoded, person.sex, int(person.nik[12:]))
        return DefectInfo(defect, card, ["nik", "birth_date"])
    if defect == "unknown_region":
        person.nik = unknown_district_code(rng, person.nik[:2]) + person.nik[6:]
        return DefectInfo(defect, card, ["nik"])
    if defect == "bad_phone":
        case.form_overrides["phone"] = _bad_phone(rng)
        return DefectInfo(defect, "form", ["phone"])
    if defect == "future_date":
        future = date(2031, rng.randint(1, 12), rng.randint(1, 28))
        shift = future - case.application_date
        case.application_date = future
        child = case.extra.get("child")
        if child is not None:
            child.birth_date = child.birth_date + shift
        return DefectInfo(defect, "form", ["application_date"])
    if defect == "name_mismatch":
        other = make_name(rng, person.sex)
        while (
            other.split()[0] == person.full_name.split()[0]
            or other.split()[-1] == person.full_name.split()[-1]
        ):
            other = make_name(rng, person.sex)
        case.form_overrides[name_key] = (other, other)
        return DefectInfo(defect, "form", [name_key])
    # faint_field
    return DefectInfo(defect, "form", [nik_key], faint_key=nik_key)
