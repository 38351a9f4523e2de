"""Start and record: ``queued -> publishing`` under the lease, the publish input, an attempt's outcome.

Also the account side of an outcome: a rate limit pauses the account, expired
credentials flag it ``needs_reconnect``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from scheduler.domain.model import AccountStatus, AttemptOutcome, TargetState
from scheduler.domain.outcomes import STARTED, Move
from scheduler.domain.states import answer_sources
from scheduler.store.publishing.conditions import state_in
from scheduler.store.tables import media_assets, post_media, post_targets, posts, publish_attempts, social_accounts
from scheduler.store.types import UtcDateTime

T = post_targets
A = social_accounts
S = TargetState


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
    .where(
        sa.tuple_(T.c.id, T.c.lease_token).in_(sa.bindparam("b_pairs", expanding=True)),
        state_in(STARTED.sources),
    )
    .values(
        state=STARTED.state,
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


def record(conn: sa.Connection, target_id: int, lease_token: str | None, move: Move, now: datetime) -> bool:
    """Make the domain's ``move`` under our lease (see :func:`finish`); False if we lost the target."""
    return finish(conn, target_id, lease_token, from_states=move.sources, values=move.values(now))


def finish(
    conn: sa.Connection,
    target_id: int,
    lease_token: str | None,
    *,
    from_states: Iterable[TargetState] | None = None,
    values: dict[str, Any],
) -> bool:
    """Set ``values`` on a target still in ``from_states`` under our lease; False if we lost it.

    ``from_states`` defaults to where the domain lets a create call's answer
    move the target to ``values["state"]``
    (:func:`~scheduler.domain.states.answer_sources`): ``publishing``, and
    ``unknown`` because the sweeper may have expired a slow worker's lease
    while its create call was still running; the worker's definite answer is
    better than a guess. Reconcile clears the lease token when it reschedules,
    so a very late answer cannot land then. ``lease_token=None`` matches a
    target that holds no lease.
    """
    sources = answer_sources(TargetState(values["state"])) if from_states is None else tuple(from_states)
    stmt = _finish_statement(tuple(sorted(values)), sources, lease_token is None)
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
