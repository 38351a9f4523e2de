"""Start, publish, record: one target, one create call (decision 0002, steps 2-4).

:func:`publish_targets` is what the ``siar.publish_batch`` task calls with
the ``(target_id, lease_token)`` pairs of its message (``siar.publish`` and
:func:`publish_target` are the one-target form). For each target its three
phases never overlap (the start is shared by the targets of one message,
their create calls run side by side on a small thread pool, and answers that
come back together are recorded together):

1. **start** (one transaction, committed): read the targets, posts and
   accounts in one query; ``queued -> publishing`` and ``attempts + 1`` only
   where the message's lease token still matches, in one conditional UPDATE;
   the content fingerprints and the ``PublishAttempt`` rows. A stale or
   duplicate pair stops here.
2. **publish**: exactly one ``connector.publish`` call, with no database
   transaction open (a slow platform must not hold locks or, on SQLite,
   the only write lock).
3. **record** (one transaction): the outcome, conditional on the lease again.

Outcomes (connectors' taxonomy, mapped by :func:`answer_of`; the domain decides
the move, :func:`scheduler.domain.outcomes.decide_answer`):

=================  =====================================================
PublishResult      ``published`` with remote id, permalink, published_at
RateLimited        ``retry_wait`` at ``retry_at``; account paused until then
Transient          ``retry_wait`` after jittered exponential backoff;
                   ``failed`` after ``max_attempts``
AuthExpired        ``needs_reconnect``; account ``needs_reconnect`` (its
                   other targets are held at dispatch) + audit event
Rejected           ``failed`` with the platform's message for the member
Ambiguous (or any  ``unknown``: reconcile decides
unexpected error)
=================  =====================================================
"""

from __future__ import annotations

import enum
import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from connectors.base import (
    Ambiguous,
    AuthExpired,
    ConnectorError,
    Content,
    MediaFile,
    MediaKindName,
    PublishResult,
    RateLimited,
    Rejected,
    Transient,
)
from scheduler.domain.errors import DomainError
from scheduler.domain.outcomes import Answer, AnswerKind, RetryPolicy, decide_answer
from scheduler.domain.rules import rules_for
from scheduler.services.publishing import fingerprints
from scheduler.services.publishing.account_ref import account_ref
from scheduler.services.wiring import Pipeline
from scheduler.store import audit as audit_store
from scheduler.store.publishing import dispatch as dispatch_store
from scheduler.store.publishing import lifecycle

log = logging.getLogger(__name__)


class Outcome(str, enum.Enum):
    """What :func:`publish_target` did (for logs and tests)."""

    STALE = "stale"  # lease token did not match: nothing done
    HELD = "held"  # account not usable: released back to scheduled
    PUBLISHED = "published"
    RETRY_WAIT = "retry_wait"
    FAILED = "failed"
    NEEDS_RECONNECT = "needs_reconnect"
    UNKNOWN = "unknown"
    LOST = "lost"  # our lease was taken away before we could record


def publish_target(p: Pipeline, target_id: int, lease_token: str) -> Outcome:
    """Publish one claimed target exactly once under ``lease_token``."""
    return publish_targets(p, [(target_id, lease_token)])[target_id]


def publish_targets(p: Pipeline, items: Sequence[tuple[int, str]]) -> dict[int, Outcome]:
    """Publish claimed ``(target_id, lease_token)`` pairs, each exactly once under its lease.

    One start transaction for all of them (one query to read, one conditional
    UPDATE to start, the attempt rows), committed before any request leaves
    the process; then one create call per started target, several at once on
    a small thread pool when there are several (they mostly wait on the
    platform); outcomes are recorded as soon as they are known, those that
    arrive together in one transaction. A stale or duplicate pair is
    skipped; the others go on.
    """
    now = p.now()
    tokens = dict(items)
    outcomes: dict[int, Outcome] = {}
    to_start: list[tuple[int, str, str | None]] = []
    with p.transaction() as conn:
        loaded = lifecycle.read_publish_inputs(conn, list(tokens))
        for target_id, lease_token in tokens.items():
            if target_id not in loaded:  # the post was deleted meanwhile (or a foreign message)
                outcomes[target_id] = Outcome.STALE
                continue
            job, gate = loaded[target_id]
            if gate.holds(now):
                # Claimed before the account was flagged or paused: give it back untouched.
                released = dispatch_store.release(conn, target_id, lease_token, now)
                outcomes[target_id] = Outcome.HELD if released else Outcome.STALE
                continue
            fingerprint = fingerprints.of_publish_input(job)
            to_start.append((target_id, lease_token, fingerprint if job.content_fingerprint != fingerprint else None))
        started = lifecycle.start_many(conn, to_start, now, p.config.lease_seconds)
    # -- committed: the attempt rows exist before anything leaves the process --

    ready = []
    for target_id, lease_token, _ in to_start:
        if target_id in started:
            ready.append(_Started(started[target_id], loaded[target_id][0], lease_token))
        else:
            outcomes[target_id] = Outcome.STALE
    if len(ready) <= 1:
        for r in ready:
            outcomes.update(_record(p, [(r, _call(p, r.job))]))
        return outcomes
    calls = _calls(len(ready))
    pending = {calls.submit(_call, p, r.job): r for r in ready}
    while pending:
        # Record what has come back, together: calls that end close together
        # share one transaction, and a slow call delays nobody else's record.
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        outcomes.update(_record(p, [(pending.pop(f), f.result()) for f in done]))
    return outcomes


@dataclass(frozen=True)
class _Started:
    """A target whose attempt row is committed: its create call may go."""

    started: lifecycle.Started
    job: lifecycle.PublishInput
    lease_token: str


def _call(p: Pipeline, job: lifecycle.PublishInput) -> PublishResult | BaseException:
    """The one create call for a started target; its answer, or the exception it raised."""
    try:
        account = account_ref(p, job)
        content = content_of(p, job)
        connector = p.connector_for(job.platform)
    except ConnectorError as exc:
        return exc
    except Exception as exc:
        log.exception("target %s: could not prepare the publish", job.target_id)
        return Transient(code="prepare_failed", detail=type(exc).__name__)
    try:
        return connector.publish(account, content)
    except Exception as exc:
        return exc


_pool_lock = threading.Lock()
#: (process id, size, executor): a pool inherited across a fork has no threads.
_pool: tuple[int, int, ThreadPoolExecutor] | None = None


def _calls(wanted: int) -> ThreadPoolExecutor:
    """This process's pool for concurrent create calls (made after a fork, grown on demand)."""
    global _pool
    with _pool_lock:
        pid = os.getpid()
        if _pool is None or _pool[0] != pid or _pool[1] < wanted:
            if _pool is not None and _pool[0] == pid:
                _pool[2].shutdown(wait=False)  # running calls finish on their threads
            _pool = (pid, wanted, ThreadPoolExecutor(wanted, thread_name_prefix="siar-publish"))
        return _pool[2]


def content_of(p: Pipeline, job: lifecycle.PublishInput) -> Content:
    """The connector's Content for a target: its text, its parts and the post's media files."""
    media = tuple(
        # The media table's kind column holds only the connectors' kinds ("image", "video").
        MediaFile(path=Path(p.media_root) / m.storage_key, kind=cast(MediaKindName, m.kind), mime=m.mime_type)
        for m in job.media
    )
    return Content(text=job.text, media=media, thread_parts=publish_parts(job))


def publish_parts(job: lifecycle.PublishInput) -> tuple[str, ...]:
    """The posts a target publishes (an X thread's tweets): the parts stored with it.

    They were computed once, when its content was checked and saved, and are
    sent as stored. A target saved before targets kept their parts has none
    stored; it gets them from the same rules now (``PlatformRules.parts``).
    Empty on a platform without threads.
    """
    if job.thread_parts:
        return job.thread_parts
    try:
        return rules_for(job.platform).parts(job.text, job.as_thread) or ()
    except DomainError as error:  # characters the platform refuses: sending cannot help
        raise Rejected(error.message_id, error.message_en, code=error.code, platform=job.platform) from None


def retry_policy(p: Pipeline) -> RetryPolicy:
    """The pipeline's settings the domain decides retries with."""
    c = p.config
    return RetryPolicy(c.max_attempts, c.backoff_base_seconds, c.backoff_cap_seconds, c.rate_limit_default_seconds)


def _record(p: Pipeline, answers: Sequence[tuple[_Started, PublishResult | BaseException]]) -> dict[int, Outcome]:
    """Record the outcome of each answered attempt, all in one transaction."""
    now = p.now()
    outcomes: dict[int, Outcome] = {}
    with p.transaction() as conn:
        for s, result in answers:
            outcomes[s.job.target_id] = _record_one(p, conn, now, s, result)
    for s, _ in answers:
        log.info("target %s attempt %s: %s", s.job.target_id, s.started.attempt, outcomes[s.job.target_id].value)
    return outcomes


def _record_one(p: Pipeline, conn: Any, now: datetime, s: _Started, result: PublishResult | BaseException) -> Outcome:
    started, job = s.started, s.job
    answer = answer_of(started.target_id, result)
    answered = decide_answer(answer, started.attempt, retry_policy(p), now, p.rng.uniform)
    outcome = Outcome(answered.move.state.value)
    code, message = answered.error_code, answered.error_message
    if not lifecycle.record(conn, job.target_id, s.lease_token, answered.move, now):
        # The lease was taken from us (a sweeper, then reconcile). Keep the
        # attempt's answer for the record; reconcile owns the target now.
        lifecycle.finish_attempt(conn, started.attempt_id, now, answered.attempt_outcome, code, message)
        log.warning("target %s: lease lost before recording %s", job.target_id, outcome.value)
        return Outcome.LOST
    lifecycle.finish_attempt(conn, started.attempt_id, now, answered.attempt_outcome, code, message)
    if answer.kind is AnswerKind.RATE_LIMITED and answered.retry_at is not None:
        lifecycle.pause_account(conn, job.account_id, answered.retry_at, message or "")
    elif answer.kind is AnswerKind.AUTH_EXPIRED:
        if lifecycle.flag_needs_reconnect(conn, job.account_id, message or ""):
            audit_store.add_audit(
                conn,
                now,
                "account.needs_reconnect",
                kim_id=job.kim_id,
                post_id=job.post_id,
                target_id=job.target_id,
                detail={"account_id": job.account_id, "platform": job.platform, "code": code},
            )
    elif outcome is Outcome.FAILED:
        audit_store.add_audit(
            conn,
            now,
            "target.failed",
            kim_id=job.kim_id,
            post_id=job.post_id,
            target_id=job.target_id,
            detail={"code": code, "attempt": started.attempt},
        )
    return outcome


def answer_of(target_id: int, result: PublishResult | BaseException) -> Answer:
    """A connector's answer (or what it raised) as the domain's :class:`Answer`."""
    if isinstance(result, PublishResult):
        return Answer(
            AnswerKind.PUBLISHED,
            remote_id=result.remote_id,
            permalink=result.permalink,
            published_at=result.published_at,
        )
    if not isinstance(result, ConnectorError):
        # A bug or an unmapped library error after the call began: it may have applied.
        log.error("target %s: unexpected %s from connector", target_id, type(result).__name__)
        result = Ambiguous(code="unexpected_error", detail=type(result).__name__)
    if isinstance(result, RateLimited):
        return Answer(AnswerKind.RATE_LIMITED, result.code, result.message_id, retry_at=result.retry_at)
    if isinstance(result, Transient):
        return Answer(AnswerKind.TRANSIENT, result.code, result.message_id)
    if isinstance(result, AuthExpired):
        return Answer(AnswerKind.AUTH_EXPIRED, result.code, result.message_id)
    if isinstance(result, Rejected):
        return Answer(AnswerKind.REJECTED, result.code, result.user_message)
    # Ambiguous (or any other taxonomy member): only the platform knows.
    return Answer(AnswerKind.AMBIGUOUS, result.code, result.message_id)
