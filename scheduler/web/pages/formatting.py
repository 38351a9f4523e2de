"""Dates, times and numbers as a KIM member reads them: Babel's id/en locale data, WIB.

Every instant on a page is shown in the page's zone (the KIM's, WIB by
default) with the zone's Indonesian abbreviation, so "09.00 WIB" means the
same to a member in Malang and to Kominfo staff.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal, format_percent

from scheduler.domain.timezones import get_zone

ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


class Formatter:
    """Bound to one page's language and zone; templates call it as ``fmt``."""

    def __init__(self, lang: str, zone: str) -> None:
        self.lang = lang
        self.locale = "id" if lang != "en" else "en"
        self.zone = zone
        self.tz = get_zone(zone)
        self.zone_name = ZONE_NAMES.get(zone, zone)

    def local(self, value: datetime | None) -> datetime | None:
        return value.astimezone(self.tz) if value is not None else None

    def dt(self, value: datetime | None, pattern: str = "EEE d MMM y, HH.mm") -> str:
        """``Sen 1 Des 2026, 09.00 WIB``."""
        if value is None:
            return "—"
        pattern = pattern if self.locale == "id" else pattern.replace("HH.mm", "HH:mm")
        return f"{format_datetime(value, pattern, tzinfo=self.tz, locale=self.locale)} {self.zone_name}"

    def time(self, value: datetime | None) -> str:
        if value is None:
            return "—"
        pattern = "HH.mm" if self.locale == "id" else "HH:mm"
        return format_time(value.astimezone(self.tz), pattern, locale=self.locale)

    def day(self, value: date | datetime | None, pattern: str = "EEEE, d MMMM y") -> str:
        if value is None:
            return "—"
        if isinstance(value, datetime):
            value = value.astimezone(self.tz).date()
        return format_date(value, pattern, locale=self.locale)

    def month(self, value: date) -> str:
        return format_date(value, "MMMM y", locale=self.locale)

    def weekday_short(self, value: date) -> str:
        return format_date(value, "EEE", locale=self.locale)

    def iso_local(self, value: datetime | None) -> str:
        """For ``<time datetime=...>`` and ``datetime-local`` inputs."""
        return value.astimezone(self.tz).isoformat(timespec="minutes") if value else ""

    def num(self, value: int | float | None) -> str:
        if value is None:
            return "—"
        return format_decimal(value, locale=self.locale)

    def pct(self, value: float | None) -> str:
        if value is None:
            return "—"
        return format_percent(value, "#,##0.0%", locale=self.locale)

    def size(self, n: int) -> str:
        if n >= 1024 * 1024:
            return f"{format_decimal(round(n / 1024 / 1024, 1), locale=self.locale)} MB"
        return f"{format_decimal(round(n / 1024), locale=self.locale)} KB"
