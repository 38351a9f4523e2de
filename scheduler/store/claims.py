"""The publishing pipeline's queries: claims, leases, outcomes, sweeps, heartbeats.

Every state change here is a *conditional* ``UPDATE`` (``WHERE state = ...
AND lease_token = ...``) whose row count says whether this caller won: two
workers, a stale broker message or a sweeper racing a slow worker can never
both move the same target (decision 0002). The source states come from the
domain's transition table (:func:`scheduler.domain.states.target_sources`
is mirrored by the explicit ``state`` conditions below).

Functions take an open ``sa.Connection`` inside a transaction the caller
owns (``with engine.begin() as conn``; on SQLite that is ``BEGIN IMMEDIATE``,
see :func:`scheduler.store.db.make_engine`), and ``now`` as an argument.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from scheduler.domain.model import AccountStatus, AttemptOutcome, TargetState
from scheduler.store import queries as live  # the partial-index predicates, as SQL literals
from scheduler.store.tables import (
    _LIVE_LEASE,
    audit_events,
    heartbeats,
    media_assets,
    post_media,
    post_targets,
    posts,
    publish_attempts,
    social_accounts,
)
from scheduler.store.types import UtcDateTime

T = post_targets
A = social_accounts
S = TargetState

#: Arbitrary constant naming the PostgreSQL advisory lock that makes dispatch
#: single-flight (two overlapping ticks must not both pass the pacing check).
DISPATCH_LOCK_KEY = 0x5EA5_D15B


# -- value types ----------------------------------------------------------------


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


@dataclass(frozen=True)
class Started:
    """A target moved to ``publishing``; ``attempt`` is its PublishAttempt number."""

    target_id: int
    attempt: int
    attempt_id: int


@dataclass(frozen=True)
class MediaRow:
    storage_key: str
    kind: str
    mime_type: str
    content_hash: str


@dataclass(frozen=True)
class PublishInput:
    """Everything a publish needs, read inside the start transaction."""

    target_id: int
    post_id: int
    kim_id: int
    account_id: int
    platform: str
    handle: str
    credentials_encrypted: str
    sandbox: bool
    text: str
    as_thread: bool
    media: tuple[MediaRow, ...]
    content_fingerprint: str | None
    #: The posts stored with the target when its content was checked (an X
    #: thread's tweets); empty on other platforms and on older targets.
    thread_parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnknownTarget:
    """A target in ``unknown`` with what reconciliation needs."""

    target_id: int
    account_id: int
    lease_token: str | None
    started_at: datetime | None  # of its latest attempt
    content_fingerprint: str | None


# -- dispatch -----------------------------------------------------------------


def _account_usable(now: datetime) -> sa.ColumnElement[bool]:
    """Active, or paused by a rate limit whose reset time has passed."""
    return sa.or_(
        A.c.status == AccountStatus.ACTIVE,
        sa.and_(A.c.status == AccountStatus.PAUSED, A.c.paused_until <= now),
    ) & sa.or_(A.c.paused_until.is_(None), A.c.paused_until <= now)


def _due(now: datetime, horizon: datetime) -> sa.ColumnElement[bool]:
    # Literal states (store/queries.py): a bound ``state = $1`` can make
    # PostgreSQL pick a generic plan that ignores the partial indexes.
    return sa.or_(
        sa.and_(live.DUE, T.c.scheduled_at <= horizon),
        sa.and_(live.RETRY, T.c.next_attempt_at <= now),
    )


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
        .where(_due(now, horizon), _account_usable(now))
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
        sa.select(T.c.id).where(T.c.id.in_(ids), _due(now, horizon)).with_for_update(skip_locked=True).scalar_subquery()
    )
    stmt = (
        sa.update(T)
        .where(T.c.id.in_(locked))
        .values(
            state=S.QUEUED,
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
        .where(T.c.id == target_id, T.c.state == S.QUEUED, T.c.lease_token == lease_token)
        .values(state=S.SCHEDULED, lease_token=None, lease_until=None, updated_at=now)
    )
    return result.rowcount == 1


# -- start and record ---------------------------------------------------------


# The publish path runs these for every target, so they are built once, here,
# with named bind parameters: building a statement costs more CPU than the
# round trip it makes (SQLAlchemy still caches the compiled form per statement).
_PUBLISH_INPUT = (
    sa.select(
        T.c.id,
        T.c.post_id,
        T.c.account_id,
        T.c.text_override,
        T.c.content_fingerprint,
        T.c.thread_parts,
        posts.c.kim_id,
        posts.c.text,
        posts.c.as_thread,
        A.c.platform,
        A.c.handle,
        A.c.credentials_encrypted,
        A.c.sandbox,
        A.c.status,
        A.c.paused_until,
        sa.exists().where(post_media.c.post_id == T.c.post_id).label("has_media"),
    )
    .join(posts, posts.c.id == T.c.post_id)
    .join(A, A.c.id == T.c.account_id)
    .where(T.c.id.in_(sa.bindparam("target_ids", expanding=True)))
)
_PUBLISH_MEDIA = (
    sa.select(
        post_media.c.post_id,
        media_assets.c.storage_key,
        media_assets.c.kind,
        media_assets.c.mime_type,
        media_assets.c.content_hash,
    )
    .join(post_media, post_media.c.media_id == media_assets.c.id)
    .where(post_media.c.post_id.in_(sa.bindparam("post_ids", expanding=True)))
    .order_by(post_media.c.post_id, post_media.c.position)
)
_START = (
    sa.update(T)
    .where(sa.tuple_(T.c.id, T.c.lease_token).in_(sa.bindparam("b_pairs", expanding=True)), T.c.state == S.QUEUED)
    .values(
        state=S.PUBLISHING,
        attempts=T.c.attempts + 1,
        lease_until=sa.bindparam("b_lease_until", type_=UtcDateTime()),
        updated_at=sa.bindparam("b_now", type_=UtcDateTime()),
    )
    .returning(T.c.id, T.c.attempts)
)
_SET_FINGERPRINT = (
    sa.update(T)
    .where(T.c.id == sa.bindparam("b_id"))
    .values(content_fingerprint=sa.bindparam("b_fingerprint", type_=sa.String(128)))
)
_INSERT_ATTEMPT = (
    sa.insert(publish_attempts)
    .values(
        target_id=sa.bindparam("b_target_id"),
        number=sa.bindparam("b_number"),
        started_at=sa.bindparam("b_now", type_=UtcDateTime()),
        lease_token=sa.bindparam("b_lease_token"),
        outcome=AttemptOutcome.STARTED,
    )
    .returning(publish_attempts.c.id, sort_by_parameter_order=True)
)
_FINISH_ATTEMPT = (
    sa.update(publish_attempts)
    .where(publish_attempts.c.id == sa.bindparam("b_attempt_id"))
    .values(
        finished_at=sa.bindparam("b_now", type_=UtcDateTime()),
        outcome=sa.bindparam("b_outcome", type_=publish_attempts.c.outcome.type),
        error_code=sa.bindparam("b_error_code", type_=publish_attempts.c.error_code.type),
        error_message=sa.bindparam("b_error_message", type_=publish_attempts.c.error_message.type),
    )
)


def start(
    conn: sa.Connection,
    target_id: int,
    lease_token: str,
    now: datetime,
    lease_seconds: float,
    fingerprint: str | None = None,
) -> Started | None:
    """``queued -> publishing`` for one target; see :func:`start_many`."""
    return start_many(conn, [(target_id, lease_token, fingerprint)], now, lease_seconds).get(target_id)


def start_many(
    conn: sa.Connection,
    items: Sequence[tuple[int, str, str | None]],
    now: datetime,
    lease_seconds: float,
) -> dict[int, Started]:
    """``queued -> publishing`` for each ``(target_id, lease_token, fingerprint)`` whose lease holds.

    One conditional UPDATE for all of them; a target missing from the result
    is stale or a duplicate (another lease, or it moved on) and the caller
    must do nothing with it. The won targets get their ``PublishAttempt``
    rows in the same transaction, which the caller commits *before* any
    request leaves the process (outbox style). A ``fingerprint`` that is not
    None is stored as the target's content fingerprint, so reconcile can
    recognise what this attempt sends.
    """
    if not items:
        return {}
    won = {
        r.id: r.attempts
        for r in conn.execute(
            _START,
            {
                "b_pairs": [(tid, token) for tid, token, _ in items],
                "b_now": now,
                "b_lease_until": now + timedelta(seconds=lease_seconds),
            },
        )
    }
    if not won:
        return {}
    fingerprints = [{"b_id": tid, "b_fingerprint": fp} for tid, _, fp in items if tid in won and fp is not None]
    if fingerprints:
        conn.execute(_SET_FINGERPRINT, fingerprints)
    tokens = {tid: token for tid, token, _ in items}
    rows = [
        {"b_target_id": tid, "b_number": won[tid], "b_now": now, "b_lease_token": tokens[tid]} for tid in sorted(won)
    ]
    attempt_ids = conn.execute(_INSERT_ATTEMPT, rows).scalars().all()
    return {
        r["b_target_id"]: Started(target_id=r["b_target_id"], attempt=r["b_number"], attempt_id=attempt_id)
        for r, attempt_id in zip(rows, attempt_ids, strict=True)
    }


@dataclass(frozen=True)
class AccountGate:
    """The account's status and pause, read with a target's publish input."""

    status: AccountStatus
    paused_until: datetime | None

    def holds(self, now: datetime) -> bool:
        """The account cannot publish now (needs reconnecting, or paused until later)."""
        return self.status is AccountStatus.NEEDS_RECONNECT or (
            self.paused_until is not None and self.paused_until > now
        )


def read_publish_inputs(conn: sa.Connection, target_ids: Sequence[int]) -> dict[int, tuple[PublishInput, AccountGate]]:
    """Publish input and account gate of each target that exists, in one query.

    The media query runs only when a post has media (one query for all of them).
    """
    if not target_ids:
        return {}
    rows = conn.execute(_PUBLISH_INPUT, {"target_ids": list(target_ids)}).all()
    media: dict[int, list[MediaRow]] = {}
    with_media = sorted({r.post_id for r in rows if r.has_media})
    if with_media:
        for m in conn.execute(_PUBLISH_MEDIA, {"post_ids": with_media}):
            media.setdefault(m.post_id, []).append(MediaRow(m.storage_key, str(m.kind), m.mime_type, m.content_hash))
    out: dict[int, tuple[PublishInput, AccountGate]] = {}
    for r in rows:
        job = PublishInput(
            target_id=r.id,
            post_id=r.post_id,
            kim_id=r.kim_id,
            account_id=r.account_id,
            platform=str(r.platform),
            handle=r.handle,
            credentials_encrypted=r.credentials_encrypted,
            sandbox=bool(r.sandbox),
            text=r.text_override if r.text_override is not None else r.text,
            as_thread=bool(r.as_thread),
            media=tuple(media.get(r.post_id, ())),
            content_fingerprint=r.content_fingerprint,
            thread_parts=tuple(r.thread_parts or ()),
        )
        out[r.id] = (job, AccountGate(AccountStatus(r.status), r.paused_until))
    return out


def load_publish_input(conn: sa.Connection, target_id: int) -> PublishInput:
    """The post's text (or the target's override), media and the account, for one target."""
    loaded = read_publish_inputs(conn, [target_id]).get(target_id)
    if loaded is None:
        raise LookupError(f"no target {target_id}")
    return loaded[0]


def finish(
    conn: sa.Connection,
    target_id: int,
    lease_token: str | None,
    *,
    from_states: Iterable[TargetState] = (S.PUBLISHING, S.UNKNOWN),
    values: dict[str, Any],
) -> bool:
    """Move a target out of ``publishing`` (or ``unknown``) under our lease; False if we lost it.

    ``unknown`` is allowed as a source because the sweeper may have expired a
    slow worker's lease while its create call was still running; the
    worker's definite answer is better than a guess. Reconcile clears the
    lease token when it reschedules, so a very late answer cannot land then.
    ``lease_token=None`` matches a target that holds no lease.
    """
    stmt = _finish_statement(tuple(sorted(values)), tuple(from_states), lease_token is None)
    params = {f"v_{k}": v for k, v in values.items()}
    params["b_target_id"] = target_id
    if lease_token is not None:
        params["b_lease_token"] = lease_token
    return conn.execute(stmt, params).rowcount == 1


@functools.lru_cache(maxsize=64)
def _finish_statement(columns: tuple[str, ...], from_states: tuple[TargetState, ...], no_lease: bool) -> sa.Update:
    """The UPDATE of :func:`finish` for one shape of ``values`` (a handful of outcomes)."""
    same_lease = T.c.lease_token.is_(None) if no_lease else T.c.lease_token == sa.bindparam("b_lease_token")
    return (
        sa.update(T)
        .where(T.c.id == sa.bindparam("b_target_id"), T.c.state.in_(list(from_states)), same_lease)
        .values({c: sa.bindparam(f"v_{c}", type_=T.c[c].type) for c in columns})
    )


def finish_attempt(
    conn: sa.Connection,
    attempt_id: int,
    now: datetime,
    outcome: AttemptOutcome,
    error_code: str | None = None,
    error_message: str | None = None,
) -> None:
    """Close a PublishAttempt row with its outcome."""
    conn.execute(
        _FINISH_ATTEMPT,
        {
            "b_attempt_id": attempt_id,
            "b_now": now,
            "b_outcome": outcome,
            "b_error_code": error_code,
            "b_error_message": error_message,
        },
    )


def pause_account(conn: sa.Connection, account_id: int, until: datetime, reason: str) -> None:
    """Pause an account after a rate-limit answer (dispatch skips it until ``until``)."""
    conn.execute(
        sa.update(A)
        .where(A.c.id == account_id, A.c.status != AccountStatus.NEEDS_RECONNECT)
        .values(
            status=AccountStatus.PAUSED,
            paused_until=sa.case((A.c.paused_until > until, A.c.paused_until), else_=sa.literal(until, UtcDateTime())),
            status_reason=reason,
        )
    )


def flag_needs_reconnect(conn: sa.Connection, account_id: int, reason: str) -> bool:
    """Mark an account ``needs_reconnect``; True if this call changed it (audit once)."""
    result = conn.execute(
        sa.update(A)
        .where(A.c.id == account_id, A.c.status != AccountStatus.NEEDS_RECONNECT)
        .values(status=AccountStatus.NEEDS_RECONNECT, status_reason=reason)
    )
    return result.rowcount == 1


def add_audit(
    conn: sa.Connection,
    now: datetime,
    action: str,
    *,
    kim_id: int | None = None,
    post_id: int | None = None,
    target_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """A system (actor-less) audit event. ``detail`` holds ids and codes only, never secrets."""
    conn.execute(
        sa.insert(audit_events).values(
            at=now,
            action=action,
            actor_id=None,
            kim_id=kim_id,
            post_id=post_id,
            target_id=target_id,
            detail=dict(detail or {}),
        )
    )


# -- sweep and reconcile --------------------------------------------------------


def sweep_queued(conn: sa.Connection, now: datetime) -> list[int]:
    """``queued`` with an expired lease -> ``scheduled`` (nothing was sent)."""
    rows = conn.execute(
        sa.update(T)
        .where(live.QUEUED, T.c.lease_until < now)
        .values(state=S.SCHEDULED, lease_token=None, lease_until=None, updated_at=now)
        .returning(T.c.id)
    ).all()
    return [r.id for r in rows]


def sweep_publishing(conn: sa.Connection, now: datetime) -> list[int]:
    """``publishing`` with an expired lease -> ``unknown`` (the create may have applied).

    The lease token stays, so the worker, if it is only slow, can still
    record its definite answer (see :func:`finish`). Its open attempt is
    closed as ``lease_expired``.
    """
    rows = conn.execute(
        sa.update(T)
        .where(live.PUBLISHING, T.c.lease_until < now)
        .values(state=S.UNKNOWN, lease_until=None, updated_at=now, last_error_code="lease_expired")
        .returning(T.c.id)
    ).all()
    ids = [r.id for r in rows]
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


def account_row(conn: sa.Connection, account_id: int) -> sa.Row[Any]:
    """One social account's row (platform, handle, encrypted credentials, status)."""
    return conn.execute(sa.select(A).where(A.c.id == account_id)).one()


def target_post_ids(conn: sa.Connection, target_id: int) -> tuple[int, int]:
    """(post_id, kim_id) of a target, for audit events."""
    r = conn.execute(
        sa.select(T.c.post_id, posts.c.kim_id).join(posts, posts.c.id == T.c.post_id).where(T.c.id == target_id)
    ).one()
    return r.post_id, r.kim_id


# -- liveness ---------------------------------------------------------------


def record_heartbeat(conn: sa.Connection, name: str, kind: str, hostname: str, pid: int, now: datetime) -> None:
    """Insert or refresh one heartbeat row (upsert on ``name``)."""
    values = {"name": name, "kind": kind, "hostname": hostname, "pid": pid, "seen_at": now}
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
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


def overdue_targets(conn: sa.Connection, now: datetime, grace_seconds: float, limit: int = 50) -> list[sa.Row[Any]]:
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
    return int(conn.execute(sa.select(sa.func.count()).select_from(T).where(sa.text(_LIVE_LEASE))).scalar_one())


def count_in_state(conn: sa.Connection, state: TargetState) -> int:
    """How many targets are in ``state``."""
    return int(conn.execute(sa.select(sa.func.count()).select_from(T).where(T.c.state == state)).scalar_one())


def store_credentials(conn: sa.Connection, account_id: int, credentials_encrypted: str) -> None:
    """Replace an account's encrypted credentials (a connector renewed them)."""
    conn.execute(sa.update(A).where(A.c.id == account_id).values(credentials_encrypted=credentials_encrypted))


def recurring_to_extend(conn: sa.Connection, before: datetime, limit: int) -> list[int]:
    """Approved recurring posts whose targets stop before ``before`` (uses ix_posts_recurring)."""
    from scheduler.domain.model import ReviewState, ScheduleKind

    rows = conn.execute(
        sa.select(posts.c.id)
        .where(
            posts.c.schedule_kind == ScheduleKind.RECURRING,
            posts.c.review_state == ReviewState.APPROVED,
            sa.or_(posts.c.expanded_until.is_(None), posts.c.expanded_until < before),
            sa.or_(
                posts.c.recurrence_until.is_(None),
                posts.c.expanded_until.is_(None),
                posts.c.recurrence_until > posts.c.expanded_until,
            ),
        )
        .order_by(posts.c.expanded_until, posts.c.id)
        .limit(limit)
    ).all()
    return [r.id for r in rows]
