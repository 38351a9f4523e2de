"""Read models for the calendar and the queue: one row per post target.

A *target* is one post on one account (docs/design.md#the-targets-life); the calendar and the queue
show targets, so a post going to three platforms shows three chips, each with
its own state. Queries are single SELECTs with a join to the post (for its
text and review state) and the account (platform, handle, sandbox), bounded
by time or paged, so a KIM with 10,000 posts renders quickly
(``bench/web_pages.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from scheduler.domain.errors import InvalidInput
from scheduler.domain.model import TargetState
from scheduler.services.people.actors import Actor
from scheduler.services.read.scope import kim_scope, restrict
from scheduler.store.tables import kims, post_targets, posts, social_accounts

T, P, A = post_targets.c, posts.c, social_accounts.c

#: What a member may still act on or wait for (the queue's default view).
OPEN_STATES = (
    TargetState.PENDING,
    TargetState.SCHEDULED,
    TargetState.QUEUED,
    TargetState.PUBLISHING,
    TargetState.RETRY_WAIT,
    TargetState.UNKNOWN,
    TargetState.NEEDS_RECONNECT,
    TargetState.FAILED,
)
MAX_CALENDAR_ROWS = 5000
MAX_PER_PAGE = 200
SNIPPET = 120
# A target published late (retries, pauses) still shows on its publication day;
# its scheduled instant is at most this much earlier.
_SLACK = timedelta(days=7)


@dataclass(frozen=True)
class TargetRow:
    target_id: int
    post_id: int
    kim_id: int
    kim_slug: str
    account_id: int
    platform: str
    handle: str
    sandbox: bool
    state: str
    review_state: str
    scheduled_at: datetime | None
    published_at: datetime | None
    text: str
    error_code: str | None
    error_message: str | None
    permalink: str | None
    attempts: int

    @property
    def when(self) -> datetime | None:
        """The instant that places the target in time: published, else scheduled."""
        return self.published_at or self.scheduled_at


def _columns() -> list[Any]:
    return [
        T.id.label("target_id"),
        T.post_id,
        P.kim_id,
        kims.c.slug.label("kim_slug"),
        T.account_id,
        A.platform,
        A.handle,
        A.sandbox,
        T.state,
        P.review_state,
        T.scheduled_at,
        T.published_at,
        sa.func.substr(P.text, 1, SNIPPET).label("text"),
        T.last_error_code,
        T.last_error_message,
        T.permalink,
        T.attempts,
    ]


def target_rows_query() -> sa.Select[Any]:
    """Every target with its post, account and KIM, as :func:`target_row` reads them."""
    return sa.select(*_columns()).select_from(
        post_targets.join(posts, P.id == T.post_id)
        .join(social_accounts, A.id == T.account_id)
        .join(kims, kims.c.id == P.kim_id)
    )


def target_row(r: Any) -> TargetRow:
    """A row of :func:`target_rows_query` as a :class:`TargetRow`."""
    # Positional unpacking: several times faster than attribute access on a Row.
    (
        target_id,
        post_id,
        kim_id,
        kim_slug,
        account_id,
        platform,
        handle,
        sandbox,
        state,
        review_state,
        scheduled_at,
        published_at,
        text,
        error_code,
        error_message,
        permalink,
        attempts,
    ) = r
    return TargetRow(
        target_id,
        post_id,
        kim_id,
        kim_slug,
        account_id,
        str(platform),
        handle,
        bool(sandbox),
        str(state),
        str(review_state),
        scheduled_at,
        published_at,
        text or "",
        error_code,
        error_message,
        permalink,
        attempts or 0,
    )


def _state(value: str | None) -> TargetState | None:
    if not value:
        return None
    try:
        return TargetState(value)
    except ValueError:
        raise InvalidInput(
            "unknown_state", f"Status '{value}' tidak dikenal.", f"Unknown state '{value}'.", field="state"
        ) from None


def _calendar_query(
    conn: sa.Connection, actor: Actor, start: datetime, end: datetime, kim: int | str | None, platform: str | None
) -> sa.Select[Any]:
    scope = kim_scope(conn, actor, kim)
    when = sa.func.coalesce(T.published_at, T.scheduled_at)
    query = restrict(target_rows_query(), P.kim_id, scope).where(
        T.scheduled_at < end,
        T.scheduled_at >= start - _SLACK,
        when >= start,
        when < end,
        T.state != TargetState.CANCELED.value,
    )
    if platform:
        query = query.where(A.platform == platform)
    return query.order_by(when, T.id).limit(MAX_CALENDAR_ROWS)


def calendar_targets(
    engine: sa.Engine,
    actor: Actor,
    *,
    start: datetime,
    end: datetime,
    kim: int | str | None = None,
    platform: str | None = None,
) -> list[TargetRow]:
    """Targets placed in ``[start, end)`` (UTC) by their published or scheduled instant.

    Canceled targets are left out: the calendar shows what will or did happen.
    """
    with engine.connect() as conn:
        return [target_row(r) for r in conn.execute(_calendar_query(conn, actor, start, end, kim, platform))]


def calendar_days(
    engine: sa.Engine,
    actor: Actor,
    *,
    start: datetime,
    end: datetime,
    zone: str,
    per_day: int,
    kim: int | str | None = None,
    platform: str | None = None,
) -> tuple[dict[date, list[TargetRow]], dict[date, int]]:
    """The month view: per local day, its first ``per_day`` targets and how many there are.

    Only the shown targets become ``TargetRow``s; a busy month (thousands of
    targets) costs one query and a count.
    """
    from scheduler.domain.timezones import get_zone

    tz = get_zone(zone)
    shown: dict[date, list[TargetRow]] = {}
    counts: dict[date, int] = {}
    with engine.connect() as conn:
        for r in conn.execute(_calendar_query(conn, actor, start, end, kim, platform)):
            when = r.published_at or r.scheduled_at
            day = when.astimezone(tz).date()
            counts[day] = counts.get(day, 0) + 1
            if counts[day] <= per_day:
                shown.setdefault(day, []).append(target_row(r))
    return shown, counts


@dataclass(frozen=True)
class QueuePage:
    rows: list[TargetRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def queue(
    engine: sa.Engine,
    actor: Actor,
    *,
    state: str | None = None,
    kim: int | str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> QueuePage:
    """Targets in ``state`` (default: every open state), earliest first, one page of them."""
    wanted = _state(state)
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput("bad_page", "Nomor halaman tidak sah.", "Invalid page number.", field="page")
    with engine.connect() as conn:
        scope = kim_scope(conn, actor, kim)
        states = [wanted.value] if wanted else [s.value for s in OPEN_STATES]
        count = restrict(
            sa.select(sa.func.count()).select_from(post_targets.join(posts, P.id == T.post_id)), P.kim_id, scope
        ).where(T.state.in_(states))
        total = int(conn.execute(count).scalar_one())
        order = (
            [T.published_at.desc(), T.id.desc()]
            if wanted == TargetState.PUBLISHED
            else [T.scheduled_at.is_(None), T.scheduled_at, T.id]
        )
        query = (
            restrict(target_rows_query(), P.kim_id, scope)
            .where(T.state.in_(states))
            .order_by(*order)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        return QueuePage([target_row(r) for r in conn.execute(query)], total, page, per_page)


def state_counts(engine: sa.Engine, actor: Actor, *, kim: int | str | None = None) -> dict[str, int]:
    """How many targets are in each state (for the queue's filter chips)."""
    with engine.connect() as conn:
        scope = kim_scope(conn, actor, kim)
        query = restrict(
            sa.select(T.state, sa.func.count()).select_from(post_targets.join(posts, P.id == T.post_id)),
            P.kim_id,
            scope,
        ).group_by(T.state)
        return {str(state): int(n) for state, n in conn.execute(query)}


@dataclass(frozen=True)
class PendingPost:
    post_id: int
    kim_slug: str
    author: str
    text: str
    created_at: datetime | None
    schedule_at: datetime | None
    targets: tuple[tuple[str, str], ...]  # (platform, handle)
    media_ids: tuple[int, ...]


def pending_approval(
    engine: sa.Engine, actor: Actor, *, kim: int | str | None = None, limit: int = 50
) -> tuple[list[PendingPost], int]:
    """Posts waiting for an admin, oldest first (first come, first reviewed), and how many there are."""
    from scheduler.domain.model import ReviewState
    from scheduler.store.tables import post_media, users

    with engine.connect() as conn:
        scope = kim_scope(conn, actor, kim)
        waiting = P.review_state == ReviewState.PENDING_APPROVAL.value
        total = int(
            conn.execute(
                restrict(sa.select(sa.func.count()).select_from(posts), P.kim_id, scope).where(waiting)
            ).scalar_one()
        )
        rows = list(
            conn.execute(
                restrict(
                    sa.select(P.id, kims.c.slug, users.c.name, P.text, P.created_at, P.schedule_at).select_from(
                        posts.join(kims, kims.c.id == P.kim_id).join(users, users.c.id == P.author_id)
                    ),
                    P.kim_id,
                    scope,
                )
                .where(waiting)
                .order_by(P.created_at, P.id)
                .limit(limit)
            )
        )
        ids = [r.id for r in rows]
        targets: dict[int, list[tuple[str, str]]] = {i: [] for i in ids}
        media: dict[int, list[int]] = {i: [] for i in ids}
        if ids:
            for r in conn.execute(
                sa.select(T.post_id, A.platform, A.handle)
                .select_from(post_targets.join(social_accounts, A.id == T.account_id))
                .where(T.post_id.in_(ids), T.occurrence == 0)
                .order_by(T.id)
            ):
                targets[r.post_id].append((str(r.platform), r.handle))
            for m in conn.execute(
                sa.select(post_media.c.post_id, post_media.c.media_id)
                .where(post_media.c.post_id.in_(ids))
                .order_by(post_media.c.position)
            ):
                media[m.post_id].append(m.media_id)
        return [
            PendingPost(
                r.id, r.slug, r.name, r.text, r.created_at, r.schedule_at, tuple(targets[r.id]), tuple(media[r.id])
            )
            for r in rows
        ], total
