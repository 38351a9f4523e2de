"""Authorization: the one place where roles and tenancy are decided.

docs/design.md#users-and-roles. Every service calls :func:`authorize`
before it reads or changes anything that belongs to a KIM. Members and admins
are bound to their own KIM; an object of another KIM is reported as
:class:`NotFound`, never :class:`NotAllowed`, so its existence does not leak.
Inside a visible KIM a missing permission is :class:`NotAllowed`.
"""

from __future__ import annotations

import enum

from scheduler.domain.errors import NotAllowed, NotFound
from scheduler.domain.model import Kim, Post, Role
from scheduler.services.people.actors import Actor


class Cap(enum.Enum):
    READ_KIM = "read_kim"  # see a KIM's posts, queue, accounts, media
    WRITE_POST = "write_post"  # compose, edit own posts, attach media, submit
    REVIEW_POST = "review_post"  # approve / reject
    MANAGE_POSTS = "manage_posts"  # schedule, cancel or edit anyone's post in the KIM
    MANAGE_ACCOUNTS = "manage_accounts"  # social accounts, slots, pacing, reconnect
    MANAGE_MEMBERS = "manage_members"  # users of one KIM
    MANAGE_REGISTRY = "manage_registry"  # KIMs and kelurahan
    MANAGE_USERS = "manage_users"  # any user, staff included


_M, _A, _S, _SU = Role.MEMBER, Role.ADMIN, Role.STAFF, Role.SUPERADMIN

# Which roles hold a capability. Members and admins only ever inside their own
# KIM (checked separately); staff read everything and run the registry.
GRANTS: dict[Cap, frozenset[Role]] = {
    Cap.READ_KIM: frozenset({_M, _A, _S, _SU}),
    Cap.WRITE_POST: frozenset({_M, _A, _SU}),
    Cap.REVIEW_POST: frozenset({_A, _SU}),
    Cap.MANAGE_POSTS: frozenset({_A, _SU}),
    Cap.MANAGE_ACCOUNTS: frozenset({_A, _SU}),
    Cap.MANAGE_MEMBERS: frozenset({_A, _S, _SU}),
    Cap.MANAGE_REGISTRY: frozenset({_S, _SU}),
    Cap.MANAGE_USERS: frozenset({_S, _SU}),
}


def not_found(what: str = "data", field: str | None = None) -> NotFound:
    """The NotFound raised for missing objects and for other KIMs' objects alike."""
    return NotFound(
        f"{what}_not_found" if what != "data" else None,
        f"{_LABEL_ID.get(what, 'Data')} tidak ditemukan.",
        f"{_LABEL_EN.get(what, 'Item')} not found.",
        field=field,
    )


_LABEL_ID = {
    "kim": "KIM",
    "post": "Unggahan",
    "account": "Akun media sosial",
    "user": "Pengguna",
    "media": "Media",
    "kelurahan": "Kelurahan",
    "token": "Token",
    "subject": "Produk/destinasi",
}
_LABEL_EN = {
    "kim": "KIM",
    "post": "Post",
    "account": "Social account",
    "user": "User",
    "media": "Media",
    "kelurahan": "Kelurahan",
    "token": "Token",
    "subject": "Product/destination",
}


def can_see_kim(actor: Actor, kim_id: int | None) -> bool:
    """Tenancy alone: may this actor know that objects of ``kim_id`` exist?"""
    if not actor.is_kim_bound:
        return True
    return kim_id is not None and actor.kim_id == kim_id


def require_role(actor: Actor, cap: Cap) -> None:
    """Raise NotAllowed unless ``actor``'s role holds ``cap`` somewhere (no KIM involved yet).

    The web API asks this first, so a role that can never do something hears
    so before its input is examined (staff composing a post: 403, whatever the body).
    """
    if actor.role not in GRANTS[cap]:
        raise NotAllowed(
            f"{cap.value}_not_allowed",
            "Peran Anda tidak mengizinkan tindakan ini.",
            "Your role does not allow this action.",
        )


def authorize(actor: Actor, cap: Cap, kim_id: int | None = None, *, what: str = "data") -> None:
    """Raise unless ``actor`` holds ``cap`` on ``kim_id`` (None: no KIM involved).

    Another KIM's object -> NotFound (``what`` names it in the message);
    a visible object but a missing permission -> NotAllowed.
    """
    if kim_id is not None and not can_see_kim(actor, kim_id):
        raise not_found(what)
    require_role(actor, cap)
    if kim_id is None and actor.is_kim_bound and cap not in (Cap.READ_KIM,):
        # A KIM-bound role acting outside any KIM (e.g. the registry) is refused.
        raise NotAllowed(
            f"{cap.value}_not_allowed",
            "Peran Anda tidak mengizinkan tindakan ini.",
            "Your role does not allow this action.",
        )


def authorize_post_change(actor: Actor, post: Post) -> None:
    """Edit, submit or withdraw a post: its author (member or admin) or a KIM admin."""
    authorize(actor, Cap.WRITE_POST, post.kim_id, what="post")
    if actor.role == Role.MEMBER and post.author_id != actor.user_id:
        raise NotAllowed(
            "not_post_author",
            "Anggota hanya bisa mengubah unggahannya sendiri.",
            "Members can only change their own posts.",
        )


def authorize_review(actor: Actor, post: Post, kim: Kim, admin_count: int) -> None:
    """Approve or reject: an admin of the KIM, never on their own post...

    ...unless the KIM allows self-approval AND has a single admin (a one-person
    KIM would otherwise never publish). Superadmins may always review.
    """
    authorize(actor, Cap.REVIEW_POST, post.kim_id, what="post")
    if actor.role == Role.SUPERADMIN or post.author_id != actor.user_id:
        return
    if kim.allow_self_approval and admin_count == 1:
        return
    raise NotAllowed(
        "self_approval_not_allowed",
        "Anda tidak boleh menyetujui unggahan Anda sendiri; minta admin lain.",
        "You may not approve your own post; ask another admin.",
    )
