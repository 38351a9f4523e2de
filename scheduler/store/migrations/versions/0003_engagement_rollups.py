"""Engagement: daily rollups per target and local day, and per-account call budgets.

Tables of ``scheduler.store.engagement_tables``; plain SQLAlchemy types only.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 08:50:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
_METRICS = ('likes', 'comments', 'shares', 'views', 'reach', 'saves')


def upgrade() -> None:
    op.create_table('engagement_daily',
    sa.Column('target_id', _BIG_ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kim_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('subject_kind', sa.String(length=20), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_day', sa.Date(), nullable=False),
    *[sa.Column(name, sa.BigInteger(), nullable=True) for name in _METRICS],
    *[sa.Column(f'd_{name}', sa.BigInteger(), nullable=False) for name in _METRICS],
    sa.Column('remote_missing', sa.Boolean(), nullable=False),
    sa.Column('is_latest', sa.Boolean(), nullable=False),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['target_id'], ['post_targets.id'], name=op.f('fk_engagement_daily_target_id_post_targets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('target_id', 'day', name=op.f('pk_engagement_daily'))
    )
    op.create_index('ix_engagement_daily_day_kim', 'engagement_daily', ['day', 'kim_id'], unique=False)
    op.create_index('ix_engagement_daily_latest', 'engagement_daily', ['published_day', 'kim_id'], unique=False, postgresql_where=sa.text('is_latest'), sqlite_where=sa.text('is_latest'))
    op.create_table('engagement_budgets',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('calls_used', sa.Integer(), nullable=False),
    sa.Column('paused_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('calls_used >= 0', name=op.f('ck_engagement_budgets_calls_used')),
    sa.ForeignKeyConstraint(['account_id'], ['social_accounts.id'], name=op.f('fk_engagement_budgets_account_id_social_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_engagement_budgets'))
    )


def downgrade() -> None:
    op.drop_table('engagement_budgets')
    op.drop_table('engagement_daily')
