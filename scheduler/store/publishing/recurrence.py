"""Recurrence's query: the approved recurring posts whose targets must be extended."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from scheduler.domain.model import ReviewState, ScheduleKind
from scheduler.store.tables import posts


def recurring_to_extend(conn: sa.Connection, before: datetime, limit: int) -> list[int]:
    """Approved recurring posts whose targets stop before ``before`` (uses ix_posts_recurring)."""
    rows = conn.execute(
        sa.select(posts.c.id)
        .where(
            posts.c.schedule_kind == ScheduleKind.RECURRING,
            posts.c.review_state == ReviewState.APPROVED,
            sa.or_(posts.c.expanded_until.is_(None), posts.c.expanded_until < before),
            sa.or_(
                posts.c.recurrence_until.is_(None),
                posts.c.expanded_until.is_(None),
                posts.c.recurrence_until > posts.c.expanded_until,
            ),
        )
        .order_by(posts.c.expanded_until, posts.c.id)
        .limit(limit)
    ).all()
    return [r.id for r in rows]
