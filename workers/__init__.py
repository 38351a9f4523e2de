"""Celery workers: ``celery -A workers worker`` finds :data:`app` here.

Owns: the Celery app, thin tasks that call :mod:`scheduler.services.publishing` and
:mod:`scheduler.services.engagement`, the beat schedule, heartbeats and the brokers (the atomic
file broker, the Redis transport). May import: ``config``, the services and the store's engine;
never the web, the CLI or the demo.
"""

from workers.app import app

__all__ = ["app"]
