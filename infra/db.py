"""Records, seen documents and the transactional outbox (SQLAlchemy Core + Alembic).

SQLite by default (a file under ``var/``), PostgreSQL through ``INTAKE_DATABASE_URL``.
A record and its outbox row are written in one transaction, so a record reaches its
queue at least once after it is committed (``infra.queues.relay_outbox`` sends it).
Database driver errors become ``RetryableError`` here, at this one boundary.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from infra.settings import Settings, get_settings
from models.domain import Record
from models.errors import ConfigurationError, RetryableError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_READ_ONLY = "intake_read_only"
_PG_MIGRATION_LOCK = 7_311_024  # any constant: serialises concurrent migrate() calls

metadata = sa.MetaData()

applications = sa.Table(
    "applications", metadata,
    sa.Column("application_id", sa.String(200), primary_key=True),
    sa.Column("service", sa.String(100), nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("record", sa.Text, nullable=False),
    sa.Column("reviewed", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

documents_seen = sa.Table(
    "documents_seen", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("object_key", sa.String(1024), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("application_id", sa.String(200), nullable=True, index=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("reason_code", sa.String(50), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("object_key", "sha256", name="uq_documents_seen_key_sha"),
)

outbox = sa.Table(
    "outbox", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("message_id", sa.String(250), nullable=False, unique=True),
    sa.Column("queue", sa.String(200), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
)


def content_hash(objects: Iterable[tuple[str, str]]) -> str:
    """SHA-256 over the sorted ``(object_key, sha256)`` pairs of an application's files."""
    digest = hashlib.sha256()
    for key, sha in sorted(objects):
        digest.update(f"{key}\t{sha}\n".encode())
    return digest.hexdigest()


def queue_name(service: str) -> str:
    """The agency queue of ``service``: ``mpp.<service>``."""
    return f"mpp.{service}"


@dataclass(frozen=True)
class SaveResult:
    """What ``RecordStore.save_record`` did."""

    application_id: str
    version: int
    """the stored version (the existing one when nothing changed)"""
    created: bool
    """a new version and its outbox row were written"""

    @property
    def message_id(self) -> str:
        """``<application_id>:<version>``, the queue message id of this version."""
        return f"{self.application_id}:{self.version}"


@dataclass(frozen=True)
class StoredRecord:
    """One row of ``applications`` with its record."""

    application_id: str
    service: str
    status: str
    version: int
    content_hash: str
    reviewed: bool
    created_at: datetime
    updated_at: datetime
    record: Record


@dataclass(frozen=True)
class OutboxMessage:
    """One message waiting in (or sent from) the outbox."""

    id: int
    message_id: str
    queue: str
    body: str
    """the record JSON with its version set"""
    attempts: int
    published_at: datetime | None = None


@dataclass(frozen=True)
class SeenDocument:
    """A file (object key + content hash) the pipeline has already handled."""

    object_key: str
    sha256: str
    application_id: str | None
    status: str
    reason_code: str | None


def _now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def _mapped_errors(action: str) -> Iterator[None]:
    """Database unreachable, locked or failing mid-transaction: retry later."""
    try:
        yield
    except IntegrityError:
        raise
    except (OperationalError, DBAPIError) as e:
        raise RetryableError(f"database {action} failed: {type(e.orig).__name__}") from e


class _Conflict(Exception):
    """Another writer changed the application between our read and our write."""


def _sqlite_engine(url: str) -> Engine:
    path = sa.engine.make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA busy_timeout=30000")

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # writers take the lock up front (IMMEDIATE): no lock-upgrade deadlock between them
        read_only = conn.get_execution_options().get(_READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a 30 s lock wait and write-first transactions."""
    try:
        if url.startswith("sqlite"):
            return _sqlite_engine(url)
        return sa.create_engine(url, pool_pre_ping=True)
    except (sa.exc.ArgumentError, ImportError) as e:
        raise ConfigurationError(f"bad INTAKE_DATABASE_URL {url!r}: {e}") from e


class RecordStore:
    """Application records, seen documents and the outbox in one SQL database."""

    def __init__(self, url: str | None = None) -> None:
        """Open (lazily) the database at ``url`` (default: ``settings.effective_database_url``)."""
        self.url = url or get_settings().effective_database_url
        self.engine = make_engine(self.url)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> RecordStore:
        """The store at ``settings.effective_database_url``."""
        return cls((settings or get_settings()).effective_database_url)

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn.execution_options(**{_READ_ONLY: True})

    # -- schema -----------------------------------------------------------------------

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision (safe to call every start)."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with _mapped_errors("migration"), self.engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"),
                             {"k": _PG_MIGRATION_LOCK})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    # -- records ----------------------------------------------------------------------

    def save_record(self, record: Record, content_hash: str, *,
                    supersede: bool = False, publish: bool = True) -> SaveResult:
        """Store ``record`` and its outbox message in one transaction, idempotently.

        ``publish=False`` stores the record without an outbox message: a flagged
        application waits for review and reaches its queue only once corrected.

        Same application and same ``content_hash`` as stored: nothing is written and the
        stored version is returned (``created=False``). Otherwise the version goes up by
        one (1 for a new application) and the outbox gets ``<application_id>:<version>``
        for queue ``mpp.<service>``. ``supersede=True`` stores a new version even with
        an unchanged hash (a reviewer's correction).
        """
        for _attempt in range(5):
            try:
                with _mapped_errors("save_record"):
                    return self._save_once(record, content_hash, supersede, publish)
            except (IntegrityError, _Conflict):
                continue  # a concurrent writer won; read again
        raise RetryableError(f"save_record {record.application_id}: concurrent writers "
                             "kept conflicting; retry")

    def _save_once(self, record: Record, digest: str, supersede: bool,
                   publish: bool = True) -> SaveResult:
        app_id = record.application_id
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(applications.c.version, applications.c.content_hash)
                .where(applications.c.application_id == app_id).with_for_update()
            ).first()
            if row is not None and row.content_hash == digest and not supersede:
                return SaveResult(app_id, row.version, created=False)
            version = 1 if row is None else row.version + 1
            stored = record.model_copy(update={"version": version})
            body = stored.model_dump_json()
            now = _now()
            values = {"service": record.service, "status": record.status, "version": version,
                      "content_hash": digest, "record": body,
                      "reviewed": record.review is not None, "updated_at": now}
            if row is None:
                conn.execute(applications.insert().values(application_id=app_id,
                                                          created_at=now, **values))
            else:
                changed = conn.execute(
                    applications.update()
                    .where(applications.c.application_id == app_id,
                           applications.c.version == row.version)
                    .values(**values)).rowcount
                if changed != 1:
                    raise _Conflict(app_id)
            if publish:
                conn.execute(outbox.insert().values(
                    message_id=stored.message_id, queue=queue_name(record.service),
                    body=body, created_at=now, attempts=0))
        return SaveResult(app_id, version, created=True)

    def get_record(self, application_id: str) -> Record | None:
        """The newest stored record of ``application_id``, or None."""
        stored = self.get_stored(application_id)
        return None if stored is None else stored.record

    def get_stored(self, application_id: str) -> StoredRecord | None:
        """The ``applications`` row of ``application_id`` with its record, or None."""
        rows = self._select_records(applications.c.application_id == application_id)
        return rows[0] if rows else None

    def list_records(self, status: str | None = None, service: str | None = None,
                     limit: int | None = None) -> list[StoredRecord]:
        """Stored applications, newest update first, optionally by status and service."""
        conditions = []
        if status is not None:
            conditions.append(applications.c.status == status)
        if service is not None:
            conditions.append(applications.c.service == service)
        return self._select_records(*conditions, limit=limit)

    def _select_records(self, *conditions: Any, limit: int | None = None) -> list[StoredRecord]:
        query = (sa.select(applications).where(*conditions)
                 .order_by(applications.c.updated_at.desc(), applications.c.application_id))
        if limit is not None:
            query = query.limit(limit)
        with _mapped_errors("read"), self._read() as conn:
            rows = conn.execute(query).mappings().all()
        return [StoredRecord(r["application_id"], r["service"], r["status"], r["version"],
                             r["content_hash"], bool(r["reviewed"]), r["created_at"],
                             r["updated_at"], Record.model_validate_json(r["record"]))
                for r in rows]

    def status_counts(self) -> dict[str, int]:
        """Number of applications per status."""
        query = sa.select(applications.c.status, sa.func.count()).group_by(applications.c.status)
        with _mapped_errors("read"), self._read() as conn:
            return {status: n for status, n in conn.execute(query)}

    # -- outbox -----------------------------------------------------------------------

    def pending_outbox(self, limit: int = 100) -> list[OutboxMessage]:
        """Unpublished outbox messages, oldest first."""
        query = (sa.select(outbox).where(outbox.c.published_at.is_(None))
                 .order_by(outbox.c.id).limit(limit))
        return self._select_outbox(query)

    def outbox_messages(self, application_id: str | None = None) -> list[OutboxMessage]:
        """Every outbox message (published or not), optionally of one application."""
        query = sa.select(outbox).order_by(outbox.c.id)
        if application_id is not None:
            query = query.where(outbox.c.message_id.like(f"{application_id}:%"))
        return self._select_outbox(query)

    def _select_outbox(self, query: Any) -> list[OutboxMessage]:
        with _mapped_errors("read"), self._read() as conn:
            rows = conn.execute(query).mappings().all()
        return [OutboxMessage(r["id"], r["message_id"], r["queue"], r["body"], r["attempts"],
                              r["published_at"]) for r in rows]

    def mark_published(self, ids: Sequence[int]) -> None:
        """Mark outbox rows ``ids`` as sent (rows already marked keep their first time)."""
        if not ids:
            return
        with _mapped_errors("mark_published"), self.engine.begin() as conn:
            conn.execute(outbox.update()
                         .where(outbox.c.id.in_(list(ids)), outbox.c.published_at.is_(None))
                         .values(published_at=_now()))

    def record_attempt(self, ids: Sequence[int]) -> None:
        """Count one more publishing attempt for outbox rows ``ids``."""
        if not ids:
            return
        with _mapped_errors("record_attempt"), self.engine.begin() as conn:
            conn.execute(outbox.update().where(outbox.c.id.in_(list(ids)))
                         .values(attempts=outbox.c.attempts + 1))

    def outbox_counts(self) -> dict[str, int]:
        """``{"pending": n, "published": m}``."""
        published = sa.func.count(outbox.c.published_at)
        with _mapped_errors("read"), self._read() as conn:
            total, sent = conn.execute(sa.select(sa.func.count(), published)).one()
        return {"pending": total - sent, "published": sent}

    # -- documents --------------------------------------------------------------------

    def record_document(self, object_key: str, sha256: str, application_id: str | None,
                        status: str, reason_code: str | None = None) -> bool:
        """Remember that file ``(object_key, sha256)`` reached ``status``; True if new.

        Recording the same file again updates its status, application and reason code.
        """
        key = (documents_seen.c.object_key == object_key, documents_seen.c.sha256 == sha256)
        values = {"application_id": application_id, "status": status,
                  "reason_code": reason_code, "updated_at": _now()}
        for _attempt in range(3):
            try:
                with _mapped_errors("record_document"), self.engine.begin() as conn:
                    if conn.execute(documents_seen.update().where(*key).values(**values)).rowcount:
                        return False
                    conn.execute(documents_seen.insert().values(
                        object_key=object_key, sha256=sha256, created_at=values["updated_at"],
                        **values))
                    return True
            except IntegrityError:
                continue  # inserted concurrently: the next round updates it
        raise RetryableError(f"record_document {object_key}: concurrent writers; retry")

    def seen_document(self, object_key: str, sha256: str) -> SeenDocument | None:
        """What is known about file ``(object_key, sha256)``, or None if never seen."""
        query = sa.select(documents_seen).where(documents_seen.c.object_key == object_key,
                                                documents_seen.c.sha256 == sha256)
        with _mapped_errors("read"), self._read() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            return None
        return SeenDocument(row["object_key"], row["sha256"], row["application_id"],
                            row["status"], row["reason_code"])
