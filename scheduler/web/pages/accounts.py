"""A KIM's social accounts (connect, check, slots, pacing, reconnect) and the CSV import page."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from scheduler.domain.errors import InvalidInput
from scheduler.domain.pacing import pacing_for
from scheduler.services.accounts import credentials as account_credentials
from scheduler.services.accounts import manage as account_service
from scheduler.services.accounts import platform_check as account_checks
from scheduler.services.people.authz import Cap, authorize
from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork
from scheduler.web.pages.rendering import Page, PageDep, PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _uow(page: Page) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(page.ctx.session_factory)


def _kim_of(page: Page) -> int:
    authorize(page.actor, Cap.READ_KIM, page.actor.kim_id)
    if page.actor.kim_id is None:
        raise InvalidInput("kim_required", "Halaman ini untuk akun sebuah KIM.", "This page is for a KIM's accounts.")
    return page.actor.kim_id


@router.get("/accounts")
def accounts_page(page: PageDep) -> Response:
    """Every account with its state, slots and pacing; admins can connect, check and change them."""
    kim_id = _kim_of(page)
    items = account_service.list_accounts(_uow(page), page.actor, kim_id)
    pacing = {a.id: pacing_for(a) for a in items}
    return render(page, "accounts.html", accounts=items, pacing=pacing, sandbox_ready=bool(page.settings.sandbox_url))


@router.post("/accounts/{account_id}/reconnect")
def reconnect(
    account_id: int,
    page: PageDep,
    credentials: str = Form(default="", max_length=20_000),
    sandbox: str | None = Form(default=None),
) -> Response:
    """Store fresh credentials (or new sandbox credentials) and reactivate the account.

    The credentials are checked like on connecting (known keys only, no address): a
    refusal stores nothing.
    """
    account = account_service.get_account(_uow(page), page.actor, account_id)
    authorize(page.actor, Cap.MANAGE_ACCOUNTS, account.kim_id, what="account")
    data: dict[str, Any]
    if sandbox:
        if not account.sandbox:
            raise InvalidInput(
                "not_a_sandbox_account",
                "Akun ini bukan akun latihan (sandbox).",
                "This account is not a training (sandbox) account.",
                field="sandbox",
            )
        data = account_checks.create_sandbox_credentials(
            page.settings.sandbox_url, str(account.platform), account.handle
        )
    else:
        try:
            parsed: Any = json.loads(credentials)
        except ValueError:
            parsed = None
        account_credentials.require_object(parsed)  # JSON gives a Mapping only as a dict
        data = parsed
    account_service.reconnect(_uow(page), page.actor, account_id, credentials=data, now=page.now)
    return RedirectResponse(f"/accounts#account-{account_id}", status_code=303)


@router.get("/import")
def import_page(page: PageDep) -> Response:
    """Upload a CSV of posts: check it first (dry run), then import every row or none."""
    authorize(page.actor, Cap.MANAGE_POSTS, page.actor.kim_id)
    return render(page, "import.html")
