"""Liveness's queries: heartbeats of workers and beat, overdue targets, counts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from scheduler.domain.model import TargetState
from scheduler.store import queries as live  # the partial-index predicates, as SQL literals
from scheduler.store.tables import heartbeats, post_targets, social_accounts

T = post_targets
A = social_accounts
S = TargetState


def record_heartbeat(conn: sa.Connection, name: str, kind: str, hostname: str, pid: int, now: datetime) -> None:
    """Insert or refresh one heartbeat row (upsert on ``name``)."""
    values = {"name": name, "kind": kind, "hostname": hostname, "pid": pid, "seen_at": now}
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]  # same API as postgresql's
    stmt = insert(heartbeats).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[heartbeats.c.name],
        set_={"kind": kind, "hostname": hostname, "pid": pid, "seen_at": now},
    )
    conn.execute(stmt)


def drop_heartbeat(conn: sa.Connection, name: str) -> None:
    """Forget a heartbeat (clean shutdown)."""
    conn.execute(sa.delete(heartbeats).where(heartbeats.c.name == name))


def heartbeat_rows(conn: sa.Connection) -> list[sa.Row[Any]]:
    """Every heartbeat row, newest first."""
    return list(conn.execute(sa.select(heartbeats).order_by(heartbeats.c.seen_at.desc())).all())


def overdue_targets(
    conn: sa.Connection, now: datetime, grace_seconds: float, limit: int = 50
) -> list[sa.Row[*tuple[Any, ...]]]:
    """Targets that should have moved and did not.

    ``scheduled`` / ``retry_wait`` due more than ``grace_seconds`` ago, and
    ``queued`` / ``publishing`` whose lease has expired. Includes the account
    status, so held targets (account needs reconnecting) can be told apart.
    """
    cutoff = now - timedelta(seconds=grace_seconds)
    return list(
        conn.execute(
            sa.select(
                T.c.id,
                T.c.post_id,
                T.c.account_id,
                T.c.state,
                T.c.scheduled_at,
                T.c.next_attempt_at,
                T.c.lease_until,
                A.c.handle,
                A.c.platform,
                A.c.status.label("account_status"),
            )
            .join(A, A.c.id == T.c.account_id)
            .where(
                sa.or_(
                    sa.and_(T.c.state == S.SCHEDULED, T.c.scheduled_at < cutoff),
                    sa.and_(T.c.state == S.RETRY_WAIT, T.c.next_attempt_at < cutoff),
                    sa.and_(T.c.state.in_([S.QUEUED, S.PUBLISHING]), T.c.lease_until < now),
                )
            )
            .order_by(T.c.scheduled_at, T.c.id)
            .limit(limit)
        ).all()
    )


def count_in_flight(conn: sa.Connection) -> int:
    """Targets claimed and not yet finished (queued or publishing): the partial lease index."""
    return int(conn.execute(sa.select(sa.func.count()).select_from(T).where(live.LEASED)).scalar_one())


def count_in_state(conn: sa.Connection, state: TargetState) -> int:
    """How many targets are in ``state``."""
    return int(conn.execute(sa.select(sa.func.count()).select_from(T).where(T.c.state == state)).scalar_one())
