"""The published record schema matches the model and rejects what consumers could not read."""

from __future__ import annotations

import json

from infra.schema import SCHEMA_PATH, record_errors, render_record_schema
from models.domain import Record


def test_schema_file_is_generated_from_the_current_model() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_record_schema(), (
        "models/record.schema.json is stale: run `python -m infra.schema`")


def test_a_record_passes_and_a_broken_one_names_its_faults() -> None:
    record = Record(application_id="A-1", service="polri.skck", agency="polri", status="passed")
    assert record_errors(json.loads(record.model_dump_json())) == []

    broken = json.loads(record.model_dump_json()) | {"status": "lost", "version": "two"}
    faults = record_errors(broken)
    assert any(f.startswith("status:") for f in faults)
    assert any(f.startswith("version:") for f in faults)
