"""The rule engine and one YAML rule set per service (see ``rules/engine.py``)."""

from __future__ import annotations

from rules.engine import (
    RuleSet,
    applicant_of,
    evaluate,
    list_rulesets,
    load_ruleset,
    load_ruleset_file,
    outcome,
    reconcile_readings,
)

__all__ = [
    "RuleSet",
    "applicant_of",
    "evaluate",
    "list_rulesets",
    "load_ruleset",
    "load_ruleset_file",
    "outcome",
    "reconcile_readings",
]
