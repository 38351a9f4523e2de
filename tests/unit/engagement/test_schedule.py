"""The decaying refresh schedule (pure: ``now`` is passed in)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scheduler.domain.engagement import RefreshPolicy, next_refresh_at, refresh_interval

T0 = datetime(2026, 11, 1, 16, 30, tzinfo=UTC)  # 23:30 WIB
P = RefreshPolicy()


@pytest.mark.parametrize(
    "age, interval",
    [
        (timedelta(0), timedelta(minutes=15)),
        (timedelta(hours=5, minutes=59), timedelta(minutes=15)),
        (timedelta(hours=6), timedelta(hours=1)),
        (timedelta(hours=47), timedelta(hours=1)),
        (timedelta(days=2), timedelta(days=1)),
        (timedelta(days=13, hours=23), timedelta(days=1)),
        (timedelta(days=14), timedelta(days=7)),
        (timedelta(days=89), timedelta(days=7)),
        (timedelta(days=90), None),
        (timedelta(days=400), None),
    ],
)
def test_interval_decays_with_age(age, interval):
    assert refresh_interval(age, P) == interval


def test_next_refresh_is_now_plus_interval():
    now = T0 + timedelta(hours=1)
    assert next_refresh_at(T0, now, P) == now + timedelta(minutes=15)
    now = T0 + timedelta(days=3)
    assert next_refresh_at(T0, now, P) == now + timedelta(days=1)


def test_last_reading_is_at_max_age_then_stop():
    now = T0 + timedelta(days=88)
    assert next_refresh_at(T0, now, P) == T0 + timedelta(days=90)
    assert next_refresh_at(T0, T0 + timedelta(days=90), P) is None


def test_max_age_is_configurable():
    short = RefreshPolicy.with_max_age_days(10)
    assert next_refresh_at(T0, T0 + timedelta(days=9, hours=12), short) == T0 + timedelta(days=10)
    assert next_refresh_at(T0, T0 + timedelta(days=10), short) is None


def test_missing_posts_are_rechecked_slowly():
    now = T0 + timedelta(hours=1)
    assert next_refresh_at(T0, now, P, missing=True) == now + timedelta(days=1)


def test_published_in_the_future_is_treated_as_new():
    assert next_refresh_at(T0, T0 - timedelta(minutes=5), P) == T0 + timedelta(minutes=10)


def test_a_whole_life_costs_few_readings():
    """Simulate one post's life: the schedule, not the beat frequency, decides the reads."""
    now, reads = T0, 0
    while True:
        due = next_refresh_at(T0, now, P)
        if due is None:
            break
        now, reads = due, reads + 1
    # 24 (6 h every 15 min) + 42 (hourly to 48 h) + 12 (daily to 14 d) + 11 (weekly to 90 d) + final
    assert 85 <= reads <= 95


@pytest.mark.parametrize(
    "bad",
    [
        dict(max_age=timedelta(0)),
        dict(after=timedelta(0)),
    ],
)
def test_bad_policy_is_refused(bad):
    with pytest.raises(ValueError):
        RefreshPolicy(**bad)
