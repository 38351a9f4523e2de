"""Call budgets and batch planning (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scheduler.domain.engagement import (
    DEFAULT_PROFILES,
    BudgetState,
    PlatformProfile,
    calls_available,
    plan_batches,
    spend,
)

NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
X = PlatformProfile(batch_size=100, calls=3, window=timedelta(minutes=15))


def test_batch_sizes_follow_the_platforms():
    assert DEFAULT_PROFILES["x"].batch_size == 100
    assert DEFAULT_PROFILES["facebook"].batch_size == 50
    assert DEFAULT_PROFILES["instagram"].batch_size == 50


def test_window_spending_and_reset():
    state = spend(BudgetState(), 2, X, NOW)
    assert calls_available(state, X, NOW + timedelta(minutes=1)) == 1
    state = spend(state, 1, X, NOW + timedelta(minutes=1))
    assert calls_available(state, X, NOW + timedelta(minutes=2)) == 0
    assert calls_available(state, X, NOW + timedelta(minutes=15)) == 3  # a new window
    fresh = spend(state, 1, X, NOW + timedelta(minutes=16))
    assert fresh.window_start == NOW + timedelta(minutes=16) and fresh.used == 1


def test_pause_blocks_until_reset():
    state = BudgetState(NOW, 0, NOW + timedelta(minutes=5))
    assert calls_available(state, X, NOW + timedelta(minutes=4)) == 0
    assert calls_available(state, X, NOW + timedelta(minutes=5)) == 3


def test_what_does_not_fit_waits_in_order():
    ids = [str(i) for i in range(450)]
    batches, waiting = plan_batches(ids, [], X, 3)
    assert [len(b.ids) for b in batches] == [100, 100, 100]
    assert waiting == ids[300:]
    assert [b.ids[0] for b in batches] == ["0", "100", "200"]  # most overdue first


def test_known_missing_go_in_their_own_batches_at_their_cost():
    fb = PlatformProfile(batch_size=50, calls=10, window=timedelta(hours=1), per_missing_cost=1)
    batches, waiting = plan_batches(["a", "b"], ["gone1", "gone2"], fb, 10)
    assert [(b.ids, b.cost) for b in batches] == [(("a", "b"), 1), (("gone1", "gone2"), 3)]
    batches, waiting = plan_batches(["a"], ["gone1", "gone2"], fb, 2)
    assert [b.ids for b in batches] == [("a",)] and waiting == ["gone1", "gone2"]


def test_no_budget_no_calls():
    batches, waiting = plan_batches(["a", "b"], [], X, 0)
    assert batches == [] and waiting == ["a", "b"]
