"""API tokens: ``siar_<prefix>_<secret>``, shown once, stored hashed.

The prefix (8 hex digits) is public and finds the row; the secret is 256
random bits. Storage is ``sha256:<hex>`` of the secret, not argon2, on
purpose: argon2 exists to slow down guessing of low-entropy human passwords,
and nobody can enumerate 2**256 secrets however fast the hash is, while the
API checks a token on every request, where an argon2 verification (tens of
milliseconds and tens of megabytes each) would be a denial-of-service lever.
Comparison uses :func:`hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets as _random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from scheduler.domain import input_checks as checks
from scheduler.domain.errors import NotAllowed
from scheduler.domain.model import ApiToken, Role
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.audit import trail as audit
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize, not_found

TOKEN_SCHEME = "siar"
LAST_USED_RESOLUTION = timedelta(minutes=1)
_HASH_SCHEME = "sha256:"


@dataclass(frozen=True)
class IssuedToken:
    """A freshly created token. ``token`` is the only copy of the secret: show it once."""

    id: int
    prefix: str
    user_id: int
    token: str = field(repr=False)


def _hash(secret: str) -> str:
    return _HASH_SCHEME + hashlib.sha256(secret.encode()).hexdigest()


def _split(token: str) -> tuple[str, str] | None:
    parts = (token or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_SCHEME or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def _authorize_for(actor: Actor, uow: AbstractUnitOfWork, user_id: int) -> None:
    """Own tokens always; someone else's: a superadmin (or staff, for non-superadmins)."""
    if actor.user_id == user_id:
        return
    user = uow.users.get(user_id)
    if user is None:
        raise not_found("user", "user")
    if user.kim_id is not None and actor.is_kim_bound:
        authorize(actor, Cap.READ_KIM, user.kim_id, what="user")  # other KIM -> NotFound
    authorize(actor, Cap.MANAGE_USERS)
    if user.role == Role.SUPERADMIN and actor.role != Role.SUPERADMIN:
        raise NotAllowed()


def create_token(
    uow: AbstractUnitOfWork, actor: Actor, user: int | str, *, now: datetime, name: str = ""
) -> IssuedToken:
    """Create an API token for ``user`` (id or e-mail); the clear token is returned once."""
    with uow:
        target = uow.users.get(user) if isinstance(user, int) else uow.users.get_by_email(checks.email(user))
        if target is None or (actor.is_kim_bound and target.kim_id != actor.kim_id and target.id != actor.user_id):
            raise not_found("user", "user")
        if not target.active:
            raise checks.invalid("user", "user_inactive", "Pengguna ini tidak aktif.", "This user is not active.")
        assert target.id is not None  # a stored user
        _authorize_for(actor, uow, target.id)
        prefix = _random.token_hex(4)
        while uow.tokens.get_by_prefix(prefix) is not None:  # 32 bits: rare, but check
            prefix = _random.token_hex(4)
        secret = _random.token_urlsafe(32)
        row = uow.tokens.add(
            ApiToken(
                user_id=target.id,
                token_hash=_hash(secret),
                prefix=prefix,
                name=(name or "").strip()[:100],
                created_at=now,
            )
        )
        uow.flush()
        assert row.id is not None  # the flush gave it one
        audit.record(uow, actor, "token.create", now, kim_id=target.kim_id, user_id=target.id, prefix=prefix)
        uow.commit()
        return IssuedToken(id=row.id, prefix=prefix, user_id=target.id, token=f"{TOKEN_SCHEME}_{prefix}_{secret}")


def authenticate_token(uow: AbstractUnitOfWork, token: str, *, now: datetime) -> Actor:
    """The actor behind a bearer token; NotAllowed for unknown, revoked or mangled tokens."""
    refused = NotAllowed("bad_token", "Token API tidak sah atau sudah dicabut.", "The API token is invalid or revoked.")
    parts = _split(token)
    if parts is None:
        raise refused
    prefix, secret = parts
    with uow:
        row = uow.tokens.get_by_prefix(prefix)
        if row is None or row.revoked_at is not None:
            raise refused
        if not hmac.compare_digest(row.token_hash, _hash(secret)):
            raise refused
        user = uow.users.get(row.user_id)
        if user is None or not user.active:
            raise refused
        # Record use at most once a minute: every API request passes here, and a
        # write per request would serialize readers on SQLite for nothing.
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
            row.last_used_at = now
            uow.commit()
        return Actor.of(user)


def revoke_token(uow: AbstractUnitOfWork, actor: Actor, prefix: str, *, now: datetime) -> int:
    """Revoke the token with this prefix (idempotent); returns its id."""
    with uow:
        row = uow.tokens.get_by_prefix((prefix or "").strip())
        if row is None:
            raise not_found("token", "prefix")
        user = uow.users.get(row.user_id)
        if actor.is_kim_bound and actor.user_id != row.user_id and (user is None or user.kim_id != actor.kim_id):
            raise not_found("token", "prefix")
        _authorize_for(actor, uow, row.user_id)
        if row.revoked_at is None:
            row.revoked_at = now
            audit.record(
                uow,
                actor,
                "token.revoke",
                now,
                kim_id=user.kim_id if user else None,
                user_id=row.user_id,
                prefix=row.prefix,
            )
            uow.commit()
        assert row.id is not None  # a stored token
        return row.id


def list_tokens(uow: AbstractUnitOfWork, actor: Actor, user_id: int) -> list[ApiToken]:
    """A user's tokens (prefix, name, dates; the hash is never needed by callers)."""
    with uow:
        user = uow.users.get(user_id)
        if user is None or (actor.is_kim_bound and actor.user_id != user_id):
            raise not_found("user", "user")
        _authorize_for(actor, uow, user_id)
        return uow.tokens.list_for_user(user_id)
