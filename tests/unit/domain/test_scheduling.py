"""Schedule validation and per-account pacing (spacing, daily cap per WIB day)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

import pytest

from scheduler.domain.errors import IllegalTransition, InvalidInput
from scheduler.domain.model import Platform, PostingSlot, ReviewState, SocialAccount
from scheduler.domain.pacing import DEFAULT_PACING, Pacing, check_pacing, next_paced_instant, pacing_for
from scheduler.domain.scheduling import plan_instant, plan_next_slot, schedule_problems, validate_schedule

U = UTC
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=U)  # Monday 09:00 WIB


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=U)


# ---- validate_schedule ---------------------------------------------------------


def test_future_instant_is_returned_in_utc() -> None:
    wib = timezone(timedelta(hours=7))
    at = datetime(2026, 3, 2, 10, 0, tzinfo=wib)
    assert validate_schedule(at, NOW, ReviewState.APPROVED) == utc(2026, 3, 2, 3, 0)
    assert validate_schedule(at, NOW).tzinfo == U


def test_grace_for_a_time_picked_just_now() -> None:
    assert validate_schedule(NOW - timedelta(seconds=30), NOW) == NOW - timedelta(seconds=30)
    with pytest.raises(InvalidInput) as exc:
        validate_schedule(NOW - timedelta(seconds=31), NOW)
    assert exc.value.code == "schedule_in_past" and exc.value.field == "scheduled_at"
    assert "02-03-2026 08:59" in exc.value.message_id  # shown in WIB


def test_naive_time_is_refused() -> None:
    with pytest.raises(InvalidInput) as exc:
        validate_schedule(datetime(2026, 3, 3, 9, 0), NOW)
    assert exc.value.code == "naive_datetime" and "tanpa zona" in exc.value.message_id


def test_unknown_zone_and_far_future() -> None:
    with pytest.raises(InvalidInput) as exc:
        validate_schedule(NOW + timedelta(hours=1), NOW, zone="Asia/Malang")
    assert exc.value.field == "timezone"
    with pytest.raises(InvalidInput) as exc:
        validate_schedule(utc(2226, 3, 2), NOW)
    assert exc.value.code == "schedule_too_far"


@pytest.mark.parametrize("state", [s for s in ReviewState if s != ReviewState.APPROVED])
def test_not_before_approval(state: ReviewState) -> None:
    with pytest.raises(IllegalTransition) as exc:
        validate_schedule(NOW + timedelta(hours=1), NOW, state)
    assert exc.value.code == "post_not_approved"


def test_problems_for_live_checking() -> None:
    assert schedule_problems(NOW + timedelta(hours=1), NOW) == []
    assert [p.code for p in schedule_problems(NOW - timedelta(days=1), NOW)] == ["schedule_in_past"]
    assert [p.code for p in schedule_problems(datetime(2026, 1, 1), NOW)] == ["naive_datetime"]


# ---- pacing --------------------------------------------------------------------

P = Pacing(timedelta(minutes=10), 3)


def test_defaults_and_overrides() -> None:
    assert set(DEFAULT_PACING) == set(Platform)
    ig = SocialAccount(kim_id=1, platform=Platform.INSTAGRAM, handle="kim")
    assert pacing_for(ig) == DEFAULT_PACING[Platform.INSTAGRAM]
    own = SocialAccount(kim_id=1, platform=Platform.X, handle="kim", min_spacing_seconds=0, daily_cap=100)
    assert pacing_for(own) == Pacing(timedelta(0), 100)
    with pytest.raises(InvalidInput):
        Pacing(timedelta(minutes=1), 0)
    with pytest.raises(InvalidInput):
        Pacing(timedelta(seconds=-1), 5)


def test_spacing() -> None:
    taken = [utc(2026, 3, 2, 5, 0)]
    assert check_pacing(utc(2026, 3, 2, 5, 9, 59), taken, P, "Asia/Jakarta").code == "pacing_too_close"
    assert check_pacing(utc(2026, 3, 2, 4, 50, 1), taken, P, "Asia/Jakarta").code == "pacing_too_close"
    assert check_pacing(utc(2026, 3, 2, 5, 10), taken, P, "Asia/Jakarta") is None
    assert check_pacing(utc(2026, 3, 2, 4, 50), taken, P, "Asia/Jakarta") is None
    p = check_pacing(utc(2026, 3, 2, 5, 0), taken, P, "Asia/Jakarta")
    assert p is not None and "12:00" in p.message_id  # the other post, shown in WIB


def test_daily_cap_on_the_wib_day_boundary() -> None:
    # Three posts on Monday 2 March WIB, the last at 23:50 WIB (16:50 UTC).
    taken = [utc(2026, 3, 2, 1, 0), utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 16, 50)]
    late_monday = utc(2026, 3, 2, 16, 40)  # 23:40 WIB: the day is full (and too close)
    assert check_pacing(utc(2026, 3, 2, 12, 0), taken, P, "Asia/Jakarta").code == "pacing_daily_cap"
    assert check_pacing(late_monday, taken, P, "Asia/Jakarta") is not None
    # 00:00 WIB Tuesday = 17:00 UTC Monday: a new day, and exactly 10 min after 23:50
    assert check_pacing(utc(2026, 3, 2, 17, 0), taken, P, "Asia/Jakarta") is None
    # In UTC those are all the same day; a UTC-counted cap would (wrongly) refuse.
    assert check_pacing(utc(2026, 3, 2, 17, 0), taken, P, "UTC").code == "pacing_daily_cap"
    # Monday 06:59 WIB (Sunday 23:59 UTC) belongs to the full Monday in WIB.
    assert check_pacing(utc(2026, 3, 1, 23, 59), taken, P, "Asia/Jakarta").code == "pacing_daily_cap"
    assert check_pacing(utc(2026, 3, 1, 16, 59), taken, P, "Asia/Jakarta") is None


def test_next_paced_instant() -> None:
    taken = [utc(2026, 3, 2, 5, 0), utc(2026, 3, 2, 5, 8)]
    wib = "Asia/Jakarta"
    assert next_paced_instant(utc(2026, 3, 2, 4, 0), taken, P, wib) == utc(2026, 3, 2, 4, 0)
    # crowded: pushed past both posts
    assert next_paced_instant(utc(2026, 3, 2, 5, 1), taken, P, wib) == utc(2026, 3, 2, 5, 18)
    # full day: next WIB midnight
    full = taken + [utc(2026, 3, 2, 9, 0)]
    assert next_paced_instant(utc(2026, 3, 2, 10, 0), full, P, wib) == utc(2026, 3, 2, 17, 0)
    # late: not before now
    assert next_paced_instant(utc(2026, 3, 1), [], P, wib, not_before=NOW) == NOW
    # the result always passes the check
    got = next_paced_instant(utc(2026, 3, 2, 16, 55), full, P, wib)
    assert check_pacing(got, full, P, wib) is None


def test_plan_instant_and_next_slot() -> None:
    taken = [utc(2026, 3, 2, 3, 0)]
    assert plan_instant(utc(2026, 3, 2, 3, 5), NOW, taken, P, "Asia/Jakarta") == utc(2026, 3, 2, 3, 10)
    assert plan_instant(NOW - timedelta(seconds=10), NOW, [], P, "Asia/Jakarta") == NOW
    slots = [PostingSlot(0, time(9, 0)), PostingSlot(0, time(19, 0)), PostingSlot(1, time(9, 0))]
    one_a_day = Pacing(timedelta(minutes=10), 1)
    # Monday 09:00 WIB is NOW but another post already fills Monday: Tuesday 09:00
    got = plan_next_slot(slots, "Asia/Jakarta", NOW, [utc(2026, 3, 2, 6)], one_a_day)
    assert got == utc(2026, 3, 3, 2, 0)
    assert plan_next_slot(slots, "Asia/Jakarta", NOW, [], one_a_day) == NOW
