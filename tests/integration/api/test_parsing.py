"""Small pieces of the web layer: Accept-Language choice, the schedule object, dates and periods."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from scheduler.domain.errors import InvalidInput
from scheduler.domain.model import ScheduleKind
from scheduler.services.engagement import summaries
from scheduler.web.api.schedule_input import ScheduleIn, to_intent
from scheduler.web.dates import parse_date
from scheduler.web.i18n import from_header


@pytest.mark.parametrize(
    "header, expected",
    [
        (None, None),
        ("", None),
        ("en", "en"),
        ("id-ID,id;q=0.9,en;q=0.8", "id"),
        ("en-US,en;q=0.9,id;q=0.8", "en"),
        ("fr-FR,de;q=0.9", None),
        ("en;q=0.1,id;q=0.5", "id"),
        ("id;q=0,en", "en"),
        ("en;q=abc,id;q=0.2", "id"),
        ("*", None),
    ],
)
def test_accept_language(header, expected):
    assert from_header(header) == expected


def test_schedule_forms():
    aware = datetime(2030, 1, 6, 9, 0, tzinfo=timezone(timedelta(hours=7)))
    intent = to_intent(ScheduleIn(at=aware))
    assert intent.kind == ScheduleKind.AT and intent.at == datetime(2030, 1, 6, 2, 0, tzinfo=UTC)
    local = to_intent(ScheduleIn(at=datetime(2030, 1, 6, 9, 0), timezone="Asia/Jayapura"))
    assert local.at == datetime(2030, 1, 6, 0, 0, tzinfo=UTC) and local.zone == "Asia/Jayapura"
    assert to_intent(ScheduleIn(next_slot=True)).kind == ScheduleKind.NEXT_SLOT
    rec = to_intent(ScheduleIn(rrule="FREQ=DAILY", start=datetime(2030, 1, 6, 9, 0), timezone="Asia/Jakarta"))
    assert rec.kind == ScheduleKind.RECURRING and rec.at == datetime(2030, 1, 6, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "schedule, code",
    [
        (ScheduleIn(at=datetime(2030, 1, 6, 9, 0)), "naive_datetime"),
        (ScheduleIn(rrule="FREQ=DAILY", start=datetime(2030, 1, 6, 9, 0)), "naive_datetime"),
        (ScheduleIn(), "schedule_form"),
        (ScheduleIn(next_slot=True, rrule="FREQ=DAILY"), "schedule_form"),
        (ScheduleIn(rrule="FREQ=DAILY"), "schedule_start_required"),
        # (the API's schema refuses an unknown zone first; to_intent still checks one built in Python)
        (ScheduleIn.model_construct(at=datetime(2030, 1, 6, 9, 0), timezone="Mars/Olympus"), "unknown_timezone"),
        (ScheduleIn(at=datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-14)))), "datetime_out_of_range"),
    ],
)
def test_schedule_refusals(schedule, code):
    with pytest.raises(InvalidInput) as caught:
        to_intent(schedule)
    assert caught.value.code == code


@pytest.mark.parametrize("text", ["20260101", "2026-W01-1", "2026-02-30", "2026-1-5", "0", "2026-01-01T00:00"])
def test_a_pages_date_must_be_a_real_yyyy_mm_dd(text):
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, "from")
    assert caught.value.code == "bad_date" and caught.value.field == "from"


def test_a_pages_empty_date_means_the_default():
    assert parse_date("", "to") is None and parse_date(None, "to") is None
    assert parse_date("2026-02-28", "to") == date(2026, 2, 28)


def test_the_default_period_is_30_days_and_never_before_the_first_day_of_the_calendar():
    today = date(2026, 6, 30)
    assert summaries.period(None, None, today) == (date(2026, 6, 1), today)
    assert summaries.period(None, date(2026, 1, 31), today) == (date(2026, 1, 2), date(2026, 1, 31))
    assert summaries.period(date(2020, 1, 1), None, today) == (date(2020, 1, 1), today)
    assert summaries.period(None, date(1, 1, 5), today) == (date(1, 1, 1), date(1, 1, 5))
