"""System (actor-less) audit events written on a pipeline connection.

People's actions are audited through the unit of work
(:mod:`scheduler.services.audit.trail`); the publishing pipeline records what
happened to a target or an account on its own connection, inside the
transaction that made the change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from scheduler.store.tables import audit_events


def add_audit(
    conn: sa.Connection,
    now: datetime,
    action: str,
    *,
    kim_id: int | None = None,
    post_id: int | None = None,
    target_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """A system (actor-less) audit event. ``detail`` holds ids and codes only, never secrets."""
    conn.execute(
        sa.insert(audit_events).values(
            at=now,
            action=action,
            actor_id=None,
            kim_id=kim_id,
            post_id=post_id,
            target_id=target_id,
            detail=dict(detail or {}),
        )
    )
