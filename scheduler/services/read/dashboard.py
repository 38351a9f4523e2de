"""The dashboard's read model: what is due today, what failed and why, accounts to reconnect.

One function, :func:`dashboard`, answers for any role: a member or admin
sees their own KIM, staff and superadmin every KIM (or one they filter on).
Engagement comes from ``services.engagement.summaries`` (the same numbers
as the engagement page and the reports).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from scheduler.domain.model import AccountStatus, TargetState
from scheduler.domain.timezones import get_zone
from scheduler.services.engagement import summaries
from scheduler.services.people.actors import Actor
from scheduler.services.read.queue import (
    PendingPost,
    TargetRow,
    calendar_targets,
    pending_approval,
    target_row,
    target_rows_query,
)
from scheduler.services.read.scope import kim_scope, restrict
from scheduler.store.tables import kims, post_targets, posts, social_accounts

T, P, A = post_targets.c, posts.c, social_accounts.c
PROBLEM_STATES = (TargetState.FAILED.value, TargetState.NEEDS_RECONNECT.value, TargetState.UNKNOWN.value)
RECENT_DAYS = 7


@dataclass(frozen=True)
class AccountAlert:
    account_id: int
    kim_slug: str
    platform: str
    handle: str
    status: str
    reason: str | None
    paused_until: datetime | None
    sandbox: bool


@dataclass
class Dashboard:
    today: date
    due_today: list[TargetRow]
    failed: list[TargetRow]
    accounts: list[AccountAlert]
    pending: list[PendingPost]
    pending_total: int
    engagement: summaries.Summary | None
    engagement_by_day: list[summaries.SummaryRow] = field(default_factory=list)
    sandbox_accounts: list[AccountAlert] = field(default_factory=list)


def local_day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """The UTC instants of the start of ``day`` and of the next day in ``zone``."""
    tz = get_zone(zone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


def dashboard(engine: sa.Engine, actor: Actor, *, now: datetime, zone: str, kim: int | str | None = None) -> Dashboard:
    """Everything the dashboard shows, for ``actor`` at ``now`` (days are local to ``zone``)."""
    today = now.astimezone(get_zone(zone)).date()
    start, end = local_day_bounds(today, zone)
    due = calendar_targets(engine, actor, start=start, end=end, kim=kim)
    pending, pending_total = pending_approval(engine, actor, kim=kim, limit=10)
    with engine.connect() as conn:
        scope = kim_scope(conn, actor, kim)
        failed_q = (
            restrict(target_rows_query(), P.kim_id, scope)
            .where(T.state.in_(PROBLEM_STATES), T.updated_at >= now - timedelta(days=30))
            .order_by(T.updated_at.desc())
            .limit(20)
        )
        failed = [target_row(r) for r in conn.execute(failed_q)]
        acc_q = restrict(
            sa.select(
                A.id, kims.c.slug, A.platform, A.handle, A.status, A.status_reason, A.paused_until, A.sandbox
            ).select_from(social_accounts.join(kims, kims.c.id == A.kim_id)),
            A.kim_id,
            scope,
        ).order_by(A.id)
        alerts, sandbox = [], []
        for r in conn.execute(acc_q):
            alert = AccountAlert(
                r.id, r.slug, str(r.platform), r.handle, str(r.status), r.status_reason, r.paused_until, bool(r.sandbox)
            )
            if alert.sandbox:
                sandbox.append(alert)
            if alert.status != AccountStatus.ACTIVE.value:
                alerts.append(alert)
    slug = None
    if kim not in (None, ""):
        slug = _slug(engine, kim)
    engagement = summaries.engagement_summary(
        engine, actor, group_by="day", first=today - timedelta(days=RECENT_DAYS - 1), last=today, kim=slug
    )
    return Dashboard(today, due, failed, alerts, pending, pending_total, engagement, engagement.rows, sandbox)


def _slug(engine: sa.Engine, kim: int | str) -> str | None:
    if isinstance(kim, int) or str(kim).isdigit():
        with engine.connect() as conn:
            return conn.execute(sa.select(kims.c.slug).where(kims.c.id == int(kim))).scalar()
    return str(kim)
