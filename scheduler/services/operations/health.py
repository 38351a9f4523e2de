"""Health of a Siar installation: database, broker, workers, beat, Graph API version (``/api/v1/health``).

Each check answers ok or not with a short reason and never raises: a health
page must render when parts are down. Liveness of workers and beat comes
from :mod:`liveness` (heartbeats in the database); the Graph API version's
notice from :mod:`graph_version` (a version that has ended makes the site
unhealthy; one ending within 60 days is only a warning).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from scheduler.services.operations import graph_version
from scheduler.services.publishing import liveness


@dataclass
class Health:
    database: bool
    broker: bool
    facebook_graph: graph_version.GraphVersionNotice
    database_error: str | None = None
    broker_error: str | None = None
    live_workers: list[str] = field(default_factory=list)
    beat_last_tick: datetime | None = None
    beat_alive: bool = False
    overdue: int = 0
    unknown: int = 0

    @property
    def ok(self) -> bool:
        return (
            self.database
            and self.broker
            and bool(self.live_workers)
            and self.beat_alive
            and not self.facebook_graph.alert
        )


def _reason(exc: BaseException) -> str:
    # The class name only: messages of drivers may contain URLs with passwords.
    return type(exc).__name__


def check(
    engine: sa.Engine,
    broker_url: str,
    transport_options: dict[str, Any],
    now: datetime,
    *,
    facebook_graph_version: str,
    worker_ttl: float = 30.0,
    beat_ttl: float = 15.0,
) -> Health:
    """Run every check (a few seconds at most)."""
    health = Health(database=True, broker=True, facebook_graph=graph_version.notice(facebook_graph_version, now))
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        status = liveness.status(engine, now, worker_ttl=worker_ttl, beat_ttl=beat_ttl)
        health.live_workers = [w.name for w in status.live_workers]
        health.beat_last_tick = status.beat.seen_at if status.beat else None
        health.beat_alive = status.beat_alive
        health.overdue = sum(1 for o in status.overdue if not o.held)
        health.unknown = status.unknown
    except Exception as exc:
        health.database, health.database_error = False, _reason(exc)
    try:
        from kombu.connection import Connection

        with Connection(broker_url, transport_options=transport_options, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
    except Exception as exc:
        health.broker, health.broker_error = False, _reason(exc)
    return health
