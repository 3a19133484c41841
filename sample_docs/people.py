"""Generated (never real) Indonesian people, regions, NIKs and phone numbers.

Every person is drawn from seeded random choices over made-up name lists, and every NIK
is valid-shaped: a 6-digit Kemendagri district code + DDMMYY (day + 40 for women) +
a 4-digit serial that is never ``0000``.
"""

from __future__ import annotations

import csv
import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import phonenumbers

REGIONS_CANDIDATES: tuple[Path, ...] = (
    Path(__file__).resolve().parent.parent / "rules" / "data" / "kemendagri_regions.csv",
    Path("/work/shared/data/regions/kemendagri_regions.csv"),
)

#: The day the generated world lives in: application dates fall before it.
REFERENCE_DATE = date(2026, 11, 1)

MALE_GIVEN: tuple[str, ...] = (
    "AGUS",
    "BUDI",
    "DEDI",
    "EKO",
    "FAJAR",
    "HENDRA",
    "IRFAN",
    "JOKO",
    "RIZKY",
    "SLAMET",
    "TEGUH",
    "WAHYU",
    "YUSUF",
    "ANDI",
    "BAYU",
    "DIMAS",
    "GILANG",
    "HADI",
    "IWAN",
    "ARIF",
    "RUDI",
    "BAMBANG",
    "HERU",
    "ADITYA",
    "RAHMAT",
    "DANU",
    "FERDI",
    "GALIH",
    "YOGA",
    "ILHAM",
)
FEMALE_GIVEN: tuple[str, ...] = (
    "AYU",
    "DEWI",
    "FITRI",
    "INDAH",
    "LESTARI",
    "MAYA",
    "NUR",
    "PUTRI",
    "RINA",
    "SARI",
    "SITI",
    "SRI",
    "WULAN",
    "YUNI",
    "RATNA",
    "ANI",
    "DIAN",
    "KARTIKA",
    "NIA",
    "RAHMA",
    "ENDANG",
    "TUTI",
    "WIDYA",
    "NOVITA",
    "RETNO",
    "AULIA",
    "NADIA",
    "INTAN",
    "LINDA",
    "MEGA",
)
MIDDLE: tuple[str, ...] = ("DWI", "TRI", "EKA", "NURUL", "CAHYA")
MALE_MIDDLE: tuple[str, ...] = ("ADI", "PUTRA", "INDRA", "BAGUS")
FEMALE_MIDDLE: tuple[str, ...] = ("SEKAR", "AYU", "PUTRI", "KARTIKA")
SURNAMES: tuple[str, ...] = (
    "WIJAYA",
    "SANTOSO",
    "HIDAYAT",
    "NUGROHO",
    "PRATAMA",
    "KUSUMA",
    "SETIAWAN",
    "SIREGAR",
    "NASUTION",
    "SIMANJUNTAK",
    "HARAHAP",
    "LUBIS",
    "SINAGA",
    "TANJUNG",
    "WIBOWO",
    "GUNAWAN",
    "HALIM",
    "SUSANTO",
    "PURNOMO",
    "RAHMAN",
    "HAKIM",
    "MAULANA",
    "FIRMANSYAH",
    "RAMADHAN",
    "PERMANA",
    "SURYADI",
    "HASIBUAN",
    "PANGARIBUAN",
    "SAPUTRA",
    "LESMANA",
    "WARDHANA",
    "PRASETYO",
    "SETIADI",
    "KURNIAWAN",
    "HUTAGALUNG",
    "MANURUNG",
    "SUHENDRA",
    "ANWAR",
)
STREETS: tuple[str, ...] = (
    "MERPATI",
    "MAWAR",
    "MELATI",
    "DIPONEGORO",
    "SUDIRMAN",
    "KENANGA",
    "ANGGREK",
    "CEMPAKA",
    "PAHLAWAN",
    "MERDEKA",
    "GAJAH MADA",
    "HASANUDDIN",
    "IMAM BONJOL",
    "CENDRAWASIH",
    "KARTINI",
    "AHMAD YANI",
    "NUSANTARA",
    "PEMUDA",
    "SEROJA",
    "FLAMBOYAN",
    "BOUGENVILLE",
)
VILLAGE_HEADS: tuple[str, ...] = (
    "SUKA",
    "MEKAR",
    "SARI",
    "TANJUNG",
    "KARANG",
    "SUMBER",
    "MARGA",
    "JATI",
    "CIPTA",
    "BANJAR",
    "TEGAL",
    "PASIR",
    "GUNUNG",
    "KEBON",
    "WONO",
    "TAMAN",
)
VILLAGE_TAILS: tuple[str, ...] = (
    "MAJU",
    "JAYA",
    "MULYA",
    "SARI",
    "REJO",
    "AGUNG",
    "ASRI",
    "HARJO",
    "MAKMUR",
    "RAHAYU",
)
RELIGIONS: tuple[tuple[str, float], ...] = (
    ("ISLAM", 0.80),
    ("KRISTEN", 0.08),
    ("KATOLIK", 0.04),
    ("HINDU", 0.04),
    ("BUDDHA", 0.02),
    ("KONGHUCU", 0.01),
    ("KEPERCAYAAN TERHADAP TUHAN YME", 0.01),
)
#: Canonical religion -> older spelling some cards print.
RELIGION_CARD_SPELLING: dict[str, str] = {
    "KATOLIK": "KATHOLIK",
    "BUDDHA": "BUDHA",
    "KONGHUCU": "KHONGHUCU",
}
OCCUPATIONS: tuple[str, ...] = (
    "KARYAWAN SWASTA",
    "WIRASWASTA",
    "PEGAWAI NEGERI SIPIL",
    "PELAJAR/MAHASISWA",
    "MENGURUS RUMAH TANGGA",
    "PETANI/PEKEBUN",
    "PEDAGANG",
    "GURU",
    "BURUH HARIAN LEPAS",
    "NELAYAN/PERIKANAN",
    "PERAWAT",
    "DOKTER",
    "SOPIR",
    "KARYAWAN BUMN",
    "PENSIUNAN",
    "BELUM/TIDAK BEKERJA",
)
BLOOD_TYPES: tuple[str, ...] = ("A", "B", "AB", "O", "-")
MOBILE_PREFIXES: tuple[str, ...] = (
    "811",
    "812",
    "813",
    "821",
    "822",
    "823",
    "852",
    "853",
    "814",
    "815",
    "816",
    "855",
    "856",
    "857",
    "858",
    "817",
    "818",
    "819",
    "859",
    "877",
    "878",
    "895",
    "896",
    "897",
    "898",
    "899",
    "881",
    "882",
    "831",
    "838",
)
EMAIL_DOMAINS: tuple[str, ...] = ("contoh.id", "mail.example", "surel.example")


@dataclass(frozen=True)
class Region:
    """A Kemendagri district (kecamatan) with its regency and province."""

    district_code: str
    district: str
    regency_code: str
    regency_name: str
    province: str

    @property
    def regency_header(self) -> str:
        """The regency as a KTP header prints it (Jakarta cities without ``KOTA``)."""
        name = self.regency_name.upper()
        if name.startswith("KOTA ADMINISTRASI "):
            return name.removeprefix("KOTA ADMINISTRASI ")
        if name.startswith("KABUPATEN ADMINISTRASI "):
            return "KABUPATEN " + name.removeprefix("KABUPATEN ADMINISTRASI ")
        return name

    @property
    def city(self) -> str:
        """The bare place name, e.g. ``SURABAYA`` for ``Kota Surabaya``."""
        name = self.regency_header
        for prefix in ("KABUPATEN ", "KOTA "):
            name = name.removeprefix(prefix)
        return name


@dataclass
class Person:
    """A generated person with everything a KTP, KK or form prints about them."""

    full_name: str
    sex: str
    birth_place: str
    birth_date: date
    nik: str
    region: Region
    blood_type: str
    address: str
    rt_rw: str
    village: str
    religion: str
    marital_status: str
    occupation: str
    education: str
    nationality: str = "WNI"
    valid_until: str = "SEUMUR HIDUP"
    phone: str = ""
    email: str = ""
    father_name: str = ""
    mother_name: str = ""
    card_issued: date = field(default_factory=lambda: date(2015, 1, 1))
    religion_on_card: str = ""

    @property
    def province(self) -> str:
        """Province as printed after ``PROVINSI``."""
        return self.region.province

    @property
    def regency(self) -> str:
        """Regency as printed in the KTP header."""
        return self.region.regency_header

    @property
    def district(self) -> str:
        """Kecamatan name, upper case."""
        return self.region.district


def derive_rng(seed: int, *parts: object) -> random.Random:
    """A ``random.Random`` seeded from ``seed`` and ``parts``, stable across runs."""
    digest = hashlib.sha256(repr((seed, *parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def regions_csv_path() -> Path:
    """Path of the Kemendagri region table (shipped in ``rules/data``)."""
    for candidate in REGIONS_CANDIDATES:
        if candidate.exists():
            return candidate
    raise FileNotFoundError("kemendagri_regions.csv not found in rules/data")


def _province_label(name: str) -> str:
    upper = name.upper()
    return {
        "DAERAH KHUSUS IBUKOTA JAKARTA": "DKI JAKARTA",
        "DAERAH ISTIMEWA YOGYAKARTA": "DI YOGYAKARTA",
    }.get(upper, upper)


@lru_cache(maxsize=1)
def load_regions() -> tuple[Region, ...]:
    """Every district still valid in the 2025 edition, with its regency and province."""
    names: dict[str, str] = {}
    districts: list[str] = []
    with regions_csv_path().open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["kode"].strip()
            names[code] = row["nama_terakhir"].strip()
            if row["level"].strip() == "3" and row["masih_berlaku_2025"].strip() == "True":
                districts.append(code)
    regions = []
    for code in sorted(districts):
        regency_name = names.get(code[:4], "")
        if not regency_name.lower().startswith(("kabupaten", "kota")) or code[:2] not in names:
            continue
        regions.append(
            Region(
                district_code=code,
                district=names[code].upper(),
                regency_code=code[:4],
                regency_name=regency_name,
                province=_province_label(names[code[:2]]),
            )
        )
    return tuple(regions)


@lru_cache(maxsize=1)
def known_region_prefixes() -> frozenset[str]:
    """Every 6-digit code of any edition (for making an unknown one on purpose)."""
    with regions_csv_path().open(newline="", encoding="utf-8") as fh:
        return frozenset(
            r["kode"].strip() for r in csv.DictReader(fh) if len(r["kode"].strip()) == 6
        )


def make_nik(district_code: str, birth_date: date, sex: str, serial: int) -> str:
    """Compose a NIK: district code + DDMMYY (day + 40 for women) + 4-digit serial."""
    if not 1 <= serial <= 9999:
        raise ValueError("NIK serial must be 0001..9999")
    day = birth_date.day + (40 if sex == "PEREMPUAN" else 0)
    return f"{district_code}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def make_kk_number(district_code: str, recorded: date, serial: int) -> str:
    """Compose a KK number: district code + DDMMYY of first recording (no +40) + serial."""
    return f"{district_code}{recorded:%d%m%y}{serial:04d}"


def make_phone(rng: random.Random) -> str:
    """A valid Indonesian mobile number in E.164 (``+628...``)."""
    while True:
        prefix = rng.choice(MOBILE_PREFIXES)
        rest = "".join(str(rng.randrange(10)) for _ in range(rng.choice((7, 8))))
        e164 = f"+62{prefix}{rest}"
        if phonenumbers.is_valid_number(phonenumbers.parse(e164, None)):
            return e164


def make_name(rng: random.Random, sex: str, surname: str | None = None) -> str:
    """A made-up Indonesian name of two or three words, upper case."""
    given = rng.choice(MALE_GIVEN if sex == "LAKI-LAKI" else FEMALE_GIVEN)
    words = [given]
    if rng.random() < 0.35:
        words.append(rng.choice(MIDDLE + (MALE_MIDDLE if sex == "LAKI-LAKI" else FEMALE_MIDDLE)))
    words.append(surname or rng.choice(SURNAMES))
    return " ".join(words)


def make_village(rng: random.Random) -> str:
    """A made-up village (kelurahan/desa) name such as ``SUKAMAJU``."""
    head, tail = rng.choice(VILLAGE_HEADS), rng.choice(VILLAGE_TAILS)
    return head + tail if head != tail else head + "JAYA"


def make_address(rng: random.Random) -> str:
    """A short street address as a KTP prints it."""
    kind = rng.random()
    if kind < 0.7:
        return f"JL. {rng.choice(STREETS)} NO. {rng.randint(1, 150)}"
    if kind < 0.85:
        return f"GG. {rng.choice(STREETS)} {rng.randint(1, 40)}"
    return f"DUSUN {make_village(rng)}"


def weighted_choice(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    """Pick one option by weight."""
    return rng.choices([o for o, _ in options], weights=[w for _, w in options], k=1)[0]


def random_date(rng: random.Random, start: date, end: date) -> date:
    """A uniformly random date in ``[start, end]``."""
    return start + timedelta(days=rng.randint(0, (end - start).days))


EDUCATIONS: tuple[str, ...] = (
    "TIDAK/BELUM SEKOLAH",
    "BELUM TAMAT SD/SEDERAJAT",
    "TAMAT SD/SEDERAJAT",
    "SLTP/SEDERAJAT",
    "SLTA/SEDERAJAT",
    "DIPLOMA I/II",
    "AKADEMI/DIPLOMA III/S. MUDA",
    "DIPLOMA IV/STRATA I",
    "STRATA II",
    "STRATA III",
)


def make_person(
    rng: random.Random,
    *,
    sex: str | None = None,
    region: Region | None = None,
    min_age: int = 18,
    max_age: int = 70,
    surname: str | None = None,
    religion: str | None = None,
    marital_status: str | None = None,
    reference: date = REFERENCE_DATE,
) -> Person:
    """Generate one person; the keyword arguments pin what a family must share."""
    sex = sex or rng.choice(("LAKI-LAKI", "PEREMPUAN"))
    region = region or rng.choice(load_regions())
    birth_date = random_date(
        rng,
        date(reference.year - max_age, 1, 1),
        date(reference.year - min_age, reference.month, 1) - timedelta(days=1),
    )
    age = reference.year - birth_date.year
    if marital_status is None:
        married_odds = 0.0 if age < 19 else 0.25 if age < 25 else 0.8
        marital_status = "KAWIN" if rng.random() < married_odds else "BELUM KAWIN"
        if age > 45 and rng.random() < 0.15:
            marital_status = rng.choice(("CERAI HIDUP", "CERAI MATI"))
    religion = religion or weighted_choice(rng, RELIGIONS)
    occupation = rng.choice(OCCUPATIONS)
    if age < 23 and rng.random() < 0.6:
        occupation = "PELAJAR/MAHASISWA"
    birth_place = region.city if rng.random() < 0.7 else rng.choice(load_regions()).city
    issue_start = date(min(2025, max(2012, birth_date.year + 17)), 1, 1)
    issued = random_date(rng, issue_start, date(2025, 12, 31))
    valid_until = "SEUMUR HIDUP"
    if issued.year < 2016 and rng.random() < 0.5:
        valid_until = issued.replace(year=issued.year + 5).isoformat()
    person = Person(
        full_name=make_name(rng, sex, surname),
        sex=sex,
        birth_place=birth_place,
        birth_date=birth_date,
        nik=make_nik(region.district_code, birth_date, sex, rng.randint(1, 9999)),
        region=region,
        blood_type=rng.choice(BLOOD_TYPES),
        address=make_address(rng),
        rt_rw=f"{rng.randint(1, 15):03d}/{rng.randint(1, 12):03d}",
        village=make_village(rng),
        religion=religion,
        marital_status=marital_status,
        occupation=occupation,
        education=rng.choice(EDUCATIONS[2:] if age >= 18 else EDUCATIONS[:4]),
        valid_until=valid_until,
        phone=make_phone(rng),
        card_issued=issued,
    )
    email_user = person.full_name.split()[0].lower() + str(rng.randint(10, 99))
    person.email = f"{email_user}@{rng.choice(EMAIL_DOMAINS)}"
    person.religion_on_card = (
        RELIGION_CARD_SPELLING.get(religion, religion) if rng.random() < 0.5 else religion
    )
    person.father_name = make_name(rng, "LAKI-LAKI", person.full_name.split()[-1])
    person.mother_name = make_name(rng, "PEREMPUAN")
    return person


def unknown_district_code(rng: random.Random, province_code: str) -> str:
    """A 6-digit code in a real province that no Kemendagri edition lists."""
    known = known_region_prefixes()
    while True:
        code = f"{province_code}{rng.randint(60, 69):02d}{rng.randint(80, 99):02d}"
        if code not in known and code[:4] + "00" not in known:
            return code
