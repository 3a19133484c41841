"""No record is lost and none arrives under two message ids when publishing breaks midway.

The outbox relay is at-least-once: a record may be delivered again after a crash between
"broker has it" and "marked sent", so consumers de-duplicate by message id. What must
never happen is a record that never arrives.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from collections import Counter

import pytest

from infra.db import RecordStore, content_hash
from infra.queues import QueuePublisher, consume_messages, relay_outbox
from models.domain import Record
from models.errors import RetryableError


def _save(store: RecordStore, service: str, count: int) -> list[str]:
    return [store.save_record(
        Record(application_id=f"NL-{n:03d}", service=service, agency="test", status="passed"),
        content_hash([(f"k{n}", "0" * 64)])).message_id for n in range(count)]


def _drain(service: str, broker_url: str) -> list[str]:
    return [m.message_id for m in consume_messages(service, broker_url, ack=True, limit=10_000,
                                                  timeout=1.0)]


def _relay_until_done(store: RecordStore, broker_url: str, attempts: int = 10) -> None:
    for _ in range(attempts):
        try:
            relay_outbox(store, broker_url)
            return
        except RetryableError:
            time.sleep(1.0)
    raise AssertionError("relay never completed")


def _assert_each_once_after_dedupe(delivered: list[str], expected: list[str],
                                   crashes: int) -> None:
    assert sorted(set(delivered)) == sorted(expected)  # nothing lost
    duplicates = sum(n - 1 for n in Counter(delivered).values())
    assert duplicates <= crashes  # at most the one in flight per crash


@pytest.mark.slow
def test_sqlite_relay_killed_mid_batch_loses_nothing(sqlite_url: str,
                                                     sqlite_broker_url: str) -> None:
    service = f"test.noloss_{secrets.token_hex(3)}"
    store = RecordStore(sqlite_url)
    store.migrate()
    expected = _save(store, service, 40)
    slow_relay = (
        "import time\n"
        "from infra.db import RecordStore\n"
        "from infra.queues import QueuePublisher, relay_outbox\n"
        "class Slow(QueuePublisher):\n"
        "    def publish(self, *a, **k):\n"
        "        super().publish(*a, **k)\n"
        "        time.sleep(0.05)\n"
        f"with Slow({sqlite_broker_url!r}) as p:\n"
        f"    relay_outbox(RecordStore({sqlite_url!r}), publisher=p)\n"
    )
    worker = subprocess.Popen([sys.executable, "-c", slow_relay])
    deadline = time.monotonic() + 60
    while store.outbox_counts()["published"] < 10 and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.kill()  # SIGKILL: no cleanup, no chance to mark what it just sent
    worker.wait()
    assert 10 <= store.outbox_counts()["published"] < 40

    assert relay_outbox(store, sqlite_broker_url) > 0

    _assert_each_once_after_dedupe(_drain(service, sqlite_broker_url), expected, crashes=1)
    assert store.outbox_counts() == {"pending": 0, "published": 40}


class DroppedByBroker(QueuePublisher):
    """After ``drop_after`` publishes the broker closes this vhost's connections."""

    def __init__(self, broker_url: str, drop_after: int) -> None:
        super().__init__(broker_url)
        self.drop_after = drop_after
        self.calls = 0

    def publish(self, queue: str, body: str, message_id: str,
                headers: dict | None = None) -> None:
        """Publish, or fail as the broker would at the chosen call."""
        self.calls += 1
        if self.calls == self.drop_after + 1:
            _close_vhost_connections(self.broker_url.rsplit("/", 1)[1])
        super().publish(queue, body, message_id, headers)


def _rabbitmqctl(*args: str) -> str:
    program = shutil.which("rabbitmqctl")
    if program is None:
        pytest.skip("rabbitmqctl is not available here")
    return subprocess.run([program, *args], capture_output=True, text=True, timeout=60,
                          check=True).stdout


def _close_vhost_connections(vhost: str) -> None:
    for line in _rabbitmqctl("list_connections", "pid", "vhost", "-q").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and parts[1] == vhost:
            _rabbitmqctl("close_connection", parts[0], "test: broker drops the publisher")


@pytest.mark.slow
def test_rabbitmq_dropping_the_connection_mid_publish_loses_nothing(
        rabbitmq_url: str, sqlite_url: str) -> None:
    if rabbitmq_url.endswith("//"):
        pytest.skip("needs the per-session virtual host (rabbitmqctl)")
    service = f"test.noloss_{secrets.token_hex(3)}"
    store = RecordStore(sqlite_url)
    store.migrate()
    expected = _save(store, service, 20)

    with DroppedByBroker(rabbitmq_url, drop_after=7) as publisher, \
            pytest.raises(RetryableError):
        relay_outbox(store, publisher=publisher)
    assert 7 <= store.outbox_counts()["published"] < 20

    _relay_until_done(store, rabbitmq_url)

    _assert_each_once_after_dedupe(_drain(service, rabbitmq_url), expected, crashes=1)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("INTAKE_TEST_RABBITMQ_RESTART") != "1",
                    reason="stops the shared RabbitMQ node; set INTAKE_TEST_RABBITMQ_RESTART=1")
def test_rabbitmq_stopped_and_restarted_mid_relay_loses_nothing(
        rabbitmq_url: str, sqlite_url: str) -> None:
    service = f"test.noloss_{secrets.token_hex(3)}"
    store = RecordStore(sqlite_url)
    store.migrate()
    expected = _save(store, service, 20)

    class StopsBroker(QueuePublisher):
        calls = 0

        def publish(self, *args: object, **kwargs: object) -> None:
            StopsBroker.calls += 1
            if StopsBroker.calls == 6:
                _rabbitmqctl("stop_app")
            super().publish(*args, **kwargs)

    try:
        with StopsBroker(rabbitmq_url) as publisher, pytest.raises(RetryableError):
            relay_outbox(store, publisher=publisher)
        with pytest.raises(RetryableError):
            relay_outbox(store, rabbitmq_url)  # broker still down: fails, loses nothing
    finally:
        _rabbitmqctl("start_app")
    _relay_until_done(store, rabbitmq_url)

    _assert_each_once_after_dedupe(_drain(service, rabbitmq_url), expected, crashes=1)
