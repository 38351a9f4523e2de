"""FastAPI dependencies, as ``Annotated`` aliases (full-stack-fastapi-template style).

``ActorDep`` is who is calling: an ``Authorization: Bearer`` API token, or
the session cookie of a signed-in browser. Cookie-authenticated requests
that change state must carry the session's CSRF token (``X-CSRF-Token``
header, or a ``csrf_token`` form field); bearer requests need none, since a
browser never adds that header on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from scheduler.domain.errors import NotAllowed
from scheduler.domain.model import Role
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.people import sessions, tokens, users
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import GRANTS, Cap, require_role
from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork
from scheduler.web.errors import Unauthenticated
from scheduler.web.i18n import language
from scheduler.web.schemas import ErrorEnvelope

SESSION_COOKIE = "siar_session"
CSRF_COOKIE = "siar_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class WebContext:
    """What the app factory wires once: settings, database, clock, connectors."""

    settings: Settings
    engine: sa.Engine
    session_factory: sessionmaker[Session]
    clock: Callable[[], datetime] = utc_now
    connector_for: Callable[[str], Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def get_context(request: Request) -> WebContext:
    return request.app.state.siar  # type: ignore[no-any-return]


ContextDep = Annotated[WebContext, Depends(get_context)]


def get_settings(ctx: ContextDep) -> Settings:
    return ctx.settings


def get_engine(ctx: ContextDep) -> sa.Engine:
    return ctx.engine


def get_uow(ctx: ContextDep) -> AbstractUnitOfWork:
    """A fresh unit of work (each service call opens and closes its own transaction)."""
    return SqlAlchemyUnitOfWork(ctx.session_factory)


def get_now(ctx: ContextDep) -> datetime:
    return ctx.clock()


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[sa.Engine, Depends(get_engine)]
UowDep = Annotated[AbstractUnitOfWork, Depends(get_uow)]
NowDep = Annotated[datetime, Depends(get_now)]


# The two ways to sign in, declared so the OpenAPI document says every operation that needs
# one of them needs it (``auto_error=False``: ``current_actor`` reads and checks both itself).
_TOKEN = HTTPBearer(
    auto_error=False, scheme_name="token", description="API token `siar_<prefix>_<secret>` (`siar token create EMAIL`)"
)
_SESSION = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    scheme_name="session",
    description="Browser session from `POST /auth/login`; changes also need the `X-CSRF-Token` header",
)


async def current_actor(
    request: Request,
    uow: UowDep,
    engine: EngineDep,
    now: NowDep,
    _token: Annotated[Any, Security(_TOKEN)] = None,
    _session: Annotated[Any, Security(_SESSION)] = None,
) -> Actor:
    """The caller, from a bearer token or a session cookie; 401 if neither is valid."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated(
                "bad_authorization_header",
                "Header Authorization harus 'Bearer <token>'.",
                "The Authorization header must be 'Bearer <token>'.",
            )
        try:
            actor = tokens.authenticate_token(uow, token.strip(), now=now)
        except NotAllowed as error:
            raise Unauthenticated(error.code, error.message_id, error.message_en) from None
        if actor.user_id is not None:
            request.state.user_language = users.get_user(uow, actor, user_id=actor.user_id).language
        request.state.actor = actor
        return actor
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        raise Unauthenticated()
    try:
        active = sessions.resolve(uow, engine, session_id, now=now)
    except NotAllowed as error:
        raise Unauthenticated(error.code, error.message_id, error.message_en) from None
    request.state.user_language = active.language
    if request.method not in SAFE_METHODS:
        await require_csrf(request, session_id)
    request.state.actor = active.actor
    request.state.session_id = session_id
    return active.actor


def cross_origin(request: Request) -> bool:
    """True when the browser says the request comes from another site (``Origin`` header).

    Compared by host only: behind a TLS-terminating proxy the scheme seen
    here may differ from the browser's. No header (non-browser clients,
    older browsers on same-origin forms) is not cross-origin.
    """
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin == "null"
    return urlsplit(origin).netloc.lower() != (request.headers.get("host") or "").lower()


def refuse_cross_origin(request: Request) -> None:
    if cross_origin(request):
        raise NotAllowed(
            "cross_origin", "Permintaan dari situs lain ditolak.", "Requests from another site are refused."
        )


async def require_csrf(request: Request, session_id: str) -> None:
    """403 unless the request comes from this site and carries the CSRF token of its session."""
    refuse_cross_origin(request)
    candidate = request.headers.get(CSRF_HEADER)
    if candidate is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()  # cached by Starlette: the endpoint can read it again
            value = form.get("csrf_token")
            candidate = value if isinstance(value, str) else None
    if not sessions.csrf_matches(session_id, candidate):
        raise NotAllowed(
            "csrf_failed",
            "Token CSRF tidak ada atau salah; muat ulang halaman lalu coba lagi.",
            "The CSRF token is missing or wrong; reload the page and try again.",
        )


ActorDep = Annotated[Actor, Depends(current_actor)]


def only(cap: Cap) -> dict[str, Any]:
    """Route keywords for an action only some roles may take: its gate and its documentation.

    ``@router.post("", **only(Cap.WRITE_POST))``: a caller whose role can never
    do this gets 403 before its input is even read (FastAPI runs route
    dependencies before it validates the body), and the 403 entry of the
    operation in the OpenAPI document names the roles that may.
    """

    def role_gate(actor: ActorDep) -> None:
        require_role(actor, cap)

    roles = ", ".join(role.value for role in Role if role in GRANTS[cap])
    return {
        "dependencies": [Depends(role_gate)],
        "responses": {403: {"model": ErrorEnvelope, "description": f"Not allowed: only {roles} may do this"}},
    }


def get_language(request: Request, actor: ActorDep) -> str:
    """The caller's language (after authentication, so the user's own setting counts)."""
    return language(request)


LanguageDep = Annotated[str, Depends(get_language)]
