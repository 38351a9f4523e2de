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


def beat_schedule() -> dict[str, dict[str, Any]]:
    """The ``beat_schedule`` setting."""
    return {
        "dispatch": {
            "task": "siar.dispatch",
            "schedule": DISPATCH_EVERY,
            "options": {"queue": "dispatch", "expires": 5 * DISPATCH_EVERY},
        },
        "sweep": {
            "task": "siar.sweep",
            "schedule": SWEEP_EVERY,
            "options": {"queue": "dispatch", "expires": SWEEP_EVERY},
        },
        "reconcile": {
            "task": "siar.reconcile",
            "schedule": RECONCILE_EVERY,
            "options": {"queue": "dispatch", "expires": RECONCILE_EVERY},
        },
        "recurrence": {
            "task": "siar.recurrence.extend",
            "schedule": RECURRENCE_EVERY,
            "options": {"queue": "dispatch", "expires": RECURRENCE_EVERY},
        },
        "engagement": {
            "task": "siar.engagement.refresh",
            "schedule": ENGAGEMENT_EVERY,
            "options": {"queue": "engagement", "expires": ENGAGEMENT_EVERY},
        },
    }
