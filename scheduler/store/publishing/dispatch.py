"""Dispatch's queries: due candidates, the single-flight lock, claim and release (decision 0001)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from scheduler.domain.model import AccountStatus, TargetState
from scheduler.domain.outcomes import CLAIMED, RELEASED
from scheduler.store.publishing.conditions import state_in, state_in_literal
from scheduler.store.tables import post_targets, social_accounts
from scheduler.store.types import UtcDateTime

T = post_targets
A = social_accounts
S = TargetState

#: Arbitrary constant naming the PostgreSQL advisory lock that makes dispatch
#: single-flight (two overlapping ticks must not both pass the pacing check).
DISPATCH_LOCK_KEY = 0x5EA5_D15B


@dataclass(frozen=True)
class Candidate:
    """A due target, before pacing decides whether it may go now."""

    target_id: int
    account_id: int
    due_at: datetime  # scheduled_at, or next_attempt_at for a retry
    platform: str
    min_spacing_seconds: int | None
    daily_cap: int | None
    timezone: str


@dataclass(frozen=True)
class Claim:
    """A target this dispatcher won: publish it under ``lease_token``."""

    target_id: int
    lease_token: str
    due_at: datetime
    lease_until: datetime


def account_usable(now: datetime) -> sa.ColumnElement[bool]:
    """Active, or paused by a rate limit whose reset time has passed."""
    return sa.or_(
        A.c.status == AccountStatus.ACTIVE,
        sa.and_(A.c.status == AccountStatus.PAUSED, A.c.paused_until <= now),
    ) & sa.or_(A.c.paused_until.is_(None), A.c.paused_until <= now)


#: When a target in each state the domain lets dispatch claim from is due: a
#: scheduled one at ``scheduled_at`` within the look-ahead (``horizon``), a
#: retry at ``next_attempt_at``.
_DUE_WHEN: dict[TargetState, Callable[[datetime, datetime], sa.ColumnElement[bool]]] = {
    S.SCHEDULED: lambda now, horizon: T.c.scheduled_at <= horizon,
    S.RETRY_WAIT: lambda now, horizon: T.c.next_attempt_at <= now,
}
if set(_DUE_WHEN) != set(CLAIMED.sources):  # the domain's table changed: say when the new source is due
    raise RuntimeError(f"dispatch claims from {CLAIMED.sources}, due times known for {tuple(_DUE_WHEN)}")


def due_condition(now: datetime, horizon: datetime) -> sa.ColumnElement[bool]:
    """Due, in one of the states the domain claims from (``ix_targets_due``, ``ix_targets_retry``)."""
    # Literal states (store/queries.py): a bound ``state = $1`` can make
    # PostgreSQL pick a generic plan that ignores the partial indexes.
    return sa.or_(*(sa.and_(state_in_literal([s]), _DUE_WHEN[s](now, horizon)) for s in CLAIMED.sources))


def try_dispatch_lock(conn: sa.Connection) -> bool:
    """Make dispatch single-flight for this transaction.

    PostgreSQL: a transaction-scoped advisory lock; a second dispatcher gets
    False and skips this tick. SQLite: the caller's ``BEGIN IMMEDIATE``
    already holds the database's only write lock, so always True.
    """
    if conn.dialect.name == "postgresql":
        return bool(conn.execute(sa.select(sa.func.pg_try_advisory_xact_lock(DISPATCH_LOCK_KEY))).scalar())
    return True


def due_candidates(conn: sa.Connection, now: datetime, horizon: datetime, limit: int) -> list[Candidate]:
    """Due targets on usable accounts, earliest first (not locked: see :func:`claim`)."""
    due_at = sa.case((T.c.state == S.RETRY_WAIT, T.c.next_attempt_at), else_=T.c.scheduled_at)
    rows = conn.execute(
        sa.select(
            T.c.id,
            T.c.account_id,
            T.c.state,
            T.c.scheduled_at,
            T.c.next_attempt_at,
            A.c.platform,
            A.c.min_spacing_seconds,
            A.c.daily_cap,
            A.c.timezone,
        )
        .join(A, A.c.id == T.c.account_id)
        .where(due_condition(now, horizon), account_usable(now))
        .order_by(due_at, T.c.id)
        .limit(limit)
    ).all()
    return [
        Candidate(
            target_id=r.id,
            account_id=r.account_id,
            due_at=r.next_attempt_at if r.state == S.RETRY_WAIT else r.scheduled_at,
            platform=str(r.platform),
            min_spacing_seconds=r.min_spacing_seconds,
            daily_cap=r.daily_cap,
            timezone=r.timezone,
        )
        for r in rows
    ]


def recent_activity(conn: sa.Connection, account_ids: Iterable[int], since: datetime) -> dict[int, list[datetime]]:
    """Per account, the instants of targets published or on their way since ``since``.

    Published targets count at ``published_at``; claimed, in-flight and
    unknown ones at ``scheduled_at`` (their best estimate). Pacing compares
    a candidate against these.
    """
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    in_flight = (S.QUEUED, S.PUBLISHING, S.UNKNOWN)
    instant = sa.case((T.c.state == S.PUBLISHED, T.c.published_at), else_=T.c.scheduled_at)
    rows = conn.execute(
        sa.select(T.c.account_id, instant.label("at")).where(
            T.c.account_id.in_(ids),
            sa.or_(
                sa.and_(T.c.state == S.PUBLISHED, T.c.published_at >= since),
                sa.and_(T.c.state.in_(in_flight), T.c.scheduled_at >= since),
            ),
        )
    ).all()
    out: dict[int, list[datetime]] = {i: [] for i in ids}
    for r in rows:
        at = r.at
        if at is not None and at.tzinfo is None:  # a CASE loses the column type on SQLite
            at = UtcDateTime().process_result_value(at, conn.dialect)
        elif isinstance(at, str):
            at = UtcDateTime().process_result_value(datetime.fromisoformat(at), conn.dialect)
        if at is not None:
            out[r.account_id].append(at)
    return out


def claim(
    conn: sa.Connection,
    chosen: Sequence[Candidate],
    now: datetime,
    horizon: datetime,
    lease_seconds: float,
) -> list[Claim]:
    """Claim ``chosen`` in ONE conditional UPDATE; returns the targets won.

    The inner ``SELECT ... FOR UPDATE SKIP LOCKED`` (PostgreSQL) re-checks
    that each target is still due and skips rows another transaction holds
    (an admin editing or cancelling it right now); SQLite compiles it without
    the locking clause, the ``BEGIN IMMEDIATE`` transaction serializes writers.
    Each target gets its own fresh lease token (uuid4 hex) and a lease that
    covers its wait inside the look-ahead window plus ``lease_seconds``.
    """
    if not chosen:
        return []
    tokens = {c.target_id: uuid.uuid4().hex for c in chosen}
    until = {c.target_id: max(c.due_at, now) + timedelta(seconds=lease_seconds) for c in chosen}
    ids = list(tokens)
    locked = (
        sa.select(T.c.id)
        .where(T.c.id.in_(ids), due_condition(now, horizon))
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    stmt = (
        sa.update(T)
        .where(T.c.id.in_(locked))
        .values(
            state=CLAIMED.state,
            lease_token=sa.case(*[(T.c.id == i, sa.literal(tok, sa.String(64))) for i, tok in tokens.items()]),
            lease_until=sa.case(*[(T.c.id == i, sa.literal(u, UtcDateTime())) for i, u in until.items()]),
            updated_at=now,
        )
        .returning(T.c.id, T.c.lease_token, T.c.lease_until)
    )
    rows = conn.execute(stmt).all()
    due = {c.target_id: c.due_at for c in chosen}
    return sorted(
        (Claim(target_id=r.id, lease_token=r.lease_token, due_at=due[r.id], lease_until=until[r.id]) for r in rows),
        key=lambda c: (c.due_at, c.target_id),
    )


def release(conn: sa.Connection, target_id: int, lease_token: str, now: datetime) -> bool:
    """``queued -> scheduled`` under our lease (nothing was sent: enqueue failed or account held)."""
    result = conn.execute(
        sa.update(T)
        .where(T.c.id == target_id, state_in(RELEASED.sources), T.c.lease_token == lease_token)
        .values(RELEASED.values(now))
    )
    return result.rowcount == 1
