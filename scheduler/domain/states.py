"""The two state machines: a post's review and a target's life (docs/design.md#the-targets-life).

Every legal move is one row of an explicit table (``TARGET_TRANSITIONS``,
``REVIEW_TRANSITIONS``) with the event that causes it and why it exists.
Anything not in a table raises :class:`IllegalTransition`. The store builds
the ``WHERE state IN (...)`` of its conditional UPDATEs from
:func:`event_sources` and :func:`answer_sources` (through the moves of
:mod:`.outcomes`), so the database and this module agree.

Decisions (the "why" column, in short):

* ``queued`` and ``unknown`` cannot be canceled: a queued target is seconds
  from its create call and an unknown one may already be live; cancel either
  would lie to the user. Reconcile first, then delete on the platform.
* ``published`` and ``canceled`` are final. ``failed`` is final too except
  for an admin's explicit retry after fixing the post (``failed -> scheduled``).
* ``scheduled -> pending`` exists because editing an approved post's content
  sends the post back to review (``approved -> draft``): its targets must not
  publish content nobody approved.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from .errors import IllegalTransition, InvalidInput
from .model import Post, PostTarget, ReviewState, TargetState


class TargetEvent(str, enum.Enum):
    APPROVED = "approved"
    WITHDRAWN = "withdrawn"
    CLAIM = "claim"
    START = "start"
    LEASE_EXPIRED = "lease_expired"
    SUCCEEDED = "succeeded"
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    AUTH = "auth"
    AMBIGUOUS = "ambiguous"
    RECONCILED_FOUND = "reconciled_found"
    RECONCILED_NOT_FOUND = "reconciled_not_found"
    RECONNECTED = "reconnected"
    RETRIED = "retried"
    CANCEL = "cancel"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    event: str
    why: str


_T = TargetState
_E = TargetEvent

#: Every legal move of a PostTarget. (source, target) is unique.
TARGET_TRANSITIONS: tuple[Transition, ...] = (
    Transition(_T.PENDING, _T.SCHEDULED, _E.APPROVED, "the post was approved and the target has an instant"),
    Transition(_T.PENDING, _T.CANCELED, _E.CANCEL, "canceled before approval"),
    Transition(_T.SCHEDULED, _T.QUEUED, _E.CLAIM, "dispatch claimed it under a fresh lease"),
    Transition(_T.SCHEDULED, _T.CANCELED, _E.CANCEL, "canceled while waiting; nothing was sent"),
    Transition(
        _T.SCHEDULED, _T.PENDING, _E.WITHDRAWN, "the approved post was edited or withdrawn and needs review again"
    ),
    Transition(_T.QUEUED, _T.PUBLISHING, _E.START, "the worker holds the lease and wrote the attempt row"),
    Transition(
        _T.QUEUED,
        _T.SCHEDULED,
        _E.LEASE_EXPIRED,
        "the claim ended before start (its lease ran out, the broker refused the message, or the account is held):"
        " nothing was sent, dispatch again",
    ),
    Transition(_T.PUBLISHING, _T.PUBLISHED, _E.SUCCEEDED, "the platform returned the remote id"),
    Transition(
        _T.PUBLISHING, _T.RETRY_WAIT, _E.TRANSIENT, "transient error or rate limit: the request surely did not apply"
    ),
    Transition(_T.PUBLISHING, _T.FAILED, _E.PERMANENT, "the platform rejected the content: a person must fix it"),
    Transition(
        _T.PUBLISHING, _T.NEEDS_RECONNECT, _E.AUTH, "credentials expired or revoked: the account must be reconnected"
    ),
    Transition(
        _T.PUBLISHING,
        _T.UNKNOWN,
        _E.AMBIGUOUS,
        "the create may have applied (timeout, dropped connection, 5xx, lease expired)",
    ),
    Transition(_T.RETRY_WAIT, _T.QUEUED, _E.CLAIM, "the retry is due and dispatch claimed it"),
    Transition(_T.RETRY_WAIT, _T.CANCELED, _E.CANCEL, "canceled while waiting to retry; the last try did not apply"),
    Transition(_T.UNKNOWN, _T.PUBLISHED, _E.RECONCILED_FOUND, "reconcile found the post on the platform"),
    Transition(_T.UNKNOWN, _T.SCHEDULED, _E.RECONCILED_NOT_FOUND, "reconcile did not find it: publish again"),
    Transition(_T.NEEDS_RECONNECT, _T.SCHEDULED, _E.RECONNECTED, "the account was reconnected"),
    Transition(_T.NEEDS_RECONNECT, _T.CANCELED, _E.CANCEL, "canceled instead of reconnecting; nothing was sent"),
    Transition(_T.FAILED, _T.SCHEDULED, _E.RETRIED, "an admin fixed the post and retries"),
)

_R = ReviewState

#: Every legal move of a Post's review state. (source, target) is unique.
REVIEW_TRANSITIONS: tuple[Transition, ...] = (
    Transition(_R.DRAFT, _R.PENDING_APPROVAL, "submit", "the author asks for approval"),
    Transition(_R.DRAFT, _R.CANCELED, "cancel", "the author discards the draft"),
    Transition(_R.PENDING_APPROVAL, _R.APPROVED, "approve", "an admin approved it"),
    Transition(_R.PENDING_APPROVAL, _R.REJECTED, "reject", "an admin rejected it, with a reason"),
    Transition(_R.PENDING_APPROVAL, _R.DRAFT, "withdraw", "the author takes it back to edit before review"),
    Transition(_R.PENDING_APPROVAL, _R.CANCELED, "cancel", "canceled while waiting for review"),
    Transition(_R.APPROVED, _R.DRAFT, "edit", "approved content was edited: it must be reviewed again"),
    Transition(
        _R.APPROVED, _R.CANCELED, "cancel", "canceled after approval (targets not yet claimed are canceled too)"
    ),
    Transition(_R.REJECTED, _R.DRAFT, "edit", "the author edits the rejected post"),
    Transition(_R.REJECTED, _R.CANCELED, "cancel", "the author gives the rejected post up"),
)

TARGET_TABLE: dict[tuple[TargetState, TargetState], Transition] = {
    (TargetState(t.source), TargetState(t.target)): t for t in TARGET_TRANSITIONS
}
REVIEW_TABLE: dict[tuple[ReviewState, ReviewState], Transition] = {
    (ReviewState(t.source), ReviewState(t.target)): t for t in REVIEW_TRANSITIONS
}

#: States where a target's content and time may still change (docs/design.md#editing-and-canceling).
EDITABLE_TARGET_STATES = frozenset({TargetState.PENDING, TargetState.SCHEDULED})
#: States a target never leaves (``failed`` leaves only by an explicit retry).
FINAL_TARGET_STATES = frozenset({TargetState.PUBLISHED, TargetState.CANCELED})
#: States in which a target holds a lease.
LEASED_TARGET_STATES = frozenset({TargetState.QUEUED, TargetState.PUBLISHING})
#: Review states in which the content may be edited directly (approved -> draft on edit).
EDITABLE_REVIEW_STATES = frozenset({ReviewState.DRAFT, ReviewState.REJECTED})

TARGET_STATE_LABELS: dict[TargetState, tuple[str, str]] = {
    TargetState.PENDING: ("menunggu persetujuan", "waiting for approval"),
    TargetState.SCHEDULED: ("terjadwal", "scheduled"),
    TargetState.QUEUED: ("dalam antrean", "queued"),
    TargetState.PUBLISHING: ("sedang diterbitkan", "being published"),
    TargetState.RETRY_WAIT: ("menunggu dicoba lagi", "waiting to retry"),
    TargetState.PUBLISHED: ("sudah terbit", "published"),
    TargetState.FAILED: ("gagal", "failed"),
    TargetState.NEEDS_RECONNECT: ("akun perlu disambung ulang", "account needs reconnecting"),
    TargetState.UNKNOWN: ("sedang dicek ulang", "being checked"),
    TargetState.CANCELED: ("dibatalkan", "canceled"),
}
REVIEW_STATE_LABELS: dict[ReviewState, tuple[str, str]] = {
    ReviewState.DRAFT: ("draf", "draft"),
    ReviewState.PENDING_APPROVAL: ("menunggu persetujuan", "waiting for approval"),
    ReviewState.APPROVED: ("disetujui", "approved"),
    ReviewState.REJECTED: ("ditolak", "rejected"),
    ReviewState.CANCELED: ("dibatalkan", "canceled"),
}


def target_sources(to_state: TargetState) -> frozenset[TargetState]:
    """The states from which a target may move to ``to_state`` (for conditional UPDATEs)."""
    return frozenset(src for (src, dst) in TARGET_TABLE if dst == to_state)


def target_sources_for_event(event: TargetEvent | str) -> dict[TargetState, TargetState]:
    """``{source: destination}`` for every row caused by ``event``."""
    ev = str(event)
    return {src: dst for (src, dst), t in TARGET_TABLE.items() if str(t.event) == ev}


def _ordered(states: set[TargetState]) -> tuple[TargetState, ...]:
    """``states`` in the enum's order (so a generated SQL condition reads the same every run)."""
    return tuple(s for s in TargetState if s in states)


def event_sources(event: TargetEvent | str, to_state: TargetState | None = None) -> tuple[TargetState, ...]:
    """The states ``event`` moves a target from (to ``to_state``, if given); ValueError if none."""
    ev = str(event)
    found = {src for (src, dst), t in TARGET_TABLE.items() if str(t.event) == ev and to_state in (None, dst)}
    if not found:
        raise ValueError(f"no transition for {ev} to {to_state}")
    return _ordered(found)


#: The events of a create call's answer (decision 0002, step 5: record).
ANSWER_EVENTS = frozenset({_E.SUCCEEDED, _E.TRANSIENT, _E.PERMANENT, _E.AUTH, _E.AMBIGUOUS})
#: Where a late answer lands: the sweeper moves a slow worker's target from
#: ``publishing`` to ``unknown`` but keeps its lease token, and that worker's
#: definite answer, if it still comes, beats a guess (to any outcome of the
#: create call). Reconcile clears the token when it reschedules, so a later
#: answer cannot land.
LATE_ANSWER_STATE = TargetState.UNKNOWN


def answer_sources(to_state: TargetState) -> tuple[TargetState, ...]:
    """The states from which a create call's answer may move a target to ``to_state``.

    The table's rows for the answer events, plus :data:`LATE_ANSWER_STATE`;
    ValueError if no answer leads to ``to_state``.
    """
    found = {src for (src, dst), t in TARGET_TABLE.items() if dst == to_state and t.event in ANSWER_EVENTS}
    if not found:
        raise ValueError(f"no answer leads to {to_state}")
    return _ordered(found | {LATE_ANSWER_STATE})


def can_transition_target(from_state: TargetState, to_state: TargetState) -> bool:
    return (TargetState(from_state), TargetState(to_state)) in TARGET_TABLE


def can_transition_review(from_state: ReviewState, to_state: ReviewState) -> bool:
    return (ReviewState(from_state), ReviewState(to_state)) in REVIEW_TABLE


def _illegal(labels: Mapping[Any, tuple[str, str]], src: Any, dst: Any, code: str) -> IllegalTransition:
    s_id, s_en = labels.get(src, (str(src), str(src)))
    d_id, d_en = labels.get(dst, (str(dst), str(dst)))
    return IllegalTransition(
        str(src),
        str(dst),
        message_id=f"Status tidak bisa diubah dari \u201c{s_id}\u201d menjadi \u201c{d_id}\u201d.",
        message_en=f"The status cannot change from \u201c{s_en}\u201d to \u201c{d_en}\u201d.",
        code=code,
    )


S = TypeVar("S", bound=enum.Enum)


def _table_row(
    table: Mapping[tuple[S, S], Transition], labels: Mapping[S, tuple[str, str]], src: S, dst: S, code: str
) -> Transition:
    """The row of ``table`` for ``src -> dst``; IllegalTransition (named with ``labels``) if there is none."""
    row = table.get((src, dst))
    if row is None:
        raise _illegal(labels, src, dst, code)
    return row


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidInput("naive_datetime", "Waktu tanpa zona waktu.", "The time has no time zone.", field="now")
    return now


def transition(target: PostTarget, to_state: TargetState, now: datetime) -> Transition:
    """Move ``target`` to ``to_state`` if the table allows it; else raise IllegalTransition.

    Side effects kept with the state so no caller forgets them:
    ``updated_at = now``; leaving a leased state for a non-leased one clears
    the lease; entering ``published`` sets ``published_at`` (if unset);
    entering ``publishing`` counts an attempt; ``scheduled``/``queued`` clear
    ``next_attempt_at``. The caller sets the event's data (lease token,
    remote id, error); the pipeline's moves are decided in :mod:`.outcomes`.
    """
    _aware(now)
    src, dst = TargetState(target.state), TargetState(to_state)
    row = _table_row(TARGET_TABLE, TARGET_STATE_LABELS, src, dst, "illegal_target_transition")
    target.state = dst
    target.updated_at = now
    if src in LEASED_TARGET_STATES and dst not in LEASED_TARGET_STATES:
        target.lease_token = None
        target.lease_until = None
    if dst == TargetState.PUBLISHING:
        target.attempts += 1
    if dst in (TargetState.SCHEDULED, TargetState.QUEUED, TargetState.CANCELED):
        target.next_attempt_at = None
    if dst == TargetState.PUBLISHED and target.published_at is None:
        target.published_at = now
    if dst in (TargetState.SCHEDULED, TargetState.PUBLISHED):
        target.last_error_code = None
        target.last_error_message = None
    return row


def review_transition(
    post: Post, to_state: ReviewState, now: datetime, actor_id: int | None = None, reason: str | None = None
) -> Transition:
    """Move ``post.review_state`` if the table allows it; else raise IllegalTransition.

    ``approved``/``rejected`` record the reviewer and time; ``rejected``
    keeps ``reason``; going back to ``draft`` clears the old review.
    Who may review (roles, self-approval) is the service layer's decision.
    """
    _aware(now)
    src, dst = ReviewState(post.review_state), ReviewState(to_state)
    row = _table_row(REVIEW_TABLE, REVIEW_STATE_LABELS, src, dst, "illegal_review_transition")
    post.review_state = dst
    post.updated_at = now
    if dst in (ReviewState.APPROVED, ReviewState.REJECTED):
        post.reviewed_by = actor_id
        post.reviewed_at = now
        post.rejection_reason = (reason or None) if dst == ReviewState.REJECTED else None
    elif dst == ReviewState.DRAFT:
        post.reviewed_by = None
        post.reviewed_at = None
    return row


# ---- the services' one per-event helper ------------------------------------


def cancel(target: PostTarget, now: datetime) -> None:
    """pending|scheduled|retry_wait|needs_reconnect -> canceled."""
    transition(target, TargetState.CANCELED, now)


__all__ = [
    "TargetEvent",
    "Transition",
    "TARGET_TRANSITIONS",
    "REVIEW_TRANSITIONS",
    "TARGET_TABLE",
    "REVIEW_TABLE",
    "EDITABLE_TARGET_STATES",
    "FINAL_TARGET_STATES",
    "LEASED_TARGET_STATES",
    "EDITABLE_REVIEW_STATES",
    "TARGET_STATE_LABELS",
    "REVIEW_STATE_LABELS",
    "target_sources",
    "target_sources_for_event",
    "can_transition_target",
    "can_transition_review",
    "event_sources",
    "ANSWER_EVENTS",
    "LATE_ANSWER_STATE",
    "answer_sources",
    "transition",
    "review_transition",
    "cancel",
]
