"""Jinja2 rendering for the HTML pages, the page context, and HTML error pages.

Every page handler takes ``PageDep`` (who is signed in, their KIM, language,
zone, CSRF token) and returns ``render(page, "name.html", **values)``.
Templates call ``_()`` / ``ngettext()`` from the gettext catalogues
(``scheduler/web/i18n.py``); no user-facing text is hard-coded in Python
here beyond what the services already give in both languages.

Errors raised while a page is built become pages, not JSON: not signed in
-> redirect to the sign-in page; another KIM's object -> 404 page; a missing
permission -> 403 page; bad input -> 400 page with the service's message.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape

from scheduler.domain.errors import Conflict, DomainError, IllegalTransition, NotAllowed, NotFound
from scheduler.domain.model import DEFAULT_TIMEZONE, Kim, Role, User
from scheduler.services.people import users as user_service
from scheduler.services.people.actors import Actor
from scheduler.services.registry import kims as kim_service
from scheduler.services.signin import sessions
from scheduler.web.deps import ActorDep, ContextDep, UowDep
from scheduler.web.errors import Unauthenticated
from scheduler.web.i18n import page_language, translations
from scheduler.web.pages import charts, formatting
from scheduler.web.pages.assets import static_url

log = logging.getLogger("siar.web.pages")
WEB_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = WEB_DIR / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.globals["static"] = static_url
    env.globals["charts_css"] = charts.stylesheet_url
    return env


@dataclass
class Page:
    """What every page knows: the request, who is signed in, where, in which language and zone."""

    request: Request
    actor: Actor
    user: User | None
    kim: Kim | None
    lang: str
    zone: str
    csrf_token: str
    ctx: Any
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def role(self) -> str:
        return str(self.actor.role)

    @property
    def is_staff(self) -> bool:
        return self.actor.role in (Role.STAFF, Role.SUPERADMIN)

    @property
    def can_write(self) -> bool:
        return self.actor.role in (Role.MEMBER, Role.ADMIN, Role.SUPERADMIN) and self.actor.kim_id is not None

    @property
    def can_review(self) -> bool:
        return self.actor.role in (Role.ADMIN, Role.SUPERADMIN)

    @property
    def now(self) -> Any:
        return self.ctx.clock()

    @property
    def settings(self) -> Any:
        return self.ctx.settings

    @property
    def engine(self) -> Any:
        return self.ctx.engine


def _page_language(request: Request) -> str:
    return page_language(request)


async def get_page(request: Request, actor: ActorDep, uow: UowDep, ctx: ContextDep) -> Page:
    """The signed-in user's page context (ActorDep has already checked the session)."""
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

    user = user_service.get_user(uow, actor, user_id=actor.user_id) if actor.user_id else None
    kim = None
    if actor.kim_id is not None:
        kim = kim_service.get_kim(SqlAlchemyUnitOfWork(ctx.session_factory), actor, kim_id=actor.kim_id)
    session_id = getattr(request.state, "session_id", None)
    csrf = sessions.csrf_token_for(session_id) if session_id else ""
    zone = kim.timezone if kim else (ctx.settings.timezone or DEFAULT_TIMEZONE)
    page = Page(request, actor, user, kim, _page_language(request), zone, csrf, ctx)
    request.state.page = page
    return page


PageDep = Annotated[Page, Depends(get_page)]


def base_values(request: Request, lang: str, page: Page | None) -> dict[str, Any]:
    t = translations(lang)
    fmt = formatting.Formatter(lang, page.zone if page else DEFAULT_TIMEZONE)

    def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
        # Like Jinja's i18n extension (newstyle): the count fills %(num)d.
        return t.ngettext(singular, plural, n) % {"num": n, **values}

    return {
        "_": t.gettext,
        "gettext": t.gettext,
        "ngettext": ngettext,
        "lang": lang,
        "page": page,
        "fmt": fmt,
        "request": request,
        "path": request.url.path,
        "full_path": _full_path(request),
    }


def _full_path(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def render(page: Page, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """Render ``template`` with the page context and ``values``."""
    context = base_values(page.request, page.lang, page)
    context.update(values)
    html = environment().get_template(template).render(context)
    return HTMLResponse(
        html, status_code=status_code, headers={"Cache-Control": "no-store", "Content-Language": page.lang}
    )


def error_page(request: Request, status: int, message: str | None, code: str | None = None) -> HTMLResponse:
    page: Page | None = getattr(request.state, "page", None)
    lang = page.lang if page else page_language(request)
    context = base_values(request, lang, page)
    context.update(status=status, message=message, code=code)
    html = environment().get_template("error.html").render(context)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


_STATUS = [(NotFound, 404), (NotAllowed, 403), (IllegalTransition, 409), (Conflict, 409)]


class PageRoute(APIRoute):
    """An APIRoute whose errors are HTML pages (see module docstring)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except Unauthenticated:
                target = quote(_full_path(request), safe="/?=&")
                return RedirectResponse(f"/login?next={target}", status_code=303)
            except DomainError as error:
                lang = page_language(request)
                status = next((s for cls, s in _STATUS if isinstance(error, cls)), 400)
                return error_page(request, status, error.message(lang), error.code)
            except RequestValidationError:
                return error_page(request, 400, None, "invalid_input")
            except Exception:
                error_id = uuid.uuid4().hex[:12]
                log.exception("page error %s on %s %s", error_id, request.method, request.url.path)
                return error_page(request, 500, None, error_id)

        return route
