"""Small pieces of the web layer: Accept-Language choice and the schedule object."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from scheduler.domain.errors import InvalidInput
from scheduler.domain.model import ScheduleKind
from scheduler.web.api.schedule import ScheduleIn, to_intent
from scheduler.web.i18n import from_header


@pytest.mark.parametrize("header, expected", [
    (None, None), ("", None), ("en", "en"), ("id-ID,id;q=0.9,en;q=0.8", "id"),
    ("en-US,en;q=0.9,id;q=0.8", "en"), ("fr-FR,de;q=0.9", None), ("en;q=0.1,id;q=0.5", "id"),
    ("id;q=0,en", "en"), ("en;q=abc,id;q=0.2", "id"), ("*", None),
])
def test_accept_language(header, expected):
    assert from_header(header) == expected


def test_schedule_forms():
    aware = datetime(2030, 1, 6, 9, 0, tzinfo=timezone(timedelta(hours=7)))
    intent = to_intent(ScheduleIn(at=aware))
    assert intent.kind == ScheduleKind.AT and intent.at == datetime(2030, 1, 6, 2, 0, tzinfo=timezone.utc)
    local = to_intent(ScheduleIn(at=datetime(2030, 1, 6, 9, 0), timezone="Asia/Jayapura"))
    assert local.at == datetime(2030, 1, 6, 0, 0, tzinfo=timezone.utc) and local.zone == "Asia/Jayapura"
    assert to_intent(ScheduleIn(next_slot=True)).kind == ScheduleKind.NEXT_SLOT
    rec = to_intent(ScheduleIn(rrule="FREQ=DAILY", start=datetime(2030, 1, 6, 9, 0), timezone="Asia/Jakarta"))
    assert rec.kind == ScheduleKind.RECURRING and rec.at == datetime(2030, 1, 6, 2, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("schedule, code", [
    (ScheduleIn(at=datetime(2030, 1, 6, 9, 0)), "naive_datetime"),
    (ScheduleIn(rrule="FREQ=DAILY", start=datetime(2030, 1, 6, 9, 0)), "naive_datetime"),
    (ScheduleIn(), "schedule_form"),
    (ScheduleIn(next_slot=True, rrule="FREQ=DAILY"), "schedule_form"),
    (ScheduleIn(rrule="FREQ=DAILY"), "schedule_start_required"),
    (ScheduleIn(at=datetime(2030, 1, 6, 9, 0), timezone="Mars/Olympus"), "unknown_timezone"),
    (ScheduleIn(at=datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-14)))), "datetime_out_of_range"),
])
def test_schedule_refusals(schedule, code):
    with pytest.raises(InvalidInput) as caught:
        to_intent(schedule)
    assert caught.value.code == code
