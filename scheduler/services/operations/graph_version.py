"""Does the configured Facebook Graph API version still work, and for how long?

Meta stops serving each version on a published day (the table in
``connectors/graph_versions.py``). ``siar status`` and ``/api/v1/health`` show
this notice: from ``WARN_DAYS`` before that day it is a **warning** (time to
move ``SIAR_FACEBOOK_GRAPH_VERSION`` on, nothing is broken yet, so it does not
fail ``siar status --check``); from that day on it is an **alert**: Facebook
refuses every call, nothing reaches the Pages. A version newer than the table
has no known end: a warning, so the operator checks Meta's changelog (or
updates Siar). The clock is an argument, like everywhere in the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from connectors import graph_versions

WARN_DAYS = 60
Level = Literal["ok", "ending", "ended", "unknown"]


@dataclass(frozen=True)
class GraphVersionNotice:
    """The configured version, its end and, when it needs attention, what to do (both languages)."""

    version: str
    level: Level
    ends_on: date | None = None
    days_left: int | None = None
    message_id: str | None = None
    message_en: str | None = None

    @property
    def alert(self) -> bool:
        """The version no longer works: nothing publishes to Facebook."""
        return self.level == "ended"

    @property
    def warning(self) -> bool:
        """It still works, but not for long (or Siar does not know until when)."""
        return self.level in ("ending", "unknown")

    @property
    def message(self) -> dict[str, str] | None:
        """``{"id": ..., "en": ...}`` when something needs doing, else None."""
        return {"id": self.message_id, "en": self.message_en} if self.message_id and self.message_en else None


def _id_day(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def notice(version: str, now: datetime, *, warn_days: int = WARN_DAYS) -> GraphVersionNotice:
    """The notice for ``version`` at ``now`` (the day is taken in UTC, as Meta's end dates are)."""
    today = now.astimezone(UTC).date()
    newest = graph_versions.newest()
    ends_on = graph_versions.ends_on(version)
    state = graph_versions.lifecycle(version, today)
    fix_id = f"ganti SIAR_FACEBOOK_GRAPH_VERSION ke versi yang lebih baru (terbaru: {newest})"
    fix_en = f"set SIAR_FACEBOOK_GRAPH_VERSION to a newer version (newest: {newest})"
    if state == "ended":
        since_id = f"sejak {_id_day(ends_on)}" if ends_on else "sejak lama"
        since_en = f"since {ends_on.isoformat()}" if ends_on else "long ago"
        return GraphVersionNotice(
            version,
            "ended",
            ends_on,
            (ends_on - today).days if ends_on else None,
            f"Versi Graph API Facebook {version} sudah berhenti dilayani {since_id}: tidak ada unggahan yang "
            f"sampai ke Facebook. Segera {fix_id}, lalu mulai ulang web dan worker.",
            f"Facebook Graph API {version} stopped working {since_en}: nothing reaches Facebook. "
            f"Now {fix_en}, then restart web and workers.",
        )
    if state == "unreleased":
        return GraphVersionNotice(
            version,
            "unknown",
            None,
            None,
            f"Siar tidak mengenal versi Graph API Facebook {version} (terbaru yang dikenal: {newest}), jadi "
            "tidak tahu kapan versi ini berakhir; periksa changelog Meta atau perbarui Siar.",
            f"Siar does not know Facebook Graph API {version} (newest known: {newest}), so it cannot tell "
            "when it ends; check Meta's changelog or update Siar.",
        )
    if ends_on is None:
        return GraphVersionNotice(version, "ok")
    days_left = (ends_on - today).days
    if days_left > warn_days:
        return GraphVersionNotice(version, "ok", ends_on, days_left)
    return GraphVersionNotice(
        version,
        "ending",
        ends_on,
        days_left,
        f"Versi Graph API Facebook {version} berhenti dilayani pada {_id_day(ends_on)} ({days_left} hari "
        f"lagi); {fix_id} sebelum tanggal itu.",
        f"Facebook Graph API {version} stops working on {ends_on.isoformat()} (in {days_left} days); "
        f"{fix_en} before then.",
    )
