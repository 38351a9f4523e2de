"""What ``siar demo`` tells the person watching: posts published or stuck, engagement arriving.

Reads the database only (the same tables ``siar status`` reads); every
line is about a target that changed since the demo started.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from scheduler.domain.timezones import get_zone
from scheduler.store.tables import post_targets as T
from scheduler.store.tables import social_accounts as A

NAMES = {"x": "X", "facebook": "Facebook", "instagram": "Instagram"}
PROBLEM_STATES = ("failed", "needs_reconnect", "unknown", "retry_wait")


class Watch:
    """Remembers what it already reported; :meth:`poll` returns new lines."""

    def __init__(self, engine: sa.Engine, since: datetime, zone: str = "Asia/Jakarta") -> None:
        self.engine, self.since, self.zone = engine, since, get_zone(zone)
        self.published: set[int] = set()
        self.problems: set[tuple[int, str]] = set()
        self.measured: set[int] = set()

    def poll(self) -> list[str]:
        """Lines about targets published, in trouble, or with their first engagement figures."""
        query = (
            sa.select(
                T.c.id,
                T.c.post_id,
                T.c.state,
                T.c.published_at,
                T.c.permalink,
                T.c.last_error_message,
                T.c.likes,
                T.c.views,
                T.c.comments,
                T.c.metrics_captured_at,
                A.c.platform,
                A.c.handle,
            )
            .join(A, A.c.id == T.c.account_id)
            .where(sa.or_(T.c.published_at >= self.since, T.c.scheduled_at >= self.since))
            .order_by(T.c.id)
        )
        lines: list[str] = []
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        for row in rows:
            where = f"{NAMES.get(row.platform, row.platform)} @{row.handle}"
            if row.state == "published" and row.id not in self.published:
                self.published.add(row.id)
                when = row.published_at.astimezone(self.zone).strftime("%H:%M:%S WIB")
                link = f" {row.permalink}" if row.permalink else ""
                lines.append(f"terbit / published: unggahan #{row.post_id} di {where} pukul {when}{link}")
            elif row.state in PROBLEM_STATES and (row.id, row.state) not in self.problems:
                self.problems.add((row.id, row.state))
                why = f": {row.last_error_message}" if row.last_error_message else ""
                lines.append(f"perhatian / attention: unggahan #{row.post_id} di {where} berstatus {row.state}{why}")
            if row.metrics_captured_at is not None and row.id not in self.measured:
                self.measured.add(row.id)
                lines.append(
                    f"keterlibatan / engagement: unggahan #{row.post_id} di {where}: "
                    f"{_count(row.likes)} suka, {_count(row.comments)} komentar, "
                    f"{_count(row.views)} tayang"
                )
        return lines


def _count(value: int | None) -> str:
    """A figure the platform did not give (Facebook and Instagram views) is "-", never 0."""
    return "-" if value is None else str(value)
