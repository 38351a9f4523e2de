"""Posting slots: weekly local times at which an account likes to post.

``next_free_slot`` finds the earliest slot instant at or after ``after``
that keeps ``min_spacing`` from every already-taken instant. Slot times are
wall-clock times in the account's zone, so "Senin 09:00" stays 09:00 local
across daylight-saving changes (DST edge rules: see timezones.py).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .errors import InvalidInput
from .model import PostingSlot
from .timezones import get_zone, local_to_utc, require_aware, utc_to_local

__all__ = ["next_free_slot", "slot_instants", "local_to_utc", "utc_to_local", "validate_slots"]

#: How far ahead a free slot is searched for before giving up.
DEFAULT_HORIZON = timedelta(days=366)


def validate_slots(slots: Iterable[PostingSlot]) -> list[PostingSlot]:
    """The slots, sorted and without repeats; InvalidInput naming ``slots`` if one is bad."""
    out = sorted(set(slots), key=lambda s: (s.weekday, s.at))
    for s in out:
        if not (isinstance(s.weekday, int) and 0 <= s.weekday <= 6):
            raise InvalidInput(
                "invalid_slot",
                "Hari jadwal harus Senin sampai Minggu.",
                "A slot's day must be Monday to Sunday.",
                field="slots",
            )
        if s.at.tzinfo is not None:
            raise InvalidInput(
                "invalid_slot",
                "Jam jadwal ditulis sebagai jam lokal, tanpa zona.",
                "A slot's time is a local time, without a zone.",
                field="slots",
            )
    return out


def slot_instants(
    slots: Iterable[PostingSlot], zone: ZoneInfo | str, after: datetime, until: datetime
) -> list[datetime]:
    """Every slot occurrence as a UTC instant in ``[after, until)``, sorted, without repeats."""
    z = get_zone(zone) if isinstance(zone, str) else zone
    after, until = require_aware(after, "after"), require_aware(until, "until")
    ordered = validate_slots(slots)
    day = utc_to_local(after, z).date() - timedelta(days=1)  # -1: a gap may pull earlier
    last = utc_to_local(until, z).date() + timedelta(days=1)
    found: set[datetime] = set()
    while day <= last:
        for s in ordered:
            if s.weekday == day.weekday():
                inst = local_to_utc(datetime.combine(day, s.at.replace(fold=0)), z)
                if after <= inst < until:
                    found.add(inst)
        day += timedelta(days=1)
    return sorted(found)


def next_free_slot(
    slots: Iterable[PostingSlot],
    zone: ZoneInfo | str,
    after: datetime,
    taken: Iterable[datetime],
    min_spacing: timedelta = timedelta(0),
    horizon: timedelta = DEFAULT_HORIZON,
) -> datetime:
    """The earliest slot instant (UTC) at or after ``after`` that is free.

    Free means no taken instant closer than ``min_spacing`` (and never the
    same instant). ``zone`` is an IANA name or ZoneInfo (an unknown name is
    InvalidInput naming ``timezone``). No slots, or none free within
    ``horizon``, is InvalidInput naming ``slots``.
    """
    z = get_zone(zone) if isinstance(zone, str) else zone
    after = require_aware(after, "after")
    ordered = validate_slots(slots)
    if not ordered:
        raise InvalidInput(
            "no_slots",
            "Akun ini belum punya jadwal posting rutin. Tambahkan jadwal dulu, atau pilih tanggal dan jam sendiri.",
            "This account has no posting slots yet. Add some, or pick a date and time.",
            field="slots",
        )
    busy = sorted(require_aware(t, "taken") for t in taken)
    # Walk week by week so a long horizon does not build one huge list.
    window_start, end = after, after + horizon
    while window_start < end:
        window_end = min(window_start + timedelta(days=14), end)
        for cand in slot_instants(ordered, z, window_start, window_end):
            if _is_free(cand, busy, min_spacing):
                return cand
        window_start = window_end
    raise InvalidInput(
        "no_free_slot",
        "Tidak ada jadwal kosong dalam setahun ke depan. Tambah jadwal atau pilih jam sendiri.",
        "No free slot within the next year. Add slots or pick a time yourself.",
        field="slots",
    )


def _is_free(cand: datetime, busy: list[datetime], min_spacing: timedelta) -> bool:
    """No busy instant t with |cand - t| < min_spacing, and cand itself not busy."""
    i = bisect.bisect_left(busy, cand - min_spacing)
    while i < len(busy) and busy[i] <= cand + min_spacing:
        if busy[i] == cand or abs(busy[i] - cand) < min_spacing:
            return False
        i += 1
    return True
