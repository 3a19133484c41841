"""The intake flow: every ready application under ``inbox/`` becomes a record in its queue.

Orchestration only: the stages live in ``extractors``, ``rules`` and ``infra``. Task
parameters and results carry ids and object keys, never personal data.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact

from extractors.pipeline import extract_bytes
from extractors.tesseract import tesseract_version
from infra.db import RecordStore, content_hash
from infra.queues import relay_outbox
from infra.settings import get_settings
from infra.storage import ApplicationRef, Storage
from models import Application, Limits
from rules import applicant_of, evaluate, load_ruleset, outcome, reconcile_readings
from rules.record import build_record

FINAL_PREFIX = "processed/"


def _limits() -> Limits:
    s = get_settings()
    return Limits(max_file_bytes=s.max_file_bytes, max_pages=s.max_pages,
                  max_pixels=s.max_pixels, ocr_timeout_seconds=s.ocr_timeout_seconds)


def _final_key(key: str, prefix: str) -> str:
    return prefix + key.removeprefix("inbox/")


@task(name="find-ready-applications", retries=3, retry_delay_seconds=[2, 5, 15])
def find_ready(service: str | None, quiet_period_seconds: float) -> list[ApplicationRef]:
    """List the applications under ``inbox/`` that are ready to process."""
    refs = Storage(get_settings()).ready_applications(quiet_period=quiet_period_seconds)
    return [r for r in refs if service in (None, "", r.service)]


@task(name="process-application", retries=2, retry_delay_seconds=[2, 10],
      task_run_name="process {ref.service}/{ref.application_id}")
def process_application(ref: ApplicationRef, today: date | None = None) -> dict[str, Any]:
    """Fetch, extract, validate and store one application; return its summary (ids only)."""
    logger = get_run_logger()
    settings = get_settings()
    storage = Storage(settings)
    store = RecordStore(settings.effective_database_url)
    ruleset = load_ruleset(ref.service)
    started = time.perf_counter()

    documents = []
    digests: list[tuple[str, str]] = []
    for key in ref.keys:
        doc = extract_bytes(storage.get(key), key, _limits())
        digests.append((key, doc.sha256))
        documents.append(doc)
        if doc.status == "rejected":
            logger.warning("rejected %s: %s", key, doc.error.code if doc.error else "?")

    app = reconcile_readings(
        Application(application_id=ref.application_id, service=ref.service, documents=documents))
    issues = evaluate(app, ruleset, today=today)
    status = outcome(issues)
    timings: dict[str, float] = {}
    for doc in documents:
        for stage, seconds in doc.timings.items():
            timings[stage] = round(timings.get(stage, 0.0) + seconds, 4)
    timings["total"] = round(time.perf_counter() - started, 4)
    record = build_record(app, issues, status, applicant_of(app, ruleset),
                          {"tesseract_version": tesseract_version(), "timings": timings})
    # flagged applications wait for review; passed and rejected ones go to the agency
    saved = store.save_record(record, content_hash(digests), publish=status != "flagged")

    # Only after the record is committed do the originals leave the inbox (paperless order).
    for doc in documents:
        if doc.status == "rejected" and doc.error is not None:
            storage.quarantine(doc.source, doc.error.code, doc.error.message)
        else:
            storage.move(doc.source, _final_key(doc.source, FINAL_PREFIX))
    for key in ref.extra_keys:
        storage.move(key, _final_key(key, FINAL_PREFIX))

    logger.info("application %s/%s: %s, %d issue(s), version %d%s", ref.service,
                ref.application_id, status, len(issues), saved.version,
                "" if saved.created else " (unchanged, no new message)")
    return {
        "application_id": ref.application_id,
        "service": ref.service,
        "status": status,
        "issues": len(issues),
        "queue": ruleset.queue if status != "flagged" else "review",
        "version": saved.version,
        "new": saved.created,
    }


@task(name="relay-outbox", retries=3, retry_delay_seconds=[2, 5, 15])
def relay() -> int:
    """Publish committed records that are still in the outbox to their agency queues."""
    settings = get_settings()
    store = RecordStore(settings.effective_database_url)
    return relay_outbox(store, settings.effective_broker_url)


@flow(name="intake", log_prints=False)
def intake_flow(service: str | None = None, quiet_period_seconds: float = 60.0,
                max_applications: int = 500) -> list[dict[str, Any]]:
    """Process every ready application under ``inbox/`` (optionally of one ``service``).

    Parameters are typed so that operators can start a custom run from the Prefect UI.
    """
    logger = get_run_logger()
    settings = get_settings()
    RecordStore(settings.effective_database_url).migrate()
    refs = find_ready(service, quiet_period_seconds)[:max_applications]
    logger.info("%d application(s) ready", len(refs))
    futures = [process_application.submit(ref) for ref in refs]
    summaries: list[dict[str, Any]] = []
    for ref, fut in zip(refs, futures, strict=True):
        try:
            summaries.append(fut.result())
        except Exception as exc:  # noqa: BLE001 - one application fails, the batch goes on
            logger.error("application %s/%s failed: %s", ref.service, ref.application_id,
                         type(exc).__name__)
            summaries.append({"application_id": ref.application_id, "service": ref.service,
                              "status": "failed", "issues": 0, "queue": "-", "version": 0,
                              "new": False})
    published = relay()
    logger.info("published %d message(s)", published)
    if summaries:
        create_table_artifact(key="intake-summary", table=summaries,
                              description="Applications processed in this run (ids only).")
    return summaries
