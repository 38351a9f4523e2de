"""Engagement tables: daily rollups and per-account call budgets (migration 0002).

They register on the same ``metadata`` as ``scheduler.store.tables``; import this module
wherever the whole schema is needed (Alembic's comparison, ``create_all``).

``engagement_daily`` holds one row per target and *local* day (the KIM's time
zone) on which the target was measured: the cumulative values at the end of
that day (the last snapshot of the day), the growth during that day
(``d_*``), and copies of what summaries group by (KIM, account, platform,
subject, publication instant and local publication day), so summaries never
touch ``engagement_snapshots`` or join posts. ``is_latest`` marks each
target's newest row: totals "as of now" read only those rows through a
partial index. A post that went missing keeps its last values seen, with
``remote_missing`` set and no growth.
"""

from __future__ import annotations

import sqlalchemy as sa

from scheduler.store.tables import BigId, metadata
from scheduler.store.types import UtcDateTime

_METRICS = ("likes", "comments", "shares", "views", "reach", "saves")

engagement_daily = sa.Table(
    "engagement_daily",
    metadata,
    sa.Column("target_id", BigId, sa.ForeignKey("post_targets.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),  # local day of the measurement
    sa.Column("kim_id", sa.Integer, nullable=False),
    sa.Column("account_id", sa.Integer, nullable=False),
    sa.Column("platform", sa.String(20), nullable=False),
    sa.Column("subject_kind", sa.String(20), nullable=True),
    sa.Column("subject_id", sa.Integer, nullable=True),
    sa.Column("published_at", UtcDateTime, nullable=False),
    sa.Column("published_day", sa.Date, nullable=False),  # local day of publication
    *[sa.Column(name, sa.BigInteger, nullable=True) for name in _METRICS],
    *[sa.Column(f"d_{name}", sa.BigInteger, nullable=False, default=0) for name in _METRICS],
    sa.Column("remote_missing", sa.Boolean, nullable=False, default=False),
    sa.Column("is_latest", sa.Boolean, nullable=False, default=True),
    sa.Column("captured_at", UtcDateTime, nullable=False),
    # Growth over a period: every row of the period's days.
    sa.Index("ix_engagement_daily_day_kim", "day", "kim_id"),
    # Totals of the posts published in a period, as of now: one row per target.
    sa.Index(
        "ix_engagement_daily_latest",
        "published_day",
        "kim_id",
        postgresql_where=sa.text("is_latest"),
        sqlite_where=sa.text("is_latest"),
    ),
)

engagement_budgets = sa.Table(
    "engagement_budgets",
    metadata,
    sa.Column("account_id", sa.Integer, sa.ForeignKey("social_accounts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("window_start", UtcDateTime, nullable=True),
    sa.Column("calls_used", sa.Integer, nullable=False, default=0),
    sa.Column("paused_until", UtcDateTime, nullable=True),
    sa.Column("updated_at", UtcDateTime, nullable=True),
    sa.CheckConstraint("calls_used >= 0", name="calls_used"),
)
