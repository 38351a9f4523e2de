"""The FastAPI application: ``create_app(settings=None)``.

JSON API under ``/api/v1``, its OpenAPI document at ``/api/openapi.json``,
sign-in under ``/auth``, interactive docs at ``/api/docs`` with Swagger UI
served by Siar itself (``api_docs.py``: no CDN, Siar may run on an intranet).
Every answer carries the security headers (``security_headers.py``) and
every GET also answers HEAD (``head_requests.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI
from starlette.types import ASGIApp

from config.settings import Settings, get_settings
from scheduler.store.db import make_engine, make_session_factory
from scheduler.web import errors
from scheduler.web.deps import WebContext, utc_now
from scheduler.web.head_requests import HeadAsGetMiddleware
from scheduler.web.limits import BodyLimitMiddleware
from scheduler.web.security_headers import SecurityHeadersMiddleware

log = logging.getLogger("siar.web")


def _default_connectors(settings: Settings) -> Callable[[str], Any]:
    from scheduler.services.wiring import connector_lookup  # the real connectors, configured timeouts

    return connector_lookup(settings)


class SiarApp(FastAPI):
    """FastAPI with two layers outside Starlette's own middleware stack.

    ``app.add_middleware`` puts a middleware inside Starlette's error
    handler, so a 500 would leave without the security headers; these wrap
    everything, errors included.
    """

    def build_middleware_stack(self) -> ASGIApp:
        production = self.state.siar.settings.is_production
        return SecurityHeadersMiddleware(HeadAsGetMiddleware(super().build_middleware_stack()), production=production)


def create_app(
    settings: Settings | None = None,
    *,
    engine: sa.Engine | None = None,
    clock: Callable[[], Any] | None = None,
    connector_for: Callable[[str], Any] | None = None,
) -> FastAPI:
    """Build the app; ``engine``, ``clock`` and ``connector_for`` are for tests."""
    from scheduler.web import api_docs, auth
    from scheduler.web.api import api_router

    settings = settings or get_settings()
    settings.ensure_dirs()
    settings.secret_keys()  # production without a real key refuses to start here
    engine = engine or make_engine(settings.db_url)
    app = SiarApp(
        title="Siar API",
        version="1",
        description="Penjadwal unggahan media sosial KIM Kota Malang / "
        "social-media scheduler for the KIM of Kota Malang.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.siar = WebContext(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        clock=clock or utc_now,
        connector_for=connector_for,
    )
    if connector_for is None:
        app.state.siar.connector_for = _default_connectors(settings)
    errors.install(app)
    app.add_middleware(BodyLimitMiddleware)
    app.include_router(auth.router)
    app.include_router(api_router)
    api_docs.install(app)
    from scheduler.web.pages import install as install_pages  # HTML pages and /static (issue 8)

    install_pages(app)
    return app
