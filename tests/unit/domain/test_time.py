"""Zones, slots and recurrence: Asia/Jakarta and DST zones (Berlin, New York)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from scheduler.domain.errors import InvalidInput
from scheduler.domain.model import PostingSlot
from scheduler.domain.recurrence import occurrences, parse_rule, parse_simple_choice, weekly_rule
from scheduler.domain.slots import next_free_slot, slot_instants
from scheduler.domain.timezones import (
    get_zone,
    is_ambiguous,
    is_nonexistent,
    local_day_bounds,
    local_to_utc,
    require_aware,
    utc_to_local,
)

U = UTC
BERLIN, NY, WIB = get_zone("Europe/Berlin"), get_zone("America/New_York"), get_zone("Asia/Jakarta")


def utc(*a: int) -> datetime:
    return datetime(*a, tzinfo=U)


# ---- timezones ----------------------------------------------------------------


def test_wib_is_utc_plus_7_all_year() -> None:
    assert local_to_utc(datetime(2026, 1, 5, 9, 0), "Asia/Jakarta") == utc(2026, 1, 5, 2, 0)
    assert local_to_utc(datetime(2026, 7, 5, 9, 0), WIB) == utc(2026, 7, 5, 2, 0)
    assert utc_to_local(utc(2026, 3, 1, 17, 0), WIB).replace(tzinfo=None) == datetime(2026, 3, 2)


def test_spring_forward_gap_moves_forward_by_the_gap() -> None:
    # Berlin 2026-03-29: 02:00 CET -> 03:00 CEST; 02:30 does not exist.
    assert is_nonexistent(datetime(2026, 3, 29, 2, 30), BERLIN)
    inst = local_to_utc(datetime(2026, 3, 29, 2, 30), BERLIN)
    assert inst == utc(2026, 3, 29, 1, 30)
    assert utc_to_local(inst, BERLIN).replace(tzinfo=None) == datetime(2026, 3, 29, 3, 30)
    # New York 2026-03-08: 02:00 EST -> 03:00 EDT.
    assert local_to_utc(datetime(2026, 3, 8, 2, 15), NY) == utc(2026, 3, 8, 7, 15)  # 03:15 EDT


def test_fall_back_overlap_takes_the_first_occurrence() -> None:
    # Berlin 2026-10-25: 03:00 CEST -> 02:00 CET; 02:30 happens twice.
    assert is_ambiguous(datetime(2026, 10, 25, 2, 30), BERLIN)
    assert local_to_utc(datetime(2026, 10, 25, 2, 30), BERLIN) == utc(2026, 10, 25, 0, 30)
    assert local_to_utc(datetime(2026, 11, 1, 1, 30), NY) == utc(2026, 11, 1, 5, 30)  # EDT


def test_unknown_zone_names_the_field() -> None:
    for bad in ("Asia/Malang", "", "../etc/passwd", " Asia/Jakarta", "WIB"):
        with pytest.raises(InvalidInput) as exc:
            get_zone(bad, field="kim.timezone")
        assert exc.value.field == "kim.timezone" and exc.value.code == "unknown_timezone"


def test_naive_instant_is_refused_in_bahasa() -> None:
    with pytest.raises(InvalidInput) as exc:
        require_aware(datetime(2026, 3, 2, 9, 0))
    assert exc.value.code == "naive_datetime" and "tanpa zona" in exc.value.message_id


def test_local_day_bounds_wib_and_short_dst_day() -> None:
    assert local_day_bounds(utc(2026, 3, 2, 16, 59), WIB) == (utc(2026, 3, 1, 17), utc(2026, 3, 2, 17))
    assert local_day_bounds(utc(2026, 3, 2, 17, 0), WIB) == (utc(2026, 3, 2, 17), utc(2026, 3, 3, 17))
    start, end = local_day_bounds(utc(2026, 3, 29, 12), BERLIN)
    assert end - start == timedelta(hours=23)


# ---- slots --------------------------------------------------------------------

MON9 = PostingSlot(0, time(9, 0))
THU19 = PostingSlot(3, time(19, 0))


def test_next_free_slot_jakarta() -> None:
    now = utc(2026, 3, 2, 1, 0)  # Monday 08:00 WIB
    assert next_free_slot([MON9, THU19], "Asia/Jakarta", now, []) == utc(2026, 3, 2, 2, 0)
    # 09:00 taken: Thursday 19:00 WIB
    taken = [utc(2026, 3, 2, 2, 0)]
    assert next_free_slot([MON9, THU19], "Asia/Jakarta", now, taken) == utc(2026, 3, 5, 12, 0)
    # a post at 09:20 WIB with 30 min spacing blocks the 09:00 slot too
    assert next_free_slot([MON9], WIB, now, [utc(2026, 3, 2, 2, 20)], timedelta(minutes=30)) == utc(2026, 3, 9, 2, 0)
    # exactly the spacing apart is fine
    assert next_free_slot([MON9], WIB, now, [utc(2026, 3, 2, 1, 30)], timedelta(minutes=30)) == utc(2026, 3, 2, 2, 0)


def test_slot_at_after_counts_and_earlier_slot_today_does_not() -> None:
    at_nine = utc(2026, 3, 2, 2, 0)
    assert next_free_slot([MON9], WIB, at_nine, []) == at_nine
    assert next_free_slot([MON9], WIB, at_nine + timedelta(seconds=1), []) == utc(2026, 3, 9, 2)


def test_slots_keep_local_time_across_dst() -> None:
    sun = PostingSlot(6, time(9, 0))
    got = slot_instants([sun], "Europe/Berlin", utc(2026, 3, 20), utc(2026, 4, 6))
    assert got == [utc(2026, 3, 22, 8), utc(2026, 3, 29, 7), utc(2026, 4, 5, 7)]
    got = slot_instants([sun], NY, utc(2026, 10, 25), utc(2026, 11, 9))
    assert got == [utc(2026, 10, 25, 13), utc(2026, 11, 1, 14), utc(2026, 11, 8, 14)]


def test_slot_in_the_gap_and_in_the_overlap() -> None:
    gap = PostingSlot(6, time(2, 30))  # Sunday 02:30
    assert next_free_slot([gap], BERLIN, utc(2026, 3, 28), []) == utc(2026, 3, 29, 1, 30)
    assert next_free_slot([gap], BERLIN, utc(2026, 10, 24), []) == utc(2026, 10, 25, 0, 30)
    # the gap slot lands on 03:30 local, same as a 03:30 slot: counted once
    both = [gap, PostingSlot(6, time(3, 30))]
    assert slot_instants(both, BERLIN, utc(2026, 3, 29), utc(2026, 3, 30)) == [utc(2026, 3, 29, 1, 30)]


def test_next_free_slot_errors() -> None:
    now = utc(2026, 3, 2)
    with pytest.raises(InvalidInput) as exc:
        next_free_slot([], WIB, now, [])
    assert exc.value.field == "slots"
    with pytest.raises(InvalidInput) as exc:
        next_free_slot([MON9], "Mars/Olympus", now, [])
    assert exc.value.field == "timezone"
    with pytest.raises(InvalidInput) as exc:
        next_free_slot([PostingSlot(7, time(9))], WIB, now, [])
    assert exc.value.field == "slots"
    with pytest.raises(InvalidInput) as exc:
        # every Monday taken and 2 days of spacing: nothing free within 30 days
        next_free_slot(
            [MON9],
            WIB,
            now,
            [utc(2026, 3, 2, 2) + timedelta(days=7 * i) for i in range(6)],
            timedelta(days=2),
            horizon=timedelta(days=30),
        )
    assert exc.value.code == "no_free_slot"


# ---- recurrence ---------------------------------------------------------------


def test_weekly_rule_in_wib() -> None:
    rule = "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9;BYMINUTE=0"
    got = occurrences(rule, datetime(2026, 3, 2, 9, 0), "Asia/Jakarta", after=utc(2026, 3, 1), until=utc(2026, 3, 13))
    assert got == [utc(2026, 3, 2, 2), utc(2026, 3, 5, 2), utc(2026, 3, 9, 2), utc(2026, 3, 12, 2)]


def test_recurrence_keeps_local_time_across_dst_and_moves_gap_times() -> None:
    got = occurrences(
        "FREQ=DAILY", datetime(2026, 3, 27, 2, 30), "Europe/Berlin", after=utc(2026, 3, 27), until=utc(2026, 3, 31)
    )
    # 02:30 CET, 02:30 CET, (02:30 missing -> 03:30 CEST), 02:30 CEST, 02:30 CEST
    assert got == [utc(2026, 3, 27, 1, 30), utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 0, 30)]
    fall = occurrences(
        "FREQ=DAILY;BYHOUR=1;BYMINUTE=30",
        datetime(2026, 10, 31, 1, 30),
        NY,
        after=utc(2026, 10, 31),
        until=utc(2026, 11, 3),
    )
    assert fall == [utc(2026, 10, 31, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)]


def test_recurrence_horizon_is_half_open_and_count_bounded() -> None:
    rule = "FREQ=DAILY;BYHOUR=9;BYMINUTE=0"
    start = datetime(2026, 3, 1, 9, 0)
    got = occurrences(rule, start, WIB, after=utc(2026, 3, 2, 2), until=utc(2026, 3, 4, 2))
    assert got == [utc(2026, 3, 2, 2), utc(2026, 3, 3, 2)]  # after incl., until excl.
    assert len(occurrences(rule, start, WIB, utc(2026, 3, 1), utc(2030, 1, 1), max_count=5)) == 5
    assert occurrences(rule, start, WIB, utc(2026, 3, 5), utc(2026, 3, 5)) == []
    # nothing before the start even if the window opens earlier
    assert occurrences(rule, start, WIB, utc(2026, 2, 1), utc(2026, 3, 2))[0] == utc(2026, 3, 1, 2)


def test_recurrence_until_in_utc_and_count() -> None:
    start = datetime(2026, 3, 1, 9, 0)
    got = occurrences("RRULE:FREQ=DAILY;UNTIL=20260303T020000Z", start, WIB, utc(2026, 1, 1), utc(2027, 1, 1))
    assert got == [utc(2026, 3, 1, 2), utc(2026, 3, 2, 2), utc(2026, 3, 3, 2)]
    got = occurrences("FREQ=WEEKLY;COUNT=3", start, WIB, utc(2026, 1, 1), utc(2027, 1, 1))
    assert len(got) == 3


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "FREQ=FORTNIGHTLY",
        "BYDAY=MO",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=MINUTELY",
        "FREQ=SECONDLY;COUNT=2",
        "DTSTART:20260101T000000\nRRULE:FREQ=DAILY",
        "FREQ=DAILY;BYHOUR=25",
    ],
)
def test_invalid_rules_are_bilingual_invalid_input(bad: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_rule(bad, datetime(2026, 3, 1, 9), WIB)
    e = exc.value
    assert e.field == "recurrence_rule" and e.code == "invalid_recurrence"
    assert "pengulangan" in e.message_id and "repeat rule" in e.message_en


@pytest.mark.parametrize(
    "text,rule",
    [
        ("setiap Senin 09:00", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0"),
        ("Tiap Senin, Kamis pukul 9.30 WIB", "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9;BYMINUTE=30;BYSECOND=0"),
        ("setiap Jum'at dan Minggu jam 16:00", "FREQ=WEEKLY;BYDAY=FR,SU;BYHOUR=16;BYMINUTE=0;BYSECOND=0"),
        ("setiap hari 07:00", "FREQ=DAILY;BYHOUR=7;BYMINUTE=0;BYSECOND=0"),
        ("every Monday and Thursday at 09:00", "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9;BYMINUTE=0;BYSECOND=0"),
    ],
)
def test_simple_choices(text: str, rule: str) -> None:
    assert parse_simple_choice(text) == rule
    parse_rule(rule, datetime(2026, 3, 1, 9), WIB)  # and dateutil accepts it


@pytest.mark.parametrize("bad", ["setiap Senen 09:00", "besok 09:00", "setiap Senin 25:00", ""])
def test_simple_choice_refuses_what_it_cannot_read(bad: str) -> None:
    with pytest.raises(InvalidInput):
        parse_simple_choice(bad)


def test_weekly_rule_builder() -> None:
    assert weekly_rule([3, 0, 0], time(9, 5)) == "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9;BYMINUTE=5;BYSECOND=0"
    with pytest.raises(InvalidInput):
        weekly_rule([], time(9))
