"""Named IANA zones and the two conversions everything else uses.

Rules at the edges of daylight saving time (zones like Europe/Berlin; WIB,
WITA and WIT have none, but a KIM or account may name any zone):

* A local time inside a spring-forward gap does not exist (02:30 on the
  night clocks jump from 02:00 to 03:00). It is moved forward by the length
  of the gap: 02:30 becomes 03:30. This is what zoneinfo's ``fold=0`` gives
  and what java.time and dateutil's ``resolve_imaginary`` do.
* A local time in a fall-back overlap happens twice. The first occurrence
  (the earlier instant, still on summer time) is taken.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InvalidInput


@lru_cache(maxsize=256)
def _load(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def get_zone(name: str, field: str = "timezone") -> ZoneInfo:
    """The zone called ``name``; InvalidInput naming ``field`` if there is none."""
    if not isinstance(name, str) or not name or name != name.strip() or ".." in name or name.startswith("/"):
        raise _bad_zone(name, field)
    try:
        return _load(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise _bad_zone(name, field) from None


def zone_name(name: str | None, field: str = "timezone") -> str:
    """``name`` stripped, if it names a zone that exists (e.g. ``Asia/Jakarta``); else InvalidInput."""
    candidate = (name or "").strip()
    get_zone(candidate, field)
    return candidate


def _bad_zone(name: object, field: str) -> InvalidInput:
    return InvalidInput(
        "unknown_timezone",
        f"Zona waktu \u201c{name}\u201d tidak dikenal. Contoh yang benar: Asia/Jakarta (WIB).",
        f"Unknown time zone \u201c{name}\u201d. A correct example: Asia/Jakarta (WIB).",
        field=field,
    )


def require_aware(instant: datetime, field: str = "scheduled_at") -> datetime:
    """``instant`` in UTC; InvalidInput ("waktu tanpa zona") if it is naive."""
    if not isinstance(instant, datetime):
        raise InvalidInput("invalid_datetime", "Waktu tidak valid.", "The time is not valid.", field=field)
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InvalidInput(
            "naive_datetime",
            "Waktu tanpa zona: sertakan zona waktu (misalnya +07:00 atau Asia/Jakarta).",
            "The time has no time zone: include one (e.g. +07:00 or Asia/Jakarta).",
            field=field,
        )
    return instant.astimezone(UTC)


def is_nonexistent(naive_local: datetime, zone: ZoneInfo) -> bool:
    """True if this wall-clock time falls in a spring-forward gap of ``zone``."""
    aware = naive_local.replace(tzinfo=zone, fold=0)
    back = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None, fold=0)
    return back != naive_local.replace(fold=0)


def is_ambiguous(naive_local: datetime, zone: ZoneInfo) -> bool:
    """True if this wall-clock time happens twice (fall-back overlap)."""
    a = naive_local.replace(tzinfo=zone, fold=0).utcoffset()
    b = naive_local.replace(tzinfo=zone, fold=1).utcoffset()
    return a != b and not is_nonexistent(naive_local, zone)


def local_to_utc(naive_local: datetime, zone: ZoneInfo | str) -> datetime:
    """The UTC instant of a wall-clock time in ``zone`` (gap: moved forward; overlap: first).

    An aware ``naive_local`` is refused (ValueError): that is a programming
    error, the caller already has an instant.
    """
    if naive_local.tzinfo is not None:
        raise ValueError("local_to_utc expects a naive local datetime")
    z = get_zone(zone) if isinstance(zone, str) else zone
    # fold=0: the first occurrence in an overlap; in a gap, the offset from
    # before the jump, which lands the gap's length later on the wall clock.
    return naive_local.replace(tzinfo=z, fold=0).astimezone(UTC)


def utc_to_local(instant: datetime, zone: ZoneInfo | str) -> datetime:
    """The aware local time of a UTC (or any aware) instant in ``zone``."""
    z = get_zone(zone) if isinstance(zone, str) else zone
    return require_aware(instant, field="instant").astimezone(z)


def local_day_bounds(instant: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC [start, end) of the local calendar day holding ``instant`` (23/24/25 h long)."""
    day = utc_to_local(instant, zone).date()
    start = local_to_utc(datetime(day.year, day.month, day.day), zone)
    nxt = day + timedelta(days=1)
    end = local_to_utc(datetime(nxt.year, nxt.month, nxt.day), zone)
    return start, end
