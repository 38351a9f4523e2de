"""The pipeline's moves: every answer, sweep and reconcile verdict, and where each may start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scheduler.domain import outcomes as O
from scheduler.domain.model import AttemptOutcome, TargetState
from scheduler.domain.states import TARGET_TABLE

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
POLICY = O.RetryPolicy(
    max_attempts=3, backoff_base_seconds=30, backoff_cap_seconds=3600, rate_limit_default_seconds=900
)
NO_LEASE = {"lease_token": None, "lease_until": None}
LATE = (TargetState.PUBLISHING, TargetState.UNKNOWN)


def no_jitter(a: float, b: float) -> float:
    return a


def never(a: float, b: float) -> float:
    raise AssertionError("no jitter wanted")


def decide(answer: O.Answer, attempt: int = 1) -> O.Answered:
    return O.decide_answer(answer, attempt, POLICY, NOW, never)


def test_published_stores_the_remote_post_and_clears_lease_and_error() -> None:
    at = NOW - timedelta(seconds=3)
    got = decide(O.Answer(O.AnswerKind.PUBLISHED, remote_id="1", permalink="https://x/1", published_at=at))
    assert got.move.values(NOW) == {
        "state": TargetState.PUBLISHED,
        "remote_id": "1",
        "permalink": "https://x/1",
        "published_at": at,
        **NO_LEASE,
        "last_error_code": None,
        "last_error_message": None,
        "updated_at": NOW,
    }
    assert (got.attempt_outcome, got.error_code, got.error_message) == (AttemptOutcome.PUBLISHED, None, None)
    assert got.move.sources == LATE and got.retry_at is None
    no_time = decide(O.Answer(O.AnswerKind.PUBLISHED, remote_id="1", permalink="p"))
    assert no_time.move.changes["published_at"] == NOW


def test_rate_limit_waits_for_the_reset_never_before_now() -> None:
    later = NOW + timedelta(minutes=7)
    got = decide(O.Answer(O.AnswerKind.RATE_LIMITED, "rate_limited", "Batas", retry_at=later))
    assert got.move.values(NOW) == {
        "state": TargetState.RETRY_WAIT,
        "next_attempt_at": later,
        **NO_LEASE,
        "last_error_code": "rate_limited",
        "last_error_message": "Batas",
        "updated_at": NOW,
    }
    assert (got.attempt_outcome, got.error_code, got.error_message, got.retry_at) == (
        AttemptOutcome.RATE_LIMITED,
        "rate_limited",
        "Batas",
        later,
    )
    past = decide(O.Answer(O.AnswerKind.RATE_LIMITED, "r", "m", retry_at=NOW - timedelta(hours=1)))
    assert past.retry_at == NOW
    default = decide(O.Answer(O.AnswerKind.RATE_LIMITED, "r", "m"))
    assert default.retry_at == NOW + timedelta(seconds=900)


def test_transient_backs_off_then_fails_at_max_attempts() -> None:
    got = O.decide_answer(O.Answer(O.AnswerKind.TRANSIENT, "timeout", "Coba lagi"), 2, POLICY, NOW, no_jitter)
    assert got.move.values(NOW) == {
        "state": TargetState.RETRY_WAIT,
        "next_attempt_at": NOW + timedelta(seconds=30),  # ceiling 60 s, half fixed, jitter 0
        **NO_LEASE,
        "last_error_code": "timeout",
        "last_error_message": "Coba lagi",
        "updated_at": NOW,
    }
    assert got.attempt_outcome is AttemptOutcome.TRANSIENT
    last = decide(O.Answer(O.AnswerKind.TRANSIENT, "timeout", "Coba lagi"), attempt=3)
    message = "Gagal terbit setelah 3 percobaan: Coba lagi"
    assert last.move.values(NOW) == {
        "state": TargetState.FAILED,
        **NO_LEASE,
        "last_error_code": "too_many_attempts",
        "last_error_message": message,
        "updated_at": NOW,
    }
    assert (last.attempt_outcome, last.error_code, last.error_message) == (AttemptOutcome.TRANSIENT, "timeout", message)


def test_backoff_is_capped_and_half_jittered() -> None:
    seen: list[tuple[float, float]] = []

    def top(a: float, b: float) -> float:
        seen.append((a, b))
        return b

    assert O.backoff(1, POLICY, top) == timedelta(seconds=30)
    assert O.backoff(20, POLICY, top) == timedelta(seconds=3600)
    assert seen == [(0, 15.0), (0, 1800.0)]


@pytest.mark.parametrize(
    "kind,state,attempt",
    [
        (O.AnswerKind.AUTH_EXPIRED, TargetState.NEEDS_RECONNECT, AttemptOutcome.AUTH_EXPIRED),
        (O.AnswerKind.REJECTED, TargetState.FAILED, AttemptOutcome.REJECTED),
    ],
)
def test_auth_and_rejection_keep_the_error(kind: O.AnswerKind, state: TargetState, attempt: AttemptOutcome) -> None:
    got = decide(O.Answer(kind, "code", "pesan"))
    assert got.move.values(NOW) == {
        "state": state,
        **NO_LEASE,
        "last_error_code": "code",
        "last_error_message": "pesan",
        "updated_at": NOW,
    }
    assert (got.attempt_outcome, got.error_code, got.error_message) == (attempt, "code", "pesan")


def test_ambiguous_keeps_the_lease_token_for_reconcile() -> None:
    got = decide(O.Answer(O.AnswerKind.AMBIGUOUS, "timeout", "Sedang dicek"))
    assert got.move.values(NOW) == {
        "state": TargetState.UNKNOWN,
        "lease_until": None,
        "last_error_code": "timeout",
        "last_error_message": "Sedang dicek",
        "updated_at": NOW,
    }
    assert got.attempt_outcome is AttemptOutcome.AMBIGUOUS


def test_reconcile_found_and_not_found_after_the_settle_time() -> None:
    found = O.reconciled_found("9", "https://x/9", NOW)
    assert found.sources == (TargetState.UNKNOWN,) and found.state is TargetState.PUBLISHED
    assert found.changes["remote_id"] == "9" and found.changes["lease_token"] is None
    settle = timedelta(seconds=180)
    assert O.reconciled_not_found(NOW - timedelta(seconds=179), NOW, settle) is None
    again = O.reconciled_not_found(NOW - settle, NOW, settle)
    assert again is not None and again.values(NOW) == {
        "state": TargetState.SCHEDULED,
        **NO_LEASE,
        "last_error_code": "not_found_after_unknown",
        "updated_at": NOW,
    }
    assert O.reconciled_not_found(None, NOW, settle) == again


def test_every_move_is_a_row_of_the_table() -> None:
    moves = [O.CLAIMED, O.STARTED, O.RELEASED, O.PUBLISH_LEASE_EXPIRED, O.reconciled_found("1", None, NOW)]
    for move in moves:
        for source in move.sources:
            assert str(TARGET_TABLE[(source, move.state)].event) == str(move.event), move
    assert O.CLAIMED.sources == (TargetState.SCHEDULED, TargetState.RETRY_WAIT)
    assert (O.STARTED.sources, O.RELEASED.sources) == ((TargetState.QUEUED,), (TargetState.QUEUED,))
    assert O.PUBLISH_LEASE_EXPIRED.values(NOW) == {
        "state": TargetState.UNKNOWN,
        "lease_until": None,
        "last_error_code": "lease_expired",
        "updated_at": NOW,
    }
