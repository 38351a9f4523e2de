"""Checks on the instant a post is scheduled for.

``schedule_problems`` returns the problems (for live checking while a member
picks a time); ``validate_schedule`` raises them as one InvalidInput, or an
IllegalTransition when the post is not approved yet, and returns the
instant in UTC. Pacing lives in pacing.py; slots in slots.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from .errors import DomainError, IllegalTransition, InvalidInput, Problem
from .model import PostingSlot, ReviewState, TargetState
from .pacing import Pacing, check_pacing, next_paced_instant
from .slots import next_free_slot
from .timezones import get_zone, require_aware, utc_to_local

#: A time picked "now" in a form is a few seconds old when it arrives.
DEFAULT_GRACE = timedelta(seconds=30)
#: Nothing further ahead than this (a mistyped year is more likely than a plan).
MAX_AHEAD = timedelta(days=366 * 2)


def schedule_problems(
    at: datetime,
    now: datetime,
    zone: str = "Asia/Jakarta",
    grace: timedelta = DEFAULT_GRACE,
    field: str = "scheduled_at",
) -> list[Problem]:
    """Problems with ``at`` as a publishing time (empty: fine). ``now`` must be aware."""
    now = require_aware(now, "now")
    try:
        z = get_zone(zone, field="timezone")
        at_utc = require_aware(at, field)
    except InvalidInput as e:
        return [Problem(e.code, e.field, e.message_id, e.message_en)]
    out: list[Problem] = []
    if at_utc < now - grace:
        shown = utc_to_local(at_utc, z).strftime("%d-%m-%Y %H:%M")
        out.append(
            Problem(
                "schedule_in_past",
                field,
                f"Waktu {shown} sudah lewat. Pilih waktu yang akan datang.",
                f"{shown} is in the past. Pick a time in the future.",
            )
        )
    elif at_utc > now + MAX_AHEAD:
        out.append(
            Problem(
                "schedule_too_far",
                field,
                "Waktu terlalu jauh di depan (lebih dari 2 tahun). Periksa tahunnya.",
                "The time is too far ahead (over 2 years). Check the year.",
            )
        )
    return out


def validate_schedule(
    at: datetime,
    now: datetime,
    post_review_state: ReviewState | None = None,
    zone: str = "Asia/Jakarta",
    grace: timedelta = DEFAULT_GRACE,
    field: str = "scheduled_at",
) -> datetime:
    """``at`` in UTC if it can be scheduled; raise otherwise.

    ``post_review_state`` given and not ``approved``: IllegalTransition
    (a target only becomes scheduled for an approved post). Naive ``at``,
    an unknown zone, a past or absurdly far time: InvalidInput.
    """
    if post_review_state is not None and ReviewState(post_review_state) != ReviewState.APPROVED:
        raise IllegalTransition(
            str(TargetState.PENDING),
            str(TargetState.SCHEDULED),
            message_id="Posting belum disetujui admin, jadi belum bisa dijadwalkan.",
            message_en="The post has not been approved by an admin yet, so it cannot be scheduled.",
            code="post_not_approved",
        )
    problems = schedule_problems(at, now, zone=zone, grace=grace, field=field)
    if problems:
        raise InvalidInput.from_problems(problems)
    return require_aware(at, field)


def plan_instant(
    wanted: datetime,
    now: datetime,
    taken: Iterable[datetime],
    pacing: Pacing,
    zone: str,
    grace: timedelta = DEFAULT_GRACE,
) -> datetime:
    """Where a wanted instant actually goes: validated, then moved later if pacing needs it.

    A time within ``grace`` in the past is moved to ``now``.
    """
    at = validate_schedule(wanted, now, zone=zone, grace=grace)
    return next_paced_instant(at, taken, pacing, zone, not_before=require_aware(now, "now"))


def plan_next_slot(
    slots: Iterable[PostingSlot],
    zone: str,
    now: datetime,
    taken: Iterable[datetime],
    pacing: Pacing,
    horizon: timedelta = timedelta(days=366),
) -> datetime:
    """The account's next free posting slot that also respects its daily cap.

    Slots crowded by spacing are skipped (a slot is a promise of a time, so it
    is not shifted); slots on a full day are skipped too.
    """
    busy = sorted(require_aware(t, "taken") for t in taken)
    after = require_aware(now, "now")
    end = after + horizon
    while after < end:
        cand = next_free_slot(slots, zone, after, busy, pacing.min_spacing, horizon=end - after)
        if check_pacing(cand, busy, pacing, zone) is None:
            return cand
        after = cand + timedelta(microseconds=1)
    raise InvalidInput(
        "no_free_slot",
        "Tidak ada jadwal kosong dalam setahun ke depan. Tambah jadwal atau pilih jam sendiri.",
        "No free slot within the next year. Add slots or pick a time yourself.",
        field="slots",
    )


__all__ = [
    "DEFAULT_GRACE",
    "MAX_AHEAD",
    "schedule_problems",
    "validate_schedule",
    "plan_instant",
    "plan_next_slot",
    "Pacing",
    "check_pacing",
    "next_paced_instant",
    "DomainError",
]
