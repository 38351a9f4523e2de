"""Both state machines: every legal move works, every other pair raises.

The matrices are generated from the enums, so a new state cannot slip in
without a decision here.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from scheduler.domain import states as S
from scheduler.domain.errors import IllegalTransition, InvalidInput
from scheduler.domain.model import Post, PostTarget, ReviewState, TargetState

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)

EXPECTED_TARGET = {
    ("pending", "scheduled"),
    ("pending", "canceled"),
    ("scheduled", "queued"),
    ("scheduled", "canceled"),
    ("scheduled", "pending"),
    ("queued", "publishing"),
    ("queued", "scheduled"),
    ("publishing", "published"),
    ("publishing", "retry_wait"),
    ("publishing", "failed"),
    ("publishing", "needs_reconnect"),
    ("publishing", "unknown"),
    ("retry_wait", "queued"),
    ("retry_wait", "canceled"),
    ("unknown", "published"),
    ("unknown", "scheduled"),
    ("needs_reconnect", "scheduled"),
    ("needs_reconnect", "canceled"),
    ("failed", "scheduled"),
}
EXPECTED_REVIEW = {
    ("draft", "pending_approval"),
    ("draft", "canceled"),
    ("pending_approval", "approved"),
    ("pending_approval", "rejected"),
    ("pending_approval", "draft"),
    ("pending_approval", "canceled"),
    ("approved", "draft"),
    ("approved", "canceled"),
    ("rejected", "draft"),
    ("rejected", "canceled"),
}

TARGET_PAIRS = list(itertools.product(TargetState, TargetState))
REVIEW_PAIRS = list(itertools.product(ReviewState, ReviewState))


def test_target_table_is_exactly_the_decided_set() -> None:
    assert {(str(a), str(b)) for a, b in S.TARGET_TABLE} == EXPECTED_TARGET
    assert len(S.TARGET_TABLE) == len(S.TARGET_TRANSITIONS)  # no duplicate rows


def test_review_table_is_exactly_the_decided_set() -> None:
    assert {(str(a), str(b)) for a, b in S.REVIEW_TABLE} == EXPECTED_REVIEW
    assert len(S.REVIEW_TABLE) == len(S.REVIEW_TRANSITIONS)


def test_every_state_has_a_label_and_every_non_final_state_an_exit() -> None:
    assert set(S.TARGET_STATE_LABELS) == set(TargetState)
    assert set(S.REVIEW_STATE_LABELS) == set(ReviewState)
    for st in TargetState:
        exits = [b for (a, b) in S.TARGET_TABLE if a == st]
        assert bool(exits) == (st not in S.FINAL_TARGET_STATES), st


@pytest.mark.parametrize("src,dst", TARGET_PAIRS, ids=lambda s: str(s))
def test_target_matrix(src: TargetState, dst: TargetState) -> None:
    t = PostTarget(account_id=1, state=src, lease_token="L", lease_until=NOW)
    if (str(src), str(dst)) in EXPECTED_TARGET:
        row = S.transition(t, dst, NOW)
        assert t.state == dst and t.updated_at == NOW
        assert (row.source, row.target) == (src, dst)
        if dst not in S.LEASED_TARGET_STATES and src in S.LEASED_TARGET_STATES:
            assert t.lease_token is None and t.lease_until is None
    else:
        with pytest.raises(IllegalTransition) as exc:
            S.transition(t, dst, NOW)
        assert t.state == src and t.updated_at is None  # untouched
        assert exc.value.from_state == str(src) and exc.value.to_state == str(dst)
        assert exc.value.message_id and exc.value.message_en


@pytest.mark.parametrize("src,dst", REVIEW_PAIRS, ids=lambda s: str(s))
def test_review_matrix(src: ReviewState, dst: ReviewState) -> None:
    p = Post(kim_id=1, author_id=1, text="x", review_state=src)
    if (str(src), str(dst)) in EXPECTED_REVIEW:
        S.review_transition(p, dst, NOW, actor_id=7, reason="foto buram")
        assert p.review_state == dst
    else:
        with pytest.raises(IllegalTransition):
            S.review_transition(p, dst, NOW)
        assert p.review_state == src and p.updated_at is None


def test_review_records_reviewer_and_reason_then_clears_on_edit() -> None:
    p = Post(kim_id=1, author_id=1, text="x", review_state=ReviewState.PENDING_APPROVAL)
    S.review_transition(p, ReviewState.REJECTED, NOW, actor_id=7, reason="Foto buram")
    assert (p.reviewed_by, p.reviewed_at, p.rejection_reason) == (7, NOW, "Foto buram")
    S.review_transition(p, ReviewState.DRAFT, NOW)
    assert p.reviewed_by is None and p.reviewed_at is None
    S.review_transition(p, ReviewState.PENDING_APPROVAL, NOW)
    S.review_transition(p, ReviewState.APPROVED, NOW, actor_id=8)
    assert p.reviewed_by == 8 and p.rejection_reason is None


def test_retry_then_claim_clears_next_attempt_and_success_clears_the_error() -> None:
    t = PostTarget(account_id=1, state=TargetState.PUBLISHING, attempts=1, lease_token="L")
    S.transition(t, TargetState.RETRY_WAIT, NOW)
    assert t.lease_token is None
    t.next_attempt_at, t.last_error_code = NOW + timedelta(minutes=2), "rate_limited"
    S.transition(t, TargetState.QUEUED, NOW + timedelta(minutes=2))
    assert t.next_attempt_at is None and t.last_error_code == "rate_limited"
    S.transition(t, TargetState.PUBLISHING, NOW + timedelta(minutes=3))
    assert t.attempts == 2
    S.transition(t, TargetState.PUBLISHED, NOW + timedelta(minutes=3))
    assert t.published_at == NOW + timedelta(minutes=3) and t.last_error_code is None


def test_a_naive_now_is_refused() -> None:
    t = PostTarget(account_id=1, state=TargetState.PUBLISHING)
    with pytest.raises(InvalidInput):
        S.transition(t, TargetState.PUBLISHED, NOW.replace(tzinfo=None))
    assert t.state == TargetState.PUBLISHING


def test_sources_for_conditional_updates() -> None:
    assert S.target_sources(TargetState.CANCELED) == {
        TargetState.PENDING,
        TargetState.SCHEDULED,
        TargetState.RETRY_WAIT,
        TargetState.NEEDS_RECONNECT,
    }
    assert S.target_sources_for_event(S.TargetEvent.CLAIM) == {
        TargetState.SCHEDULED: TargetState.QUEUED,
        TargetState.RETRY_WAIT: TargetState.QUEUED,
    }


def test_event_sources_follow_the_table_in_declaration_order() -> None:
    assert S.event_sources(S.TargetEvent.CLAIM) == (TargetState.SCHEDULED, TargetState.RETRY_WAIT)
    assert S.event_sources(S.TargetEvent.CANCEL, TargetState.CANCELED)[0] == TargetState.PENDING
    with pytest.raises(ValueError):
        S.event_sources(S.TargetEvent.CLAIM, TargetState.PUBLISHED)


def test_an_answer_lands_from_publishing_or_late_from_unknown() -> None:
    answered = {TargetState.PUBLISHED, TargetState.RETRY_WAIT, TargetState.FAILED, TargetState.NEEDS_RECONNECT}
    for state in answered | {TargetState.UNKNOWN}:
        assert S.answer_sources(state) == (TargetState.PUBLISHING, TargetState.UNKNOWN), state
    with pytest.raises(ValueError):
        S.answer_sources(TargetState.SCHEDULED)
