"""How generated values are printed: Indonesian dates, phone numbers, money."""

from __future__ import annotations

import random
from datetime import date

MONTHS_ID: tuple[str, ...] = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS_ID_ABBR: tuple[str, ...] = (
    "JAN",
    "FEB",
    "MAR",
    "APR",
    "MEI",
    "JUN",
    "JUL",
    "AGT",
    "SEP",
    "OKT",
    "NOV",
    "DES",
)


def date_dash(d: date) -> str:
    """``17-08-1945`` as KTP and KK print dates."""
    return f"{d.day:02d}-{d.month:02d}-{d.year}"


def date_long(d: date) -> str:
    """``17 Agustus 1945``."""
    return f"{d.day} {MONTHS_ID[d.month - 1]} {d.year}"


def date_printed(d: date, rng: random.Random) -> str:
    """One of the date spellings DESIGN.md lists, chosen by ``rng``."""
    style = rng.randrange(4)
    if style == 0:
        return date_dash(d)
    if style == 1:
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == 2:
        return date_long(d)
    return f"{d.day:02d} {MONTHS_ID_ABBR[d.month - 1]} {d.year}"


def phone_printed(e164: str, rng: random.Random) -> str:
    """A way people write an E.164 Indonesian mobile number on a form."""
    national = "0" + e164.removeprefix("+62")
    style = rng.randrange(4)
    if style == 0:
        return national
    if style == 1:
        return f"{national[:4]}-{national[4:8]}-{national[8:]}"
    if style == 2:
        return f"{national[:4]} {national[4:8]} {national[8:]}"
    return f"+62 {national[1:4]}-{national[4:8]}-{national[8:]}"


def rupiah(amount: int) -> str:
    """``Rp 25.000.000``."""
    return "Rp " + f"{amount:,}".replace(",", ".")


def npwp_printed(npwp: str) -> str:
    """``99.999.999.9-999.999`` for 15 digits; 16 digits print plain."""
    if len(npwp) == 15:
        n = npwp
        return f"{n[:2]}.{n[2:5]}.{n[5:8]}.{n[8]}-{n[9:12]}.{n[12:]}"
    return npwp


def title_case(text: str) -> str:
    """``KOTA SURABAYA`` -> ``Kota Surabaya``."""
    return " ".join(w.capitalize() for w in text.split())
