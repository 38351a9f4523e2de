"""kombu's ``redis://`` transport, surviving the loss of its own connection.

When Redis goes away under a running worker (a restart, a failover), Celery
5.7's consumer collects the broken connection and then closes it. Closing the
channel restores the messages the worker had delivered but not yet
acknowledged (``task_acks_late``), which needs a fresh Redis client, which is
built from the connection that ``collect()`` has just detached: kombu raises
``AttributeError: 'NoneType' object has no attribute 'hostname'``, an error
the consumer does not expect, and the worker exits with status 0 (seen in
``tests/chaos/test_mixed_chaos.py``; the same failure as celery/kombu#582).

The same happens when a task that was running during the outage finishes
and its message is acknowledged through the dead channel. Here both are
skipped when the channel no longer has a connection to reach Redis through,
and logged. Nothing is lost: those messages stay in Redis's unacked set
(restored by kombu after the visibility timeout), and Siar does not need them
anyway: their targets' leases expire and the sweeper hands the targets to
the next claim, while a late duplicate message is a no-op (decision 0002).
With a connection present, everything is kombu's own code.
Selected through Celery's ``broker_transport`` setting for ``redis://`` URLs
(see ``workers/app.py``); nothing in kombu is patched.
"""

from __future__ import annotations

import logging
from typing import Any

from kombu.transport import redis, virtual

TRANSPORT_PATH = "workers.redis_broker:Transport"

log = logging.getLogger(__name__)


class QoS(redis.QoS):
    def _detached(self) -> bool:
        """The channel's connection is gone: nothing can reach Redis through it any more."""
        transport = getattr(self.channel, "connection", None)
        return transport is None or getattr(transport, "client", None) is None

    def restore_unacked_once(self, stderr: Any = None) -> Any:
        """Restore unacknowledged messages, unless the connection is already gone."""
        if self._detached():
            if self._delivered:
                log.warning(
                    "broker connection lost: %d unacknowledged message(s) left in Redis; "
                    "their targets come back through the lease sweep",
                    len(self._delivered),
                )
            return None
        return super().restore_unacked_once(stderr)  # type: ignore[no-untyped-call]  # kombu's QoS is unannotated

    def ack(self, delivery_tag: Any) -> None:
        """Acknowledge; a task that ends after its connection was lost is only forgotten here."""
        if self._detached():
            log.info(
                "broker connection lost: message %s not acknowledged (harmless: its "
                "redelivery finds the target's lease taken)",
                delivery_tag,
            )
            virtual.QoS.ack(self, delivery_tag)  # drop kombu's own bookkeeping only
            return
        super().ack(delivery_tag)  # type: ignore[no-untyped-call]  # kombu's QoS is unannotated

    def reject(self, delivery_tag: Any, requeue: bool = False) -> None:
        if self._detached():
            virtual.QoS.ack(self, delivery_tag)
            return
        super().reject(delivery_tag, requeue=requeue)  # type: ignore[no-untyped-call]  # kombu's QoS is unannotated


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
