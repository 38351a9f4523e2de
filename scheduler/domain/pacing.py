"""Per-account pacing: a minimum gap between posts and a cap per local day.

Platform defaults, and why (each can be overridden per account through
``SocialAccount.min_spacing_seconds`` / ``daily_cap``):

* X: 5 minutes, 17 a day. X's Free API tier lets one user create 17 posts per
  24 hours; a cap at that figure makes Siar wait instead of meeting 429s. An
  account on a paid tier raises its cap.
* Facebook: 10 minutes, 25 a day. Pages have no published posting cap, but
  bursts of Page posts are throttled by feed ranking and can trip spam
  checks (error 368); 25 a day is far above what a KIM writes.
* Instagram: 30 minutes, 10 a day. Siar uses the private API (instagrapi),
  where bursts of uploads lead to ``feedback_required`` and challenges; the
  official API caps at 50 a day, so 10 with a 30-minute gap stays well clear.

The daily cap counts posts per *local calendar day* of the account's zone
(a WIB day runs 17:00-17:00 UTC), because that is the day the admin sees.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from .errors import InvalidInput, Problem
from .model import Platform
from .timezones import get_zone, local_day_bounds, require_aware, utc_to_local


@dataclass(frozen=True)
class Pacing:
    """Minimum gap between two posts of one account, and posts per local day."""

    min_spacing: timedelta
    daily_cap: int

    def __post_init__(self) -> None:
        if self.min_spacing < timedelta(0):
            raise InvalidInput(
                "invalid_pacing",
                "Jarak antar-posting tidak boleh negatif.",
                "The gap between posts cannot be negative.",
                field="min_spacing_seconds",
            )
        if self.daily_cap < 1:
            raise InvalidInput(
                "invalid_pacing",
                "Batas posting per hari minimal 1.",
                "The daily post limit must be at least 1.",
                field="daily_cap",
            )


DEFAULT_PACING: dict[Platform, Pacing] = {
    Platform.X: Pacing(timedelta(minutes=5), 17),
    Platform.FACEBOOK: Pacing(timedelta(minutes=10), 25),
    Platform.INSTAGRAM: Pacing(timedelta(minutes=30), 10),
}


class PacedAccount(Protocol):
    """What pacing reads of an account: a :class:`~.model.SocialAccount`, or dispatch's candidate row."""

    @property
    def platform(self) -> str: ...

    @property
    def min_spacing_seconds(self) -> int | None: ...

    @property
    def daily_cap(self) -> int | None: ...


def pacing_for(account: PacedAccount) -> Pacing:
    """The account's pacing: its own overrides, else the platform default.

    The one rule for scheduling, the pages and dispatch. A stored cap below 1
    (the database allows 0; the services accept 1..1000) counts as 1, as
    dispatch always did.
    """
    base = DEFAULT_PACING[Platform(account.platform)]
    spacing = (
        timedelta(seconds=account.min_spacing_seconds) if account.min_spacing_seconds is not None else base.min_spacing
    )
    cap = account.daily_cap if account.daily_cap is not None else base.daily_cap
    return Pacing(spacing, max(cap, 1))


def _zone(zone: ZoneInfo | str) -> ZoneInfo:
    return get_zone(zone) if isinstance(zone, str) else zone


def check_pacing(instant: datetime, taken: Iterable[datetime], pacing: Pacing, zone: ZoneInfo | str) -> Problem | None:
    """Why ``instant`` breaks the account's pacing, or None if it does not.

    ``taken`` are the account's other posts (scheduled or published); leave
    the target being checked out of it.
    """
    z = _zone(zone)
    instant = require_aware(instant)
    busy = sorted(require_aware(t, "taken") for t in taken)
    close = _too_close(instant, busy, pacing.min_spacing)
    if close is not None:
        minutes = pacing.min_spacing.total_seconds() / 60
        other = utc_to_local(close, z).strftime("%H:%M")
        return Problem(
            "pacing_too_close",
            "scheduled_at",
            f"Terlalu dekat dengan posting lain di akun ini (pukul {other}). Beri jarak minimal {minutes:g} menit.",
            f"Too close to another post on this account (at {other}). Keep at least {minutes:g} minutes between posts.",
        )
    start, end = local_day_bounds(instant, z)
    count = bisect.bisect_left(busy, end) - bisect.bisect_left(busy, start)
    if count >= pacing.daily_cap:
        day = utc_to_local(instant, z).strftime("%d-%m-%Y")
        return Problem(
            "pacing_daily_cap",
            "scheduled_at",
            f"Akun ini sudah punya {count} posting pada {day}; batasnya {pacing.daily_cap} sehari. Pilih hari lain.",
            f"This account already has {count} posts on {day}; the limit is "
            f"{pacing.daily_cap} a day. Choose another day.",
        )
    return None


def _too_close(instant: datetime, busy: list[datetime], spacing: timedelta) -> datetime | None:
    i = bisect.bisect_left(busy, instant - spacing)
    while i < len(busy) and busy[i] <= instant + spacing:
        if busy[i] == instant or abs(busy[i] - instant) < spacing:
            return busy[i]
        i += 1
    return None


def next_paced_instant(
    wanted: datetime,
    taken: Iterable[datetime],
    pacing: Pacing,
    zone: ZoneInfo | str,
    not_before: datetime | None = None,
    max_days: int = 366,
) -> datetime:
    """The earliest instant >= ``wanted`` (and >= ``not_before``) that keeps the pacing.

    A crowded instant moves to ``min_spacing`` after the post it collides
    with; a full day moves to the start of the next local day. InvalidInput
    if nothing fits within ``max_days``.
    """
    z = _zone(zone)
    cand = require_aware(wanted)
    if not_before is not None:
        cand = max(cand, require_aware(not_before, "not_before"))
    busy = sorted(require_aware(t, "taken") for t in taken)
    limit = cand + timedelta(days=max_days)
    while cand < limit:
        start, end = local_day_bounds(cand, z)
        if bisect.bisect_left(busy, end) - bisect.bisect_left(busy, start) >= pacing.daily_cap:
            cand = end
            continue
        close = _too_close(cand, busy, pacing.min_spacing)
        if close is None:
            return cand
        # Jump past the colliding post (at least a microsecond for a zero spacing).
        cand = max(close + pacing.min_spacing, cand + timedelta(microseconds=1))
    raise InvalidInput(
        "no_paced_time",
        "Tidak ada waktu kosong untuk akun ini dalam setahun ke depan.",
        "No free time for this account within the next year.",
        field="scheduled_at",
    )
