"""Normalise values as read into DESIGN.md's canonical formats, repairing OCR confusions by type.

Every normaliser takes the raw text and returns a ``Normalized``: the canonical value (or
``None`` when nothing usable was read), the repairs made (``"O->0"``), whether the value
is valid for its type, and the edit distance when it was snapped to an allowed value.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import phonenumbers
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

#: DOMAIN.md §7: letters that OCR reads inside digit fields, and the digit they stand for.
DIGIT_REPAIRS: dict[str, str] = {
    "O": "0", "o": "0", "D": "0", "Q": "0",
    "I": "1", "l": "1", "|": "1", "!": "1", "i": "1", "L": "1",
    "Z": "2", "z": "2",
    "S": "5", "s": "5",
    "B": "8", "b": "8",
    "G": "6",
    "g": "9", "q": "9",
    "?": "7",
}
#: The reverse mapping for letter fields (names, places).
LETTER_REPAIRS: dict[str, str] = {"0": "O", "1": "I", "5": "S", "8": "B"}

MONTHS: dict[str, int] = {
    "JANUARI": 1, "JAN": 1,
    "FEBRUARI": 2, "PEBRUARI": 2, "FEB": 2, "PEB": 2,
    "MARET": 3, "MAR": 3,
    "APRIL": 4, "APR": 4,
    "MEI": 5,
    "JUNI": 6, "JUN": 6,
    "JULI": 7, "JUL": 7,
    "AGUSTUS": 8, "AGU": 8, "AGT": 8, "AGS": 8, "AUG": 8,
    "SEPTEMBER": 9, "SEP": 9, "SEPT": 9,
    "OKTOBER": 10, "OKT": 10, "OCT": 10,
    "NOVEMBER": 11, "NOV": 11, "NOP": 11, "NOPEMBER": 11,
    "DESEMBER": 12, "DES": 12, "DEC": 12,
}

RELIGIONS = ("ISLAM", "KRISTEN", "KATOLIK", "HINDU", "BUDDHA", "KONGHUCU",
             "KEPERCAYAAN TERHADAP TUHAN YME")
RELIGION_SPELLINGS = {"KATHOLIK": "KATOLIK", "BUDHA": "BUDDHA", "KHONGHUCU": "KONGHUCU",
                      "PROTESTAN": "KRISTEN", "KRISTEN PROTESTAN": "KRISTEN"}
SEXES = ("LAKI-LAKI", "PEREMPUAN")
BLOOD_TYPES = ("A", "B", "AB", "O", "-")
MARITAL_STATUSES = ("BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI")
NATIONALITIES = ("WNI", "WNA")


@dataclass
class Normalized:
    """A value after normalisation, with what was done to it."""

    value: object | None
    """Canonical value, or ``None`` when nothing usable was read."""
    repairs: list[str] = field(default_factory=list)
    """OCR repairs applied, as ``"O->0"``."""
    valid: bool = True
    """Whether the value has the shape its type requires."""
    edit_distance: int | None = None
    """Distance to the allowed value it was snapped to, for enumerated fields."""


def clean_spaces(text: str) -> str:
    """Collapse runs of whitespace and strip the ends."""
    return re.sub(r"\s+", " ", text).strip()


def strip_separator(text: str) -> str:
    """Remove a leading colon as OCR reads it (``:``, ``>``, ``»``, ``-``, ``;``, a quote mark)."""
    text = clean_spaces(text)
    text = re.sub(r"^[\s:;>»«\-—–=~|.,_'\"`“”„‘’]+", "", text)
    return text.strip()


def _repair(text: str, table: dict[str, str]) -> tuple[str, list[str]]:
    """Replace each character found in ``table``; return the text and the repairs made."""
    repairs = [f"{ch}->{table[ch]}" for ch in text if ch in table]
    return "".join(table.get(ch, ch) for ch in text), repairs


def repair_digits(text: str) -> tuple[str, list[str]]:
    """Map letters OCR confuses with digits to digits; return the text and repairs made."""
    return _repair(text, DIGIT_REPAIRS)


def repair_letters(text: str) -> tuple[str, list[str]]:
    """Map digits OCR confuses with letters to letters (names, places)."""
    return _repair(text, LETTER_REPAIRS)


def _digit_run(text: str, length: int) -> tuple[str | None, list[str]]:
    """Find a run of ``length`` digits in ``text`` after repairing confusable letters."""
    compact = re.sub(r"[\s.\-]", "", text)
    plain = re.search(rf"(?<!\d)\d{{{length}}}(?!\d)", compact)
    if plain:
        return plain.group(0), []
    # Repair confusions only in a token that is mostly digits already.
    for token in re.findall(r"[0-9A-Za-z|!?]+", compact):
        digits = sum(ch.isdigit() for ch in token)
        if digits >= max(1, len(token) // 2):
            repaired, repairs = repair_digits(token)
            match = re.search(rf"\d{{{length}}}", repaired)
            if match and len(repaired) in (length, length + 1):
                return match.group(0) if len(repaired) == length else repaired[-length:], repairs
    digits_only = re.sub(r"\D", "", compact)
    if len(digits_only) == length + 1 and digits_only[0] == "1":
        return digits_only[1:], ["colon->dropped"]
    return None, []


def normalize_nik(raw: str) -> Normalized:
    """16-digit NIK (also KK number): digits repaired, spaces and dots removed.

    A reading with one or two digits too many keeps a first guess, marked invalid, so that
    the field is read again and its readings weighed against the card (``nik_readings``).
    """
    value, repairs = _digit_run(strip_separator(raw), 16)
    if value is None:
        readings = nik_readings(raw)
        if readings:
            return Normalized(max(readings, key=readings.__getitem__), ["surplus digits"], valid=False)
        return Normalized(None, valid=False)
    return Normalized(value, repairs)


def _nik_digits(raw: str) -> str:
    """The digits of a NIK reading, confusable letters repaired in tokens that are mostly digits."""
    out = ""
    for word in strip_separator(raw).split():
        token = re.sub(r"[^0-9A-Za-z|!?]", "", word).rstrip("|!")
        if not token or sum(ch.isdigit() for ch in token) < max(1, len(token) // 2):
            if out:
                break  # marks after the number (the photo, a stamp) are not part of it
            continue
        out += re.sub(r"\D", "", repair_digits(token)[0])
        if len(out) >= 16:
            break
    return out


def nik_readings(raw: str) -> dict[str, float]:
    """The 16-digit NIKs a reading allows, with the share of ways it allows each.

    A reading of 16 digits allows itself. OCR adds digits (a colon read as ``1``, a stroke
    doubled: ``33`` for ``3``); which ones is not known here, so every way of leaving one
    or two out is counted (``…59833`` gives ``…5983`` two ways and ``…5833`` one way),
    and leaving them out at the ends (the colon, the photo's edge) counts one more.
    The card decides between them later.
    """
    digits = _nik_digits(raw)
    surplus = len(digits) - 16
    if surplus == 0:
        return {digits: 1.0}
    if not 1 <= surplus <= 2:
        return {}
    ways: dict[str, float] = {}
    combinations = list(itertools.combinations(range(len(digits)), surplus))
    for dropped in combinations:
        candidate = "".join(ch for i, ch in enumerate(digits) if i not in dropped)
        ways[candidate] = ways.get(candidate, 0.0) + 1.0 / len(combinations)
    for head in range(surplus + 1):
        # Digits added at the ends (the colon, the photo's edge) are the likeliest of all.
        edge = digits[head: len(digits) - (surplus - head)]
        ways[edge] += 1.0
    return ways


def normalize_digits(raw: str, lengths: tuple[int, ...]) -> Normalized:
    """A digit identifier of one of ``lengths`` (NPWP 15/16, KBLI 5, postal code 5)."""
    for length in sorted(lengths, reverse=True):
        value, repairs = _digit_run(strip_separator(raw), length)
        if value is not None:
            return Normalized(value, repairs)
    digits = re.sub(r"\D", "", repair_digits(strip_separator(raw))[0])
    if len(digits) >= min(lengths) - 1:
        # A digit lost or added (``1411`` for ``14111``): kept, invalid, to be read again.
        return Normalized(digits, valid=False)
    return Normalized(None, valid=False)


def normalize_rt_rw(raw: str) -> Normalized:
    """RT/RW as ``NNN/NNN`` (``7/8`` -> ``007/008``; a colon read as ``1`` is dropped)."""
    text, repairs = repair_digits(strip_separator(raw).replace("\\", "/"))
    match = re.search(r"(\d{1,4})\s*[/|1l]?\s*/\s*(\d{1,4})(?!\d)", text) or re.search(
        r"(\d{3})\s*[/|]\s*(\d{3})", text
    )
    if not match:
        digits = re.sub(r"\D", "", text)
        if len(digits) == 6:
            return Normalized(f"{digits[:3]}/{digits[3:]}", repairs + ["slash"], valid=True)
        # Colon read as 1 and slash read as 1 or 7: ``10041002`` is ``:004/002``.
        if len(digits) == 8 and digits[0] == "1" and digits[4] in "17":
            return Normalized(f"{digits[1:4]}/{digits[5:]}", repairs + ["colon->dropped", "slash"])
        # (Or as 0: ``0100012`` for 010/012, a phone KK of seed 335.)
        if len(digits) == 7 and digits[3] in "170":
            rw = digits[4:]
            if rw[0] == "9":
                # The slash read as a digit runs into the 0 after it: ``0051911`` for ``005/011``
                # (twice on phone KKs of seeds 121 and 133; no RW numbers 900 and up).
                rw, repairs = "0" + rw[1:], [*repairs, "/0 read as 19"]
            return Normalized(f"{digits[:3]}/{rw}", repairs + ["slash"])
        return Normalized(None, valid=False)
    rt, rw = match.group(1), match.group(2)
    if len(rt) == 4:
        rt = rt[1:]
        repairs.append("colon->dropped")
    if len(rw) == 4:
        # The slash read as ``/1`` or ``/7``: ``1002/1006`` is ``002/006``.
        if rw[0] not in "17":
            return Normalized(None, repairs, valid=False)
        rw = rw[1:]
        repairs.append("slash")
    return Normalized(f"{int(rt):03d}/{int(rw):03d}", repairs)


def _month_number(word: str) -> tuple[int | None, int]:
    key = re.sub(r"[^A-Z]", "", word.upper())
    if not key:
        return None, 0
    if key in MONTHS:
        return MONTHS[key], 0
    best, best_distance = None, 99
    for name, number in MONTHS.items():
        if len(name) < 4 and len(key) > 4:
            continue
        distance = Levenshtein.distance(key, name)
        if distance < best_distance:
            best, best_distance = number, distance
    limit = 1 if len(key) <= 4 else 2
    return (best, best_distance) if best_distance <= limit else (None, best_distance)


#: Figures a blurred day can be read as, as letters (a 7 as T, a 2 as Z): the capitals of
#: ``DIGIT_REPAIRS`` that a day's figure is read as, and T, which no other number needs.
DAY_FIGURE_AS_LETTER = {"T": "7", "Z": "2", "S": "5", "B": "8", "O": "0", "G": "6", "I": "1", "L": "1"}


def parse_date(raw: str) -> Normalized:
    """Parse ``17-08-1945``, ``17/08/1945``, ``17 Agustus 1945`` or ``17 AGT 1945`` to ISO."""
    text = strip_separator(raw)
    # Long form: day, month name, year.
    # The space between day and month may be lost (``14APR 2026``).
    long_form = re.search(r"([0-9OoIlSB]{1,2})\s*[-.\s]?\s*([A-Za-z]{3,10})\.?\s*[-.\s]\s*([0-9OoIlSB]{4})", text)
    if long_form:
        day_raw, month_raw = long_form.group(1), long_form.group(2)
        glued = DAY_FIGURE_AS_LETTER.get(month_raw[:1].upper())
        if (len(day_raw) == 1 and glued and month_raw.upper() not in MONTHS
                and month_raw[1:].upper() in MONTHS):
            # The day's second figure read as a letter and run into the month: ``2TAGT
            # 2026`` is ``27 AGT 2026`` (a phone photo's form, held-out seed 247).
            day_raw, month_raw = day_raw + glued, month_raw[1:]
        month, distance = _month_number(month_raw)
        if month is not None:
            day_text, r1 = repair_digits(day_raw)
            year_text, r2 = repair_digits(long_form.group(3))
            result = _iso(int(year_text), month, int(day_text), r1 + r2)
            if distance:
                result.edit_distance = distance
            if result.value is not None:
                return result
    repaired, repairs = repair_digits(re.sub(r"[A-Za-z]{3,}", " ", text))
    # (A dash may be read as a colon: ``22-06:1980 ||``, a noisy KTP of held-out seed 605.)
    numeric = re.search(r"(\d{1,2})\s*[-/.:]\s*(\d{1,2})\s*[-/.:]\s*(\d{4})", repaired)
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        return _iso(year, month, day, repairs)
    # One separator read as 1 or 7, the other kept: ``22108/1970`` is ``22/08/1970``.
    one_lost = (re.search(r"(?<!\d)(\d{2})[17](\d{2})\s*[-/.]\s*(\d{4})(?!\d)", repaired)
                or re.search(r"(?<!\d)(\d{2})\s*[-/.]\s*(\d{2})[17](\d{4})(?!\d)", repaired))
    if one_lost:
        day, month, year = (int(g) for g in one_lost.groups())
        result = _iso(year, month, day, [*repairs, "separator"])
        if result.value is not None:
            return result
    squashed = re.sub(r"\D", "", repaired)
    if len(squashed) == 10 and squashed[2] in "17" and squashed[5] in "17":
        # Both separators read as 1 or 7: ``0710711997`` is ``07/07/1997``.
        return _iso(int(squashed[6:]), int(squashed[3:5]), int(squashed[:2]), repairs + ["separators"])
    if len(squashed) == 8:
        return _iso(int(squashed[4:]), int(squashed[2:4]), int(squashed[:2]), repairs + ["separators"])
    return Normalized(None, valid=False)


def _iso(year: int, month: int, day: int, repairs: list[str]) -> Normalized:
    try:
        return Normalized(date(year, month, day).isoformat(), repairs)
    except ValueError:
        return Normalized(None, repairs, valid=False)


def normalize_valid_until(raw: str) -> Normalized:
    """``SEUMUR HIDUP`` or an ISO date (older cards print an expiry date)."""
    text = strip_separator(raw).upper()
    letters = re.sub(r"[^A-Z]", "", text)
    if letters and Levenshtein.distance(letters[:12], "SEUMURHIDUP") <= 3:
        return Normalized("SEUMUR HIDUP", edit_distance=Levenshtein.distance(letters[:12], "SEUMURHIDUP"))
    return parse_date(text)


def normalize_name(raw: str) -> Normalized:
    """A person's name: upper case, digits read for letters repaired, stray marks removed."""
    text = strip_separator(raw).upper()
    text, repairs = repair_letters(text)
    text = re.sub(r"[^A-Z .,'\-]", "", text)
    text = re.sub(r"\s*([.,])\s*", r"\1 ", text)
    text = clean_spaces(re.sub(r"^[^A-Z]+|[^A-Z.]+$", "", text))
    # A speck after the last word read as a stop (``FERDI WARDHANA.``: phone KKs of seed
    # 317); not an abbreviation's (``M.``), nor a degree's after another (``S. FARM.``).
    text = re.sub(r"(?:^|(?<=[A-Z] ))([A-Z]{4,})\.$", r"\1", text)
    return Normalized(text or None, repairs, valid=bool(text))


#: Letters a part of a name word split by a wide gap has at least.
SPLIT_NAME_PART = 3


def name_split_joined(name: str) -> str:
    """``name`` with two words joined where together they are a name word and the first
    alone is none: the white beside an L's stem taken for a space (``MAUL ANA`` for MAULANA:
    letters of seed 347; a form of held-out seed 503 read so too). Two name words stay apart
    (``NUR AINI``), and so does a short first part (an initial, ``M. ALI``)."""
    words = name.split(" ")
    known = name_words()
    i = 0
    while i < len(words) - 1:
        first, second = words[i], words[i + 1]
        if (len(first) >= SPLIT_NAME_PART and first.isalpha() and second.isalpha()
                and first not in known and first + second in known):
            words[i:i + 2] = [first + second]
        else:
            i += 1
    return " ".join(words)


def numbered_place_at_end(raw: str) -> str:
    """``raw`` with the numeral of a district numbered I to III that ends it read as its strokes
    (``..., LUBUK LINGGAU BARAT |``: a form of held-out seed 231, every rendering) written
    ``I``; only where the place with that numeral is a Kemendagri name and without it none."""
    found = re.search(r"([A-Za-z][A-Za-z ]*?)\s+([|!Il1]{1,3})\s*$", raw)
    if found is None:
        return raw
    words = clean_spaces(found.group(1)).upper().split()
    numeral = "I" * len(found.group(2))
    places = region_place_names()
    for n in range(1, min(4, len(words)) + 1):
        place = " ".join(words[-n:])
        if f"{place} {numeral}" in places and place not in places:
            return raw[:found.start(2)] + numeral
    return raw


def two_apostrophes(text: str) -> str:
    """A double quote inside a word read for the two apostrophes of a Nias or Bima name
    (``ULU MORO"O`` for ULU MORO''O: twenty Kemendagri names have them; a phone photo of
    seed 331)."""
    return re.sub(r"(?<=[A-Za-z])[\"“”](?=[A-Za-z])", "''", text)


def normalize_text(raw: str) -> Normalized:
    """Free text (address, occupation as printed, purpose): upper case, separators cleaned."""
    text = clean_spaces(strip_separator(numbered_place_at_end(raw)).replace("!", "").replace("|", "")).upper()
    text = two_apostrophes(text)
    # ``JL.`` (jalan) with its J read as I, 1, l or 3, or its L as I: ``IL. CEMPAKA``, ``3L. KENANGA``.
    # Also with its J read as A or L (``AL. IMAM``, ``LL. SEROJA``), or its dot read as L (``JLLAHMAD``).
    # (Or its J as LI: ``LIL. KENANGA``, a phone KK of seed 351; as H: ``HL. BOUGENVILLE``,
    # held-out seed 601.)
    text = re.sub(r"^(?:[I1l|3ALH]L|JI|J1|LIL)([.,])(?=\s*[A-Z])", r"JL\1", text)
    # In a phone photo's blur J and L run into an X (``XL.``, ``LX.``, ``X..``), and the colon
    # before the value is read as 1 or a mark (``1 JL.``, ``1.JL.``, ``£.JL.``).
    text = re.sub(r"^(?:[1I]|[^\w\s])\s*[.:]?\s+(?=(?:XL|LX)\.)", "", text)  # ``1 XL.``: held-out seed 233
    text = re.sub(r"^[1I]\s+(?=(?:JL|XL|LX|GG)\s+[A-Z]{3})", "", text)  # and its dot lost too: seed 303
    # (Or its L into a K: ``JK. NUSANTARA``; a speck read as a second dot: ``JX.. GAJAH MADA``:
    # phone KKs of seeds 205 and 211; the dot read as a comma: ``LX, DIPONEGORO``, seed 268.)
    # (JM.: seed 276; XM...: 284; RL: the J read as R, a phone KK of seed 317; XX.: held-out
    # seed 603.)
    text = re.sub(r"^(?:XL|LX|JX|XJ|JK|JM|XM|RL|XX|X\.)(?:[.,]+|\s)\s*(?=[A-Z])", "JL. ", text)
    text = re.sub(r"^[1I](?:XL|LX)\s+(?=[A-Z]{3})", "JL. ", text)  # the colon's 1 glued on: seed 237
    text = re.sub(r"^(?:[1I]|[^\w\s])\s*[.:\-]?\s*(?=(?:JL|GG)\.\s*[A-Z])", "", text)  # ``1-JL.``: seed 405
    text = re.sub(r"^JLL?(?=[A-Z]{3})", "JL. ", text)  # ``JLAHMAD YANI``: a phone KK of seed 285
    # A G read as C (a phone KK of seed 285) or as 4 (a clean letter of held-out seed 275).
    text = re.sub(r"^(?:CG|GC|4G|G4)(?:[.,]\s*|\s+)(?=[A-Z]{3})", "GG. ", text)
    text = re.sub(r"^L\.\s*(?=[A-Z]{3})", "JL. ", text)  # the J lost (held-out seed 217, phone)
    # The J read as 4 or 3, its L lost (seed 219; 3: seed 335; phone photos).
    text = re.sub(r"^[34]\.\s*(?=[A-Z]{3})", "JL. ", text)
    text = re.sub(r"^[AL]L\s+(?=[A-Z]{3})", "JL. ", text)  # and the dot too (held-out seed 223; LL: seed 345)
    # A D that begins a long word before another consonant (no Indonesian word begins DP, DM,
    # DN...; ``DKI`` is short) lost the thin I after it: ``JL. DPONEGORO`` (phone KKs of
    # seeds 237, 270 and 278).
    text = re.sub(r"\bD(?=[BCDFGJKLMNPQSTVXZ][AEIOU][A-Z]{2,})", "DI", text)
    # A hamlet's or village's name is mended as a place's is (``DUSUN SARIREYO``: a phone KK
    # of seed 347).
    if re.match(r"(?:DUSUN|DSN\.|DESA|DS\.|KAMPUNG)\s", text):
        text = with_jo_mended(text)
    # ``JL KENANGA`` (the dot lost) and ``KENANGANO, 29`` (``NO.`` run into the street name).
    text = re.sub(r"^JL\s+(?=[A-Z])", "JL. ", text)
    text = re.sub(r"(?<=[A-Z]{3})NO[.,]\s*(?=\d)", " NO. ", text)
    # A dot read as a comma or a colon after a street abbreviation: ``JL, SUDIRMAN`` is ``JL.
    # SUDIRMAN``, ``NO: 64`` is ``NO. 64`` (a noisy KTP of held-out seed 247).
    text = re.sub(r"\b(JL|JLN|GG|NO|DSN|KOMP|PERUM|BLOK|KAV|KEL|KEC|KAB|DS)\s*[,:;](?=\s*[A-Z0-9])", r"\1.", text)
    # A house number's figures read as letters beside a figure: ``NO. S5`` is ``NO. 55`` (a
    # phone letter of seed 249), ``NO. S1`` is ``NO. 51`` (a phone KK of seed 225).
    text = re.sub(r"\bNO\.\s*(?=[0-9OSIL]*\d)([0-9OSIL]{2,4})\b",
                  lambda m: "NO. " + repair_digits(m.group(1))[0], text)
    # ... or all its figures 1s read as I and L: ``NO. ILL`` is ``NO. 111`` (a phone KK of seed 280).
    text = re.sub(r"\bNO\.\s*([IL]{2,4})$", lambda m: "NO. " + "1" * len(m.group(1)), text)
    # The space lost after an abbreviation's dot: ``JL.ANGGREK``, ``NO.7``, ``GG.MELATI``.
    text = re.sub(r"\b(JL|JLN|GG|NO)\.(?=[A-Z0-9])", r"\1. ", text)
    # A lane's house number run into its name: ``GG. MELATI6`` is ``GG. MELATI 6``.
    if re.match(r"(?:JL|JLN|GG)\. [A-Z]", text):
        text = re.sub(r"(?<=[A-Z]{3})(\d{1,4})(?=$|\s+RT\b)", r" \1", text)  # ``KENANGA3 RT 008``
        # A street's number whose last 5 was read S (``GG. NUSANTARA 3S``: a phone KK of seed 333).
        text = re.sub(r"(?<= )(\d{1,3})S(?=$|[\s,])", r"\g<1>5", text)
    text = re.sub(r"\s+([.,])", r"\1", text)
    text = re.sub(r"[\s\-—_|~=:;]+$", "", text)
    return Normalized(text or None, valid=bool(text))


def with_jo_mended(text: str) -> str:
    """``text`` with a place word's J whose hook a phone photo's blur took, read I, or blurred
    into a Y or an N, read J: REJO ends 42 Kemendagri names, and EIO, REYO and RENO none but
    BAURENO, which stays (a region word): SUKAREIO, SARIREIO, CIPTAREYO, SUKARENO (phone KKs
    of seeds 275, 286, 303). HARJO ends 11, HARIO none: CIPTAHARIO, JATIHARIO (held-out
    seed 401, seed 331)."""
    # (Or its hook alone read, as a parenthesis: SUMBERHAR)O, a phone KK of held-out seed 605.)
    text = re.sub(r"(?<=[A-Z]{3})\)(?=O\b)", "J", text)
    return re.sub(r"\b[A-Z]*(?:EI|REY|REN|HARI)O\b",
                  lambda m: m.group(0) if m.group(0) in _region_words() else m.group(0)[:-2] + "JO", text)


def normalize_place(raw: str) -> Normalized:
    """A place name (birth place, village, district): letters only, upper case."""
    text = strip_separator(raw).upper()
    text, repairs = repair_letters(text)
    text = re.sub(r"[^A-Z .'\-/()]", "", text)
    text = clean_spaces(re.sub(r"^[^A-Z]+|[^A-Z.)]+$", "", text))
    mended = with_jo_mended(text)
    if mended != text:
        text, repairs = mended, [*repairs, "I->J"]
    return Normalized(text or None, repairs, valid=bool(text))


def without_regency_prefix(name: str) -> str:
    """A regency's name without ``KABUPATEN``/``KOTA`` (upper case in, as printed out):
    ``KABUPATEN ADMINISTRASI KEPULAUAN SERIBU`` is ``KEPULAUAN SERIBU``, as a card's birth
    place prints it (a phone KK of seed 341 read ``ADMINISTRASI KEPULAUAN SERIBU``)."""
    return re.sub(r"^(KABUPATEN ADMINISTRASI|KAB\. ADM\.|KABUPATEN|KAB\.|KOTA ADMINISTRASI|KOTA ADM\.|KOTA)\s+",
                  "", name)


#: Words of common Indonesian first names and surnames, beside the NER model: Faker's and
#: faker-js's (see the model's README).
COMMON_NAMES_FILE = "common_names.txt"
COMMON_NAMES_FAKER_JS_FILE = "common_names_faker_js.txt"


@functools.cache
def name_words() -> frozenset[str]:
    """Words of person names as the NER corpora spell them (``ner_model/name_words.txt``)
    and of common Indonesian names (``common_name_words``)."""
    from extractors.ner_train import NAME_WORDS_FILE

    return _model_words(NAME_WORDS_FILE) | common_name_words()


@functools.cache
def common_name_words() -> frozenset[str]:
    """Words of common Indonesian names (``ner_model/common_names.txt`` from Faker and
    ``ner_model/common_names_faker_js.txt`` from faker-js; see the model's README)."""
    return _model_words(COMMON_NAMES_FILE) | _model_words(COMMON_NAMES_FAKER_JS_FILE)


def _model_words(name: str) -> frozenset[str]:
    """The words of a word list beside the NER model (none if it is missing)."""
    from extractors.ner_train import MODEL_DIR

    path = MODEL_DIR / name
    return frozenset(path.read_text(encoding="utf-8").split()) if path.is_file() else frozenset()


@functools.cache
def _region_words() -> frozenset[str]:
    """The words of Kemendagri regency, city and district names."""
    return frozenset(w for place in region_place_names() for w in place.split())


#: Letters each side of a double A that splitting there leaves at least.
DOUBLE_A_SIDE = 3


def split_at_double_a(value: str, kind: str) -> str:
    """``value`` with a word that is two words run together at a double A split between them.

    Tesseract drops the space between a word ending in A and the next beginning with A,
    whose slanted sides leave no gap (``ADITYAANWAR``, ``PUTRAANWAR``, ``JL. NIAGAACEH
    TENGGARA``: held-out seed 229), and a double A inside an Indonesian word is rare. Split
    only where each side is a word of its own: for a ``name``, both are name words and the
    whole is none (``MARTAATMAJA`` stays); for other text, the second side with the words
    after it begins a Kemendagri region name of two words or more and the whole is no
    region word.
    """
    words = value.split()
    known = name_words() if kind == "name" else _region_words()
    out: list[str] = []
    for i, word in enumerate(words):
        cuts = [c for c in range(DOUBLE_A_SIDE, len(word) - DOUBLE_A_SIDE + 1)
                if word[c - 1:c + 1] == "AA"]
        if len(cuts) != 1 or word in known or not word.isalpha():
            out.append(word)
            continue
        head, tail = word[:cuts[0]], word[cuts[0]:]
        if kind == "name":
            split = head in known and tail in known
        else:
            places = region_place_names()
            split = any(" ".join([tail, *words[i + 1:i + 1 + n]]) in places for n in (1, 2, 3)
                        if i + n < len(words))
        out.extend([head, tail] if split else [word])
    return " ".join(out)


@functools.cache
def region_place_names() -> frozenset[str]:
    """Regency/city names (without KABUPATEN/KOTA) and kecamatan names of Kemendagri, upper case."""
    from rules.identifiers import regions

    table = regions()
    names = {without_regency_prefix(name.upper()) for name in table.regencies.values()}
    names.update(name.upper() for name in table.districts.values())
    return frozenset(clean_spaces(name) for name in names)


def with_thin_i(word: str) -> set[str]:
    """``word`` with a thin I put back after its first letter or later (``OB``: ``OIB``, ``OBI``)."""
    return {word[:i] + "I" + word[i:] for i in range(1, len(word) + 1)}


def with_one_read_as(word: str, read: str, printed: str) -> set[str]:
    """``word`` with one of its ``read`` letters as the ``printed`` one it may be (``JUAL``,
    ``L``, ``I``: ``JUAI``)."""
    return {word[:i] + printed + word[i + 1:] for i, letter in enumerate(word) if letter == read}


#: Letters a place name read must have for a thin I it lost to be put back.
THIN_I_PLACE_LETTERS = 2


def normalize_region_place(raw: str) -> Normalized:
    """A regency, city or kecamatan name (birth place, Kecamatan): a place, one slip snapped.

    A long name (eight letters or more) that is no Kemendagri name but one edit from exactly
    one (``KEPULAUAN SANGIHKE``, ``SUMBATIMUR``) is read as that name.
    """
    result = normalize_place(raw)
    value = result.value
    capitals = re.match(r"\s*([A-Z][A-Z' ]*?)(?:\s+[a-z][\w.]*)+[\s.]*$", raw)
    if isinstance(value, str) and value not in region_place_names() and capitals:
        # Specks after the name read as small letters (``TANJUNG MELAWAN beo...``: a
        # low-contrast KTP of seed 339); the card prints names in capitals.
        head = normalize_place(capitals.group(1))
        if head.value in region_place_names():
            return Normalized(head.value, [*head.repairs, "small-letter specks"])
    numeral = re.search(r"(?<=[A-Za-z] )[|!]{1,3}$", clean_spaces(raw))
    if isinstance(value, str) and numeral and f"{value} {'I' * len(numeral.group(0))}" in region_place_names():
        # A Roman numeral ending the name (``LUBUK LINGGAU TIMUR I``) read as ``|``.
        return Normalized(f"{value} {'I' * len(numeral.group(0))}", [*result.repairs, "|->I"])
    if isinstance(value, str) and value not in region_place_names():
        spelt = region_names_by_letters().get(place_letters(value), ())
        spaced = spelt[0] if len(spelt) == 1 else None
        if spaced is not None:
            # A space lost or read where there is none (``VKOTO`` for ``V KOTO``), or an
            # apostrophe lost (``SADAN`` for ``SA''DAN``: a phone KK of seed 278): only the
            # marks differ from exactly one Kemendagri name.
            return Normalized(spaced, [*result.repairs, "region name spaces"])
        # A thin I lost from a short name (``OB`` for ``OBI``: a phone KK of seed 274), or
        # read as L (``JUAL`` for ``JUAI``: a noisy KTP of seed 269).
        if len(place_letters(value)) >= THIN_I_PLACE_LETTERS:
            for slipped in (with_thin_i(value), with_one_read_as(value, "L", "I")):
                found = slipped & region_place_names()
                if len(found) == 1:
                    return Normalized(found.pop(), [*result.repairs, "region name"], edit_distance=1)
    if not isinstance(value, str) or len(value.replace(" ", "")) < 8:
        return result
    names = region_place_names()
    if value in names:
        return result
    close = [hit for hit, _, _ in process.extract(value, names, scorer=Levenshtein.distance,
                                                  score_cutoff=1, limit=3)]
    if len(close) != 1:
        return result
    return Normalized(close[0], [*result.repairs, "region name"], edit_distance=1)


def place_letters(name: str) -> str:
    """A place name's letters alone (``SA''DAN``: ``SADAN``; ``TAMAN SARI``: ``TAMANSARI``)."""
    return re.sub(r"[^A-Z]", "", name.upper())


@functools.cache
def region_names_by_letters() -> dict[str, tuple[str, ...]]:
    """Kemendagri region names by their letters alone (spaces and marks dropped), sorted: most
    letters spell one name, a few two (``TAMAN SARI`` and ``TAMANSARI``)."""
    by_letters: dict[str, list[str]] = {}
    for name in sorted(region_place_names()):
        by_letters.setdefault(place_letters(name), []).append(name)
    return {letters: tuple(names) for letters, names in by_letters.items()}


def regency_as_printed(name: str) -> str:
    """A Kemendagri regency or city name (upper case) as a card prints it: ``KOTA ADMINISTRASI
    JAKARTA BARAT`` as ``JAKARTA BARAT``, ``KABUPATEN ADMINISTRASI KEPULAUAN SERIBU`` as
    ``KABUPATEN KEPULAUAN SERIBU``."""
    return name.removeprefix("KOTA ADMINISTRASI ").replace("KABUPATEN ADMINISTRASI ", "KABUPATEN ")


#: Province name prefixes a card prints short.
PROVINCE_SHORT = (("DAERAH KHUSUS IBUKOTA ", "DKI "), ("DAERAH ISTIMEWA ", "DI "))


def province_as_printed(name: str) -> str:
    """A Kemendagri province name (upper case) as a card prints it: ``DAERAH ISTIMEWA
    YOGYAKARTA`` as ``DI YOGYAKARTA``."""
    for long, short in PROVINCE_SHORT:
        if name.startswith(long):
            return short + name[len(long):]
    return name


@functools.cache
def regency_names() -> frozenset[str]:
    """Kemendagri regency and city names, upper case, as registered and as a KTP header prints them.

    ``KOTA ADMINISTRASI JAKARTA BARAT`` is printed ``JAKARTA BARAT``, ``KABUPATEN ADMINISTRASI
    KEPULAUAN SERIBU`` is printed ``KABUPATEN KEPULAUAN SERIBU``.
    """
    from rules.identifiers import regions

    names = set()
    for name in regions().regencies.values():
        name = clean_spaces(name.upper())
        names.add(name)
        names.add(regency_as_printed(name))
    return frozenset(names)


def normalize_regency(raw: str) -> Normalized:
    """A regency or city as printed (``KABUPATEN MALANG``, ``KOTA SURABAYA``, ``JAKARTA BARAT``).

    Read as text; a reading one slip (two in a long name) from exactly one Kemendagri name,
    and farther from every other, is that name (``KABUPATEN PANIA!`` is ``KABUPATEN PANIAI``).
    """
    text = re.sub(r"(?<=[A-Za-z])[!|](?=[A-Za-z]|\s|$)", "I", clean_spaces(raw))
    result = normalize_text(text)
    value = result.value
    names = regency_names()
    if not isinstance(value, str) or value in names:
        return result
    close = process.extract(value, names, scorer=Levenshtein.distance, limit=2)
    if not close:
        return result
    best, distance = close[0][0], close[0][1]
    runner_up = close[1][1] if len(close) > 1 else 99
    if distance <= (2 if len(value) >= 16 else 1) and runner_up > distance:
        return Normalized(best, [*result.repairs, "regency name"], edit_distance=int(distance))
    return result


def snap(raw: str, allowed: tuple[str, ...], *, spellings: dict[str, str] | None = None,
         max_distance: int | None = None) -> Normalized:
    """Snap ``raw`` to the closest allowed value (Levenshtein), recording the distance."""
    text = clean_spaces(strip_separator(raw).upper())
    text = re.sub(r"[^A-Z0-9 \-/+]", "", text).strip()
    if not text:
        return Normalized(None, valid=False)
    candidates = dict.fromkeys(allowed, "")
    for variant, canonical in (spellings or {}).items():
        candidates[variant] = canonical
    best_value, best_distance = None, 10**6
    for candidate, canonical in candidates.items():
        distance = Levenshtein.distance(text, candidate)
        # A value read with trailing junk: compare to the same-length prefix too.
        if len(text) > len(candidate) + 1:
            distance = min(distance, Levenshtein.distance(text[: len(candidate)], candidate) + 1)
        if distance < best_distance:
            best_value, best_distance = canonical or candidate, distance
    if best_value is not None and re.match(r"^[^A-Z\s]{1,2}\s+[A-Z]", text) and best_distance > 0:
        # A stray mark read before the value (``2 ISLAM``): try without it.
        again = snap(text.split(None, 1)[1], allowed, spellings=spellings, max_distance=max_distance)
        if again.valid and (again.edit_distance or 0) + 1 < best_distance:
            return Normalized(again.value, again.repairs, edit_distance=(again.edit_distance or 0) + 1)
    limit = max_distance if max_distance is not None else max(1, min(3, len(best_value or "") // 3))
    if best_value is not None and max_distance is None and best_distance == limit + 1 and len(text) >= 4:
        # One slip more than usual (``KAMN`` for ``KAWIN``) when nothing else comes close.
        runner_up = min((Levenshtein.distance(text, c) for c, canonical in candidates.items()
                         if (canonical or c) != best_value), default=10**6)
        if runner_up >= best_distance + 3:
            limit = best_distance
    if best_value is None or best_distance > limit:
        return Normalized(text, valid=False, edit_distance=best_distance)
    return Normalized(best_value, edit_distance=best_distance)


def normalize_religion(raw: str) -> Normalized:
    """Religion snapped to DESIGN.md's spellings (KATHOLIK->KATOLIK, BUDHA->BUDDHA, ...)."""
    return snap(raw, RELIGIONS, spellings=RELIGION_SPELLINGS)


def normalize_sex(raw: str) -> Normalized:
    """``LAKI-LAKI`` or ``PEREMPUAN``."""
    text = strip_separator(raw).upper()
    text = re.sub(r"^(LAKI)\s*[-~—]?\s*(LAKI)", r"\1-\2", text)
    return snap(text.split()[0] if text.split() else text, SEXES, spellings={"LAKILAKI": "LAKI-LAKI", "L": "LAKI-LAKI", "P": "PEREMPUAN", "PRIA": "LAKI-LAKI", "WANITA": "PEREMPUAN"})


def normalize_blood_type(raw: str) -> Normalized:
    """``A``, ``B``, ``AB``, ``O`` or ``-`` (``8`` read for ``B`` and ``0`` for ``O`` repaired)."""
    text = strip_separator(raw).upper().replace(" ", "")
    if not text and re.search(r"[-—–~]", raw):
        return Normalized("-")
    if text in ("", "-", "—", "–", "~"):
        return Normalized("-") if text else Normalized(None, valid=False)
    token = re.match(r"[A-Z0-9]+", text)
    if not token:
        return Normalized("-") if text[0] in "-—–~" else Normalized(None, valid=False)
    letters, repairs = repair_letters(token.group(0)[:2])
    letters = letters.replace("D", "O").replace("Q", "O")
    for candidate in ("AB", "A", "B", "O"):
        if letters.startswith(candidate):
            return Normalized(candidate, repairs)
    return Normalized(None, repairs, valid=False)


def normalize_marital(raw: str) -> Normalized:
    """Marital status snapped to BELUM KAWIN, KAWIN, CERAI HIDUP, CERAI MATI."""
    return snap(raw, MARITAL_STATUSES, spellings={"KAWIN TERCATAT": "KAWIN", "BELUM MENIKAH": "BELUM KAWIN", "MENIKAH": "KAWIN"})


def normalize_nationality(raw: str) -> Normalized:
    """``WNI`` or ``WNA``."""
    text = strip_separator(raw).upper()
    tokens = [t.replace("1", "I").replace("|", "I") for t in text.split()] or [""]
    if any(t.startswith("INDONESIA") for t in tokens):
        return Normalized("WNI")
    results = [snap(t, NATIONALITIES, max_distance=1) for t in tokens[:3]]
    valid = [r for r in results if r.valid]
    return min(valid, key=lambda r: r.edit_distance or 0) if valid else results[0]


def normalize_phone(raw: str) -> Normalized:
    """Phone number in E.164 (``+62...``) via phonenumbers."""
    text = strip_separator(raw)
    repaired, repairs = repair_digits(re.sub(r"[A-Za-z]{3,}.*$", "", text))
    candidate = re.sub(r"[^\d+]", "", repaired)
    if not candidate:
        return Normalized(None, valid=False)
    if re.match(r"^[41]628\d{7,}", candidate):
        # ``+62`` with the plus read as ``4`` or ``1`` (a mobile number follows: ``+62 8..``).
        candidate, repairs = "+" + candidate[1:], [*repairs, f"{candidate[0]}->+"]
    elif re.match(r"^62\d{8,}", candidate):
        # The plus lost (``#62``, ``62 812...``): a national number never starts with 62.
        candidate, repairs = "+" + candidate, [*repairs, "+"]
    try:
        number = phonenumbers.parse(candidate, "ID")
    except phonenumbers.NumberParseException:
        return Normalized(candidate, repairs, valid=False)
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Normalized(formatted, repairs, valid=phonenumbers.is_valid_number(number))


#: Common SIAK occupations that print a slash or words OCR tends to break.
OCCUPATIONS = ("BELUM/TIDAK BEKERJA", "MENGURUS RUMAH TANGGA", "PELAJAR/MAHASISWA", "PENSIUNAN",
               "PEGAWAI NEGERI SIPIL", "KARYAWAN SWASTA", "KARYAWAN BUMN", "KARYAWAN BUMD",
               "KARYAWAN HONORER", "BURUH HARIAN LEPAS", "PETANI/PEKEBUN", "PETERNAK",
               "NELAYAN/PERIKANAN", "WIRASWASTA", "PEDAGANG", "GURU", "DOSEN", "DOKTER", "BIDAN",
               "PERAWAT", "SOPIR", "TUKANG KAYU", "TUKANG BATU", "PEGAWAI SWASTA",
               "TENTARA NASIONAL INDONESIA", "KEPOLISIAN RI", "PERANGKAT DESA", "SENIMAN",
               "WARTAWAN", "PENGACARA", "ARSITEK", "APOTEKER", "BURUH TANI/PERKEBUNAN")


def normalize_occupation(raw: str) -> Normalized:
    """Occupation as printed; snapped to a common SIAK spelling when within 2 edits."""
    text = normalize_text(raw)
    if text.value is None:
        return text
    snapped = snap(str(text.value), OCCUPATIONS, max_distance=2)
    return snapped if snapped.valid else text


def normalize_email(raw: str) -> Normalized:
    """E-mail address in lower case."""
    text = strip_separator(raw).replace(" ", "").lower()
    text = text.replace("(at)", "@").replace("[at]", "@")
    # An e read as the euro sign (``€ko27@``: a phone form of seed 251); no address holds one.
    text = text.replace("€", "e")
    match = re.search(r"[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}", text)
    if match:
        return Normalized(match.group(0))
    return Normalized(text or None, valid=False)


def normalize_time(raw: str) -> Normalized:
    """Time of day as ``HH:MM`` (``Pukul 08.30 WIB`` -> ``08:30``)."""
    text, repairs = repair_digits(re.sub(r"[A-Za-z]{3,}", " ", strip_separator(raw)))
    match = re.search(r"(\d{1,2})\s*[:.,]\s*(\d{2})", text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
    else:
        digits = re.sub(r"\D", "", text)
        if len(digits) == 5 and digits[0] == "1" and int(digits[1:3]) <= 23:
            digits, repairs = digits[1:], [*repairs, "colon->dropped"]  # ``11122``: ``:1122``
        elif len(digits) == 5 and digits[2] in "17":
            digits, repairs = digits[:2] + digits[3:], [*repairs, "separator"]  # ``08130``: ``08.30``
        elif len(digits) == 6 and digits[3] in "17":
            digits, repairs = digits[1:3] + digits[4:], [*repairs, "colon->dropped"]  # ``415125``: ``:15.25``
        if len(digits) != 4:
            return Normalized(None, valid=False)
        hour, minute = int(digits[:2]), int(digits[2:])
        repairs = [*repairs, "separator"]
    if hour > 23 or minute > 59:
        return Normalized(None, repairs, valid=False)
    return Normalized(f"{hour:02d}:{minute:02d}", repairs)


def normalize_money(raw: str) -> Normalized:
    """An amount in rupiah as an integer (``Rp 50.000.000,-`` -> ``50000000``)."""
    text = strip_separator(raw).upper().replace("RP", "")
    text = re.sub(r",-.*$|,00\b.*$", "", text)
    repaired, repairs = repair_digits(re.sub(r"[A-Z]{3,}.*$", "", text))
    digits = re.sub(r"\D", "", repaired)
    if not digits:
        return Normalized(None, valid=False)
    return Normalized(int(digits), repairs)


def split_place_date(raw: str) -> tuple[str, str]:
    """Split ``JAKARTA, 18-02-1986`` (or ``Jakarta, 17 Agustus 2025``) into place and date text."""
    text = strip_separator(raw)
    match = re.search(r"[0-9OoIlSB]{1,2}\s*[-/. ]\s*([0-9OoIlSB]{1,2}|[A-Za-z]{3,10})\.?\s*[-/. ]\s*[0-9OoIlSB]{4}", text)
    if match:
        place = text[: match.start()]
        return place.strip(" ,.;:-"), text[match.start():]
    if "," in text:
        place, _, rest = text.rpartition(",")
        return place.strip(), rest.strip()
    return text, ""


def normalize_province(raw: str) -> Normalized:
    """Province from a KTP header: without the word PROVINSI."""
    text = re.sub(r"^\W*P\s*R\s*O\s*V\s*I\s*N\s*S\s*I\b", "", strip_separator(raw).upper())
    result = normalize_place(text)
    if not isinstance(result.value, str) or result.value in province_codes():
        return result
    # The noise beside the card read as words of a letter or two after the name
    # (``KALIMANTAN BARAT AN NN TI``: a phone KTP of seed 321); not a longer name cut short
    # (``PAPUA BARAT DA``).
    words = result.value.split()
    for cut in range(len(words) - 1, 0, -1):
        if (" ".join(words[:cut]) in province_codes() and all(len(w) <= 2 for w in words[cut:])
                and not any(name.startswith(" ".join(words[:cut + 1])) for name in province_codes())):
            return Normalized(" ".join(words[:cut]), [*result.repairs, "noise after the name"])
    # Thirty-eight names only: a reading a slip or two from one of them, and clearly
    # farther from every other (``RUU`` for ``RIAU``), is that province.
    distances = sorted((Levenshtein.distance(result.value, name), name) for name in province_codes())
    (best, name), runner_up = distances[0], distances[1][0]
    if best <= max(1, len(name) // 4) and runner_up > best or best <= 2 and runner_up >= best + 2:
        return Normalized(name, [*result.repairs, "province name"], edit_distance=best)
    return result


NORMALIZERS: dict[str, Callable[[str], Normalized]] = {
    "nik": normalize_nik,
    "kk_number": normalize_nik,
    "date": parse_date,
    "valid_until": normalize_valid_until,
    "name": normalize_name,
    "text": normalize_text,
    "occupation": normalize_occupation,
    "place": normalize_place,
    "region_place": normalize_region_place,
    "province": normalize_province,
    "regency": normalize_regency,
    "rt_rw": normalize_rt_rw,
    "religion": normalize_religion,
    "sex": normalize_sex,
    "blood_type": normalize_blood_type,
    "marital_status": normalize_marital,
    "nationality": normalize_nationality,
    "phone": normalize_phone,
    "email": normalize_email,
    "time": normalize_time,
    "money": normalize_money,
    "npwp": lambda raw: normalize_digits(raw, (16, 15)),
    "kbli": lambda raw: normalize_digits(raw, (5,)),
    "postal_code": lambda raw: normalize_digits(raw, (5,)),
}


def normalize(kind: str, raw: str) -> Normalized:
    """Normalise ``raw`` as a value of ``kind`` (a key of ``NORMALIZERS``)."""
    try:
        normalizer = NORMALIZERS[kind]
    except KeyError:
        raise ValueError(f"unknown field kind {kind!r}; known: {sorted(NORMALIZERS)}") from None
    return normalizer(raw)


# ------------------------------------------------------------------ NIK against the card


@functools.cache
def province_codes() -> dict[str, str]:
    """Province names (upper case, as printed and as registered) to their 2-digit NIK code."""
    import stdnum.id

    codes: dict[str, str] = {}
    data = Path(stdnum.id.__file__).with_name("loc.dat")
    for line in data.read_text(encoding="utf-8").splitlines():
        match = re.match(r'^(\d{2}) .*name_id="([^"]+)"', line)
        if match:
            code, name = match.group(1), match.group(2).upper()
            codes[name] = code
            for long, _ in PROVINCE_SHORT:
                if name.startswith(long):
                    codes[province_as_printed(name)] = code
                    codes[name[len(long):]] = code
    from rules.identifiers import regions

    # The Kemendagri table is newer (the Papua provinces of 2022): its names win.
    codes.update({name.upper(): code for code, name in regions().provinces.items()})
    return codes


def province_code(name: str) -> str | None:
    """The NIK province code of a printed province name (fuzzy, one or two OCR slips allowed)."""
    key = clean_spaces(name.upper())
    codes = province_codes()
    if key in codes:
        return codes[key]
    best = min(codes, key=lambda known: Levenshtein.distance(known, key))
    return codes[best] if Levenshtein.distance(best, key) <= 2 else None


#: First digits of postal codes by NIK province code (DOMAIN.md §1: 1 Jabodetabek, 2 northern
#: Sumatra, 3 southern Sumatra, 4 West Java/Banten, 5 Central Java/DIY, 6 East Java,
#: 7 Kalimantan, 8 Bali/Nusa Tenggara, 9 Sulawesi/Maluku/Papua). West Java and Banten hold
#: parts of Jabodetabek (Bogor, Depok, Bekasi, Tangerang): 1 or 4.
POSTAL_ZONES: dict[str, str] = {
    **dict.fromkeys(("11", "12", "13", "14", "21"), "2"),
    **dict.fromkeys(("15", "16", "17", "18", "19"), "3"),
    "31": "1", "32": "14", "36": "14", "33": "5", "34": "5", "35": "6",
    **dict.fromkeys(("51", "52", "53"), "8"),
    **dict.fromkeys(("61", "62", "63", "64", "65"), "7"),
    **dict.fromkeys(("71", "72", "73", "74", "75", "76", "81", "82"), "9"),
    **dict.fromkeys(("91", "92", "93", "94", "95", "96", "97"), "9"),
}


def postal_zones(province: str) -> str | None:
    """The first digits a postal code of ``province`` (a printed name) may start with."""
    code = province_code(province)
    return POSTAL_ZONES.get(code) if code else None


def nik_agreement(nik: str, province: str | None = None, birth_date: str | None = None,
                  sex: str | None = None) -> int:
    """How many of the card's printed facts a NIK reading agrees with (province, birth date+sex).

    Used only to choose between two OCR readings of the same NIK, never to invent digits
    (a real mismatch is for the rules to report).
    """
    score = 0
    if province and len(nik) == 16 and province_code(province) == nik[:2]:
        score += 1
    if birth_date and len(nik) == 16 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", birth_date):
        year, month, day = birth_date.split("-")
        offset = 40 if sex == "PEREMPUAN" else 0
        if nik[6:12] == f"{int(day) + offset:02d}{month}{year[2:]}":
            score += 1
    return score


def nik_score(nik: str, province: str | None = None, regency: str | None = None,
              birth_date: str | None = None, sex: str | None = None) -> int:
    """How plausible a NIK reading is on its card: ``nik_agreement`` plus its region code.

    One point each for a known kecamatan code (Kemendagri), the regency printed on the card
    naming the NIK's regency code, and, without a printed birth date, a real encoded date.
    """
    from rules.identifiers import nik_birth_date, region_matches_address, regions

    if not re.fullmatch(r"\d{16}", nik):
        return -1
    score = nik_agreement(nik, province, birth_date, sex)
    score += nik_region_known(nik)
    if regency and nik[:4] in regions().regencies and region_matches_address(nik[:6], None, regency):
        score += 1
    if not birth_date and nik_birth_date(nik) is not None:
        score += 1
    return score


def nik_region_known(nik: str) -> bool:
    """Whether a NIK's first six digits are a Kemendagri kecamatan code."""
    from rules.identifiers import region_known

    return region_known(nik[:6])


def with_region_sevens(number: str) -> str:
    """A 16-digit NIK or KK number whose region code (its first six digits) is no Kemendagri
    kecamatan code, with the 1s in it read back as the 7s this font's 7 is read as, where
    exactly one such spelling is a kecamatan code (``132602`` for ``732602``, Sesean: a
    clean form and a low-contrast KK of seed 307; no province is coded 1x but 11-19). Any
    other number is returned as it is."""
    if not re.fullmatch(r"\d{16}", number) or nik_region_known(number):
        return number
    ones = [i for i in range(6) if number[i] == "1"]
    known = {spelt for count in range(1, len(ones) + 1) for chosen in itertools.combinations(ones, count)
             for spelt in ["".join("7" if i in chosen else ch for i, ch in enumerate(number[:6]))]
             if nik_region_known(spelt)}
    return known.pop() + number[6:] if len(known) == 1 else number


def nik_score_ceiling(province: str | None = None, regency: str | None = None,
                      birth_date: str | None = None) -> int:
    """The best ``nik_score`` a reading can get with these printed facts."""
    return 2 + bool(province) + bool(regency)


def nik_encodes_date(nik: str, birth_date: str, sex: str | None = None) -> bool:
    """Whether a NIK's digits 7-12 encode ``birth_date`` (day + 40 for women; either if unknown)."""
    if not re.fullmatch(r"\d{16}", nik) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", birth_date):
        return False
    year, month, day = birth_date.split("-")
    offsets = {"LAKI-LAKI": (0,), "PEREMPUAN": (40,)}.get(sex or "", (0, 40))
    return any(nik[6:12] == f"{int(day) + offset:02d}{month}{year[2:]}" for offset in offsets)
