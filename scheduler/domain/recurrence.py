"""Recurring posts: RFC 5545 RRULEs evaluated in local wall-clock time.

A rule such as ``FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9;BYMINUTE=0`` is expanded
by ``dateutil.rrule`` from a *naive local* start, so "every Monday 09:00"
stays 09:00 in the zone across DST changes; each occurrence is then turned
into a UTC instant (gap: moved forward, overlap: first; see timezones.py).
Only a bounded window ``[after, until)`` and at most ``max_count``
occurrences are ever produced, so a rule with no end is safe to use.

Refused: SECONDLY/MINUTELY rules (a community account never posts every
minute, and such rules explode in size), a DTSTART inside the rule (the
start is the post's own ``schedule_at``), and anything dateutil cannot parse.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from .errors import InvalidInput
from .timezones import get_zone, local_to_utc, require_aware, utc_to_local

DEFAULT_MAX_COUNT = 100
_UNTIL_UTC = re.compile(r"UNTIL=(\d{8}T\d{6})Z", re.IGNORECASE)
_FORBIDDEN_FREQ = re.compile(r"FREQ=(SECONDLY|MINUTELY)", re.IGNORECASE)

_DAYS_ID = ["senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu"]
_DAYS_EN = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_RFC_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _invalid(detail_id: str = "", detail_en: str = "") -> InvalidInput:
    return InvalidInput(
        "invalid_recurrence",
        "Aturan pengulangan tidak bisa dibaca."
        + (f" {detail_id}" if detail_id else "")
        + " Contoh: setiap Senin 09:00.",
        "The repeat rule cannot be read." + (f" {detail_en}" if detail_en else "") + " Example: every Monday 09:00.",
        field="recurrence_rule",
    )


def parse_rule(rule: str, start_local: datetime, zone: ZoneInfo | str) -> rrule:
    """A dateutil ``rrule`` over naive local datetimes, or InvalidInput naming ``recurrence_rule``.

    ``start_local`` is the naive wall-clock start (DTSTART). A UTC ``UNTIL``
    (``...Z``) is converted to local wall-clock time first, because dateutil
    refuses a UTC UNTIL with a naive start.
    """
    z = get_zone(zone) if isinstance(zone, str) else zone
    if start_local.tzinfo is not None:
        raise ValueError("start_local must be a naive local datetime")
    if not isinstance(rule, str) or not rule.strip():
        raise _invalid()
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if "\n" in text or "DTSTART" in text.upper() or ":" in text:
        raise _invalid("Tulis satu aturan RRULE saja, tanpa DTSTART.", "Write one RRULE only, without DTSTART.")
    if _FORBIDDEN_FREQ.search(text):
        raise _invalid("Paling sering setiap jam.", "At most hourly.")

    def _until_local(m: re.Match[str]) -> str:
        u = datetime.strptime(m.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        return "UNTIL=" + utc_to_local(u, z).strftime("%Y%m%dT%H%M%S")

    text = _UNTIL_UTC.sub(_until_local, text)
    try:
        parsed = rrulestr(text, dtstart=start_local.replace(fold=0))
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise _invalid() from None
    if not isinstance(parsed, rrule):  # an rruleset from a multi-line string
        raise _invalid()
    return parsed


def occurrences(
    rule: str,
    start_local: datetime,
    zone: ZoneInfo | str,
    after: datetime,
    until: datetime,
    max_count: int = DEFAULT_MAX_COUNT,
) -> list[datetime]:
    """UTC instants of ``rule`` in ``[after, until)``, at most ``max_count``, sorted.

    ``start_local`` is naive wall-clock time in ``zone``; ``after``/``until``
    are aware instants. Two local times that land on the same instant (a gap
    time moved forward onto an existing one) are counted once.
    """
    z = get_zone(zone) if isinstance(zone, str) else zone
    after, until = require_aware(after, "after"), require_aware(until, "until")
    if max_count < 1 or until <= after:
        return []
    parsed = parse_rule(rule, start_local, z)
    # Local bounds with a day of slack on each side; the exact filter is in UTC.
    lo = utc_to_local(after, z).replace(tzinfo=None) - timedelta(days=1)
    hi = utc_to_local(until, z).replace(tzinfo=None) + timedelta(days=1)
    out: list[datetime] = []
    seen: set[datetime] = set()
    for local in parsed.xafter(max(lo, start_local), inc=True):
        if local >= hi:
            break
        inst = local_to_utc(local, z)
        if after <= inst < until and inst not in seen:
            seen.add(inst)
            out.append(inst)
            if len(out) >= max_count:
                break
    return sorted(out)


def weekly_rule(weekdays: list[int], at: time) -> str:
    """An RRULE for "these weekdays (0=Monday) at this local time"."""
    if not weekdays or any(not 0 <= d <= 6 for d in weekdays):
        raise _invalid("Pilih hari Senin sampai Minggu.", "Choose days Monday to Sunday.")
    days = ",".join(_RFC_DAYS[d] for d in sorted(set(weekdays)))
    return f"FREQ=WEEKLY;BYDAY={days};BYHOUR={at.hour};BYMINUTE={at.minute};BYSECOND=0"


def daily_rule(at: time) -> str:
    """An RRULE for "every day at this local time"."""
    return f"FREQ=DAILY;BYHOUR={at.hour};BYMINUTE={at.minute};BYSECOND=0"


_SIMPLE = re.compile(
    r"^\s*(?:setiap|tiap|every)\s+(?P<days>.+?)\s+(?:(?:pukul|jam|at)\s+)?"
    r"(?P<h>\d{1,2})[:.](?P<m>\d{2})\s*(?:wib|wita|wit)?\s*$",
    re.IGNORECASE,
)


def parse_simple_choice(text: str) -> str:
    """Turn "setiap Senin 09:00", "tiap Senin, Kamis pukul 9.30", "setiap hari 07:00" or
    "every Monday and Thursday 09:00" into an RRULE; InvalidInput if it is not one of these.

    The time is local to the post's zone (a trailing WIB/WITA/WIT is only a label).
    """
    m = _SIMPLE.match(text or "")
    if not m:
        raise _invalid()
    h, mi = int(m.group("h")), int(m.group("m"))
    if h > 23 or mi > 59:
        raise _invalid("Jam harus antara 00:00 dan 23:59.", "The time must be 00:00 to 23:59.")
    at = time(h, mi)
    days_text = m.group("days").lower().replace("jum'at", "jumat").replace("ahad", "minggu")
    words = [w for w in re.split(r"[\s,]+|\bdan\b|\band\b", days_text) if w and w.strip()]
    if words in (["hari"], ["day"]):
        return daily_rule(at)
    days: list[int] = []
    for w in words:
        w = w.strip().rstrip("s") if w.strip().endswith("days") else w.strip()
        if w in _DAYS_ID:
            days.append(_DAYS_ID.index(w))
        elif w in _DAYS_EN:
            days.append(_DAYS_EN.index(w))
        else:
            raise _invalid(f"Hari \u201c{w}\u201d tidak dikenal.", f"Unknown day \u201c{w}\u201d.")
    return weekly_rule(days, at)
