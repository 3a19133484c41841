"""Record store on SQLite and PostgreSQL: idempotent saves, versions, one outbox row each."""

from __future__ import annotations

import sqlalchemy as sa

from infra.db import RecordStore, content_hash
from models.domain import Record, Review

HASH_1 = content_hash([("inbox/polri.skck/A-1/form.pdf", "a" * 64)])
HASH_2 = content_hash([("inbox/polri.skck/A-1/form.pdf", "b" * 64)])


def _record(status: str = "passed", application_id: str = "A-1") -> Record:
    return Record(application_id=application_id, service="polri.skck", agency="polri",
                  status=status, applicant={"full_name": "BUDI SANTOSO"})


def _store(url: str) -> RecordStore:
    store = RecordStore(url)
    store.migrate()
    store.migrate()  # every process calls it at start: must be harmless
    return store


def test_same_content_twice_is_one_record_and_one_message(database_url: str) -> None:
    store = _store(database_url)

    first = store.save_record(_record(), HASH_1)
    again = store.save_record(_record(status="flagged"), HASH_1)

    assert (first.version, first.created) == (1, True)
    assert (again.version, again.created) == (1, False)
    assert [m.message_id for m in store.pending_outbox()] == ["A-1:1"]
    assert store.get_record("A-1").status == "passed"


def test_changed_content_bumps_the_version_with_its_own_message(database_url: str) -> None:
    store = _store(database_url)
    store.save_record(_record(), HASH_1)

    second = store.save_record(_record(status="rejected"), HASH_2)

    assert (second.version, second.created, second.message_id) == (2, True, "A-1:2")
    stored = store.get_record("A-1")
    assert stored.version == 2 and stored.status == "rejected"
    messages = store.pending_outbox()
    assert [(m.message_id, m.queue) for m in messages] == [
        ("A-1:1", "mpp.polri.skck"), ("A-1:2", "mpp.polri.skck")]
    assert Record.model_validate_json(messages[1].body).version == 2
    assert [r.application_id for r in store.list_records(status="rejected")] == ["A-1"]
    assert store.list_records(status="passed") == []


def test_review_correction_supersedes_with_the_same_files(database_url: str) -> None:
    store = _store(database_url)
    store.save_record(_record(status="flagged"), HASH_1)
    corrected = _record(status="passed").model_copy(update={"review": Review(
        reviewer="petugas1", reviewed_at="2026-11-23T10:00:00Z",
        changes=[{"field": "full_name", "old": "BUDl", "new": "BUDI"}])})

    result = store.save_record(corrected, HASH_1, supersede=True)

    assert (result.version, result.created) == (2, True)
    assert store.get_stored("A-1").reviewed
    assert store.get_record("A-1").review.reviewer == "petugas1"


def test_published_messages_leave_the_pending_list(database_url: str) -> None:
    store = _store(database_url)
    for n in range(3):
        store.save_record(_record(application_id=f"A-{n}"), HASH_1)
    first_two = [m.id for m in store.pending_outbox(limit=2)]

    store.mark_published(first_two)

    assert [m.message_id for m in store.pending_outbox()] == ["A-2:1"]
    assert store.outbox_counts() == {"pending": 1, "published": 2}


def test_documents_seen_are_keyed_by_object_and_content(database_url: str) -> None:
    store = _store(database_url)
    key, sha = "inbox/polri.skck/A-1/scan.tiff", "c" * 64

    assert store.record_document(key, sha, "A-1", "processing")
    assert not store.record_document(key, sha, "A-1", "rejected", "corrupt_file")
    assert store.record_document(key, "d" * 64, "A-1", "ok")  # same key, new content

    seen = store.seen_document(key, sha)
    assert (seen.status, seen.reason_code) == ("rejected", "corrupt_file")
    assert store.seen_document("inbox/other.pdf", sha) is None


def test_schema_is_at_the_newest_migration(database_url: str) -> None:
    store = _store(database_url)
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0001"
        tables = set(sa.inspect(conn).get_table_names())
    assert {"applications", "documents_seen", "outbox"} <= tables
