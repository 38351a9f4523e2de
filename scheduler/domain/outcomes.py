"""The publishing pipeline's moves of a target, decided here (docs/design.md#the-targets-life).

Each decision is a :class:`Move`: the event, the new state, the target's
fields that change with it, and the states it may be made from (from
:mod:`.states`: the store turns them into the ``WHERE state IN (...)`` of its
conditional UPDATE); an answer's (:class:`Answered`) adds what the attempt row
records. The store only writes what a move says; the services only map the
connector's answer to an :class:`Answer`.

* :func:`decide_answer`: a create call's answer (attempt number and the retry
  policy decide between retrying and giving up).
* :func:`reconciled_found` / :func:`reconciled_not_found`: reconcile's verdict on an
  ``unknown`` target (not found waits until the attempt has surely ended).
* :data:`CLAIMED`, :data:`STARTED`, :data:`RELEASED`, :data:`PUBLISH_LEASE_EXPIRED`: the
  moves of dispatch, start, a claim given back, and the sweeper's expired publish.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .model import AttemptOutcome, TargetState
from .states import TARGET_TABLE, TargetEvent, answer_sources, event_sources

S = TargetState
E = TargetEvent

#: ``uniform(a, b)``: a random number in ``[a, b]`` (``random.Random.uniform``), for the jitter.
Uniform = Callable[[float, float], float]

#: The error code a target keeps when the sweeper found its publish lease expired.
LEASE_EXPIRED_CODE = "lease_expired"
#: The error code of a target reconcile did not find and scheduled again.
NOT_FOUND_CODE = "not_found_after_unknown"
#: The error code of a target that failed transiently too often.
TOO_MANY_ATTEMPTS_CODE = "too_many_attempts"


class AnswerKind(enum.StrEnum):
    """The connectors' taxonomy of a create call's answer."""

    PUBLISHED = "published"
    RATE_LIMITED = "rate_limited"
    TRANSIENT = "transient"
    AUTH_EXPIRED = "auth_expired"
    REJECTED = "rejected"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class Answer:
    """A create call's answer, as the domain needs it.

    ``message`` is what the member reads (a rejection's user message, else the
    error's Indonesian message); ``retry_at`` a rate limit's reset time, if the
    platform gave one; ``remote_id``, ``permalink``, ``published_at`` a success's.
    """

    kind: AnswerKind
    code: str | None = None
    message: str | None = None
    retry_at: datetime | None = None
    remote_id: str | None = None
    permalink: str | None = None
    published_at: datetime | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how late a transient failure is retried, and a rate limit's default pause."""

    max_attempts: int
    backoff_base_seconds: float
    backoff_cap_seconds: float
    rate_limit_default_seconds: float


@dataclass(frozen=True)
class Move:
    """One move of a target: ``sources -> state`` by ``event``, setting ``changes``.

    ``changes`` are the target's columns that change besides ``state`` and
    ``updated_at`` (a column it leaves out keeps its value).
    """

    event: TargetEvent
    state: TargetState
    sources: tuple[TargetState, ...]
    changes: Mapping[str, object] = field(default_factory=dict)

    def values(self, now: datetime) -> dict[str, object]:
        """Every column the move writes: its state, its changes and ``updated_at``."""
        return {"state": self.state, **self.changes, "updated_at": now}


@dataclass(frozen=True)
class Answered:
    """What an answer does: the target's ``move``, and what its attempt row records.

    ``retry_at`` is when the target is tried again (``retry_wait`` only): a
    rate limit pauses the account until then too.
    """

    move: Move
    attempt_outcome: AttemptOutcome
    error_code: str | None
    error_message: str | None
    retry_at: datetime | None = None


_NO_LEASE: Mapping[str, object] = {"lease_token": None, "lease_until": None}

#: Dispatch claimed it (its lease token and lease are the claim's own).
CLAIMED = Move(E.CLAIM, S.QUEUED, event_sources(E.CLAIM))
#: The worker holds the lease and writes the attempt row (``attempts + 1``).
STARTED = Move(E.START, S.PUBLISHING, event_sources(E.START))
#: The claim was given back before start (the broker refused the message, the
#: account is held, or the lease ran out): nothing was sent.
RELEASED = Move(E.LEASE_EXPIRED, S.SCHEDULED, event_sources(E.LEASE_EXPIRED), _NO_LEASE)
#: The sweeper found a publish lease expired: the create may have applied. The
#: lease token stays, so the worker's definite answer can still land. Its open
#: attempt is closed as ``lease_expired``.
PUBLISH_LEASE_EXPIRED = Move(
    E.AMBIGUOUS,
    S.UNKNOWN,
    event_sources(E.AMBIGUOUS),
    {"lease_until": None, "last_error_code": LEASE_EXPIRED_CODE},
)


def backoff(attempt: int, policy: RetryPolicy, uniform: Uniform) -> timedelta:
    """Full-jitter exponential backoff for the ``attempt``-th failure (1-based)."""
    ceiling = min(policy.backoff_cap_seconds, policy.backoff_base_seconds * 2 ** (attempt - 1))
    # Half fixed, half random: spreads a crowd of retries without ever retrying at once.
    return timedelta(seconds=ceiling / 2 + uniform(0, ceiling / 2))


def _answered(
    state: TargetState,
    changes: Mapping[str, object],
    outcome: AttemptOutcome,
    code: str | None,
    message: str | None,
    retry_at: datetime | None = None,
) -> Answered:
    event = TargetEvent(TARGET_TABLE[(S.PUBLISHING, state)].event)
    return Answered(Move(event, state, answer_sources(state), changes), outcome, code, message, retry_at)


def _published(remote_id: str | None, permalink: str | None, published_at: datetime) -> dict[str, object]:
    return {
        "remote_id": remote_id,
        "permalink": permalink,
        "published_at": published_at,
        **_NO_LEASE,
        "last_error_code": None,
        "last_error_message": None,
    }


def decide_answer(answer: Answer, attempt: int, policy: RetryPolicy, now: datetime, uniform: Uniform) -> Answered:
    """What a create call's ``answer`` does to its target on its ``attempt``-th try.

    =============  =====================================================
    published      ``published`` with the remote id, permalink, published_at (else ``now``)
    rate_limited   ``retry_wait`` at the reset time (else ``now`` + the default), never before ``now``
    transient      ``retry_wait`` after :func:`backoff`; ``failed`` from ``max_attempts`` on
    auth_expired   ``needs_reconnect``
    rejected       ``failed`` with the platform's message for the member
    ambiguous      ``unknown``, the lease token kept so reconcile can tie the target to this attempt
    =============  =====================================================

    Every answer leaves the lease; ``uniform`` is called only for a retried transient failure.
    """
    kind, code, message = answer.kind, answer.code, answer.message
    if kind is AnswerKind.PUBLISHED:
        changes = _published(answer.remote_id, answer.permalink, answer.published_at or now)
        return _answered(S.PUBLISHED, changes, AttemptOutcome.PUBLISHED, None, None)
    failed = {**_NO_LEASE, "last_error_code": code, "last_error_message": message}
    if kind is AnswerKind.RATE_LIMITED:
        retry_at = max(answer.retry_at or now + timedelta(seconds=policy.rate_limit_default_seconds), now)
        changes = {"next_attempt_at": retry_at, **failed}
        return _answered(S.RETRY_WAIT, changes, AttemptOutcome.RATE_LIMITED, code, message, retry_at)
    if kind is AnswerKind.TRANSIENT:
        if attempt >= policy.max_attempts:
            message = f"Gagal terbit setelah {attempt} percobaan: {message}"
            changes = {**_NO_LEASE, "last_error_code": TOO_MANY_ATTEMPTS_CODE, "last_error_message": message}
            return _answered(S.FAILED, changes, AttemptOutcome.TRANSIENT, code, message)
        retry_at = now + backoff(attempt, policy, uniform)
        changes = {"next_attempt_at": retry_at, **failed}
        return _answered(S.RETRY_WAIT, changes, AttemptOutcome.TRANSIENT, code, message, retry_at)
    if kind is AnswerKind.AUTH_EXPIRED:
        return _answered(S.NEEDS_RECONNECT, failed, AttemptOutcome.AUTH_EXPIRED, code, message)
    if kind is AnswerKind.REJECTED:
        return _answered(S.FAILED, failed, AttemptOutcome.REJECTED, code, message)
    changes = {"lease_until": None, "last_error_code": code, "last_error_message": message}
    return _answered(S.UNKNOWN, changes, AttemptOutcome.AMBIGUOUS, code, message)


def reconciled_found(remote_id: str, permalink: str | None, published_at: datetime) -> Move:
    """``unknown -> published``: the platform lists the post.

    ``published_at``: the listed post's creation, else the attempt's start.
    """
    event = E.RECONCILED_FOUND
    return Move(event, S.PUBLISHED, event_sources(event), _published(remote_id, permalink, published_at))


def reconciled_not_found(started_at: datetime | None, now: datetime, settle: timedelta) -> Move | None:
    """``unknown -> scheduled`` once the attempt started ``settle`` ago (its call has surely ended); None: wait.

    The lease token is cleared, so a very late answer of that attempt cannot land.
    """
    if started_at is not None and now - started_at < settle:
        return None
    event = E.RECONCILED_NOT_FOUND
    return Move(event, S.SCHEDULED, event_sources(event), {**_NO_LEASE, "last_error_code": NOT_FOUND_CODE})


__all__ = [
    "CLAIMED",
    "LEASE_EXPIRED_CODE",
    "NOT_FOUND_CODE",
    "PUBLISH_LEASE_EXPIRED",
    "RELEASED",
    "STARTED",
    "TOO_MANY_ATTEMPTS_CODE",
    "Answer",
    "AnswerKind",
    "Answered",
    "Move",
    "RetryPolicy",
    "Uniform",
    "backoff",
    "decide_answer",
    "reconciled_found",
    "reconciled_not_found",
]
