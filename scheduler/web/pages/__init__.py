"""The HTML interface for KIM members, admins and Kominfo staff (issue 8).

Server-rendered pages (Jinja2, ``scheduler/web/templates``), Bahasa Indonesia
first with an English switch (gettext catalogues in ``scheduler/web/locale``),
times in the KIM's zone (WIB), own CSS and small vanilla JS from
``scheduler/web/static``; nothing is loaded from another host. Pages read
through the services' read models (``scheduler/services/read/``) and act
through the JSON API with the session cookie and the CSRF header.

Owns: one router per page group (``home``, ``posts``, ``schedule``, ``accounts``, ``engagement``,
``users``, ``kims``), the charts (``charts``), and the page plumbing: ``rendering`` (templates,
the signed-in page context), ``formatting`` (times and numbers in the KIM's zone and language)
and ``assets`` (static files with content-hashed URLs).

May import: :mod:`scheduler.services.read` (the read models), the services for the forms'
choices, the domain, :mod:`scheduler.web` (deps, errors, dates, i18n), of the store only the
unit of work, and FastAPI. No SQL here.

``install(app)`` mounts the static files and every page router.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from scheduler.web.pages.assets import IMMUTABLE, STATIC_DIR


class CachedStatic(StaticFiles):
    """Static files with a long cache lifetime: their URLs carry a content hash (``static_url``)."""

    async def get_response(self, path, scope):  # type: ignore[no-untyped-def]
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = IMMUTABLE
        return response


def install(app: FastAPI) -> None:
    """Mount ``/static``, the charts' stylesheet and the page routers on ``app``."""
    from scheduler.web.pages import accounts, charts, engagement, home, kims, posts, schedule, users

    app.mount("/static", CachedStatic(directory=str(STATIC_DIR)), name="static")
    for module in (home, posts, schedule, accounts, engagement, users, kims, charts):
        app.include_router(module.router)
