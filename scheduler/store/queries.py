"""Queries over live targets that must stay fast however much history there is.

Each one filters on exactly the predicate of a partial index in
``tables/posts.py``, written as a SQL literal rather than a bound parameter.
PostgreSQL can only use a partial index in a plan made for the literal
value: a generic plan for ``state = $1`` (psycopg prepares statements run 5+
times; PostgreSQL may then cache a generic plan, and always does under
``plan_cache_mode = force_generic_plan``) sequentially scans every target.
Checked on PostgreSQL 15 with 200,000 rows: generic plan with ``$1`` = Seq
Scan + Sort; with the literal, Index Scan on the partial index. SQLite 3.40
copes with either form. Keep the literals when editing.

These only *select*; claiming (setting ``queued`` and a lease) belongs to the
dispatch service.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from scheduler.store.tables import post_targets

T = post_targets.c
Columns = tuple[sa.ColumnElement[Any], ...]

DUE = sa.text("post_targets.state = 'scheduled'")  # ix_targets_due
RETRY = sa.text("post_targets.state = 'retry_wait'")  # ix_targets_retry
LEASED = sa.text("post_targets.state IN ('queued', 'publishing')")  # ix_targets_lease
UNKNOWN = sa.text("post_targets.state = 'unknown'")  # ix_targets_unknown
PUBLISHED = sa.text("post_targets.state = 'published'")  # ix_targets_engagement
QUEUED = sa.text("post_targets.state = 'queued'")  # implies LEASED: ix_targets_lease
PUBLISHING = sa.text("post_targets.state = 'publishing'")  # implies LEASED: ix_targets_lease


#: A select of the caller's columns (``post_targets.id`` when none are given).
Query = sa.Select[*tuple[Any, ...]]


def _live(
    where: tuple[sa.ColumnElement[bool] | sa.TextClause, ...],
    order: sa.ColumnElement[Any],
    limit: int,
    columns: Columns,
) -> Query:
    return sa.select(*(columns or (T.id,))).where(*where).order_by(order).limit(limit)


def _locked(query: Query, lock: bool) -> Query:
    return query.with_for_update(skip_locked=True) if lock else query


def due_targets_query(now: datetime, limit: int = 500, *columns: sa.ColumnElement[Any], lock: bool = True) -> Query:
    """Scheduled targets due at ``now``, oldest first, locked with SKIP LOCKED.

    ``FOR UPDATE SKIP LOCKED`` on PostgreSQL lets several dispatchers claim
    disjoint batches; SQLite ignores it (its writers are serialised anyway).
    Uses ``ix_targets_due``.
    """
    return _locked(_live((DUE, T.scheduled_at <= now), T.scheduled_at, limit, columns), lock)


def retry_due_query(now: datetime, limit: int = 500, *columns: sa.ColumnElement[Any], lock: bool = True) -> Query:
    """Targets in ``retry_wait`` whose ``next_attempt_at`` has come (``ix_targets_retry``)."""
    return _locked(_live((RETRY, T.next_attempt_at <= now), T.next_attempt_at, limit, columns), lock)


def expired_leases_query(now: datetime, limit: int = 500, *columns: sa.ColumnElement[Any], lock: bool = True) -> Query:
    """``queued``/``publishing`` targets whose lease ran out (``ix_targets_lease``)."""
    return _locked(_live((LEASED, T.lease_until < now), T.lease_until, limit, columns), lock)


def unknown_targets_query(limit: int = 500, *columns: sa.ColumnElement[Any]) -> Query:
    """Targets to reconcile, longest-waiting first (``ix_targets_unknown``)."""
    return _live((UNKNOWN,), T.updated_at, limit, columns)


def engagement_due_query(now: datetime, limit: int = 500, *columns: sa.ColumnElement[Any]) -> Query:
    """Published targets whose engagement should be refreshed (``ix_targets_engagement``)."""
    return _live((PUBLISHED, T.engagement_due_at <= now), T.engagement_due_at, limit, columns)
