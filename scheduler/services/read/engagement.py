"""The engagement page's read model: one scope, then totals, groups, top posts and best hours.

Definitions and authorization are those of ``services.engagement.summaries``
(docs/engagement.md): the scope is resolved there, then narrowed further by
kelurahan or kecamatan (a kecamatan holds several KIMs, so the narrowed scope
is a set of KIM ids). Every number on the page comes from the same scope.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from scheduler.domain.engagement import HourStat, best_hours, local_hour
from scheduler.services.engagement import summaries
from scheduler.services.people.actors import Actor
from scheduler.store import summary_queries as q
from scheduler.store.tables import kecamatan as kecamatan_t
from scheduler.store.tables import kelurahan as kelurahan_t
from scheduler.store.tables import kims

GROUPINGS = ("kim", "kelurahan", "kecamatan", "platform", "subject")


@dataclass
class EngagementView:
    scope: summaries.Scope
    by_day: summaries.Summary
    by_group: summaries.Summary
    top: list[Any]
    hours: list[HourStat]  # every hour with posts, by hour
    best: list[HourStat]  # the three best hours


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def filter_choices(engine: sa.Engine, actor: Actor) -> dict[str, list[Choice]]:
    """KIMs, kelurahan and kecamatan to filter on (KIM-bound roles: only their own KIM)."""
    with engine.connect() as conn:
        kim_rows = conn.execute(sa.select(kims.c.id, kims.c.slug, kims.c.name).order_by(kims.c.name))
        own = [r for r in kim_rows if not actor.is_kim_bound or r.id == actor.kim_id]
        kel = conn.execute(sa.select(kelurahan_t.c.code, kelurahan_t.c.name).order_by(kelurahan_t.c.name))
        kec = conn.execute(sa.select(kecamatan_t.c.code, kecamatan_t.c.name).order_by(kecamatan_t.c.name))
        return {
            "kim": [Choice(r.slug, r.name) for r in own],
            "kelurahan": [Choice(r.code, r.name) for r in kel] if not actor.is_kim_bound else [],
            "kecamatan": [Choice(r.code, r.name) for r in kec] if not actor.is_kim_bound else [],
        }


def _narrow(
    conn: sa.Connection, scope: summaries.Scope, kelurahan: str | None, kecamatan: str | None
) -> summaries.Scope:
    if not kelurahan and not kecamatan:
        return scope
    query = sa.select(kims.c.id).join(kelurahan_t, kelurahan_t.c.code == kims.c.kelurahan_code)
    if kelurahan:
        query = query.where(kelurahan_t.c.code == kelurahan)
    if kecamatan:
        query = query.where(kelurahan_t.c.kecamatan_code == kecamatan)
    ids = {r.id for r in conn.execute(query)}
    if scope.kim_ids is not None:
        ids &= set(scope.kim_ids)
    return dataclasses.replace(scope, kim_ids=tuple(sorted(ids)))


def engagement_view(
    engine: sa.Engine,
    actor: Actor,
    *,
    first: date,
    last: date,
    group_by: str = "kim",
    kim: str | None = None,
    kelurahan: str | None = None,
    kecamatan: str | None = None,
    platform: str | None = None,
    top: int = 10,
) -> EngagementView:
    """Everything the engagement page shows for one filter."""
    summaries.check_group(group_by)
    with engine.connect() as conn:
        scope = summaries.resolve_scope(conn, actor, first, last, kim=kim, platform=platform)
        scope = _narrow(conn, scope, kelurahan, kecamatan)
        # The summaries module's own folding (definitions live there, not here).
        by_day = summaries.summarise(conn, "day", scope, growth=False)
        by_group = summaries.summarise(conn, group_by, scope, growth=False)
        top_rows = list(
            conn.execute(
                q.top_posts_query(first, last, max(1, min(top, 50)), kim_ids=scope.kim_ids, platform=scope.platform)
            )
        )
        history = [
            (local_hour(r.published_at, r.account_timezone or r.timezone), int(r.interactions))
            for r in conn.execute(q.post_rows_query(first, last, kim_ids=scope.kim_ids, platform=scope.platform))
        ]
    hours = sorted(best_hours(history, min_posts=1, top=24), key=lambda h: h.hour)
    best = best_hours(history, min_posts=2, top=3)
    return EngagementView(scope, by_day, by_group, top_rows, hours, best)


def days_filled(summary: summaries.Summary, first: date, last: date) -> list[summaries.SummaryRow]:
    """One row per day of the period (days without posts as zero rows), for a chart over time."""
    from datetime import timedelta

    known = {r.key: r for r in summary.rows}
    out = []
    day = first
    while day <= last:
        key = day.isoformat()
        out.append(
            known.get(key)
            or summaries.SummaryRow(
                key=key,
                label=key,
                posts=0,
                likes=0,
                comments=0,
                shares=0,
                views=None,
                reach=None,
                saves=None,
                interactions=0,
                interactions_with_views=0,
                posts_with_views=0,
                engagement_rate=None,
                missing=0,
            )
        )
        day += timedelta(days=1)
    return out


def export_report(
    engine: sa.Engine,
    actor: Actor,
    *,
    first: date,
    last: date,
    group_by: str,
    now: Any,
    kim: str | None = None,
    kelurahan: str | None = None,
    kecamatan: str | None = None,
    platform: str | None = None,
) -> Any:
    """The page's filter as a report (``services.engagement.reports``): by the chosen group and by day."""
    from scheduler.services.engagement import reports

    summaries.check_group(group_by)
    with engine.connect() as conn:
        scope = summaries.resolve_scope(conn, actor, first, last, kim=kim, platform=platform)
        scope = _narrow(conn, scope, kelurahan, kecamatan)
        parts = [summaries.summarise(conn, g, scope, growth=False) for g in dict.fromkeys((group_by, "day"))]
    filters = scope.filters()
    if kelurahan:
        filters["kelurahan"] = kelurahan
    if kecamatan:
        filters["kecamatan"] = kecamatan
    captured = max((s.captured_at for s in parts if s.captured_at), default=None)
    return reports.Report(parts, filters, captured, now)
