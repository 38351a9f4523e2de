"""The JSON API ``/api/v1``: one router per resource."""
from __future__ import annotations

from fastapi import APIRouter

from scheduler.web.api import (
    accounts, audit, engagement, health, imports, kelurahan, kims, me, media, posts,
)

api_router = APIRouter(prefix="/api/v1")
for module in (me, kims, kelurahan, accounts, media, posts, imports, engagement, health, audit):
    api_router.include_router(module.router)
