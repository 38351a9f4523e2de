"""``workers.redis_broker``: a channel closed after its connection was collected does not crash.

Celery's consumer, on a lost Redis connection, collects the connection and
then closes it; closing the channel restores the unacknowledged messages
through a client built from the connection that collect() detached. kombu's
own transport raises AttributeError there (the worker then exits: the
traceback in tests/chaos/test_mixed_chaos.py's runs); ours skips the restore.
Both are run against the real Redis, so the test fails if either stops
being true.
"""

from __future__ import annotations

import uuid

import pytest
from kombu import Connection
from kombu.transport import redis as kombu_redis

from workers import redis_broker


def _delivered(redis_url: str, transport: type):
    """A channel holding one delivered, unacknowledged message: (connection, channel, message, queue)."""
    queue = f"siar-test-{uuid.uuid4().hex[:8]}"
    conn = Connection(redis_url, transport=transport)
    channel = conn.default_channel
    channel.queue_declare(queue)
    channel.basic_publish(channel.prepare_message("hello"), exchange="", routing_key=queue)
    message = channel.basic_get(queue, no_ack=False)
    assert message is not None and channel.qos._delivered
    return conn, channel, message, queue


def _collected_with_an_unacked_message(redis_url: str, transport: type):
    """A channel holding one delivered, unacknowledged message, its transport detached.

    ``Connection.collect()`` ends by detaching the transport from the
    connection (``transport.client = None``); when the channel is closed
    after that, as in the worker's traceback, restoring the message needs a
    new client built from ``transport.client``.
    """
    conn, channel, _, queue = _delivered(redis_url, transport)
    conn.transport.client = None  # what collect() leaves behind (Connection._do_close_transport)
    return conn, channel, queue


def test_kombus_own_transport_crashes_here(redis_url):
    conn, channel, _ = _collected_with_an_unacked_message(redis_url, kombu_redis.Transport)
    with pytest.raises(AttributeError, match="hostname"):
        channel.close()


def test_siar_transport_closes_quietly_and_keeps_the_message_unacked(redis_url, caplog):
    conn, channel, queue = _collected_with_an_unacked_message(redis_url, redis_broker.Transport)
    channel.close()
    assert "unacknowledged message(s) left in Redis" in caplog.text
    # The message is still in Redis's unacked set, where kombu restores it after the
    # visibility timeout; a fresh connection works as usual.
    with Connection(redis_url, transport=redis_broker.Transport) as fresh:
        client = fresh.default_channel.client
        assert client.hlen(fresh.default_channel.unacked_key) >= 1
        fresh.default_channel.queue_delete(queue)


def _closed_under_a_running_task(redis_url: str, transport: type):
    """A delivered message whose channel was closed (connection lost) before the task ended."""
    _, channel, message, _ = _delivered(redis_url, transport)
    channel.connection = None  # what Transport.close_channel leaves on a closed channel
    channel._pool = None
    return message


def test_kombus_own_transport_crashes_on_a_late_ack(redis_url):
    message = _closed_under_a_running_task(redis_url, kombu_redis.Transport)
    with pytest.raises(AttributeError, match="client"):
        message.ack()


def test_siar_transport_forgets_a_late_ack(redis_url):
    message = _closed_under_a_running_task(redis_url, redis_broker.Transport)
    message.ack()
    assert message.acknowledged


def test_the_app_uses_it_for_redis_urls():
    from config.settings import Settings
    from workers.app import celery_config

    config = celery_config(Settings(_env_file=None, broker_url="redis://127.0.0.1:6379/0"))
    assert config["broker_transport"] == redis_broker.TRANSPORT_PATH
