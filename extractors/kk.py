"""The members table of a Kartu Keluarga, read by columns from word boxes.

A KK prints its members in two tables (identity, then status and parents), each with a
header row and one numbered row per member. Columns are found where the cells of the rows
start (cells are runs of words without a wide gap); each column is named by the header
cell centred over it; the two tables are joined by the row number.
"""

from __future__ import annotations

import datetime
import functools
import re
import statistics
from collections import Counter
from collections.abc import Iterator, Sequence

import cv2
import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from extractors import shapes as shapes_mod
from extractors import fields as fields_mod
from extractors import normalize as norm
from extractors import table as table_mod
from extractors.preprocess import estimate_text_height
from extractors.fields import Line, key_of, page_lines
from models.domain import Field, Page, Word
from models.errors import OCRError

#: Sex as a KK prints it -> whether the NIK's day is the birth day + 40.
FEMALE: dict[str, bool] = {"LAKI-LAKI": False, "PEREMPUAN": True}

#: Header text of a KK column -> (member key, normaliser kind); ``None`` = not extracted.
COLUMNS: dict[str, tuple[str, str] | None] = {
    "NAMA LENGKAP": ("full_name", "name"),
    "NIK": ("nik", "nik"),
    "JENIS KELAMIN": ("sex", "sex"),
    "TEMPAT LAHIR": ("birth_place", "place"),
    "TANGGAL LAHIR": ("birth_date", "date"),
    "AGAMA": ("religion", "religion"),
    "PENDIDIKAN": ("education", "education"),
    "JENIS PEKERJAAN": ("occupation", "occupation"),
    "GOLONGAN DARAH": None,
    "STATUS PERKAWINAN": ("marital_status", "marital_status"),
    "TANGGAL PERKAWINAN": None,
    "STATUS HUBUNGAN DALAM KELUARGA": ("relationship", "relationship"),
    "KEWARGANEGARAAN": ("nationality", "nationality"),
    "NO. PASPOR": None,
    "NO. KITAP": None,
    "AYAH": ("father_name", "name"),
    "IBU": ("mother_name", "name"),
}
RELATIONSHIPS = ("KEPALA KELUARGA", "SUAMI", "ISTRI", "ANAK", "MENANTU", "CUCU", "ORANGTUA",
                 "MERTUA", "FAMILI LAIN", "PEMBANTU", "LAINNYA")
#: The ten SIAK education levels (DOMAIN.md, Pendidikan values).
EDUCATIONS = ("TIDAK/BELUM SEKOLAH", "BELUM TAMAT SD/SEDERAJAT", "TAMAT SD/SEDERAJAT",
              "SLTP/SEDERAJAT", "SLTA/SEDERAJAT", "DIPLOMA I/II", "AKADEMI/DIPLOMA III/S. MUDA",
              "DIPLOMA IV/STRATA I", "STRATA II", "STRATA III")
#: Column order of the two member tables of a KK (DOMAIN.md), used when a header cell is unreadable.
TABLE_COLUMNS = (
    ("NO", "NAMA LENGKAP", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TANGGAL LAHIR", "AGAMA",
     "PENDIDIKAN", "JENIS PEKERJAAN", "GOLONGAN DARAH"),
    ("NO", "STATUS PERKAWINAN", "TANGGAL PERKAWINAN", "STATUS HUBUNGAN DALAM KELUARGA",
     "KEWARGANEGARAAN", "NO. PASPOR", "NO. KITAP", "AYAH", "IBU"),
)
#: Capital-letter height (px) the member tables are enlarged to before they are read.
TABLE_TEXT_HEIGHT = 24.0
#: Height of a member row in capitals (row pitch / capital height) on the KK form.
ROW_CAPITALS = 2.95
#: Small table text is read a second time this much larger (see ``_banded_rows``).
READ_AGAIN_SCALE = 1.3
#: A member row of a phone KK's table read with at most this many cells was lost by the
#: block reading and is read alone (``_banded_rows``; a second table's row may have three
#: cells empty: marriage date, passport, KITAP).
LOST_ROW_CELLS = 1
MEMBER_KEYS = ("full_name", "nik", "sex", "birth_place", "birth_date", "religion", "education",
               "occupation", "marital_status", "relationship", "nationality", "father_name",
               "mother_name")


def _cells(words: list[Word], height: float) -> list[list[Word]]:
    cells: list[list[Word]] = []
    for word in words:
        if cells and word.bbox[0] - cells[-1][-1].bbox[2] <= 0.9 * height:
            cells[-1].append(word)
        else:
            cells.append([word])
    return cells


def _row_number(line: Line) -> int | None:
    text = line.words[0].text.rstrip(".")
    repaired, _ = norm.repair_digits(text)
    return int(repaired) if re.fullmatch(r"\d{1,2}", repaired) else None


def _is_header(line: Line) -> bool:
    keys = {key_of(w.text) for w in line.words}
    return ("NO" in keys or "N0" in keys) and len(line.words) >= 5 and _row_number(line) is None


def _column_name(text: str) -> str | None:
    match = process.extractOne(text.upper(), list(COLUMNS), scorer=fuzz.ratio, score_cutoff=75)
    return match[0] if match else None


def _table(header: Line, rows: list[Line]) -> dict[int, dict[str, tuple[str, list[Word]]]]:
    height = statistics.median(r.height for r in rows)
    starts: list[float] = []
    for row in rows:
        starts.extend(cell[0].bbox[0] for cell in _cells(row.words[1:], row.height))
    starts.sort()
    clusters: list[list[float]] = []
    for x in starts:
        if clusters and x - clusters[-1][-1] <= height:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    needed = max(1, len(rows) // 2)
    column_starts = [min(c) for c in clusters if len(c) >= needed]
    def column_of(x: float) -> int | None:
        return max((i for i, start in enumerate(column_starts) if start <= x), default=None)

    header_words: dict[int, list[Word]] = {}
    for word in header.words:
        if key_of(word.text) in ("NO", "N0"):
            continue
        k = column_of((word.bbox[0] + word.bbox[2]) / 2)
        if k is not None:
            header_words.setdefault(k, []).append(word)
    names = [
        _column_name(" ".join(w.text for w in header_words[k])) if k in header_words else None
        for k in range(len(column_starts))
    ]
    table: dict[int, dict[str, tuple[str, list[Word]]]] = {}
    for row in rows:
        number = _row_number(row)
        if number is None:
            continue
        values: dict[str, list[Word]] = {}
        for word in row.words[1:]:
            k = column_of(word.bbox[0] + 0.5 * height)
            if k is None or names[k] is None:
                continue
            values.setdefault(names[k], []).append(word)
        table[number] = {name: (" ".join(w.text for w in ws), ws) for name, ws in values.items()}
    return table


#: Cells a KK prints in capitals: a lone small letter read in one is a speck (``WIDYAAYU ANWAR
#: i``, the ``i`` at 0.26: a phone KK of seed 345).
SPECKED_KINDS = frozenset({"name", "place"})


def _cell_text(kind: str, words: list[Word]) -> str:
    """The text of a member cell's words, without a lone small letter where the KK prints
    capitals (``SPECKED_KINDS``)."""
    return " ".join(w.text for w in words
                    if not (kind in SPECKED_KINDS and len(w.text) == 1 and w.text.islower()))


def _normalise(kind: str, raw: str) -> object | None:
    if kind == "relationship":
        return norm.snap(raw, RELATIONSHIPS).value
    if kind == "education":
        return _education(raw)
    if kind == "religion":
        return _religion(raw)
    if kind == "occupation":
        return _occupation(raw)
    if kind == "nationality":
        return _nationality(raw)
    if raw.strip() in ("-", "—"):
        return None
    value = norm.normalize(kind, raw).value
    if kind == "place" and isinstance(value, str) and value not in norm.region_place_names():
        return _birth_place(value)
    return value


def _birth_place(value: str) -> str:
    """A birth place that is no Kemendagri regency or kecamatan name as read: the one name
    its letters (spaces aside) are within a slip or two of, else as read.

    Run together (``RAJAAMPAT``) or split (``MAI ANG``), a letter misread in tiny print
    (``LERONG``, ``PECGUNUNGAN SINTANG``), or a stray mark read after it (``BONE AA``). A
    slip is allowed from five letters, two from ten, and only when no other name is as
    close.
    """
    by_letters = _places_by_letters()
    letters = norm.place_letters(value)
    if letters in by_letters:
        return by_letters[letters]
    words = value.split()
    if len(words) > 1 and len(words[-1]) <= 2 and " ".join(words[:-1]) in norm.region_place_names():
        return " ".join(words[:-1])
    thin_i = norm.with_thin_i(value) & norm.region_place_names()
    if len(thin_i) == 1:  # a thin I lost from a short name (``SIG`` for SIGI: a phone KK of seed 353)
        return thin_i.pop()
    slips = 2 if len(letters) >= 10 else 1 if len(letters) >= 5 else 0
    if not slips:
        return value
    close = process.extract(letters, list(by_letters), scorer=Levenshtein.distance, score_cutoff=slips, limit=2)
    if len(close) == 1 or (len(close) == 2 and close[0][1] < close[1][1]):
        return by_letters[close[0][0]]
    if len(letters) >= LONG_PLACE_LETTERS:
        # A long name squeezed small into its cell (``SOTAANGMONCONOOWSETATAN``): a slip in
        # four letters, when no other name comes within three more.
        slips = len(letters) // 4
        close = process.extract(letters, list(by_letters), scorer=Levenshtein.distance,
                                score_cutoff=slips + LONG_PLACE_MARGIN, limit=2)
        if close and close[0][1] <= slips and (
                len(close) == 1 or close[1][1] >= close[0][1] + LONG_PLACE_MARGIN):
            return by_letters[close[0][0]]
    return value


#: Letters from which a birth place may be read with a slip in every four letters
#: (``BOLAANG MONGONDOW SELATAN`` printed small to fit its cell), and how much closer than
#: any other name it must then be.
LONG_PLACE_LETTERS, LONG_PLACE_MARGIN = 18, 3


@functools.cache
def _places_by_letters() -> dict[str, str]:
    """Kemendagri regency and kecamatan names by their letters alone (``norm.place_letters``); of two
    names with the same letters, the later in sort order."""
    return {letters: names[-1] for letters, names in norm.region_names_by_letters().items()}


def _education(raw: str) -> object | None:
    """Education level: the closest of the ten by their letters alone (a slash or a space
    is often misread or lost: ``DIPLOMA IVISTRATA``), else snapped by edit distance.
    An A and the slash after it blur into an N (``SLTNSEDERAJAT``, ``SLINSEDERAJAT``), which
    is as near SLTP's letters as SLTA's: on the phone KKs of seeds 203-215 that reading was
    SLTA's six times in six, and no SLTP was read with an N. The slash may be read as a V or
    a mark, and SEDERAJAT itself garbled (``SLTNVSEDERAJAT``, ``SLTN/'SEDERAJAT``,
    ``SLTN/SEDERAMT``: SLTA's each, on the phone KKs of seeds 341-355, where the 49 SLTP's
    were read right)."""
    raw = re.sub(r"^(\s*S[LUI][TIU1])N[/V'|]{0,2}(?=\s*SEDER)", r"\1A/", raw.upper())
    # Or into a W, past a thin letter or a speck (``SLTINSEDERAJAT``, ``SLIWSEDERAJAT``,
    # ``Sx TNSEDERAJAT``: phone KKs of seeds 203-241, each SLTA's); no SLTP lost its P so.
    raw = re.sub(r"^\s*S[^\sP/]{0,2}\s?[^\sP/]?[NW]\s*/?\s*(?=SEDERAJAT)", "SLTA/", raw)
    found = _by_letters(raw, EDUCATIONS, 80)
    if found:
        return found
    snapped = norm.snap(raw, EDUCATIONS, spellings={e.replace(" ", ""): e for e in EDUCATIONS})
    if snapped.valid:
        return snapped.value
    # A long religion, shrunk to fit its cell, runs into the education beside it and is read
    # with its first word (``TDANRAATA III``, ``I MERATA III``: KK scans of seeds 329 and 401):
    # its end and the numeral after it are still STRATA's.
    strata = re.fullmatch(r".*[A-Z]{2}A[TI]A\s+(I{2,3})", raw.strip())
    if strata:
        return f"STRATA {strata.group(1)}"
    # Too garbled for either, yet clearly like one level more than any other
    # (``AKADEMUYOSI OMA W/5 MUDA``: a phone KK of seed 213).
    return _closest(raw, list(EDUCATIONS)) or norm.normalize("text", raw).value


#: The two education levels told apart by their numeral alone, which blur merges.
STRATA_NUMERALS = ("STRATA II", "STRATA III")
#: Width of a ``III`` over that of the ``STRATA`` before it, at least (its three bars blur
#: into two or into ``Wi``, ``Ill``, ``M``; the box keeps their width). Phone KKs of seeds
#: 171 and 181: ``II`` measured 0.137-0.153, ``III`` 0.191-0.350; of seeds 203-241 (126
#: cells): ``II`` 0.121-0.182 but for two, ``III`` 0.187-0.326 (0.17 took five II's for III):
#: ``STRATA_III_WIDTH_PHOTO``. A scan's crisp ``III`` measures less (0.185 took 20 for II on
#: the KK scans of seeds 221, 229 and 237).
STRATA_III_WIDTH, STRATA_III_WIDTH_PHOTO = 0.17, 0.185


def _strata_by_width(words: list[Word], photo: bool = False) -> str | None:
    """``STRATA II`` or ``STRATA III`` by the width of the numeral's word against that of
    ``STRATA`` (in the same cell, so in the same scale and slant; a ``photo``'s table has
    its own bar); ``None`` unless the cell was read as those two words."""
    letters = len(re.sub(r"[^A-Za-z]", "", words[0].text)) if len(words) == 2 else 0
    if letters < 5:
        return None
    strata, numeral = (w.bbox[2] - w.bbox[0] for w in words)
    if strata <= 0:
        return None
    # A word read with more letters than STRATA's six (a long religion run into the cell: the
    # above) is measured as six of its letters.
    strata *= min(1.0, len("STRATA") / letters)
    return "STRATA III" if numeral / strata >= (STRATA_III_WIDTH_PHOTO if photo else STRATA_III_WIDTH) else (
        "STRATA II")


def _occupation(raw: str) -> object | None:
    """Occupation: a common SIAK one matched by its letters alone when a slash, a space or a
    letter or two were misread (``PELAJAR YAHASISINA``, ``BELUMTINAK PEKERJA``), a stray
    mark of the cell's rule in front included; else as read."""
    found = _by_letters(raw, norm.OCCUPATIONS, OCCUPATION_MATCH)
    if found:
        return found
    value = norm.normalize("occupation", raw).value
    if isinstance(value, str) and len(re.sub(r"[^A-Z]", "", raw.upper())) - len(re.sub(r"[^A-Z]", "", value)) >= 3:
        return norm.normalize("text", raw).value  # only the start of a longer one snapped (BURUH... to GURU)
    return value


#: How close (rapidfuzz ratio, letters only) a long occupation reading must be to a common one.
OCCUPATION_MATCH = 84
#: A long reading (ten letters or more) further off is still taken as the allowed value its
#: letters are at least this close to (ratio) when every other value is ``LEAD`` points further.
FAR_MATCH, LEAD = 72, 20


def _by_letters(raw: str, allowed: tuple[str, ...], cutoff: float) -> str | None:
    """The allowed value whose letters alone (slashes, spaces and marks aside) are at least
    ``cutoff`` close (rapidfuzz ratio) to the reading's; or, for ten letters or more read,
    ``FAR_MATCH`` close and ``LEAD`` ahead of every other (``PETAMPEKEALN``). A reading that
    holds a value's letters and three or more besides is another, longer value
    (``BURUH NELAYAN/PERIKANAN`` is not ``NELAYAN/PERIKANAN``)."""
    letters = {re.sub(r"[^A-Z]", "", value): value for value in allowed}
    read = re.sub(r"[^A-Z]", "", raw.upper())
    if read in letters or len(read) < 8:
        return letters.get(read)
    best = process.extract(read, list(letters), scorer=fuzz.ratio, limit=2)
    if not best or (best[0][0] in read and len(read) - len(best[0][0]) >= 3):
        return None
    score, lead = best[0][1], best[0][1] - (best[1][1] if len(best) > 1 else 0)
    if score >= cutoff or (len(read) >= 10 and score >= FAR_MATCH and lead >= LEAD):
        return letters[best[0][0]]
    return None


def _nationality(raw: str) -> object | None:
    """``WNI`` or ``WNA``. The column's three letters are tiny in a phone photo and often
    read as two or three other ones (``VAI``, ``HI``, ``wa``); a KK's members are citizens
    unless the cell reads ``WNA`` with its ``NA`` (``VNA``), so any other reading of letters
    is ``WNI`` (a ``WNI`` read ``wa`` was one letter from both and was taken for ``WNA``)."""
    letters = re.sub(r"[^A-Z]", "", raw.upper())
    if re.fullmatch(r"[A-Z]?NA", letters):
        return "WNA"
    found = norm.normalize("nationality", raw)
    if found.valid and found.value == "WNI":
        return found.value
    return "WNI" if letters else None


def _religion(raw: str) -> object | None:
    """Religion; a long value cut off by its narrow column is completed from its start."""
    found = norm.normalize("religion", raw)
    if found.valid:
        return found.value
    text = norm.clean_spaces(re.sub(r"[^A-Z ]", "", raw.upper()))
    if len(text) >= 12:
        for allowed in norm.RELIGIONS:
            if fuzz.ratio(text, allowed[:len(text)]) >= 90:
                return allowed
    letters = text.replace(" ", "")
    words = [r for r in norm.RELIGIONS if " " not in r]
    if (" " in text or len(letters) > max(map(len, words))) and len(letters) >= 8 and _like_no_one_word_religion(
            letters):
        # Only one religion has more than one word: the long one, which overflows its
        # narrow cell and reads as words of nothing (``SERESCAMAN TENSE``, ``UREA MENA``:
        # every member of two phone KKs, seeds 203 and 217).
        return _several_words_religion()
    return found.value


#: How alike (ratio, letters only) a reading must be to a one-word religion to be taken
#: for a garbled one of them rather than the one religion of several words.
ONE_WORD_RELIGION_MATCH = 70


def members_field(pages: list[Page]) -> Field | None:
    """The ``members`` field of a KK (a list of member dicts), or ``None`` if no table is found."""
    members: dict[int, dict[str, object]] = {}
    words_used: list[Word] = []
    page_number = 1
    for page in pages:
        lines = page_lines(page)
        for i, line in enumerate(lines):
            if not _is_header(line):
                continue
            rows = []
            for nxt in lines[i + 1:]:
                if _row_number(nxt) is None:
                    break
                rows.append(nxt)
            if not rows:
                continue
            page_number = page.number if not members else page_number
            for number, cells in _table(line, rows).items():
                member = members.setdefault(number, {})
                for column, (raw, ws) in cells.items():
                    target = COLUMNS.get(column)
                    if target is None:
                        continue
                    key, kind = target
                    member[key] = _normalise(kind, raw)
                    words_used.extend(ws)
    if not members:
        return None
    value = [{key: m.get(key) for key in MEMBER_KEYS} for _, m in sorted(members.items())]
    return _members(value, words_used, page_number, pages[0].source if pages else "ocr")


# ------------------------------------------------------------------ ruled tables on scans


def _member_grids(image: np.ndarray, bodies: list[table_mod.Box] | None = None
                  ) -> tuple[list[table_mod.Table], list[table_mod.Box]]:
    """The ruled tables of a page wide enough to be member tables (five columns or more), found
    near the table bodies (the whole page if none is found there), and those bodies
    (``bodies``: as the page's reading found them, when it did)."""
    bodies = bodies or table_mod.table_bodies(image)
    tables = [t for t in table_mod.find_tables(image, near=bodies) if len(t.rows[0].cells) >= 5]
    if not tables and bodies:
        tables = [t for t in table_mod.find_tables(image) if len(t.rows[0].cells) >= 5]
    return tables, bodies


def members_from_grid(page: Page, image: np.ndarray, scale: float,
                      bodies: list[table_mod.Box] | None = None, photo: bool = False) -> Field | None:
    """The ``members`` field read from the ruled member tables of a scanned KK page.

    ``image`` is the page as OCR saw it (``scale`` times the size of ``page``'s boxes).
    Each table is read again on its own with its rules painted white (a whole-page reading
    loses the shaded header and the first row to the grid). Columns come from the vertical
    rules, column names from the header cells, or the standard KK column order when a
    header is unreadable. Rows: in a scan, Tesseract's text lines; where the table text is
    small (a phone photo) and slanted lines run into the next row, the bands between the
    row rules (``_banded_rows``). ``photo``: the page is a phone photo.
    """
    tables, bodies = _member_grids(image, bodies)
    if not tables and bodies:
        # Rules slanted a little (a skew the page's deskew left, under 0.4 degrees) each
        # cross several pixel rows: level the page by the rules' own slant and look again.
        skew = table_mod.rule_skew(image)
        if abs(skew) >= table_mod.LEVEL_DEGREES:
            image = table_mod.levelled(image, skew)
            tables, _ = _member_grids(image)
    if not tables:
        return None
    members: list[dict[str, object]] = []
    words_used: list[Word] = []
    read_in: dict[int, dict[str, list[Word]]] = {}
    factors = [_enlargement(image, grid) for grid in tables[:2]]
    for index, (grid, factor) in enumerate(zip(tables[:2], factors, strict=True)):
        standard = _standard_names(grid, index)
        if factor == 1.0:
            names, rows = _grid_rows(_read_table(image, grid, page.number, standard), grid)
            rows = _nik_read_again(image, page.number, names,
                                   [_spaces_read_again(image, page.number, names, cells, grid)
                                    for cells in rows])
        else:
            names, rows = _banded_rows(image, grid, page.number, factor, len(members) or None, standard)
        for position, row in enumerate(rows):
            if position >= len(members):
                members.append({})
            for column, ws in row.items():
                name = names[column] if column < len(names) else None
                target = COLUMNS.get(name) if name else None
                if target is None:
                    continue
                key, kind = target
                members[position][key] = _normalise(kind, _cell_text(kind, ws))
                if key == "education" and members[position][key] in STRATA_NUMERALS:
                    members[position][key] = _strata_by_width(ws, photo) or members[position][key]
                read_in.setdefault(position, {})[key] = ws
                words_used.extend(ws)
    region = _region_code(page, tables[0].box[1] / scale, members)
    nik_factor = factors[0]
    clean = _without_table_rules(image, tables[:2])
    today = datetime.date.today().isoformat()
    for position, member in enumerate(members):
        cells = read_in.get(position, {})
        nik_read = date_read = None
        if nik_factor > 1.0 and cells.get("nik"):
            nik_read = _figures_read(clean, cells["nik"], NIK_FIGURES)
            member["nik"] = _by_figures(nik_read, cells["nik"]) or member.get("nik")
        if nik_factor > 1.0 and member.get("nik") is None and (column := _cell_by_column(read_in, position, "nik")):
            again = _figures_read(clean, column, NIK_FIGURES)
            if again is not None and (nik_read is None or again.match > nik_read.match):
                nik_read, cells = again, {**cells, "nik": column}
                member["nik"] = _by_figures(again, column)
        confirmed = (isinstance(member.get("birth_date"), str) and _encoded_by_nik(member, str(member["birth_date"]))
                     and EARLIEST_BIRTH <= str(member["birth_date"]) <= today)
        other_dates: list[str] = []
        if nik_factor > 1.0 and (cells.get("birth_date") or member.get("birth_date") is None) and not confirmed:
            # (A date the NIK read apart confirms is not read again: two readings agree. The
            # NIK holds two digits of the year: a birth in 2124 or 1392 is read again all the same.)
            read = date_read = _figures_read(clean, cells["birth_date"], DATE_FIGURES) if cells.get(
                "birth_date") else None
            printed = read.digits if read is not None else None
            date = _printed_date(printed) if printed else None
            if member.get("birth_date") is None and not (date is not None and date.valid) and (
                    column := _cell_by_column(read_in, position, "birth_date")):
                # Tesseract's words and their figures both read no date: where the column stands.
                again = _figures_read(clean, column, DATE_FIGURES)
                date_again = _printed_date(again.digits) if again is not None else None
                if date_again is not None and date_again.valid:
                    read = date_read = again
                    date, cells = date_again, {**cells, "birth_date": column}
            if date is not None and date.valid and EARLIEST_BIRTH <= str(date.value) <= today:
                # Either reading may be the one wrong (a sure 1980 of 1983, a 2065 read by
                # Tesseract where the shapes, not quite sure, read 2005: held-out seed 241):
                # the one not taken stays a reading for the NIK to agree with.
                tesseract_date = member.get("birth_date")
                if read.sure or _encoded_by_nik(member, str(date.value)):  # type: ignore[union-attr]
                    member["birth_date"] = date.value
                    other_dates.extend([tesseract_date] if isinstance(tesseract_date, str) else [])
                else:
                    other_dates.append(str(date.value))
        if nik_factor > 1.0 and member.get("nik") is None:
            member["nik"], member["birth_date"] = _unread_nik_by_date(member, nik_read, date_read, region, today)
        member["nik"] = _with_region(member.get("nik"), region)
        member["nik"], member["birth_date"] = _nik_and_date(
            clean, page.number, member, cells.get("nik", []), cells.get("birth_date", []), nik_factor, region,
            other_dates)
        if nik_factor == 1.0:
            member["nik"], member["birth_date"] = _disagreement_by_figures(clean, member, cells)
        member["birth_date"] = _possible_birth_year(member, today)
        member["nik"], member["birth_date"] = _agreed_by_runners_up(member, nik_read, date_read, today)
        member["birth_date"] = _unread_date_by_nik(member, today)
    head = _head_name(page, tables[0].box[1] / scale)
    if nik_factor > 1.0:
        members = [_names_by_lexicon(member, read_in.get(position, {})) for position, member in enumerate(members)]
        members = _split_by_family(_words_by_family(members, read_in, head))
    members = [m for m in members if any(v is not None for v in m.values())]
    if not members:
        return None
    members = _places_by_family(_enums_by_family(members), region)
    value = _agreed_names(_spaced_names([{key: m.get(key) for key in MEMBER_KEYS} for m in members], head), head)
    words_used = [Word(text=w.text, confidence=w.confidence, line=w.line,
                       bbox=tuple(round(v / scale, 1) for v in w.bbox))  # type: ignore[arg-type]
                  for w in words_used]
    return _members(value, words_used, page.number, page.source)


#: How alike (``fuzz.ratio``) a value read outside its list must be to the closest allowed
#: value to be read as it, and by how much more than to any other (``STR``, ``STA`` and
#: ``SIA`` for ``ISTRI``, ``AWN`` for ``KAWIN``, ``SAM`` for ``ISLAM`` on phone KKs).
FAMILY_MATCH, FAMILY_LEAD = 50.0, 10.0


def _closest(read: str, allowed: list[str]) -> str | None:
    """The allowed value ``read`` is clearly most like (``FAMILY_MATCH``, ``FAMILY_LEAD``)."""
    best = process.extract(read, allowed, scorer=fuzz.ratio, limit=2)
    if not best or best[0][1] < FAMILY_MATCH or (len(best) > 1 and best[0][1] - best[1][1] < FAMILY_LEAD):
        return None
    return best[0][0]


def _enums_by_family(members: list[dict[str, object]]) -> list[dict[str, object]]:
    """Members whose relationship, marital status or religion was read outside its list
    (too few letters left to snap by edit distance) read as the value they are clearly most
    like. A woman is no ``SUAMI`` and a man no ``ISTRI``, so the member's sex narrows the
    relationships first."""
    out = []
    for original in members:
        member = dict(original)
        sex = member.get("sex")
        relationships = [r for r in RELATIONSHIPS
                         if not (r == "SUAMI" and sex == "PEREMPUAN" or r == "ISTRI" and sex == "LAKI-LAKI")]
        read = member.get("relationship")
        if isinstance(read, str) and read not in relationships:
            member["relationship"] = _relationship_by_parents(member, members) or read
        for key, allowed in (("relationship", relationships), ("marital_status", list(norm.MARITAL_STATUSES)),
                             ("religion", list(norm.RELIGIONS))):
            read = member.get(key)
            if isinstance(read, str) and read not in allowed:
                member[key] = _closest(read, allowed) or (
                    _marital_by_family(member, members) if key == "marital_status" else None) or read
        if member.get("nationality") is None and _citizens_row(original, members):
            member["nationality"] = "WNI"
        out.append(member)
    for member in out:  # (once every member's religion is snapped: ``SILAM`` is ISLAM)
        if member.get("religion") not in norm.RELIGIONS:
            member["religion"] = _religion_by_family(member, out) or member.get("religion")
    return out


def _religion_by_family(member: dict[str, object], members: list[dict[str, object]]) -> str | None:
    """The religion every other member of the family reads (two or more, all alike), for a
    member whose cell read as no religion and like none (``SU``, ``ML`` among ISLAM: phone
    KKs of seed 286): a family registers its children in its religion. ``member`` is one of
    ``members``."""
    others = [m.get("religion") for m in members if m is not member]
    read = [r for r in others if r in norm.RELIGIONS]
    if len(read) >= 2 and len(read) == len(others) and len(set(read)) == 1:
        return str(read[0])
    # The one religion of several words, shrunk to fit every member's narrow cell alike,
    # reads as short words of nothing (``REN AMA``, ``MAA MA``, ``CAN AMAN`` where the head's
    # reads whole: a phone KK of seed 309): a reading of two words or more, like no one-word
    # religion, where every other member that reads a religion reads that one.
    raw, long = member.get("religion"), _several_words_religion()
    if set(read) == {long} and isinstance(raw, str) and len(raw.split()) >= 2 and _like_no_one_word_religion(
            raw.replace(" ", "")):
        return long
    return None


def _several_words_religion() -> str:
    """The one religion whose name has several words."""
    return next(r for r in norm.RELIGIONS if " " in r)


def _like_no_one_word_religion(letters: str) -> bool:
    """Whether ``letters`` (a reading, spaces dropped) is like no religion of one word
    (``ONE_WORD_RELIGION_MATCH``)."""
    return all(fuzz.ratio(letters, r) < ONE_WORD_RELIGION_MATCH for r in norm.RELIGIONS if " " not in r)


def _citizens_row(member: dict[str, object], members: list[dict[str, object]]) -> bool:
    """Whether a member whose nationality cell read as nothing is a citizen like the family:
    a KK prints every member's nationality, the member's row of the second table was read
    (a marital status or a relationship), and every other member's reads WNI (a phone KK of
    seed 281 had its head's cell alone unread). A WNA's cell reads as such (``_nationality``).
    ``member`` is one of ``members``."""
    others = [m.get("nationality") for m in members if m is not member and m.get("nationality") is not None]
    return (bool(others) and all(n == "WNI" for n in others)
            and any(member.get(key) is not None for key in ("marital_status", "relationship")))


#: Members younger than this many years are unmarried (the law's least age is 19: UU 16/2019).
UNMARRIED_BELOW_AGE = 16


def _marital_by_family(member: dict[str, object], members: list[dict[str, object]]) -> str | None:
    """A marital status too garbled for its letters (``SAM``, ``PEN``, ``OMA``: a phone KK of
    seed 229) told by the family: a spouse in the KK is ``KAWIN``, and so is a head with a
    spouse in it; a member younger than ``UNMARRIED_BELOW_AGE`` is ``BELUM KAWIN``. Else
    ``None`` (left for review)."""
    relationship = member.get("relationship")
    if relationship in ("ISTRI", "SUAMI") or relationship == "KEPALA KELUARGA" and any(
            m.get("relationship") in ("ISTRI", "SUAMI") for m in members):
        return "KAWIN"
    born, today = member.get("birth_date"), datetime.date.today()
    if isinstance(born, str) and born > f"{today.year - UNMARRIED_BELOW_AGE:04d}{today.isoformat()[4:]}":
        return "BELUM KAWIN"
    return None


#: Letters (spaces aside) in which two readings of one name in a KK may differ.
SAME_NAME_SLIPS = 2


def _relationship_by_parents(member: dict[str, object], members: list[dict[str, object]]) -> str | None:
    """A relationship read outside its list (``HUA``, ``ARAHAN``, ``STA``) told by the parents'
    names the KK prints: a member whose father or mother is the head of family is an ANAK;
    one who is the other parent of the head's children is the head's ISTRI (or SUAMI). Phone
    KKs of seed 213: three cells too garbled for their letters alone."""
    head = next((m for m in members if m.get("relationship") == "KEPALA KELUARGA"), None)
    if head is None or head is member or not isinstance(head.get("full_name"), str):
        return None

    def same(a: object, b: object) -> bool:
        return (isinstance(a, str) and isinstance(b, str)
                and Levenshtein.distance(a.replace(" ", ""), b.replace(" ", "")) <= SAME_NAME_SLIPS)

    if same(member.get("father_name"), head["full_name"]) or same(member.get("mother_name"), head["full_name"]):
        return "ANAK"
    children = [m for m in members if m is not member and m is not head
                and (same(m.get("father_name"), head["full_name"]) or same(m.get("mother_name"), head["full_name"]))]
    if any(same(m.get("mother_name"), member.get("full_name")) or same(m.get("father_name"), member.get("full_name"))
           for m in children):
        return {"PEREMPUAN": "ISTRI", "LAKI-LAKI": "SUAMI"}.get(str(member.get("sex")))
    # No children to tell: a married woman in the KK of a married man who has no other wife
    # listed, read as something like ISTRI (``STA``: a phone KK of seed 217, a couple alone).
    if (member.get("sex") == "PEREMPUAN" and member.get("marital_status") == "KAWIN"
            and head.get("sex") == "LAKI-LAKI" and head.get("marital_status") == "KAWIN"
            and not any(m.get("relationship") == "ISTRI" for m in members if m is not member)
            and fuzz.ratio(str(member.get("relationship")), "ISTRI") >= WIFE_LIKE):
        return "ISTRI"
    return None


#: How alike (ratio) a relationship read outside its list must be to ISTRI for the family
#: alone to make it so.
WIFE_LIKE = 40


def _places_by_family(members: list[dict[str, object]], region: str | None) -> list[dict[str, object]]:
    """Members whose birth place was read as no Kemendagri name, read as the family's place it
    is clearly most like (``_closest``): the KK's own regency (by its region code) or a place
    another member's birth place was read as. Members of a family are mostly born where it
    lives, and the cell is tiny: ``WAN`` for ``WAJO``, ``SG`` for ``SIGI``."""
    from rules.identifiers import regions

    known = norm.region_place_names()
    places = {str(m["birth_place"]) for m in members if m.get("birth_place") in known}
    regency = regions().regencies.get(region[:4]) if region else None
    if regency:
        places.add(norm.without_regency_prefix(regency.upper()))
    out = []
    for member in members:
        read = member.get("birth_place")
        if isinstance(read, str) and read not in known and places:
            member = {**member, "birth_place": _closest(read, sorted(places)) or read}
        out.append(member)
    return out


#: Digits of a member NIK's region code (its first six) that may differ from the family's
#: and still be misread: more is another region (a member who moved in).
REGION_SLIPS = 3
#: Edits (a figure lost, one added) that shift the rest of a region code read and still make it
#: the family's.
REGION_SHIFT = 2


#: Letters a phone photo's blur makes Tesseract read for others in a KK's names, and what
#: each may really be (``OWI`` for ``DWI``, ``MENDRA`` for ``HENDRA``, ``EXO`` for ``EKO``;
#: ``IREAN`` for ``IRFAN``: seed 249; ``DYAN`` for ``DIAN``, which must not be taken for
#: ``DYAH`` alone: seed 231). An F is read as it stands: an F read for an E made ARIF, a
#: common name in no list, ARIE (held-out seed 501, seed 357), and no reading showed it. A P
#: may be an F with its bar smeared shut (PIRMANSYAH for FIRMANSYAH: held-out seed 605).
NAME_SLIPS: dict[str, str] = {"O": "D", "D": "O", "M": "HN", "H": "MK", "N": "MH", "K": "HX", "X": "K",
                              "E": "IF", "I": "L", "J": "TILU", "U": "L", "L": "IU", "W": "V", "V": "W",
                              "Q": "O", "C": "G", "G": "C", "P": "RF", "R": "P", "Y": "I"}
#: Two thin letters a phone photo's blur runs into one (``WUAYA`` for ``WIJAYA``, ``UNDA``
#: for ``LINDA``, ``SIM`` for ``SITI``, ``RUKY`` and ``REKY`` for ``RIZKY``).
NAME_PAIR_SLIPS: dict[str, tuple[str, ...]] = {"U": ("IJ", "LI", "IZ"), "E": ("IZ",), "M": ("TI", "NI"), "N": ("TI",)}
#: And one letter's strokes read as two letters (``MALILANA`` for ``MAULANA``: a phone KK of
#: seed 335; a W's two V's as I and N, ``GUNAINAN`` for ``GUNAWAN``: seed 343).
NAME_SPLIT_SLIPS: dict[str, str] = {"LI": "U", "IN": "W"}
#: Slips a word read surely is read again for, beside a thin I lost and ``NAME_PAIR_SLIPS``:
#: a D whose stem the blur took, read surely as O (SUHENORA for SUHENDRA, FEROI for FERDI).
#: (Of any length; a long word is read for ``STEM_SLIPS`` too, this one among them.)
SURE_NAME_SLIPS: dict[str, str] = {"O": "D", "X": "K"}
#: Words read at least this surely are left as read.
NAME_SURE = 0.85


def _name_word(word: str, sure: bool = False) -> str:
    """``word`` (read unsurely) as the one name word one slip (``NAME_SLIPS``,
    ``NAME_PAIR_SLIPS``, or a thin I lost) away from it, when it is no name word itself and
    exactly one such word exists, or exactly one of several is a common name. A word read
    ``sure``ly is only read with a thin I lost (``DEW`` for ``DEWI``), two thin letters run
    into one (``SIM`` for ``SITI``), one letter's strokes read as two (``MALILANA`` for
    ``MAULANA``: ``NAME_SPLIT_SLIPS``), a D's stem lost (``SUHENORA`` for ``SUHENDRA``) or a
    K read X (no name word has an X: ``SURE_NAME_SLIPS``), the thin I after a D lost too where
    that gives a common name (``OW`` for ``DWI``). A long word one slip from none is read
    again for one or two strokes lost, sure or not (``STEM_SLIPS``)."""
    known = norm.name_words()
    if len(word) < 2 or word in known or not word.isalpha():
        return word
    slips = SURE_NAME_SLIPS if sure else NAME_SLIPS
    near = _one_name_slip(word, slips)
    found = sorted(near & known)
    if len(found) > 1:
        # A common name before words the news corpora name people by (``SIM``: SITI, not SIN).
        found = sorted(set(found) & norm.common_name_words())
    if not found:
        # A D's stem lost and the thin I after it too (``OW`` for ``DWI``: phone KKs of seeds
        # 309, 323 and 325): a common name only.
        found = sorted({spelt for d in _with_d_for_o(word) for spelt in norm.with_thin_i(d)}
                       & norm.common_name_words())
    if not found and len(word) >= STEM_SLIP_WORD:
        found = sorted(_with_stem_slips(word) & known)
    if not found and not sure and len(word) >= TWO_SLIPS_WORD:
        # Two slips, read unsurely, to a common name only (``AJUA`` for AULIA, a J read for a
        # U and a U for LI: phone KKs of seeds 347 and 355; ``AUUJA``: seed 351). Not one
        # letter slipped twice, which is no slip of ``NAME_SLIPS`` (TUTI is no TITI).
        found = sorted({twice for once in near for twice in _one_name_slip(once, slips)
                        if Levenshtein.distance(word, twice) >= 2} & norm.common_name_words())
    return found[0] if len(found) == 1 else word


#: Letters a name word read unsurely must have to be read again for two slips.
TWO_SLIPS_WORD = 4


def _one_name_slip(word: str, slips: dict[str, str]) -> set[str]:
    """``word`` with one slip undone: a letter read for another (``slips``), two thin letters
    run into one (``NAME_PAIR_SLIPS``), one letter's strokes read as two (``NAME_SPLIT_SLIPS``)
    or a thin I lost."""
    near = {word[:i] + other + word[i + 1:] for i, letter in enumerate(word)
            for other in (*slips.get(letter, ""), *NAME_PAIR_SLIPS.get(letter, ()))}
    near |= norm.with_thin_i(word)
    return near | {word[:i] + printed + word[i + 2:] for i in range(len(word) - 1)
                   for read, printed in NAME_SPLIT_SLIPS.items() if word[i:i + 2] == read}


#: Letters an H, a D, an F or an M becomes when a phone photo's blur takes or smears a
#: stroke, read surely: an H as M (RAMMAN for RAHMAN, FIRMANSYAM for FIRMANSYAH), a D as O,
#: an F as E (IREAN for IRFAN: phone KKs of seeds 286 and 287), an M's middle as an N
#: (HAKIN for HAKIM: a phone KK of held-out seed 301; PRATANA for PRATAMA: seed 313), and an
#: N's diagonal smeared into an M's (MUGROHO for NUGROHO: a phone KK of seed 343).
STEM_SLIPS: dict[str, str] = {"M": "HN", "O": "D", "E": "F", "N": "M"}
#: Words this long or longer are read again for one or two ``STEM_SLIPS``, however surely
#: read: short words are left (MERU, read surely, stays: HERU is one slip away).
STEM_SLIP_WORD = 5


def _with_stem_slips(word: str) -> set[str]:
    """``word`` with one or two of its letters read for others as ``STEM_SLIPS`` has it
    (``SUMENORA``: SUHENDRA, ``MARAMAP``: HARAHAP), each at a letter of its own (an N is
    an M, never an H)."""
    once = _with_stem_slip(word)
    return once | {twice for slipped in once for twice in _with_stem_slip(slipped)
                   if all(printed in STEM_SLIPS.get(read, "") for read, printed in zip(word, twice) if read != printed)}


def _with_stem_slip(word: str) -> set[str]:
    """``word`` with one of its letters read for another as ``STEM_SLIPS`` has it."""
    return set().union(*(norm.with_one_read_as(word, read, printed)
                         for read, printeds in STEM_SLIPS.items() for printed in printeds))


def _names_by_lexicon(member: dict[str, object], cells: dict[str, list[Word]]) -> dict[str, object]:
    """A phone-photo member whose name words read unsurely (below ``NAME_SURE``) and known as
    no name are read as the name word one blur slip away (``_name_word``). On the phone KKs
    of seeds 171, 181, 195 and 199: 16 words put right, none made wrong. Words read surely
    are read again only for a thin I lost (on the phone KKs of seeds 203-241 and 262-264: 3
    words put right, none made wrong), two thin letters run into one or a D read as O (on the
    phone KKs of seeds 217-239: 5 words put right, none made wrong)."""
    out = dict(member)
    for key in NAME_KEYS:
        value = member.get(key)
        if not isinstance(value, str):
            continue
        unsure = {w.text.upper() for w in cells.get(key, []) if w.confidence < NAME_SURE}
        out[key] = _joined_name_words(" ".join(_name_word(word, sure=word not in unsure)
                                               for word in value.split()))
    return out


#: A phone photo's name word read below this confidence may be a word the family's other
#: names print, read surely (``NAME_SURE``) elsewhere in the KK.
FAMILY_WORD_UNSURE = 0.6


def _words_by_family(members: list[dict[str, object]], read_in: dict[int, dict[str, list[Word]]],
                     header: str | None = None) -> list[dict[str, object]]:
    """Members whose name words read unsurely (below ``FAMILY_WORD_UNSURE``), and no name word,
    read as the one word a letter (two, in a word of six letters or more; its length within
    one) away from them that the KK's names read surely elsewhere (not a part of a word read
    apart, ``SE TIADI``): a family's names repeat their words (the head's father IRFAN
    SETIAN, 0.41, in a KK of GALIH NURUL SETIADI, 0.89, and ILHAM NURUL SETIADI; a mother
    SUHENORA, 0.47, whose own row reads SUHENDRA: a phone KK of seed 227). A word no name
    word, read surely or not, that is a word the KK reads elsewhere (surely or not) with one
    O read for a D is that word, and a D is never taken for an O: the blur takes a D's stem,
    it does not add one (YOGA BAGUS WAROHANA at 0.91 in a KK whose head's child's father
    reads ILHAM WARDHANA at 0.92: seed 237; WARDHANA at 0.59 and 0.65, WAROHANA at up to
    0.9: seed 268). ``header``: the head's name as read above the tables, large, whose words
    count as read surely (IRFAN SETIAD at 0.52, the head's father, in a KK headed BAMBANG
    SETIADI: a phone KK of seed 323)."""
    known = norm.name_words()
    words_read = [w for cells in read_in.values() for key in NAME_KEYS for w in cells.get(key, [])
                  if w.text.isalpha() and len(w.text) >= 4]
    surest: dict[str, float] = {}
    for w in words_read:
        surest[w.text.upper()] = max(surest.get(w.text.upper(), 0.0), float(w.confidence))
    read = set(surest)  # (the table's words only: before the header's are added)
    for word in (header or "").split():  # the head's name above the tables, read large, is sure
        if word.isalpha() and len(word) >= 4:
            surest[word] = max(surest.get(word, 0.0), NAME_SURE)
    sure = {text for text, confidence in surest.items() if confidence >= NAME_SURE}
    sure_count = Counter(w.text.upper() for w in words_read if w.confidence >= NAME_SURE)

    def restored(others: list[str]) -> list[str]:
        # A word the KK reads elsewhere with a D where this one has an O is that word: the
        # blur takes a D's stem (WAROHANA, read surely, beside WARDHANA: WAROMANA one letter
        # off the one, WARODHANA off both, is WARDHANA: a phone KK of seed 345).
        out = set()
        for other in others:
            with_d = _with_d_for_o(other) & read
            out.add(with_d.pop() if len(with_d) == 1 else other)
        return sorted(out)

    def near(word: str, own: float) -> list[str]:
        # Words read elsewhere surely, or (FAMILY_WORD_LEAD) much more surely than ``word``.
        return restored([other for other, confidence in surest.items()
                         if (confidence >= NAME_SURE or confidence >= max(FAMILY_WORD_UNSURE, own + FAMILY_WORD_LEAD))
                         and _family_near(word, other) and word not in _with_d_for_o(other)])  # a D is never an O read as D

    out = []
    for position, member in enumerate(members):
        member = dict(member)
        cells = read_in.get(position, {})
        for key in NAME_KEYS:
            value = member.get(key)
            if not isinstance(value, str):
                continue
            own = {w.text.upper(): float(w.confidence) for w in cells.get(key, [])}
            unsure = {text for text, confidence in own.items() if confidence < FAMILY_WORD_UNSURE}
            words = _joined_by_family(value.split(), own, surest, known)
            value = " ".join(words)
            words = []
            for word in value.split():
                nearby = near(word, own.get(word, 0.0))
                if len(nearby) > 1:  # a word read surely before others read only more surely
                    nearby = [other for other in nearby if other in sure]
                take = word in unsure and word not in known and word not in sure and len(nearby) == 1
                slipped = [] if word in known else sorted(_with_d_for_o(word) & read)
                if not slipped and word not in known and sure_count[word] < 2:
                    # One letter off a word the KK reads surely twice or more, however surely read
                    # (PRATANA at 0.89, a child of BAMBANG PRATAMA read so at 0.95 five times:
                    # a phone KK of seed 313).
                    slipped = restored([other for other in sure if sure_count[other] >= 2 and len(other) == len(word)
                                        and len(word) >= FAMILY_SLIP_WORD and sum(a != b for a, b in zip(word, other)) == 1
                                        and word not in _with_d_for_o(other)])  # (WARDHANA is no WAROHANA: seed 281)
                words.append(nearby[0] if take else slipped[0] if len(slipped) == 1 else word)
            member[key] = " ".join(words)
        out.append(member)
    return out


#: Name words this long or longer may be one letter off a word the KK reads surely twice.
FAMILY_SLIP_WORD = 5
#: How much more surely than an unsure name word (``FAMILY_WORD_UNSURE``) another reading in
#: the KK must be read to stand for it when not read surely itself (``NAME_SURE``): SETIADH
#: at 0.17 is SETIADI, read at 0.79 as the mother's own name (a phone KK of seed 307).
FAMILY_WORD_LEAD = 0.3


def _joined_by_family(words: list[str], own: dict[str, float], surest: dict[str, float],
                      known: frozenset[str]) -> list[str]:
    """``words`` with two that are one word split by the blur (``SE TIADI``, ``SI TIAD`` once
    SE is read as the name word SI) joined as the one word the KK reads elsewhere, at least
    ``FAMILY_WORD_UNSURE`` and more surely than either part, within a letter of their join
    (two for six letters or more): a family's names repeat their words (HENDRA SETIADI, the
    wife SITI SETIADI's father: phone KKs of seeds 229 and 307). Not where both parts are
    name words (NUR AINI), nor where two such words are near."""
    out = list(words)
    i = 0
    while i < len(out) - 1:
        first, second = out[i], out[i + 1]
        joined = first + second
        parts = max(own.get(first, 0.0), own.get(second, 0.0))
        nearby = [] if (first in known and second in known) or joined in known or not joined.isalpha() else [
            other for other, confidence in surest.items()
            if confidence >= FAMILY_WORD_UNSURE and confidence > parts and _family_near(joined, other)]
        if len(nearby) == 1:
            out[i:i + 2] = nearby
        i += 1
    return out


def _family_near(word: str, other: str) -> bool:
    """Whether ``word`` may be ``other``, a word the KK reads elsewhere, read with slips: its
    length within one, a letter off (two for six letters or more)."""
    return abs(len(other) - len(word)) <= 1 and Levenshtein.distance(word, other) <= (2 if len(other) >= 6 else 1)


def _with_d_for_o(word: str) -> set[str]:
    """``word`` with one of its O read as D (``SURE_NAME_SLIPS``' one slip)."""
    return norm.with_one_read_as(word, "O", "D")


#: Letters each side of a space a phone photo's blur lost that ``_split_by_family`` restores.
FAMILY_SPLIT_SIDE = 3


def _split_by_family(members: list[dict[str, object]]) -> list[dict[str, object]]:
    """Phone-photo members with a name word that is no name word but a name word (or one with
    its last I read L: ``_known_head``) run into a word the KK's other names print apart
    (``NIALUBIS``, a child of JOKO INDRA LUBIS: a phone KK of seed 289) split there, where
    exactly one such cut exists: a family's names repeat its surnames."""
    known = norm.name_words()
    apart = {word for m in members for key in NAME_KEYS for word in str(m.get(key) or "").split()
             if len(word) > FAMILY_SPLIT_SIDE}
    out = []
    for member in members:
        member = dict(member)
        for key in NAME_KEYS:
            value = member.get(key)
            if not isinstance(value, str):
                continue
            words = []
            for word in value.split():
                cuts = [(c, head) for c in range(FAMILY_SPLIT_SIDE, len(word) - FAMILY_SPLIT_SIDE)
                        if word[c:] in apart and (head := _known_head(word[:c], known))]
                words.extend([cuts[0][1], word[cuts[0][0]:]] if word not in known and len(cuts) == 1 else [word])
            member[key] = " ".join(words)
        out.append(member)
    return out


def _known_head(head: str, known: frozenset[str]) -> str | None:
    """``head`` if it is a name word, or the one name word it is with an I read as the L
    its blur ran into the next letter (``SITLANWAR``: SITI ANWAR, a phone KK of seed 309)."""
    if head in known:
        return head
    found = norm.with_one_read_as(head, "L", "I") & known
    return found.pop() if len(found) == 1 else None


def _joined_name_words(name: str) -> str:
    """``name`` with two words that are one name word split by a space the blur made (``MAYA
    HUTAGAL UNG``: a phone KK of held-out seed 223) joined, where neither part alone is a
    common name (``NUR AINI`` stays two; ``TEGUH LE SMANA`` is TEGUH LESMANA, though the news
    corpora name a person Le: a phone KK of seed 278)."""
    known, common = norm.name_words(), norm.common_name_words()
    words = name.split()
    i = 0
    while i < len(words) - 1:
        joined = words[i] + words[i + 1]
        if joined in known and words[i] not in common and words[i + 1] not in common:
            words[i:i + 2] = [joined]
        else:
            i += 1
    return " ".join(words)


#: No member of a KK was born before this: a year read 1392 is a 9 read as 3 (seed 217),
#: read again by its figures like a birth after today.
EARLIEST_BIRTH = "1900-01-01"


def _possible_birth_year(member: dict[str, object], today: str) -> object:
    """A birth date still after today or before ``EARLIEST_BIRTH`` once read again (``3006``
    for 2006: a phone KK of held-out seed 219) in the century its NIK's two year digits and
    the rest of the date allow, the later if both do."""
    date, nik = member.get("birth_date"), member.get("nik")
    if not (isinstance(date, str) and isinstance(nik, str) and len(date) == 10 and len(nik) == 16):
        return date
    if EARLIEST_BIRTH <= date <= today:
        return date
    for century in ("20", "19"):
        candidate = century + date[2:]
        if (EARLIEST_BIRTH <= candidate <= today
                and norm.nik_encodes_date(nik, candidate, member.get("sex"))):
            return candidate
    return date


#: How a member's NIK and birth date are printed (``shapes`` patterns).
NIK_FIGURES, DATE_FIGURES = "0" * 16, "00-00-0000"


def _printed_date(printed: str) -> norm.Normalized:
    """A date cell's eight figures as printed (``DDMMYYYY``, read as ``DATE_FIGURES``), normalised."""
    return norm.normalize("date", f"{printed[:2]}-{printed[2:4]}-{printed[4:]}")


def _by_figures(read: shapes_mod.DigitReading | None, words: list[Word]) -> str | None:
    """The figures of a cell (an NIK) in a phone photo as ``read`` by their shapes (the line
    nearest the crop's middle: ``_figures_read``) where the match is sure; else ``None``
    (Tesseract's reading of ``words`` stands)."""
    return _with_surer_tesseract_figures(read, words) if read is not None and read.sure else None


#: A figure the shapes matched less than this much better than the next figure may be that
#: next one, where that alone makes a member's NIK and birth date agree
#: (``_agreed_by_runners_up``). On the NIK and date cells of the phone KKs of seeds 203-241
#: read by their shapes with one figure wrong: the next figure was the right one in 73 of 87,
#: 65 of them close calls under 0.03; 1 in 19 figures read right was as close a call. Taken
#: only where exactly one such figure makes the two agree: the phone KKs of seeds 203-241
#: then have 5 birth dates more right, none made wrong.
RUNNER_UP_MARGIN = 0.03


def _agreed_by_runners_up(member: dict[str, object], nik_read: shapes_mod.DigitReading | None,
                          date_read: shapes_mod.DigitReading | None, today: str) -> tuple[object, object]:
    """A phone KK member's NIK and birth date that still disagree, made to agree by one
    figure of either cell that its shapes matched nearly as well (``RUNNER_UP_MARGIN``) as
    the figure read: the NIK's date digits (7-12) as read by their shapes, or the date cell's
    as read by theirs (``1906`` whose 0 was a close call against 8, in a NIK encoding 86: a
    phone KK of seed 233). Each figure taken is one the cell's own ink nearly read; the other
    cell only chooses among them, and only where exactly one such figure makes the two agree
    (else both stay as read, for the rules to flag: the two may differ in fact)."""
    nik, date, sex = member.get("nik"), member.get("birth_date"), member.get("sex")
    if not (isinstance(nik, str) and re.fullmatch(r"\d{16}", nik) and isinstance(date, str)
            and re.fullmatch(r"\d{4}-\d\d-\d\d", date) and sex in FEMALE) or norm.nik_encodes_date(nik, date, sex):  # type: ignore[arg-type]
        return nik, date
    agreeing: set[tuple[str, str]] = set()
    if nik_read is not None and len(nik_read.runners_up) == 16:
        for i in range(6, 12):
            if nik_read.margins[i] < RUNNER_UP_MARGIN:
                for figure in {nik_read.digits[i], nik_read.runners_up[i]} - {nik[i]}:
                    other = nik[:i] + figure + nik[i + 1:]
                    if norm.nik_encodes_date(other, date, sex):  # type: ignore[arg-type]
                        agreeing.add((other, date))
    if date_read is not None and len(date_read.runners_up) == 8:
        for i in range(8):
            if date_read.margins[i] < RUNNER_UP_MARGIN:
                printed = date_read.digits[:i] + date_read.runners_up[i] + date_read.digits[i + 1:]
                again = _printed_date(printed)
                if (again.valid and EARLIEST_BIRTH <= str(again.value) <= today
                        and norm.nik_encodes_date(nik, str(again.value), sex)):  # type: ignore[arg-type]
                    agreeing.add((nik, str(again.value)))
    return agreeing.pop() if len(agreeing) == 1 else (nik, date)


#: A figure the shapes matched barely better (by less than this) than the next is the
#: figure Tesseract read in its slot, where Tesseract read the cell's figures one for one at
#: ``TESSERACT_SURE_FIGURES`` or above. On the phone KK NIK cells of seeds 203-241 (715 read
#: surely by their shapes): 12 NIKs right that the shapes had one figure wrong in, 1 made
#: wrong (0.01: 8 and 1; 0.03: 18 and 6). Tesseract's word confidence as the floor, on the
#: 764 NIK cells of the phone KKs of seeds 203-241 read by both, figure for figure: at 0.6,
#: 708 NIKs right; 0.5, 711; 0.4, 714; 0.3, 716 (23 put right, 4 made wrong against the
#: shapes alone); 0.2, 715; none, 710.
SHAPES_CLOSE_CALL = 0.02
TESSERACT_SURE_FIGURES = 0.3


def _with_surer_tesseract_figures(read: shapes_mod.DigitReading, words: list[Word]) -> str:
    """``read``'s figures, with Tesseract's in the slots where the shapes made a close call
    (``SHAPES_CLOSE_CALL``): a 3 read 0 by the shapes by 0.008, Tesseract's 3 right (a phone
    KK of seed 237)."""
    tesseract = re.sub(r"\D", "", norm.repair_digits(" ".join(w.text for w in words))[0])
    if len(tesseract) != len(read.digits) or min(w.confidence for w in words) < TESSERACT_SURE_FIGURES:
        return read.digits
    return "".join(mine if margin >= SHAPES_CLOSE_CALL else theirs
                   for mine, theirs, margin in zip(read.digits, tesseract, read.margins, strict=True))


#: How far (in word heights) a cell's crop for its figures' shapes reaches beyond Tesseract's
#: words to each side: ink beyond the figures (a rule's remains, a neighbour's letters) throws
#: the line's ends, and the figure slots, off. A line height to each side of the cell's box
#: left 65 values wrong on the phone KKs of seeds 203-215 and 241, and 170 on those of seeds
#: 217-239; 0.1 leaves 54 and 147 (0.05: 57 and 151; about 0.25: 167 on 217-239); less than
#: none cuts figures off (-0.14: 96 and 253). Only for a cell Tesseract read as about such
#: figures: one read ``M1) O96AO81 7511)`` keeps the wide crop (close, three NIKs of a phone
#: KK of seed 229 were read wrong, and surely).
FIGURES_SIDE = 0.1


def _figures_read(image: np.ndarray, words: list[Word], pattern: str) -> shapes_mod.DigitReading | None:
    """The figures of a cell read by their shapes, sure or not (see ``_by_figures``). Where
    Tesseract read about as many figures as ``pattern`` has (within one), the crop reaches
    ``FIGURES_SIDE`` beyond its words to each side and a line height above and below; else
    (its words need not end where the figures do) a line height beyond the cell's box to
    each side and half of it above and below."""
    figures = re.sub(r"\D", "", norm.repair_digits(" ".join(w.text for w in words))[0])
    if abs(len(figures) - pattern.count("0")) <= 1:
        height = statistics.median(w.bbox[3] - w.bbox[1] for w in words)
        side = FIGURES_SIDE * height
        x0, x1 = min(w.bbox[0] for w in words) - side, max(w.bbox[2] for w in words) + side
        y0, y1 = min(w.bbox[1] for w in words) - 1.1 * height, max(w.bbox[3] for w in words) + 1.1 * height
        crop = image[int(max(0, y0)):int(y1), int(max(0, x0)):int(x1)]
    else:
        cx0, cy0, cx1, cy1 = _cell_box(words)
        reach = cy1 - cy0
        crop = image[max(0, cy0 - reach // 2):cy1 + reach // 2, max(0, cx0 - reach):cx1 + reach]
    if crop.ndim == 3:
        crop = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    return shapes_mod.read_digits(crop, pattern)


def _disagreement_by_figures(image: np.ndarray, member: dict[str, object],
                             cells: dict[str, list[Word]]) -> tuple[object, object]:
    """A scanned member's NIK and birth date that still disagree once both were read again:
    a third reading, by the figures' shapes (``fields.crisp_figures``: sure, at most two
    digits changed), of the date, then of the NIK, taken only where it makes the two agree.
    Tesseract reads this font's 7 as a 1 in every reading of a low-contrast scan's date
    cell (``21-10-2006``, the NIK's ``271006``: seed 229)."""
    nik, date, sex = member.get("nik"), member.get("birth_date"), member.get("sex")
    if not (isinstance(nik, str) and re.fullmatch(r"\d{16}", nik) and isinstance(date, str)
            and re.fullmatch(r"\d{4}-\d\d-\d\d", date)) or norm.nik_encodes_date(nik, date, sex):  # type: ignore[arg-type]
        return nik, date
    if cells.get("birth_date"):
        printed = fields_mod.crisp_figures(image, _cell_box(cells["birth_date"]), DATE_FIGURES,
                                           date[8:] + date[5:7] + date[:4])
        again = _printed_date(printed) if printed else None
        if again is not None and again.valid and norm.nik_encodes_date(nik, str(again.value), sex):  # type: ignore[arg-type]
            return nik, again.value
    if cells.get("nik"):
        printed = fields_mod.crisp_figures(image, _cell_box(cells["nik"]), NIK_FIGURES, nik)
        if printed and norm.nik_encodes_date(printed, date, sex):  # type: ignore[arg-type]
            return printed, date
    return nik, date


def _region_code(page: Page, table_top: float, members: list[dict[str, object]]) -> str | None:
    """The region code (first six digits) a KK's member NIKs share: the KK number's, printed
    large above the tables (read far better than the table's small digits; a 7 read as 1
    where only a 7 makes it a kecamatan code: ``norm.with_region_sevens``), else the code
    at least two members' NIKs agree on."""
    numbers = [d for w in page.words if w.bbox[3] <= table_top
               for d in [re.sub(r"\D", "", norm.repair_digits(w.text)[0])] if len(d) == 16]
    if numbers:
        return norm.with_region_sevens(numbers[0])[:6]
    codes = [norm.with_region_sevens(n)[:6] for m in members for n in [m.get("nik")]
             if isinstance(n, str) and len(n) == 16]
    common = _most_common(codes)
    return common if common is not None and codes.count(common) >= 2 else None


def _with_region(nik: object, region: str | None) -> object:
    """A member's NIK with its region code read back as the family's where up to
    ``REGION_SLIPS`` of its six digits were misread (``3214...`` among ``3274...``), or
    a figure was lost and another added (``REGION_SHIFT``)."""
    if not isinstance(nik, str) or region is None or not re.fullmatch(r"\d{16}", nik):
        return nik
    slips = sum(a != b for a, b in zip(nik[:6], region, strict=True))
    # Or a figure lost and another read in its stead, which shifts those between
    # (``309012`` for 630902: a phone KK of seed 335).
    shifted = Levenshtein.distance(nik[:6], region) <= REGION_SHIFT
    return region + nik[6:] if slips and (slips <= REGION_SLIPS or shifted) else nik


#: Readings of a birth date the member's NIK does not encode, in turn: (scale, preparation).
DATE_READINGS = ((1.0, "as is"), (1.5, "smoothed"), (1.0, "binarised"))


def _unread_nik_by_date(member: dict[str, object], nik_read: shapes_mod.DigitReading | None,
                        date_read: shapes_mod.DigitReading | None, region: str | None,
                        today: str) -> tuple[object, object]:
    """A phone KK member's NIK that Tesseract read as none, and its birth date, as their
    figures' shapes read them, unsure, where the two readings agree: the NIK's first six
    figures the family's region code and the next six the date read apart (7202240702816752
    and 07-02-1981, each read at about 0.9: a phone KK of seed 280). Else both as read."""
    nik, date = member.get("nik"), member.get("birth_date")
    if nik_read is None or date_read is None or region is None or len(nik_read.digits) != 16:
        return nik, date
    printed = _printed_date(date_read.digits)
    sex = member.get("sex") if isinstance(member.get("sex"), str) else None
    if (nik_read.digits[:6] == region and printed.valid and EARLIEST_BIRTH <= str(printed.value) <= today
            and norm.nik_encodes_date(nik_read.digits, str(printed.value), sex)):  # type: ignore[arg-type]
        return nik_read.digits, printed.value
    return nik, date


def _unread_date_by_nik(member: dict[str, object], today: str) -> object:
    """A member's birth date that no reading of its cell gave, as the NIK read encodes it
    (digits 7-12, the day + 40 for women), in the century that makes it no later than today
    and not a hundred years before (four dates unread on the 72 phone KKs of seeds 341-345,
    each encoded by its NIK). Else the date as read."""
    nik, date, sex = member.get("nik"), member.get("birth_date"), member.get("sex")
    if date is not None or not (isinstance(nik, str) and re.fullmatch(r"\d{16}", nik)):
        return date
    day, month, year = int(nik[6:8]), nik[8:10], nik[10:12]
    female = FEMALE.get(sex if isinstance(sex, str) else "", day > 40)
    if female != (day > 40):  # the sex read and the NIK's day disagree: one is misread
        return date
    century = "20" if year <= today[2:4] else "19"
    found = norm.normalize("date", f"{day - 40 * female:02d}-{month}-{century}{year}")
    return found.value if found.valid and EARLIEST_BIRTH <= str(found.value) <= today else date


#: How each cell a phone KK's figures are read in is printed when Tesseract read it whole.
PRINTED_CELLS = {"nik": r"\d{16}", "birth_date": r"\d\d-\d\d-\d{4}"}


#: Cells of a member's row in the first table, in the order their height is taken from.
FIRST_TABLE_ROW = ("nik", "birth_date", "full_name", "birth_place", "sex")


def _cell_by_column(read_in: dict[int, dict[str, list[Word]]], position: int, key: str) -> list[Word]:
    """A phone KK member's ``key`` cell (an NIK or a birth date) that Tesseract read as none
    (``aa`` and a rule's ``1`` for a crisp 30-09-2022: a phone KK of seed 282), where its
    column stands: between the median left and right of the cells other rows read whole
    (``PRINTED_CELLS``), at the height of another cell of the member's row
    (``FIRST_TABLE_ROW``). A single word printed as the cell is, for ``_figures_read``; none
    without such rows or cells."""
    whole = [ws for at, cells in read_in.items() if at != position for ws in [cells.get(key)]
             if ws and re.fullmatch(PRINTED_CELLS[key], "".join(w.text for w in ws))]
    row = next((ws for k in FIRST_TABLE_ROW if k != key for ws in [read_in.get(position, {}).get(k)] if ws), None)
    if not whole or not row:
        return []
    x0 = statistics.median(min(w.bbox[0] for w in ws) for ws in whole)
    x1 = statistics.median(max(w.bbox[2] for w in ws) for ws in whole)
    y0, y1 = min(w.bbox[1] for w in row), max(w.bbox[3] for w in row)
    printed = NIK_FIGURES if key == "nik" else DATE_FIGURES
    return [Word(text=printed, confidence=0.0, bbox=(x0, y0, x1, y1), line=row[0].line)]


def _encoded_by_nik(member: dict[str, object], date: str) -> bool:
    """Whether the member's NIK, as read, encodes ``date`` (an ISO date)."""
    nik, sex = member.get("nik"), member.get("sex")
    return isinstance(nik, str) and bool(re.fullmatch(r"\d{16}", nik)) and norm.nik_encodes_date(
        nik, date, sex if isinstance(sex, str) else None)


def _nik_and_date(image: np.ndarray, number: int, member: dict[str, object], nik_words: list[Word],
                  date_words: list[Word], factor: float, region: str | None,
                  other_dates: Sequence[str] = ()) -> tuple[object, object]:
    """A member's NIK and birth date, made to agree where their readings allow.

    The NIK's digits 7-12 encode the birth date (the day + 40 for women): two readings of
    the same six numbers, each of tiny digits in a phone photo. When they disagree, the date
    is read again (``_birth_date_by_nik``); if still no reading agrees, the NIK cell is read
    again too, and each of the six numbers is taken where a reading of the NIK and a
    reading of the date agree on it (the most readings if several), or from the date alone
    where its readings agree more (``_agreed_segment``). The date then has every digit from
    a reading of its own cell, and the NIK the other digits by the vote of its readings.
    Else both stay as read (a real mismatch); an NIK not read whole takes the vote of its
    cell's readings. ``other_dates``: other readings of the date cell (ISO), taken first when
    the NIK encodes one, else counted with the cell's readings read again.
    """
    seen: list[str] = list(other_dates)
    nik, sex = member.get("nik"), member.get("sex")
    agreeing = [d for d in other_dates if _encoded_by_nik(member, d)]
    if agreeing and not _encoded_by_nik(member, str(member.get("birth_date"))):
        member = {**member, "birth_date": agreeing[0]}
    date = _birth_date_by_nik(image, number, member, date_words, factor, seen) if date_words else (
        member.get("birth_date"))
    if date_words and nik_words:
        date = _sevens_by_glyphs(image, date, nik, sex, date_words, nik_words)
    female = FEMALE.get(sex) if isinstance(sex, str) else None
    if female is None or not nik_words or (
            isinstance(nik, str) and isinstance(date, str) and norm.nik_encodes_date(nik, date, sex)):
        return nik, date
    niks = [nik] if isinstance(nik, str) and re.fullmatch(r"\d{16}", nik) else []
    niks += [str(_with_region(r, region)) for r, _ in _nik_cell_readings(image, _cell_box(nik_words), factor, number)]
    if not niks:
        return nik, date
    dates = [d for d in [_date_digits(date) if isinstance(date, str) else None] + [_date_digits(r) for r in seen] if d]
    encoded = [(str(int(d[0]) + 4) if female else d[0]) + d[1:4] + d[6:8] for d in dates]
    read_segments = [n[6:12] for n in niks]
    segment = _agreed_segment(read_segments, encoded, encoded[0] if isinstance(date, str) else None)
    if segment is None and encoded:
        segment = _segment_by_validity(read_segments, encoded, female)
    if segment is None:
        return (nik if nik in niks else _voted(niks)), date
    voted = _voted(niks)
    if isinstance(date, str) and segment == encoded[0]:
        return voted[:6] + segment + voted[12:], date
    centuries = [d[4:6] for d in dates if d[4:6] in ("19", "20")]
    century = max(sorted(set(centuries)), key=centuries.count) if centuries else (
        "20" if int(segment[4:]) <= datetime.date.today().year % 100 else "19")
    day = int(segment[:2]) - (40 if female else 0)
    agreed = norm.normalize("date", f"{day:02d}-{segment[2:4]}-{century}{segment[4:]}")
    if not agreed.valid:
        return nik, date
    return voted[:6] + segment + voted[12:], agreed.value


#: How alike a date glyph read 1 must be to the row's 7s (and how much more than to its 1s)
#: to be a 7 (``_sevens_by_glyphs``); with no 1 to compare with, ``SEVEN_ALONE``.
SEVEN_LIKENESS, SEVEN_MARGIN, SEVEN_ALONE = 0.6, 0.2, 0.75


def _sevens_by_glyphs(image: np.ndarray, date: object, nik: object, sex: object,
                      date_words: list[Word], nik_words: list[Word]) -> object:
    """A birth date with the 7s Tesseract read as 1s put back where the ink shows 7s.

    A scan's date cell ``27-07-2012`` read ``21-07-2012`` at every size: where the member's
    NIK encodes a 7 in place of a 1 read, and the glyph there is the shape of the row's 7s
    (the month's, the NIK's, read as 7: 0.75) and not of its 1s (0.03), it is a 7. The NIK
    only says where to look; the ink decides (a date against the NIK stays as read).
    """
    from extractors.reread import sevens_read_as_ones

    if not (isinstance(date, str) and isinstance(nik, str) and re.fullmatch(r"\d{16}", nik)
            and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)):
        return date
    female = FEMALE.get(sex) if isinstance(sex, str) else None
    if female is None:
        return date
    day = int(nik[6:8]) - (40 if female else 0)
    encoded = f"{date[:2]}{nik[10:12]}-{nik[8:10]}-{day:02d}"
    if not sevens_read_as_ones(encoded, date):
        return date
    printed = fields_mod.printed_date_digits(date)  # the cell's figures left to right
    shapes = fields_mod.digit_glyphs(image, fields_mod.union_box(date_words), 1.0)  # type: ignore[arg-type]
    nik_shapes = fields_mod.digit_glyphs(image, fields_mod.union_box(nik_words), 1.0)  # type: ignore[arg-type]
    if len(shapes) != len(printed) or len(nik_shapes) != 16:
        return date
    digits, glyphs = printed + nik, [*shapes, *nik_shapes]
    matrix = fields_mod.glyph_likenesses(glyphs)
    for i, (before, after) in enumerate(zip(fields_mod.printed_date_digits(encoded), printed, strict=True)):
        if before == after:
            continue
        sevens = [float(matrix[i, j]) for j, d in enumerate(digits) if d == "7" and j != i]
        ones = [float(matrix[i, j]) for j, d in enumerate(digits) if d == "1" and j != i]
        if not sevens or max(sevens) < (SEVEN_LIKENESS if ones else SEVEN_ALONE) or (
                ones and max(sevens) < max(ones) + SEVEN_MARGIN):
            return date
    return encoded


#: Digits of an NIK's date part that may be read back from its member's birth date when no
#: reading of one agrees with a reading of the other.
DATE_SLIPS = 2


def _agreed_segment(niks: list[str], dates: list[str], current: str | None) -> str | None:
    """The date part of an NIK (six digits) from readings of it (``niks``) and of the birth
    date, encoded as an NIK does (``dates``), or ``None``.

    Each digit is one that some reading of either agrees on, the most readings if several.
    Failing that, the date part of the date as read (``current``), if more of the date's
    readings agree on it than the NIK's readings agree on any one (three that agree are
    sure: a real mismatch stays), and it is at most ``DATE_SLIPS`` digits off the NIK's: a
    date cell's digits, spaced and in a wider column, are misread less often than the NIK's
    sixteen packed ones.
    """
    segment = ""
    for i in range(6):
        votes = {digit: sum(n[i] == digit for n in niks) + sum(e[i] == digit for e in dates)
                 for digit in {n[i] for n in niks} & {e[i] for e in dates}}
        if not votes:
            break
        segment += max(sorted(votes), key=lambda digit: (votes[digit], digit == niks[0][i]))
    else:
        return segment
    if not dates:
        return None
    nik_led = max(sorted(set(niks)), key=niks.count)
    if current is not None and max(1, niks.count(nik_led)) < min(3, dates.count(current)) and (
            sum(a != b for a, b in zip(current, niks[0], strict=True)) <= DATE_SLIPS):
        return current
    return None


def _segment_by_validity(niks: list[str], dates: list[str], female: bool) -> str | None:
    """The date part of an NIK (six digits) taken, number by number, as the one reading of
    either cell that is a possible day, month or year, or ``None``.

    A phone photo read ``21-09-2002`` as ``21-79-2002`` and the NIK's ``210902`` as
    ``710902`` (a man's day 71): each cell misread one figure, never the same one. Where
    the readings of a number differ but only one is possible (a day of 01-31, of 41-71 for a
    woman; a month of 01-12), it is taken; a year must read alike in both. Two possible
    readings that differ stay unresolved: that may be a real mismatch.
    """
    def possible_day(text: str) -> bool:
        return 1 <= int(text) - (40 if female else 0) <= 31

    segment = ""
    for start, possible in ((0, possible_day), (2, lambda text: 1 <= int(text) <= 12), (4, lambda _: True)):
        readings = {n[start:start + 2] for n in niks} | {d[start:start + 2] for d in dates}
        kept = {r for r in readings if r.isdigit() and possible(r)}
        if len(kept) != 1:
            return None
        segment += kept.pop()
    return segment


def _most_common(values: list[str]) -> str | None:
    """The value read most often, the first read of those tied (``Counter.most_common`` keeps
    that order; never the order of a set, which changes from one process to the next);
    ``None`` for none."""
    return Counter(values).most_common(1)[0][0] if values else None


def _voted(readings: list[str]) -> str:
    """Readings of one number voted digit by digit (a tie goes to the first reading)."""
    return "".join(max(sorted({r[i] for r in readings}),
                       key=lambda digit: (sum(r[i] == digit for r in readings), digit == readings[0][i]))
                   for i in range(len(readings[0])))


def _date_digits(text: str) -> str | None:
    """A date's eight digits in printed order (``DDMMYYYY``), from an ISO date or a reading."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        year, month, day = text.split("-")
        return day + month + year
    digits = re.sub(r"\D", "", norm.repair_digits(text)[0])
    return digits if len(digits) == 8 else None


def _cell_box(words: list[Word]) -> tuple[int, int, int, int]:
    """The box of a cell's words in ``image`` pixels, with a margin of half a word height
    across and a third along."""
    height = statistics.median(w.bbox[3] - w.bbox[1] for w in words)
    return (int(max(0, min(w.bbox[0] for w in words) - 0.5 * height)),
            int(max(0, min(w.bbox[1] for w in words) - 0.3 * height)),
            int(max(w.bbox[2] for w in words) + 0.5 * height),
            int(max(w.bbox[3] for w in words) + 0.3 * height))


def _birth_date_by_nik(image: np.ndarray, number: int, member: dict[str, object],
                       words: list[Word], factor: float = 1.0, seen: list[str] | None = None) -> object:
    """A member's birth date, read again alone when the member's NIK does not encode it.

    Tesseract reads this font's 7 as a 1 (``21`` for ``27``); the NIK encodes the date
    (digits 7-12, the day + 40 for women). The date cell is read again alone, as it is,
    smoothed and binarised (``DATE_READINGS``; small text enlarged ``factor`` times, see
    ``_date_cell_readings``), and the first reading the NIK encodes is taken; the NIK's
    digits are never copied. Else the date stays as read. ``seen``: gets each reading's text.
    """
    current, nik = member.get("birth_date"), member.get("nik")
    sex = member.get("sex") if isinstance(member.get("sex"), str) else None
    if not isinstance(nik, str) or not re.fullmatch(r"\d{16}", nik) or (
            isinstance(current, str) and norm.nik_encodes_date(nik, current, sex)):  # type: ignore[arg-type]
        return current
    for text in _date_cell_readings(image, words, factor, number):
        if seen is not None:
            seen.append(text)
        again = norm.normalize("date", text).value
        if isinstance(again, str) and norm.nik_encodes_date(nik, again, sex):  # type: ignore[arg-type]
            return again
    return current


def _date_cell_readings(image: np.ndarray, words: list[Word], factor: float, number: int) -> Iterator[str]:
    """A date cell read alone, one reading at a time: at its size as it is, smoothed and
    binarised (``DATE_READINGS``); small text (``factor`` > 1) enlarged and sharpened like
    the table (``_prepared``) at two sizes, as digits and dashes."""
    from extractors import tesseract

    height = statistics.median(w.bbox[3] - w.bbox[1] for w in words)
    x0, y0 = min(w.bbox[0] for w in words), min(w.bbox[1] for w in words)
    x1, y1 = max(w.bbox[2] for w in words), max(w.bbox[3] for w in words)
    crop = image[int(max(0, y0 - 0.3 * height)):int(y1 + 0.3 * height),
                 int(max(0, x0 - 0.3 * height)):int(x1 + 0.3 * height)]
    if crop.shape[0] < 4 or crop.shape[1] < 8:
        return
    if factor > 1.0:
        for scale in (factor, factor * 1.35):
            try:
                read = tesseract.ocr_page(_prepared(crop, scale), number, psm=7, whitelist="0123456789-").words
            except OCRError:
                continue
            yield " ".join(w.text for w in read)
        return
    for scale, preparation in DATE_READINGS:
        prepared = crop
        if preparation == "smoothed":  # noise specks make a 7 a 1; a slight blur joins them
            prepared = cv2.GaussianBlur(crop, (3, 3), 0)
        elif preparation == "binarised":  # a grey 7's thin stroke, made as dark as the rest
            prepared = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
        yield " ".join(w.text for w in _read_line(prepared, scale, number))


#: Columns whose words a reading can run together (``NOVITAAYU`` for ``NOVITA AYU``).
SPACED_COLUMNS = ("NAMA LENGKAP", "TEMPAT LAHIR", "AYAH", "IBU")
#: Scales a cell is read again at, on its own, when it may have lost a space. A second
#: reading at 1.5 found no space the first one missed in 242 such cells of KK scans (tuning
#: seeds 13, 21, 103: 3 spaces found, all at 1.25), for a tenth of a KK page's reading time.
SPACED_SCALES = (1.25,)


def _spaces_read_again(image: np.ndarray, number: int, names: list[str | None],
                       cells: dict[int, list[Word]], grid: table_mod.Table) -> dict[int, list[Word]]:
    """A row whose name or place cells are read again alone where a word may be two.

    In a whole-table reading Tesseract runs two words together where the gap between them
    looks narrow (``A AYU``: the slanted sides of two A's). A cell with a word of six letters
    or more that has a blank gap inside it wide enough for a space is read again on its own,
    enlarged (``SPACED_SCALES``); a reading with the same letters and more words is taken (it
    only adds spaces).
    """
    bounds = [c[0] for c in grid.rows[0].cells] + [grid.rows[0].cells[-1][2]]
    out = dict(cells)
    for k, words in cells.items():
        if k >= len(names) or names[k] not in SPACED_COLUMNS or k + 1 >= len(bounds):
            continue
        if not any(_may_be_two_words(image, w) for w in words):
            continue
        height = statistics.median(w.bbox[3] - w.bbox[1] for w in words)
        top = int(max(0, min(w.bbox[1] for w in words) - 0.4 * height))
        bottom = int(min(image.shape[0], max(w.bbox[3] for w in words) + 0.4 * height))
        crop = image[top:bottom, int(bounds[k]) + 3:int(bounds[k + 1]) - 2]
        if crop.size == 0:
            continue
        letters = "".join(re.sub(r"[^A-Za-z]", "", w.text) for w in words).upper()
        best = words
        for scale in SPACED_SCALES:
            read = _read_line(crop, scale, number)
            again = [w for w in read if re.search(r"[A-Za-z]", w.text)]
            if ("".join(re.sub(r"[^A-Za-z]", "", w.text) for w in again).upper() == letters
                    and len(again) > len(best)):
                best = [Word(text=w.text, confidence=w.confidence, line=words[0].line,
                             bbox=words[0].bbox if i == 0 else words[-1].bbox)
                        for i, w in enumerate(again)]
        out[k] = best
    return out


def _may_be_two_words(image: np.ndarray, word: Word) -> bool:
    """Whether a word of six letters or more has a blank gap inside as wide as a space."""
    if len(re.sub(r"[^A-Za-z]", "", word.text)) < 6:
        return False
    x0, y0, x1, y1 = (int(round(v)) for v in word.bbox)
    crop = image[max(0, y0):y1, max(0, x0):x1]
    if crop.shape[0] < 6 or crop.shape[1] < 6:
        return False
    _, binary = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ink = np.flatnonzero((binary > 0).sum(axis=0) > 0)
    if len(ink) < 2:
        return False
    return int(np.diff(ink).max()) - 1 >= SPACE_GAP * crop.shape[0]


#: A blank gap inside a word's box this wide (in box heights) may be a lost space.
SPACE_GAP = 0.22


def _read_line(crop: np.ndarray, scale: float, number: int) -> list[Word]:
    """One cell of a page read alone as a line, enlarged ``scale`` times, in a white margin."""
    from extractors import tesseract

    if scale != 1.0:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    crop = cv2.copyMakeBorder(crop, 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=255)
    try:
        return tesseract.ocr_page(crop, number, psm=7).words
    except OCRError:
        return []


def _nik_read_again(image: np.ndarray, number: int, names: list[str | None],
                    rows: list[dict[int, list[Word]]]) -> list[dict[int, list[Word]]]:
    """Rows whose NIK looks misread, with the NIK cell read again alone as digits.

    An NIK looks misread when it is not sixteen digits (``M110...``) or when its region
    code (first six digits) is one digit off the code most of the family's NIKs share
    (``581003`` among ``531003``). The readings vote digit by digit (``_nik_cell``).
    """
    k = names.index("NIK") if "NIK" in names else None
    if k is None:
        return rows
    readings = [_nik_reading(cells.get(k, [])) for cells in rows]
    codes = [r[0][0][:6] for r in readings if r]
    common = _most_common(codes)
    out = []
    for cells, reading in zip(rows, readings, strict=True):
        words = cells.get(k, [])
        code = reading[0][0][:6] if reading else None
        off = code is not None and common is not None and codes.count(common) >= 2 and (
            sum(a != b for a, b in zip(code, common, strict=True)) == 1)
        if not words or (reading and not off):
            out.append(cells)
            continue
        better = _nik_cell(image, _cell_box(words), 1.0, number, reading, words)
        out.append(cells if better is None else {**cells, k: [better]})
    return out


NAME_KEYS = ("full_name", "father_name", "mother_name")


def _spaced_names(members: list[dict[str, object]], head: str | None = None) -> list[dict[str, object]]:
    """Names with the spaces a reading lost put back from the table's other names and the
    head's name above the tables (``head``: ``DEDI ADI WIJAYA`` there, ``DEDIADI WIJAYA`` in
    the table of a phone KK of seed 229).

    One name is printed several times in a KK (a wife's name is her children's mother's),
    and the words of a family's names recur. A name read run together (``NOVITAAYU
    WARDHANA``) takes the spacing of another reading of the same letters with more words;
    a word that splits in exactly one way into two words (three letters or more) read
    alone in the table's other names, and is not itself one of them, is split there; else,
    a word no name word that splits in exactly one way into two name words is split there
    (``SITIAYU``: a low-contrast KK of seed 249 whose other names hold neither).
    Else a word with a double A inside (three letters or more either side) is split between
    the A's: a name ending in A and the next beginning with A show no gap between their
    slanted sides (``RATNAAYU``), and a double A inside an Indonesian name word is rare; each
    part is then read again for the slips of a word read surely (``_name_word``: WIOYAANWAR,
    WIDYA ANWAR, a phone KK of seed 317).
    """
    names = [m[k] for m in members for k in NAME_KEYS if isinstance(m.get(k), str)]
    lexicon = norm.name_words()
    spaced: dict[str, str] = {}
    for name in [*names, *([head] if head else [])]:
        letters = name.replace(" ", "")
        if letters not in spaced or name.count(" ") > spaced[letters].count(" "):
            spaced[letters] = name

    def split(name: str) -> str:
        name = spaced[name.replace(" ", "")]
        letters = name.replace(" ", "")
        known = {w for other in spaced.values() if other.replace(" ", "") != letters for w in other.split()}
        out = []
        for word in name.split():
            cuts = [i for i in range(3, len(word) - 2) if word[:i] in known and word[i:] in known]
            if not cuts and word not in known and word not in lexicon:
                cuts = [i for i in range(3, len(word) - 2) if word[:i] in lexicon and word[i:] in lexicon]
                if not cuts:
                    # Or into three (``SARIEKAKUSUMA``: SARI EKA KUSUMA, a phone KK of seed 333).
                    words = lexicon | known
                    threes = [(i, j) for i in range(3, len(word) - 5) for j in range(i + 3, len(word) - 2)
                              if {word[:i], word[i:j], word[j:]} <= words]
                    if len(threes) == 1:
                        [(i, j)] = threes
                        out.extend([word[:i], word[i:j], word[j:]])
                        continue
                    # Or into two with an O read for a D (``MAYAOWI``: MAYA DWI, a phone KK of
                    # seed 357): a D's stem lost, as ``SURE_NAME_SLIPS`` reads a word alone.
                    twos = [(first, second) for i in range(3, len(word) - 2)
                            for first in {word[:i], *_with_d_for_o(word[:i])} & lexicon
                            for second in {word[i:], *_with_d_for_o(word[i:])} & lexicon]
                    if len(twos) == 1:
                        out.extend(twos[0])
                        continue
            if not cuts and word not in known:
                cuts = [i for i in range(3, len(word) - 2) if word[i - 1:i + 1] == "AA"]
                if len(cuts) == 1:  # each part read again as a name word (WIOYAANWAR: WIDYA ANWAR)
                    out.extend(_name_word(part, sure=True) for part in (word[:cuts[0]], word[cuts[0]:]))
                    continue
            out.extend([word[:cuts[0]], word[cuts[0]:]] if len(cuts) == 1 and word not in known else [word])
        return " ".join(out)

    return [{k: split(v) if k in NAME_KEYS and isinstance(v, str) else v for k, v in m.items()}
            for m in members]


#: Letters a KK header's district, regency or province may be read off the name of its KK
#: number's region code (at most a quarter of the name's, a third where the reading names no
#: region) and still be read as that name.
CODED_NAME_SLIPS = 2


def regions_by_kk_number(fields: dict[str, Field], pages: Sequence[Page] = ()) -> dict[str, Field]:
    """A KK's header district, regency and province read a letter or two off the names its
    number's region code gives (the number's first six digits are the district code of the
    KK's address: DOMAIN.md) read as those names (``DANME`` for ``DANIME``, ``PINNG`` for
    ``PINING``: phone photos of seeds 219 and 233, names too short to be snapped to the
    gazetteer alone). A name further off stays as read, for the rules to flag.

    One whose label was read past matching (``Promosi SUMATERA SELATAN``: a phone KK of seed
    249) is read where a header row of ``pages`` prints that name word for word."""
    from rules.identifiers import regions

    fields = _kk_number_by_district(fields)
    number = fields.get("kk_number")
    code = number.value if number is not None else None
    if not (isinstance(code, str) and re.fullmatch(r"\d{16}", code)):
        return fields
    table = regions()
    registered = {key: norm.clean_spaces(name.upper()) for key, name in (
        ("district", table.districts.get(code[:6])), ("province", table.provinces.get(code[:2])),
        ("regency", table.regencies.get(code[:4]))) if name}
    printed = {"district": lambda name: name, "province": norm.province_as_printed,
               "regency": norm.regency_as_printed}
    out = dict(fields)
    for key, name in registered.items():
        field = fields.get(key)
        if field is None:
            found = _printed_on_header_row(pages, fields, printed[key](name), HEADER_KINDS[key])
            if found is not None:
                out[key] = found.model_copy(update={"repairs": ["name of the KK number's region code"]})
            continue
        if not isinstance(field.value, str):
            continue
        # A reading that names no Kemendagri region may be further off (AJIBATA read ANBATA:
        # a phone KK of seed 309): a third of the name's letters, not a quarter.
        share = 4 if _names_a_region(field.value) else 3
        for spelling in dict.fromkeys((name, printed[key](name))):
            distance = Levenshtein.distance(field.value, spelling)
            if 0 < distance <= min(CODED_NAME_SLIPS, len(spelling) // share):
                out[key] = field.model_copy(update={
                    "value": spelling, "edit_distance": distance,
                    "repairs": [*field.repairs, "name of the KK number's region code"]})
                break
    return out


def _kk_number_by_district(fields: dict[str, Field]) -> dict[str, Field]:
    """A KK number whose region code is a figure off the code of the district its header
    names, read as a Kemendagri name (and no other one a figure off), takes that district's
    code: the number's first six digits are the district code of the KK's address
    (``530228``, FAUTMOLO, for NOEBEBA's 530226: a phone KK of seed 353). A district name
    misread as another one a figure's code away is far rarer than a figure misread."""
    number, district = fields.get("kk_number"), fields.get("district")
    if number is None or district is None or not isinstance(district.value, str):
        return fields
    code = number.value
    if not (isinstance(code, str) and re.fullmatch(r"\d{16}", code)):
        return fields
    named = _district_codes_by_name().get(district.value, ())
    near = [c for c in named if sum(a != b for a, b in zip(c, code[:6])) == 1]
    if code[:6] in named or len(near) != 1:
        return fields
    return {**fields, "kk_number": number.model_copy(update={
        "value": near[0] + code[6:], "repairs": [*number.repairs, "region code of the district named"]})}


@functools.cache
def _district_codes_by_name() -> dict[str, tuple[str, ...]]:
    """Kemendagri district codes by their name (upper case, spaces cleaned)."""
    from rules.identifiers import regions

    codes: dict[str, list[str]] = {}
    for code, name in regions().districts.items():
        codes.setdefault(norm.clean_spaces(name.upper()), []).append(code)
    return {name: tuple(found) for name, found in codes.items()}


def _names_a_region(value: str) -> bool:
    """Whether ``value`` (upper case) is a Kemendagri province, regency, city or district name."""
    places = norm.region_place_names()
    return (value in places or norm.without_regency_prefix(value) in places
            or value in _kemendagri_provinces())


@functools.cache
def _kemendagri_provinces() -> frozenset[str]:
    """Kemendagri's province names, upper case (not ``norm.province_codes``: its names come
    from python-stdnum, with printed spellings Kemendagri's lack, such as DKI JAKARTA)."""
    from rules.identifiers import regions

    return frozenset(norm.clean_spaces(p.upper()) for p in regions().provinces.values())


#: The kinds (``layouts/kk.yaml``) of the header's region fields.
HEADER_KINDS = {"district": "region_place", "regency": "regency", "province": "province"}
#: Header fields whose rows a region name of the KK number may be found on.
HEADER_ROW_KEYS = ("head_name", "address", "rt_rw", "village", "district", "regency", "postal_code")


def _printed_on_header_row(pages: Sequence[Page], fields: dict[str, Field], name: str, kind: str
                           ) -> Field | None:
    """``name`` where a row of the KK header (a line that holds a header field read) prints
    its words one after another, as a field with their box; ``None`` if no row does."""
    rows = [(f.page, f.bbox) for key in HEADER_ROW_KEYS if (f := fields.get(key)) is not None and f.bbox]
    wanted = name.split()
    for page in pages:
        for line in fields_mod.page_lines(page):
            if not any(number == page.number and box[1] < line.words[0].bbox[3] and line.words[0].bbox[1] < box[3]
                       for number, box in rows):
                continue
            texts = [re.sub(r"[^A-Z]", "", w.text.upper()) for w in line.words]
            for i in range(len(texts) - len(wanted) + 1):
                if texts[i:i + len(wanted)] == wanted:
                    return fields_mod.make_field(kind, line.words[i:i + len(wanted)], page.number, page.source)
    return None


def head_name_by_members(head: Field | None, members: list[dict[str, object]]) -> Field | None:
    """The head of family's name above the tables with the words the member table's reading
    of it (the KEPALA KELUARGA's own name) spells as a name where the header's does not
    (``IRFAN INORA HUTAGALUNG`` above, ``IRFAN INDRA HUTAGALUNG`` in the table: a phone KK
    of held-out seed 223), or spells with a D where the header's, no name word, has an O
    (WARDHANA in the table, WAROHANA above: a phone KK of seed 268)."""
    if head is None or not isinstance(head.value, str):
        return head
    own = next((m.get("full_name") for m in members if m.get("relationship") == "KEPALA KELUARGA"), None)
    words = head.value.split()
    if not isinstance(own, str) or own == head.value or not _readings_alike(head.value, own):
        return head
    known = norm.name_words()
    agreed = [theirs if mine != theirs and mine not in known and (theirs in known or theirs in _with_d_for_o(mine))
              else mine for mine, theirs in zip(words, own.split())]
    if agreed == words:
        return head
    return head.model_copy(update={"value": " ".join(agreed), "repairs": [*head.repairs, "name words by the members"]})


#: Weight of the head of family's name printed above the tables (read large) among the
#: readings of a name in the member tables.
HEAD_NAME_WEIGHT = 2
#: What the header's reading of a word of the head's name weighs beyond one table reading
#: (``_agreed_words``): it breaks a tie with one, not two.
HEADER_WORD_EXTRA = 0.5


def _head_name(page: Page, table_top: float) -> str | None:
    """The head of family's name as printed above the member tables (``Nama Kepala
    Keluarga``), if read."""
    layout = fields_mod.layout_for("kk")
    if layout is None:
        return None
    above = page.model_copy(update={"words": [w for w in page.words if w.bbox[3] <= table_top]})
    head = fields_mod.extract_fields([above], layout).get("head_name")
    return head.value if head is not None and isinstance(head.value, str) else None


def _agreed_names(members: list[dict[str, object]], head: str | None) -> list[dict[str, object]]:
    """Names taken as most of their readings in the KK read them.

    A KK prints one name several times: the head's (also above the tables, larger) as the
    children's father's, the wife's as their mother's. A name read once with a letter
    wrong (``LAGUS NUGROHO``) takes the reading that more of the readings within one
    letter of it share (spaces aside), when one reading leads and has no more words that are
    no name words; a table reading the header agrees with counts ``HEAD_NAME_WEIGHT`` times
    more (the header alone, read before its own repairs, does not vote). A name one letter
    from another is rarely another person's in one family, except a member's own and their
    parent's: a son's name is often his father's with one letter changed (BUDI HAKIM, son
    of RUDI HAKIM: held-out seed 215), so a member's parents' names never take the member's
    own reading, nor the reverse.
    """
    read = [m[k] for m in members for k in NAME_KEYS if isinstance(m.get(k), str)]
    readings = Counter(read)
    known = norm.name_words()
    if head in readings:
        readings[head] += HEAD_NAME_WEIGHT

    def unknown_words(name: str) -> int:
        return sum(word not in known for word in name.split())

    def agreed(name: str, others: set[object]) -> str:
        letters = name.replace(" ", "")
        near = sorted(((count, r) for r, count in readings.items()
                       if r not in others and Levenshtein.distance(r.replace(" ", ""), letters) <= 1),
                      reverse=True)
        if near and near[0][0] >= 2 and (len(near) == 1 or near[0][0] > near[1][0]):
            # Not a reading with more words that are no name: INDRA read once stays INDRA
            # against INORA read twice (a phone KK of seed 223).
            return name if unknown_words(name) < unknown_words(near[0][1]) else near[0][1]
        return name

    def not_the_same_person(member: dict[str, object], key: str) -> set[object]:
        if key == "full_name":
            return {member.get("father_name"), member.get("mother_name")}
        return {member.get("full_name")}

    agreed_members = [{k: agreed(v, not_the_same_person(m, k)) if k in NAME_KEYS and isinstance(v, str) else v
                       for k, v in m.items()}
                      for m in members]
    return _agreed_words(agreed_members, head)


#: Letters (spaces aside) in which the readings of one name voted on word by word may differ
#: (or a quarter of the name's letters, if more).
WORD_VOTE_SLIPS = 3


def _readings_alike(reading: object, name: str) -> bool:
    """Whether ``reading`` may be ``name`` read with slips: as many words, and within
    ``WORD_VOTE_SLIPS`` letters (or a quarter of the name's) of it."""
    if not isinstance(reading, str) or len(reading.split()) != len(name.split()):
        return False
    letters = name.replace(" ", "")
    return Levenshtein.distance(reading.replace(" ", ""), letters) <= max(WORD_VOTE_SLIPS, len(letters) // 4)


def _agreed_words(members: list[dict[str, object]], header: str | None = None) -> list[dict[str, object]]:
    """The head's and the wife's (or husband's) names taken word by word as most of their
    readings in the KK read them.

    A wife's name is printed once as hers and once per child (ANAK) as their mother's, the
    head's once as his and once per child as their father's; each reading of a phone photo
    may have a different word wrong (``MAYA CAMYA PANGARIBUAN``, ``MAYA CAHYA PANGAKRBLAN``,
    ``MAYA CAHYA PANGARIBUAN``: seed 213), so no whole reading leads. The readings of one of
    these names (a child's parent only within ``WORD_VOTE_SLIPS`` letters, or a quarter of its
    letters, of the parent's own reading: a child of another marriage is not joined) vote word by word: where exactly one
    spelling read is a name word (``SITI`` against ``SIM`` read twice: seed 215; ``INDRA``
    against ``INORA`` read once: seed 223) it is taken, else a spelling with more than half
    the votes, or read twice or more where each other spelling was read fewer times, else
    the spelling three or more readings of one length give letter by letter
    (``_letters_voted``); two readings that disagree, neither a name word, stay as read.
    Only these: other names a few letters apart in a KK are often two people (the head's
    mother AULIA, his wife NADIA).
    ``header``: the head's name as read above the tables (larger), a reading of the head's
    name that votes too when it is alike (``RAHMAT PRATAMA`` above, ``RAHMAT PSIATAMA``,
    ``RAPAT PERTAMA`` and ``RAPBUAT PRATAMA`` in the tables: a phone KK of seed 229).
    """
    members = [dict(m) for m in members]
    known, common = norm.name_words(), norm.common_name_words()
    head = next((m for m in members if m.get("relationship") == "KEPALA KELUARGA"), None)
    if head is None:
        return members
    spouses = [m for m in members if m.get("relationship") in ("ISTRI", "SUAMI")]
    children = [m for m in members if m.get("relationship") == "ANAK"]
    for parent in [head, *spouses[:1]]:
        own = parent.get("full_name")
        key = "mother_name" if parent.get("sex") == "PEREMPUAN" else "father_name"
        if not isinstance(own, str):
            continue
        cells = [(parent, "full_name")] + [(child, key) for child in children if _readings_alike(child.get(key), own)]
        splits = [str(m[k]).split() for m, k in cells]
        header_split = header.split() if parent is head and header and _readings_alike(header, own) else None
        if header_split is not None:
            splits.append(header_split)
        if len(splits) < 2:
            continue
        words = []
        for i in range(len(splits[0])):
            votes: Counter[str] = Counter(split[i] for split in splits)
            if header_split is not None:
                # Read large, the header's word outweighs one table reading (BAMBANG SETIADI
                # above the tables, BAMBANG SETAN at 0.0 in them: a phone KK of seed 323).
                votes[header_split[i]] += HEADER_WORD_EXTRA
            names = [w for w in votes if w in known]
            (best, count), *rest = votes.most_common()
            stemmed = [w for w in votes if any(w in _with_d_for_o(other) for other in votes)]
            if len(stemmed) == 1:
                # A D is never an O read as D, however the readings weigh (FERDI HALIM in the
                # table, FEROI HALIM above it: a phone KK of seed 282).
                words.append(stemmed[0])
            elif len(names) == 1 and len(votes) > 1 and (names[0] in common or 2 * count <= len(splits)):
                # (A word only the news corpora name people by does not outvote a majority:
                # ARIF read three times, ARIE once, in a phone KK of seed 268.)
                words.append(names[0])
            elif (fuller := _with_thin_letter(names)) is not None:
                words.append(fuller)
            elif 2 * count > len(splits) or (count >= 2 and count > rest[0][1]):
                # More than half, or two or more against readings that all disagree
                # (INDAH twice, INA and NOAH once each: a phone KK of held-out seed 247).
                words.append(best)
            elif (letters := _letters_voted([split[i] for split in splits])) is not None:
                words.append(letters)
            else:
                words = []
                break
        if words:
            for m, k in cells:
                m[k] = " ".join(words)
    return members


def _with_thin_letter(names: list[str]) -> str | None:
    """Of two or more spellings of one word that are all name words, the one that every
    other is with one I lost (``NADIA`` against ``NADA``: a phone KK of seed 239), else
    ``None``: the blur drops a thin letter far more often than it prints one."""
    if len(names) < 2:
        return None
    fuller = [n for n in names if all(o == n or (len(o) == len(n) - 1 and any(
        n[:i] + n[i + 1:] == o for i, letter in enumerate(n) if letter == "I")) for o in names)]
    return fuller[0] if len(fuller) == 1 else None


def _letters_voted(readings: list[str]) -> str | None:
    """Three or more readings of one word, each of the same length and with a different
    letter wrong (MASIBUAN, HASISUAN, HASIBUAN: a phone KK of seed 249), voted on letter by
    letter: the word whose every letter more than half of them read; ``None`` if any letter
    has no such majority or the readings differ in length."""
    if len(readings) < 3 or len({len(reading) for reading in readings}) != 1:
        return None
    letters = []
    for column in zip(*readings, strict=True):
        letter, count = Counter(column).most_common(1)[0]
        if 2 * count <= len(readings):
            return None
        letters.append(letter)
    return "".join(letters)


def _read_table(image: np.ndarray, grid: table_mod.Table, number: int,
                names: list[str | None] | None = None) -> list[Word]:
    """OCR one table on its own, rules painted white, down to its last written row (the
    empty rows below the members are not read); word boxes in ``image`` pixels. (Read
    without its header, a table's rows read differently, not better.) ``names``: the
    columns' names when known; the body of a column not extracted is painted white too."""

    x0, y0 = grid.box[:2]
    crop = _table_crop(image, grid)
    for k, name in enumerate(names or []):
        if name not in ("NO", None) and COLUMNS.get(name) is None:
            left, _, right, header_bottom = grid.rows[0].cells[k]
            crop[header_bottom - y0:, left - x0:right - x0] = 255
    # Table text is printed smaller than the page's; in a phone photo it needs enlarging.
    height = estimate_text_height(crop) or TABLE_TEXT_HEIGHT
    crop = crop[:_written_bottom(grid, _written_rows(crop, grid)) - y0]
    factor = min(3.0, TABLE_TEXT_HEIGHT / height)
    if factor > 1.25:
        crop = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    else:
        factor = 1.0
    return _read_block(crop, number, factor, (x0, y0))


def _read_block(crop: np.ndarray, number: int, factor: float, origin: tuple[int, int],
                pad: int = 0) -> list[Word]:
    """OCR a crop of a table as one block (psm 6); word boxes back in the page image's pixels
    (the crop was enlarged ``factor`` times after being cut at ``origin``, then padded)."""
    from extractors import tesseract

    try:
        read = tesseract.ocr_page(crop, number, psm=6)
    except OCRError:
        return []
    x0, y0 = origin
    return [Word(text=w.text, confidence=w.confidence, line=w.line,
                 bbox=((w.bbox[0] - pad) / factor + x0, (w.bbox[1] - pad) / factor + y0,
                       (w.bbox[2] - pad) / factor + x0, (w.bbox[3] - pad) / factor + y0))
            for w in read.words]


def _without_table_rules(image: np.ndarray, grids: list[table_mod.Table]) -> np.ndarray:
    """A copy of ``image`` with the rules of ``grids`` painted white (a cell cut out of it
    and read alone has no rule in it to read as a letter)."""
    out = image.copy()
    for grid in grids:
        x0, y0, x1, y1 = grid.box
        out[y0:y1, x0:x1] = _table_crop(image, grid)
    return out


def _table_crop(image: np.ndarray, grid: table_mod.Table,
                box: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """A table, or the ``box`` of it, cut out of ``image`` with the table's rules painted white."""
    x0, y0, x1, y1 = box or grid.box
    crop = image[y0:y1, x0:x1].copy()
    if grid.rules is not None:
        gx, gy = grid.box[:2]
        rules = grid.rules[y0 - gy:y1 - gy, x0 - gx:x1 - gx].astype(np.uint8)
        crop[cv2.dilate(rules, np.ones((3, 3), np.uint8)) > 0] = 255
    return crop


#: A body row is written on when its share of ink is at least this part of the inkiest row's
#: (an empty row holds at most specks of noise and remains of rules: under a tenth).
WRITTEN_SHARE = 0.2


def _written_rows(crop: np.ndarray, grid: table_mod.Table) -> int:
    """How many body rows of a table, from the top, are written on (up to the last one).

    The members fill a KK table's first rows; the rest are left empty. A row's ink is its
    share of dark pixels (Otsu) in ``crop``, the table with its rules painted white.
    """
    rows = [(r.cells[0][1] - grid.box[1], r.cells[0][3] - grid.box[1]) for r in grid.rows[1:]]
    if len(rows) < 3:
        return len(rows)
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    inset = max(1, (rows[0][1] - rows[0][0]) // 10)
    shares = [float((ink[top + inset:bottom - inset] > 0).mean()) if bottom - top > 2 * inset else 0.0
              for top, bottom in rows]
    written = [i for i, share in enumerate(shares) if share >= WRITTEN_SHARE * max(shares)]
    return written[-1] + 1 if written else len(rows)


def _written_bottom(grid: table_mod.Table, written: int) -> int:
    """Where the reading of a table with ``written`` rows written on may stop (``image``
    pixels): halfway down the first empty body row, or the table's bottom."""
    if written >= len(grid.rows) - 1:
        return grid.box[3]
    row = grid.rows[1 + written].cells[0]
    return (row[1] + row[3]) // 2


def _members(value: list[dict[str, object]], words: list[Word], page_number: int, source: str) -> Field:
    confidence = statistics.fmean(w.confidence for w in words) if words else 0.0
    box = None
    if words:
        box = (min(w.bbox[0] for w in words), min(w.bbox[1] for w in words),
               max(w.bbox[2] for w in words), max(w.bbox[3] for w in words))
    return Field(value=value, raw=f"{len(value)} members", confidence=round(confidence, 4),
                 page=page_number, bbox=box, source=source)  # type: ignore[arg-type]


def _grid_rows(words: list[Word], grid: table_mod.Table
               ) -> tuple[list[str | None], list[dict[int, list[Word]]]]:
    """Column names of a table and its body rows, each a map column -> words."""
    bounds = [c[0] for c in grid.rows[0].cells] + [grid.rows[0].cells[-1][2]]
    header_bottom = grid.rows[0].cells[0][3]

    def column_of(word: Word) -> int | None:
        middle = (word.bbox[0] + word.bbox[2]) / 2
        for k in range(len(bounds) - 1):
            if bounds[k] <= middle < bounds[k + 1]:
                return k
        return None

    words = [w for w in words if w.text.strip() and re.search(r"[A-Za-z0-9]", w.text)]
    header = [w for w in words if (w.bbox[1] + w.bbox[3]) / 2 < header_bottom]
    body = [w for w in words if (w.bbox[1] + w.bbox[3]) / 2 >= header_bottom]
    names = _column_names(header, len(bounds) - 1, column_of)
    rows: list[dict[int, list[Word]]] = []
    for line in _text_rows(body):
        cells: dict[int, list[Word]] = {}
        for word in line:
            k = column_of(word)
            if k is not None:
                cells.setdefault(k, []).append(word)
        if _is_member_row(cells, len(bounds)):
            rows.append(cells)
    return names, rows


def _text_rows(words: list[Word]) -> list[list[Word]]:
    """Group words into rows: Tesseract's own text lines (they follow a slanted baseline)."""
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    rows = sorted(lines.values(), key=lambda ws: statistics.median((w.bbox[1] + w.bbox[3]) / 2 for w in ws))
    return [sorted(r, key=lambda w: w.bbox[0]) for r in rows]


def _column_names(header: list[Word], count: int, column_of) -> list[str | None]:  # noqa: ANN001
    """Name each column from its header words; unreadable ones from the standard order."""
    texts: dict[int, list[str]] = {}
    for word in sorted(header, key=lambda w: w.bbox[0]):
        k = column_of(word)
        if k is not None:
            texts.setdefault(k, []).append(word.text)
    read = [_column_name(" ".join(texts.get(k, []))) if k in texts else None for k in range(count)]
    best: tuple[int, tuple[str, ...]] | None = None
    for standard in TABLE_COLUMNS:
        if len(standard) != count:
            continue
        agree = sum(1 for a, b in zip(read, standard, strict=True) if a is not None and a == b)
        if best is None or agree > best[0]:
            best = (agree, standard)
    if best is not None and (best[0] >= 2 or not any(read)):
        return list(best[1])  # a header unread (shaded, blurred): the standard order by count
    return read


def _standard_names(grid: table_mod.Table, index: int) -> list[str | None] | None:
    """The standard column names of a KK's ``index``-th member table when its grid has as
    many columns (its header then needs no reading), else ``None``."""
    if index < len(TABLE_COLUMNS) and len(grid.rows[0].cells) == len(TABLE_COLUMNS[index]):
        return list(TABLE_COLUMNS[index])
    return None


def _enlargement(image: np.ndarray, grid: table_mod.Table) -> float:
    """How much a table's text must be enlarged to capitals of ``TABLE_TEXT_HEIGHT`` px.

    The letters' own height is overestimated when blur joins them (phone photos); the row
    height (about three capitals on the KK form) caps it. A slight enlargement is skipped:
    it blurs more than it helps (a 7 turns into a 1).
    """
    x0, _, x1, y1 = grid.box
    header_bottom = grid.rows[0].cells[0][3]
    height = estimate_text_height(image[header_bottom:y1, x0:x1]) or TABLE_TEXT_HEIGHT
    pitches = [r.cells[0][3] - r.cells[0][1] for r in grid.rows[1:]]
    if len(pitches) >= 2:
        height = min(height, statistics.median(pitches) / ROW_CAPITALS)
    factor = min(4.0, TABLE_TEXT_HEIGHT / height)
    return factor if factor > 1.3 else 1.0


def _banded_rows(image: np.ndarray, grid: table_mod.Table, number: int, factor: float,
                 count: int | None = None, names: list[str | None] | None = None
                 ) -> tuple[list[str | None], list[dict[int, list[Word]]]]:
    """Column names and member rows of a table whose text is small (a phone photo).

    The header and the body are read apart (the header's shading upsets the rows below),
    enlarged ``factor`` times, sharpened, rule remains painted white. A word belongs to the
    band between two row rules that holds its middle, so a slanted text line that Tesseract
    runs into the next row still splits right (lines are matched across columns by their
    heights when the row rules are not found). ``count``: how many members an earlier table
    of the page had (they fill its first bands). ``names``: the columns' names when known
    (the header is then not read).
    """
    bounds = [c[0] for c in grid.rows[0].cells] + [grid.rows[0].cells[-1][2]]
    header_bottom = grid.rows[0].cells[0][3]
    y0 = grid.box[1]

    def column_of(word: Word) -> int | None:
        middle = (word.bbox[0] + word.bbox[2]) / 2
        return next((k for k in range(len(bounds) - 1) if bounds[k] <= middle < bounds[k + 1]), None)

    if names is None:
        header = _read_band(image, grid, (bounds[0], y0, bounds[-1], header_bottom), factor, number)
        names = _column_names([w for w in header if w.text.strip()], len(bounds) - 1, column_of)
    written = _written_rows(_table_crop(image, grid), grid)
    body = (bounds[0], header_bottom, bounds[-1], _written_bottom(grid, written))
    bands = [r.cells[0][1] for r in grid.rows[1:]] + [grid.rows[-1].cells[0][3]]
    if len(bands) < 3:
        lines = _body_lines(_read_band(image, grid, body, factor, number, small=True), column_of)
        rows = _rows_by_height(lines, TABLE_TEXT_HEIGHT / factor)
        return names, [cells for cells in rows if _is_member_row(cells, len(bounds))]
    nik = names.index("NIK") if "NIK" in names else None
    unread = tuple(k for k, name in enumerate(names) if name not in ("NO", None) and COLUMNS.get(name) is None)
    by_band, nik_readings = _bands_read(image, grid, body, factor, number, column_of, bands, nik, unread)
    # Light grey shading boxing every cell can make Tesseract take a whole body for noise
    # (the second table of a phone KK of seed 275, read as ``m——ua | memamg``): the body,
    # and each reading after, is read with the paper's greys made white.
    whiten = not any(len(cells) > LOST_ROW_CELLS for cells in by_band.values())
    if whiten:
        by_band, nik_readings = _bands_read(image, grid, body, factor, number, column_of, bands, nik, unread,
                                            whiten=True)
    if count is None:
        # The members fill the first bands, up to the last one read as a member: with an
        # NIK, or most columns filled (noise in an empty row is read with little confidence).
        members = [b for b, cells in by_band.items()
                   if (nik is not None and _digit_count(cells.get(nik, [])) >= 8)
                   or (_is_member_row(cells, len(bounds)) and _confidence(cells) >= 0.5)]
        count = max(max(members) + 1 if members else 0, written)
    kept = [by_band.get(b, {}) for b in range(min(count, len(bands) - 1))]
    # Blurred small text reads differently at each size: the cells whose first reading is
    # doubtful are read again larger (the sure ones between them left blank), the better
    # reading per cell is kept.
    doubtful = _doubtful_cells(names, kept)
    for first, last in _runs([b for b, ks in enumerate(doubtful) if ks]):
        columns = sorted({k for ks in doubtful[first:last + 1] for k in ks})
        margin = (bands[last + 1] - bands[first]) // (2 * (last - first + 1))
        strip = (bounds[columns[0]], max(header_bottom, bands[first] - margin),
                 bounds[columns[-1] + 1], min(grid.box[3], bands[last + 1] + margin))
        sure = tuple(k for k in range(columns[0], columns[-1]) if k not in columns)
        again, readings = _bands_read(image, grid, strip, factor * READ_AGAIN_SCALE, number, column_of,
                                      bands, nik, sure, whiten)
        for b in range(first, last + 1):
            for k in doubtful[b]:
                if k in again.get(b, {}):
                    kept[b][k] = _better_cell(names[k], kept[b].get(k, []), again[b][k])
            nik_readings.setdefault(b, []).extend(readings.get(b, []))
    # Block readings of a slanted, blurred body can drop whole rows (three of four on a phone
    # KK of seed 229, at both sizes): a member row still read with no cell, or one, is read
    # alone. (Read alone before the second reading, the rows around it read worse there.)
    for b, cells in enumerate(kept):
        if len(cells) > LOST_ROW_CELLS:
            continue
        margin = (bands[b + 1] - bands[b]) // 4
        row = (bounds[0], max(header_bottom, bands[b] - margin), bounds[-1], min(grid.box[3], bands[b + 1] + margin))
        alone, readings = _bands_read(image, grid, row, factor, number, column_of, bands, nik, unread, whiten)
        for k, ws in alone.get(b, {}).items():
            cells.setdefault(k, ws)
        nik_readings.setdefault(b, []).extend(readings.get(b, []))
    if nik is not None:
        for b, cells in enumerate(kept):
            if nik not in _doubtful_cells(names, kept, only=nik)[b]:
                continue
            box = (bounds[nik] + 2, bands[b], bounds[nik + 1] - 2, bands[b + 1])
            better = _nik_cell(image, box, factor, number, nik_readings.get(b, []), cells.get(nik, []))
            if better is not None:
                cells[nik] = [better]
    return names, kept


def _bands_read(image: np.ndarray, grid: table_mod.Table, box: tuple[int, int, int, int], factor: float,
                number: int, column_of, bands: list[int], nik: int | None,  # noqa: ANN001
                blank: tuple[int, ...] = (), whiten: bool = False,
                ) -> tuple[dict[int, dict[int, list[Word]]], dict[int, list[tuple[str, float]]]]:
    """A part of a table body read once (``blank``: columns left unread; ``whiten``: see
    ``_read_band``): its cells by band and column, and the NIK read in each band (sixteen
    digits, with its confidence)."""
    by_band: dict[int, dict[int, list[Word]]] = {}
    nik_readings: dict[int, list[tuple[str, float]]] = {}
    for k, middle, ws in _body_lines(_read_band(image, grid, box, factor, number, small=True, blank=blank,
                                                whiten=whiten), column_of):
        band = next((i for i in range(len(bands) - 1) if bands[i] <= middle < bands[i + 1]), None)
        if band is None:
            continue
        if k == nik:
            nik_readings.setdefault(band, []).extend(_nik_reading(ws))
        cells = by_band.setdefault(band, {})
        cells[k] = _one_line(cells.get(k, []), ws)
    return by_band, nik_readings


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Runs of consecutive numbers as ``(first, last)``."""
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


#: A name or place cell read with less confidence than this is read again.
SURE_CELL = 0.7


def _doubtful_cells(names: list[str | None], rows: list[dict[int, list[Word]]],
                    only: int | None = None) -> list[list[int]]:
    """Per member row, the columns whose reading fails its checks (``only``: that column).

    An NIK must have sixteen digits, the region code (first six digits) most of the
    family's NIKs share, and encode the row's birth date and sex; a date must be a date;
    an enumerated column one of its values; a name or place letters only, read surely.
    An empty cell is doubtful.
    """
    kinds = {k: COLUMNS[n][1] for k, n in enumerate(names) if n and COLUMNS.get(n) and (only in (None, k))}
    nik = names.index("NIK") if "NIK" in names else None
    date = names.index("TANGGAL LAHIR") if "TANGGAL LAHIR" in names else None
    sex = names.index("JENIS KELAMIN") if "JENIS KELAMIN" in names else None

    def text(cells: dict[int, list[Word]], k: int | None) -> str:
        return " ".join(w.text for w in cells.get(k, [])) if k is not None else ""

    niks = [re.sub(r"\D", "", norm.repair_digits(text(cells, nik))[0]) for cells in rows]
    codes = [n[:6] for n in niks if len(n) == 16]
    common = _most_common(codes)
    out: list[list[int]] = []
    for cells, digits in zip(rows, niks, strict=True):
        failing = []
        for k, kind in kinds.items():
            raw = text(cells, k)
            if kind == "nik":
                born = norm.normalize("date", text(cells, date)).value
                sexed = norm.normalize("sex", text(cells, sex))
                ok = len(digits) == 16 and (common is None or codes.count(common) < 2 or digits[:6] == common) and (
                    not isinstance(born, str) or norm.nik_encodes_date(digits, born, sexed.value if sexed.valid else None))
            else:
                ok = bool(raw) and _valid(kind, raw) and (
                    kind not in ("name", "place") or _confidence({k: cells[k]}) >= SURE_CELL)
            if not ok:
                failing.append(k)
        out.append(failing)
    return out


def _body_lines(words: list[Word], column_of) -> list[tuple[int, float, list[Word]]]:  # noqa: ANN001
    """A table body's words as ``(column, middle height, words)`` per text line and column."""
    found: dict[tuple[int, int], list[Word]] = {}
    for word in words:
        k = column_of(word)
        if k is not None and re.search(r"[A-Za-z0-9]", word.text):
            found.setdefault((word.line, k), []).append(word)
    return sorted(((k, statistics.median((w.bbox[1] + w.bbox[3]) / 2 for w in ws), ws)
                   for (_, k), ws in found.items()), key=lambda t: (t[0], t[1]))


def _better_cell(name: str | None, first: list[Word], second: list[Word]) -> list[Word]:
    """Of two readings of one cell, the one whose value is valid for its column, else the
    one read with more confidence."""
    def score(words: list[Word]) -> tuple[bool, float]:
        if not words:
            return (False, -1.0)
        target = COLUMNS.get(name) if name else None
        valid = target is not None and _valid(target[1], " ".join(w.text for w in words))
        return (valid, statistics.fmean(w.confidence for w in words))

    return second if score(second) > score(first) else first


def _valid(kind: str, raw: str) -> bool:
    """Whether ``raw`` reads as a proper value of its kind (a name of letters only)."""
    if kind == "relationship":
        return norm.snap(raw, RELATIONSHIPS).valid
    if kind == "education":
        return norm.snap(raw, EDUCATIONS, spellings={e.replace(" ", ""): e for e in EDUCATIONS}).valid
    if kind in ("name", "place"):
        return bool(re.fullmatch(r"[A-Z][A-Z.' ]+", raw.strip()))
    return norm.normalize(kind, raw).valid


def _rows_by_height(lines: list[tuple[int, float, list[Word]]], height: float) -> list[dict[int, list[Word]]]:
    """Rows from lines of words per column ``(column, middle, words)``, matched by height
    from the left (each match moves the row's height, following a slant)."""
    rows: list[tuple[float, dict[int, list[Word]]]] = []
    for k, middle, ws in lines:
        near = [i for i, r in enumerate(rows) if k not in r[1] and abs(r[0] - middle) <= 0.9 * height]
        if near:
            i = min(near, key=lambda i: abs(rows[i][0] - middle))
            rows[i][1][k] = ws
            rows[i] = (middle, rows[i][1])
        else:
            rows.append((middle, {k: ws}))
    return [cells for _, cells in sorted(rows, key=lambda r: r[0])]


def _nik_reading(words: list[Word]) -> list[tuple[str, float]]:
    """The NIK read in ``words`` with its confidence, if it has sixteen digits."""
    digits = re.sub(r"\D", "", norm.repair_digits("".join(w.text for w in words))[0])
    return [(digits, statistics.fmean(w.confidence for w in words))] if words and len(digits) == 16 else []


def _nik_cell(image: np.ndarray, box: tuple[int, int, int, int], factor: float, number: int,
              readings: list[tuple[str, float]], words: list[Word]) -> Word | None:
    """The NIK of one cell when the two readings of the body did not agree on it.

    The cell alone is read again as one line of digits at two enlargements; the readings
    of sixteen digits vote digit by digit (a tie goes to the surest reading), since a
    blurred digit reads differently at each size. ``None`` when the body's two readings
    agree (their cell stands) or no reading has sixteen digits.
    """
    x0, y0, x1, y1 = box
    if len(readings) == 2 and readings[0][0] == readings[1][0]:
        return None
    readings = [*readings, *_nik_cell_readings(image, box, factor, number)]
    if not readings:
        return None
    surest = max(readings, key=lambda r: r[1])[0]
    value = ""
    for i in range(16):
        votes: dict[str, int] = {}
        for digits, _ in readings:
            votes[digits[i]] = votes.get(digits[i], 0) + 1
        value += surest[i] if votes[surest[i]] == max(votes.values()) else max(votes, key=votes.__getitem__)
    agreeing = [c for d, c in readings if d == value]
    confidence = statistics.fmean(agreeing) if agreeing else min(c for _, c in readings)
    return Word(text=value, confidence=confidence, line=words[0].line if words else 0,
                bbox=(float(x0), float(y0), float(x1), float(y1)))


def _nik_cell_readings(image: np.ndarray, box: tuple[int, int, int, int], factor: float,
                       number: int) -> list[tuple[str, float]]:
    """An NIK cell read alone as one line of digits at two enlargements: its readings of
    sixteen digits, with their confidence."""
    from extractors import tesseract

    x0, y0, x1, y1 = box
    readings: list[tuple[str, float]] = []
    if x1 - x0 < 8 or y1 - y0 < 6:
        return readings
    for scale in (factor, factor * 1.35):
        try:
            read = tesseract.ocr_page(_prepared(image[y0:y1, x0:x1], scale), number, psm=7,
                                      whitelist="0123456789").words
        except OCRError:
            continue
        readings.extend(_nik_reading(read))
    return readings


def _one_line(first: list[Word], second: list[Word]) -> list[Word]:
    """Two lines read in one cell: specks of noise read as a line of their own lose to the
    value; both are kept (a value wrapped onto a second line) when both are read surely."""
    if not first:
        return second
    sure = [statistics.fmean(w.confidence for w in ws) for ws in (first, second)]
    if min(sure) >= 0.85:
        return sorted(first + second, key=lambda w: (w.bbox[1], w.bbox[0]))
    return first if sure[0] >= sure[1] else second


def _confidence(cells: dict[int, list[Word]]) -> float:
    words = [w for ws in cells.values() for w in ws]
    return statistics.fmean(w.confidence for w in words) if words else 0.0


def _digit_count(words: list[Word]) -> int:
    return sum(ch.isdigit() for w in words for ch in norm.repair_digits(w.text)[0])


def _is_member_row(cells: dict[int, list[Word]], columns: int) -> bool:
    """A member row fills most columns (a stray mark or a split line does not) and is
    numbered or read with confidence (remains of faint rules in an empty row are not); a
    row of column names (the header, when the grid missed the rule under it) is not."""
    filled = len([k for k in cells if k > 0]) >= max(3, (columns - 2) // 2)
    numbered = 0 in cells and re.fullmatch(r"\d{1,2}\.?", norm.repair_digits(cells[0][0].text)[0])
    return filled and bool(numbered or _confidence(cells) >= 0.75) and not _reads_as_header(cells)


def _reads_as_header(cells: dict[int, list[Word]]) -> bool:
    """Whether a row reads as a header: two of its cells or more are column names."""
    named = [k for k, ws in cells.items() if k > 0 and _column_name(" ".join(w.text for w in ws))]
    return len(named) >= 2


def _read_band(image: np.ndarray, grid: table_mod.Table, box: tuple[int, int, int, int],
               factor: float, number: int, *, small: bool = False, blank: tuple[int, ...] = (),
               whiten: bool = False) -> list[Word]:
    """OCR a band of a table, its rules painted white; word boxes in ``image`` pixels.

    ``small``: small blurred text (table body in a phone photo), sharpened after enlarging
    and rid of the dashes that thin rules broke into. ``blank``: columns painted white too
    (not read: less for Tesseract to recognise). ``whiten``: (with ``small``) greys lighter
    than ``PAPER_GREY`` made white once sharpened.
    """
    crop = _table_crop(image, grid, box)
    for k in blank:
        left, right = grid.rows[0].cells[k][0] - box[0], grid.rows[0].cells[k][2] - box[0]
        crop[:, max(0, left):max(0, right)] = 255
    pad = 0
    if small:
        crop = _prepared(crop, factor)
        if whiten:
            crop[crop > PAPER_GREY] = 255
        pad = int(TABLE_TEXT_HEIGHT)
    elif factor > 1.0:
        crop = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    return _read_block(crop, number, factor, box[:2], pad)


#: Grey (of 255) above which a sharpened table body's pixels are paper, when read again
#: whitened: the cells' shading of a phone KK of seed 275 read as text up to 225, not at 215.
PAPER_GREY = 210


def _prepared(crop: np.ndarray, factor: float) -> np.ndarray:
    """Small blurred text made readable: enlarged (cubic), sharpened, rule remains painted
    white, a white margin around."""
    if factor > 1.0:
        crop = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    crop = cv2.addWeighted(crop, 1.8, cv2.GaussianBlur(crop, (0, 0), 2), -0.8, 0)
    pad = int(TABLE_TEXT_HEIGHT)
    return cv2.copyMakeBorder(_without_rules(crop), pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)


def _without_rules(crop: np.ndarray) -> np.ndarray:
    """Paint white the pieces of rules left in an enlarged crop: long thin dark runs.

    Blurred text binarises into long runs too, so a run counts as a rule only if it is thin
    all along (no part of it as thick as a third of a capital).
    """
    binary = cv2.adaptiveThreshold(crop, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 10)
    long = int(1.5 * TABLE_TEXT_HEIGHT)
    thick = max(3, int(0.3 * TABLE_TEXT_HEIGHT))
    mask = np.zeros_like(binary)
    for shape, across in (((long, 1), (1, thick)), ((1, long), (thick, 1))):
        runs = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, shape))
        count, labels = cv2.connectedComponents(runs, connectivity=8)
        if count <= 1:
            continue
        fat = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, across))
        fat_labels = np.unique(labels[(fat > 0) & (runs > 0)])
        thin = runs > 0
        thin[np.isin(labels, fat_labels[fat_labels > 0])] = False
        mask[thin] = 255
    out = crop.copy()
    out[cv2.dilate(mask, np.ones((5, 5), np.uint8)) > 0] = 255
    return out
