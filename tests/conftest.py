"""Shared infrastructure fixtures: isolated settings, SeaweedFS, Prefect, PostgreSQL, RabbitMQ.

Every test session gets its own ``var/`` in a temporary folder and its own free ports, so
it runs beside a developer's ``intake stack up`` and beside other test sessions.
PostgreSQL and RabbitMQ tests skip when the service is unreachable, unless
``INTAKE_REQUIRE_SERVICES=1`` (CI), where they fail instead.
"""

from __future__ import annotations

import importlib.metadata
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from infra.settings import Settings, get_settings
from infra.stack import PREFECT, S3, WEED_PORT_OFFSETS, free_port_block, stack_down, stack_up
from infra.storage import Storage

POSTGRES_URL = os.environ.get("INTAKE_TEST_POSTGRES_URL",
                              "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
RABBITMQ_URL = os.environ.get("INTAKE_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


def require_services() -> bool:
    """True when missing PostgreSQL/RabbitMQ must fail the tests (CI)."""
    return os.environ.get("INTAKE_REQUIRE_SERVICES", "") == "1"


def unavailable(reason: str) -> None:
    """Skip the test for ``reason``, or fail it when ``INTAKE_REQUIRE_SERVICES=1``."""
    if require_services():
        pytest.fail(f"{reason} (INTAKE_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def _ephemeral_ports_start() -> int:
    """The first port of the kernel's range for outgoing connections (32768 if unknown)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings for this test session: a temporary ``var/`` and free ports.

    Sets ``INTAKE_VAR_DIR``, ``INTAKE_S3_PORT`` and ``INTAKE_PREFECT_PORT`` in the
    environment for the whole session, so ``get_settings()`` and subprocesses agree.
    """
    var_dir = tmp_path_factory.mktemp("var")
    # Below the kernel's ephemeral range: a port chosen there can be taken as the source port
    # of any outgoing connection before the service binds it (``Port 33930 is already in
    # use``: Prefect failed to start once in a fresh clone).
    stop = _ephemeral_ports_start()
    start = 20000 + (os.getpid() % max(1, (stop - 20000) // 60 - 4)) * 60
    s3_port = free_port_block(len(WEED_PORT_OFFSETS), start=start, stop=stop)
    prefect_port = free_port_block(1, start=s3_port + len(WEED_PORT_OFFSETS), stop=stop)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INTAKE_VAR_DIR", str(var_dir))
        mp.setenv("INTAKE_S3_PORT", str(s3_port))
        mp.setenv("INTAKE_PREFECT_PORT", str(prefect_port))
        for name in ("INTAKE_DATABASE_URL", "INTAKE_BROKER_URL", "INTAKE_S3_ACCESS_KEY",
                     "INTAKE_S3_SECRET_KEY"):
            mp.delenv(name, raising=False)
        get_settings.cache_clear()
        yield get_settings()
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def s3_stack(settings: Settings) -> Iterator[Storage]:
    """SeaweedFS running for the session (loopback, own ports); yields a ``Storage``."""
    stack_up(settings, services=(S3,), timeout=60)
    try:
        yield Storage(settings)
    finally:
        stack_down(settings, names=[S3])


@pytest.fixture
def storage(s3_stack: Storage) -> Storage:
    """The session's ``Storage`` with an empty bucket."""
    for obj in s3_stack.list(""):
        s3_stack.delete(obj.key)
    return s3_stack


@pytest.fixture(scope="session")
def prefect_server(settings: Settings) -> Iterator[str]:
    """A real Prefect server for the session; ``PREFECT_API_URL`` points at it.

    Yields the API URL. The first session on a machine migrates Prefect's database
    (20-50 s) and keeps a copy of the empty, migrated database in the temp folder; later
    sessions start from that copy (about 10 s).
    """
    home = settings.var_dir / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    cache = (Path(tempfile.gettempdir()) / "intake-test-cache"
             / f"prefect-{importlib.metadata.version('prefect')}.db")
    if cache.exists():
        shutil.copyfile(cache, home / "prefect.db")
    stack_up(settings, services=(PREFECT,), timeout=180)
    if not cache.exists():
        _snapshot_sqlite(home / "prefect.db", cache)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PREFECT_API_URL", settings.prefect_api_url)
        mp.setenv("PREFECT_HOME", str(settings.var_dir / "prefect"))
        mp.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        mp.setenv("PREFECT_SERVER_UI_V2_ENABLED", "false")
        mp.setenv("DO_NOT_TRACK", "1")
        # Prefect reads the environment once, at import: override its live settings too
        from prefect.settings import PREFECT_API_URL, temporary_settings

        try:
            with temporary_settings(updates={PREFECT_API_URL: settings.prefect_api_url}):
                yield settings.prefect_api_url
        finally:
            stack_down(settings, names=[PREFECT])


def _snapshot_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database consistently (the backup API), atomically into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
        src.backup(dst)
    partial.replace(target)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite database URL for one test."""
    return f"sqlite:///{tmp_path / 'intake.db'}"


@pytest.fixture(scope="session")
def _postgres_server() -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except Exception as e:  # noqa: BLE001 - any failure means: not usable here
        unavailable(f"PostgreSQL not reachable at {POSTGRES_URL}: {type(e).__name__}")
    finally:
        engine.dispose()
    return POSTGRES_URL


@pytest.fixture
def postgres_url(_postgres_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    import sqlalchemy as sa

    name = f"intake_test_{secrets.token_hex(4)}"
    admin = sa.create_engine(_postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(sa.engine.make_url(_postgres_server).set(database=name)
                  .render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test runs on a fresh SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'intake.db'}"
    return str(request.getfixturevalue("postgres_url"))


def _rabbitmqctl(*args: str) -> bool:
    program = shutil.which("rabbitmqctl")
    if program is None:
        return False
    done = subprocess.run([program, *args], capture_output=True, timeout=30, check=False)
    return done.returncode == 0


@pytest.fixture(scope="session")
def rabbitmq_url() -> Iterator[str]:
    """RabbitMQ for the session, in a fresh virtual host when ``rabbitmqctl`` works here."""
    from kombu import Connection

    try:
        with Connection(RABBITMQ_URL, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as e:  # noqa: BLE001 - any failure means: not usable here
        unavailable(f"RabbitMQ not reachable at {RABBITMQ_URL}: {type(e).__name__}")
    vhost = f"intake-test-{secrets.token_hex(4)}"
    if _rabbitmqctl("add_vhost", vhost) and _rabbitmqctl(
            "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"):
        try:
            parts = urlsplit(RABBITMQ_URL)
            yield f"{parts.scheme}://{parts.netloc}/{vhost}"
        finally:
            _rabbitmqctl("delete_vhost", vhost)
    else:
        yield RABBITMQ_URL


@pytest.fixture
def sqlite_broker_url(tmp_path: Path) -> str:
    """kombu's SQLite transport in a fresh file for one test."""
    return f"sqla+sqlite:///{tmp_path / 'queues.db'}"


@pytest.fixture(params=["sqlite", "rabbitmq"])
def broker_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test runs on kombu's SQLite transport and on RabbitMQ."""
    if request.param == "sqlite":
        return f"sqla+sqlite:///{tmp_path / 'queues.db'}"
    return str(request.getfixturevalue("rabbitmq_url"))
