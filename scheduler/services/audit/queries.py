"""Reading the audit trail: KIM admins see their own KIM's events, staff see all.

Members are refused (the trail names other members' actions and reviews).
Filtering, counting and paging happen in the store (``AuditRepository.page``).
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.domain import input_checks as checks
from scheduler.domain.model import AuditEvent, Role
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize

MAX_PER_PAGE = 500


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditEvent]
    total: int
    page: int
    per_page: int


def list_events(
    uow: AbstractUnitOfWork,
    actor: Actor,
    *,
    kim_id: int | None = None,
    post_id: int | None = None,
    action: str | None = None,
    page: int = 1,
    per_page: int = 100,
) -> AuditPage:
    """Events newest first; a KIM admin is always limited to their own KIM."""
    if actor.role == Role.MEMBER:
        authorize(actor, Cap.MANAGE_MEMBERS, actor.kim_id)  # members: NotAllowed
    checks.page_bounds(page, per_page, MAX_PER_PAGE)
    if actor.is_kim_bound:
        if kim_id is not None:
            authorize(actor, Cap.READ_KIM, kim_id, what="kim")  # another KIM -> NotFound
        kim_id = actor.kim_id
    else:
        authorize(actor, Cap.MANAGE_USERS)  # staff and superadmin
    with uow:
        if post_id is not None:
            post = uow.posts.get(post_id)
            if post is None:
                from scheduler.services.people.authz import not_found

                raise not_found("post", "post")
            authorize(actor, Cap.READ_KIM, post.kim_id, what="post")
        events, total = uow.audit.page(
            kim_id=kim_id, post_id=post_id, action=action, offset=(page - 1) * per_page, limit=per_page
        )
    return AuditPage(events, total, page, per_page)
