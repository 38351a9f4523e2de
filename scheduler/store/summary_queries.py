"""Engagement summary queries over the daily rollups (``engagement_daily``).

Two questions, two row sets:

* *totals* of the posts published in a period (local publication day in the
  KIM's zone), as of the latest measurement: rows with ``is_latest``
  (partial index ``ix_engagement_daily_latest``), one per target;
* *growth* during a period: the daily deltas of every row whose local
  measurement day is in the period (``ix_engagement_daily_day_kim``).

Neither touches ``engagement_snapshots``, so they stay fast however long the
history is. ``is_latest`` is written as a SQL literal for the same reason as
in ``queries.py`` (a partial index is only used for the literal predicate).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from scheduler.store.engagement_tables import engagement_daily
from scheduler.store.queries import Query
from scheduler.store.tables import (
    destinations,
    kecamatan,
    kelurahan,
    kims,
    post_targets,
    posts,
    products,
    social_accounts,
)

D = engagement_daily.c
LATEST = sa.text("engagement_daily.is_latest")
METRICS = ("likes", "comments", "shares", "views", "reach", "saves")

#: group name -> what a row is grouped by (kept in this order in the output)
GROUPS = ("kim", "kelurahan", "kecamatan", "platform", "account", "subject", "category", "day", "week", "month")
TIME_GROUPS = ("day", "week", "month")


def _interactions(prefix: str = "", columns: Any = D) -> sa.ColumnElement[int]:
    return sum(
        (sa.func.coalesce(getattr(columns, f"{prefix}{name}"), 0) for name in ("likes", "comments", "shares", "saves")),
        sa.literal(0),
    )


def _subject_label() -> sa.ColumnElement[str]:
    return sa.func.coalesce(products.c.name, destinations.c.name)


def _category() -> sa.ColumnElement[str]:
    return sa.func.coalesce(sa.func.nullif(products.c.category, ""), sa.func.nullif(destinations.c.category, ""))


def _latest_values() -> list[sa.ColumnElement[Any]]:
    """When a post was published and its latest metrics (a post's row in the rankings)."""
    return [D.published_at, D.published_day, *(getattr(D, name) for name in METRICS), D.remote_missing]


def _published_between(first: date, last: date) -> list[sa.ColumnElement[bool] | sa.TextClause]:
    """The latest row of every post published on local days ``first``..``last``."""
    return [LATEST, D.published_day >= first, D.published_day <= last]


def _inner_keys(group: str, day_column: sa.ColumnElement[Any]) -> list[sa.ColumnElement[Any]]:
    """The rollup columns a grouping needs (aggregated first, joined to labels afterwards)."""
    if group in ("kim", "kelurahan", "kecamatan"):
        return [D.kim_id]
    if group == "platform":
        return [D.platform]
    if group == "account":
        return [D.account_id, D.platform]
    if group in ("subject", "category"):
        return [D.subject_kind, D.subject_id]
    if group in TIME_GROUPS:
        return [day_column.label("day")]
    raise ValueError(f"unknown group {group!r}")


def _outer(group: str, sub: Any) -> tuple[sa.FromClause, list[sa.ColumnElement[Any]]]:
    """(from clause, (key, label, ...) columns) joining the aggregated rows to their labels."""
    c = sub.c
    if group in ("kim", "kelurahan", "kecamatan"):
        source: sa.FromClause = sub.join(kims, kims.c.id == c.kim_id)
        if group == "kim":
            return source, [kims.c.slug.label("key"), kims.c.name.label("label")]
        source = source.join(kelurahan, kelurahan.c.code == kims.c.kelurahan_code)
        if group == "kelurahan":
            return source, [kelurahan.c.code.label("key"), kelurahan.c.name.label("label")]
        source = source.join(kecamatan, kecamatan.c.code == kelurahan.c.kecamatan_code)
        return source, [kecamatan.c.code.label("key"), kecamatan.c.name.label("label")]
    if group == "platform":
        return sub, [c.platform.label("key"), c.platform.label("label")]
    if group == "account":
        source = sub.join(social_accounts, social_accounts.c.id == c.account_id)
        return source, [
            c.account_id.label("key"),
            social_accounts.c.handle.label("label"),
            c.platform.label("platform"),
        ]
    if group in ("subject", "category"):
        source = sub.outerjoin(products, sa.and_(c.subject_kind == "product", products.c.id == c.subject_id)).outerjoin(
            destinations, sa.and_(c.subject_kind == "destination", destinations.c.id == c.subject_id)
        )
        if group == "subject":
            return source, [c.subject_kind.label("key"), c.subject_id.label("key2"), _subject_label().label("label")]
        return source, [_category().label("key"), _category().label("label")]
    return sub, [c.day.label("key"), c.day.label("label")]


def _filters(query: Query, kim_ids: Sequence[int] | None, platform: str | None) -> Query:
    if kim_ids is not None:
        query = query.where(D.kim_id.in_(list(kim_ids)))
    if platform:
        query = query.where(D.platform == platform)
    return query


def _aggregate(
    group: str,
    where: list[sa.ColumnElement[bool] | sa.TextClause],
    prefix: str,
    day_column: sa.ColumnElement[Any],
    kim_ids: Sequence[int] | None,
    platform: str | None,
) -> Query:
    """Aggregate the rollup rows by the few columns ``group`` needs, then label them.

    Two levels on purpose: the big aggregation runs over narrow rollup rows
    with a small hash table (e.g. 40 KIMs), and only its result is joined to
    the registry tables; joining first and grouping by text labels made
    PostgreSQL sort ~120,000 rows for one month (measured: 350 ms -> 60 ms).
    """
    interactions = _interactions(prefix)
    inner_keys = _inner_keys(group, day_column)
    metrics = [sa.func.sum(getattr(D, f"{prefix}{n}")).label(n) for n in METRICS]
    inner = (
        sa.select(
            *inner_keys,
            sa.func.count().label("posts"),
            *metrics,
            sa.func.sum(interactions).label("interactions"),
            sa.func.sum(sa.case((getattr(D, f"{prefix}views").is_not(None), interactions), else_=0)).label(
                "interactions_with_views"
            ),
            sa.func.sum(sa.case((getattr(D, f"{prefix}views").is_not(None), 1), else_=0)).label("posts_with_views"),
            sa.func.sum(sa.case((D.remote_missing, 1), else_=0)).label("missing"),
            sa.func.max(D.captured_at).label("captured_at"),
        )
        .where(*where)
        .group_by(*inner_keys)
    )
    sub = _filters(inner, kim_ids, platform).subquery("agg")
    source, keys = _outer(group, sub)
    c = sub.c
    return (
        sa.select(
            *keys,
            sa.func.sum(c.posts).label("posts"),
            *[sa.func.sum(getattr(c, n)).label(n) for n in METRICS],
            sa.func.sum(c.interactions).label("interactions"),
            sa.func.sum(c.interactions_with_views).label("interactions_with_views"),
            sa.func.sum(c.posts_with_views).label("posts_with_views"),
            sa.func.sum(c.missing).label("missing"),
            sa.func.max(c.captured_at).label("captured_at"),
        )
        .select_from(source)
        .group_by(*keys)
    )


def totals_query(
    group: str, first: date, last: date, *, kim_ids: Sequence[int] | None = None, platform: str | None = None
) -> Query:
    """Per group: posts, latest cumulative metrics, interactions (all / where views are known),
    posts missing on the platform, newest capture. Posts published ``first``..``last`` (local days).
    """
    return _aggregate(group, _published_between(first, last), "", D.published_day, kim_ids, platform)


def growth_query(
    group: str, first: date, last: date, *, kim_ids: Sequence[int] | None = None, platform: str | None = None
) -> Query:
    """Per group: what was gained during local days ``first``..``last`` (sums of daily deltas).

    ``posts`` counts post-days here (a post measured on three days of the
    period counts three times); per day it is the number of posts measured.
    """
    return _aggregate(group, [D.day >= first, D.day <= last], "d_", D.day, kim_ids, platform)


def post_rows_query(
    first: date,
    last: date,
    *,
    kim_ids: Sequence[int] | None = None,
    platform: str | None = None,
    account_id: int | None = None,
) -> Query:
    """One row per target published in the period (latest values), for medians and rankings."""
    query = (
        sa.select(
            D.target_id,
            D.kim_id,
            D.account_id,
            D.platform,
            *_latest_values(),
            D.captured_at,
            _interactions().label("interactions"),
            kims.c.slug.label("kim_slug"),
            kims.c.timezone.label("timezone"),
            social_accounts.c.timezone.label("account_timezone"),
        )
        .select_from(
            engagement_daily.join(kims, kims.c.id == D.kim_id).join(
                social_accounts, social_accounts.c.id == D.account_id
            )
        )
        .where(*_published_between(first, last))
    )
    if account_id is not None:
        query = query.where(D.account_id == account_id)
    return _filters(query, kim_ids, platform)


def top_posts_query(
    first: date, last: date, limit: int, *, kim_ids: Sequence[int] | None = None, platform: str | None = None
) -> Query:
    """The posts with the most interactions published in the period, with text and permalink."""
    interactions = _interactions()
    query = (
        sa.select(
            D.target_id,
            D.platform,
            *_latest_values(),
            interactions.label("interactions"),
            kims.c.slug.label("kim_slug"),
            kims.c.name.label("kim_name"),
            post_targets.c.permalink,
            posts.c.text,
            social_accounts.c.handle,
        )
        .select_from(
            engagement_daily.join(kims, kims.c.id == D.kim_id)
            .join(post_targets, post_targets.c.id == D.target_id)
            .join(posts, posts.c.id == post_targets.c.post_id)
            .join(social_accounts, social_accounts.c.id == D.account_id)
        )
        .where(*_published_between(first, last))
        .order_by(interactions.desc(), D.target_id)
        .limit(limit)
    )
    return _filters(query, kim_ids, platform)


def coverage_query(since: sa.ColumnElement[Any] | object) -> Query:
    """Every kelurahan with its KIM (if any), accounts, and publications since ``since``."""
    published = (
        sa.select(posts.c.kim_id.label("kim_id"), sa.func.count().label("published_recent"))
        .select_from(post_targets.join(posts, posts.c.id == post_targets.c.post_id))
        .where(sa.text("post_targets.state = 'published'"), post_targets.c.published_at >= since)
        .group_by(posts.c.kim_id)
        .subquery()
    )
    last = (
        sa.select(posts.c.kim_id.label("kim_id"), sa.func.max(post_targets.c.published_at).label("last_at"))
        .select_from(post_targets.join(posts, posts.c.id == post_targets.c.post_id))
        .where(sa.text("post_targets.state = 'published'"))
        .group_by(posts.c.kim_id)
        .subquery()
    )
    accounts = (
        sa.select(social_accounts.c.kim_id, sa.func.count().label("accounts"))
        .group_by(social_accounts.c.kim_id)
        .subquery()
    )
    return (
        sa.select(
            kelurahan.c.code,
            kelurahan.c.name,
            kecamatan.c.name.label("kecamatan"),
            kims.c.id.label("kim_id"),
            kims.c.slug,
            kims.c.name.label("kim_name"),
            kims.c.formed_on,
            kims.c.created_at,
            sa.func.coalesce(accounts.c.accounts, 0).label("accounts"),
            sa.func.coalesce(published.c.published_recent, 0).label("published_recent"),
            last.c.last_at,
        )
        .select_from(
            kelurahan.join(kecamatan, kecamatan.c.code == kelurahan.c.kecamatan_code)
            .outerjoin(kims, kims.c.kelurahan_code == kelurahan.c.code)
            .outerjoin(accounts, accounts.c.kim_id == kims.c.id)
            .outerjoin(published, published.c.kim_id == kims.c.id)
            .outerjoin(last, last.c.kim_id == kims.c.id)
        )
        .order_by(kecamatan.c.name, kelurahan.c.name)
    )
