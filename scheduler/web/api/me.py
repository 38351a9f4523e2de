"""``GET /api/v1/me``: who the caller is (role, KIM, language)."""

from __future__ import annotations

from fastapi import APIRouter

from scheduler.services.people import users
from scheduler.web.auth import UserOut
from scheduler.web.deps import ActorDep, UowDep

router = APIRouter(tags=["me"])


@router.get("/me", response_model=UserOut)
def me(actor: ActorDep, uow: UowDep) -> UserOut:
    return UserOut.model_validate(users.get_user(uow, actor, user_id=actor.user_id))
