"""The users page: every user for staff, a KIM admin's own members; add, deactivate, reactivate."""

from __future__ import annotations

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from scheduler.services.people import users as user_service
from scheduler.services.read import people as views_people
from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork
from scheduler.web.pages.rendering import Page, PageDep, PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _uow(page: Page) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(page.ctx.session_factory)


@router.get("/users")
def users_page(page: PageDep) -> Response:
    """Staff: every user; a KIM admin: their members. Add, deactivate, reactivate."""
    rows = views_people.list_users(page.engine, page.actor)
    kims = views_people.kim_registry(page.engine, page.actor) if page.is_staff else []
    return render(page, "users.html", rows=rows, kims=kims)


@router.post("/users")
def add_user(
    page: PageDep,
    email: str = Form(max_length=254),
    name: str = Form(max_length=200),
    role: str = Form(max_length=20),
    password: str = Form(max_length=1024),
    kim: str = Form(default="", max_length=100),
    language: str = Form(default="id", max_length=2),
) -> Response:
    """Create a user (a KIM admin can only add to their own KIM)."""
    kim_slug = kim or None
    kim_id = page.actor.kim_id if page.actor.is_kim_bound else None
    user_service.add_user(
        _uow(page),
        page.actor,
        email=email,
        role=role,
        password=password,
        now=page.now,
        name=name,
        kim_id=kim_id,
        kim_slug=None if kim_id else kim_slug,
        language=language,
    )
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{user_id}/active")
def set_active(user_id: int, page: PageDep, active: str = Form(max_length=5)) -> Response:
    user_service.set_user_active(_uow(page), page.actor, user_id, active=active == "true", now=page.now)
    return RedirectResponse("/users", status_code=303)
