"""The pipeline of this worker process, built on first use.

Prefork children inherit the parent's memory; a database connection pool
shared across a fork corrupts both sides, so each child drops the inherited
pool (``worker_process_init``, :mod:`workers.signals`) and opens its own.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from scheduler.services.wiring import Pipeline, build_pipeline

if TYPE_CHECKING:
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

log = logging.getLogger(__name__)
_lock = threading.Lock()
_pipeline: Pipeline | None = None
_session_factory: sessionmaker[Session] | None = None


def pipeline() -> Pipeline:
    """This process's pipeline (configured from the settings)."""
    global _pipeline
    if _pipeline is None:
        with _lock:
            if _pipeline is None:
                _pipeline = build_pipeline()
    return _pipeline


def after_fork() -> None:
    """Forget connections inherited from the parent without closing them under its feet."""
    if _pipeline is not None:
        _pipeline.engine.dispose(close=False)


def preload() -> None:
    """Build the pipeline (imports the platform libraries) before the pool forks.

    Prefork children then share those modules instead of each importing
    tweepy, facebook-sdk and instagrapi on its first task, which on two cores
    delayed the first second of a burst by several seconds.
    """
    pipeline()


def warm_up() -> None:
    """Open this process's first database connection before the first task needs it."""
    try:
        with pipeline().engine.connect():
            pass
    except Exception:
        log.warning("could not open a database connection at start-up", exc_info=True)


def new_uow() -> SqlAlchemyUnitOfWork:
    """A unit of work on this process's engine (for services that use repositories)."""
    from scheduler.store.db import make_session_factory
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

    global _session_factory
    if _session_factory is None:
        _session_factory = make_session_factory(pipeline().engine)
    return SqlAlchemyUnitOfWork(_session_factory)
