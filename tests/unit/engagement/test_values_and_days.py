"""Interactions, engagement rate, deltas, local days and best hours (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from scheduler.domain.engagement import (
    best_hours,
    bucket,
    day_bounds,
    deltas,
    engagement_rate,
    interactions,
    local_day,
    weeks_in_period,
)


def test_interactions_and_rate():
    assert interactions(10, 2, 3, None) == 15
    assert engagement_rate(15, 300) == 0.05
    assert engagement_rate(15, None) is None and engagement_rate(15, 0) is None


def test_deltas_treat_unknown_as_no_growth():
    assert deltas({"likes": 12, "views": None}, {"likes": 10, "views": 50})["likes"] == 2
    assert deltas({"likes": 12, "views": None}, {"likes": 10, "views": 50})["views"] == 0
    assert deltas({"likes": 5}, {})["likes"] == 5


def test_wib_day_boundary():
    # 23:30 WIB is 16:30 UTC the same day; 00:30 WIB is 17:30 UTC the day before.
    assert local_day(datetime(2026, 11, 1, 16, 30, tzinfo=UTC), "Asia/Jakarta") == date(2026, 11, 1)
    assert local_day(datetime(2026, 11, 1, 17, 30, tzinfo=UTC), "Asia/Jakarta") == date(2026, 11, 2)
    start, end = day_bounds(date(2026, 11, 2), date(2026, 11, 2), "Asia/Jakarta")
    assert start == datetime(2026, 11, 1, 17, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 2, 17, 0, tzinfo=UTC)


def test_buckets():
    day = date(2026, 11, 26)  # a Thursday
    assert bucket(day, "week") == date(2026, 11, 23) and bucket(day, "month") == date(2026, 11, 1)
    assert weeks_in_period(date(2026, 11, 1), date(2026, 11, 30)) == 6


def test_best_hours_need_enough_posts():
    history = [(9, 10), (9, 30), (19, 100), (19, 80), (19, 90), (6, 1000)]
    hours = best_hours(history, min_posts=2)
    assert [h.hour for h in hours] == [19, 9]
    assert hours[0].median_interactions == 90 and hours[0].posts == 3
