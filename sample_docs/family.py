"""Generated families: who is on a Kartu Keluarga, with consistent names and NIKs."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sample_docs.people import (
    EDUCATIONS,
    REFERENCE_DATE,
    Person,
    make_kk_number,
    make_name,
    make_nik,
    make_person,
    random_date,
)

#: first digit of postal codes by province code (DOMAIN.md §1)
POSTAL_ZONE: dict[str, str] = {
    "11": "2",
    "12": "2",
    "13": "2",
    "14": "2",
    "21": "2",
    "15": "3",
    "16": "3",
    "17": "3",
    "18": "3",
    "19": "3",
    "31": "1",
    "32": "4",
    "36": "4",
    "33": "5",
    "34": "5",
    "35": "6",
    "51": "8",
    "52": "8",
    "53": "8",
    "61": "7",
    "62": "7",
    "63": "7",
    "64": "7",
    "65": "7",
}


@dataclass
class Member:
    """A person on a KK and their relationship to the head (SHDK)."""

    person: Person
    relationship: str

    def as_truth(self) -> dict[str, Any]:
        """The member in DESIGN.md's canonical keys."""
        p = self.person
        return {
            "full_name": p.full_name,
            "nik": p.nik,
            "sex": p.sex,
            "birth_place": p.birth_place,
            "birth_date": p.birth_date.isoformat(),
            "religion": p.religion,
            "education": p.education,
            "occupation": p.occupation,
            "marital_status": p.marital_status,
            "relationship": self.relationship,
            "nationality": p.nationality,
            "father_name": p.father_name,
            "mother_name": p.mother_name,
        }


@dataclass
class Family:
    """A household as its KK shows it."""

    kk_number: str
    members: list[Member]
    postal_code: str
    issued: date
    marriage_date: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def head(self) -> Person:
        """The KEPALA KELUARGA."""
        return self.members[0].person


def _share_address(person: Person, home: Person) -> None:
    person.address, person.rt_rw, person.village = home.address, home.rt_rw, home.village
    person.region = home.region


def _child_of(
    rng: random.Random, father: Person, mother: Person, birth: date, sex: str | None = None
) -> Person:
    """A child born on ``birth`` to ``father`` and ``mother``, living with them."""
    sex = sex or rng.choice(("LAKI-LAKI", "PEREMPUAN"))
    child = make_person(
        rng, sex=sex, region=father.region, religion=father.religion, min_age=0, max_age=1
    )
    child.birth_date = birth
    child.full_name = make_name(
        rng, sex, father.full_name.split()[-1] if rng.random() < 0.5 else None
    )
    child.nik = make_nik(father.region.district_code, birth, sex, rng.randint(1, 9999))
    child.birth_place = father.region.city
    child.father_name, child.mother_name = father.full_name, mother.full_name
    age = REFERENCE_DATE.year - birth.year
    child.marital_status = "BELUM KAWIN"
    child.occupation = "PELAJAR/MAHASISWA" if 6 <= age < 23 else "BELUM/TIDAK BEKERJA"
    child.education = EDUCATIONS[min(max(0, (age - 5) // 3), 4)] if age < 19 else "SLTA/SEDERAJAT"
    _share_address(child, father)
    return child


def make_spouse(rng: random.Random, person: Person) -> Person:
    """A spouse of the other sex, about the same age, at the same address."""
    sex = "PEREMPUAN" if person.sex == "LAKI-LAKI" else "LAKI-LAKI"
    age = REFERENCE_DATE.year - person.birth_date.year
    spouse = make_person(
        rng,
        sex=sex,
        region=person.region,
        religion=person.religion,
        marital_status="KAWIN",
        min_age=max(18, age - 6),
        max_age=age + 6,
    )
    _share_address(spouse, person)
    return spouse


def make_parents(rng: random.Random, child: Person) -> tuple[Person, Person]:
    """The father and mother of ``child`` (ages fit), at the child's address."""
    age = REFERENCE_DATE.year - child.birth_date.year
    father = make_person(
        rng,
        sex="LAKI-LAKI",
        region=child.region,
        religion=child.religion,
        marital_status="KAWIN",
        min_age=age + 22,
        max_age=age + 38,
        surname=child.full_name.split()[-1],
    )
    mother = make_person(
        rng,
        sex="PEREMPUAN",
        region=child.region,
        religion=child.religion,
        marital_status="KAWIN",
        min_age=age + 19,
        max_age=age + 32,
    )
    for parent in (father, mother):
        _share_address(parent, child)
    child.father_name, child.mother_name = father.full_name, mother.full_name
    return father, mother


def make_family(
    rng: random.Random,
    head: Person,
    wife: Person | None,
    extra_members: list[Member] | None = None,
    children: int = 0,
) -> Family:
    """A KK for ``head`` (+ ``wife``) with ``children`` generated children and extras."""
    members = [Member(head, "KEPALA KELUARGA")]
    if wife is not None:
        members.append(Member(wife, "ISTRI"))
    members.extend(extra_members or [])
    if wife is not None:
        eldest = max(head.birth_date, wife.birth_date).year + 20
        for _ in range(children):
            start = date(min(eldest, REFERENCE_DATE.year - 1), 1, 1)
            birth = random_date(rng, start, REFERENCE_DATE - timedelta(days=400))
            members.append(Member(_child_of(rng, head, wife, birth), "ANAK"))
    recorded = random_date(rng, date(2010, 1, 1), date(2025, 6, 30))
    zone = POSTAL_ZONE.get(head.region.district_code[:2], "9")
    return Family(
        kk_number=make_kk_number(head.region.district_code, recorded, rng.randint(1, 9999)),
        members=members,
        postal_code=f"{zone}{rng.randint(1000, 9999)}",
        issued=random_date(rng, recorded, date(2026, 6, 30)),
        marriage_date=(
            random_date(
                rng,
                date(min(2025, max(head.birth_date.year, wife.birth_date.year) + 19), 1, 1),
                date(2025, 12, 31),
            )
            if wife is not None
            else None
        ),
    )


def family_around(rng: random.Random, applicant: Person) -> Family:
    """The KK an applicant belongs to: their own if married, else their parents'."""
    if applicant.marital_status == "KAWIN":
        spouse = make_spouse(rng, applicant)
        head, wife = (applicant, spouse) if applicant.sex == "LAKI-LAKI" else (spouse, applicant)
        age = REFERENCE_DATE.year - max(head.birth_date.year, wife.birth_date.year)
        return make_family(rng, head, wife, children=rng.randint(0, min(3, max(0, age - 20))))
    father, mother = make_parents(rng, applicant)
    family = make_family(rng, father, mother, [Member(applicant, "ANAK")])
    if rng.random() < 0.5:
        birth = random_date(
            rng, applicant.birth_date + timedelta(days=500), REFERENCE_DATE - timedelta(days=900)
        )
        family.members.append(Member(_child_of(rng, father, mother, birth), "ANAK"))
    return family
