"""Users: adding them (password hashed with argon2id) and signing them in."""
from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from scheduler.domain.errors import Conflict, NotAllowed
from scheduler.domain.model import Role, User
from scheduler.services import audit, checks
from scheduler.services.actors import Actor
from scheduler.services.authz import Cap, authorize, not_found
from scheduler.services.ports import AbstractUnitOfWork

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # argon2 copes, but a megabyte "password" is an attack
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified when the e-mail is unknown, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("siar-no-such-user")


def check_password(password: str | None) -> str:
    """Refuse an empty, short or absurdly long password."""
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        raise checks.invalid("password", "password_too_short",
                             f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.",
                             f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise checks.invalid("password", "password_too_long",
                             "Kata sandi terlalu panjang.", "The password is too long.")
    return password


def _role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise checks.invalid("role", "unknown_role",
                             "Peran tidak dikenal (member, admin, staff, superadmin).",
                             "Unknown role (member, admin, staff, superadmin).") from None


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
        raise checks.invalid("language", "unknown_language",
                             "Bahasa harus 'id' atau 'en'.", "Language must be 'id' or 'en'.")
    with uow:
        if kim_slug is not None and kim_id is None:
            kim = uow.kims.get_by_slug(kim_slug.strip())
            if kim is None:
                raise not_found("kim", "kim")
            kim_id = kim.id
        if role in (Role.MEMBER, Role.ADMIN):
            if kim_id is None:
                raise checks.invalid("kim", "kim_required",
                                     "Anggota dan admin KIM harus terdaftar pada sebuah KIM.",
                                     "Members and KIM admins must belong to a KIM.")
            if uow.kims.get(kim_id) is None:
                raise not_found("kim", "kim")
            authorize(actor, Cap.MANAGE_MEMBERS, kim_id, what="kim")
        else:
            if kim_id is not None:
                raise checks.invalid("kim", "kim_not_allowed",
                                     "Staf dan superadmin tidak terikat pada KIM.",
                                     "Staff and superadmins do not belong to a KIM.")
            authorize(actor, Cap.MANAGE_USERS)
            if role == Role.SUPERADMIN and actor.role != Role.SUPERADMIN:
                raise NotAllowed("superadmin_only",
                                 "Hanya superadmin yang bisa menambah superadmin.",
                                 "Only a superadmin can add a superadmin.")
        if uow.users.get_by_email(address) is not None:
            raise Conflict("email_taken", "Email ini sudah terdaftar.",
                           "This e-mail address is already registered.", field="email")
        user = uow.users.add(User(email=address, name=display, role=role,
                                  password_hash=_hasher.hash(password), kim_id=kim_id,
                                  language=language, created_at=now))
        uow.flush()
        audit.record(uow, actor, "user.add", now, kim_id=kim_id,
                     user_id=user.id, email=address, role=role.value)
        uow.commit()
        return user


def authenticate(uow: AbstractUnitOfWork, *, email: str, password: str, now: datetime) -> User:
    """The active user with this e-mail and password, or NotAllowed (same message either way).

    A hash made with older argon2 parameters is upgraded on the way.
    """
    refused = NotAllowed("bad_credentials", "Email atau kata sandi salah.",
                         "Wrong e-mail or password.")
    address = (email or "").strip().lower()
    with uow:
        user = uow.users.get_by_email(address) if address else None
        if user is None or not user.active or not user.password_hash:
            try:
                _hasher.verify(_DUMMY_HASH, password or "")
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


def get_user(uow: AbstractUnitOfWork, actor: Actor, *, user_id: int | None = None,
             email: str | None = None) -> User:
    """A user by id or e-mail, if the actor may see them (own KIM, or staff)."""
    with uow:
        user = uow.users.get(user_id) if user_id is not None else uow.users.get_by_email(
            (email or "").strip().lower())
        if user is None:
            raise not_found("user", "user")
        if actor.user_id != user.id:
            if user.kim_id is None:
                authorize(actor, Cap.MANAGE_USERS, what="user")
            else:
                authorize(actor, Cap.READ_KIM, user.kim_id, what="user")
        return user
