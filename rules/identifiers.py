"""Pure checks of Indonesian identifiers, names and region codes (DOMAIN.md §1, §3, §5).

Every function takes plain values and returns a small answer; nothing here knows about
rule sets or applications. python-stdnum and phonenumbers are used where they are right;
where DOMAIN.md shows they are not (stdnum's NIK region list is BPS-derived and only
checks the province), the Kemendagri table shipped in ``rules/data/`` is used instead.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import phonenumbers
from rapidfuzz import fuzz
from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.id import nik as stdnum_nik

REGIONS_CSV = Path(__file__).parent / "data" / "kemendagri_regions.csv"

MALE = "LAKI-LAKI"
FEMALE = "PEREMPUAN"


def digits_only(value: object) -> str:
    """The value as a compact digit string: spaces, dots and dashes removed (stdnum's compact)."""
    return stdnum_nik.compact(str(value)) if value is not None else ""


def is_digits(value: str, length: int) -> bool:
    """True when ``value`` is exactly ``length`` ASCII digits."""
    return len(value) == length and value.isascii() and value.isdigit()


# --- NIK ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NikParts:
    """The parts of a 16-digit NIK: ``PP KK CC DDMMYY SSSS``."""

    region: str
    """Six digits: province, regency/city, kecamatan where the NIK was first registered."""
    day: int
    """Encoded day: 1..31 for men, 41..71 for women (birth day + 40)."""
    month: int
    year2: int
    """Two-digit year; the century is not encoded (R4)."""
    serial: str


def nik_parts(nik: str) -> NikParts | None:
    """Split a NIK into its parts, or ``None`` when it is not 16 digits (R1)."""
    nik = digits_only(nik)
    if not is_digits(nik, 16):
        return None
    return NikParts(nik[:6], int(nik[6:8]), int(nik[8:10]), int(nik[10:12]), nik[12:])


def nik_sex(parts: NikParts) -> str | None:
    """``LAKI-LAKI`` or ``PEREMPUAN`` as encoded in the day digits, ``None`` if out of range."""
    if 1 <= parts.day <= 31:
        return MALE
    if 41 <= parts.day <= 71:
        return FEMALE
    return None


def _resolve_century(day: int, month: int, year2: int, printed_year: int | None,
                     reference: date) -> date | None:
    """The birth date for DD/MM/YY: the century from the printed year, else age 0..120 (R4)."""
    candidates: list[int] = []
    if printed_year is not None:
        candidates.append(printed_year - printed_year % 100 + year2)
    candidates += [
        century + year2
        for century in range(reference.year - reference.year % 100, reference.year - 200, -100)
    ]
    for year in candidates:
        try:
            born = date(year, month, day)
        except ValueError:
            continue
        if born <= reference and reference.year - year <= 120:
            return born
    for year in candidates:  # a real calendar date, even if not in the plausible age range
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return None


def nik_birth_date(nik: str, printed_year: int | None = None,
                   reference: date | None = None) -> date | None:
    """The birth date encoded in a NIK (day - 40 for women), or ``None`` if it is no real date.

    R3: DD must be 01-31 or 41-71, MM 01-12 and the date must exist. The century is taken
    from ``printed_year`` when known (R4), otherwise the one giving an age of 0..120 at
    ``reference`` (default today). Unlike stdnum's ``get_birth_date`` (``day % 40``), days
    32-40 and above 71 are refused.
    """
    parts = nik_parts(nik)
    if parts is None or nik_sex(parts) is None or not 1 <= parts.month <= 12:
        return None
    day = parts.day - 40 if parts.day > 40 else parts.day
    return _resolve_century(day, parts.month, parts.year2, printed_year, reference or date.today())


def nik_serial_ok(nik: str) -> bool:
    """R5: the last four digits are not ``0000``."""
    parts = nik_parts(nik)
    return parts is not None and parts.serial != "0000"


def nik_is_valid(nik: str) -> bool:
    """R1, R3 and R5 together: 16 digits, a real encoded date, serial not 0000."""
    return nik_birth_date(nik) is not None and nik_serial_ok(nik)


def is_default_birth_date(born: date) -> bool:
    """R7: 1 July (SIAK, after 2004) or 31 December (before) recorded for an unknown date."""
    return (born.month, born.day) in ((7, 1), (12, 31))


# --- KK number --------------------------------------------------------------------------------


def kk_number_problem(value: object) -> str | None:
    """Why a No. KK is malformed, or ``None`` if it is well formed (DOMAIN.md §1, No. KK).

    16 digits; the middle DDMMYY is the date the family was first recorded, with no +40
    for women; the serial is not 0000.
    """
    number = digits_only(value)
    if not is_digits(number, 16):
        return "length"
    day, month, year2 = int(number[6:8]), int(number[8:10]), int(number[10:12])
    try:
        date(2000 + year2, month, day)
    except ValueError:
        return "date"
    if number[12:] == "0000":
        return "serial"
    return None


# --- NPWP -----------------------------------------------------------------------------------


def npwp_problem(value: object) -> str | None:
    """Why an NPWP's structure is wrong (``length``, ``nik``), or ``None`` (DOMAIN.md §1).

    Accepts 15 digits (legacy), 16 digits (a NIK when the first digit is not 0, else "0" +
    the legacy 15) and 22 digits (NITKU: 16-digit NPWP + 6-digit branch suffix).
    """
    number = digits_only(value)
    if not number.isascii() or not number.isdigit() or len(number) not in (15, 16, 22):
        return "length"
    head = number[:16]
    if len(head) == 16 and not head.startswith("0") and not nik_is_valid(head):
        return "nik"
    return None


def npwp_checksum_ok(value: object) -> bool:
    """Luhn over the first 9 digits (15-digit form) or 10 (16/22, leading 0), as stdnum does.

    A 16-digit NPWP that does not start with 0 is a NIK and has no check digit: True.
    DJP never published the algorithm, so a failure is only a warning (DOMAIN.md §1).
    """
    number = digits_only(value)
    if npwp_problem(number) is not None:
        return True  # structure errors are another rule's business
    if len(number) == 15:
        checked = number[:9]
    elif number.startswith("0"):
        checked = number[:10]
    else:
        return True
    try:
        luhn.validate(checked)
    except ValidationError:
        return False
    return True


def npwp_is_legacy(value: object) -> bool:
    """True for the old 15-digit form, replaced by 16 digits from 1 July 2024 (PMK 136/2023)."""
    return len(digits_only(value)) == 15


# --- phone, postal code, RT/RW ----------------------------------------------------------------


def phone_ok(value: object) -> bool:
    """A valid Indonesian phone number (E.164 ``+62...`` or national ``08...``) per phonenumbers."""
    try:
        number = phonenumbers.parse(str(value), "ID")
    except phonenumbers.NumberParseException:
        return False
    return (phonenumbers.is_valid_number(number)
            and phonenumbers.region_code_for_number(number) == "ID")


POSTAL_CODE_RE = re.compile(r"^[1-9]\d{4}$")
RT_RW_RE = re.compile(r"^\d{3}\s*/\s*\d{3}$")


# --- names ----------------------------------------------------------------------------------

#: Degree, customary and religious titles allowed on KK and KTP (DOMAIN.md §5), upper case,
#: without dots. Stripped before names are compared across documents.
TITLES = frozenset({
    "H", "HJ", "HAJI", "HAJJAH", "IR", "DR", "DRS", "DRA", "PROF", "KH", "R", "RA", "RR",
    "SH", "SE", "ST", "SP", "SS", "SKOM", "SPD", "SAG", "SSOS", "SHUT", "SKED", "SKM",
    "SIP", "SPSI", "SFARM", "SKEP", "SSI", "SIKOM", "STP", "SPT", "SSN", "SPDI", "SHI",
    "MM", "MT", "MSI", "MH", "MKOM", "MPD", "MAG", "MKES", "MBA", "MA", "MSC", "PHD",
    "AMD", "AMDKEB", "AMDKEP", "AMK", "TGK", "TENGKU", "HABIB", "UST", "USTADZ",
})

_NAME_SPLIT_RE = re.compile(r"[\s,]+")


def strip_titles(name: object) -> str:
    """The name in upper case without titles (``Hj.``, ``Ir.``, ``S.Kom``, ``Dr.``) or commas."""
    tokens = [t for t in _NAME_SPLIT_RE.split(str(name or "").upper()) if t]
    kept = [t for t in tokens if t.replace(".", "") not in TITLES]
    return " ".join(kept)


def name_similarity(a: object, b: object) -> float:
    """0..100: how alike two person names are once titles are stripped.

    The better of the word-order-insensitive ratio and the plain ratio: sorting the words
    puts a name whose first word was misread by a letter (IYOGA SIMANJUNTAK) in another
    order than the name itself (SIMANJUNTAK YOGA), which the plain ratio does not.
    """
    left, right = strip_titles(a), strip_titles(b)
    if not left or not right:
        return 0.0
    return float(max(fuzz.token_sort_ratio(left, right), fuzz.ratio(left, right)))


_NAME_BAD_CHARS_RE = re.compile(r"[^A-Z .'\-]")


def name_problem(name: object) -> str | None:
    """What a warning-worthy name looks like (DOMAIN.md §5), or ``None``.

    ``digits_or_symbols``, ``too_long`` (over 60 characters), ``single_word`` or
    ``apostrophe``. Names recorded before Permendagri 73/2022 stay valid: warn only.
    """
    text = str(name or "").strip().upper()
    bare = strip_titles(text)
    if _NAME_BAD_CHARS_RE.search(bare):
        return "digits_or_symbols"
    if len(text) > 60:
        return "too_long"
    if len(bare.split()) < 2:
        return "single_word"
    if "'" in bare:
        return "apostrophe"
    return None


# --- Kemendagri regions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Regions:
    """The union of all Kemendagri region-code editions 2016-2025: code -> latest name."""

    provinces: dict[str, str]
    regencies: dict[str, str]
    districts: dict[str, str]


@lru_cache(maxsize=1)
def regions() -> Regions:
    """Load ``rules/data/kemendagri_regions.csv`` once (MIT, derived from cahyadsn/wilayah)."""
    by_level: dict[str, dict[str, str]] = {"1": {}, "2": {}, "3": {}}
    with REGIONS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            by_level[row["level"]][row["kode"]] = row["nama_terakhir"]
    return Regions(by_level["1"], by_level["2"], by_level["3"])


def region_known(prefix: str) -> bool:
    """R8: the 6-digit NIK prefix is a kecamatan code of some Kemendagri edition."""
    return prefix in regions().districts


_REGION_WORDS_RE = re.compile(
    r"\b(PROVINSI|KABUPATEN|KAB\.?|KOTA|ADMINISTRASI|ADM\.?)\b"
)
_PROVINCE_ABBREVIATIONS = {"DKI": "DAERAH KHUSUS IBUKOTA", "DI": "DAERAH ISTIMEWA"}


def _region_name(name: str) -> str:
    words = [_PROVINCE_ABBREVIATIONS.get(w, w) for w in str(name).upper().split()]
    return " ".join(_REGION_WORDS_RE.sub(" ", " ".join(words)).split())


def region_matches_address(prefix: str, province: object, regency: object) -> bool:
    """R2: the NIK's province/regency codes name the province and regency printed on the card.

    Unknown codes and missing printed names count as a match (nothing to report).
    """
    table = regions()
    checks = [(table.provinces.get(prefix[:2]), province),
              (table.regencies.get(prefix[:4]), regency)]
    for coded, printed in checks:
        if not coded or not printed:
            continue
        if fuzz.token_set_ratio(_region_name(coded), _region_name(str(printed))) < 85:
            return False
    return True
