"""The ``schedule`` object of a post, and its translation into a ScheduleIntent.

Exactly one of three forms::

    {"at": "2026-12-01T09:00:00+07:00"}                     an instant with its offset
    {"at": "2026-12-01T09:00:00", "timezone": "Asia/Jakarta"} a wall-clock time in a zone
    {"next_slot": true}                                      the accounts' next free slot
    {"rrule": "FREQ=WEEKLY;BYDAY=MO", "start": "...", "timezone": "Asia/Jakarta", "until"?: "..."}

A time without offset and without zone is refused ("waktu tanpa zona waktu").
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import Field

from scheduler.domain.errors import InvalidInput
from scheduler.domain.model import DEFAULT_TIMEZONE
from scheduler.domain.timezones import get_zone, local_to_utc
from scheduler.services.posts.scheduling import ScheduleIntent
from scheduler.web.dates import IsoLocalOrInstant
from scheduler.web.schemas import Flag, InputModel, TimeZoneName

_LOCAL = " (RFC 3339; without an offset: a wall-clock time in `timezone`, which is then required)"


class ScheduleIn(InputModel):
    """Exactly one of `at`, `next_slot: true` or `rrule` (with `start`); else 422 `schedule_form`."""

    at: IsoLocalOrInstant | None = Field(default=None, description="Publish once at this time" + _LOCAL)
    timezone: TimeZoneName | None = Field(default=None, description="Default: Asia/Jakarta (WIB)")
    next_slot: Flag | None = Field(default=None, description="true: the accounts' next free slot")
    rrule: str | None = Field(
        default=None, max_length=500, description="RFC 5545 recurrence rule, e.g. FREQ=WEEKLY;BYDAY=MO"
    )
    start: IsoLocalOrInstant | None = Field(default=None, description="First time of an rrule" + _LOCAL)
    until: IsoLocalOrInstant | None = Field(default=None, description="Last time of an rrule" + _LOCAL)


def _naive(field: str) -> InvalidInput:
    return InvalidInput(
        "naive_datetime",
        "Waktu tanpa zona waktu: tambahkan selisih UTC (mis. +07:00) atau isi timezone.",
        "Time without a time zone: add a UTC offset (e.g. +07:00) or a timezone.",
        field=f"schedule.{field}",
    )


def _out_of_range(field: str) -> InvalidInput:
    return InvalidInput(
        "datetime_out_of_range",
        "Tanggal di luar jangkauan; periksa tahunnya.",
        "The date is out of range; check the year.",
        field=f"schedule.{field}",
    )


def _instant(value: datetime, zone: str | None, field: str) -> datetime:
    """The UTC instant of an aware value, or of a wall-clock value in ``zone``."""
    try:
        if value.tzinfo is not None and value.utcoffset() is not None:
            return value.astimezone(UTC)
        if not zone:
            raise _naive(field)
        return local_to_utc(value, get_zone(zone, field="schedule.timezone"))
    except OverflowError:  # e.g. 9999-12-31T23:00-14:00 is in the year 10000 in UTC
        raise _out_of_range(field) from None


def to_intent(schedule: ScheduleIn) -> ScheduleIntent:
    """The service's intent for a request's schedule, or InvalidInput naming the field."""
    forms = [schedule.at is not None, bool(schedule.next_slot), schedule.rrule is not None]
    if sum(forms) != 1:
        raise InvalidInput(
            "schedule_form",
            "Pilih satu jenis jadwal: at, next_slot, atau rrule.",
            "Choose one kind of schedule: at, next_slot or rrule.",
            field="schedule",
        )
    zone = schedule.timezone
    if zone is not None:
        get_zone(zone, field="schedule.timezone")
    if schedule.next_slot:
        return ScheduleIntent.next_slot()
    if schedule.at is not None:
        return ScheduleIntent.at_instant(_instant(schedule.at, zone, "at"), zone or DEFAULT_TIMEZONE)
    if schedule.start is None:
        raise InvalidInput(
            "schedule_start_required",
            "Isi waktu mulai (start) untuk jadwal berulang.",
            "A recurring schedule needs a start.",
            field="schedule.start",
        )
    start = _instant(schedule.start, zone, "start")
    until = _instant(schedule.until, zone, "until") if schedule.until is not None else None
    return ScheduleIntent.recurring(schedule.rrule or "", start, zone or DEFAULT_TIMEZONE, until)
