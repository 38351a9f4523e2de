"""Liveness: who is working, when beat last ticked, what is late.

Workers refresh a row in ``heartbeats`` every few seconds from a thread the
worker starts when it is ready (``workers/signals.py``) and delete it when
they shut down cleanly; beat refreshes its row on every scheduler tick
(``workers/beat.py``). :func:`status` reads them together with the targets
that should have moved by now; ``siar status`` and ``/api/v1/health`` show it.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from scheduler.domain.model import AccountStatus, TargetState
from scheduler.store.publishing import liveness as liveness_store

WORKER = "worker"
BEAT = "beat"


@dataclass(frozen=True)
class Heartbeat:
    name: str
    kind: str
    hostname: str
    pid: int
    seen_at: datetime
    alive: bool


@dataclass(frozen=True)
class OverdueTarget:
    target_id: int
    post_id: int
    account: str  # "x:@handle"
    state: str
    due_at: datetime | None
    held: bool  # the account needs reconnecting or is paused: waiting on purpose


@dataclass
class LivenessStatus:
    now: datetime
    workers: list[Heartbeat] = field(default_factory=list)
    beat: Heartbeat | None = None
    overdue: list[OverdueTarget] = field(default_factory=list)
    unknown: int = 0

    @property
    def live_workers(self) -> list[Heartbeat]:
        return [w for w in self.workers if w.alive]

    @property
    def beat_alive(self) -> bool:
        return self.beat is not None and self.beat.alive

    @property
    def healthy(self) -> bool:
        """Workers and beat alive, nothing late that is not held on purpose."""
        return bool(self.live_workers) and self.beat_alive and not any(not o.held for o in self.overdue)


def record(
    engine: sa.Engine,
    name: str,
    kind: str,
    now: datetime,
    hostname: str | None = None,
    pid: int | None = None,
) -> None:
    """Refresh the heartbeat ``name`` of kind ``worker`` or ``beat``."""
    with engine.begin() as conn:
        liveness_store.record_heartbeat(conn, name, kind, hostname or socket.gethostname(), pid or os.getpid(), now)


def forget(engine: sa.Engine, name: str) -> None:
    """Drop a heartbeat (clean shutdown: the worker is gone, not dead)."""
    with engine.begin() as conn:
        liveness_store.drop_heartbeat(conn, name)


def status(
    engine: sa.Engine,
    now: datetime,
    *,
    worker_ttl: float = 30.0,
    beat_ttl: float = 15.0,
    overdue_grace: float = 60.0,
) -> LivenessStatus:
    """Workers (alive if seen within ``worker_ttl`` s), beat, overdue and unknown targets."""
    with engine.connect() as conn:
        rows = liveness_store.heartbeat_rows(conn)
        late = liveness_store.overdue_targets(conn, now, overdue_grace)
        unknown = liveness_store.count_in_state(conn, TargetState.UNKNOWN)
    result = LivenessStatus(now=now, unknown=unknown)
    for r in rows:
        ttl = worker_ttl if r.kind == WORKER else beat_ttl
        beat = Heartbeat(r.name, r.kind, r.hostname, r.pid, r.seen_at, alive=now - r.seen_at <= timedelta(seconds=ttl))
        if r.kind == WORKER:
            result.workers.append(beat)
        elif result.beat is None or beat.seen_at > result.beat.seen_at:
            result.beat = beat
    for r in late:
        state = TargetState(r.state)
        due = r.next_attempt_at if state is TargetState.RETRY_WAIT else r.scheduled_at
        held = AccountStatus(r.account_status) is not AccountStatus.ACTIVE and state in (
            TargetState.SCHEDULED,
            TargetState.RETRY_WAIT,
        )
        result.overdue.append(
            OverdueTarget(
                target_id=r.id,
                post_id=r.post_id,
                account=f"{r.platform}:@{r.handle}",
                state=state.value,
                due_at=due,
                held=held,
            )
        )
    return result
