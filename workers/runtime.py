"""The pipeline of this worker process, built on first use.

Prefork children inherit the parent's memory; a database connection pool
shared across a fork corrupts both sides, so each child drops the inherited
pool (``worker_process_init``, :mod:`workers.signals`) and opens its own.
"""
from __future__ import annotations

import threading

from scheduler.services.pipeline import Pipeline, build_pipeline

_lock = threading.Lock()
_pipeline: Pipeline | None = None
_session_factory = None


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


def new_uow():  # -> SqlAlchemyUnitOfWork
    """A unit of work on this process's engine (for services that use repositories)."""
    from scheduler.store.db import make_session_factory
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

    global _session_factory
    if _session_factory is None:
        _session_factory = make_session_factory(pipeline().engine)
    return SqlAlchemyUnitOfWork(_session_factory)
