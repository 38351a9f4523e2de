"""Compose a post, a post's own page, and the media files the pages show."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, Response

from scheduler.domain.errors import NotAllowed
from scheduler.domain.model import Platform
from scheduler.domain.rules import rules_for
from scheduler.services.people.authz import Cap, authorize
from scheduler.services.read import media as views_media
from scheduler.services.read import posts as views_posts
from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork
from scheduler.web.pages import charts
from scheduler.web.pages.rendering import Page, PageDep, PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _uow(page: Page) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(page.ctx.session_factory)


def platform_limits() -> dict[str, dict[str, Any]]:
    """What the compose page's counters need per platform: the limit and how it is counted."""
    out = {}
    for platform in Platform:
        rules = rules_for(platform)
        out[platform.value] = {
            "limit": rules.text_limit,
            "name": rules.name,
            "min_media": rules.min_media,
            "max_media": rules.max_media,
            "thread": rules.split_thread is not None,
        }
    return out


def _writable_kim(page: Page, kim: str | None) -> int:
    if page.actor.kim_id is not None:
        return page.actor.kim_id
    if kim and kim.isdigit():
        return int(kim)
    raise NotAllowed(
        "kim_required",
        "Buka halaman ini dari sebuah KIM (tambahkan ?kim=ID).",
        "Open this page for a KIM (add ?kim=ID).",
    )


@router.get("/compose")
def compose(
    page: PageDep, kim: str | None = Query(default=None, max_length=20), media: list[int] = Query(default=[])
) -> Response:
    """The compose form: text, media, subject, accounts, per-platform previews, schedule."""
    kim_id = _writable_kim(page, kim)
    options = views_posts.compose_options(_uow(page), page.actor, kim_id)
    accounts = [
        {"id": a.id, "platform": str(a.platform), "handle": a.handle, "sandbox": a.sandbox, "status": str(a.status)}
        for a in options.accounts
    ]
    config = {
        "kim": kim_id,
        "zone": options.kim.timezone,
        "limits": platform_limits(),
        "accounts": accounts,
        "media": media[:10],
        "canReview": page.can_review,
    }
    return render(
        page,
        "compose.html",
        options=options,
        config=json.dumps(config).replace("<", "\\u003c"),
        default_at=_next_hour(page.now.astimezone(_zone(options.kim.timezone))),
    )


def _next_hour(local: datetime) -> str:
    """The compose form's default time: the next full hour, local (``datetime-local`` format)."""
    from datetime import timedelta

    return (local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def _zone(name: str) -> Any:
    from scheduler.domain.timezones import get_zone

    return get_zone(name)


@router.get("/posts/{post_id}")
def post_page(post_id: int, page: PageDep) -> Response:
    """Every target's state, attempt history, error to act on, permalink, engagement over time."""
    detail = views_posts.post_detail(_uow(page), page.actor, post_id)
    chart = charts.post_engagement(detail, page) if any(t.snapshots for t in detail.targets) else None
    accounts = [t.account for t in detail.targets if t.account is not None]
    unique = {a.id: a for a in accounts}.values()
    post = detail.post
    is_author = post.author_id == page.actor.user_id
    can_change = page.can_review or (is_author and page.can_write)
    return render(page, "post.html", d=detail, post=post, chart=chart, accounts=list(unique), can_change=can_change)


@router.get("/media/{media_id}/file")
def media_file(media_id: int, page: PageDep) -> Response:
    """The stored photo or video of a visible asset, for previews and the library."""
    path, asset = views_media.media_file(_uow(page), page.actor, media_id, page.settings.media_dir)
    return FileResponse(path, media_type=asset.mime_type, headers={"Cache-Control": "private, max-age=86400"})


@router.get("/media")
def media_library(page: PageDep) -> Response:
    """The KIM's photos and videos, newest first; upload more or start a post with one."""
    authorize(page.actor, Cap.READ_KIM, page.actor.kim_id)
    rows = views_media.library(page.engine, page.actor)
    return render(page, "media.html", rows=rows)
