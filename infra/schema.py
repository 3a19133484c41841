"""The published JSON Schema of the record (``models/record.schema.json``) and validation.

Regenerate the file after changing ``models.Record``: ``python -m infra.schema``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

import models
from models.domain import SCHEMA_VERSION, Record

SCHEMA_PATH = Path(models.__file__).resolve().parent / "record.schema.json"
SCHEMA_ID = f"https://intake.example.go.id/schemas/record-{SCHEMA_VERSION}.json"


def record_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of a published record, generated from ``models.Record``."""
    schema = Record.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            **schema}


def render_record_schema() -> str:
    """The schema file's text: sorted keys, two-space indent, trailing newline."""
    return json.dumps(record_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_record_schema(path: Path = SCHEMA_PATH) -> Path:
    """Write the record schema to ``path`` (default ``models/record.schema.json``)."""
    path.write_text(render_record_schema(), encoding="utf-8")
    return path


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = (json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) if SCHEMA_PATH.exists()
              else record_schema())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def record_errors(data: Any) -> list[str]:
    """Schema violations of ``data`` as ``path: message`` strings (empty when valid)."""
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '<record>'}: {e.message}"
            for e in sorted(_validator().iter_errors(data), key=lambda e: list(e.path))]


if __name__ == "__main__":
    print(write_record_schema())
