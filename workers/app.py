"""The Celery application (docs/design.md#exactly-once-publishing; decision 0001).

Everything is configured from :mod:`config.settings`; nothing here reads the
environment. The broker only ever carries "work on target T under lease L"
(or on several such pairs due at one instant, decision 0007) plus the periodic
ticks: the schedule itself lives in the database.

Broker
    ``SIAR_BROKER_URL`` unset: kombu's ``filesystem://`` transport in
    ``SIAR_DATA_DIR/broker`` (no server needed; laptops, demo, tests).
    ``redis://...`` and ``amqp://...`` (RabbitMQ) are taken by URL.

Delivery
    JSON only. ``task_acks_late`` + ``worker_prefetch_multiplier=1``: a message
    is acknowledged after its task ran, and a worker reserves one at a time, so
    a crashed worker's message is redelivered instead of lost. A redelivered
    (or duplicated) publish message is harmless: the lease token in it no
    longer matches and the task is a no-op (decision 0002).

Visibility timeout (Redis)
    Kept at Redis's default of one hour, on purpose and written down here:
    it must stay far above (a) the longest ETA we ever send, at most the
    dispatch look-ahead of 60 s, and (b) the longest task run, bounded by
    the HTTP timeouts and ``SIAR_LEASE_SECONDS``. Lowering it below those
    makes Redis redeliver messages that are still being worked on. Long
    ETAs are never sent (decision 0001), so we never need to raise it.

Key prefix (Redis)
    Every key this site puts in Redis starts with ``siar-<hash>:``, the hash
    naming the site's database (host, port, database name; never
    credentials). Two sites sharing one Redis (staging beside production,
    parallel test runs) therefore never consume each other's messages; a
    foreign message would only be a harmless no-op, but its own target would
    wait for the sweeper.

Results
    Nobody reads task results (the database holds every outcome), so there
    is no result backend and ``task_ignore_result`` is on.
"""

from __future__ import annotations

import hashlib
from typing import Any

from celery import Celery
from kombu.entity import Exchange, Queue
from sqlalchemy.engine import make_url

from config.settings import Settings, get_settings
from workers.file_broker import TRANSPORT_PATH as FILE_TRANSPORT
from workers.redis_broker import TRANSPORT_PATH as REDIS_TRANSPORT
from workers.schedule import beat_schedule

#: Redis/SQS visibility timeout in seconds (see the module docstring).
VISIBILITY_TIMEOUT = 3600
#: How often the file-backed transport looks for new messages. kombu's
#: default of 1 s would add up to a second per hop (beat -> dispatch -> publish).
FILESYSTEM_POLLING_INTERVAL = 0.1

QUEUES = ("dispatch", "publish", "engagement")

#: task name -> queue. Publishing never waits behind engagement collection.
TASK_ROUTES: dict[str, dict[str, str]] = {
    "siar.dispatch": {"queue": "dispatch"},
    "siar.sweep": {"queue": "dispatch"},
    "siar.reconcile": {"queue": "dispatch"},
    "siar.recurrence.extend": {"queue": "dispatch"},
    "siar.publish": {"queue": "publish"},
    "siar.publish_batch": {"queue": "publish"},
    "siar.engagement.*": {"queue": "engagement"},
}


def broker_key_prefix(settings: Settings) -> str:
    """``siar-<8 hex>:`` naming the site's database (see "Key prefix" above)."""
    url = make_url(settings.db_url)
    site = f"{url.get_backend_name()}://{url.host or ''}:{url.port or ''}/{url.database or ''}"
    return f"siar-{hashlib.sha256(site.encode()).hexdigest()[:8]}:"


def celery_config(settings: Settings) -> dict[str, Any]:
    """The Celery configuration for ``settings`` (pure: no I/O, testable)."""
    transport_options: dict[str, Any] = dict(settings.broker_transport_options)
    broker = settings.broker
    transport: str | None = None
    if broker.startswith("filesystem://"):
        transport = FILE_TRANSPORT  # atomic message files (workers/file_broker.py)
        transport_options.setdefault("polling_interval", FILESYSTEM_POLLING_INTERVAL)
    elif broker.startswith(("redis://", "rediss://", "sentinel://", "sqs://")):
        if broker.startswith("redis://"):
            transport = REDIS_TRANSPORT  # survives losing its connection (workers/redis_broker.py)
        transport_options.setdefault("visibility_timeout", VISIBILITY_TIMEOUT)
        if not broker.startswith("sqs://"):
            transport_options.setdefault("global_keyprefix", broker_key_prefix(settings))
    exchange = Exchange("siar", type="direct")
    return {
        "broker_url": broker,
        "broker_transport": transport,
        "broker_transport_options": transport_options,
        "broker_connection_retry_on_startup": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        "result_backend": None,
        "task_ignore_result": True,
        "task_store_errors_even_if_ignored": False,
        "task_acks_late": True,
        "worker_prefetch_multiplier": 1,
        # A lost worker's message must not be requeued in a tight loop (Celery's
        # task_reject_on_worker_lost can requeue a message that kills its worker forever):
        # the sweeper is what recovers a target whose worker died.
        "task_reject_on_worker_lost": False,
        "task_queues": tuple(Queue(name, exchange, routing_key=name) for name in QUEUES),
        "task_default_queue": "dispatch",
        "task_default_exchange": "siar",
        "task_default_routing_key": "dispatch",
        "task_routes": TASK_ROUTES,
        "timezone": "UTC",
        "enable_utc": True,
        "beat_schedule": beat_schedule(),
        "beat_scheduler": "workers.beat:SiarScheduler",
        "beat_schedule_filename": str(settings.data_dir / "celerybeat-schedule"),
        # Liveness comes from the heartbeats table (`siar status`), not from task events.
        "worker_send_task_events": False,
        "worker_hijack_root_logger": True,
    }


def make_app(settings: Settings | None = None) -> Celery:
    """Build the Celery app for ``settings`` (default: the process settings)."""
    settings = settings or get_settings()
    settings.ensure_dirs()
    celery_app = Celery("siar", include=["workers.tasks", "workers.signals"])
    celery_app.conf.update(celery_config(settings))
    return celery_app


app = make_app()
