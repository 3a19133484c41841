"""Configuration from environment variables (prefix ``INTAKE_``) and ``var/credentials.json``."""

from __future__ import annotations

import json
import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def project_root() -> Path:
    """The folder holding ``pyproject.toml`` (the checkout), else the working directory."""
    here = Path(__file__).resolve().parent.parent
    return here if (here / "pyproject.toml").exists() else Path.cwd()


class Settings(BaseSettings):
    """Every knob of intake; each is read from ``INTAKE_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="forbid")

    var_dir: Path = Field(default_factory=lambda: project_root() / "var",
                          description="state: pid files, logs, SQLite files, S3 data")
    database_url: str = Field("", description="SQLAlchemy URL; default SQLite under var/")
    broker_url: str = Field("", description="kombu URL; default SQLite under var/")
    s3_host: str = "127.0.0.1"
    s3_port: int = 8333
    s3_bucket: str = "intake"
    s3_access_key: str = ""
    s3_secret_key: str = ""
    prefect_host: str = "127.0.0.1"
    prefect_port: int = 4200
    quiet_period_seconds: float = Field(60.0, description="an inbox prefix without manifest is "
                                        "ready after this long without new objects")
    max_file_bytes: int = 50 * 1024 * 1024
    max_pages: int = 20
    max_pixels: int = 60_000_000
    ocr_timeout_seconds: float = 120.0
    ocr_workers: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1))

    @property
    def s3_endpoint(self) -> str:
        """``host:port`` of the S3 server, as the minio SDK wants it."""
        return f"{self.s3_host}:{self.s3_port}"

    @property
    def prefect_api_url(self) -> str:
        """The Prefect server's API address."""
        return f"http://{self.prefect_host}:{self.prefect_port}/api"

    @property
    def prefect_ui_url(self) -> str:
        """The Prefect UI address for operators."""
        return f"http://{self.prefect_host}:{self.prefect_port}"

    @property
    def effective_database_url(self) -> str:
        """``database_url`` or the SQLite default under ``var/``."""
        return self.database_url or f"sqlite:///{self.var_dir / 'intake.db'}"

    @property
    def effective_broker_url(self) -> str:
        """``broker_url`` or kombu's SQLite transport under ``var/``."""
        return self.broker_url or f"sqla+sqlite:///{self.var_dir / 'queues.db'}"

    def credentials(self) -> tuple[str, str]:
        """S3 access and secret key: from the environment, else generated once into var/."""
        if self.s3_access_key and self.s3_secret_key:
            return self.s3_access_key, self.s3_secret_key
        path = self.var_dir / "credentials.json"
        if path.exists():
            data = json.loads(path.read_text())
        else:
            self.var_dir.mkdir(parents=True, exist_ok=True)
            data = {"access_key": "intake-" + secrets.token_hex(6),
                    "secret_key": secrets.token_urlsafe(30)}
            path.write_text(json.dumps(data))
            path.chmod(0o600)
        return data["access_key"], data["secret_key"]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests call ``get_settings.cache_clear()``)."""
    return Settings()
