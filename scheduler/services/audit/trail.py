"""The audit trail: one AuditEvent for every change a service makes.

Events are written in the same unit of work as the change, so a refused or
failed call leaves no event either. ``detail`` holds ids, states and field
names only: never passwords, tokens, credentials or their hashes
(:func:`record` drops keys that look like secrets as a second line of defence).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scheduler.domain.model import AuditEvent
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.people.actors import Actor

_SECRET_WORDS = ("password", "secret", "token", "credential", "hash", "cookie", "session")


def _clean(detail: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in detail.items():
        if any(word in key.lower() for word in _SECRET_WORDS):
            continue
        if isinstance(value, dict):
            value = _clean(value)
        elif isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, (list, tuple)):
            value = [v.isoformat() if isinstance(v, datetime) else v for v in value]
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            value = str(value)
        out[key] = value
    return out


def record(
    uow: AbstractUnitOfWork,
    actor: Actor | None,
    action: str,
    now: datetime,
    *,
    kim_id: int | None = None,
    post_id: int | None = None,
    target_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Stage an audit event (committed with the change it describes)."""
    event = AuditEvent(
        at=now,
        action=action,
        actor_id=actor.user_id if actor else None,
        kim_id=kim_id,
        post_id=post_id,
        target_id=target_id,
        detail=_clean(detail),
    )
    return uow.audit.add(event)
