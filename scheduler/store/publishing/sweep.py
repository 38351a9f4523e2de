"""Sweep's and reconcile's queries: expired leases, ended pauses, the ``unknown`` targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from scheduler.domain.model import AccountStatus, AttemptOutcome, TargetState
from scheduler.domain.outcomes import PUBLISH_LEASE_EXPIRED, RELEASED, Move
from scheduler.store import queries as live  # the partial-index predicates, as SQL literals
from scheduler.store.publishing.conditions import state_in_literal
from scheduler.store.tables import post_targets, publish_attempts, social_accounts
from scheduler.store.types import UtcDateTime

T = post_targets
A = social_accounts
S = TargetState


@dataclass(frozen=True)
class UnknownTarget:
    """A target in ``unknown`` with what reconciliation needs."""

    target_id: int
    account_id: int
    lease_token: str | None
    started_at: datetime | None  # of its latest attempt
    content_fingerprint: str | None


def _expire(conn: sa.Connection, move: Move, now: datetime) -> list[int]:
    """Make ``move`` on every target in its source states whose lease has expired; their ids."""
    rows = conn.execute(
        sa.update(T)
        .where(state_in_literal(move.sources), T.c.lease_until < now)
        .values(move.values(now))
        .returning(T.c.id)
    ).all()
    return [r.id for r in rows]


def sweep_queued(conn: sa.Connection, now: datetime) -> list[int]:
    """``queued`` with an expired lease -> ``scheduled`` (nothing was sent)."""
    return _expire(conn, RELEASED, now)


def sweep_publishing(conn: sa.Connection, now: datetime) -> list[int]:
    """``publishing`` with an expired lease -> ``unknown`` (the create may have applied).

    The lease token stays, so the worker, if it is only slow, can still
    record its definite answer (see :func:`finish`). Its open attempt is
    closed as ``lease_expired``.
    """
    ids = _expire(conn, PUBLISH_LEASE_EXPIRED, now)
    if ids:
        conn.execute(
            sa.update(publish_attempts)
            .where(publish_attempts.c.target_id.in_(ids), publish_attempts.c.outcome == AttemptOutcome.STARTED)
            .values(outcome=AttemptOutcome.LEASE_EXPIRED, finished_at=now)
        )
    return ids


def unpause_accounts(conn: sa.Connection, now: datetime) -> list[int]:
    """Accounts whose rate-limit pause has ended become ``active`` again."""
    rows = conn.execute(
        sa.update(A)
        .where(A.c.status == AccountStatus.PAUSED, A.c.paused_until <= now)
        .values(status=AccountStatus.ACTIVE, paused_until=None, status_reason=None)
        .returning(A.c.id)
    ).all()
    return [r.id for r in rows]


def unknown_targets(conn: sa.Connection, limit: int) -> list[UnknownTarget]:
    """Targets in ``unknown``, oldest first, with their latest attempt's start."""
    latest = (
        sa.select(sa.func.max(publish_attempts.c.started_at))
        .where(publish_attempts.c.target_id == T.c.id)
        .scalar_subquery()
    )
    rows = conn.execute(
        sa.select(T.c.id, T.c.account_id, T.c.lease_token, T.c.content_fingerprint, latest.label("started_at"))
        .where(live.UNKNOWN)
        .order_by(T.c.updated_at, T.c.id)
        .limit(limit)
    ).all()
    out = []
    for r in rows:
        started = r.started_at
        if isinstance(started, str):
            started = datetime.fromisoformat(started)
        if started is not None:
            started = UtcDateTime().process_result_value(started, conn.dialect)
        out.append(UnknownTarget(r.id, r.account_id, r.lease_token, started, r.content_fingerprint))
    return out
