"""Agency queues on kombu's SQLite transport and on RabbitMQ: outbox relay, ack, dead letters."""

from __future__ import annotations

import json
import secrets
from collections import Counter
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from cli.queue_cmd import app as queue_app
from infra.db import RecordStore, content_hash, outbox
from infra.queues import (
    QueuePublisher,
    consume,
    consume_messages,
    queue_stats,
    relay_outbox,
)
from models.domain import Record
from models.errors import RetryableError


@pytest.fixture
def service() -> str:
    """A service code of its own per test, so queues never mix between tests."""
    return f"test.svc_{secrets.token_hex(3)}"


@pytest.fixture
def store(sqlite_url: str) -> RecordStore:
    """A migrated SQLite record store."""
    s = RecordStore(sqlite_url)
    s.migrate()
    return s


def _save(store: RecordStore, service: str, count: int) -> list[str]:
    ids = []
    for n in range(count):
        record = Record(application_id=f"APP-{n:03d}", service=service, agency="test",
                        status="passed")
        ids.append(store.save_record(record, content_hash([(f"k{n}", "0" * 64)])).message_id)
    return ids


class FailingPublisher(QueuePublisher):
    """Publishes normally, except that publish number ``fail_on`` raises (a broker outage)."""

    def __init__(self, broker_url: str, fail_on: int) -> None:
        super().__init__(broker_url)
        self.fail_on = fail_on
        self.calls = 0

    def publish(self, queue: str, body: str, message_id: str,
                headers: dict | None = None) -> None:
        """Publish, or fail as the broker would at the chosen call."""
        self.calls += 1
        if self.calls == self.fail_on:
            raise RetryableError("injected: broker refused the message")
        super().publish(queue, body, message_id, headers)


def _drain(service: str, broker_url: str) -> list[str]:
    return [m.message_id for m in consume_messages(service, broker_url, ack=True, limit=1000,
                                                  timeout=0.5)]


def test_relay_publishes_each_outbox_row_once(broker_url: str, store: RecordStore,
                                              service: str) -> None:
    expected = _save(store, service, 5)

    assert relay_outbox(store, broker_url) == 5
    assert relay_outbox(store, broker_url) == 0  # rerun: nothing pending, nothing resent

    assert queue_stats(broker_url, [service]) == {f"mpp.{service}": {"messages": 5, "dead": 0}}
    assert sorted(_drain(service, broker_url)) == expected
    assert store.outbox_counts() == {"pending": 0, "published": 5}


def test_rerun_after_a_broker_failure_sends_the_rest(broker_url: str, store: RecordStore,
                                                     service: str) -> None:
    expected = _save(store, service, 6)

    with FailingPublisher(broker_url, fail_on=4) as flaky, pytest.raises(RetryableError):
        relay_outbox(store, publisher=flaky)
    assert store.outbox_counts() == {"pending": 3, "published": 3}
    assert [m.attempts for m in store.pending_outbox()] == [1, 0, 0]

    assert relay_outbox(store, broker_url) == 3

    delivered = _drain(service, broker_url)
    assert sorted(delivered) == expected
    assert max(Counter(delivered).values()) == 1


def test_consume_without_ack_leaves_messages_and_with_ack_takes_them(
        broker_url: str, store: RecordStore, service: str) -> None:
    _save(store, service, 3)
    relay_outbox(store, broker_url)

    peeked = consume(service, broker_url, ack=False, limit=2, timeout=0.5)
    assert len(peeked) == 2 and all(r["service"] == service for r in peeked)
    assert queue_stats(broker_url, [service])[f"mpp.{service}"]["messages"] == 3

    taken = consume(service, broker_url, ack=True, limit=10, timeout=0.5)
    assert sorted(r["application_id"] for r in taken) == ["APP-000", "APP-001", "APP-002"]
    assert all(r["version"] == 1 for r in taken)
    assert queue_stats(broker_url, [service])[f"mpp.{service}"]["messages"] == 0


def test_a_message_that_is_not_a_record_is_dead_lettered(broker_url: str, service: str) -> None:
    with QueuePublisher(broker_url) as publisher:
        publisher.publish(f"mpp.{service}", json.dumps({"hello": "world"}), "junk:1")

    assert consume(service, broker_url, ack=True, timeout=0.5) == []

    assert queue_stats(broker_url, [service]) == {f"mpp.{service}": {"messages": 0, "dead": 1}}
    dead = consume_messages(service, broker_url, ack=True, dead=True, timeout=0.5)
    assert [m.message_id for m in dead] == ["junk:1"]
    assert dead[0].body == {"hello": "world"}


def test_relay_sends_a_record_failing_the_schema_to_the_dead_queue(
        broker_url: str, store: RecordStore, service: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(outbox.insert().values(
            message_id="BROKEN:1", queue=f"mpp.{service}", body='{"application_id": 7}',
            created_at=datetime.now(UTC), attempts=0))

    assert relay_outbox(store, broker_url) == 1

    assert queue_stats(broker_url, [service]) == {f"mpp.{service}": {"messages": 0, "dead": 1}}
    dead = consume_messages(service, broker_url, ack=True, dead=True, timeout=0.5)
    assert "schema" in dead[0].headers["x-intake-dead-reason"]


def test_queue_consume_command_prints_one_json_record_per_line(
        sqlite_broker_url: str, store: RecordStore, service: str) -> None:
    _save(store, service, 2)
    relay_outbox(store, sqlite_broker_url)

    result = CliRunner().invoke(queue_app, ["consume", service, "--ack", "--limit", "5",
                                            "--timeout", "0.5", "--broker", sqlite_broker_url])

    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r["application_id"] for r in lines] == ["APP-000", "APP-001"]
