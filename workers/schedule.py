"""The beat schedule: short, frequent ticks; the database decides what is due.

Every entry carries ``expires``: if no worker takes a tick in time it is
dropped, not piled up, because the next tick does the same work anyway.

Beat's own liveness ("last beat tick" in ``siar status``) is recorded by
:class:`workers.beat.SiarScheduler` on every tick, straight into the
``heartbeats`` table; workers record theirs from a thread started by a
worker signal (:mod:`workers.signals`).
"""

from __future__ import annotations

from typing import Any

#: Seconds between ticks.
DISPATCH_EVERY = 1.0
SWEEP_EVERY = 10.0
RECONCILE_EVERY = 30.0
RECURRENCE_EVERY = 600.0
ENGAGEMENT_EVERY = 60.0


def _tick(task: str, every: float, queue: str, expires: float) -> dict[str, Any]:
    """One beat entry: ``task`` on ``queue`` every ``every`` seconds, dropped after ``expires``."""
    return {"task": task, "schedule": every, "options": {"queue": queue, "expires": expires}}


def beat_schedule() -> dict[str, dict[str, Any]]:
    """The ``beat_schedule`` setting."""
    return {
        "dispatch": _tick("siar.dispatch", DISPATCH_EVERY, "dispatch", 5 * DISPATCH_EVERY),
        "sweep": _tick("siar.sweep", SWEEP_EVERY, "dispatch", SWEEP_EVERY),
        "reconcile": _tick("siar.reconcile", RECONCILE_EVERY, "dispatch", RECONCILE_EVERY),
        "recurrence": _tick("siar.recurrence.extend", RECURRENCE_EVERY, "dispatch", RECURRENCE_EVERY),
        "engagement": _tick("siar.engagement.refresh", ENGAGEMENT_EVERY, "engagement", ENGAGEMENT_EVERY),
    }
