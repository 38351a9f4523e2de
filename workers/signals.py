"""Worker lifecycle hooks: preloading, a fresh pool after fork, and the worker heartbeat.

Before the pool starts, the main process builds the pipeline (and so imports
the platform libraries once, for every prefork child to share); each child
then drops the inherited connection pool and opens its own connection.

The heartbeat is a daemon thread in the worker's main process, started when
the worker is ready to take messages and stopped (its row deleted) when it
shuts down cleanly; a killed worker's row simply stops being refreshed and
``siar status`` reports it dead after ``worker_ttl_seconds``.
"""

from __future__ import annotations

import logging
import threading

from celery.signals import (
    after_setup_logger,
    worker_init,
    worker_process_init,
    worker_ready,
    worker_shutdown,
)

from scheduler.services.publishing import liveness
from scheduler.services.wiring import utc_now
from workers import runtime

log = logging.getLogger(__name__)

#: Seconds between heartbeats (well below PipelineConfig.worker_ttl_seconds).
HEARTBEAT_EVERY = 5.0


class HeartbeatThread(threading.Thread):
    """Refreshes one heartbeat row until stopped."""

    def __init__(self, name: str, kind: str = liveness.WORKER, every: float = HEARTBEAT_EVERY):
        super().__init__(name=f"siar-heartbeat-{kind}", daemon=True)
        self.beat_name, self.kind, self.every = name, kind, every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                liveness.record(runtime.pipeline().engine, self.beat_name, self.kind, utc_now())
            except Exception:
                log.warning("heartbeat %s not recorded", self.beat_name, exc_info=True)
            self.stopped.wait(self.every)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=self.every + 1)
        try:
            liveness.forget(runtime.pipeline().engine, self.beat_name)
        except Exception:
            log.warning("heartbeat %s not removed", self.beat_name, exc_info=True)


_heartbeat: HeartbeatThread | None = None

#: Celery's per-task "received"/"succeeded" lines: two a second from the
#: dispatch tick alone. Failures are logged at ERROR and stay visible; the
#: services log what matters (claims, outcomes) themselves.
_CHATTY_LOGGERS = ("celery.app.trace", "celery.worker.strategy")


@after_setup_logger.connect
def _quiet_task_chatter(**_: object) -> None:
    for name in _CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


@worker_init.connect
def _preload(**_: object) -> None:
    runtime.preload()


@worker_process_init.connect
def _fresh_pool_in_child(**_: object) -> None:
    runtime.after_fork()
    runtime.warm_up()


@worker_ready.connect
def _start_heartbeat(sender: object = None, **_: object) -> None:
    global _heartbeat
    name = str(getattr(sender, "hostname", None) or "worker")
    _heartbeat = HeartbeatThread(name)
    _heartbeat.start()


@worker_shutdown.connect
def _stop_heartbeat(**_: object) -> None:
    if _heartbeat is not None:
        _heartbeat.stop()
