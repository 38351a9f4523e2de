"""Web sign-in sessions: server-side, revocable, stored as hashes only.

The browser holds a random session id (256 bits) in an HttpOnly cookie; the
database holds its SHA-256 (``web_sessions``), so a copy of the database
signs nobody in. A session ends at ``ABSOLUTE_LIFETIME`` after sign-in, or
after ``IDLE_TIMEOUT`` without a request, or when revoked (sign-out, or
"sign out everywhere", which revokes every session of the user).

The CSRF token of a session is derived from its id (synchronizer token
without storage): ``HMAC-SHA256(id, "csrf")``. A page on another site can
make the browser send the cookie but can read neither the cookie nor the
token, so it cannot forge the ``X-CSRF-Token`` header or form field.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets as _random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from scheduler.domain.errors import NotAllowed
from scheduler.domain.model import User
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.people import login_throttle, users
from scheduler.services.people.actors import Actor
from scheduler.store import web_tables

ABSOLUTE_LIFETIME = timedelta(days=7)
IDLE_TIMEOUT = timedelta(hours=12)
# last_seen_at is written at most this often (a page load makes several requests).
TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class IssuedSession:
    """A new session; ``session_id`` is the only clear copy (goes into the cookie)."""

    user: User
    session_id: str = field(repr=False)
    csrf_token: str = field(repr=False)
    expires_at: datetime


@dataclass(frozen=True)
class ActiveSession:
    """A valid session, resolved from a cookie."""

    actor: Actor
    language: str
    user_id: int
    csrf_token: str = field(repr=False)


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def csrf_token_for(session_id: str) -> str:
    """The CSRF token that goes with a session id."""
    return hmac.new(session_id.encode(), b"siar-csrf", hashlib.sha256).hexdigest()


def csrf_matches(session_id: str, candidate: str | None) -> bool:
    """Constant-time check of a submitted CSRF token."""
    return bool(candidate) and hmac.compare_digest(csrf_token_for(session_id), candidate or "")


def sign_in(
    uow: AbstractUnitOfWork, engine: sa.Engine, *, email: str, password: str, client: str, now: datetime
) -> IssuedSession:
    """Check the password (argon2, via :func:`users.authenticate`) and open a session.

    Throttled per (e-mail, client address): see :mod:`login_throttle`.
    A wrong e-mail or password -> NotAllowed("bad_credentials").
    """
    key = login_throttle.throttle_key(email, client)
    login_throttle.check(engine, key, now)
    try:
        user = users.authenticate(uow, email=email, password=password, now=now)
    except NotAllowed:
        login_throttle.record_failure(engine, key, now)
        raise
    login_throttle.reset(engine, key)
    session_id = _random.token_urlsafe(32)
    expires = now + ABSOLUTE_LIFETIME
    assert user.id is not None  # a stored user
    with engine.begin() as conn:
        # Housekeeping on the way: ended sessions and old failures are of no use to anyone.
        web_tables.purge(conn, sessions_ended_before=now, failures_before=now - login_throttle.WINDOW)
        web_tables.insert_session(conn, token_hash=_hash(session_id), user_id=user.id, now=now, expires_at=expires)
    return IssuedSession(user=user, session_id=session_id, csrf_token=csrf_token_for(session_id), expires_at=expires)


def resolve(uow: AbstractUnitOfWork, engine: sa.Engine, session_id: str, *, now: datetime) -> ActiveSession:
    """The signed-in user behind a cookie; NotAllowed if unknown, expired, revoked or inactive."""
    refused = NotAllowed(
        "session_invalid",
        "Sesi Anda tidak sah atau sudah berakhir; silakan masuk lagi.",
        "Your session is invalid or has ended; please sign in again.",
    )
    if not session_id or len(session_id) > 200:
        raise refused
    with engine.connect() as conn:
        row = web_tables.find_session(conn, _hash(session_id))
    if row is None or row.revoked_at is not None or now >= row.expires_at or now - row.last_seen_at >= IDLE_TIMEOUT:
        raise refused
    with uow:
        user = uow.users.get(row.user_id)
        if user is None or not user.active:
            raise refused
        actor, language = Actor.of(user), user.language
    if now - row.last_seen_at >= TOUCH_EVERY:
        with engine.begin() as conn:
            web_tables.touch_session(conn, row.id, now)
    return ActiveSession(actor=actor, language=language, user_id=row.user_id, csrf_token=csrf_token_for(session_id))


def sign_out(engine: sa.Engine, session_id: str, *, now: datetime) -> bool:
    """End one session (idempotent); True if it was live."""
    with engine.begin() as conn:
        return web_tables.revoke_session(conn, _hash(session_id or ""), now) > 0


def sign_out_everywhere(engine: sa.Engine, user_id: int, *, now: datetime) -> int:
    """End every session of a user; returns how many were live."""
    with engine.begin() as conn:
        return web_tables.revoke_user_sessions(conn, user_id, now)
