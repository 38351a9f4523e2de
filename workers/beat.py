"""Beat's scheduler: Celery's own, plus a heartbeat on every tick.

Recording the heartbeat from ``tick()`` (not from a side thread) means
"last beat tick" in ``siar status`` is the last time beat really looked at
its schedule, not merely that its process exists.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Any

from celery.beat import PersistentScheduler

from scheduler.services.publishing import liveness
from scheduler.services.wiring import utc_now
from workers import runtime

log = logging.getLogger(__name__)

#: At most one heartbeat write per this many seconds.
HEARTBEAT_EVERY = 1.0


class SiarScheduler(PersistentScheduler):  # type: ignore[misc]  # celery has no types
    """PersistentScheduler that records ``beat@<host>`` in ``heartbeats``."""

    _last_heartbeat = 0.0

    def tick(self, *args: Any, **kwargs: Any) -> float:
        delay: float = super().tick(*args, **kwargs)
        if time.monotonic() - self._last_heartbeat >= HEARTBEAT_EVERY:
            self._last_heartbeat = time.monotonic()
            try:
                liveness.record(
                    runtime.pipeline().engine,
                    f"beat@{socket.gethostname()}",
                    liveness.BEAT,
                    utc_now(),
                    pid=os.getpid(),
                )
            except Exception:
                log.warning("beat heartbeat not recorded", exc_info=True)
        # Tick at least every second, so the heartbeat stays fresh between entries.
        return min(delay, HEARTBEAT_EVERY)
