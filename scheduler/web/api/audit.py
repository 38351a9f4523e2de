"""``GET /api/v1/audit``: who did what (admins: own KIM; staff: all)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query

from scheduler.services.audit import queries as audit_log
from scheduler.services.people.authz import Cap
from scheduler.web.api.kims import resolve_kim_id
from scheduler.web.deps import ActorDep, UowDep, only
from scheduler.web.schemas import KIM_FILTER, MAX_ID, MAX_PAGE, PAGE_DOC, OutputModel, Page

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditOut(OutputModel):
    id: int | None
    at: datetime
    action: str
    actor_id: int | None
    kim_id: int | None
    post_id: int | None
    target_id: int | None
    detail: dict[str, Any]


class AuditPage(Page):
    items: list[AuditOut]


@router.get("", response_model=AuditPage, **only(Cap.MANAGE_MEMBERS))
def list_audit(
    actor: ActorDep,
    uow: UowDep,
    kim: str | None = Query(default=None, max_length=100, description=KIM_FILTER),
    post: int | None = Query(default=None, ge=1, le=MAX_ID, description="Only this post's events"),
    action: str | None = Query(default=None, max_length=64, description="Only this action, e.g. `post.approve`"),
    page: int = Query(default=1, ge=1, le=MAX_PAGE, description=PAGE_DOC),
    per_page: int = Query(default=100, ge=1, le=audit_log.MAX_PER_PAGE),
) -> AuditPage:
    kim_id = resolve_kim_id(uow, actor, kim) if kim else None
    result = audit_log.list_events(uow, actor, kim_id=kim_id, post_id=post, action=action, page=page, per_page=per_page)
    return AuditPage(
        page=result.page,
        per_page=result.per_page,
        total=result.total,
        items=[AuditOut.model_validate(e) for e in result.items],
    )
