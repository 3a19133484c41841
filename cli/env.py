"""Environment that every intake process sets before Prefect is imported."""

from __future__ import annotations

import os

from infra.settings import get_settings
from infra.stack import prefect_env


def prefect_environment() -> dict[str, str]:
    """Variables that point Prefect at the local server and keep it from calling out."""
    s = get_settings()
    return {
        **prefect_env(s),
        "PREFECT_API_URL": s.prefect_api_url,
        "PREFECT_LOGGING_LEVEL": os.environ.get("PREFECT_LOGGING_LEVEL", "INFO"),
        "OMP_THREAD_LIMIT": "1",
    }


def apply_prefect_environment() -> None:
    """Set :func:`prefect_environment` in ``os.environ`` where not already set."""
    for key, value in prefect_environment().items():
        os.environ.setdefault(key, value)
