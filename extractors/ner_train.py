"""Train and evaluate the Indonesian NER model that ships in ``extractors/ner_model/``.

Two public corpora (PER, LOC, ORG after mapping) are converted to spaCy DocBins; a blank
``id`` pipeline (``tok2vec`` + ``ner``, spaCy's CPU efficiency configuration, our trimmed
tokeniser) is trained on both train splits, checkpointed on both dev splits, and scored on
both held-out test splits. The model directory also gets the corpora's licences, a README
with credits, and ``metrics.json``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.cli.init_config import init_config
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.training import Example
from spacy.training.initialize import init_nlp
from spacy.training.loop import train as spacy_train
from thinc.api import Config

from extractors import normalize as norm
from extractors.nlp import MODEL_DIR, TOKENIZER_NAME
from models.errors import ConfigurationError

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "ner"
"""Where the corpora live unless ``INTAKE_NER_DATA`` or ``--data`` says otherwise."""

DEFAULT_MAX_STEPS = 2400
"""Training steps: about 10 minutes on one shared core, near the F1 plateau."""

LABELS = ("PER", "LOC", "ORG")
"""Entity labels of the trained model."""

_TAG_MAP = {"PERSON": "PER", "PLACE": "LOC", "ORGANISATION": "ORG", "ORGANIZATION": "ORG"}

StepCallback = Callable[[int, int, "float | None"], None]
"""Called as ``(step, max_steps, dev_f1_or_None)`` after every training step."""


@dataclass(frozen=True)
class NerCorpus:
    """One CoNLL-style corpus on disk and how to read it."""

    name: str
    """Short name used in metrics and messages."""
    directory: str
    """Folder name under the data directory."""
    train: str
    """File name of the training split."""
    dev: str
    """File name of the development (validation) split."""
    test: str
    """File name of the held-out test split."""
    tag_column: int
    """Column index of the BIO tag (token is column 0)."""
    separator: str | None
    """Column separator; ``None`` means any whitespace."""
    licence_files: tuple[str, ...]
    """Files copied beside the shipped model."""


CORPORA = (
    NerCorpus(
        name="idner-news-2k",
        directory="idner-news-2k",
        train="train.txt",
        dev="dev.txt",
        test="test.txt",
        tag_column=-1,
        separator=None,
        licence_files=("LICENSE", "README.md"),
    ),
    NerCorpus(
        name="indonlu-nergrit",
        directory="indonlu-nergrit",
        train="train_preprocess.txt",
        dev="valid_preprocess.txt",
        test="test_preprocess.txt",
        tag_column=1,
        separator="\t",
        licence_files=("LICENSE.indonlu",),
    ),
)
"""The two corpora: idner-news-2k (MIT) and IndoNLU's NERGrit (Apache-2.0)."""

Sentence = tuple[list[str], list[str]]
"""Tokens and their BIO tags (PER/LOC/ORG)."""


def data_dir_from_env() -> Path:
    """Return the corpus folder: ``INTAKE_NER_DATA`` if set, else ``../shared/data/ner``."""
    return Path(os.environ.get("INTAKE_NER_DATA", DEFAULT_DATA_DIR))


def normalise_tag(tag: str) -> str:
    """Map a corpus tag to our BIO scheme: ``B-PERSON`` -> ``B-PER``, ``I-PLACE`` -> ``I-LOC``."""
    tag = tag.strip()
    if tag in ("", "O") or "-" not in tag:
        return "O"
    prefix, label = tag.split("-", 1)
    label = _TAG_MAP.get(label.upper(), label.upper())
    if prefix not in ("B", "I") or label not in LABELS:
        return "O"
    return f"{prefix}-{label}"


def repair_bio(tags: list[str]) -> list[str]:
    """Turn an ``I-X`` that does not continue an ``X`` entity into ``B-X``."""
    repaired: list[str] = []
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        repaired.append(tag)
        previous = tag
    return repaired


def read_conll(path: Path, *, tag_column: int, separator: str | None) -> list[Sentence]:
    """Read a CoNLL-style file (one token per line, blank line between sentences, CRLF ok)."""
    sentences: list[Sentence] = []
    words: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        columns = line.strip().split(separator) if line.strip() else []
        if not columns:
            if words:
                sentences.append((words, repair_bio(tags)))
            words, tags = [], []
            continue
        words.append(columns[0].strip())
        tags.append(normalise_tag(columns[tag_column]) if len(columns) > 1 else "O")
    if words:
        sentences.append((words, repair_bio(tags)))
    return sentences


def read_split(corpus: NerCorpus, split: str, data_dir: Path) -> list[Sentence]:
    """Read one split (``train``, ``dev`` or ``test``) of ``corpus`` from ``data_dir``."""
    path = data_dir / corpus.directory / getattr(corpus, split)
    if not path.is_file():
        raise ConfigurationError(
            f"NER corpus file {path} is missing; set INTAKE_NER_DATA or pass --data."
        )
    return read_conll(path, tag_column=corpus.tag_column, separator=corpus.separator)


def upper_case_copies(sentences: list[Sentence], every: int = 4) -> list[Sentence]:
    """Return upper-cased copies of every ``every``-th sentence that names an entity.

    Letters print names in capitals (``bernama PUTRI AYU LESTARI``); news text almost never
    does, so a share of upper-case sentences teaches the model that case is not the cue.
    """
    with_entities = [s for s in sentences if any(tag != "O" for tag in s[1])]
    return [([w.upper() for w in words], list(tags)) for words, tags in with_entities[::every]]


def sentences_to_docs(sentences: Iterable[Sentence], nlp: Language) -> Iterator[Doc]:
    """Turn tokens + BIO tags into annotated ``Doc`` objects (gold tokenisation)."""
    for words, tags in sentences:
        yield Doc(nlp.vocab, words=words, ents=tags)


def write_docbin(sentences: Iterable[Sentence], nlp: Language, path: Path) -> int:
    """Write ``sentences`` as a spaCy DocBin to ``path``; return the number of docs."""
    doc_bin = DocBin(store_user_data=False)
    for doc in sentences_to_docs(sentences, nlp):
        doc_bin.add(doc)
    doc_bin.to_disk(path)
    return len(doc_bin)


EMBED_ROWS = (5000, 1000, 2500, 2500)
"""Hash-embedding rows for NORM, PREFIX, SUFFIX, SHAPE (spaCy's efficiency default; a run
with 8000/2000/3000/3000 and dropout 0.2 reached the same dev F1, 0.736, at a larger size).

Why the shipped weights are 5.9 MB (stop 13): smaller tok2vecs score as well on the corpora's
test splits but read letters worse. On 144 letters (seeds 141, 149, 181; every rendering),
places exact / letters all exact: this model 95.8% / 91.0%; width 64 with half these rows
(2.2 MB; test F1 0.843 and 0.651) 69.4% / 64.6%; width 64 with these rows (3.5 MB) 68.8% /
59.7%. Training is deterministic: this config retrains the shipped model byte for byte."""

DROPOUT = 0.1
"""Training dropout (spaCy's default)."""


def build_config(train_path: Path, dev_path: Path, *, max_steps: int, seed: int = 0) -> Config:
    """Return spaCy's CPU-efficiency ``tok2vec`` + ``ner`` config for ``id``, capped in steps."""
    config = init_config(lang="id", pipeline=["ner"], optimize="efficiency")
    config["components"]["tok2vec"]["model"]["embed"]["rows"] = list(EMBED_ROWS)
    config["training"]["dropout"] = DROPOUT
    config["nlp"]["tokenizer"] = {"@tokenizers": TOKENIZER_NAME}
    config["paths"]["train"] = str(train_path)
    config["paths"]["dev"] = str(dev_path)
    config["system"]["seed"] = seed
    training = config["training"]
    training["max_steps"] = max_steps
    training["max_epochs"] = 0
    training["eval_frequency"] = max(50, min(200, max_steps // 10))
    training["patience"] = max(600, max_steps // 2)
    training["logger"] = {"@loggers": "intake.ner_progress.v1"}
    return config


_step_callbacks: list[StepCallback] = []


@spacy.registry.loggers("intake.ner_progress.v1")
def _progress_logger() -> Callable[..., Any]:
    """A spaCy training logger that forwards each step to the active ``StepCallback``s."""

    def setup(nlp: Language, stdout: Any = None, stderr: Any = None) -> tuple[Any, Any]:
        max_steps = int(nlp.config["training"]["max_steps"])
        state = {"step": 0}

        def log_step(info: dict[str, Any] | None) -> None:
            state["step"] += 1
            score = float(info["score"]) if info and info.get("score") is not None else None
            for callback in _step_callbacks:
                callback(state["step"], max_steps, score)

        def finalize() -> None:
            return None

        return log_step, finalize

    return setup


@dataclass(frozen=True)
class TrainingResult:
    """What a training run produced."""

    model_dir: Path
    """Where the model was written."""
    seconds: float
    """Wall-clock training time (conversion, training and evaluation)."""
    best_dev_f1: float
    """Best overall F1 on the dev splits, 0..1."""
    metrics: dict[str, Any]
    """The content of ``metrics.json``."""


def check_output_dir(out_dir: Path) -> None:
    """Refuse to replace ``out_dir`` unless it is absent, empty, or a spaCy model folder."""
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / "config.cfg").is_file():
        raise ConfigurationError(
            f"{out_dir} is not empty and holds no spaCy model; choose another --out."
        )


def train_model(
    out_dir: Path = MODEL_DIR,
    *,
    data_dir: Path | None = None,
    max_steps: int = DEFAULT_MAX_STEPS,
    on_step: StepCallback | None = None,
) -> TrainingResult:
    """Convert the corpora, train the NER model, evaluate it and write it to ``out_dir``.

    ``out_dir`` is replaced. Returns timing, the best dev F1 and the test metrics.
    """
    data_dir = data_dir or data_dir_from_env()
    check_output_dir(out_dir)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="intake-ner-") as work_name:
        work = Path(work_name)
        converter = spacy.blank("id")
        train_sentences = [s for c in CORPORA for s in read_split(c, "train", data_dir)]
        train_sentences += upper_case_copies(train_sentences)
        dev_sentences = [s for c in CORPORA for s in read_split(c, "dev", data_dir)]
        write_docbin(train_sentences, converter, work / "train.spacy")
        write_docbin(dev_sentences, converter, work / "dev.spacy")

        config = build_config(work / "train.spacy", work / "dev.spacy", max_steps=max_steps)
        nlp = init_nlp(config)
        (work / "output").mkdir()
        if on_step is not None:
            _step_callbacks.append(on_step)
        try:
            spacy_train(nlp, work / "output", stdout=io.StringIO(), stderr=io.StringIO())
        finally:
            if on_step is not None:
                _step_callbacks.remove(on_step)
        best_dir = work / "output" / "model-best"
        best = spacy.load(best_dir)
        best_dev_f1 = float(best.meta.get("performance", {}).get("ents_f") or 0.0)
        _publish_model(best_dir, out_dir, data_dir)
    training_seconds = time.monotonic() - started
    metrics = evaluate_model(out_dir, data_dir=data_dir)
    metrics["training"] = {
        "seconds": round(training_seconds, 1),
        "max_steps": max_steps,
        "best_dev_f1": round(best_dev_f1, 4),
        "train_sentences": len(train_sentences),
        "dev_sentences": len(dev_sentences),
        "model_bytes": directory_size(out_dir),
    }
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    return TrainingResult(out_dir, training_seconds, best_dev_f1, metrics)


def _publish_model(best_dir: Path, out_dir: Path, data_dir: Path) -> None:
    """Copy the best checkpoint to ``out_dir`` with cleaned config, licences and README."""
    check_output_dir(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    shutil.copytree(best_dir, out_dir)
    config = Config().from_disk(out_dir / "config.cfg", interpolate=False)
    config["paths"]["train"] = None
    config["paths"]["dev"] = None
    config.to_disk(out_dir / "config.cfg")
    meta_path = out_dir / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update(
        name="intake_ner",
        version="1.0.0",
        description="Indonesian NER (PER, LOC, ORG) for intake letters; see README.md.",
        license="MIT (idner-news-2k) and Apache-2.0 (IndoNLU NERGrit) training data",
        sources=[
            {"name": "idner-news-2k", "url": "https://github.com/khairunnisaor/idner-news-2k",
             "license": "MIT"},
            {"name": "IndoNLU NERGrit", "url": "https://github.com/IndoNLP/indonlu",
             "license": "Apache-2.0"},
        ],
    )
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    licences = out_dir / "licenses"
    licences.mkdir()
    for corpus in CORPORA:
        for name in corpus.licence_files:
            source = data_dir / corpus.directory / name
            if source.is_file():
                shutil.copyfile(source, licences / f"{corpus.name}.{name}")
    (out_dir / "README.md").write_text(MODEL_README, encoding="utf-8")
    write_region_gazetteer(data_dir, out_dir)
    write_name_words(data_dir, out_dir)


MODEL_README = """\
# intake NER model (Indonesian: PER, LOC, ORG)

A spaCy 3.8 pipeline (`tok2vec` + `ner`, CPU efficiency architecture, trimmed Indonesian
tokeniser `intake.id_tokenizer.v1` registered by `extractors/nlp.py`) trained by
`intake ner train` (`extractors/ner_train.py`). Scores per held-out test split are in
`metrics.json`.

Load it with `extractors.nlp.get_nlp()` (adds the entity ruler for NIK, KK numbers, letter
numbers, dates and times) or `extractors.nlp.load_model()`.

## Training data and credits

- **idner-news-2k** by Siti Oryza Khairunnisa, Aizhan Imankulova and Mamoru Komachi,
  "Towards a Standardized Dataset on Indonesian Named Entity Recognition" (AACL-IJCNLP SRW
  2020), re-annotating the corpus of Syaifudin & Nurwidyantoro (2016). MIT licence:
  `licenses/idner-news-2k.LICENSE`.
- **NERGrit** as distributed in **IndoNLU** (Wilie et al., "IndoNLU: Benchmark and Resources
  for Evaluating Indonesian Natural Language Understanding", AACL-IJCNLP 2020). NERGrit was
  built by the contributors of the Grit-ID project (grit.id) and redistributed by the IndoNLU
  authors; credit for the annotations goes to those NERGrit contributors. Apache License 2.0:
  `licenses/indonlu-nergrit.LICENSE.indonlu`. NERGrit's PERSON, PLACE and ORGANISATION tags
  were mapped to PER, LOC and ORG.

`regions.tsv` lists Indonesian province, regency, city and district names derived from
Kemendagri's region codes as compiled by Cahya DSN (github.com/cahyadsn/wilayah, MIT:
`licenses/regions.LICENSE.cahyadsn-wilayah`); `extractors/nlp.py` uses it to correct
place names after the NER.

`name_words.txt` lists the words tagged as persons in both corpora's training and
development splits (upper case); `extractors/kk.py` uses it to put right a name word a
phone photo's blur made into no name (``OWI`` for ``DWI``).

Modifications: tags normalised to BIO PER/LOC/ORG, invalid `I-` tags repaired to `B-`, and
upper-cased copies of a quarter of the training sentences that name an entity added.
The model weights are a derived work of both data sets; keep these licence files with it.
"""


REGIONS_FILE = "regions.tsv"
"""Gazetteer of region names (``kind<TAB>name``) written beside the model."""

_REGION_KINDS = {"1": "province", "3": "district"}
_EXTRA_PLACES = (("city", "Jakarta"), ("city", "Yogyakarta"), ("city", "Jogja"))


def region_names(regions_csv: Path) -> list[tuple[str, str]]:
    """Read Kemendagri's region list into ``(kind, name)``: province, regency, city, district.

    Regency and city names lose their ``Kabupaten``/``Kota``/``KAB.`` prefix; the kind keeps
    it. Names are title-cased as printed in the latest edition.
    """
    names: set[tuple[str, str]] = set(_EXTRA_PLACES)
    with regions_csv.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = " ".join(row["nama_terakhir"].split())
            if row["level"] == "2":
                prefix, _, rest = name.partition(" ")
                kind = "city" if prefix.lower() == "kota" else "regency"
                name = rest if prefix.lower() in ("kota", "kabupaten", "kab.") else name
                # Also as a card or letter prints it: Jakarta Utara, not only Administrasi
                # Jakarta Utara (``normalize.regency_as_printed``; a letter of seed 261).
                printed = norm.without_regency_prefix(norm.regency_as_printed(
                    " ".join(row["nama_terakhir"].upper().split())))
                if printed.lower() != name.lower():
                    names.add((kind, printed.title()))
            else:
                kind = _REGION_KINDS.get(row["level"], "")
            if kind and name:
                names.add((kind, name.title() if name.isupper() else name))
    return sorted(names)


def write_region_gazetteer(data_dir: Path, out_dir: Path) -> int:
    """Write ``regions.tsv`` and its licence into ``out_dir``; return the number of names.

    The regions live in ``<data_dir>/../regions/kemendagri_regions.csv`` (MIT, cahyadsn).
    Returns 0 and writes nothing when that file is absent.
    """
    regions_dir = data_dir.parent / "regions"
    regions_csv = regions_dir / "kemendagri_regions.csv"
    if not regions_csv.is_file():
        return 0
    names = region_names(regions_csv)
    lines = [f"{kind}\t{name}" for kind, name in names]
    (out_dir / REGIONS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    licence = regions_dir / "LICENSE.cahyadsn-wilayah"
    if licence.is_file():
        (out_dir / "licenses").mkdir(exist_ok=True)
        shutil.copyfile(licence, out_dir / "licenses" / "regions.LICENSE.cahyadsn-wilayah")
    return len(names)


NAME_WORDS_FILE = "name_words.txt"
"""Words of person names (upper case, one a line) written beside the model."""


def name_words(data_dir: Path) -> list[str]:
    """The words tagged as persons in the corpora's training and development splits (not the
    test splits), upper case, letters only, two letters or more: Indonesian name words as
    news spells them (``DWI``, ``HENDRA``, ``RAHMAN``)."""
    words: set[str] = set()
    for corpus in CORPORA:
        for split in ("train", "dev"):
            for tokens, tags in read_split(corpus, split, data_dir):
                words.update(token.upper() for token, tag in zip(tokens, tags, strict=True)
                             if tag.endswith("PER") and token.isalpha() and len(token) >= 2)
    return sorted(words)


def write_name_words(data_dir: Path, out_dir: Path) -> int:
    """Write ``name_words.txt`` into ``out_dir`` (the corpora's licences are already beside
    it); return the number of words."""
    words = name_words(data_dir)
    (out_dir / NAME_WORDS_FILE).write_text("\n".join(words) + "\n", encoding="utf-8")
    return len(words)


def evaluate_model(model_dir: Path = MODEL_DIR, *, data_dir: Path | None = None) -> dict[str, Any]:
    """Score the model in ``model_dir`` on each held-out test split (gold tokenisation).

    Returns ``{split_name: {"overall": {p, r, f}, "per_label": {LABEL: {p, r, f}},
    "sentences": n}}`` with values in 0..1.
    """
    import extractors.nlp  # noqa: F401  (registers the tokeniser the model's config names)

    data_dir = data_dir or data_dir_from_env()
    nlp = spacy.load(model_dir)
    results: dict[str, Any] = {}
    for corpus in CORPORA:
        sentences = read_split(corpus, "test", data_dir)
        examples = [
            Example(Doc(nlp.vocab, words=_words(reference)), reference)
            for reference in sentences_to_docs(sentences, nlp)
        ]
        scores = nlp.evaluate(examples)
        per_type = scores.get("ents_per_type") or {}
        results[corpus.name] = {
            "sentences": len(examples),
            "overall": _prf(scores.get("ents_p"), scores.get("ents_r"), scores.get("ents_f")),
            "per_label": {
                label: _prf(per_type.get(label, {}).get("p"), per_type.get(label, {}).get("r"),
                            per_type.get(label, {}).get("f"))
                for label in LABELS
            },
        }
    return results


def _words(doc: Doc) -> list[str]:
    return [token.text for token in doc]


def _prf(p: float | None, r: float | None, f: float | None) -> dict[str, float]:
    return {"p": round(p or 0.0, 4), "r": round(r or 0.0, 4), "f": round(f or 0.0, 4)}


def directory_size(path: Path) -> int:
    """Total size in bytes of the files under ``path``."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
