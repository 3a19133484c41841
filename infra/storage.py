"""Object storage through the ``minio`` SDK (any S3: SeaweedFS, MinIO, AWS).

This module is the one boundary where minio and urllib3 errors become ours: a failing
or unreachable server is a ``RetryableError``, wrong credentials or a missing bucket a
``ConfigurationError``, a missing object an ``ObjectNotFound``.
"""

from __future__ import annotations

import builtins
import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath

import urllib3
from minio import Minio
from minio.commonconfig import REPLACE, CopySource
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError

from infra.settings import Settings, get_settings
from models.errors import ConfigurationError, IntakeError, RetryableError

INBOX = "inbox/"
QUARANTINE = "quarantine/"
MANIFEST = "manifest.json"
_META_PREFIX = "x-amz-meta-"
_AUTH_CODES = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"}
_MISSING_CODES = {"NoSuchKey", "NoSuchObject", "NotFound"}


class ObjectNotFound(IntakeError):  # noqa: N818 - reads as a fact, like FileNotFoundError
    """The object key does not exist (it may have been moved by another run)."""

    exit_code = 1
    code = "object_not_found"


@dataclass(frozen=True)
class ObjectInfo:
    """One stored object as listed or stat'ed."""

    key: str
    """object key inside the bucket"""
    size: int
    """bytes"""
    etag: str
    """the server's entity tag (not a content hash to rely on)"""
    last_modified: datetime | None
    """when the object was written (UTC)"""
    metadata: dict[str, str] = field(default_factory=dict)
    """user metadata (``x-amz-meta-*`` without the prefix, lower-case keys); only from stat"""
    content_type: str = ""
    """the stored Content-Type; only from stat"""


@dataclass(frozen=True)
class ApplicationRef:
    """An application ready to process: every object under one inbox prefix."""

    service: str
    """service code, the second path segment (``inbox/<service>/...``)"""
    application_id: str
    """the folder name, or the file stem for a single file under ``inbox/<service>/``"""
    prefix: str
    """``inbox/<service>/<application_id>/``, or the single file's key"""
    keys: tuple[str, ...]
    """object keys of the application's files, sorted, without ``manifest.json``"""
    has_manifest: bool = False
    """``manifest.json`` was present (ready regardless of the quiet period)"""
    extra_keys: tuple[str, ...] = ()
    """keys under the prefix that are not documents (``manifest.json``); moved with them"""
    last_modified: datetime | None = None
    """newest object time under the prefix"""


def _ascii_header(value: str, limit: int = 512) -> str:
    """Metadata travel as HTTP headers: one line of printable ASCII, bounded."""
    text = " ".join(str(value).split())
    text = text.encode("ascii", "replace").decode("ascii")
    return text[:limit]


def _user_metadata(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower()[len(_META_PREFIX):]: v for k, v in headers.items()
            if k.lower().startswith(_META_PREFIX)}


@contextmanager
def _mapped_errors(action: str, key: str = "") -> Iterator[None]:
    """Turn minio/urllib3 errors into intake errors (most specific first)."""
    what = f"{action} {key}".strip()
    try:
        yield
    except S3Error as e:
        if e.code in _MISSING_CODES:
            raise ObjectNotFound(f"{what}: object not found") from e
        if e.code == "NoSuchBucket":
            raise ConfigurationError(f"{what}: bucket {e.bucket_name!r} does not exist; "
                                     "run `intake stack up` or create it") from e
        if e.code in _AUTH_CODES:
            raise ConfigurationError(f"{what}: S3 refused the credentials ({e.code}); check "
                                     "INTAKE_S3_ACCESS_KEY / INTAKE_S3_SECRET_KEY or "
                                     "var/credentials.json") from e
        raise RetryableError(f"{what}: S3 error {e.code}") from e
    except (ServerError, InvalidResponseError) as e:
        raise RetryableError(f"{what}: S3 server error: {e}") from e
    except (urllib3.exceptions.HTTPError, MinioException, OSError) as e:
        raise RetryableError(f"{what}: S3 unreachable: {type(e).__name__}") from e


class Storage:
    """The intake bucket: put, get, stat, list, move, and finding ready applications."""

    def __init__(self, settings: Settings | None = None, *, timeout: float = 30.0,
                 retries: int = 2) -> None:
        """Connect to ``settings.s3_endpoint`` (plain HTTP) with the stack's credentials."""
        self.settings = settings or get_settings()
        self.bucket = self.settings.s3_bucket
        access_key, secret_key = self.settings.credentials()
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=min(timeout, 5.0), read=timeout),
            maxsize=10,
            retries=urllib3.Retry(total=retries, backoff_factor=0.2,
                                  status_forcelist=[500, 502, 503, 504]),
        )
        self.client = Minio(self.settings.s3_endpoint, access_key=access_key,
                            secret_key=secret_key, secure=False, region="us-east-1",
                            http_client=http)

    # -- bucket -----------------------------------------------------------------------

    def bucket_exists(self) -> bool:
        """True when the bucket exists (and the credentials work)."""
        with _mapped_errors("bucket_exists", self.bucket):
            return bool(self.client.bucket_exists(self.bucket))

    def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist."""
        with _mapped_errors("make_bucket", self.bucket):
            if not self.client.bucket_exists(self.bucket):
                try:
                    self.client.make_bucket(self.bucket)
                except S3Error as e:
                    if e.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise

    # -- objects ----------------------------------------------------------------------

    def put(self, key: str, data: bytes, metadata: Mapping[str, str] | None = None,
            content_type: str = "application/octet-stream") -> ObjectInfo:
        """Store ``data`` under ``key`` (replacing any object there) and return its info."""
        meta: dict[str, str | builtins.list[str] | tuple[str]] = {
            k: _ascii_header(v) for k, v in (metadata or {}).items()}
        with _mapped_errors("put", key):
            result = self.client.put_object(self.bucket, key, io.BytesIO(data), len(data),
                                            content_type=content_type, metadata=meta or None)
        return ObjectInfo(key, len(data), (result.etag or "").strip('"'),
                          datetime.now(UTC), {k.lower(): str(v) for k, v in meta.items()},
                          content_type)

    def get(self, key: str) -> bytes:
        """The bytes of object ``key``; ``ObjectNotFound`` if it does not exist."""
        with _mapped_errors("get", key):
            response = self.client.get_object(self.bucket, key)
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

    def stat(self, key: str) -> ObjectInfo:
        """Size, etag, user metadata, last-modified and content type of ``key``."""
        with _mapped_errors("stat", key):
            st = self.client.stat_object(self.bucket, key)
        return ObjectInfo(key, st.size or 0, (st.etag or "").strip('"'), st.last_modified,
                          _user_metadata(st.metadata or {}), st.content_type or "")

    def exists(self, key: str) -> bool:
        """True when object ``key`` exists."""
        try:
            self.stat(key)
        except ObjectNotFound:
            return False
        return True

    def list(self, prefix: str = "", recursive: bool = True) -> list[ObjectInfo]:
        """Objects under ``prefix`` sorted by key (folders are skipped)."""
        with _mapped_errors("list", prefix):
            found = [ObjectInfo(o.object_name, o.size or 0, (o.etag or "").strip('"'),
                                o.last_modified)
                     for o in self.client.list_objects(self.bucket, prefix=prefix or None,
                                                       recursive=recursive)
                     if o.object_name and not o.is_dir]
        return sorted(found, key=lambda o: o.key)

    def delete(self, key: str) -> None:
        """Remove object ``key`` (no error if it is already gone)."""
        with _mapped_errors("delete", key):
            self.client.remove_object(self.bucket, key)

    def move(self, src: str, dst: str, metadata: Mapping[str, str] | None = None) -> ObjectInfo:
        """Copy ``src`` to ``dst``, then delete ``src``; return the new object's info.

        ``metadata`` is merged over the source's user metadata (a quarantined object
        carries ``reason-code`` and ``reason``). If ``src`` is gone but ``dst`` exists the
        move already happened (a rerun after a crash) and ``dst`` is returned.
        """
        try:
            source = self.stat(src)
        except ObjectNotFound:
            if self.exists(dst):
                return self.stat(dst)
            raise
        merged = {**source.metadata,
                  **{k.lower(): _ascii_header(v) for k, v in (metadata or {}).items()}}
        with _mapped_errors("copy", f"{src} -> {dst}"):
            self.client.copy_object(
                self.bucket, dst, CopySource(self.bucket, src),
                metadata={**{f"{_META_PREFIX}{k}": v for k, v in merged.items()},
                          "Content-Type": source.content_type or "application/octet-stream"},
                metadata_directive=REPLACE)
        self.delete(src)
        return self.stat(dst)

    def quarantine(self, key: str, reason_code: str, reason: str) -> ObjectInfo:
        """Move ``key`` from ``inbox/`` to ``quarantine/`` with the reason as metadata."""
        dst = QUARANTINE + key.removeprefix(INBOX)
        return self.move(key, dst, {"reason-code": reason_code, "reason": reason})

    # -- inputs -----------------------------------------------------------------------

    def ready_applications(self, now: datetime | None = None,
                           quiet_period: float | None = None) -> builtins.list[ApplicationRef]:
        """Applications under ``inbox/`` ready to process, oldest first (DESIGN.md "Inputs").

        ``inbox/<service>/<application_id>/...`` is ready when its ``manifest.json`` is
        there, or when no object under it is newer than ``quiet_period`` seconds. A
        single file ``inbox/<service>/<name>`` is an application of one file, ready at
        once (an S3 object is complete when it appears), with the file stem as id.
        """
        quiet = self.settings.quiet_period_seconds if quiet_period is None else quiet_period
        return group_applications(self.list(INBOX), now or datetime.now(UTC), quiet)


def group_applications(objects: list[ObjectInfo], now: datetime,
                       quiet_period: float) -> list[ApplicationRef]:
    """Group inbox objects into ready ``ApplicationRef`` s (pure; see ``ready_applications``)."""
    folders: dict[tuple[str, str], list[ObjectInfo]] = {}
    singles: list[ApplicationRef] = []
    for obj in objects:
        parts = obj.key.split("/")
        if len(parts) < 3 or parts[0] + "/" != INBOX or not parts[1] or not parts[-1]:
            continue
        service = parts[1]
        if len(parts) == 3:
            singles.append(ApplicationRef(service, PurePosixPath(parts[2]).stem, obj.key,
                                          (obj.key,), last_modified=obj.last_modified))
        else:
            folders.setdefault((service, parts[2]), []).append(obj)
    ready = list(singles)
    for (service, application_id), members in folders.items():
        prefix = f"{INBOX}{service}/{application_id}/"
        has_manifest = any(o.key == prefix + MANIFEST for o in members)
        times = [o.last_modified for o in members if o.last_modified is not None]
        newest = max(times) if times else None
        settled = newest is None or (now - newest).total_seconds() >= quiet_period
        keys = tuple(sorted(o.key for o in members if o.key != prefix + MANIFEST))
        if (has_manifest or settled) and keys:
            extra = (prefix + MANIFEST,) if has_manifest else ()
            ready.append(ApplicationRef(service, application_id, prefix, keys, has_manifest,
                                        extra, newest))
    epoch = datetime.min.replace(tzinfo=UTC)
    return sorted(ready, key=lambda a: (a.last_modified or epoch, a.prefix))
