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
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from infra.db import RecordStore, content_hash
from infra.queues import QueuePublisher, consume_messages, relay_outbox
from models.domain import Record
from models.errors import RetryableError
from tests.conftest import unavailable


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


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def private_rabbitmq(tmp_path: Path) -> Iterator[tuple[str, Callable[..., str]]]:
    """A RabbitMQ node of this test's own (its own port, data and log directory), so that
    stopping it disturbs nothing else on the machine. Yields its URL and its ``rabbitmqctl``."""
    # Debian's /usr/lib scripts, not the /usr/sbin wrappers (they switch user and reset the
    # environment that gives the node its own port and directories).
    server = "/usr/lib/rabbitmq/bin/rabbitmq-server"
    ctl = "/usr/lib/rabbitmq/bin/rabbitmqctl"
    if not (os.access(server, os.X_OK) and os.access(ctl, os.X_OK)):
        unavailable("rabbitmq-server is not installed here")
    port, dist_port = _free_port(), _free_port()
    node = f"intake-noloss-{secrets.token_hex(3)}@localhost"
    (tmp_path / "plugins").write_text("[].\n")
    env = {**os.environ, "RABBITMQ_NODENAME": node, "RABBITMQ_NODE_PORT": str(port),
           "RABBITMQ_DIST_PORT": str(dist_port), "RABBITMQ_MNESIA_BASE": str(tmp_path / "mnesia"),
           "RABBITMQ_LOG_BASE": str(tmp_path / "log"), "RABBITMQ_PID_FILE": str(tmp_path / "pid"),
           "RABBITMQ_ENABLED_PLUGINS_FILE": str(tmp_path / "plugins"),
           "RABBITMQ_CONFIG_FILE": str(tmp_path / "none")}

    def rabbitmqctl(*args: str) -> str:
        return subprocess.run([ctl, "-n", node, *args], capture_output=True, text=True,
                              timeout=90, check=True, env=env).stdout

    subprocess.run([server, "-detached"], env=env, check=True, timeout=60, capture_output=True)
    try:
        _await_startup(rabbitmqctl)
        yield f"amqp://guest:guest@127.0.0.1:{port}//", rabbitmqctl
    finally:
        subprocess.run([ctl, "-n", node, "stop"], env=env, timeout=60, capture_output=True,
                       check=False)


def _await_startup(rabbitmqctl: Callable[..., str], seconds: float = 90.0) -> None:
    """Wait until the node has booted (until it registers, ``await_startup`` fails at once)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            rabbitmqctl("await_startup", "--timeout", "30")
            return
        except subprocess.CalledProcessError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)


@pytest.mark.slow
def test_rabbitmq_stopped_and_restarted_mid_relay_loses_nothing(
        private_rabbitmq: tuple[str, Callable[..., str]], sqlite_url: str) -> None:
    broker_url, rabbitmqctl = private_rabbitmq
    service = f"test.noloss_{secrets.token_hex(3)}"
    store = RecordStore(sqlite_url)
    store.migrate()
    expected = _save(store, service, 20)

    class StopsBroker(QueuePublisher):
        calls = 0

        def publish(self, *args: object, **kwargs: object) -> None:
            StopsBroker.calls += 1
            if StopsBroker.calls == 6:
                rabbitmqctl("stop_app")  # the broker goes down under the publisher
            super().publish(*args, **kwargs)

    with StopsBroker(broker_url) as publisher, pytest.raises(RetryableError):
        relay_outbox(store, publisher=publisher)
    assert 5 <= store.outbox_counts()["published"] < 20
    with pytest.raises(RetryableError):
        relay_outbox(store, broker_url)  # broker still down: the relay fails, loses nothing
    rabbitmqctl("start_app")
    _await_startup(rabbitmqctl)
    _relay_until_done(store, broker_url)

    _assert_each_once_after_dedupe(_drain(service, broker_url), expected, crashes=1)
