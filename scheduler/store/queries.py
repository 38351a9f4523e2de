"""Queries over live targets that must stay fast however much history there is.

Each one filters on exactly the predicate of a partial index in
``tables.py``, written as a SQL literal rather than a bound parameter.
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

import sqlalchemy as sa

from scheduler.store.tables import post_targets

T = post_targets.c

DUE = sa.text("post_targets.state = 'scheduled'")  # ix_targets_due
RETRY = sa.text("post_targets.state = 'retry_wait'")  # ix_targets_retry
LEASED = sa.text("post_targets.state IN ('queued', 'publishing')")  # ix_targets_lease
UNKNOWN = sa.text("post_targets.state = 'unknown'")  # ix_targets_unknown
PUBLISHED = sa.text("post_targets.state = 'published'")  # ix_targets_engagement
QUEUED = sa.text("post_targets.state = 'queued'")  # implies LEASED: ix_targets_lease
PUBLISHING = sa.text("post_targets.state = 'publishing'")  # implies LEASED: ix_targets_lease


def _columns(columns: tuple[sa.ColumnElement, ...]) -> tuple[sa.ColumnElement, ...]:
    return columns or (T.id,)


def due_targets_query(now: datetime, limit: int = 500, *columns: sa.ColumnElement, lock: bool = True) -> sa.Select:
    """Scheduled targets due at ``now``, oldest first, locked with SKIP LOCKED.

    ``FOR UPDATE SKIP LOCKED`` on PostgreSQL lets several dispatchers claim
    disjoint batches; SQLite ignores it (its writers are serialised anyway).
    Uses ``ix_targets_due``.
    """
    query = sa.select(*_columns(columns)).where(DUE, T.scheduled_at <= now).order_by(T.scheduled_at).limit(limit)
    return query.with_for_update(skip_locked=True) if lock else query


def retry_due_query(now: datetime, limit: int = 500, *columns: sa.ColumnElement, lock: bool = True) -> sa.Select:
    """Targets in ``retry_wait`` whose ``next_attempt_at`` has come (``ix_targets_retry``)."""
    query = (
        sa.select(*_columns(columns)).where(RETRY, T.next_attempt_at <= now).order_by(T.next_attempt_at).limit(limit)
    )
    return query.with_for_update(skip_locked=True) if lock else query


def expired_leases_query(now: datetime, limit: int = 500, *columns: sa.ColumnElement, lock: bool = True) -> sa.Select:
    """``queued``/``publishing`` targets whose lease ran out (``ix_targets_lease``)."""
    query = sa.select(*_columns(columns)).where(LEASED, T.lease_until < now).order_by(T.lease_until).limit(limit)
    return query.with_for_update(skip_locked=True) if lock else query


def unknown_targets_query(limit: int = 500, *columns: sa.ColumnElement) -> sa.Select:
    """Targets to reconcile, longest-waiting first (``ix_targets_unknown``)."""
    return sa.select(*_columns(columns)).where(UNKNOWN).order_by(T.updated_at).limit(limit)


def engagement_due_query(now: datetime, limit: int = 500, *columns: sa.ColumnElement) -> sa.Select:
    """Published targets whose engagement should be refreshed (``ix_targets_engagement``)."""
    return (
        sa.select(*_columns(columns))
        .where(PUBLISHED, T.engagement_due_at <= now)
        .order_by(T.engagement_due_at)
        .limit(limit)
    )
