"""Agency queues through kombu: RabbitMQ in production, kombu's SQLite transport locally.

Topology: a durable direct exchange ``mpp``; per service a durable queue ``mpp.<service>``
bound with its own name as routing key; a dead-letter exchange ``mpp.dlx`` with a queue
``mpp.<service>.dead`` (routing key the same name). On RabbitMQ the service queue carries
``x-dead-letter-exchange`` so a rejected message is dead-lettered by the broker; on other
transports ``dead_letter`` republishes it to the ``.dead`` queue itself.

Delivery is at least once: ``relay_outbox`` publishes (with publisher confirms on
RabbitMQ) and only then marks the outbox row sent. Consumers de-duplicate by the AMQP
``message_id`` property, ``<application_id>:<version>``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from kombu import Connection, Exchange, Producer, Queue
from kombu.exceptions import KombuError
from kombu.message import Message

from infra.db import RecordStore, queue_name
from infra.schema import record_errors
from infra.settings import get_settings
from models.domain import SERVICES
from models.errors import ConfigurationError, RetryableError

EXCHANGE_NAME = "mpp"
DLX_NAME = "mpp.dlx"
EXCHANGE = Exchange(EXCHANGE_NAME, type="direct", durable=True)
DEAD_LETTER_EXCHANGE = Exchange(DLX_NAME, type="direct", durable=True)
PERSISTENT = 2
CONTENT_TYPE = "application/json"
REASON_HEADER = "x-intake-dead-reason"


def dead_queue_name(service: str) -> str:
    """``mpp.<service>.dead``."""
    return f"{queue_name(service)}.dead"


def service_of(queue: str) -> str:
    """The service code of queue ``mpp.<service>`` (or of its ``.dead`` queue)."""
    return queue.removesuffix(".dead").removeprefix(f"{EXCHANGE_NAME}.")


def is_amqp(broker_url: str) -> bool:
    """True for RabbitMQ URLs (``amqp://``, ``amqps://``, ``pyamqp://``)."""
    return broker_url.split("://", 1)[0] in ("amqp", "amqps", "pyamqp")


def service_queue(service: str, broker_url: str) -> Queue:
    """The durable queue ``mpp.<service>`` (with broker dead-lettering on RabbitMQ)."""
    name = queue_name(service)
    arguments = ({"x-dead-letter-exchange": DLX_NAME,
                  "x-dead-letter-routing-key": dead_queue_name(service)}
                 if is_amqp(broker_url) else None)
    return Queue(name, EXCHANGE, routing_key=name, durable=True, queue_arguments=arguments)


def dead_queue(service: str) -> Queue:
    """The durable dead-letter queue ``mpp.<service>.dead`` on exchange ``mpp.dlx``."""
    name = dead_queue_name(service)
    return Queue(name, DEAD_LETTER_EXCHANGE, routing_key=name, durable=True)


def connect(broker_url: str | None = None) -> Connection:
    """A kombu connection (not yet opened) with intake's transport options.

    RabbitMQ: publisher confirms. SQLite: a generous lock timeout, and the folder of the
    database file is created.
    """
    url = broker_url or get_settings().effective_broker_url
    options: dict[str, Any] = {}
    if is_amqp(url):
        options["confirm_publish"] = True
    elif url.startswith(("sqla+sqlite:///", "sqlalchemy+sqlite:///")):
        path = url.split(":///", 1)[1]
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        options["connect_args"] = {"timeout": 30}
    return Connection(url, connect_timeout=5, transport_options=options)


@contextmanager
def _mapped_errors(action: str, broker_url: str) -> Iterator[None]:
    """Broker unreachable, refusing, or not confirming: ``RetryableError``."""
    where = broker_url.split("@")[-1]
    try:
        yield
    except (KombuError, OSError, ConnectionError) as e:
        raise RetryableError(f"queue {action} failed at {where}: {type(e).__name__}: {e}") from e
    except Exception as e:
        # transport-specific errors (amqp.exceptions.*, sqlalchemy.exc.*) share no base
        module = type(e).__module__.split(".")[0]
        if module in ("amqp", "sqlalchemy", "kombu"):
            raise RetryableError(f"queue {action} failed at {where}: "
                                 f"{type(e).__name__}: {e}") from e
        raise


def declare_service(channel: Any, service: str, broker_url: str) -> None:
    """Declare exchanges, the service queue and its dead-letter queue on ``channel``."""
    for q in (service_queue(service, broker_url), dead_queue(service)):
        q(channel).declare()


class QueuePublisher:
    """An open connection that publishes records to agency queues (a context manager).

    Subclass and override ``publish`` to inject faults in tests.
    """

    def __init__(self, broker_url: str | None = None, *, confirm_timeout: float = 10.0) -> None:
        """Prepare a publisher for ``broker_url`` (default: the settings' broker)."""
        self.broker_url = broker_url or get_settings().effective_broker_url
        self.confirm_timeout = confirm_timeout
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._declared: set[str] = set()

    def __enter__(self) -> QueuePublisher:
        """Connect (fails fast with ``RetryableError`` if the broker is down)."""
        with _mapped_errors("connect", self.broker_url):
            self._connection = connect(self.broker_url)
            self._connection.ensure_connection(max_retries=1)
            self._producer = Producer(self._connection.channel(), exchange=EXCHANGE)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Close the connection (errors while closing are ignored)."""
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # noqa: BLE001 - closing a broken connection may fail any way
                pass
        self._connection = self._producer = None
        self._declared.clear()

    @property
    def producer(self) -> Producer:
        """The open producer (only inside ``with``)."""
        if self._producer is None:
            raise ConfigurationError("QueuePublisher used outside `with`")
        return self._producer

    def _declare(self, service: str) -> None:
        if service not in self._declared:
            declare_service(self.producer.channel, service, self.broker_url)
            self._declared.add(service)

    def publish(self, queue: str, body: str, message_id: str,
                headers: dict[str, Any] | None = None) -> None:
        """Publish JSON text ``body`` to agency queue ``queue`` as a persistent message.

        Returns once the broker confirmed it (RabbitMQ) or stored it (SQLite).
        """
        service = service_of(queue)
        self._send(service, EXCHANGE, queue_name(service), body, message_id, headers or {})

    def publish_dead(self, queue: str, body: str, message_id: str, reason: str) -> None:
        """Publish ``body`` straight to the dead-letter queue of ``queue`` with ``reason``."""
        service = service_of(queue)
        self._send(service, DEAD_LETTER_EXCHANGE, dead_queue_name(service), body, message_id,
                   {REASON_HEADER: reason[:500]})

    def _send(self, service: str, exchange: Any, routing_key: str, body: str,
              message_id: str, headers: dict[str, Any]) -> None:
        with _mapped_errors("publish", self.broker_url):
            self._declare(service)
            self.producer.publish(
                body, exchange=exchange, routing_key=routing_key,
                content_type=CONTENT_TYPE, content_encoding="utf-8",
                delivery_mode=PERSISTENT, message_id=message_id, headers=headers,
                confirm_timeout=self.confirm_timeout if is_amqp(self.broker_url) else None)


def relay_outbox(store: RecordStore, broker_url: str | None = None, *,
                 publisher: QueuePublisher | None = None, batch_size: int = 100,
                 limit: int | None = None) -> int:
    """Publish every pending outbox message, marking each sent after it is; return the count.

    Safe to rerun at any time: a message is marked only after the broker has it, so a
    crash between the two sends it again on the next run (consumers de-duplicate by
    ``message_id``). A record that fails ``models/record.schema.json`` goes to the
    ``.dead`` queue with the violations as its reason instead of the agency queue. A
    broker failure raises ``RetryableError`` after counting an attempt on that row.
    ``publisher`` (already entered) replaces the default one, e.g. to inject faults.
    """
    if publisher is None:
        with QueuePublisher(broker_url) as own:
            return relay_outbox(store, publisher=own, batch_size=batch_size, limit=limit)
    sent = 0
    while limit is None or sent < limit:
        size = batch_size if limit is None else min(batch_size, limit - sent)
        batch = store.pending_outbox(size)
        if not batch:
            break
        for message in batch:
            try:
                _publish_one(publisher, message.queue, message.body, message.message_id)
            except RetryableError:
                store.record_attempt([message.id])
                raise
            store.mark_published([message.id])
            sent += 1
    return sent


def _publish_one(publisher: QueuePublisher, queue: str, body: str, message_id: str) -> None:
    try:
        problems = record_errors(json.loads(body))
    except ValueError as e:
        problems = [f"not JSON: {e}"]
    if problems:
        publisher.publish_dead(queue, body, message_id, "schema: " + "; ".join(problems[:5]))
    else:
        publisher.publish(queue, body, message_id)


@dataclass(frozen=True)
class ConsumedMessage:
    """One message taken from a queue."""

    message_id: str | None
    """``<application_id>:<version>``"""
    body: Any
    """the decoded JSON record (or the raw text if it was not JSON)"""
    redelivered: bool = False
    """the broker delivered it before"""
    headers: dict[str, Any] = field(default_factory=dict)
    """message headers (``x-intake-dead-reason``, RabbitMQ's ``x-death``)"""


def _decode(message: Message) -> tuple[Any, list[str]]:
    raw = message.body
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    try:
        body = json.loads(text)
    except ValueError as e:
        return text, [f"not JSON: {e}"]
    return body, record_errors(body)


def dead_letter(message: Message, service: str, broker_url: str, reason: str) -> None:
    """Send ``message`` to ``mpp.<service>.dead``: broker reject on RabbitMQ, else republish."""
    if is_amqp(broker_url):
        message.reject(requeue=False)
        return
    producer = Producer(message.channel, exchange=DEAD_LETTER_EXCHANGE)
    producer.publish(message.body, routing_key=dead_queue_name(service),
                     content_type=message.content_type or CONTENT_TYPE,
                     content_encoding=message.content_encoding or "utf-8",
                     delivery_mode=PERSISTENT,
                     message_id=message.properties.get("message_id"),
                     headers={**(message.headers or {}), REASON_HEADER: reason[:500]})
    message.ack()


def consume_messages(service: str, broker_url: str | None = None, *, ack: bool = False,
                     limit: int = 10, timeout: float = 2.0,
                     dead: bool = False) -> list[ConsumedMessage]:
    """Take up to ``limit`` messages from ``mpp.<service>`` (or its ``.dead`` queue).

    Waits up to ``timeout`` seconds for the queue to yield more. With ``ack`` they are
    removed from the queue, and a message that is not a valid record is dead-lettered;
    without ``ack`` every message is put back (a peek).
    """
    url = broker_url or get_settings().effective_broker_url
    taken: list[ConsumedMessage] = []
    held: list[Message] = []
    with _mapped_errors("consume", url), connect(url) as conn:
        channel = conn.channel()
        declare_service(channel, service, url)
        queue = (dead_queue(service) if dead else service_queue(service, url))(channel)
        deadline = time.monotonic() + timeout
        try:
            while len(taken) < limit:
                message = queue.get(no_ack=False)
                if message is None:
                    if time.monotonic() >= deadline:
                        break
                    time.sleep(0.05)
                    continue
                body, problems = _decode(message)
                if problems and ack and not dead:
                    dead_letter(message, service, url, "; ".join(problems[:5]))
                    continue
                taken.append(ConsumedMessage(message.properties.get("message_id"), body,
                                             bool(message.delivery_info.get("redelivered")),
                                             dict(message.headers or {})))
                if ack:
                    message.ack()
                else:
                    held.append(message)
        finally:
            for message in held:
                message.requeue()
    return taken


def consume(service: str, broker_url: str | None = None, ack: bool = False, limit: int = 10,
            timeout: float = 2.0) -> list[dict[str, Any]]:
    """The records (JSON objects) of up to ``limit`` messages from ``mpp.<service>``.

    Without ``ack`` the messages stay in the queue. See ``consume_messages``.
    """
    return [m.body for m in consume_messages(service, broker_url, ack=ack, limit=limit,
                                             timeout=timeout)
            if isinstance(m.body, dict)]


def queue_stats(broker_url: str | None = None,
                services: Iterable[str] | None = None) -> dict[str, dict[str, int]]:
    """Ready messages per agency queue: ``{"mpp.<service>": {"messages": n, "dead": m}}``.

    A queue that does not exist yet counts 0 (it is not created on RabbitMQ).
    """
    url = broker_url or get_settings().effective_broker_url
    names = list(services) if services is not None else list(SERVICES)
    stats: dict[str, dict[str, int]] = {}
    with _mapped_errors("stats", url), connect(url) as conn:
        for service in names:
            stats[queue_name(service)] = {
                "messages": _count(conn, service_queue(service, url), url),
                "dead": _count(conn, dead_queue(service), url),
            }
    return stats


def _count(conn: Connection, queue: Queue, url: str) -> int:
    channel = conn.channel()
    try:
        if is_amqp(url):
            ok = channel.queue_declare(queue=queue.name, passive=True)
        else:
            ok = queue(channel).queue_declare()
        return int(ok.message_count)
    except conn.channel_errors:
        return 0  # passive declare of a missing queue: RabbitMQ closes the channel (404)
    finally:
        try:
            channel.close()
        except Exception:  # noqa: BLE001 - a channel closed by the broker may fail to close
            pass


def purge(service: str, broker_url: str | None = None, dead: bool = False) -> int:
    """Delete every ready message of ``mpp.<service>`` (or its dead queue); return the count."""
    url = broker_url or get_settings().effective_broker_url
    with _mapped_errors("purge", url), connect(url) as conn:
        channel = conn.channel()
        declare_service(channel, service, url)
        queue = (dead_queue(service) if dead else service_queue(service, url))(channel)
        return int(queue.purge() or 0)
