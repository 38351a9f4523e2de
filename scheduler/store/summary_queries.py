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

from datetime import date
from typing import Sequence

import sqlalchemy as sa

from scheduler.store.engagement_tables import engagement_daily
from scheduler.store.tables import (
    destinations, kecamatan, kelurahan, kims, post_targets, posts, products, social_accounts,
)

D = engagement_daily.c
LATEST = sa.text("engagement_daily.is_latest")

#: group name -> what a row is grouped by (kept in this order in the output)
GROUPS = ("kim", "kelurahan", "kecamatan", "platform", "account", "subject", "category",
          "day", "week", "month")
TIME_GROUPS = ("day", "week", "month")


def _interactions(prefix: str = "") -> sa.ColumnElement[int]:
    return sum((sa.func.coalesce(getattr(D, f"{prefix}{name}"), 0)
                for name in ("likes", "comments", "shares", "saves")), sa.literal(0))


def _subject_label() -> sa.ColumnElement[str]:
    return sa.func.coalesce(products.c.name, destinations.c.name)


def _category() -> sa.ColumnElement[str]:
    return sa.func.coalesce(sa.func.nullif(products.c.category, ""),
                            sa.func.nullif(destinations.c.category, ""))


def _keys(group: str, day_column: sa.ColumnElement) -> list[sa.ColumnElement]:
    """(key, label) columns of a grouping."""
    if group == "kim":
        return [kims.c.slug.label("key"), kims.c.name.label("label")]
    if group == "kelurahan":
        return [kelurahan.c.code.label("key"), kelurahan.c.name.label("label")]
    if group == "kecamatan":
        return [kecamatan.c.code.label("key"), kecamatan.c.name.label("label")]
    if group == "platform":
        return [D.platform.label("key"), D.platform.label("label")]
    if group == "account":
        return [D.account_id.label("key"), social_accounts.c.handle.label("label"),
                D.platform.label("platform")]
    if group == "subject":
        return [D.subject_kind.label("key"), D.subject_id.label("key2"), _subject_label().label("label")]
    if group == "category":
        return [_category().label("key"), _category().label("label")]
    if group in TIME_GROUPS:
        return [day_column.label("key"), day_column.label("label")]
    raise ValueError(f"unknown group {group!r}")


def _joined(group: str) -> sa.FromClause:
    source: sa.FromClause = engagement_daily.join(kims, kims.c.id == D.kim_id)
    if group in ("kelurahan", "kecamatan"):
        source = source.join(kelurahan, kelurahan.c.code == kims.c.kelurahan_code)
    if group == "kecamatan":
        source = source.join(kecamatan, kecamatan.c.code == kelurahan.c.kecamatan_code)
    if group == "account":
        source = source.join(social_accounts, social_accounts.c.id == D.account_id)
    if group in ("subject", "category"):
        source = source.outerjoin(
            products, sa.and_(D.subject_kind == "product", products.c.id == D.subject_id)
        ).outerjoin(
            destinations, sa.and_(D.subject_kind == "destination", destinations.c.id == D.subject_id)
        )
    return source


def _filters(query: sa.Select, kim_ids: Sequence[int] | None, platform: str | None) -> sa.Select:
    if kim_ids is not None:
        query = query.where(D.kim_id.in_(list(kim_ids)))
    if platform:
        query = query.where(D.platform == platform)
    return query


def totals_query(group: str, first: date, last: date, *, kim_ids: Sequence[int] | None = None,
                 platform: str | None = None) -> sa.Select:
    """Per group: posts, latest cumulative metrics, interactions (all / where views are known),
    posts missing on the platform, newest capture. Posts published ``first``..``last`` (local days).
    """
    interactions = _interactions()
    keys = _keys(group, D.published_day)
    query = (
        sa.select(
            *keys,
            sa.func.count().label("posts"),
            *[sa.func.sum(getattr(D, n)).label(n) for n in ("likes", "comments", "shares", "views",
                                                            "reach", "saves")],
            sa.func.sum(interactions).label("interactions"),
            sa.func.sum(sa.case((D.views.is_not(None), interactions), else_=0)).label("interactions_with_views"),
            sa.func.sum(sa.case((D.views.is_not(None), 1), else_=0)).label("posts_with_views"),
            sa.func.sum(sa.case((D.remote_missing, 1), else_=0)).label("missing"),
            sa.func.max(D.captured_at).label("captured_at"),
        )
        .select_from(_joined(group))
        .where(LATEST, D.published_day >= first, D.published_day <= last)
        .group_by(*keys)
    )
    return _filters(query, kim_ids, platform)


def growth_query(group: str, first: date, last: date, *, kim_ids: Sequence[int] | None = None,
                 platform: str | None = None) -> sa.Select:
    """Per group: what was gained during local days ``first``..``last`` (sums of daily deltas)."""
    keys = _keys(group, D.day)
    query = (
        sa.select(
            *keys,
            sa.func.count(sa.distinct(D.target_id)).label("posts"),
            *[sa.func.sum(getattr(D, f"d_{n}")).label(n) for n in ("likes", "comments", "shares",
                                                                   "views", "reach", "saves")],
            sa.func.sum(_interactions("d_")).label("interactions"),
            sa.func.max(D.captured_at).label("captured_at"),
        )
        .select_from(_joined(group))
        .where(D.day >= first, D.day <= last)
        .group_by(*keys)
    )
    return _filters(query, kim_ids, platform)


def post_rows_query(first: date, last: date, *, kim_ids: Sequence[int] | None = None,
                    platform: str | None = None, account_id: int | None = None) -> sa.Select:
    """One row per target published in the period (latest values), for medians and rankings."""
    query = (
        sa.select(D.target_id, D.kim_id, D.account_id, D.platform, D.published_at, D.published_day,
                  D.likes, D.comments, D.shares, D.views, D.reach, D.saves, D.remote_missing,
                  D.captured_at, _interactions().label("interactions"), kims.c.slug.label("kim_slug"),
                  kims.c.timezone.label("timezone"), social_accounts.c.timezone.label("account_timezone"))
        .select_from(engagement_daily.join(kims, kims.c.id == D.kim_id)
                     .join(social_accounts, social_accounts.c.id == D.account_id))
        .where(LATEST, D.published_day >= first, D.published_day <= last)
    )
    if account_id is not None:
        query = query.where(D.account_id == account_id)
    return _filters(query, kim_ids, platform)


def top_posts_query(first: date, last: date, limit: int, *, kim_ids: Sequence[int] | None = None,
                    platform: str | None = None) -> sa.Select:
    """The posts with the most interactions published in the period, with text and permalink."""
    interactions = _interactions()
    query = (
        sa.select(D.target_id, D.platform, D.published_at, D.published_day, D.likes, D.comments,
                  D.shares, D.views, D.reach, D.saves, D.remote_missing, interactions.label("interactions"),
                  kims.c.slug.label("kim_slug"), kims.c.name.label("kim_name"),
                  post_targets.c.permalink, posts.c.text, social_accounts.c.handle)
        .select_from(engagement_daily.join(kims, kims.c.id == D.kim_id)
                     .join(post_targets, post_targets.c.id == D.target_id)
                     .join(posts, posts.c.id == post_targets.c.post_id)
                     .join(social_accounts, social_accounts.c.id == D.account_id))
        .where(LATEST, D.published_day >= first, D.published_day <= last)
        .order_by(interactions.desc(), D.target_id)
        .limit(limit)
    )
    return _filters(query, kim_ids, platform)


def coverage_query(since: sa.ColumnElement | object) -> sa.Select:
    """Every kelurahan with its KIM (if any), accounts, and publications since ``since``."""
    published = (
        sa.select(posts.c.kim_id.label("kim_id"),
                  sa.func.count().label("published_recent"))
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
        .group_by(social_accounts.c.kim_id).subquery()
    )
    return (
        sa.select(kelurahan.c.code, kelurahan.c.name, kecamatan.c.name.label("kecamatan"),
                  kims.c.id.label("kim_id"), kims.c.slug, kims.c.name.label("kim_name"),
                  kims.c.formed_on, kims.c.created_at,
                  sa.func.coalesce(accounts.c.accounts, 0).label("accounts"),
                  sa.func.coalesce(published.c.published_recent, 0).label("published_recent"),
                  last.c.last_at)
        .select_from(
            kelurahan.join(kecamatan, kecamatan.c.code == kelurahan.c.kecamatan_code)
            .outerjoin(kims, kims.c.kelurahan_code == kelurahan.c.code)
            .outerjoin(accounts, accounts.c.kim_id == kims.c.id)
            .outerjoin(published, published.c.kim_id == kims.c.id)
            .outerjoin(last, last.c.kim_id == kims.c.id)
        )
        .order_by(kecamatan.c.name, kelurahan.c.name)
    )
