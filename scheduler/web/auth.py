"""Sign-in for the web: ``POST /auth/login`` (form or JSON), sign-out, sign-out everywhere.

The session id lives in an HttpOnly, SameSite=Lax cookie (Secure unless
``SIAR_SESSION_COOKIE_SECURE=false`` for plain-http development); its CSRF
token is in a second, script-readable cookie and in the login answer, and
must come back as ``X-CSRF-Token`` (or form field ``csrf_token``) on every
state-changing request authenticated by the cookie.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import Field, ValidationError

from scheduler.domain.errors import DomainError, NotAllowed
from scheduler.services.people import sessions
from scheduler.services.people.login_throttle import LoginThrottled
from scheduler.web.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    ActorDep,
    EngineDep,
    NowDep,
    SettingsDep,
    UowDep,
    refuse_cross_origin,
)
from scheduler.web.errors import BadRequest, Unauthenticated
from scheduler.web.pages.home import safe_next, sign_in_form
from scheduler.web.schemas import InputModel, OutputModel, error_responses

router = APIRouter(prefix="/auth", tags=["auth"], responses=error_responses(400, 401, 403, 422, 429))


class LoginIn(InputModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)
    next: str | None = Field(default=None, max_length=500)


class UserOut(OutputModel):
    id: int
    email: str
    name: str
    role: str
    kim_id: int | None
    language: str


class LoginOut(OutputModel):
    user: UserOut
    csrf_token: str
    expires_at: datetime


async def _login_input(request: Request) -> tuple[LoginIn, bool]:
    content_type = request.headers.get("content-type", "")
    is_form = content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
    raw: Any
    if is_form:
        form = await request.form()
        raw = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    else:
        try:
            raw = json.loads(await request.body() or b"null")
        except ValueError:
            raise BadRequest(
                "malformed_json", "Isi permintaan bukan JSON yang sah.", "The request body is not valid JSON."
            ) from None
    try:
        return LoginIn.model_validate(raw), is_form
    except ValidationError as error:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in error.errors()]) from None


@router.post(
    "/login",
    response_model=LoginOut,
    responses={
        303: {"description": "Form sign-in: redirect to `next`"},
        **{
            status: {
                **entry,
                "content": {"text/html": {"schema": {"type": "string"}}},
                "description": f"{entry['description']}; a form sign-in gets the sign-in page "
                "again (HTML) with the message",
            }
            for status, entry in error_responses(401, 429).items()
        },
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": LoginIn.model_json_schema()},
                "application/x-www-form-urlencoded": {"schema": LoginIn.model_json_schema()},
            },
        }
    },
)
async def login(request: Request, uow: UowDep, engine: EngineDep, now: NowDep, settings: SettingsDep) -> Response:
    """Check e-mail and password (argon2), open a session, set the cookies.

    A sign-in posted from another site is refused (login CSRF: signing the
    victim into the attacker's account). A wrong e-mail or password is a 401
    (no valid credentials, like a bad API token); too many of them a 429. A
    form sign-in that fails shows the sign-in page again with the message,
    under the same status.
    """
    refuse_cross_origin(request)
    data, is_form = await _login_input(request)
    client = request.client.host if request.client else "unknown"
    try:
        issued = sessions.sign_in(uow, engine, email=data.email, password=data.password, client=client, now=now)
    except (NotAllowed, LoginThrottled) as error:
        failure: DomainError = error
        if isinstance(error, NotAllowed):  # bad_credentials
            failure = Unauthenticated(error.code, error.message_id, error.message_en)
        if is_form:
            return sign_in_form(request, data.next, error=failure, email=data.email)
        raise failure from None
    user = issued.user
    body = LoginOut(user=UserOut.model_validate(user), csrf_token=issued.csrf_token, expires_at=issued.expires_at)
    response: Response
    if is_form:
        response = RedirectResponse(safe_next(data.next), status_code=303)
    else:
        response = JSONResponse(body.model_dump(mode="json"))
    max_age = int(sessions.ABSOLUTE_LIFETIME.total_seconds())
    # The CSRF cookie is readable by the page's own scripts (double-submit); useless to another site.
    for name, value, httponly in ((SESSION_COOKIE, issued.session_id, True), (CSRF_COOKIE, issued.csrf_token, False)):
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/",
            secure=settings.session_cookie_secure,
            httponly=httponly,
            samesite="lax",
        )
    return response


def _clear(response: Response, settings: Any) -> None:
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(
            name, path="/", secure=settings.session_cookie_secure, httponly=name == SESSION_COOKIE, samesite="lax"
        )


@router.post("/logout", status_code=204)
def logout(request: Request, actor: ActorDep, engine: EngineDep, now: NowDep, settings: SettingsDep) -> Response:
    """End this browser's session (with a bearer token there is none: nothing happens)."""
    session_id = getattr(request.state, "session_id", None)
    if session_id:
        sessions.sign_out(engine, session_id, now=now)
    response = Response(status_code=204)
    _clear(response, settings)
    return response


class LogoutAllOut(OutputModel):
    revoked_sessions: int


@router.post("/logout-all", response_model=LogoutAllOut)
def logout_everywhere(actor: ActorDep, engine: EngineDep, now: NowDep, settings: SettingsDep) -> Response:
    """End every session of the signed-in user, on every device."""
    count = sessions.sign_out_everywhere(engine, actor.user_id or 0, now=now)
    response = JSONResponse({"revoked_sessions": count})
    _clear(response, settings)
    return response
