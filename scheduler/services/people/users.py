"""Users: adding them (password hashed with argon2id) and signing them in."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from scheduler.domain import input_checks as checks
from scheduler.domain.errors import Conflict, NotAllowed
from scheduler.domain.model import Role, User
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.audit import trail as audit
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize, not_found

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # argon2 copes, but a megabyte "password" is an attack
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified when the e-mail is unknown, so a wrong e-mail costs as long as a wrong password."""
    return _hasher.hash("siar-no-such-user")


def check_password(password: str | None) -> str:
    """Refuse an empty, short or absurdly long password."""
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        raise checks.invalid(
            "password",
            "password_too_short",
            f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.",
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters.",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise checks.invalid(
            "password", "password_too_long", "Kata sandi terlalu panjang.", "The password is too long."
        )
    return password


def _role(value: Role | str) -> Role:
    return checks.member(
        Role,
        value,
        "role",
        "Peran tidak dikenal (member, admin, staff, superadmin).",
        "Unknown role (member, admin, staff, superadmin).",
    )


def add_user(
    uow: AbstractUnitOfWork,
    actor: Actor,
    *,
    email: str,
    role: Role | str,
    password: str,
    now: datetime,
    name: str | None = None,
    kim_id: int | None = None,
    kim_slug: str | None = None,
    language: str = "id",
) -> User:
    """Add a user; members and admins belong to a KIM, staff and superadmins to none.

    Duplicate e-mail (case-insensitive) -> Conflict(email). Who may add whom:
    a KIM admin adds members/admins of their own KIM; staff add anyone but
    superadmins; only a superadmin adds a superadmin.
    """
    address = checks.email(email)
    role = _role(role)
    display = checks.required_text(name or address.split("@")[0], "name", "Nama", "Name", 120)
    check_password(password)
    if language not in ("id", "en"):
        raise checks.invalid(
            "language", "unknown_language", "Bahasa harus 'id' atau 'en'.", "Language must be 'id' or 'en'."
        )
    with uow:
        if kim_slug is not None and kim_id is None:
            kim = uow.kims.get_by_slug(kim_slug.strip())
            if kim is None:
                raise not_found("kim", "kim")
            kim_id = kim.id
        if role in (Role.MEMBER, Role.ADMIN):
            if kim_id is None:
                raise checks.invalid(
                    "kim",
                    "kim_required",
                    "Anggota dan admin KIM harus terdaftar pada sebuah KIM.",
                    "Members and KIM admins must belong to a KIM.",
                )
            if uow.kims.get(kim_id) is None:
                raise not_found("kim", "kim")
            authorize(actor, Cap.MANAGE_MEMBERS, kim_id, what="kim")
        else:
            if kim_id is not None:
                raise checks.invalid(
                    "kim",
                    "kim_not_allowed",
                    "Staf dan superadmin tidak terikat pada KIM.",
                    "Staff and superadmins do not belong to a KIM.",
                )
            authorize(actor, Cap.MANAGE_USERS)
            if role == Role.SUPERADMIN and actor.role != Role.SUPERADMIN:
                raise NotAllowed(
                    "superadmin_only",
                    "Hanya superadmin yang bisa menambah superadmin.",
                    "Only a superadmin can add a superadmin.",
                )
        if uow.users.get_by_email(address) is not None:
            raise Conflict(
                "email_taken", "Email ini sudah terdaftar.", "This e-mail address is already registered.", field="email"
            )
        user = uow.users.add(
            User(
                email=address,
                name=display,
                role=role,
                password_hash=_hasher.hash(password),
                kim_id=kim_id,
                language=language,
                created_at=now,
            )
        )
        uow.flush()
        audit.record(uow, actor, "user.add", now, kim_id=kim_id, user_id=user.id, email=address, role=role.value)
        uow.commit()
        return user


def authenticate(uow: AbstractUnitOfWork, *, email: str, password: str, now: datetime) -> User:
    """The active user with this e-mail and password, or NotAllowed (same message either way).

    A hash made with older argon2 parameters is upgraded on the way.
    """
    refused = NotAllowed("bad_credentials", "Email atau kata sandi salah.", "Wrong e-mail or password.")
    address = (email or "").strip().lower()
    with uow:
        user = uow.users.get_by_email(address) if address else None
        if user is None or not user.active or not user.password_hash:
            try:
                _hasher.verify(_dummy_hash(), password or "")
            except VerificationError:
                pass
            raise refused
        try:
            _hasher.verify(user.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            raise refused from None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
            uow.commit()
        return user


def get_user(uow: AbstractUnitOfWork, actor: Actor, *, user_id: int | None = None, email: str | None = None) -> User:
    """A user by id or e-mail, if the actor may see them (own KIM, or staff)."""
    with uow:
        user = uow.users.get(user_id) if user_id is not None else uow.users.get_by_email((email or "").strip().lower())
        if user is None:
            raise not_found("user", "user")
        if actor.user_id != user.id:
            if user.kim_id is None:
                authorize(actor, Cap.MANAGE_USERS, what="user")
            else:
                authorize(actor, Cap.READ_KIM, user.kim_id, what="user")
        return user


def _manageable(uow: AbstractUnitOfWork, actor: Actor, user_id: int) -> User:
    """A user the actor may manage: KIM admins their KIM's people, staff anyone but superadmins."""
    user = uow.users.get(user_id)
    if user is None:
        raise not_found("user", "user")
    if user.kim_id is not None:
        authorize(actor, Cap.MANAGE_MEMBERS, user.kim_id, what="user")
    else:
        if actor.is_kim_bound:
            raise not_found("user", "user")
        authorize(actor, Cap.MANAGE_USERS)
    if user.role == Role.SUPERADMIN and actor.role != Role.SUPERADMIN:
        raise NotAllowed(
            "superadmin_only",
            "Hanya superadmin yang bisa mengubah superadmin.",
            "Only a superadmin can change a superadmin.",
        )
    return user


def set_user_active(uow: AbstractUnitOfWork, actor: Actor, user_id: int, *, active: bool, now: datetime) -> User:
    """Deactivate (or reactivate) a user; a deactivated user cannot sign in or use tokens."""
    with uow:
        user = _manageable(uow, actor, user_id)
        if user.id == actor.user_id and not active:
            raise checks.invalid(
                "user",
                "cannot_deactivate_self",
                "Anda tidak bisa menonaktifkan akun Anda sendiri.",
                "You cannot deactivate your own account.",
            )
        if user.active != active:
            user.active = active
            audit.record(
                uow, actor, "user.activate" if active else "user.deactivate", now, kim_id=user.kim_id, user_id=user.id
            )
            uow.commit()
        return user


def change_password(
    uow: AbstractUnitOfWork,
    actor: Actor,
    user_id: int,
    *,
    new_password: str,
    now: datetime,
    current_password: str | None = None,
) -> User:
    """Set a new password: the user themself (with the current one) or someone who manages them."""
    check_password(new_password)
    with uow:
        if actor.user_id == user_id:
            user = uow.users.get(user_id)
            if user is None:
                raise not_found("user", "user")
            try:
                _hasher.verify(user.password_hash, current_password or "")
            except (VerificationError, InvalidHashError):
                raise checks.invalid(
                    "current_password", "wrong_password", "Kata sandi saat ini salah.", "The current password is wrong."
                ) from None
        else:
            user = _manageable(uow, actor, user_id)
        user.password_hash = _hasher.hash(new_password)
        audit.record(uow, actor, "user.password", now, kim_id=user.kim_id, user_id=user.id)
        uow.commit()
        return user
