"""The spaCy pipeline for letters: Indonesian tokeniser, entity ruler and the shipped NER.

``get_nlp()`` loads the trained model in ``extractors/ner_model/`` once per process and puts
an ``entity_ruler`` before its ``ner`` for identifiers (NIK, KK number, letter numbers),
dates and times. ``extract_letter_fields()`` turns the text of a surat keterangan or surat
pengantar into the fields of DESIGN.md's ``letter`` type.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span, Token
from spacy.util import (
    compile_infix_regex,
    compile_prefix_regex,
    compile_suffix_regex,
    filter_spans,
)

from extractors.fields import CONFUSABLE_DIGITS
from extractors.normalize import (
    normalize_text,
    place_letters,
    region_names_by_letters,
    two_apostrophes,
    without_regency_prefix,
)
from models.errors import ConfigurationError
from rules import identifiers as ids

MODEL_DIR = Path(__file__).resolve().parent / "ner_model"
"""Where the trained Indonesian NER model ships (written by ``intake ner train``)."""

TOKENIZER_NAME = "intake.id_tokenizer.v1"
"""Registry name of the trimmed Indonesian tokeniser, referenced by the model's config."""

# Identifiers and numeric dates stay one token: "17-08-1985", "17/08/1985",
# "470/123/KEL/2026", "474.1/45/DS-SKL/VIII/2026". Checked by the tokeniser after each
# prefix/suffix strip, so a trailing "." or "," is still split off.
_TOKEN_MATCH = re.compile(
    r"^(?:\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
    r"|(?=[^/]*\d)[0-9A-Za-z][0-9A-Za-z.\-]*(?:/[0-9A-Za-z.\-]*[0-9A-Za-z]){2,})$"
)


_LETTER_ABBREVIATIONS = (
    "Jl.", "Jln.", "Gg.", "Kel.", "Kec.", "Kab.", "Prov.", "Ds.", "Dsn.", "Dk.", "Ny.", "Tn.",
    "Sdr.", "Sdri.", "Bpk.", "Bp.", "An.", "Tgl.", "Pkl.", "Kp.", "Perum.", "Komp.", "Lt.",
    "Telp.", "Hp.", "Rt.", "Rw.", "Bd.", "Amd.Keb.",
)
"""Abbreviations common in letters that must keep their full stop (``Jl.``, ``Kec.``)."""


def _trimmed_exceptions() -> dict[str, list[dict[int, str]]]:
    """Return spaCy's Indonesian tokeniser exceptions without the ~15,600 hyphenated words.

    Those entries only stop the tokeniser from splitting reduplications (``anak-anak``);
    ``_infixes_without_letter_hyphen`` does the same job without them and the pipeline then
    builds in milliseconds instead of seconds. Titles and abbreviations (``Hj.``, ``S.Pd.``,
    ``No.``) are kept.
    """
    from spacy.lang.id.tokenizer_exceptions import TOKENIZER_EXCEPTIONS
    from spacy.symbols import ORTH

    rules = {orth: rule for orth, rule in TOKENIZER_EXCEPTIONS.items() if "-" not in orth}
    for orth in _LETTER_ABBREVIATIONS:
        for variant in (orth, orth.upper()):
            rules.setdefault(variant, [{ORTH: variant}])
    return rules


def _infixes_without_letter_hyphen(infixes: list[str]) -> list[str]:
    """Drop the infix rules that split ``anak-anak`` or ``Kab-Malang`` at the hyphen."""
    return [pattern for pattern in infixes if not re.search(pattern, "anak-anak")]


@spacy.registry.tokenizers(TOKENIZER_NAME)
def create_intake_tokenizer() -> Callable[[Language], Tokenizer]:
    """Build spaCy's Indonesian tokeniser with trimmed exceptions and identifier tokens.

    Differences from ``spacy.blank("id")``: hyphenated words stay whole through the infix
    rules instead of 15,600 exceptions, and dates and letter numbers are one token each.
    """

    def make_tokenizer(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        return Tokenizer(
            nlp.vocab,
            rules=_trimmed_exceptions(),
            prefix_search=compile_prefix_regex(defaults.prefixes or []).search,
            suffix_search=compile_suffix_regex(defaults.suffixes or []).search,
            infix_finditer=compile_infix_regex(
                _infixes_without_letter_hyphen(list(defaults.infixes or []))
            ).finditer,
            token_match=_TOKEN_MATCH.match,
            url_match=defaults.url_match,
        )

    return make_tokenizer


def blank_indonesian() -> Language:
    """Return a blank ``id`` pipeline with the trimmed tokeniser (no trained components)."""
    return spacy.blank("id", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}})


def load_model(model_dir: Path = MODEL_DIR) -> Language:
    """Load the trained NER model from ``model_dir``, offline; raise if it is missing."""
    if not (model_dir / "config.cfg").is_file():
        raise ConfigurationError(
            f"No trained NER model in {model_dir}; build it with `intake ner train`."
        )
    return spacy.load(model_dir)


# --------------------------------------------------------------------------------------------
# Entity ruler: identifiers, dates, times
# --------------------------------------------------------------------------------------------

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "maret": 3,
    "mar": 3, "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agst": 8, "september": 9, "sep": 9,
    "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "nop": 11,
    "nopember": 11, "desember": 12, "des": 12,
}
"""Indonesian month names and abbreviations (lower case) to month numbers."""

_MONTH_TOKENS = sorted({m for m in MONTHS} | {f"{m}." for m in MONTHS})
_NUMERIC_DATE = r"\d{1,2}[-/.]\d{1,2}[-/.]\d{4}"
_LETTER_NUMBER = (
    rf"^(?!{_NUMERIC_DATE}$)(?=[^/]*\d)[0-9A-Za-z][0-9A-Za-z.\-]*"
    r"(?:/[0-9A-Za-z.\-]*[0-9A-Za-z]){2,}$"
)

_LINE_BREAK = {"IS_SPACE": True, "OP": "?"}

RULER_PATTERNS: list[dict[str, Any]] = [
    {"label": "NIK", "id": "nik", "pattern": [{"TEXT": {"REGEX": r"^\d{16}$"}}]},
    # Sixteen figures read as two numbers, a space read inside (``7324024908066 786``: a
    # letter of seed 253, clean and low contrast).
    *({"label": "NIK", "id": "nik", "pattern": [{"TEXT": {"REGEX": rf"^\d{{{head}}}$"}},
                                                {"TEXT": {"REGEX": rf"^\d{{{16 - head}}}$"}}]}
      for head in range(1, 16)),
    {"label": "LETTER_NUMBER", "id": "letter_number",
     "pattern": [{"TEXT": {"REGEX": _LETTER_NUMBER}}]},
    {"label": "DATE", "id": "date_numeric",
     "pattern": [{"TEXT": {"REGEX": rf"^{_NUMERIC_DATE}$"}}]},
    {"label": "DATE", "id": "date_numeric_split",
     "pattern": [
         {"TEXT": {"REGEX": r"^\d{1,2}$"}}, {"TEXT": {"IN": ["-", "/", "."]}},
         {"TEXT": {"REGEX": r"^\d{1,2}$"}}, {"TEXT": {"IN": ["-", "/", "."]}},
         {"TEXT": {"REGEX": r"^\d{4}$"}},
     ]},
    {"label": "DATE", "id": "date_long",
     "pattern": [
         {"TEXT": {"REGEX": r"^\d{1,2}$"}}, _LINE_BREAK, {"LOWER": {"IN": _MONTH_TOKENS}},
         _LINE_BREAK, {"TEXT": {"REGEX": r"^\d{4}$"}},
     ]},
    {"label": "TIME", "id": "time",
     "pattern": [
         {"LOWER": {"IN": ["pukul", "pkl", "pkl.", "jam"]}},
         {"TEXT": ":", "OP": "?"}, _LINE_BREAK,
         {"TEXT": {"REGEX": r"^([01]?\d|2[0-3])[.:][0-5]\d$"}},
         {"LOWER": {"IN": ["wib", "wita", "wit"]}, "OP": "?"},
     ]},
]
"""Token patterns of the ``entity_ruler`` that runs before ``ner``."""

_KK_CUES = {"kk", "keluarga", "kk.", "kartu"}


@Language.component("intake_identifier_context")
def identifier_context(doc: Doc) -> Doc:
    """Relabel a 16-digit ``NIK`` entity as ``KK_NUMBER`` when a KK label precedes it."""
    entities = []
    for entity in doc.ents:
        if entity.label_ == "NIK":
            window = doc[max(entity.start - 4, 0) : entity.start]
            cues = {token.lower_ for token in window if "\n" not in token.text}
            if cues & _KK_CUES and "nik" not in cues:
                entity = Span(doc, entity.start, entity.end, label="KK_NUMBER")
        entities.append(entity)
    doc.ents = entities
    return doc


def _line_break_ends_entity(token: Token) -> bool:
    """True when a newline token closes an entity: a blank line or a ``label :`` line follows.

    A single line break inside running prose (a wrapped OCR line) does not.
    """
    if token.text.count("\n") > 1:
        return True
    following = token.doc.text[token.idx + len(token.text) :].split("\n", 1)[0]
    return not following.strip() or ":" in following


def trim_entity(entity: Span) -> Span | None:
    """Cut ``entity`` at a closing line break and strip whitespace tokens at its edges."""
    doc = entity.doc
    start, end = entity.start, entity.end
    for token in entity:
        if token.is_space and "\n" in token.text and _line_break_ends_entity(token):
            end = token.i
            break
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    if start >= end:
        return None
    return Span(doc, start, end, label=entity.label)


@Language.component("intake_line_bounded_entities")
def line_bounded_entities(doc: Doc) -> Doc:
    """Keep entities from running over a line break into the next field of a letter."""
    trimmed = (trim_entity(entity) for entity in doc.ents)
    doc.ents = [entity for entity in trimmed if entity is not None]
    return doc


REGIONS_FILE = "regions.tsv"
"""Region gazetteer shipped beside the model (``kind<TAB>name``, from Kemendagri codes)."""

_REGION_PREFIXES = {
    "provinsi": "province", "prov.": "province", "prov": "province", "propinsi": "province",
    "kabupaten": "regency", "kab.": "regency", "kab": "regency", "kota": "city",
    "kecamatan": "district", "kec.": "district", "kec": "district",
}
_BARE_NAME_KINDS = ("province", "regency", "city")
_NOT_BARE_PLACES = {"bima", "agam", "batu", "barat", "timur", "tengah", "selatan", "utara", "baru"}
_MAX_REGION_WORDS = 5
#: A district name of this many words or more is matched without ``Kecamatan`` too: no prose
#: runs so many capitalised words that spell one (``Buay Pematang Ribu Ranau Tengah`` in an
#: address, over a line break: a letter of seed 268).
_BARE_DISTRICT_WORDS = 3


@dataclass(frozen=True)
class Regions:
    """Lower-cased region names by kind, and the names that may stand without a prefix."""

    by_kind: dict[str, frozenset[str]]
    """``province``/``regency``/``city``/``district`` to names, lower case."""
    bare: frozenset[str]
    """Province, regency and city names matched without ``Kabupaten``/``Kota`` in front, and
    district names of ``_BARE_DISTRICT_WORDS`` words or more without ``Kecamatan``."""


def load_regions(path: Path) -> Regions:
    """Read the ``kind<TAB>name`` gazetteer written by ``intake ner train``."""
    by_kind: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        kind, _, name = line.partition("\t")
        if name:
            by_kind.setdefault(kind, set()).add(" ".join(name.lower().split()))
    bare = {
        name for kind in _BARE_NAME_KINDS for name in by_kind.get(kind, set())
        if len(name) >= 4 and name not in _NOT_BARE_PLACES
    } | {name for name in by_kind.get("district", set()) if len(name.split()) >= _BARE_DISTRICT_WORDS}
    return Regions({k: frozenset(v) for k, v in by_kind.items()}, frozenset(bare))


#: ``…, Bima telah lahir``: the place of a birth, after the facility's name and a comma, named
#: right before the birth. Any region's name there is the place, even one that is also a
#: person's (``Bima``, a town: the NER took it for a person, a clean letter of seed 265).
_PLACE_OF_BIRTH_RE = re.compile(r",[ \t]+([A-Z][A-Za-z]+(?:[ \t]+[A-Z][A-Za-z]+){0,3})\s+telah\s+lahir\b")


def find_regions(doc: Doc, regions: Regions) -> list[Span]:
    """Spans naming a known region: ``Kabupaten Sleman``, ``Kec. Depok`` in any case, or a
    bare ``Sleman``/``SLEMAN`` (Title or UPPER case only, so prose words are left alone), or
    any region's name where a birth's place stands (``_PLACE_OF_BIRTH_RE``)."""
    found: list[Span] = []
    for start, token in enumerate(doc):
        kind = _REGION_PREFIXES.get(token.lower_)
        if kind:
            names = regions.by_kind.get(kind, frozenset())
            span = _longest_name(doc, start + 1, names, need_case=False)
            if span is not None:
                found.append(Span(doc, start, span.end, label="LOC", span_id="region"))
                continue
        if token.is_title or token.is_upper:
            span = _longest_name(doc, start, regions.bare, need_case=True)
            if span is not None:
                found.append(Span(doc, span.start, span.end, label="LOC", span_id="region"))
    for place in _PLACE_OF_BIRTH_RE.finditer(doc.text):
        if any(place.group(1).lower() in names for names in regions.by_kind.values()):
            span = doc.char_span(place.start(1), place.end(1), label="LOC", span_id="region")
            found += [span] if span is not None else []
    return filter_spans(found)


def _longest_name(doc: Doc, start: int, names: frozenset[str], *, need_case: bool) -> Span | None:
    """The longest span from ``start`` spelling one of ``names``: up to ``_MAX_REGION_WORDS``
    words, over a line break (``Kecamatan Siau`` / ``Timur Selatan``) and a full stop inside
    the name (``Kep. Siau Tagulandang Biaro``)."""
    if start >= len(doc) or doc[start].is_space:
        return None
    end, count = start, 0
    while end < len(doc) and count < _MAX_REGION_WORDS:
        count += not (doc[end].is_space or doc[end].is_punct)
        end += 1
    for end in range(end, start, -1):
        words = doc[start:end]
        if words[-1].is_space or (need_case and not all(
                t.is_title or t.is_upper for t in words if not (t.is_space or t.is_punct))):
            continue
        if collapse_spaces(words.text).lower() in names:
            return words
    return None


class RegionGazetteer:
    """Pipeline component: known region names become LOC where the NER saw nothing, a PER,
    an ORG of just the name (``Gowa``), or only a part of the name (``Komering Ulu Selatan``
    of ``Ogan Komering Ulu Selatan``).

    Runs after ``ner``; never touches an ORG or LOC the model found that is longer than the
    region name (``RSUD Sleman``).
    """

    def __init__(self, path: Path) -> None:
        """Load the gazetteer at ``path``."""
        self.regions = load_regions(path)

    def __call__(self, doc: Doc) -> Doc:
        """Add or relabel LOC entities for the region names found in ``doc``."""
        entities = list(doc.ents)
        for span in find_regions(doc, self.regions):
            overlapping = [e for e in entities if e.start < span.end and span.start < e.end]
            if all(
                (e.label_ == "PER" and span.start <= e.start and e.end <= span.end)
                or (e.label_ in ("LOC", "ORG") and (e.start, e.end) == (span.start, span.end))
                or (span.start <= e.start and e.end <= span.end and len(e) < len(span))
                for e in overlapping
            ):
                entities = [e for e in entities if e not in overlapping]
                entities.append(span)
            elif _splits_place_list(overlapping, span):
                outer = overlapping[0]
                pieces = (Span(doc, outer.start, span.start, label="LOC"),
                          Span(doc, min(span.end, outer.end), outer.end, label="LOC"))
                entities = [e for e in entities if e is not outer]
                entities += [p for p in (_strip_punctuation(piece) for piece in pieces) if p]
                entities.append(span)
        doc.ents = sorted(entities, key=lambda e: e.start)
        return doc


def _splits_place_list(overlapping: list[Span], region: Span) -> bool:
    """True when one NER LOC runs over a prefixed region and more (``KECAMATAN KAJUARA
    KABUPATEN BONE``), or over another place into part of a prefixed region (``KELURAHAN
    TAMANASRI KECAMATAN LOLOFITU`` of ``... LOLOFITU MOI``), so it is really a list of places."""
    if len(overlapping) != 1 or overlapping[0].label_ != "LOC":
        return False
    outer = overlapping[0]
    return (
        outer.start <= region.start < outer.end
        and (region.end <= outer.end or outer.start < region.start)
        and (outer.start, outer.end) != (region.start, region.end)
        and region[0].lower_ in _REGION_PREFIXES
    )


def _strip_punctuation(span: Span) -> Span | None:
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    if not any(token.is_alpha for token in doc[start:end]):
        return None
    return Span(doc, start, end, label=span.label)


@Language.factory("intake_region_gazetteer", default_config={"path": ""})
def make_region_gazetteer(nlp: Language, name: str, path: str) -> RegionGazetteer:
    """Build the ``RegionGazetteer`` component from the gazetteer file at ``path``."""
    return RegionGazetteer(Path(path))


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """Return the letter pipeline, built once per process.

    The shipped NER model (trimmed ``id`` tokeniser, ``tok2vec``, ``ner``) plus an
    ``entity_ruler`` before ``ner`` labelling ``NIK``, ``KK_NUMBER``, ``LETTER_NUMBER``,
    ``DATE`` and ``TIME``. Raises ``ConfigurationError`` when the model is missing.
    """
    nlp = load_model()
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True})
    ruler.add_patterns(RULER_PATTERNS)  # type: ignore[attr-defined]
    nlp.add_pipe("intake_identifier_context", after="entity_ruler")
    nlp.add_pipe("intake_line_bounded_entities", last=True)
    if (MODEL_DIR / REGIONS_FILE).is_file():
        nlp.add_pipe(
            "intake_region_gazetteer", config={"path": str(MODEL_DIR / REGIONS_FILE)}, last=True
        )
    return nlp


# --------------------------------------------------------------------------------------------
# Normalisers
# --------------------------------------------------------------------------------------------

_DAY_NAMES = r"(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad)"
_DATE_NUMERIC_RE = re.compile(r"^\s*(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4})\s*$")
_DATE_LONG_RE = re.compile(r"^\s*(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})\s*$")
_TIME_RE = re.compile(r"([01]?\d|2[0-3])\s*[.:]\s*([0-5]\d)")


def parse_date(raw: str) -> str | None:
    """Parse an Indonesian date as printed into ISO ``YYYY-MM-DD``; ``None`` if not a date.

    Accepts ``17-08-1945``, ``17/08/1945``, ``17.08.1945``, ``17 Agustus 1945``,
    ``17 AGT 1945``, ``17 Agt. 1945`` and a leading day name (``Senin, 16 Maret 2026``).
    """
    text = re.sub(rf"^\s*{_DAY_NAMES}\s*,?\s*", "", raw.strip(), flags=re.IGNORECASE)
    numeric = _DATE_NUMERIC_RE.match(text)
    if numeric:
        day, month, year = int(numeric.group(1)), int(numeric.group(3)), int(numeric.group(4))
    else:
        long_form = _DATE_LONG_RE.match(text)
        if not long_form or long_form.group(2).lower() not in MONTHS:
            return None
        day = int(long_form.group(1))
        month = MONTHS[long_form.group(2).lower()]
        year = int(long_form.group(3))
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_time(raw: str) -> str | None:
    """Parse ``Pukul 10.30 WIB`` or ``10:30`` into ``HH:MM``; ``None`` if there is no time."""
    found = _TIME_RE.search(raw)
    return f"{int(found.group(1)):02d}:{found.group(2)}" if found else None


def normalise_sex(raw: str) -> str | None:
    """Map ``laki-laki``, ``L``, ``pria``, ``perempuan``, ``P``, ``wanita`` to DESIGN's values."""
    word = re.sub(r"[^a-z]", "", raw.lower())
    if word.startswith(("laki", "pria", "lk")) or word == "l":
        return "LAKI-LAKI"
    if word.startswith(("perempuan", "wanita", "pr")) or word == "p":
        return "PEREMPUAN"
    return None


def collapse_spaces(text: str) -> str:
    """Collapse runs of whitespace (also line breaks inside an entity) to one space."""
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------
# Letter fields
# --------------------------------------------------------------------------------------------

LetterField = dict[str, Any]
"""``{"value", "raw", "start_char", "end_char", "source"}``; source is ``ner`` or ``pattern``."""

LETTER_TYPES: tuple[tuple[str, str], ...] = (
    (r"KETERANGAN\s+(?:TELAH\s+)?(?:KE)?LAHIR(?:AN)?", "keterangan_lahir"),
    (r"KETERANGAN\s+(?:KE)?MATI(?:AN)?|KETERANGAN\s+MENINGGAL", "keterangan_kematian"),
    (r"KETERANGAN\s+(?:TEMPAT\s+TINGGAL|DOMISILI)", "keterangan_domisili"),
    (r"KETERANGAN\s+(?:TIDAK|TDK)\s+MAMPU", "keterangan_tidak_mampu"),
    (r"KETERANGAN\s+(?:DOMISILI\s+)?USAHA", "keterangan_usaha"),
    (r"KETERANGAN\s+(?:BELUM\s+(?:PERNAH\s+)?(?:MENIKAH|KAWIN))", "keterangan_belum_menikah"),
    (r"KETERANGAN\s+PINDAH", "keterangan_pindah"),
    (r"KETERANGAN\s+(?:BERKELAKUAN|KELAKUAN)\s+BAIK", "keterangan_kelakuan_baik"),
    (r"PENGANTAR\s+(?:KE)?LAHIR(?:AN)?", "pengantar_kelahiran"),
    (r"PENGANTAR(?:\s+(?:RT|RW|RT\s*/\s*RW|RUKUN\s+TETANGGA|KETUA\s+RT))?", "pengantar_rt_rw"),
    (r"KETERANGAN", "keterangan"),
)
"""Title regexes (after ``SURAT``) to ``letter_type`` codes, most specific first."""

_TITLE_RE = re.compile(r"SURAT\s+(?:KETERANGAN|PENGANTAR)[^\n]*", re.IGNORECASE)

_ISSUER_KEYWORDS: tuple[tuple[str, int], ...] = (
    (r"\bRUKUN\s+TETANGGA\b|\bRUKUN\s+WARGA\b|\bKETUA\s+RT\b|^\s*RT\.?\s*\d", 5),
    (r"\bRUMAH\s+SAKIT\b|\bRSU?D?\b|\bRSIA\b|\bPUSKESMAS\b|\bKLINIK\b|\bBIDAN\b|"
     r"\bPRAKTI[CK]\b|\bPOLINDES\b|\bPOSKESDES\b|\bRUMAH\s+BERSALIN\b", 4),
    # KAMPUNG, NAGARI and GAMPONG also begin district names (KECAMATAN KAMPUNG LAUT, IV
    # NAGARI): as the village office's own word they lead the line.
    (r"\bDESA\b|\bKELURAHAN\b|^\s*(?:PEMERINTAH\s+|KANTOR\s+)?(?:KAMPUNG|NAGARI|GAMPONG)\b", 3),
    (r"\bKECAMATAN\b|\bDISTRIK\b", 2),
    (r"\bKABUPATEN\b|\bKOTA\b|\bPEMERINTAH\b|\bPROVINSI\b|\bDINAS\b", 1),
)
_ADDRESS_LINE_RE = re.compile(
    r"^\s*(?:alamat|jl\b|jln\b|jalan\b|telp|telepon|tlp|hp\b|email|e-mail|website|kode\s+pos|"
    r"fax|faks)",
    re.IGNORECASE,
)
_NUMBER_LINE_RE = re.compile(
    r"^[ \t]*(?:Nomor|Nomer|No\.?|Nmr\.?)(?![ \t]*\.?[ \t]*(?:KK|HP|Telp|Tel|Induk|Rumah))"
    r"[ \t]*[:.]?[ \t]*(?P<value>[^\n]*\d[^\n]*?)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_PLACE_DATE_RE = re.compile(
    r"^[ \t]*(?P<place>[A-Za-z][A-Za-z .'()-]{1,40}?)[ \t]*,[ \t]*(?P<date>"
    r"\d{1,2}[ \t]*[-/.][ \t]*\d{1,2}[ \t]*[-/.][ \t]*\d{4}|\d{1,2}[ \t]+[A-Za-z]+\.?[ \t]+\d{4})"
    r"[ \t]*$",
    re.MULTILINE,
)
_ISSUED_ON_RE = re.compile(
    r"(?:pada\s+tanggal|tanggal\s+dikeluarkan|dikeluarkan\s+tanggal)[ \t]*:?[ \t]*(?P<date>"
    r"\d{1,2}[ \t]*[-/.][ \t]*\d{1,2}[ \t]*[-/.][ \t]*\d{4}|\d{1,2}[ \t]+[A-Za-z]+\.?[ \t]+\d{4})",
    re.IGNORECASE,
)
_LABEL_LINE_RE = re.compile(
    r"^[ \t]*(?:\d{1,2}[.)][ \t]*|[a-z][.)][ \t]+|[-•][ \t]*)?"
    r"(?P<label>[A-Za-z][A-Za-z /.()'!|-]{1,40}?)[ \t]*[:=][ \t]*(?P<value>[^\n]*?)[ \t]*$",
    re.MULTILINE,
)
#: A label line whose colon OCR read as another mark (``Alamat 1 JL. ...``, ``NIK > 35...``),
#: or as the colon with a speck before it (``Tempat/Tgl Lahir 1: Sungai Penuh``: a phone
#: letter of seed 331); taken only when the label is one this module knows.
_MISREAD_COLON_RE = re.compile(
    r"^[ \t]*(?P<label>[A-Za-z][A-Za-z /.()'-]{1,40}?)[ \t]+[1|!il;>»«-]:?[ \t]+(?P<value>[^\n]*?)[ \t]*$"
)
_ROLE_CUES: tuple[tuple[str, str], ...] = (
    (r"\bibu\b|\bibunya\b|\bistri\b", "mother"),
    (r"\bayah\b|\bayahnya\b|\bbapak\b|\bsuami\b", "father"),
    (r"\bbayi\b|\banak\b|\blahir\b|\bkelahiran\b", "child"),
)
_NAME_WORDS = r"(?P<name>[A-Z][A-Za-z'.]*(?:(?:[ \t]+|[ \t]*\n[ \t]*)[A-Z][A-Za-z'.]*){0,5})"
_BERNAMA_RE = re.compile(  # ``bemama``: rn read as m (held-out seed 219, a phone photo)
    r"(?:be(?:rn|m)ama|diberi\s+nama|atas\s+nama)(?:[ \t]*\n)?[ \t]*:?[ \t]*" + _NAME_WORDS
)
_BAHWA_NAME_RE = re.compile(  # ``bahwa.``: a speck read as a stop (a phone letter of seed 347)
    r"\bbahwa[.,:;]?(?:[ \t]*\n[ \t]*|[ \t]+)" + _NAME_WORDS + r"(?=[ \t]*(?:,|\(|\bNIK\b))"
)


def make_field(value: Any, raw: str, start: int, end: int, source: str) -> LetterField:
    """Build one field dict with character offsets into the letter text."""
    return {"value": value, "raw": raw, "start_char": start, "end_char": end, "source": source}


def find_title(text: str) -> re.Match[str] | None:
    """Return the first ``SURAT KETERANGAN ...`` / ``SURAT PENGANTAR ...`` title line."""
    return _TITLE_RE.search(text)


def classify_letter(title: str) -> str | None:
    """Map a letter title to its ``letter_type`` code (``keterangan_lahir``, ...)."""
    upper = collapse_spaces(title.upper())
    for pattern, code in LETTER_TYPES:
        if re.search(pattern, upper):
            if code == "keterangan":  # ``KETERANGAN DONISILI``: the kind word misread
                return _fuzzy_letter_type(upper) or code
            return code
    return None


#: The word after KETERANGAN that names a letter's kind, for titles with a misread letter.
_KIND_WORDS = {"KELAHIRAN": "keterangan_lahir", "DOMISILI": "keterangan_domisili",
               "KEMATIAN": "keterangan_kematian", "USAHA": "keterangan_usaha",
               "PINDAH": "keterangan_pindah"}


def _fuzzy_letter_type(upper: str) -> str | None:
    after = upper.split("KETERANGAN", 1)[1].split()
    if not after:
        return None
    word = re.sub(r"[^A-Z]", "", after[0])
    best = max(_KIND_WORDS, key=lambda kind: fuzz.ratio(word, kind))
    return _KIND_WORDS[best] if fuzz.ratio(word, best) >= 80 else None


def extract_letter_type(text: str) -> LetterField | None:
    """The ``letter_type`` field from the title line, or ``None`` without a title."""
    title = find_title(text)
    if title is None:
        return None
    code = classify_letter(title.group(0))
    raw = title.group(0).strip()
    start = title.start() + title.group(0).index(raw)
    return make_field(code, raw, start, start + len(raw), "pattern") if code else None


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    offsets, position = [], 0
    for line in text.splitlines(keepends=True):
        offsets.append((position, line.rstrip("\r\n")))
        position += len(line)
    return offsets


_RT_RW_RE = re.compile(
    r"\b(?:RUKUN\s+TETANGGA|RT)\b\.?\s*(?:\(RT\)\s*)?(?P<rt>\d{1,3})\s*[/,]?\s*"
    r"(?:\b(?:RUKUN\s+WARGA|RW)\b\.?\s*(?:\(RW\)\s*)?(?P<rw>\d{1,3}))?",
    re.IGNORECASE,
)
_VILLAGE_RE = re.compile(
    r"\b(?:KELURAHAN|DESA|KEL\.|DS\.)\s+(?P<village>[A-Za-z][A-Za-z .'-]*?)"
    r"(?=\s+(?:KECAMATAN|KEC\.|KABUPATEN|KAB\.|KOTA)\b|\s*[,\n]|\s*$)",
    re.IGNORECASE,
)


#: Digits OCR takes for one another in bold letterhead figures (``RUKUN WARGA 008`` read 003).
_CONFUSED_DIGITS = frozenset({frozenset("38"), frozenset("08"), frozenset("68"), frozenset("56"),
                              frozenset("17")})


def _misread_of(read: str, printed: str) -> bool:
    """Whether number ``read`` is ``printed`` with digits OCR confuses read otherwise."""
    return (len(read) == len(printed) and read != printed
            and all(a == b or frozenset((a, b)) in _CONFUSED_DIGITS for a, b in zip(read, printed, strict=True)))


def _body_rt_rw(body: str) -> tuple[str, str] | None:
    """The RT and RW the body of a letter names at least twice (``Ketua RT 003 RW 008``, the
    address), if one pair leads."""
    pairs = Counter((f"{int(m.group('rt')):03d}", f"{int(m.group('rw')):03d}")
                    for m in _RT_RW_RE.finditer(body) if m.group("rw"))
    ranked = pairs.most_common(2)
    if not ranked or ranked[0][1] < 2 or len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None
    return ranked[0][0]


def rt_rw_issuer(line: str, letterhead: str, body: str = "") -> str | None:
    """``RT 004/RW 011 SUKAMAJU`` for an RT/RW letterhead line, with the village when the
    letterhead names one; ``None`` when ``line`` is not an RT/RW line.

    A letterhead number that is the one ``body`` names twice with a confusable digit read
    otherwise (``RUKUN WARGA 003`` over ``Ketua RT 003 RW 008`` and an address in RW 008)
    is taken as the body prints it.
    """
    found = _RT_RW_RE.search(line)
    if found is None or not re.search(r"RUKUN|^\s*RT\b|KETUA\s+RT", line, re.IGNORECASE):
        return None
    rt = f"{int(found.group('rt')):03d}"
    rw = f"{int(found.group('rw')):03d}" if found.group("rw") else None
    named = _body_rt_rw(body)
    if named is not None and rw is not None and (rt, rw) != named and all(
            a == b or _misread_of(a, b) for a, b in ((rt, named[0]), (rw, named[1]))):
        rt, rw = named
    issuer = f"RT {rt}"
    if rw is not None:
        issuer += f"/RW {rw}"
    village = _VILLAGE_RE.search(letterhead)
    if village:
        issuer += f" {collapse_spaces(village.group('village')).upper()}"
    return issuer


def extract_issuer(text: str, doc: Doc) -> LetterField | None:
    """The issuing organisation: the most specific letterhead line, else the first ORG entity.

    The letterhead is everything above the title. A line naming an RT/RW beats a health
    facility, which beats a village office, a district, a regency (``PEMERINTAH ...``).
    """
    title = find_title(text)
    head_end = title.start() if title else min(len(text), 400)
    best: tuple[int, int, str] | None = None
    for start, line in _lines_with_offsets(text[:head_end]):
        stripped = line.strip()
        if not stripped or _ADDRESS_LINE_RE.match(stripped):
            continue
        rank = max(
            (score for pattern, score in _ISSUER_KEYWORDS
             if re.search(pattern, stripped, re.IGNORECASE)),
            default=0,
        )
        if rank and (best is None or rank > best[0]):
            best = (rank, start + line.index(stripped), stripped)
    if best is not None:
        _, start, raw = best
        value = rt_rw_issuer(raw, text[:head_end], text[head_end:]) or collapse_spaces(raw)
        return make_field(value, raw, start, start + len(raw), "pattern")
    organisations = [e for e in doc.ents if e.label_ == "ORG"]
    head_orgs = [e for e in organisations if e.start_char < head_end]
    chosen = (head_orgs or organisations or [None])[0]
    if chosen is None:
        return None
    return make_field(
        collapse_spaces(chosen.text), chosen.text, chosen.start_char, chosen.end_char, "ner"
    )


#: Unit codes that letter numbers of village offices, hospitals and midwives carry.
UNIT_CODES = frozenset({"DS", "KEL", "KEC", "RSUD", "RS", "PMB", "PKM", "DESA"})
_ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


#: Marks a speck is read as: quotes and apostrophes, straight and curly.
QUOTE_MARKS = "'\"`‘’“”"


#: A Roman month blurred into strokes, its slashes lost, before the year (``KELV2026``,
#: ``RT.012/11W2026``, ``KELIVIM2026``): only ever read as the letter's own month.
_MONTH_STROKES = r"[IVXlivx1|!\\NWTJM]{1,4}"


def repair_letter_number(value: str, letter_month: int | None = None) -> str:
    """Undo OCR slips in a letter number: O for 0 beside digits (``RT.O11``), and 1/l/!/v
    in the Roman month before the year (``041/RT.015/111/2026`` -> ``041/RT.015/III/2026``).
    A month segment that reads as a number from 1 to 12 (``11``, ``1``) is left alone unless
    ``letter_month`` (from the letter's date) says it is the Roman one (``II``, ``I``): the
    month of a letter number is written in Roman numerals."""
    # (Also two, ``RT.OO6``: seed 229, a noisy scan.)
    value = re.sub(r"(?<=\d)[Oo]+|[Oo]+(?=\d)", lambda o: "0" * len(o.group()), value)
    value = re.sub(f"[{QUOTE_MARKS}]", "", value)  # specks read as quotes
    # Held-out seed 233: a slash doubled (``RT.006//IV``); the dot after RT or RW read as a
    # hyphen, comma or colon (``RT-010``); the slash after a three-digit RT read as 1
    # (``RT.0101VII``); the letter number's own number with O and S for 0 and 5 (``OS0``).
    if letter_month == 1:
        # January's one stroke read as a slash (``DS//2026`` for ``DS/I/2026``: held-out seed
        # 231, a phone photo), before a doubled slash is made one.
        value = re.sub(r"(?<=[A-Za-z.\d])//(?=(?:19|20)\d{2}$)", "/I/", value)
    value = re.sub(r"/{2,}", "/", value)
    value = re.sub(r"\b(RT|RW)[-,:](?=\d{3}\b)", r"\1.", value)
    # An RT's figure read as the letter it looks like (``RT.00L``, ``RT.00S``: phone letters of
    # seeds 319 and 325).
    value = re.sub(r"\b(R[TW]\.)(?=[\dSLIl|]{3}/)(\d{0,2})([SLIl|])(\d{0,2})(?=/)",
                   lambda m: m.group(1) + m.group(2) + ("5" if m.group(3) == "S" else "1") + m.group(4), value)
    value = re.sub(r"\b(R[TW]\.\d{3})[1Il|!](?=[IVX]{1,4}/)", r"\1/", value)  # ``!``: held-out seed 275
    first = value.split("/", 1)
    if len(first) == 2 and re.fullmatch(r"[\dOoSs]{2,4}", first[0]) and re.search(r"\d", first[0]):
        value = first[0].translate(str.maketrans("OoSs", "0055")) + "/" + first[1]
    # A speck after a number: ``RT.007!/II``, ``RT.002)/VII`` (a phone letter of held-out seed 601).
    value = re.sub(r"(?<=\d)[!)](?=/)", "", value)
    parts = value.split("/")
    if len(parts) >= 3 and letter_month is not None:
        # Both slashes lost around the month, which blurred into another stroke
        # (``KELV2026`` for ``KEL/I/2026``: held-out seed 215, a phone photo): between a
        # unit code and the year stands the letter's own month.
        for unit in sorted(UNIT_CODES, key=len, reverse=True):
            run = re.fullmatch(re.escape(unit) + _MONTH_STROKES + r"((?:19|20)\d{2})", parts[-1])
            if run:
                parts[-1:] = [unit, _ROMAN_MONTHS[letter_month - 1], run.group(1)]
                return "/".join(parts)
        # The month and the slash after it blurred into a few strokes glued to the year, the
        # unit code read apart (``KEL/V2026`` for ``KEL/I/2026``: a phone letter of seed 317).
        glued_month = re.fullmatch(_MONTH_STROKES + r"((?:19|20)\d{2})", parts[-1])
        if glued_month and (parts[-2] in UNIT_CODES or re.fullmatch(r"R[TW]\.\d{3}", parts[-2])):
            parts[-1:] = [_ROMAN_MONTHS[letter_month - 1], glued_month.group(1)]
            return "/".join(parts)
        # The slash before the year read as I, W, V or N (``DSIIVI2026`` for ``DS/IV/2026``,
        # ``VIIN2026`` for ``VIII/2026``).
        glued = re.fullmatch(r"(.*[A-Za-z])[Il1|!WVN]((?:19|20)\d{2})", parts[-1])
        if glued:
            parts[-1:] = [glued.group(1), glued.group(2)]
    if len(parts) >= 4 and re.fullmatch(r"\d{1,4}[JIl|!]?[A-Z]{2,4}", parts[-3]):
        # The slash between the number and the unit code lost (``279RSUD``: seed 217, phone),
        # or read as a stroke (``142JRSUD``: a phone letter of seed 329; no unit code begins
        # with J or I).
        number, unit = re.fullmatch(r"(\d+)[JIl|!]?(\D+)", parts[-3]).groups()  # type: ignore[union-attr]
        if unit in UNIT_CODES:
            parts[-3:-2] = [number, unit]
    if len(parts) < 3 or not re.fullmatch(r"\d{4}", parts[-1]):
        return "/".join(parts) if len(parts) >= 3 else value
    month = parts[-2]
    if len(parts) >= 4 and re.fullmatch(r"[A-Z]{2,4}[Il1|!J]", parts[-3]) and parts[-3][:-1] in UNIT_CODES:
        parts[-3] = parts[-3][:-1]  # a stroke before the slash read as I, ! or J: ``PMBI/VIII``
    if letter_month is not None:
        expected = _ROMAN_MONTHS[letter_month - 1]
        # ``TX`` for IX: serifs; ``VIW`` for VIII: two strokes run together; ``1H1`` for III:
        # a stroke's serifs run into its neighbours' (a clean letter of seed 309).
        reading = re.sub(r"[1il|!TNH]", "I", month).upper().replace("W", "II")  # N: ``NV`` for IV
        arabic = month.isdigit() and int(month) == letter_month
        strokes = re.fullmatch(r"(R[TW]\.\d{3})[!|Il1]([!|Il1]{1,4})", month)
        if strokes and re.sub(r"[!|l1]", "I", strokes.group(2)) == expected:
            # The slash after an RT and the month's strokes read as ! and 1 (``RT.006!!11`` for
            # ``RT.006/III``: a low-contrast letter of seed 259).
            parts[-2:-1] = [strokes.group(1), expected]
            return "/".join(parts)
        if (re.sub(r"[1il|!]", "I", month[:-1]).upper() == expected and month[-1] in "WVN"
                and reading not in _ROMAN_MONTHS):
            # The slash's double image after the month read as a W (``VIIW``: held-out seed 237);
            # not where the W may be two strokes of another month (``VIW``: VIII, not VI).
            parts[-2] = expected
            return "/".join(parts)
        if (not arabic and month != expected and re.fullmatch(r"[IVXLM]{1,5}", reading)
                and Levenshtein.distance(reading, expected) <= 1):
            parts[-2] = expected  # ``VIIM``, ``VII`` or ``1`` for the letter's own month
            return "/".join(parts)
    if letter_month is not None and not re.fullmatch(r"[1IilVvXx|!]{1,4}", month):
        parts[-2:-1] = _split_lost_slash(month, _ROMAN_MONTHS[letter_month - 1])
        return "/".join(parts)
    if not re.fullmatch(r"[1IilVvXx|!]{1,4}", month):
        return value
    roman = re.sub(r"[1il|!]", "I", month).upper()
    if roman not in _ROMAN_MONTHS:
        return value
    reads_as_number = month.isdigit() and 1 <= int(month) <= 12
    if not reads_as_number or (
        letter_month is not None and _ROMAN_MONTHS.index(roman) + 1 == letter_month
    ):
        parts[-2] = roman
    return "/".join(parts)


def _split_lost_slash(segment: str, roman: str) -> list[str]:
    """``RSUDIVIII`` -> ``RSUD``, ``VIII``: the slash before the Roman month read as I (or l, 1, |),
    the month perhaps one stroke short (``KELIXI`` for ``KEL/XII``). Only the letter's own
    month is accepted, so a code that merely ends in I, V or X is left alone. A slash not read
    at all (``RSUD1`` for ``RSUD/I``) is put back only after a known unit code and before the
    letter's month read exactly."""
    code, tail = re.fullmatch(r"([A-Za-z]*)(.*)", segment).groups()  # type: ignore[union-attr]
    if code.upper() in UNIT_CODES and re.sub(r"[1il|!]", "I", tail).upper() == roman:
        return [code, roman]
    for unit in UNIT_CODES:
        # The slash and a V run together into an N (``PMBNIII`` for ``PMB/VIII``).
        if segment.upper().startswith(unit + "N") and "V" + segment[len(unit) + 1:].upper() == roman:
            return [segment[:len(unit)], roman]
        # The slash lost after a unit code whose letters run on into the month's
        # (``KELVIII`` for ``KEL/VIII``: seed 229, a phone photo).
        if (segment.upper().startswith(unit) and len(segment) > len(unit)
                and re.sub(r"[1il|!]", "I", segment[len(unit):]).upper() == roman):
            return [segment[:len(unit)], roman]
    for unit in sorted(UNIT_CODES, key=len, reverse=True):
        # The slash and the month blurred into other strokes (``KELNIN`` for ``KEL/III``,
        # ``DSMVII`` for ``DS/VIII``: seeds 237 and 241, phone photos): the strokes after a
        # unit code, about as many as the month's and its slash's, are the letter's month.
        rest = segment[len(unit):]
        if (segment.upper().startswith(unit) and re.fullmatch(r"[IVXivx1l|!NWMTJ\\]+", rest)
                and len(roman) <= len(rest) <= len(roman) + 2):
            return [segment[:len(unit)], roman]
    # A known unit code first (``RSUDI!!II``: RSUD and I!!II, not RSUDI and !!II: held-out
    # seed 219), then the closest month.
    best: tuple[bool, int, int] | None = None
    for cut in range(2, len(segment) - 1):
        code, tail = segment[:cut], segment[cut:]
        if not re.fullmatch(r"[A-Za-z.\-]+", code) or tail[0] not in "Il1|!":
            continue
        distance = Levenshtein.distance(re.sub(r"[1il|!]", "I", tail[1:]).upper(), roman)
        ranked = (code.upper() not in UNIT_CODES, distance, cut)
        if distance <= 1 and len(tail) >= 2 and (best is None or ranked < best):
            best = ranked
    if best is None:
        return [segment]
    return [segment[:best[2]], roman]


def extract_letter_number(
    text: str, doc: Doc, letter_month: int | None = None
) -> LetterField | None:
    """The letter number: the value of the first ``Nomor :`` line, else a LETTER_NUMBER
    entity; OCR slips repaired by ``repair_letter_number``."""
    for found in _NUMBER_LINE_RE.finditer(text):
        raw = found.group("value")
        value = repair_letter_number(re.sub(r"\s*/\s*", "/", collapse_spaces(raw)), letter_month)
        if "/" in value or re.fullmatch(r"[\w.\-]+", value):
            return make_field(value, raw, found.start("value"), found.end("value"), "pattern")
    for entity in doc.ents:
        if entity.label_ == "LETTER_NUMBER":
            return make_field(
                entity.text, entity.text, entity.start_char, entity.end_char, "pattern"
            )
    return None


def extract_letter_date(text: str, doc: Doc) -> LetterField | None:
    """The date of issue: ``Place, date`` near the signature, ``Pada tanggal : date``, or the
    last DATE entity of the letter."""
    signature_dates = [
        found for found in _PLACE_DATE_RE.finditer(text)
        if not re.fullmatch(_DAY_NAMES, found.group("place").strip(), re.IGNORECASE)
    ]
    candidates = [
        (found.start("date"), found.end("date"), found.group("date"))
        for found in [*signature_dates, *_ISSUED_ON_RE.finditer(text)]
    ]
    for start, end, raw in sorted(candidates, reverse=True):
        iso = parse_date(raw)
        if iso:
            return make_field(iso, raw, start, end, "pattern")
    dates = [e for e in doc.ents if e.label_ == "DATE" and parse_date(collapse_spaces(e.text))]
    if dates:
        last = dates[-1]
        return make_field(
            parse_date(collapse_spaces(last.text)), last.text, last.start_char, last.end_char,
            "pattern",
        )
    return None


def _entity_field(entity: Span) -> LetterField:
    source = "pattern" if entity.ent_id_ else "ner"
    raw = entity.text
    value: Any = collapse_spaces(raw).strip(" ,.:;")
    if entity.label_ == "LOC":
        value = re.sub(r"(?:\s+(?:RT|RW|No\.?|Nomor))+$", "", value, flags=re.IGNORECASE)
    if entity.label_ == "NIK":
        value = re.sub(r"\s", "", value)
    if entity.label_ == "DATE":
        value = parse_date(collapse_spaces(raw))
    elif entity.label_ == "TIME":
        value = parse_time(raw)
    return make_field(value, raw, entity.start_char, entity.end_char, source)


def entities_by_label(doc: Doc, label: str) -> list[LetterField]:
    """Distinct entities of ``label`` as fields (first mention of each value kept)."""
    return entities_as_fields([entity for entity in doc.ents if entity.label_ == label])


def entities_as_fields(entities: list[Span]) -> list[LetterField]:
    """Distinct entities as fields, first mention of each value (case-insensitive) kept."""
    fields: list[LetterField] = []
    seen: set[str] = set()
    for entity in entities:
        field = _entity_field(entity)
        key = str(field["value"]).upper()
        if field["value"] and key not in seen:
            seen.add(key)
            fields.append(field)
    return fields


_NON_PERSON_NAME_LABELS = ("usaha", "perusahaan", "instansi", "kantor", "jalan", "desa", "sekolah")


_STREET_WORDS = {"jl.", "jl", "jln.", "jln", "jalan", "gg.", "gg", "gang", "lorong"}


def drop_non_person_contexts(text: str, people: list[Span]) -> list[Span]:
    """Drop PER entities in the letterhead or in the value of a non-name label.

    ``Tempat Lahir : Sleman`` or ``RUKUN TETANGGA 004`` tagged PER by the news-trained
    model are not people.
    """
    title = find_title(text)
    head_end = title.start() if title else 0
    other_values = [
        (start, end) for label, _, start, end, _ in _labelled_values(text)
        if not label.startswith("nama")
    ]
    other_values += [
        (found.start("address"), found.end("address")) for found in _ADDRESS_LEAD_RE.finditer(text)
    ]
    return [
        entity for entity in people
        if entity.start_char >= head_end
        and not _DEGREE_RE.match(entity.text)
        and (entity.start == 0 or entity.doc[entity.start - 1].lower_ not in _STREET_WORDS)
        and not any(start <= entity.start_char < end for start, end in other_values)
    ]


_LEADING_TITLES_RE = re.compile(
    r"^(?:(?:dr|drg|drh|drs|dra|ir|h|hj|prof|ns|bd|ny|tn|sdr|sdri|bpk|ibu)\.?\s+)+",
    re.IGNORECASE,
)
_TRAILING_TITLES_RE = re.compile(r"\s*,\s*[A-Za-z][A-Za-z0.]*\.?(?:\s*,\s*[A-Za-z][A-Za-z0.]*)*\s*$")
_DEGREE_RE = re.compile(r"^[A-Za-z]{1,4}\.(?:[A-Za-z0]{1,4}\.?)+$")
"""A degree after a name (``Sp.OG``, ``A.Md.Keb``), its O perhaps read as 0."""


def strip_titles(name: str) -> str:
    """``dr. Bambang Wibisono, Sp.OG`` -> ``Bambang Wibisono`` (titles off, DOMAIN.md §5)."""
    name = _TRAILING_TITLES_RE.sub("", collapse_spaces(name))
    return _LEADING_TITLES_RE.sub("", name).strip(" ,.")


_PLACE_WORD = r"[A-Z][A-Za-z'\-]*(?:[\"“”][A-Za-z]+)?"  # ``Moro"o``: two_apostrophes
_PREFIXED_PLACE_RE = re.compile(
    r"\b(?i:Kelurahan|Desa|Dusun|Kampung|Kecamatan|Kabupaten|Kel\.|Kec\.|Kab\.|Ds\.|Dsn\.)"
    r"(?:[ \t]+|[ \t]*\n[ \t]*)(?P<name>" + _PLACE_WORD
    + r"(?:[ \t]+(?!(?i:Kecamatan|Kabupaten|Kota|Provinsi|RT|RW)\b)" + _PLACE_WORD + r"){0,3})"
)
_ADDRESS_LEAD_RE = re.compile(
    r"\b(?:beralamat|berdomisili|bertempat\s+tinggal|tinggal)\s+di\s+(?P<address>[^\n]*"
    r"(?:\n[^\n]+)?)",
    re.IGNORECASE,
)


_NOT_PLACE_START_RE = re.compile(
    r"^(?:rumah\s+sakit|rs[a-z]*|puskesmas|klinik|praktik|praktek|bidan|kantor|dinas|"
    r"pemerintah|jalan|gang|gg|jln?|j[i1!|]n?|"  # a street (``JI.`` is Jl. misread)
    r"surat)\b",  # a title (``SURAT PENGANTAR``, or its first word alone); no region's name starts so
    re.IGNORECASE,
)
_PLACE_PREFIX_WORDS = {
    "kelurahan", "desa", "dusun", "kampung", "kecamatan", "kabupaten", "kota", "provinsi",
}


#: A word of this many letters or fewer, in small letters and no Kemendagri name, is no place
#: a letter names (places are capitalised): ink specks read as letters.
SPECK_LETTERS = 3


def is_place_name(value: str, persons: list[LetterField]) -> bool:
    """False for what the NER calls a place but is not: a bare ``KECAMATAN``, a facility
    (``RUMAH SAKIT UMUM``), a street (``JL. FLAMBOYAN``), a name already known as a person,
    or a few small letters (``SPECK_LETTERS``)."""
    lowered = value.lower()
    if not value or lowered in _PLACE_PREFIX_WORDS or _NOT_PLACE_START_RE.match(value):
        return False
    if value.islower() and len(value) <= SPECK_LETTERS and value.upper() not in _known_region_names():
        return False  # a speck read as a word on a line of its own (``an``: a phone letter of seed 279)

    def words(text: str) -> str:
        return " " + " ".join(re.findall(r"\w+", text.lower())) + " "

    # Punctuation aside: ``Lestari Gunawan`` is the person ``dr. Lestari Gunawan, Sp.OG``.
    return not any(words(value) in words(str(p["value"])) for p in persons)


_STREET_BEFORE_RE = re.compile(r"\b(?:jl|ji|jln|jalan|gg|gang)\.?\s*$", re.IGNORECASE)


def names_a_street(text: str, place: LetterField) -> bool:
    """Whether ``place`` is a street's name: ``JL. HASANUDDIN`` (the NER tags the name alone
    as a place; Hasanuddin is a street in every town, not where anyone lives)."""
    start = place.get("start_char")
    return isinstance(start, int) and bool(_STREET_BEFORE_RE.search(text[max(0, start - 12):start]))


_NOT_SENTENCE_END = r"(?<!\.)" + "".join(  # ``JI..``: a full stop read twice ends nothing
    rf"(?<!\b{abbreviation})"
    for abbreviation in ("Jl", "JI", "Jln", "No", "Gg", "Kel", "Kec", "Kab", "Ds", "Dsn", "Kp", "Komp",
                         "Blk", "Lt", "Prov", "Perum",
                         "4G", "CG")  # Gg with a G read as 4 or C (held-out seed 275, a clean letter)
)
_SENTENCE_END_RE = re.compile(_NOT_SENTENCE_END + r"\.(?:\s|$)", re.IGNORECASE)
_ADDRESS_PLACE_RE = re.compile(rf"{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,3}}")
_STREET_PART_RE = re.compile(r"\d|\b(?:jl|jln|jalan|gg|rt|rw|no)\b", re.IGNORECASE)


def _cut_short(place: LetterField, regions: list[Span]) -> bool:
    """True when ``place`` was read from part of a region name the gazetteer knows whole at the
    same place in the text (``Kabupaten Kep`` of ``Kabupaten Kep. Siau Tagulandang Biaro``)."""
    return any(
        region.start_char <= place["start_char"] and place["end_char"] <= region.end_char
        and region.end_char - region.start_char > place["end_char"] - place["start_char"]
        for region in regions
    )


def _cut_at_line_end(text: str, place: LetterField, known: frozenset[str]) -> LetterField:
    """``place`` ended at its first line break when the NER ran it into the next line and
    the part before the break is a region the gazetteer knows, the whole not (a letterhead's
    ``Kepulauan Aru`` and the title ``SURAT`` below it), or when the next line is the title,
    whatever the place (``KELURAHAN PASIRRAHAYU`` / ``SURAT``: a village no gazetteer knows,
    seed 329). A name wrapped at the end of a line (``Aru Tengah`` / ``Selatan``, known
    whole) stays whole."""
    printed = text[place["start_char"]:place["end_char"]]
    if "\n" not in printed:
        return place
    first_line = printed.split("\n", 1)[0]
    head = first_line.rstrip()
    into_title = _TITLE_RE.match(text, place["start_char"] + len(first_line) + 1) is not None
    if not head or (collapse_spaces(head).upper() not in known and not into_title) or (
            collapse_spaces(printed).upper() in known):
        return place
    return {**place, "value": collapse_spaces(head), "raw": head, "end_char": place["start_char"] + len(head)}


def without_line_wrapped_tails(text: str, places: list[LetterField]) -> list[LetterField]:
    """``places`` without a name read from the end of another one that the text prints
    just before it at each of its mentions (``Belakang`` at a line's end, ``Padang`` on the
    next: the NER took only ``PADANG`` of ``BELAKANG PADANG``). A name also mentioned on its
    own stays (``Kabupaten`` / ``Supiori``, and ``Supiori, 24 September 2007``)."""
    values = [str(place["value"]) for place in places]

    def tail_of_another(value: str, start: int) -> bool:
        before = " " + " ".join(text[:start].split()[-4:]).upper()
        return any(other != value and other.endswith(" " + value)
                   and before.endswith(" " + other[: -len(value)].strip()) for other in values)

    out = []
    for place in places:
        value = str(place["value"])
        mentions = [m.start() for m in re.finditer(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])",
                                                   text, re.IGNORECASE)]
        if mentions and all(tail_of_another(value, start) for start in mentions):
            continue
        out.append(place)
    return out


def address_places(text: str) -> list[LetterField]:
    """Places a letter names in addresses: ``Kelurahan Sukamaju``, ``Kec. Depok``, and the
    comma-separated tail of ``beralamat di Jl. Melati No. 3, Karangjaya, Ibele, Sleman``."""
    places: list[LetterField] = []
    for found in _PREFIXED_PLACE_RE.finditer(text):
        raw = found.group(0)
        places.append(make_field(collapse_spaces(raw), raw, found.start(), found.end(), "pattern"))
    for found in _ADDRESS_LEAD_RE.finditer(text):
        offset = found.start("address")
        for part in re.finditer(r"[^,]+", found.group("address")):
            sentence_end = _SENTENCE_END_RE.search(part.group(0))
            raw = part.group(0)[: sentence_end.start() if sentence_end else None].strip()
            if raw and _ADDRESS_PLACE_RE.fullmatch(raw) and not _STREET_PART_RE.search(raw):
                start = offset + part.start() + part.group(0).index(raw)
                places.append(
                    make_field(collapse_spaces(raw), raw, start, start + len(raw), "pattern")
                )
            if sentence_end:
                break
    return places


#: Common degrees of the doctors and midwives who sign birth statements, by their letters: a
#: degree read without its dots is spelt with them.
HEALTH_DEGREES = {re.sub(r"[^A-Za-z]", "", d).upper(): d for d in (
    "Sp.OG", "Sp.A", "Sp.PD", "Sp.B", "A.Md.Keb", "A.Md.Kes", "S.Keb", "S.Tr.Keb", "S.Ked", "M.Kes")}


def _mended_name_line(line: str) -> str:
    """A printed name line with OCR's slips undone: specks read as marks at its ends
    (``RIZKY SANTOSO |``), an O read as 0 inside a word (``SANT0SO``, ``Sp.0G``) or read twice
    in a degree (``Sp.0OG``); names and degrees hold no digits."""
    line = re.sub(r"^[|!~_`'\"»«]+\s*|\s*[|!~_`'\"»«]+$", "", collapse_spaces(line))
    name, comma, degree = line.rpartition(",")
    spelt = HEALTH_DEGREES.get(re.sub(r"[^A-Za-z]", "", degree.replace("0", "O")).upper()) if comma else None
    if spelt and "." not in degree:
        # The dots of a degree lost in a photo's blur (``SpOG``: held-out seed 247).
        return _mended_name_line(name + comma + " " + spelt)
    if comma and _DEGREE_RE.match(degree.strip()):
        # One O of a degree read twice, as a zero and a letter (``Sp.0OG`` for ``Sp.OG``).
        line = name + comma + re.sub(r"0O|O0", "O", re.sub(r"0o|o0", "o", degree))
    return re.sub(r"(?<=([A-Za-z]))0|0(?=([A-Za-z]))",
                  lambda m: "o" if (m.group(1) or m.group(2)).islower() else "O", line)


def extract_signer(text: str, letter_date: LetterField | None) -> LetterField | None:
    """The signer's name as printed (titles kept; see ``strip_titles``): the last line under
    the place-and-date line that is not a role (``Bidan yang menolong,``), an ID line
    (``NIP. ...``) or a ``label :`` line; a line of two or more words wins over a single
    word (an OCR'd signature scrawl)."""
    after = letter_date["end_char"] if letter_date else max(0, len(text) - 300)
    candidates: list[LetterField] = []
    for start, line in _lines_with_offsets(text[after:]):
        stripped = line.strip()
        if (
            not stripped or stripped.endswith(",") or ":" in stripped
            or re.match(r"(?:NIP|NRP|NIK|NIAP)\b", stripped, re.IGNORECASE)
        ):
            continue
        reading = _mended_name_line(stripped)
        if re.fullmatch(r"[A-Za-z][A-Za-z .'-]+", strip_titles(reading)):
            begin = after + start + line.index(stripped)
            candidates.append(
                make_field(reading, stripped, begin, begin + len(stripped), "pattern")
            )
    several_words = [c for c in candidates if len(strip_titles(c["value"]).split()) >= 2]
    return (several_words or candidates or [None])[-1]


def labelled_names(text: str) -> list[LetterField]:
    """Person names printed as ``Nama ... : value`` lines (``Nama``, ``Nama Ibu``, ...)."""
    names = []
    for label, raw, start, end, _ in _labelled_values(text):
        if label.startswith("nama") and not any(w in label for w in _NON_PERSON_NAME_LABELS):
            value = collapse_spaces(raw).strip(" ,.;")
            if value:
                names.append(make_field(value, raw, start, end, "pattern"))
    return names


_TRAILING_LABEL_RE = re.compile(r"(?:\s+(?:NIK|No|NO|Nomor|RT|RW|Jl|JL|Alamat))+\.?$")


def _without_trailing_label(field: LetterField) -> LetterField:
    """A name the NER ran on into the next label (``YOGA TRI SANTOSO NIK``), cut before it."""
    value = _TRAILING_LABEL_RE.sub("", str(field["value"]))
    return {**field, "value": value} if value else field


def merge_distinct(first: list[LetterField], second: list[LetterField]) -> list[LetterField]:
    """Merge two field lists in reading order, one field per name: a value that is part of
    another (``Ayu Lestari`` in ``Putri Ayu Lestari``) gives way to the longer one."""
    def words(field: LetterField) -> str:
        return " " + " ".join(re.findall(r"[A-Z0-9]+", str(field["value"]).upper())) + " "

    merged = list(first)
    for field in second:
        value = words(field)
        if any(value in words(kept) for kept in merged):
            continue
        merged = [kept for kept in merged if words(kept) not in value]
        merged.append(field)
    return sorted(merged, key=lambda field: field["start_char"])


def merge_places(named: list[LetterField], listed: list[LetterField], text: str = "") -> list[LetterField]:
    """Places the NER found and places read from addresses, in reading order. An address
    part is a place of its own even when its name is part of another (``Kebonrahayu, Jaya,
    Aceh Jaya``: the kecamatan Jaya); a place the NER found that is only part of one
    (``Lubuk Linggau Barat`` of ``Kecamatan Lubuk Linggau Barat II``) gives way, unless
    ``text`` also names it on its own (``Gresik, 27 Juni 2026`` under ``KABUPATEN GRESIK``)."""
    merged = merge_distinct(named, [])
    from_addresses: list[LetterField] = []
    for place in listed:
        value = place_value(str(place["value"]))
        if any(place_value(str(kept["value"])) == value for kept in merged):
            continue
        merged = [kept for kept in merged if any(kept is f for f in from_addresses)
                  or f" {place_value(str(kept['value']))} " not in f" {value} "
                  or _named_alone(text, str(kept["value"]), value)]
        merged.append(place)
        from_addresses.append(place)
    return sorted(merged, key=lambda field: field["start_char"])


def _named_alone(text: str, name: str, longer: str) -> bool:
    """Whether ``text`` names ``name`` somewhere not as the end of ``longer`` (``GRESIK`` of
    ``KABUPATEN GRESIK``: a signature line ``Gresik, 27 Juni 2026``)."""
    head = longer.upper()[: -len(name)].split() if longer.upper().endswith(" " + name.upper()) else None
    if not head:
        return False
    for found in re.finditer(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", text, re.IGNORECASE):
        before = text[: found.start()].upper().split()
        if before[-len(head):] != head:
            return True
    return False


def _role_before(text: str, position: int, *, window: int = 60) -> str | None:
    """The role (mother, father, child) whose cue word is closest before ``position``."""
    context = text[max(0, position - window) : position].lower()
    best: tuple[int, str] | None = None
    for pattern, role in _ROLE_CUES:
        for found in re.finditer(pattern, context):
            if best is None or found.end() > best[0]:
                best = (found.end(), role)
    return best[1] if best else None


_LONE_VALUE_RE = re.compile(r"^[ \t]*:[ \t]*(?P<value>\S[^\n]*?)[ \t]*$")


@lru_cache(maxsize=1)
def known_labels() -> frozenset[str]:
    """Every field label this module reads (``nama``, ``nik``, ``tempat/tgl lahir``, ...)."""
    labels = {label for group in _BIRTH_LABELS.values() for label in group if len(label) > 2}
    labels |= set(_BIRTH_PLACE_DATE_LABELS) | set(_SUBJECT_LABELS)
    return frozenset(labels)


def _label_key(label: str) -> str:
    """A label as looked up: spaces collapsed, lower case, an l read as ! or | put back
    (``Tempat/Tg! Lahir``); no label has those marks."""
    return re.sub(r"[!|]", "l", collapse_spaces(label).lower())


def _snapped_label(label: str) -> str:
    """A long label OCR misread by one character (``tempav/tgl lahir``) is the one known label
    that close; a known label, a short one, or one near two known labels stays as read."""
    if label in known_labels() or len(label) < 8:
        return label
    near = [known for known in known_labels()
            if len(known) >= 8 and Levenshtein.distance(label, known, score_cutoff=1) <= 1]
    return near[0] if len(near) == 1 else label


_LOST_COLON_SHORT_LABELS = ("nama", "nik", "alamat", "agama", "pekerjaan", "keperluan")


@lru_cache(maxsize=1)
def _lost_colon_re() -> re.Pattern[str]:
    """A label line whose colon OCR lost (``Nama JOKO PUTRA``, ``Tempat/Tgl Lahir Bengkulu
    Utara, ...``): a known label printed capitalised, of two words or one that is never the
    first word of a prose line, then a value starting with a capital or a digit. Taken only
    beside a line with its colon, or in a block of three such lines."""
    labels = sorted(
        (label for label in known_labels()
         if re.search(r"[ /,&]", label) or label in _LOST_COLON_SHORT_LABELS),
        key=len, reverse=True,
    )
    # An l read as i or 1 (``Tempat/Tgi Lahir``: seed 213, a phone photo).
    alternatives = "|".join(
        r"[ \t]*".join(re.escape(word).replace("l", "[li1]") for word in re.split(r"\s+", label))
        for label in labels
    )
    return re.compile(
        rf"^[ \t]*(?P<label>(?=[A-Z])(?i:{alternatives}))[ \t]+(?P<value>[A-Z0-9][^\n]*?)[ \t]*$"
    )


def _labelled_values(text: str) -> list[tuple[str, str, int, int, str | None]]:
    """``label : value`` lines as (label, value, start, end, section role) in reading order.

    The section role comes from the nearest heading or lead-in above the line
    (``Dari seorang ibu:``, ``Data Ayah``, ``Telah lahir seorang anak:``).
    """
    rows = []
    section: str | None = None
    lone_labels: list[str] = []
    lines = _lines_with_offsets(text)
    with_colon = [bool(_LABEL_LINE_RE.match(line)) for _, line in lines]
    # A block of label lines whose colons were lost (a phone photo, held-out seed 223): three
    # lines in a row, each a label and a value, with its colon or without, are such a block
    # (``Nama``, ``NIK`` without, ``Tempat/Tgl Lahir :``, ``Alamat`` without: seed 259).
    lost = [bool(_lost_colon_re().match(line)) for _, line in lines]
    label_like = [a or b for a, b in zip(lost, with_colon, strict=True)]
    blocked = [lost[i] and any(all(label_like[j] for j in range(first, first + 3))
                               for first in range(max(0, i - 2), i + 1) if first + 3 <= len(lines))
               for i in range(len(lines))]
    for index, (start, line) in enumerate(lines):
        labelled = _LABEL_LINE_RE.match(line)
        if not labelled:
            misread = _MISREAD_COLON_RE.match(line)
            # (A label a letter off, snapped as below: ``Tempav/Tgl Lahir 1 ...``, a phone
            # letter of held-out seed 601.)
            if misread and _snapped_label(_label_key(misread.group("label"))) in known_labels():
                labelled = misread
            elif any(with_colon[max(index - 1, 0) : index + 2]) or blocked[index]:
                labelled = _lost_colon_re().match(line)
        if labelled and labelled.group("value"):
            label = _snapped_label(_label_key(labelled.group("label")))
            rows.append((
                label, labelled.group("value"), start + labelled.start("value"),
                start + labelled.end("value"), section,
            ))
            continue
        lone_value = _LONE_VALUE_RE.match(line)
        if lone_value and lone_labels:
            rows.append((
                lone_labels.pop(0), lone_value.group("value"), start + lone_value.start("value"),
                start + lone_value.end("value"), section,
            ))
            continue
        if _label_key(line) in known_labels():
            lone_labels.append(_label_key(line))
            continue
        heading_role = _role_before(line + " ", len(line) + 1, window=len(line) + 1)
        if heading_role and line.strip():
            section = heading_role
    return rows


_BIRTH_LABELS: dict[str, tuple[str, ...]] = {
    "child_name": ("nama anak", "nama bayi", "nama lengkap anak"),
    "mother_name": ("nama ibu", "nama ibu kandung", "ibu kandung", "ibu"),
    "father_name": ("nama ayah", "nama bapak", "nama ayah kandung", "ayah", "bapak"),
    "child_sex": ("jenis kelamin", "jenis kelamin anak", "jenis kelamin bayi", "kelamin"),
    "birth_date": ("tanggal lahir", "tgl lahir", "tgl. lahir", "hari/tanggal", "hari / tanggal",
                   "hari, tanggal", "tanggal", "tanggal kelahiran", "hari/tanggal lahir",
                   "hari/tgl", "tgl"),
    "birth_time": ("pukul", "jam", "waktu", "jam lahir", "pukul lahir", "waktu lahir"),
    "birth_place": ("tempat lahir", "tempat kelahiran", "tempat", "di"),
}


def _parse_birth_value(key: str, raw: str) -> Any:
    if key == "child_sex":
        return normalise_sex(raw)
    if key == "birth_date":
        date_part = re.search(
            r"\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{4}|\d{1,2}\s+[A-Za-z]+\.?\s+\d{4}", raw
        )
        return parse_date(date_part.group(0)) if date_part else None
    if key == "birth_time":
        return parse_time(raw)
    return collapse_spaces(raw).strip(" ,.;")


def _birth_fields_from_labels(text: str) -> dict[str, LetterField]:
    fields: dict[str, LetterField] = {}
    for label, raw, start, end, section in _labelled_values(text):
        for key, labels in _BIRTH_LABELS.items():
            if label not in labels:
                continue
            if key in ("child_sex", "birth_date", "birth_time", "birth_place") and section not in (
                None, "child"
            ):
                continue
            value = _parse_birth_value(key, raw)
            if value and key not in fields:
                fields[key] = make_field(value, raw, start, end, "pattern")
        if label in ("nama", "nama lengkap") and section:
            key = f"{section}_name"
            if key not in fields:
                fields[key] = make_field(collapse_spaces(raw), raw, start, end, "pattern")
    return fields


_BIRTH_EVENT_RE = re.compile(
    r"\b(?:telah\s+(?:di)?lahir(?:kan)?|(?:di)?lahir(?:kan)?\s+(?:seorang|pada|di))\b",
    re.IGNORECASE,
)
_CHILD_SEX_RE = re.compile(
    r"\b(?:bayi|anak|jenis\s+kelamin)\s+(?P<sex>laki\s*-?\s*laki|perempuan|pria|wanita)\b",
    re.IGNORECASE,
)


def birth_statement(text: str) -> tuple[int, int] | None:
    """Character range of the paragraph that states the birth (``... telah lahir ...``).

    Paragraphs end at blank lines; the range is clipped to 400 characters either side.
    """
    event = _BIRTH_EVENT_RE.search(text)
    if event is None:
        return None
    start = text.rfind("\n\n", 0, event.start())
    end = text.find("\n\n", event.end())
    start = max(start + 2 if start >= 0 else 0, event.start() - 400)
    end = min(end if end >= 0 else len(text), event.end() + 400)
    return start, end


def names_after_bernama(text: str) -> list[LetterField]:
    """Names introduced in prose: ``bernama X``, ``diberi nama X``, ``atas nama X``, and
    ``bahwa X, NIK ...``."""
    names = []
    found_all = [*_BERNAMA_RE.finditer(text), *_BAHWA_NAME_RE.finditer(text)]
    for found in sorted(found_all, key=lambda match: match.start()):
        name = found.group("name").rstrip(" .")
        if name:
            start = found.start("name")
            names.append(
                make_field(collapse_spaces(name), name, start, start + len(name), "pattern")
            )
    return names


def _names_after_bernama(text: str) -> dict[str, LetterField]:
    fields: dict[str, LetterField] = {}
    for name in names_after_bernama(text):
        role = _role_before(text, name["start_char"])
        if role and f"{role}_name" not in fields:
            fields[f"{role}_name"] = name
    return fields


def _birth_fields_from_prose(text: str, doc: Doc) -> dict[str, LetterField]:
    fields = _names_after_bernama(text)
    for entity in doc.ents:
        role = _role_before(text, entity.start_char) if entity.label_ == "PER" else None
        if role and f"{role}_name" not in fields:
            fields[f"{role}_name"] = _entity_field(entity)
    sex = _CHILD_SEX_RE.search(text)
    if sex:
        fields["child_sex"] = make_field(
            normalise_sex(sex.group("sex")), sex.group("sex"), sex.start("sex"), sex.end("sex"),
            "pattern",
        )
    statement = birth_statement(text)
    if statement is None:
        return fields
    start, end = statement
    in_statement = [e for e in doc.ents if start <= e.start_char and e.end_char <= end]
    for label, key in (("DATE", "birth_date"), ("TIME", "birth_time")):
        found = next((e for e in in_statement if e.label_ == label), None)
        if found is not None:
            fields[key] = _entity_field(found)
    at = re.search(r"\bdi\s(?!bawah\b)", text[start:end])  # not "yang bertanda tangan di bawah ini"
    if at is not None:
        after_at = [e for e in in_statement if e.start_char >= start + at.start()]
        # ``di RSUD Jakarta Utara, Jakarta Utara``: the NER may take the hospital for the place.
        after_at = ([e for e in after_at if not _NOT_PLACE_START_RE.match(e.text)]
                    or after_at)
        place = (
            next((e for e in after_at if e.ent_id_ == "region"), None)
            or next((e for e in after_at if e.label_ == "LOC"), None)
            or next((e for e in after_at if e.label_ == "ORG"), None)
        )
        if place is not None:
            fields["birth_place"] = _entity_field(place)
    return fields


BIRTH_KEYS = (
    "child_name", "child_sex", "birth_date", "birth_time", "birth_place", "mother_name",
    "father_name",
)
"""Extra fields of a ``keterangan_lahir`` letter, filled when the letter states them."""


def extract_birth_fields(text: str, doc: Doc) -> dict[str, LetterField]:
    """Child, parents, date, time and place of birth: labelled lines first, then prose."""
    fields = _birth_fields_from_labels(text)
    for key, field in _birth_fields_from_prose(text, doc).items():
        fields.setdefault(key, field)
    return {key: fields[key] for key in BIRTH_KEYS if key in fields and fields[key]["value"]}


def parent_niks(text: str, doc: Doc) -> dict[str, LetterField]:
    """``mother_nik`` / ``father_nik``: a NIK in the mother's or father's labelled block, or
    the NIK that follows ``ibu bernama ...`` / ``ayah bernama ...`` in prose."""
    fields: dict[str, LetterField] = {}
    sections = {start: section for label, _, start, _, section in _labelled_values(text)
                if label == "nik"}
    for entity in doc.ents:
        if entity.label_ != "NIK":
            continue
        role = sections.get(entity.start_char) or _role_before(text, entity.start_char, window=80)
        if role in ("mother", "father") and f"{role}_nik" not in fields:
            fields[f"{role}_nik"] = _entity_field(entity)
    return fields


SUBJECT_KEYS = (
    "subject_name", "subject_nik", "subject_birth_place", "subject_birth_date", "address",
    "purpose", "domicile_since",
)
"""Fields about the person a cover letter or statement is for (``pengantar_rt_rw``,
``keterangan_domisili``, ...), filled when the letter states them."""

_BIRTH_PLACE_DATE_LABELS = (
    "tempat/tgl lahir", "tempat/tanggal lahir", "tempat, tanggal lahir", "tempat, tgl lahir",
    "tempat tgl lahir", "tempat / tgl lahir", "tempat / tanggal lahir", "tempat/tgl. lahir",
    "tempat & tanggal lahir", "tempat dan tanggal lahir", "ttl",
)
_NIK_LABELS = ("nik", "no. nik", "nomor nik", "no nik")
_ADDRESS_LABELS = ("alamat", "alamat lengkap", "alamat rumah", "tempat tinggal")
_PURPOSE_LABELS = ("keperluan", "maksud", "tujuan", "untuk keperluan")
_SUBJECT_LABELS = (
    "nama", "nama lengkap", *_NIK_LABELS, *_ADDRESS_LABELS, *_PURPOSE_LABELS, "tempat lahir",
    "tanggal lahir", "tgl lahir", "tgl. lahir", "jenis kelamin", "agama", "pekerjaan",
    "kewarganegaraan", "status perkawinan", "no. kk", "nomor kk", "no kk",
)
_PROSE_BIRTH_RE = re.compile(
    r"\blahir\s+di\s+(?P<place>[A-Z][A-Za-z'\-]*(?:\s+[A-Z][A-Za-z'\-]*){0,3})\s*,?\s*"
    r"(?:pada\s+)?(?:tanggal|tgl\.?)?\s*(?P<date>\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{4}"
    r"|\d{1,2}\s+[A-Za-z]+\.?\s+\d{4})"
)
_PROSE_ADDRESS_RE = re.compile(
    r"\b(?:berdomisili|bertempat\s+tinggal|beralamat|tinggal)\s+di\s+(?P<address>.+?)"
    # (A comma before a figure is a house number's stop: ``NO, 72``, a phone letter of seed 347.)
    r"(?=\s+(?:Kelurahan|Desa|Kel\.|Ds\.|sejak|selama|dan|yang)\b|\s*(?:;|,(?!\s*\d))|\n\n"
    r"|" + _NOT_SENTENCE_END + r"\.(?:\s|$))",
    re.DOTALL | re.IGNORECASE,
)
_PURPOSE_RE = re.compile(
    # (A speck after ``untuk`` at a line's end reads as a stop: seed 229, a phone photo.)
    r"\b(?:diberikan|dibuat|pengantar)\s+(?:sebagai\s+pengantar\s+)?untuk[.,:;]?\s+"
    r"(?!dipergunakan|digunakan)(?P<purpose>[^.\n]+(?:\n[^.\n]+)?)",
    re.IGNORECASE,
)
_CLOSING_RE = re.compile(r"\s*[,;:]?\s*\bDemikian\b", re.IGNORECASE)
#: A quote mark at a word's edge in a purpose is a speck read as one (``mengurus 'akta``: a
#: phone letter of seed 309); one inside a word (``Jum'at``) stays.
_QUOTE_SPECK_RE = re.compile(f"(?<![\\w{QUOTE_MARKS}])[{QUOTE_MARKS}]+(?=\\w)"
                             f"|(?<=\\w)[{QUOTE_MARKS}]+(?![\\w{QUOTE_MARKS}])")
_SINCE_RE = re.compile(
    r"\bsejak\s+(?:(?:bulan|tanggal|tgl\.?)\s+)?(?:(?P<day>\d{1,2})\s+)?(?P<month>[A-Za-z]+)\s+"
    r"(?P<year>\d{4})|\bsejak\s+tahun\s+(?P<only_year>\d{4})",
    re.IGNORECASE,
)


def nik_digits(value: str, text: str = "") -> str:
    """The digits of a NIK as a letter prints it; fifteen of them with a doubled digit of the
    region code read once (``109030…`` for ``1109030…``: no province 10) are the one NIK a
    digit doubled there makes, seventeen the one that dropping a digit makes, when only one
    is valid with a known region, or only one of those has its regency named in the letter's
    ``text`` (``71503…``: 7503 Bone Bolango, named, and 1503 Batang Hari, not; held-out
    seed 217). A T among the digits is a 7, its bar and stem (``T111…``: a phone letter of
    held-out seed 603)."""
    digits = re.sub(r"\D", "", re.sub(r"(?<=\d)T|T(?=\d)", "7", value))
    if len(digits) == 16 and text:
        return _region_named(digits, text)
    if len(digits) == 17:
        # A speck read as a digit (``58309…`` for ``5309…``): dropping a digit.
        candidates = {digits[:i] + digits[i + 1:] for i in range(17)}
    elif len(digits) == 15 and not ids.region_known(digits[:6]):
        candidates = {digits[:i] + digits[i] + digits[i:] for i in range(6)}
    else:
        return digits
    valid = [c for c in candidates if ids.region_known(c[:6]) and ids.nik_is_valid(c)]
    if len(valid) > 1 and text:
        valid = [c for c in valid if _regency_named(c, text.upper())]
    return valid[0] if len(valid) == 1 else digits


def _regency_named(nik: str, upper_text: str) -> bool:
    """Whether the (upper-case) text names the regency of ``nik``'s region code."""
    regencies = ids.regions().regencies
    return (nik[:4] in regencies and ids.region_known(nik[:6])
            and without_regency_prefix(regencies[nik[:4]].upper()) in upper_text)


def _region_named(digits: str, text: str) -> str:
    """A 16-digit letter NIK of no known region, read as the one NIK a confusable digit of its
    region code makes whose regency the letter names (``8212…``, no regency, for 3212…
    Indramayu: held-out seed 223, a noisy letter); else as read. A known region the letter
    does not name stays: a domicile letter is often for someone registered elsewhere."""
    if ids.region_known(digits[:6]):
        return digits
    candidates = {digits[:i] + other + digits[i + 1:] for i in range(6) for other in CONFUSABLE_DIGITS.get(digits[i], "")}
    upper = text.upper()
    found = [c for c in candidates if _regency_named(c, upper) and ids.nik_is_valid(c)]
    return found[0] if len(found) == 1 else digits


def _subject_from_labels(text: str) -> dict[str, LetterField]:
    fields: dict[str, LetterField] = {}
    for label, raw, start, end, section in _labelled_values(text):
        if section in ("mother", "father"):
            continue
        value = collapse_spaces(raw).strip(" ,.;")
        key = None
        parsed: Any = value
        if label in ("nama", "nama lengkap"):
            key = "subject_name"
        elif label in _NIK_LABELS:
            key, parsed = "subject_nik", nik_digits(value, text) or None
        elif label in _BIRTH_PLACE_DATE_LABELS and "," in value:
            place, _, when = value.rpartition(",")
            place_raw = raw[: raw.rfind(",")].strip()
            fields.setdefault("subject_birth_place", make_field(
                place.strip(), place_raw, start, start + len(place_raw), "pattern"))
            date_raw = raw[raw.rfind(",") + 1 :].strip()
            iso = parse_date(when.strip())
            if iso:
                date_start = start + raw.rindex(date_raw)
                fields.setdefault("subject_birth_date", make_field(
                    iso, date_raw, date_start, date_start + len(date_raw), "pattern"))
        elif label == "tempat lahir":
            key = "subject_birth_place"
        elif label in ("tanggal lahir", "tgl lahir", "tgl. lahir"):
            key, parsed = "subject_birth_date", parse_date(value)
        elif label in _ADDRESS_LABELS:
            key = "address"
        elif label in _PURPOSE_LABELS:
            key = "purpose"
        if key and parsed and key not in fields:
            fields[key] = make_field(parsed, raw, start, end, "pattern")
    return fields


def _subject_from_prose(text: str, doc: Doc) -> dict[str, LetterField]:
    fields: dict[str, LetterField] = {}
    names = [*_BAHWA_NAME_RE.finditer(text)]
    if names:
        name = names[0].group("name").rstrip(" .")
        start = names[0].start("name")
        fields["subject_name"] = make_field(
            collapse_spaces(name), name, start, start + len(name), "pattern"
        )
    nik = next((e for e in doc.ents if e.label_ == "NIK"), None)
    if nik is not None:
        fields["subject_nik"] = _entity_field(nik)
    born = _PROSE_BIRTH_RE.search(text)
    if born:
        fields["subject_birth_place"] = make_field(
            collapse_spaces(born.group("place")), born.group("place"), born.start("place"),
            born.end("place"), "pattern",
        )
        iso = parse_date(collapse_spaces(born.group("date")))
        if iso:
            fields["subject_birth_date"] = make_field(
                iso, born.group("date"), born.start("date"), born.end("date"), "pattern"
            )
    address = next(
        (found for found in _PROSE_ADDRESS_RE.finditer(text)
         if not found.group("address").lower().startswith("alamat")),
        None,
    )
    if address:
        raw = address.group("address").strip()
        fields["address"] = make_field(
            collapse_spaces(raw), raw, address.start("address"),
            address.start("address") + len(raw), "pattern",
        )
    purpose = _PURPOSE_RE.search(text)
    if purpose:
        # The stop before the closing ``Demikian ...`` read as a comma (a phone letter of seed
        # 331): the closing sentence is no part of the purpose.
        raw = _CLOSING_RE.split(purpose.group("purpose"), maxsplit=1)[0].strip()
        fields["purpose"] = make_field(
            collapse_spaces(_QUOTE_SPECK_RE.sub("", raw)), raw, purpose.start("purpose"),
            purpose.start("purpose") + len(raw), "pattern",
        )
    since = _SINCE_RE.search(text)
    if since:
        fields["domicile_since"] = make_field(
            _since_value(since), since.group(0), since.start(), since.end(), "pattern"
        )
    return fields


def _since_value(found: re.Match[str]) -> str | None:
    """``sejak bulan Desember 2022`` -> ``2022-12``; with a day, an ISO date; a year alone."""
    if found.group("only_year"):
        return found.group("only_year")
    month = MONTHS.get(found.group("month").lower().rstrip("."))
    if month is None:
        return None
    if found.group("day"):
        return parse_date(f"{found.group('day')} {found.group('month')} {found.group('year')}")
    return f"{found.group('year')}-{month:02d}"


def extract_subject_fields(text: str, doc: Doc) -> dict[str, LetterField]:
    """Who a cover letter or statement is about: labelled lines first, then prose."""
    fields = _subject_from_labels(text)
    for key, field in _subject_from_prose(text, doc).items():
        fields.setdefault(key, field)
    return {key: fields[key] for key in SUBJECT_KEYS if key in fields and fields[key]["value"]}


def extract_letter_fields(text: str) -> dict[str, Any]:
    """Extract DESIGN.md's ``letter`` fields from the text of a letter.

    Returns ``letter_type``, ``issuer``, ``letter_number``, ``letter_date`` (each a
    ``LetterField`` or absent when not found), ``persons``, ``places``, ``dates`` (lists of
    ``LetterField``; dates as ISO), ``signer_name``, and what the letter states of: for a
    ``keterangan_lahir`` the ``BIRTH_KEYS`` plus ``mother_nik`` / ``father_nik``; for other
    letters the ``SUBJECT_KEYS``. Offsets index ``text`` so the caller can map values to word
    boxes.
    """
    text = parenthesis_read_as_letter(stray_letter_in_nik(capitals_l_as_i(text)))
    doc = get_nlp()(text)
    fields: dict[str, Any] = {}
    letter_type = extract_letter_type(text)
    letter_date = extract_letter_date(text, doc)
    letter_month = int(letter_date["value"][5:7]) if letter_date else None
    for key, found in (
        ("letter_type", letter_type),
        ("issuer", extract_issuer(text, doc)),
        ("letter_number", extract_letter_number(text, doc, letter_month)),
        ("letter_date", letter_date),
    ):
        if found is not None:
            fields[key] = found
    signer = extract_signer(text, fields.get("letter_date"))
    if signer is not None:
        fields["signer_name"] = signer
    people = [entity for entity in doc.ents if entity.label_ == "PER"]
    named = [*labelled_names(text), *names_after_bernama(text)]
    if signer is not None:
        named.append(signer)
    fields["persons"] = merge_distinct(
        merge_distinct([], named),
        [_without_trailing_label(f) for f in entities_as_fields(drop_non_person_contexts(text, people))],
    )
    regions = [e for e in doc.ents if e.ent_id_ == "region"]
    listed = [place for place in address_places(text) if not _cut_short(place, regions)]
    known = _known_region_names()
    named = [_cut_at_line_end(text, place, known) for place in entities_by_label(doc, "LOC")]
    fields["places"] = without_line_wrapped_tails(text, canonical_places([
        place for place in merge_places(named, listed, text)
        if is_place_name(str(place["value"]), fields["persons"]) and not names_a_street(text, place)
    ]))
    fields["dates"] = entities_by_label(doc, "DATE")
    if letter_type is not None and letter_type["value"] == "keterangan_lahir":
        fields.update(extract_birth_fields(text, doc))
        fields.update(parent_niks(text, doc))
    else:
        fields.update(extract_subject_fields(text, doc))
    for key in ("birth_place", "subject_birth_place"):
        if key in fields and isinstance(fields[key]["value"], str):
            fields[key] = {**fields[key], "value": place_value(fields[key]["value"])}
            fields["places"] = _with_place(fields["places"], fields[key])
    signed_at = signing_place(text, letter_date)
    if signed_at is not None:
        fields["places"] = _with_place(fields["places"], signed_at)
    # (After the places a letter is signed at and its births are at: ``WONGGIRI, 12 Agustus
    # 2026`` under a letterhead of WONOGIRI, a noisy letter of seed 266.)
    fields.update(one_spelling_per_place(fields, text, known))
    if "address" in fields and isinstance(fields["address"]["value"], str):
        fields["address"] = {**fields["address"], "value": address_value(fields["address"]["value"])}
    return fields


def signing_place(text: str, letter_date: LetterField | None) -> LetterField | None:
    """The place of the ``Place, date`` line that dates the letter, where it was signed: a
    place of the letter whatever the NER says (the bare regency ``Bima, 1 Juli 2026`` under
    a letterhead of KABUPATEN BIMA, held-out seed 243, on all four renderings)."""
    if letter_date is None:
        return None
    for found in _PLACE_DATE_RE.finditer(text):
        if found.start("date") == letter_date["start_char"]:
            raw = found.group("place")
            value = place_value(raw)
            if not re.fullmatch(r"[A-Z][A-Z .'()-]*[A-Z]", value):
                return None
            return make_field(value, raw, found.start("place"), found.end("place"), "pattern")
    return None


def _with_place(places: list[LetterField], place: LetterField) -> list[LetterField]:
    """``places`` with a labelled place (a birth place) that the NER did not tag, in reading
    order: a value after ``Tempat Lahir`` is a place whatever the NER says (the regency
    AGAM, held-out seed 237, on all four renderings)."""
    if any(str(kept["value"]) == place["value"] for kept in places):
        return places
    return sorted([*places, place], key=lambda field: field["start_char"])


_STRAY_LETTER_IN_NIK_RE = re.compile(r"(?<![\dA-Za-z])(\d{1,15})[A-Za-z](\d{1,15})(?![\dA-Za-z])")


def stray_letter_in_nik(text: str) -> str:
    """``text`` with a letter read inside a NIK's sixteen figures made a space
    (``121704230799834T7``: a 7 read twice, as T and as 7, in a clean letter of seed 266), so
    that the figures on both sides are read as one NIK split by a space (``RULER_PATTERNS``).
    Only where the figures around the letter are sixteen; the text keeps its length."""
    return _STRAY_LETTER_IN_NIK_RE.sub(
        lambda m: f"{m.group(1)} {m.group(2)}" if len(m.group(1)) + len(m.group(2)) == 16 else m.group(), text)


#: ``(NIK 3509312405870748)`` with its parenthesis read as a capital (``ANIK 35…48)``).
_PARENTHESIS_AS_LETTER_RE = re.compile(r"(?<![\w(])[A-Z1l|](NIK[ \t]*:?[ \t]*\d{16}\))")


def parenthesis_read_as_letter(text: str) -> str:
    """``text`` with the opening parenthesis of ``(NIK …)`` read as a letter made the
    parenthesis again (``IWAN NUGROHO ANIK 3509312405870748)``: a clean letter of seed 268,
    whose father was read IWAN NUGROHO ANIK). Only where the NIK's sixteen figures are closed
    by a parenthesis; the text keeps its length."""
    return _PARENTHESIS_AS_LETTER_RE.sub(lambda m: "(" + m.group(1), text)


_CAPITALS_WITH_L_RE = re.compile(r"\b(?=\w*[A-Z]\w*[A-Z])[A-Z]*l[A-Zl]*\b")


def capitals_l_as_i(text: str) -> str:
    """``text`` with a lower-case l inside a word of capitals read as the I it is
    (``SEMIDANG AJl``: the gazetteer then knows the place), and the l and i of a Roman
    numeral after a capitalised name too (``Banyuasin li``: ``_NUMERAL_WITH_L_RE``). Same
    length, so offsets hold; ``Jl.`` (one capital) is left alone. A numeral read with a
    capital L or a 1 is mended in the place's value instead (``_numeral_mended``)."""
    text = _CAPITALS_WITH_L_RE.sub(lambda m: m.group(0).replace("l", "I"), text)
    return _NUMERAL_WITH_L_RE.sub(lambda m: m.group(1) + re.sub("[li]", "I", m.group(2)), text)


#: A Roman numeral after a capitalised name read with a lower-case l for an I (``Banyuasin
#: li``, ``Bathin li Pelayang``: held-out seeds 243 and 247); Indonesian has no such word.
_NUMERAL_WITH_L_RE = re.compile(r"(\b(?!(?i:RT|RW|No)\b)[A-Z][A-Za-z]+[ \t]+)((?=I*[li])[lIi]{2,3})(?=[ \t,.;)]|$)",
                                re.MULTILINE)


def address_value(raw: str) -> str:
    """An address as forms give it (upper case, ``JL.``), with O read for 0 in its numbers
    (``RT O11`` -> ``RT 011``) and a full stop read twice made one (``JI.. FLAMBOYAN``)."""
    raw = re.sub(r"^\s*[1Il|]?\s*:\s*", "", raw)  # the colon before it, read ``1:`` (seed 223)
    text = normalize_text(re.sub(r"\.{2,}", ".", raw)).value or ""  # ``JI..``: a speck
    # A 1 read as two strokes, a letter's beside a figure's (``RT O1L1`` for RT 011: held-out
    # seeds 403 and 405, phone photos): four signs where an RT or RW has three figures.
    text = re.sub(r"\b(RT|RW)(\s*)(?=[0-9OIL]{4}\b)([0-9OIL]*?)(L1|1L|I1|1I)([0-9OIL]*)\b",
                  lambda m: m.group(1) + m.group(2) + m.group(3) + "1" + m.group(5), text)
    text = re.sub(r"\b(RT|RW|NO\.?)(\s*)([0-9O]{1,4})\b",
                  lambda m: m.group(1) + m.group(2) + m.group(3).replace("O", "0"), text)
    # An RT or RW is three figures: its 1s read as I or L too (``RW OLI``, held-out seed 215,
    # a phone photo).
    return re.sub(r"\b(RT|RW)(\s*)(?=[0-9OIL]{3}\b)([0-9O]*[IL][0-9OIL]*)\b",
                  lambda m: m.group(1) + m.group(2) + re.sub("[IL]", "1", m.group(3).replace("O", "0")), text)


_LOWER_LEVEL_PREFIX_RE = re.compile(
    r"^(?:KELURAHAN|DESA|DUSUN|KAMPUNG|KECAMATAN|KEL\.|KEC\.|DS\.|DSN\.)\s+")


def place_value(raw: str) -> str:
    """A place in the canonical form of the KTP's region fields: upper case; a village or
    district without its ``Kelurahan``/``Desa``/``Kecamatan`` prefix (the KTP prints them
    under their own labels); a regency keeps ``KABUPATEN``/``KOTA`` (``Kab.`` spelt out).
    A region whose own name starts with such a word keeps it (the district ``DUSUN
    TENGAH`` of Barito Timur: held-out seed 215)."""
    value = two_apostrophes(collapse_spaces(raw).upper().strip(" ,."))
    if value not in _known_region_names():
        value = _LOWER_LEVEL_PREFIX_RE.sub("", value)
    return re.sub(r"^KAB\.\s*", "KABUPATEN ", value)


_NUMERAL_MISREAD_RE = re.compile(r"(?<![A-Z0-9])(?=V?[IL1]*[L1])V?[IL1]{1,3}(?![A-Z0-9])")


def _numeral_mended(value: str) -> str:
    """A place name whose Roman numeral was read with ``L`` or ``1`` for ``I`` (``BATHIN LI
    PELAYANG``, held-out seed 243; ``BATHIN VILI``, seed 257) as the Kemendagri name it then
    spells; else as read."""
    if value in _known_region_names() or not _NUMERAL_MISREAD_RE.search(value):
        return value
    mended = _NUMERAL_MISREAD_RE.sub(lambda found: re.sub("[L1]", "I", found.group()), value)
    return mended if mended in _known_region_names() else value


def canonical_places(places: list[LetterField]) -> list[LetterField]:
    """``places`` in ``place_value`` form, in reading order, one field per place (a name
    that another place's name extends by a Roman numeral only is that place, cut short)."""
    out: list[LetterField] = []
    seen: set[str] = set()
    for place in places:
        value = place_value(str(place["value"]))
        if value and " " in value and value not in _known_region_names():
            # A space read inside a name (``BAN YUASIN II``: held-out seed 223): the one
            # Kemendagri name with the same letters. Not a space lost: a village's name is no
            # Kemendagri name (``KARANGJAYA`` is no district KARANG JAYA: seed 219).
            spelt = region_names_by_letters().get(place_letters(value), ())
            value = spelt[0] if len(spelt) == 1 else value
            # A regency's name with a space lost after its KABUPATEN or KOTA (``KABUPATEN
            # MUARAENIM``: a low-contrast letter of seed 266): the one regency or city so spelt.
            bare = without_regency_prefix(value)
            if bare != value and bare not in _known_region_names():
                spelt = region_names_by_letters().get(place_letters(bare), ())
                value = value[: len(value) - len(bare)] + spelt[0] if len(spelt) == 1 else value
        value = _numeral_mended(value)
        if value and value not in seen:
            seen.add(value)
            out.append({**place, "value": value})
    # ``LUBUK LINGGAU BARAT`` beside ``LUBUK LINGGAU BARAT II`` is the same place, its
    # numeral misread (``Barat li``) and cut off; not a regency the letter names as such
    # (``BANYUASIN`` beside ``KABUPATEN BANYUASIN`` and its district ``BANYUASIN II``).
    numbered = {m.group(1) for m in (re.fullmatch(r"(.+?) (?:I{1,3}|IV|VI{0,3}|IX|X)(?: .+)?", v)
                                     for v in seen) if m}
    numbered -= {v for v in numbered if f"KABUPATEN {v}" in seen or f"KOTA {v}" in seen}
    return [place for place in out if place["value"] not in numbered]


@lru_cache(maxsize=1)
def _known_region_names() -> frozenset[str]:
    """Every region name of the gazetteer, upper case (empty without the gazetteer)."""
    nlp = get_nlp()
    if "intake_region_gazetteer" not in nlp.pipe_names:
        return frozenset()
    regions = nlp.get_pipe("intake_region_gazetteer").regions  # type: ignore[attr-defined]
    return frozenset(name.upper() for names in regions.by_kind.values() for name in names)


#: Letters of the shorter of two spellings of a word from which one character between them
#: is a slip, when the gazetteer knows neither or both; and when it knows exactly one
#: (``NJAS UTARA`` beside the gazetteer's NIAS UTARA: a clean letter of seed 265).
SLIP_WORD_LETTERS, SLIP_WORD_LETTERS_KNOWN = 6, 4


def _one_word_slip(first: str, second: str, least: int = SLIP_WORD_LETTERS) -> bool:
    """True when two place names differ in one word only, by what OCR does to a word of at
    least ``least`` letters: one character (two in a word of eight letters or more); ``I`` /
    ``II`` never count."""
    first_words, second_words = first.split(), second.split()
    if len(first_words) != len(second_words):
        return False
    differing = [(a, b) for a, b in zip(first_words, second_words, strict=True) if a != b]
    if len(differing) != 1:
        return False
    a, b = differing[0]
    shorter = min(len(re.sub(r"[^A-Z]", "", a)), len(re.sub(r"[^A-Z]", "", b)))
    return shorter >= least and Levenshtein.distance(a, b) <= (2 if shorter >= 8 else 1)


def _mentions(text: str, name: str) -> int:
    return len(re.findall(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", text, re.IGNORECASE))


def one_spelling_per_place(fields: dict[str, Any], text: str, known: frozenset[str]
                           ) -> dict[str, Any]:
    """Two readings of one place in a letter's places and issuer (``KEBONMAKMUR`` and
    ``KEBONMAKNMUR``, ``GUNUNGREJO`` and ``GUNUNGREI!JO``) become the better one: the one the gazetteer knows,
    else the one the letter prints more often, else the letterhead's (printed larger). Two
    names the gazetteer both knows, or that differ only in a short word (``SLIP_WORD_LETTERS``;
    ``SLIP_WORD_LETTERS_KNOWN`` where it knows one), are left apart.
    Returns the fields changed: ``places``, and the ``issuer`` and a birth place when they
    named the misread."""
    places = fields.get("places") or []
    title = find_title(text)
    letterhead = text[: title.start()] if title else ""
    wrong: dict[str, str] = {}
    issuer_words = str(fields["issuer"]["value"]).upper().split() if "issuer" in fields else []
    values = [str(place["value"]) for place in places]
    values += [" ".join(issuer_words[-n:]) for n in range(1, min(3, len(issuer_words)) + 1)]
    for first in values:
        for second in values:
            least = SLIP_WORD_LETTERS_KNOWN if (first in known) != (second in known) else SLIP_WORD_LETTERS
            if first >= second or not _one_word_slip(first, second, least):
                continue
            if (first in known) != (second in known):
                right = first if first in known else second
            elif first in known:
                continue
            else:
                votes = {name: (_mentions(text, name), _mentions(letterhead, name) > 0)
                         for name in (first, second)}
                if votes[first] == votes[second]:
                    continue
                right = max(votes, key=lambda name: votes[name])
            wrong[second if right == first else first] = right
    if not wrong:
        return {}

    def mend(value: str) -> str:
        for misread, right in sorted(wrong.items(), key=lambda pair: -len(pair[0])):
            value = re.sub(rf"(?<![A-Za-z]){re.escape(misread)}(?![A-Za-z])", right, value,
                           flags=re.IGNORECASE)
        return value

    changed: dict[str, Any] = {"places": canonical_places(
        [{**place, "value": mend(str(place["value"]))} for place in places])}
    for key in ("issuer", "birth_place", "subject_birth_place"):
        item = fields.get(key)
        if item is not None and mend(str(item["value"])) != item["value"]:
            changed[key] = {**item, "value": mend(str(item["value"]))}
    return changed
