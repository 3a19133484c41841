"""The rule engine: YAML rule sets per service, loaded into pydantic models and evaluated.

A rule set (``rules/<service>.yaml``) names the service, its agency and queue, the
required document types, and a list of typed rules. Each rule has an id, a severity
(``reject`` | ``flag`` | ``info``), a message in Indonesian and English, and parameters
of its kind. ``evaluate`` turns an :class:`models.Application` into a list of
:class:`models.Issue`; ``outcome`` turns issues into ``passed`` / ``flagged`` / ``rejected``.

Field references in rule sets are ``<document type>.<field key>`` (``form.nik``), a key of
every KK member (``kk.members[].nik``), or every field of a document (``ktp.*``).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic import Field as PydField
from rapidfuzz.distance import Levenshtein

from models import Application, Document, Issue
from models import Field as DocField
from models.domain import FAINT_PRINT_REPAIR
from models.errors import ConfigurationError
from rules import identifiers as ids

RULES_DIR = Path(__file__).parent

Severity = Literal["reject", "flag", "info"]
Outcome = Literal["passed", "flagged", "rejected"]
RuleDocumentType = Literal["ktp", "kk", "form", "letter"]

#: Field sources read by a machine from an image; a rule's ``ocr_severity`` applies to them
#: (DOMAIN.md §7: an identifier that still fails after OCR repair goes to an officer).
MACHINE_READ_SOURCES = frozenset({"ocr", "ner", "pattern"})

FIELD_REF_PATTERN = r"^(ktp|kk|form|letter)\.(\*|[a-z][a-z0-9_]*(\[\]\.[a-z][a-z0-9_]*)?)$"
MESSAGE_PLACEHOLDERS = frozenset({"field", "document", "detail"})
SERVICE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")

FieldRef = Annotated[str, PydField(pattern=FIELD_REF_PATTERN)]

DOCUMENT_LABELS: dict[str, tuple[str, str]] = {
    "ktp": ("KTP", "identity card (KTP)"),
    "kk": ("Kartu Keluarga", "family card (KK)"),
    "form": ("formulir permohonan", "application form"),
    "letter": ("surat keterangan", "letter"),
    "unknown": ("dokumen", "document"),
}

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "nik": ("NIK", "NIK"),
    "full_name": ("Nama Lengkap", "full name"),
    "birth_place": ("Tempat Lahir", "place of birth"),
    "birth_date": ("Tanggal Lahir", "date of birth"),
    "sex": ("Jenis Kelamin", "sex"),
    "religion": ("Agama", "religion"),
    "nationality": ("Kewarganegaraan", "nationality"),
    "occupation": ("Pekerjaan", "occupation"),
    "address": ("Alamat", "address"),
    "phone": ("No. Telepon/HP", "phone number"),
    "email": ("Email", "email"),
    "purpose": ("Keperluan", "purpose"),
    "application_date": ("Tanggal Permohonan", "application date"),
    "child_name": ("Nama Anak", "child's name"),
    "child_sex": ("Jenis Kelamin Anak", "child's sex"),
    "birth_time": ("Pukul", "time of birth"),
    "mother_name": ("Nama Ibu", "mother's name"),
    "mother_nik": ("NIK Ibu", "mother's NIK"),
    "father_name": ("Nama Ayah", "father's name"),
    "father_nik": ("NIK Ayah", "father's NIK"),
    "kk_number": ("No. KK", "family card number"),
    "reporter_name": ("Nama Pelapor", "reporter's name"),
    "reporter_nik": ("NIK Pelapor", "reporter's NIK"),
    "owner_name": ("Nama Pemilik", "owner's name"),
    "npwp": ("NPWP", "tax number (NPWP)"),
    "business_name": ("Nama Usaha", "business name"),
    "business_address": ("Alamat Usaha", "business address"),
    "kbli": ("KBLI", "KBLI code"),
    "capital": ("Modal Usaha", "business capital"),
    "passport_type": ("Jenis Paspor", "passport type"),
    "valid_until": ("Berlaku Hingga", "valid until"),
    "members": ("Anggota Keluarga", "family members"),
    "head_name": ("Nama Kepala Keluarga", "head of family"),
    "postal_code": ("Kode Pos", "postal code"),
    "rt_rw": ("RT/RW", "RT/RW"),
    "blood_type": ("Gol. Darah", "blood type"),
    "marital_status": ("Status Perkawinan", "marital status"),
}


# --- rule models ----------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleBase(_Strict):
    """What every rule has: an id, a severity and a message in two languages.

    Messages may use ``{field}``, ``{document}`` and ``{detail}``; they never carry the
    value itself, so issues can be shown and logged without personal data.
    """

    id: str = PydField(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$",
                       description="stable rule id, e.g. SKCK-NIK-FORMAT")
    severity: Severity = PydField(description="reject | flag (to review) | info (recorded only)")
    ocr_severity: Severity | None = PydField(
        None, description="severity instead when a field involved was machine-read (OCR)")
    message_id: str = PydField(description="message in Indonesian")
    message_en: str = PydField(description="message in English")

    @field_validator("message_id", "message_en")
    @classmethod
    def _known_placeholders(cls, message: str) -> str:
        used = {name for _, name, _, _ in string.Formatter().parse(message) if name is not None}
        unknown = used - MESSAGE_PLACEHOLDERS
        if unknown:
            raise ValueError(f"unknown placeholder(s) {sorted(unknown)}; "
                             f"use {sorted(MESSAGE_PLACEHOLDERS)}")
        return message


class RequiredDocumentRule(RuleBase):
    """Each listed document type must be present (default: the set's required_documents)."""

    kind: Literal["required_document"]
    document_types: list[RuleDocumentType] | None = None
    unreadable_severity: Severity = PydField(
        "flag", description="severity instead when the application holds an unreadable or "
        "unclassified file, which may be the missing document")


class RequiredFieldRule(RuleBase):
    """Each listed field must have a non-empty value (skipped when its document is absent)."""

    kind: Literal["required_field"]
    fields: list[FieldRef] = PydField(min_length=1)


FormatName = Literal["nik", "kk_number", "npwp", "npwp_checksum", "npwp_legacy", "phone",
                     "postal_code", "rt_rw", "person_name", "regex"]


class FormatRule(RuleBase):
    """Each listed field, when present, has the named format (DOMAIN.md §1, §5)."""

    kind: Literal["format"]
    format: FormatName
    fields: list[FieldRef] = PydField(min_length=1)
    pattern: str | None = PydField(None, description="full-match regular expression for regex")
    legacy_until: date = PydField(date(2024, 12, 31),
                                  description="npwp_legacy: last day 15-digit NPWPs are fine")

    @model_validator(mode="after")
    def _pattern_compiles(self) -> FormatRule:
        if self.format == "regex":
            if not self.pattern:
                raise ValueError("format regex needs a pattern")
            try:
                re.compile(self.pattern)
            except re.error as e:
                raise ValueError(f"pattern does not compile: {e}") from e
        return self


class AllowedValuesRule(RuleBase):
    """Each listed field, when present, holds one of ``values`` (case-insensitive)."""

    kind: Literal["allowed_values"]
    fields: list[FieldRef] = PydField(min_length=1)
    values: list[str] = PydField(min_length=1)


class DateSanityRule(RuleBase):
    """Each listed date is a real date, not in the future, and within the age limits.

    Ages and day counts are taken at the application date (the form's
    ``application_date``, else today).
    """

    kind: Literal["date_sanity"]
    fields: list[FieldRef] = PydField(min_length=1)
    not_in_future: bool = True
    not_after_application: bool = True
    min_age: int | None = PydField(None, ge=0)
    max_age: int | None = PydField(None, ge=0)
    max_days_before_application: int | None = PydField(None, ge=0)


NikCheck = Literal["birth_date_valid", "serial", "printed_birth_date", "printed_sex",
                   "region_known", "region_matches_address", "default_birth_date",
                   "expected_sex"]


class NikConsistencyRule(RuleBase):
    """One NIK check (DOMAIN.md §1 R2-R8) on each listed NIK field that has 16 digits.

    Printed values (birth date, sex, province, regency) are read from the same document,
    or from the same KK member for ``kk.members[].nik``.
    """

    kind: Literal["nik_consistency"]
    check: NikCheck
    fields: list[FieldRef] = PydField(min_length=1)
    birth_date_key: str = "birth_date"
    sex_key: str = "sex"
    province_key: str = "province"
    regency_key: str = "regency"
    expected_sex: Literal["LAKI-LAKI", "PEREMPUAN"] | None = None

    @model_validator(mode="after")
    def _expected_sex_given(self) -> NikConsistencyRule:
        if self.check == "expected_sex" and self.expected_sex is None:
            raise ValueError("check expected_sex needs expected_sex: LAKI-LAKI or PEREMPUAN")
        return self


CrossCheck = Literal["same_value", "name_match", "in_kk_members", "kk_member_field",
                     "same_person"]


class CrossDocumentRule(RuleBase):
    """Consistency across documents.

    ``same_value``: the two fields are equal. ``name_match``: two names are alike after
    titles are stripped (``identifiers.name_similarity`` >= ``threshold``). ``in_kk_members``:
    each field's value is the ``member_key`` of some KK member. ``kk_member_field``: the KK
    member whose ``match_key`` (default NIK) is the first field has ``member_key`` equal
    (names: alike) to the second; nothing is reported when no member matches.
    ``same_person``: fields are [name, value, other name, other value]; every document
    whose other name is alike to the name (a KTP of the reporter) has the other value equal
    to the value; nothing is reported when no document names that person.
    """

    kind: Literal["cross_document"]
    check: CrossCheck
    fields: list[FieldRef] = PydField(min_length=1)
    threshold: float = PydField(85.0, ge=0, le=100)
    member_key: str = "nik"
    match_key: str = "nik"

    @model_validator(mode="after")
    def _field_count(self) -> CrossDocumentRule:
        if self.check in ("same_value", "name_match", "kk_member_field") and len(self.fields) != 2:
            raise ValueError(f"check {self.check} compares exactly 2 fields")
        if self.check == "same_person" and (
                len(self.fields) != 4
                or self.fields[2].split(".")[0] != self.fields[3].split(".")[0]):
            raise ValueError("check same_person takes 4 fields: name, value, and another "
                             "document's name and value (those two of one document type)")
        return self


class MinConfidenceRule(RuleBase):
    """Each listed field read with a confidence below ``minimum``, or printed faint, goes to review.

    With ``pass_if_confirmed``, a value that another document of the application holds
    exactly (read there at ``minimum`` or above) passes: two independent readings agreeing
    on a NIK or a name are not a misreading. A value printed faint (its field carries a
    "faint print" repair) goes to review however surely it was read: the print itself
    needs a look.
    """

    kind: Literal["min_confidence"]
    fields: list[FieldRef] = PydField(min_length=1)
    minimum: float = PydField(ge=0, le=1)
    pass_if_confirmed: bool = PydField(
        False, description="pass a value another document holds exactly (never a faint one)")


class ServiceMatchRule(RuleBase):
    """The form found is the form of this rule set's service."""

    kind: Literal["service_match"]


Rule = Annotated[
    Union[RequiredDocumentRule, RequiredFieldRule, FormatRule, AllowedValuesRule,
          DateSanityRule, NikConsistencyRule, CrossDocumentRule, MinConfidenceRule,
          ServiceMatchRule],
    PydField(discriminator="kind"),
]


class RuleSet(_Strict):
    """The rules of one service, as agency staff read and edit them in ``rules/<service>.yaml``."""

    service: str = PydField(description="service code, e.g. polri.skck")
    agency: str = PydField(description="agency code, the first part of the service code")
    queue: str = PydField(description="agency queue, always mpp.<service>")
    title: str = PydField("", description="the service's name as citizens know it")
    required_documents: list[RuleDocumentType] = PydField(min_length=1)
    applicant: dict[str, list[FieldRef]] = PydField(
        default_factory=dict,
        description="record key -> field references, the first non-empty one wins")
    rules: list[Rule] = PydField(min_length=1)
    _path: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _consistent(self) -> RuleSet:
        if not SERVICE_PATTERN.match(self.service):
            raise ValueError(f"service {self.service!r} is not <agency>.<service>")
        if self.agency != self.service.split(".")[0]:
            raise ValueError(f"agency {self.agency!r} does not match service {self.service!r}")
        if self.queue != f"mpp.{self.service}":
            raise ValueError(f"queue must be mpp.{self.service}, not {self.queue!r}")
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id} is used twice")
            seen.add(rule.id)
        return self

    @property
    def path(self) -> Path | None:
        """The YAML file this rule set was loaded from, if any."""
        return self._path

    def rule(self, rule_id: str) -> Rule:
        """The rule with id ``rule_id``; ``KeyError`` if there is none."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


# --- loading --------------------------------------------------------------------------------


def _yaml_line(root: yaml.Node | None, loc: Iterable[int | str]) -> int | None:
    """The 1-based line of the YAML node at pydantic error location ``loc`` (deepest found)."""
    node = root
    if node is None:
        return None
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            values = {getattr(k, "value", None): v for k, v in node.value}
            kind = values.get("kind")
            if isinstance(kind, yaml.ScalarNode) and kind.value == part:
                continue  # the union's tag (the rule's kind), not a key
            child = values.get(part)
            if child is None:
                continue  # a missing key: the error is about this mapping
            node = child
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                node = node.value[part]
    return node.start_mark.line + 1


def _refuse_duplicate_ids(data: dict[str, Any], root: yaml.Node, where: str) -> None:
    """Raise at the line of the second rule that reuses an id."""
    rules = data.get("rules")
    if not isinstance(rules, list):
        return
    seen: set[Any] = set()
    for index, rule in enumerate(rules):
        rule_id = rule.get("id") if isinstance(rule, dict) else None
        if rule_id is not None and rule_id in seen:
            line = _yaml_line(root, ("rules", index, "id"))
            raise ConfigurationError(f"{where}:{line}: rules.{index} (rule #{index + 1} "
                                     f"{rule_id}): rule id {rule_id} is used twice")
        seen.add(rule_id)


def _without_kind_tag(data: Any, loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """``rules.1.format.severity`` -> ``rules.1.severity``: drop the union tag pydantic adds."""
    if len(loc) >= 3 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = data.get("rules") if isinstance(data, dict) else None
        if (isinstance(rules, list) and 0 <= loc[1] < len(rules)
                and isinstance(rules[loc[1]], dict) and rules[loc[1]].get("kind") == loc[2]):
            return loc[:2] + loc[3:]
    return loc


def _rule_hint(data: Any, loc: tuple[int | str, ...]) -> str:
    """`` (rule #3 SKCK-NIK-FORMAT)`` when the error is inside a rule."""
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = data.get("rules") if isinstance(data, dict) else None
        rule_id = None
        if isinstance(rules, list) and 0 <= loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
            rule_id = rules[loc[1]].get("id")
        return f" (rule #{loc[1] + 1}{' ' + str(rule_id) if rule_id else ''})"
    return ""


def _parse_ruleset(text: str, where: str) -> RuleSet:
    """Validate the YAML ``text`` of a rule set; errors name ``where`` and the line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e)
        raise ConfigurationError(f"{where}{line}: invalid YAML: {problem}") from e
    if not isinstance(data, dict):
        raise ConfigurationError(f"{where}:1: a rule set must be a YAML mapping with "
                                 "service, agency, queue, required_documents and rules")
    _refuse_duplicate_ids(data, root, where)
    try:
        return RuleSet.model_validate(data)
    except ValidationError as e:
        errors = e.errors()
        first = errors[0]
        loc = _without_kind_tag(data, tuple(first["loc"]))
        line = _yaml_line(root, loc)
        dotted = ".".join(str(p) for p in loc) or "(top level)"
        more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
        raise ConfigurationError(
            f"{where}{f':{line}' if line else ''}: {dotted}{_rule_hint(data, loc)}: "
            f"{first['msg']}{more}"
        ) from e


def load_ruleset_file(path: str | Path) -> RuleSet:
    """Load and validate one YAML rule set; a broken file raises ``ConfigurationError``.

    The error message names the file and the line (``rules/polri.skck.yaml:42: ...``).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigurationError(f"{path}: cannot read rule set: {e}") from e
    ruleset = _parse_ruleset(text, str(path))
    ruleset._path = path
    return ruleset


_CACHE: dict[tuple[Path, int], RuleSet] = {}


def load_ruleset(service: str) -> RuleSet:
    """The rule set of ``service`` from ``rules/<service>.yaml`` (re-read when the file changes)."""
    if not SERVICE_PATTERN.match(service or ""):
        raise ConfigurationError(f"service {service!r} is not a service code like polri.skck")
    path = RULES_DIR / f"{service}.yaml"
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as e:
        known = ", ".join(p.stem for p in sorted(RULES_DIR.glob("*.yaml"))) or "none"
        raise ConfigurationError(f"{path}: no rule set for service {service!r} "
                                 f"(known: {known})") from e
    cached = _CACHE.get((path, mtime))
    if cached is not None:
        return cached
    ruleset = load_ruleset_file(path)
    if ruleset.service != service:
        raise ConfigurationError(f"{path}:1: file is named for {service} but says "
                                 f"service: {ruleset.service}")
    _CACHE[(path, mtime)] = ruleset
    return ruleset


def list_rulesets() -> list[RuleSet]:
    """Every rule set in ``rules/``, sorted by service code."""
    return [load_ruleset(p.stem) for p in sorted(RULES_DIR.glob("*.yaml"))]


# --- evaluation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """One value a field reference points at."""

    document: Document
    key: str
    """field key as shown in issues: ``nik`` or ``members[2].nik``"""
    value: Any
    field: DocField | None
    member: dict[str, Any] | None = None

    def sibling(self, key: str) -> Any:
        """Another value of the same KK member, else of the same document."""
        if self.member is not None and key in self.member:
            return self.member[key]
        return self.document.value(key)

    @property
    def machine_read(self) -> bool:
        """True when the value was read by OCR/NER rather than digital text or a reviewer."""
        return self.field is not None and self.field.source in MACHINE_READ_SOURCES


@dataclass(frozen=True)
class _Context:
    app: Application
    ruleset: RuleSet
    today: date
    application_date: date
    application_date_known: bool


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)):
        return not value
    return False


def _documents(app: Application, doc_type: str) -> list[Document]:
    """Every readable document of ``doc_type`` (a birth report may carry two KTPs)."""
    return [d for d in app.documents if d.status == "ok" and d.document_type == doc_type]


def _resolve_in(doc: Document, path: str) -> list[_Target]:
    if path == "*":
        return [_Target(doc, key, f.value, f) for key, f in doc.fields.items()]
    if "[]." in path:
        list_key, sub = path.split("[].", 1)
        holder = doc.fields.get(list_key)
        items = holder.value if holder is not None and isinstance(holder.value, list) else []
        return [
            _Target(doc, f"{list_key}[{i}].{sub}", item.get(sub), holder, item)
            for i, item in enumerate(items) if isinstance(item, dict)
        ]
    field = doc.fields.get(path)
    return [_Target(doc, path, None if field is None else field.value, field)]


def _resolve(ctx: _Context, ref: str) -> list[_Target]:
    """The values ``ref`` points at in every document of its type (none: empty list)."""
    doc_type, path = ref.split(".", 1)
    return [t for doc in _documents(ctx.app, doc_type) for t in _resolve_in(doc, path)]


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _label(key: str, language: int) -> str:
    base = re.sub(r"\[\d+\]", "", key).split(".")[-1]
    return FIELD_LABELS.get(base, (base, base))[language]


class _Placeholders(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _issue(rule: RuleBase, ctx: _Context, targets: list[_Target], *,
           document: str | None = None, detail: tuple[str, str] = ("", ""),
           severity: Severity | None = None, fields: list[str] | None = None) -> Issue:
    """Build the issue of ``rule`` about ``targets``, with its messages filled in."""
    if severity is None:
        severity = rule.severity
        if rule.ocr_severity is not None and any(t.machine_read for t in targets):
            severity = rule.ocr_severity
    keys = fields if fields is not None else list(dict.fromkeys(t.key for t in targets))
    doc_type = document or (targets[0].document.document_type if targets else None)
    concerned = doc_type
    if targets and document is None and len(_documents(ctx.app, doc_type or "")) > 1:
        concerned = targets[0].document.source  # which of several KTPs: its object key
    messages = []
    for language, template in enumerate((rule.message_id, rule.message_en)):
        doc_label = DOCUMENT_LABELS.get(doc_type or "", (doc_type or "", doc_type or ""))[language]
        messages.append(template.format_map(_Placeholders(
            field=", ".join(_label(k, language) for k in keys),
            document=doc_label,
            detail=detail[language],
        )).strip())
    return Issue(rule_id=rule.id, severity=severity, fields=keys, document=concerned,
                 message_id=messages[0], message_en=messages[1])


def _check_required_document(rule: RequiredDocumentRule, ctx: _Context) -> list[Issue]:
    wanted = rule.document_types or ctx.ruleset.required_documents
    present = {d.document_type for d in ctx.app.documents if d.status == "ok"}
    unreadable = any(d.status != "ok" or d.document_type == "unknown" for d in ctx.app.documents)
    severity = rule.unreadable_severity if unreadable else rule.severity
    return [_issue(rule, ctx, [], document=t, severity=severity, fields=[])
            for t in wanted if t not in present]


def _check_required_field(rule: RequiredFieldRule, ctx: _Context) -> list[Issue]:
    issues = []
    for ref in rule.fields:
        for target in _resolve(ctx, ref):
            if _blank(target.value):
                issues.append(_issue(rule, ctx, [target]))
    return issues


def _format_problem(rule: FormatRule, value: Any, ctx: _Context) -> tuple[str, str] | None:
    """``(detail_id, detail_en)`` when ``value`` does not have the rule's format."""
    text = str(value).strip()
    match rule.format:
        case "nik":
            if ids.nik_parts(text) is None:
                return ("harus 16 digit angka", "must be 16 digits")
        case "kk_number":
            problem = ids.kk_number_problem(text)
            if problem is not None:
                return {
                    "length": ("harus 16 digit angka", "must be 16 digits"),
                    "date": ("digit 7-12 bukan tanggal DDMMYY",
                             "digits 7-12 are not a DDMMYY date"),
                    "serial": ("nomor urut 0000", "serial 0000"),
                }[problem]
        case "npwp":
            problem = ids.npwp_problem(text)
            if problem == "length":
                return ("harus 15, 16 atau 22 digit", "must be 15, 16 or 22 digits")
            if problem == "nik":
                return ("NPWP 16 digit berupa NIK yang tidak sah",
                        "16-digit NPWP is not a valid NIK")
        case "npwp_checksum":
            if not ids.npwp_checksum_ok(text):
                return ("digit pemeriksa tidak cocok", "check digit does not match")
        case "npwp_legacy":
            if ids.npwp_is_legacy(text) and ctx.application_date > rule.legacy_until:
                return ("format lama 15 digit", "legacy 15-digit format")
        case "phone":
            if not ids.phone_ok(text):
                return ("bukan nomor telepon Indonesia yang sah", "not a valid Indonesian number")
        case "postal_code":
            if not ids.POSTAL_CODE_RE.match(text):
                return ("harus 5 digit", "must be 5 digits")
        case "rt_rw":
            if not ids.RT_RW_RE.match(text):
                return ("harus NNN/NNN", "must be NNN/NNN")
        case "person_name":
            problem = ids.name_problem(text)
            if problem is not None:
                return {
                    "digits_or_symbols": ("mengandung angka atau tanda baca",
                                          "contains digits or punctuation"),
                    "too_long": ("lebih dari 60 karakter", "longer than 60 characters"),
                    "single_word": ("hanya satu kata", "a single word"),
                    "apostrophe": ("mengandung apostrof", "contains an apostrophe"),
                }[problem]
        case "regex":
            if not re.fullmatch(rule.pattern or "", text):
                return ("format tidak sesuai", "wrong format")
    return None


def _check_format(rule: FormatRule, ctx: _Context) -> list[Issue]:
    issues = []
    for ref in rule.fields:
        for target in _resolve(ctx, ref):
            if _blank(target.value):
                continue
            detail = _format_problem(rule, target.value, ctx)
            if detail is not None:
                issues.append(_issue(rule, ctx, [target], detail=detail))
    return issues


def _check_allowed_values(rule: AllowedValuesRule, ctx: _Context) -> list[Issue]:
    allowed = {v.strip().upper() for v in rule.values}
    issues = []
    for ref in rule.fields:
        for target in _resolve(ctx, ref):
            if not _blank(target.value) and str(target.value).strip().upper() not in allowed:
                issues.append(_issue(rule, ctx, [target]))
    return issues


def _years_between(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _date_problem(rule: DateSanityRule, target: _Target, ctx: _Context) -> tuple[str, str] | None:
    day = _as_date(target.value)
    if day is None:
        return ("bukan tanggal yang sah", "not a valid date")
    if rule.not_in_future and day > ctx.today:
        return ("tanggal di masa depan", "date is in the future")
    is_application_date = (target.key == "application_date"
                           and target.document.document_type == "form")
    if (rule.not_after_application and ctx.application_date_known and not is_application_date
            and day > ctx.application_date):
        return ("setelah tanggal permohonan", "after the application date")
    age = _years_between(day, ctx.application_date)
    if rule.max_age is not None and age > rule.max_age:
        return (f"usia lebih dari {rule.max_age} tahun", f"age over {rule.max_age} years")
    if rule.min_age is not None and age < rule.min_age:
        return (f"usia kurang dari {rule.min_age} tahun", f"age under {rule.min_age} years")
    if (rule.max_days_before_application is not None
            and (ctx.application_date - day).days > rule.max_days_before_application):
        n = rule.max_days_before_application
        return (f"lebih dari {n} hari sebelum permohonan", f"more than {n} days before application")
    return None


def _check_date_sanity(rule: DateSanityRule, ctx: _Context) -> list[Issue]:
    issues = []
    for ref in rule.fields:
        for target in _resolve(ctx, ref):
            if _blank(target.value):
                continue
            detail = _date_problem(rule, target, ctx)
            if detail is not None:
                issues.append(_issue(rule, ctx, [target], detail=detail))
    return issues


def _nik_problem(rule: NikConsistencyRule, target: _Target,
                 ctx: _Context) -> tuple[str, str] | None:
    nik = ids.digits_only(target.value)
    parts = ids.nik_parts(nik)
    if parts is None:
        return None  # not 16 digits: the format rule reports it
    printed_date = _as_date(target.sibling(rule.birth_date_key))
    encoded_date = ids.nik_birth_date(nik, printed_date.year if printed_date else None,
                                      ctx.application_date)
    match rule.check:
        case "birth_date_valid":
            if encoded_date is None:
                return ("digit 7-12 bukan tanggal lahir yang sah (perempuan: tanggal + 40)",
                        "digits 7-12 are not a valid birth date (women: day + 40)")
        case "serial":
            if not ids.nik_serial_ok(nik):
                return ("nomor urut 0000", "serial 0000")
        case "printed_birth_date":
            if encoded_date and printed_date and encoded_date != printed_date:
                return ("tanggal lahir dalam NIK berbeda dengan yang tercetak",
                        "birth date in the NIK differs from the printed one")
        case "printed_sex":
            printed_sex = str(target.sibling(rule.sex_key) or "").strip().upper()
            encoded_sex = ids.nik_sex(parts)
            if printed_sex in (ids.MALE, ids.FEMALE) and encoded_sex and printed_sex != encoded_sex:
                return ("jenis kelamin dalam NIK berbeda dengan yang tercetak",
                        "sex in the NIK differs from the printed one")
        case "region_known":
            if not ids.region_known(parts.region):
                return ("kode wilayah tidak dikenal", "unknown region code")
        case "region_matches_address":
            if ids.region_known(parts.region) and not ids.region_matches_address(
                    parts.region, target.sibling(rule.province_key),
                    target.sibling(rule.regency_key)):
                return ("wilayah NIK berbeda dengan alamat (wajar setelah pindah)",
                        "NIK region differs from the address (normal after a move)")
        case "default_birth_date":
            if encoded_date is not None and ids.is_default_birth_date(encoded_date):
                return ("tanggal lahir bawaan (01-07 atau 31-12)",
                        "default birth date (1 July or 31 December)")
        case "expected_sex":
            encoded_sex = ids.nik_sex(parts)
            if encoded_sex is not None and encoded_sex != rule.expected_sex:
                return (f"NIK bukan milik {rule.expected_sex}", f"NIK is not a {rule.expected_sex}")
    return None


def _person_niks(ctx: _Context, besides: Document) -> list[tuple[str, Any]]:
    """(NIK, name printed with it) of every sixteen-digit NIK on documents other than ``besides``."""
    found = []
    for document in ctx.app.documents:
        if document is besides or document.status != "ok":
            continue
        for key, field in document.fields.items():
            digits = ids.digits_only(field.value)
            if _value_kind(key) == "nik" and len(digits) == 16:
                found.append((digits, _name_beside(_Target(document, key, field.value, field))))
    return found


def _row_nik_as_read_elsewhere(ctx: _Context, target: _Target) -> _Target:
    """A scanned KK row's NIK, or the same person's NIK on another document if that one differs.

    A row whose NIK is a digit or two off a NIK that another document prints beside the
    row's name holds a misread cell: its printed birth date and sex are checked against the
    other reading (a NIK defect is on every document, so it is still found there).
    """
    if target.member is None or not _kk_machine_read(ctx):
        return target
    own = ids.digits_only(target.value)
    for nik, name in _person_niks(ctx, target.document):
        if nik != own and _same_person_misread(target.member, nik, name, 85.0):
            return replace(target, value=nik)
    return target


def _check_nik_consistency(rule: NikConsistencyRule, ctx: _Context) -> list[Issue]:
    issues = []
    for ref in rule.fields:
        for target in _resolve(ctx, ref):
            if _blank(target.value):
                continue
            target = _row_nik_as_read_elsewhere(ctx, target)
            detail = _nik_problem(rule, target, ctx)
            if detail is not None and not (
                    rule.check in ("printed_birth_date", "printed_sex")
                    and _row_date_misread(ctx, target, rule.birth_date_key, rule.sex_key)):
                issues.append(_issue(rule, ctx, [target], detail=detail))
    return issues


def _row_date_misread(ctx: _Context, target: _Target, birth_date_key: str, sex_key: str) -> bool:
    """Whether a scanned KK row's printed birth date or sex, against its NIK, is a misread cell.

    It is when another document (the person's KTP, read larger) prints that NIK with the
    very birth date it encodes (a NIK encoding another date than the KTP prints is reported
    on the KTP). For a member no other document names by NIK (a sibling), it is also when
    digits 7-12 of the NIK and the encoding of the printed date and sex (day + 40 for women)
    differ in ``SIBLING_DATE_SLIPS`` digits at most, or the NIK reads them with a digit
    dropped or doubled: misread cells on a phone photo are likelier than a NIK encoding
    another date (R6, a warning only).
    """
    if target.member is None or not _kk_machine_read(ctx):
        return False
    nik = ids.digits_only(target.value)
    for other in ctx.app.documents:
        elsewhere = _as_date(other.value(birth_date_key))
        if (other is not target.document and other.status == "ok" and elsewhere is not None
                and ids.digits_only(other.value("nik")) == nik
                and ids.nik_birth_date(nik, elsewhere.year, ctx.application_date) == elsewhere):
            return True
    printed = _as_date(target.sibling(birth_date_key))
    sex = str(target.sibling(sex_key) or "").strip().upper()
    if len(nik) != 16 or printed is None or sex not in (ids.MALE, ids.FEMALE) or any(
            sum(1 for a, b in zip(nik, theirs, strict=True) if a != b) <= NIK_MISREAD_DIGITS
            for theirs, _ in _person_niks(ctx, target.document)):
        return False
    if printed > ctx.application_date:
        return True  # a birth date after the application is a misread cell (2075 for 2025)
    day = printed.day + (40 if sex == ids.FEMALE else 0)
    encoding = f"{day:02d}{printed.month:02d}{printed.year % 100:02d}"
    return (sum(1 for a, b in zip(nik[6:12], encoding, strict=True) if a != b) <= SIBLING_DATE_SLIPS
            or _read_with_a_digit_dropped_or_doubled(nik[6:], encoding))


def _read_with_a_digit_dropped_or_doubled(digits: str, encoding: str) -> bool:
    """Whether ``digits`` (a row NIK from its seventh digit) start with ``encoding`` read with
    one digit dropped or one read twice, the rest shifted (``5111681911`` for ``551116…``:
    one of the two 5s lost, the serial's digits moved up and another read at the end)."""
    dropped = {encoding[:i] + encoding[i + 1:] for i in range(len(encoding))}
    doubled = {digits[:i] + digits[i + 1:len(encoding) + 1] for i in range(len(encoding) + 1)}
    return digits[:len(encoding) - 1] in dropped or encoding in doubled


def _normalised(value: Any) -> str:
    day = _as_date(value)
    if day is not None:
        return day.isoformat()
    digits = ids.digits_only(value)
    if digits.isdigit():
        return digits
    return " ".join(str(value).upper().split())


def _present(ctx: _Context, ref: str) -> list[_Target]:
    return [t for t in _resolve(ctx, ref) if not _blank(t.value)]


def _first_present(ctx: _Context, ref: str) -> _Target | None:
    return next(iter(_present(ctx, ref)), None)


def _kk_members(ctx: _Context) -> list[dict[str, Any]] | None:
    kk = ctx.app.first("kk")
    members = kk.value("members") if kk is not None else None
    if not isinstance(members, list) or not members:
        return None
    return [m for m in members if isinstance(m, dict)]


#: A KK member's NIK read by OCR may differ from the one sought in this many digits and still
#: be that person, when the member's name matches too (a misread digit in a small table cell).
NIK_MISREAD_DIGITS = 2


def _kk_machine_read(ctx: _Context) -> bool:
    kk = ctx.app.first("kk")
    item = kk.fields.get("members") if kk is not None else None
    return item is not None and item.source in MACHINE_READ_SOURCES


#: A KK row whose NIK could not be read at all is the person sought when its printed birth
#: date and sex are those the sought NIK encodes and its name is at least this alike (the
#: name cell misread too: EAUM TRI WIJAYA for GALIH TRI WIJAYA).
UNREAD_NIK_NAME_SIMILARITY = 70.0


def _same_person_misread(member: dict[str, Any], nik: Any, name: Any, threshold: float) -> bool:
    """Whether ``member`` is the person with ``nik`` and ``name``, its NIK misread by OCR.

    Either the row's NIK is at most ``NIK_MISREAD_DIGITS`` digits off and the names are
    alike (``threshold``), or only ``UNREAD_NIK_NAME_SIMILARITY`` alike with the row printing
    the sex ``nik`` encodes and a birth date at most a digit off the encoded one (``AGUS GA``
    for ``AGUS GUNAWAN``). Or the row's NIK was not read as sixteen digits of a known region
    and the row prints the birth date and sex ``nik`` encodes with a name
    ``UNREAD_NIK_NAME_SIMILARITY`` alike, or a name alike (``threshold``), the sex ``nik``
    encodes and, if read, a birth date at most a digit off the encoded one; or the very
    name with no birth date more than ``SAME_NAME_DATE_SLIPS`` digits off; or the birth date
    and sex ``nik`` encodes with the same last name.
    """
    theirs, ours = ids.digits_only(member.get("nik")), ids.digits_only(nik)
    if len(ours) != 16 or _blank(name) or _blank(member.get("full_name")):
        return False
    similarity = ids.name_similarity(member["full_name"], name)
    if len(theirs) != 16 or not ids.region_known(theirs[:6]) and ids.region_known(ours[:6]):
        # Not read as a NIK at all: no region code is that row's (1462188903926812).
        return (similarity >= threshold and _contradicts_nothing_nik_encodes(member, ours)
                or _row_alike_by_name_sex_and_date(member, ours, similarity)
                or similarity >= SAME_NAME_SIMILARITY and _date_not_against(member, ours)
                or _prints_what_nik_encodes(member, ours) and _same_last_name(member["full_name"], name))
    differing = sum(1 for a, b in zip(theirs, ours, strict=True) if a != b)
    if differing <= NIK_MISREAD_DIGITS and (
            similarity >= threshold or _row_alike_by_name_sex_and_date(member, ours, similarity)):
        return True
    if (similarity >= SAME_NAME_SIMILARITY and theirs[:6] == ours[:6] and theirs[12:] == ours[12:]
            and (int(theirs[6]) >= 4) == (int(ours[6]) >= 4) and differing <= DATE_PART_SLIPS
            and _contradicts_nothing_nik_encodes(member, ours)):
        # The very name, region and serial: only the cell's date digits misread (470912 for
        # 470578), the sex they encode the same.
        return True
    edits = Levenshtein.distance(theirs, ours)
    if (similarity >= SAME_NAME_SIMILARITY and edits <= NIK_SLIPPED_EDITS and edits < differing
            and _contradicts_nothing_nik_encodes(member, ours)):
        # A digit slipped in (or out) shifts every digit after it: many differ in place,
        # few edits apart (1406099580189903 for 1406095801859037). Digits merely misread
        # (another serial: a twin) are as many edits as they differ in place.
        return True
    # A NIK cell misread in more digits: it does not even encode its own row's date and sex,
    # while the row prints those the sought NIK encodes, with the name.
    return (similarity >= threshold and _prints_what_nik_encodes(member, ours)
            and not _prints_what_nik_encodes(member, theirs))


#: Digits of a NIK's date part (7-12) a KK row of the very name, with the region code and
#: serial of the sought NIK, may print otherwise and still be that person (a phone photo).
DATE_PART_SLIPS = 3

#: Digits in which a sibling's NIK date part may differ from the encoding of the birth date
#: and sex the row prints, and be a misread cell (one in each cell of a phone photo's row).
SIBLING_DATE_SLIPS = 2

#: Edits (digits slipped in, dropped or misread) by which the NIK a KK row of the very name
#: prints, with the sex and about the birth date the sought NIK encodes, may be off it: a phone
#: photo's cell read with one digit too many, so that the rest moved one place.
NIK_SLIPPED_EDITS = 3


#: A KK row whose NIK was not read at all is the person of that very name (titles aside)
#: when no birth date it prints is more than ``SAME_NAME_DATE_SLIPS`` digits off the sought
#: NIK's: a sex cell can be misread too (PUTRI MANURUNG read LAKI-LAKI).
SAME_NAME_SIMILARITY = 97.0


#: Digits in which a same-named row's printed birth date may be off the sought NIK's (a
#: phone photo's date cell: 1960-06-14 for 1980-06-16); a wrong date on the person's own
#: card is reported by the NIK checks of that card, not by whether the KK lists them.
SAME_NAME_DATE_SLIPS = 2

#: A same-named row's birth date before this year is a misread cell (a phone photo's 1166
#: for 1998), read as no date at all rather than as a date against the sought NIK.
EARLIEST_PRINTED_BIRTH_YEAR = 1900


def _row_birth_date(member: dict[str, Any]) -> date | None:
    """The birth date a KK row prints, or ``None``: unread, or no date a living person's row
    prints (a year before ``EARLIEST_PRINTED_BIRTH_YEAR``: 1166 for 1998)."""
    printed = _as_date(member.get("birth_date"))
    return printed if printed is not None and printed.year >= EARLIEST_PRINTED_BIRTH_YEAR else None


def _row_birth_date_unread(member: dict[str, Any]) -> bool:
    """Whether a KK row's birth date cell was not read: blank, or a misread year cell."""
    printed = _as_date(member.get("birth_date"))
    return _blank(member.get("birth_date")) or (printed is not None and printed.year < EARLIEST_PRINTED_BIRTH_YEAR)


def _date_not_against(member: dict[str, Any], nik: str) -> bool:
    """Whether the row prints no birth date, or one at most ``SAME_NAME_DATE_SLIPS`` digits off
    the one ``nik`` encodes."""
    printed = _row_birth_date(member)
    if printed is None:
        return _row_birth_date_unread(member)
    encoded = ids.nik_birth_date(nik, printed.year)
    return encoded is not None and _digits_apart(printed, encoded) <= SAME_NAME_DATE_SLIPS


def _same_last_name(a: object, b: object) -> bool:
    """Whether two names (titles stripped) end in the same word of at least four letters
    (SEE SANTOSO, a first name misread, and BAMBANG SANTOSO)."""
    left, right = ids.strip_titles(a).split(), ids.strip_titles(b).split()
    return bool(left and right) and len(left[-1]) >= 4 and left[-1] == right[-1]


def _row_alike_by_name_sex_and_date(member: dict[str, Any], nik: str, similarity: float) -> bool:
    """Whether a KK row whose name is only ``UNREAD_NIK_NAME_SIMILARITY`` alike (a name cell
    cut short: ``DIMAS KAN`` for ``DIMAS KURNIAWAN``) is still the person with ``nik``: it
    prints the sex ``nik`` encodes and a birth date at most a digit off the encoded one."""
    return (similarity >= UNREAD_NIK_NAME_SIMILARITY and not _blank(member.get("birth_date"))
            and _contradicts_nothing_nik_encodes(member, nik))


def _contradicts_nothing_nik_encodes(member: dict[str, Any], nik: str) -> bool:
    """Whether the KK row prints the sex ``nik`` encodes and no birth date a digit or more off.

    A phone photo's row may lose its NIK and birth date cells (or misread a digit of the
    date) while its name and sex read clearly: what was read agrees with the NIK.
    """
    parts = ids.nik_parts(nik)
    sex = str(member.get("sex") or "").strip().upper()
    if parts is None or sex != ids.nik_sex(parts):
        return False
    printed = _row_birth_date(member)
    if printed is None:
        return _row_birth_date_unread(member)
    encoded = ids.nik_birth_date(nik, printed.year)  # a date a digit later is no younger person
    if encoded is None:
        return False
    return _digits_apart(printed, encoded) <= 1


def _digits_apart(a: date, b: date) -> int:
    """In how many digits two dates differ as printed (``1991-08-16`` and ``1997-08-16``: 1)."""
    return sum(1 for x, y in zip(a.isoformat(), b.isoformat(), strict=True) if x != y)


def _prints_what_nik_encodes(member: dict[str, Any], nik: str) -> bool:
    """Whether the KK row's printed birth date and sex are the ones ``nik`` encodes."""
    printed = _as_date(member.get("birth_date"))
    parts = ids.nik_parts(nik)
    if printed is None or parts is None:
        return False
    encoded = ids.nik_birth_date(nik, printed.year, printed)
    sex = str(member.get("sex") or "").strip().upper()
    return encoded == printed and sex == ids.nik_sex(parts)


def _name_beside(target: _Target) -> Any:
    """The name printed with a NIK field: ``full_name`` for ``nik``, ``father_name`` for ``father_nik``."""
    key = target.key.rsplit(".", 1)[-1]
    return target.sibling("full_name" if key == "nik" else key.removesuffix("_nik") + "_name")


def _finds_member(rule: CrossDocumentRule, ctx: _Context, members: list[dict[str, Any]], key: str,
                  target: _Target) -> dict[str, Any] | None:
    """The KK member whose ``key`` is ``target``'s value (a misread NIK allowed on scanned KKs)."""
    found = next((m for m in members if _member_matches(rule, m, key, target.value)), None)
    if found is None and key == "nik" and _kk_machine_read(ctx):
        found = next((m for name in _names_of_nik(ctx, target) for m in members
                      if _same_person_misread(m, target.value, name, 85.0)), None)
    if found is None and key == "nik" and _kk_machine_read(ctx) and _on_a_ktp(ctx, target.value):
        found = next((m for m in members if _serial_misread(m, target.value, _name_beside(target))), None)
    return found


def _on_a_ktp(ctx: _Context, nik: Any) -> bool:
    """Whether an attached KTP prints ``nik``."""
    digits = ids.digits_only(nik)
    return any(d.document_type == "ktp" and d.status == "ok" and ids.digits_only(d.value("nik")) == digits
               for d in ctx.app.documents)


def _serial_misread(member: dict[str, Any], nik: Any, name: Any) -> bool:
    """Whether a scanned KK row is the person of a KTP's ``nik`` and ``name`` with only the
    serial (the last four digits, which nothing else on the card repeats) misread: the row
    prints the very name, and its NIK's region and birth date digits are the KTP's
    (…05663317 for …05668812 on a phone photo).

    Only for a NIK an attached KTP prints: a NIK defect is on every document of the
    person, so the KTP and the KK always print the same one. A form's NIK with another
    serial than the KTP's is a mismatch for the rules to find.
    """
    theirs, ours = ids.digits_only(member.get("nik")), ids.digits_only(nik)
    return (len(theirs) == 16 and len(ours) == 16 and theirs[:12] == ours[:12]
            and ids.name_similarity(member.get("full_name"), name) >= SAME_NAME_SIMILARITY)


def _names_of_nik(ctx: _Context, target: _Target) -> list[Any]:
    """The names printed with ``target``'s NIK: beside it, then beside the same NIK elsewhere.

    A form whose reporter's name is another person's still names the KK row of its NIK
    by the name the KTP prints with that NIK, so the row's name is compared with the form's.
    """
    digits = ids.digits_only(target.value)
    return [_name_beside(target), *(name for nik, name in _person_niks(ctx, target.document)
                                     if nik == digits and not _blank(name))]


def _nik_read_otherwise(member: dict[str, Any], nik: Any) -> tuple[str, str]:
    """Why a scanned KK row of the right name may not show ``nik``: its NIK cell as read."""
    theirs, ours = ids.digits_only(member.get("nik")), ids.digits_only(nik)
    if len(theirs) != 16 or len(ours) != 16:
        return ("NIK pada baris KK atas nama tersebut tidak terbaca utuh; periksa gambar KK.",
                "The NIK on the KK row with that name could not be read whole; check the KK "
                "image.")
    n = sum(1 for a, b in zip(theirs, ours, strict=True) if a != b)
    return (f"Baris KK atas nama tersebut terbaca dengan NIK lain ({n} digit berbeda); KK "
            "dibaca dari gambar, bandingkan dengan gambar.",
            f"The KK row with that name was read with another NIK ({n} digits differ); the KK "
            "was read from an image, compare with it.")


def _why_not_in_scanned_kk(ctx: _Context, members: list[dict[str, Any]],
                           target: _Target) -> tuple[str, str]:
    """For a scanned KK: what its rows show of the person ``target`` names, for the officer."""
    if not _kk_machine_read(ctx):
        return ("", "")
    name = _name_beside(target)
    alike = [m for m in members if not _blank(name) and not _blank(m.get("full_name"))
             and ids.name_similarity(m["full_name"], name) >= 85.0]
    if alike:
        return _nik_read_otherwise(alike[0], target.value)
    kk = ctx.app.first("kk")
    confidence = kk.fields["members"].confidence if kk is not None else 0.0
    return (f"Tidak ada baris KK atas nama tersebut yang terbaca; tabel anggota KK dibaca dari "
            f"gambar (keyakinan {confidence:.2f}), periksa gambar KK.",
            f"No KK row read has that name either; the KK member table was read from an image "
            f"(confidence {confidence:.2f}), check the KK image.")


def _member_matches(rule: CrossDocumentRule, member: dict[str, Any], key: str, value: Any) -> bool:
    theirs = member.get(key)
    if _blank(theirs):
        return False
    if key.endswith("name"):
        return ids.name_similarity(theirs, value) >= rule.threshold
    return _normalised(theirs) == _normalised(value)


def _check_cross_document(rule: CrossDocumentRule, ctx: _Context) -> list[Issue]:
    if rule.check in ("same_value", "name_match"):
        left, rights = _first_present(ctx, rule.fields[0]), _present(ctx, rule.fields[1])
        if left is None or not rights:
            return []
        if rule.check == "same_value":
            agrees = any(_normalised(left.value) == _normalised(r.value) for r in rights)
        else:
            agrees = any(ids.name_similarity(left.value, r.value) >= rule.threshold
                         for r in rights)
        return [] if agrees else [_issue(rule, ctx, [left, rights[0]])]
    if rule.check == "same_person":
        return _check_same_person(rule, ctx)
    members = _kk_members(ctx)
    if members is None:
        return []
    if rule.check == "in_kk_members":
        issues = []
        for ref in rule.fields:
            for target in _present(ctx, ref):
                if _finds_member(rule, ctx, members, rule.member_key, target) is None:
                    issues.append(_issue(rule, ctx, [target],
                                         detail=_why_not_in_scanned_kk(ctx, members, target)))
        return issues
    key_target, value_target = (_first_present(ctx, ref) for ref in rule.fields)
    if key_target is None or value_target is None:
        return []
    member = _finds_member(rule, ctx, members, rule.match_key, key_target)
    if member is None or _blank(member.get(rule.member_key)):
        return []  # not in the KK: an in_kk_members rule reports that
    if _member_matches(rule, member, rule.member_key, value_target.value):
        return []
    if (rule.member_key == "nik" and rule.match_key.endswith("name") and _kk_machine_read(ctx)
            and _same_person_misread(member, value_target.value, key_target.value, rule.threshold)):
        return []  # the row of that name, its NIK cell misread by a digit or two (or unread)
    if (rule.member_key == "full_name" and _kk_machine_read(ctx)
            and _row_name_misread(ctx, member, key_target, value_target.value, rule.threshold)):
        return []  # the row of that very NIK, its name cell misread (PRASLIYO for PRASETYO)
    if (rule.member_key != "full_name" and rule.member_key.endswith("name") and _kk_machine_read(ctx)
            and _parent_cell_misread(members, member[rule.member_key], value_target.value, rule.threshold,
                                     _kk_table_confidence(ctx))):
        return []
    if (not _member_matches(rule, member, rule.match_key, key_target.value)
            and rule.member_key == "full_name" and value_target.value == _name_beside(key_target)
            and _same_person_misread(member, key_target.value, value_target.value, 85.0)):
        return []  # a row with a misread NIK, found by this very name: compared there
    detail = ("", "")
    if rule.member_key == "nik" and _kk_machine_read(ctx):
        detail = _nik_read_otherwise(member, value_target.value)
    return [_issue(rule, ctx, [value_target], detail=detail)]


def _row_name_misread(ctx: _Context, member: dict[str, Any], nik: _Target, name: Any,
                      threshold: float) -> bool:
    """Whether a scanned KK row found by ``nik`` holds ``name`` misread.

    It does when a document other than ``nik``'s (the person's KTP, a letter) prints that
    NIK with ``name`` (``threshold`` alike) and the row's name cell is at least
    ``UNREAD_NIK_NAME_SIMILARITY`` alike. A name that differs on the form is still found by
    the form-to-KTP name rules.
    """
    digits = ids.digits_only(nik.value)
    if _blank(member.get("full_name")) or ids.name_similarity(member["full_name"], name) < UNREAD_NIK_NAME_SIMILARITY:
        return False
    return any(theirs == digits and not _blank(printed) and ids.name_similarity(printed, name) >= threshold
               for theirs, printed in _person_niks(ctx, nik.document))


#: Below this confidence a scanned KK's member table was read poorly (a phone photo): a
#: parent's name cell ``UNREAD_NIK_NAME_SIMILARITY`` alike is taken as misread even when the
#: parent's own row was not read either (TAMAN SUSANTO for RAHMA TRI SUSANTO, at 0.44).
UNSURE_TABLE_CONFIDENCE = 0.6
#: A parent's name cell this alike, beginning with the same word, is the parent's name cut
#: short (NIA CT for NIA ANWAR) when the KK lists the parent under that very name.
PARENT_CELL_CUT_SIMILARITY = 50.0


def _kk_table_confidence(ctx: _Context) -> float:
    kk = ctx.app.first("kk")
    item = kk.fields.get("members") if kk is not None else None
    return item.confidence if item is not None else 1.0


def _parent_cell_misread(members: list[dict[str, Any]], cell: Any, name: Any, threshold: float,
                         table_confidence: float = 1.0) -> bool:
    """Whether a scanned KK row's mother's (father's) name cell is ``name`` misread.

    It is when the small parent cell is at least ``UNREAD_NIK_NAME_SIMILARITY`` alike
    (``DCW AYU LLSMANA`` for ``DEWI AYU LESMANA``) and the KK lists that parent as a member
    under ``name`` (their own row, read alike) or the table was read poorly
    (``UNSURE_TABLE_CONFIDENCE``); or when the cell begins with the parent's first name,
    ``PARENT_CELL_CUT_SIMILARITY`` alike, the rest scraps, and the KK lists the parent
    under that very name.
    """
    similarity = ids.name_similarity(cell, name)
    alike = [ids.name_similarity(m["full_name"], name) for m in members if not _blank(m.get("full_name"))]
    if similarity >= UNREAD_NIK_NAME_SIMILARITY and (
            any(a >= threshold for a in alike) or table_confidence < UNSURE_TABLE_CONFIDENCE):
        return True
    cell_words, name_words = ids.strip_titles(cell).split(), ids.strip_titles(name).split()
    return (similarity >= PARENT_CELL_CUT_SIMILARITY and bool(cell_words) and bool(name_words)
            and cell_words[0] == name_words[0] and any(a >= SAME_NAME_SIMILARITY for a in alike)
            and all(len(w) <= 3 or any(Levenshtein.distance(w, n) <= 1 for n in name_words)
                    for w in cell_words[1:]))  # scraps, not another surname read whole


def _faint(field: DocField) -> bool:
    return any(r.startswith(FAINT_PRINT_REPAIR) for r in field.repairs)


def _value_kind(key: str) -> str:
    """Which values may confirm each other: every NIK, every person's name, else the same key."""
    if key == "nik" or key.endswith("_nik"):
        return "nik"
    if key == "full_name" or (key.endswith("_name") and key != "business_name"):
        return "name"
    return key


#: Values specific enough that another document holding the same one confirms a reading
#: (a sex or a religion agrees by chance too often; a sex the NIK beside it encodes is
#: confirmed, see ``_confirmed_elsewhere``).
CONFIRMABLE_KINDS = frozenset({"nik", "name", "kk_number", "npwp", "birth_date"})


def _confirmed_elsewhere(ctx: _Context, target: _Target, minimum: float) -> bool:
    """Whether another document holds ``target``'s value exactly, read clearly (not faint).

    A sex is confirmed only when the NIK of its own document encodes it as well (a KTP's
    printed LAKI-LAKI and the form's NIK, for a form's sex cell read at 0.39).
    """
    field = target.field
    if field is None or isinstance(field.value, (list, dict)) or _faint(field):
        return False
    kind, value = _value_kind(target.key), _normalised(field.value)
    if kind == "sex":
        # Two values agree by chance too often, unless the document's own NIK encodes it too.
        parts = ids.nik_parts(ids.digits_only(target.sibling("nik")))
        if parts is None or ids.nik_sex(parts) != value:
            return False
    elif kind not in CONFIRMABLE_KINDS:
        return False
    return any(
        other is not target.document and _value_kind(key) == kind
        and not isinstance(theirs.value, (list, dict)) and not _blank(theirs.value)
        and theirs.confidence >= minimum and not _faint(theirs)
        and _normalised(theirs.value) == value
        for other in ctx.app.documents if other.status == "ok"
        for key, theirs in other.fields.items()
    )


def _check_same_person(rule: CrossDocumentRule, ctx: _Context) -> list[Issue]:
    """The value beside a name equals the value beside the same name on another document."""
    name, value = (_first_present(ctx, ref) for ref in rule.fields[:2])
    if name is None or value is None:
        return []
    value_key = rule.fields[3].split(".", 1)[1]
    theirs = [
        _resolve_in(other.document, value_key)[0] for other in _present(ctx, rule.fields[2])
        if ids.name_similarity(other.value, name.value) >= rule.threshold
    ]
    theirs = [t for t in theirs if not _blank(t.value)]
    if not theirs or any(_normalised(t.value) == _normalised(value.value) for t in theirs):
        return []
    return [_issue(rule, ctx, [value, theirs[0]])]


def _check_min_confidence(rule: MinConfidenceRule, ctx: _Context) -> list[Issue]:
    issues = []
    seen: set[tuple[int, str]] = set()
    for ref in rule.fields:
        doc_type, path = ref.split(".", 1)
        list_ref = f"{doc_type}.{path.split('[].', 1)[0]}"  # a members[] path: the list field
        for target in _resolve(ctx, list_ref):
            field = target.field
            if (field is None or _blank(field.value) or field.source == "review"
                    or field.confidence >= rule.minimum and not _faint(field)):
                continue
            if rule.pass_if_confirmed and _confirmed_elsewhere(ctx, target, rule.minimum):
                continue
            if (id(target.document), target.key) in seen:
                continue
            seen.add((id(target.document), target.key))
            detail = (f"keyakinan {field.confidence:.2f} < {rule.minimum:.2f}",
                      f"confidence {field.confidence:.2f} < {rule.minimum:.2f}")
            if _faint(field):
                detail = ("tercetak samar", "printed faint")
            issues.append(_issue(rule, ctx, [target], detail=detail))
    return issues


def _check_service_match(rule: ServiceMatchRule, ctx: _Context) -> list[Issue]:
    form = ctx.app.first("form")
    if form is None or not form.service or form.service == ctx.ruleset.service:
        return []
    return [_issue(rule, ctx, [], document="form", fields=[])]


_CHECKS: dict[str, Callable[[Any, _Context], list[Issue]]] = {
    "required_document": _check_required_document,
    "required_field": _check_required_field,
    "format": _check_format,
    "allowed_values": _check_allowed_values,
    "date_sanity": _check_date_sanity,
    "nik_consistency": _check_nik_consistency,
    "cross_document": _check_cross_document,
    "min_confidence": _check_min_confidence,
    "service_match": _check_service_match,
}


def _context(app: Application, ruleset: RuleSet, today: date | None) -> _Context:
    today = today or date.today()
    form = app.first("form")
    applied = _as_date(form.value("application_date")) if form is not None else None
    return _Context(app, ruleset, today, applied or today, applied is not None)


#: A document settles another's choice among equal readings only when it holds one read this surely.
SETTLING_CONFIDENCE = 0.8
#: Why a field's value changed in ``reconcile_readings`` (in its ``repairs``).
SETTLED_REPAIR = "reading settled by another document"


def reconcile_readings(app: Application) -> Application:
    """``app`` with each value its print left undecided settled by the other documents.

    A field with ``readings`` (other values its print allows as well, e.g. a NIK read with a
    digit to spare) takes the one of them that another document holds, read clearly
    (``SETTLING_CONFIDENCE``, not faint), when exactly one of them is held that way. Nothing
    else changes: a reading that no other document confirms stays as read, for the rules to
    judge. Returns ``app`` itself when nothing is settled.
    """
    held: dict[str, list[tuple[Document, str]]] = {}
    for doc in app.documents:
        if doc.status != "ok":
            continue
        for key, item in doc.fields.items():
            if (isinstance(item.value, (str, int)) and not _blank(item.value) and not _faint(item)
                    and item.confidence >= SETTLING_CONFIDENCE):
                held.setdefault(_value_kind(key), []).append((doc, _normalised(item.value)))
    documents, changed = [], False
    for doc in app.documents:
        fields = dict(doc.fields)
        for key, item in doc.fields.items():
            if not item.readings or _faint(item):
                continue
            elsewhere = {value for other, value in held.get(_value_kind(key), []) if other is not doc}
            settled = {r for r in item.readings if _normalised(r) in elsewhere}
            if len(settled) == 1 and _normalised(item.value) not in elsewhere:
                value = settled.pop()
                fields[key] = item.model_copy(update={
                    "value": value, "readings": [item.value, *(r for r in item.readings if r != value)],
                    "repairs": [*item.repairs, SETTLED_REPAIR]})
                changed = True
        documents.append(doc.model_copy(update={"fields": fields}) if fields != doc.fields else doc)
    return app.model_copy(update={"documents": documents}) if changed else app


def evaluate(app: Application, ruleset: RuleSet, today: date | None = None) -> list[Issue]:
    """Every issue the rules of ``ruleset`` find in ``app``, in rule order, de-duplicated.

    ``today`` (default: the current date) is the reference for "not in the future". The rules
    see the application with its undecided readings settled (``reconcile_readings``).
    """
    ctx = _context(reconcile_readings(app), ruleset, today)
    issues: list[Issue] = []
    seen: set[tuple[str, str | None, tuple[str, ...]]] = set()
    for rule in ruleset.rules:
        for issue in _CHECKS[rule.kind](rule, ctx):
            key = (issue.rule_id, issue.document, tuple(issue.fields))
            if key not in seen:
                seen.add(key)
                issues.append(issue)
    return issues


def outcome(issues: Iterable[Issue]) -> Outcome:
    """``rejected`` if any issue rejects, else ``flagged`` if any flags, else ``passed``."""
    severities = {i.severity for i in issues}
    if "reject" in severities:
        return "rejected"
    if "flag" in severities:
        return "flagged"
    return "passed"


#: Used when a rule set does not say where its applicant's details are.
DEFAULT_APPLICANT: dict[str, list[str]] = {
    "full_name": ["ktp.full_name", "form.full_name"],
    "nik": ["ktp.nik", "form.nik"],
    "birth_place": ["ktp.birth_place", "form.birth_place"],
    "birth_date": ["ktp.birth_date", "form.birth_date"],
    "sex": ["ktp.sex", "form.sex"],
    "address": ["ktp.address", "form.address"],
    "phone": ["form.phone"],
    "email": ["form.email"],
}


def applicant_of(app: Application, ruleset: RuleSet | None = None) -> dict[str, Any]:
    """The applicant as a normalised person for the record: identity from the KTP, else the form.

    Which fields make the applicant is said by the rule set's ``applicant`` mapping (for a
    birth report the applicant is the reporter); keys with no value are left out.
    """
    if ruleset is None:
        try:
            ruleset = load_ruleset(app.service)
        except ConfigurationError:
            ruleset = None
    mapping = (ruleset.applicant if ruleset is not None and ruleset.applicant
               else DEFAULT_APPLICANT)
    ctx = _context(app, ruleset or _PLACEHOLDER_RULESET, None)
    person: dict[str, Any] = {}
    for key, refs in mapping.items():
        for ref in refs:
            target = _first_present(ctx, ref)
            if target is not None:
                value = target.value
                if key in ("nik", "kk_number", "npwp"):
                    value = ids.digits_only(value)
                elif isinstance(value, str):
                    value = " ".join(value.split())
                person[key] = value
                break
    return person


_PLACEHOLDER_RULESET = RuleSet(
    service="none.none", agency="none", queue="mpp.none.none", required_documents=["form"],
    rules=[ServiceMatchRule(kind="service_match", id="NONE", severity="info",
                            message_id="-", message_en="-")],
)
