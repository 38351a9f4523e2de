"""The JSON API ``/api/v1``: one router per resource (docs/api.md).

Owns: one module per resource (``me``, ``kims``, ``kelurahan``, ``accounts``, ``media``, ``posts``,
``imports``, ``engagement``, ``health``, ``audit``), each with its own In/Out models, and
:mod:`.schedule_input` (the schedule a request sends, into a service's ``ScheduleIntent``).

May import: the services, the domain, :mod:`scheduler.web.deps`, :mod:`scheduler.web.schemas`,
:mod:`scheduler.web.dates` and FastAPI; no SQL (the services and read models do the reading).
"""

from __future__ import annotations

from fastapi import APIRouter

from scheduler.web.api import (
    accounts,
    audit,
    engagement,
    health,
    imports,
    kelurahan,
    kims,
    me,
    media,
    posts,
)
from scheduler.web.schemas import error_responses

api_router = APIRouter(prefix="/api/v1", responses=error_responses(400, 401, 403, 404, 409, 413, 422))
for module in (me, kims, kelurahan, accounts, media, posts, imports, engagement, health, audit):
    api_router.include_router(module.router)
