"""Sign-in page, language switch, and the dashboard."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from scheduler.domain.errors import DomainError
from scheduler.services.read import dashboard as views_dashboard
from scheduler.services.read import engagement as views_engagement
from scheduler.web.errors import error_headers, status_of
from scheduler.web.i18n import LANG_COOKIE, SUPPORTED, page_language
from scheduler.web.pages.rendering import PageDep, PageRoute, base_values, environment, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def safe_next(value: str | None) -> str:
    """Only a path on this site (no open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def sign_in_form(
    request: Request, next: str | None, *, error: DomainError | None = None, email: str = ""
) -> HTMLResponse:
    """The sign-in page; with ``error`` (a refused form sign-in) its message, status and headers."""
    lang = page_language(request)
    context = base_values(request, lang, None)
    context.update(next=safe_next(next), email=email, error=error.message(lang) if error else None)
    html = environment().get_template("login.html").render(context)
    headers = {"Cache-Control": "no-store", **(error_headers(error) if error else {})}
    return HTMLResponse(html, status_code=status_of(error) if error else 200, headers=headers)


@router.get("/login")
def login_page(request: Request, next: str | None = Query(default=None, max_length=500)) -> Response:
    """The sign-in form; it posts to ``/auth/login`` (the API engineer's endpoint)."""
    return sign_in_form(request, next)


@router.get("/lang/{code}")
def switch_language(code: str, request: Request, next: str | None = Query(default=None, max_length=500)) -> Response:
    """Remember the chosen language in a cookie and go back to the page."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in SUPPORTED:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, path="/", samesite="lax", httponly=True)
    return response


@router.get("/")
def dashboard(page: PageDep, kim: str | None = Query(default=None, max_length=100)) -> Response:
    """What is due today, what failed and why, accounts to reconnect, recent engagement."""
    board = views_dashboard.dashboard(page.engine, page.actor, now=page.now, zone=page.zone, kim=kim or None)
    kims = views_engagement.filter_choices(page.engine, page.actor)["kim"] if page.is_staff else []
    return render(page, "dashboard.html", board=board, kims=kims, kim=kim or "")
