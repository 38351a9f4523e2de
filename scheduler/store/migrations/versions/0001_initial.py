"""Initial schema: every table of Siar, from an empty database (PostgreSQL and SQLite).

Column types are plain SQLAlchemy types (not scheduler.store.types) so this
file keeps meaning the same DDL whatever later versions of the code say.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 08:12:06.169460
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('heartbeats',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('hostname', sa.String(length=255), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('worker', 'beat')", name=op.f('ck_heartbeats_kind')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_heartbeats'))
    )
    op.create_table('kecamatan',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_kecamatan'))
    )
    op.create_table('kelurahan',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kecamatan_code', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['kecamatan_code'], ['kecamatan.code'], name=op.f('fk_kelurahan_kecamatan_code_kecamatan'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_kelurahan'))
    )
    op.create_index(op.f('ix_kelurahan_kecamatan_code'), 'kelurahan', ['kecamatan_code'], unique=False)
    op.create_table('kims',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kelurahan_code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('formed_on', sa.Date(), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('allow_self_approval', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['kelurahan_code'], ['kelurahan.code'], name=op.f('fk_kims_kelurahan_code_kelurahan'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kims')),
    sa.UniqueConstraint('kelurahan_code', name=op.f('uq_kims_kelurahan_code')),
    sa.UniqueConstraint('slug', name=op.f('uq_kims_slug'))
    )
    op.create_table('destinations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kelurahan_code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.Column('kim_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['kelurahan_code'], ['kelurahan.code'], name=op.f('fk_destinations_kelurahan_code_kelurahan'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['kim_id'], ['kims.id'], name=op.f('fk_destinations_kim_id_kims'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destinations'))
    )
    op.create_index(op.f('ix_destinations_kelurahan_code'), 'destinations', ['kelurahan_code'], unique=False)
    op.create_index(op.f('ix_destinations_kim_id'), 'destinations', ['kim_id'], unique=False)
    op.create_table('social_accounts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kim_id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('handle', sa.String(length=100), nullable=False),
    sa.Column('credentials_encrypted', sa.Text(), nullable=False),
    sa.Column('sandbox_base_url', sa.String(length=500), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('paused_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('slots', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('min_spacing_seconds', sa.Integer(), nullable=True),
    sa.Column('daily_cap', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('daily_cap IS NULL OR daily_cap >= 0', name=op.f('ck_social_accounts_daily_cap')),
    sa.CheckConstraint('min_spacing_seconds IS NULL OR min_spacing_seconds >= 0', name=op.f('ck_social_accounts_spacing')),
    sa.ForeignKeyConstraint(['kim_id'], ['kims.id'], name=op.f('fk_social_accounts_kim_id_kims'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_social_accounts')),
    sa.UniqueConstraint('kim_id', 'platform', 'handle', name=op.f('uq_social_accounts_kim_id_platform_handle'))
    )
    op.create_table('umkm',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kelurahan_code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('kim_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['kelurahan_code'], ['kelurahan.code'], name=op.f('fk_umkm_kelurahan_code_kelurahan'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['kim_id'], ['kims.id'], name=op.f('fk_umkm_kim_id_kims'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_umkm'))
    )
    op.create_index(op.f('ix_umkm_kelurahan_code'), 'umkm', ['kelurahan_code'], unique=False)
    op.create_index(op.f('ix_umkm_kim_id'), 'umkm', ['kim_id'], unique=False)
    op.create_table('users',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('kim_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['kim_id'], ['kims.id'], name=op.f('fk_users_kim_id_kims'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_index(op.f('ix_users_kim_id'), 'users', ['kim_id'], unique=False)
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=255), nullable=False),
    sa.Column('prefix', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('prefix', name=op.f('uq_api_tokens_prefix'))
    )
    op.create_index(op.f('ix_api_tokens_user_id'), 'api_tokens', ['user_id'], unique=False)
    op.create_table('media_assets',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kim_id', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('mime_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('storage_key', sa.String(length=500), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('duration_seconds', sa.Float(), nullable=True),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size_bytes >= 0', name=op.f('ck_media_assets_size')),
    sa.ForeignKeyConstraint(['kim_id'], ['kims.id'], name=op.f('fk_media_assets_kim_id_kims'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'], name=op.f('fk_media_assets_uploaded_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_assets'))
    )
    op.create_index(op.f('ix_media_assets_kim_id_content_hash'), 'media_assets', ['kim_id', 'content_hash'], unique=False)
    op.create_table('posts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kim_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('subject_kind', sa.String(length=20), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('review_state', sa.String(length=20), nullable=False),
    sa.Column('schedule_kind', sa.String(length=20), nullable=False),
    sa.Column('schedule_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('schedule_zone', sa.String(length=64), nullable=False),
    sa.Column('recurrence_rule', sa.Text(), nullable=True),
    sa.Column('recurrence_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expanded_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('as_thread', sa.Boolean(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=True),
    sa.Column('reviewed_by', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(subject_kind IS NULL) = (subject_id IS NULL)', name=op.f('ck_posts_subject_pair')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_posts_author_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['kim_id'], ['kims.id'], name=op.f('fk_posts_kim_id_kims'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reviewed_by'], ['users.id'], name=op.f('fk_posts_reviewed_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posts'))
    )
    op.create_index(op.f('ix_posts_author_id'), 'posts', ['author_id'], unique=False)
    op.create_index(op.f('ix_posts_kim_id_created_at'), 'posts', ['kim_id', 'created_at'], unique=False)
    op.create_index('ix_posts_recurring', 'posts', ['expanded_until'], unique=False, postgresql_where=sa.text("schedule_kind = 'recurring' AND review_state = 'approved'"), sqlite_where=sa.text("schedule_kind = 'recurring' AND review_state = 'approved'"))
    op.create_index('uq_posts_kim_dedupe_key', 'posts', ['kim_id', 'dedupe_key'], unique=True, postgresql_where=sa.text('dedupe_key IS NOT NULL'), sqlite_where=sa.text('dedupe_key IS NOT NULL'))
    op.create_table('products',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('umkm_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['umkm_id'], ['umkm.id'], name=op.f('fk_products_umkm_id_umkm'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products'))
    )
    op.create_index(op.f('ix_products_umkm_id'), 'products', ['umkm_id'], unique=False)
    op.create_table('media_variants',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('storage_key', sa.String(length=500), nullable=False),
    sa.Column('mime_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['asset_id'], ['media_assets.id'], name=op.f('fk_media_variants_asset_id_media_assets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_variants')),
    sa.UniqueConstraint('asset_id', 'platform', name=op.f('uq_media_variants_asset_id_platform'))
    )
    op.create_table('post_media',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('media_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['media_id'], ['media_assets.id'], name=op.f('fk_post_media_media_id_media_assets'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_media_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_media'))
    )
    op.create_index(op.f('ix_post_media_media_id'), 'post_media', ['media_id'], unique=False)
    op.create_index(op.f('ix_post_media_post_id_position'), 'post_media', ['post_id', 'position'], unique=False)
    op.create_table('post_targets',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('text_override', sa.Text(), nullable=True),
    sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('scheduled_zone', sa.String(length=64), nullable=False),
    sa.Column('occurrence', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_token', sa.String(length=64), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('content_fingerprint', sa.String(length=128), nullable=True),
    sa.Column('remote_id', sa.String(length=128), nullable=True),
    sa.Column('permalink', sa.String(length=500), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error_code', sa.String(length=64), nullable=True),
    sa.Column('last_error_message', sa.Text(), nullable=True),
    sa.Column('likes', sa.BigInteger(), nullable=True),
    sa.Column('comments', sa.BigInteger(), nullable=True),
    sa.Column('shares', sa.BigInteger(), nullable=True),
    sa.Column('views', sa.BigInteger(), nullable=True),
    sa.Column('reach', sa.BigInteger(), nullable=True),
    sa.Column('saves', sa.BigInteger(), nullable=True),
    sa.Column('metrics_captured_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('remote_missing', sa.Boolean(), nullable=False),
    sa.Column('engagement_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_post_targets_attempts')),
    sa.CheckConstraint('occurrence >= 0', name=op.f('ck_post_targets_occurrence')),
    sa.ForeignKeyConstraint(['account_id'], ['social_accounts.id'], name=op.f('fk_post_targets_account_id_social_accounts'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_targets_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_targets')),
    sa.UniqueConstraint('post_id', 'account_id', 'occurrence', name=op.f('uq_post_targets_post_id_account_id_occurrence'))
    )
    op.create_index('ix_targets_account_scheduled', 'post_targets', ['account_id', 'scheduled_at'], unique=False)
    op.create_index('ix_targets_due', 'post_targets', ['scheduled_at'], unique=False, postgresql_where=sa.text("state = 'scheduled'"), sqlite_where=sa.text("state = 'scheduled'"))
    op.create_index('ix_targets_engagement', 'post_targets', ['engagement_due_at'], unique=False, postgresql_where=sa.text("state = 'published'"), sqlite_where=sa.text("state = 'published'"))
    op.create_index('ix_targets_lease', 'post_targets', ['lease_until'], unique=False, postgresql_where=sa.text("state IN ('queued', 'publishing')"), sqlite_where=sa.text("state IN ('queued', 'publishing')"))
    op.create_index('ix_targets_published_at', 'post_targets', ['published_at'], unique=False)
    op.create_index('ix_targets_retry', 'post_targets', ['next_attempt_at'], unique=False, postgresql_where=sa.text("state = 'retry_wait'"), sqlite_where=sa.text("state = 'retry_wait'"))
    op.create_index('ix_targets_unknown', 'post_targets', ['updated_at'], unique=False, postgresql_where=sa.text("state = 'unknown'"), sqlite_where=sa.text("state = 'unknown'"))
    op.create_table('audit_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kim_id', sa.Integer(), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('target_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['kim_id'], ['kims.id'], name=op.f('fk_audit_events_kim_id_kims'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_audit_events_post_id_posts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['target_id'], ['post_targets.id'], name=op.f('fk_audit_events_target_id_post_targets'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    op.create_index('ix_audit_actor', 'audit_events', ['actor_id'], unique=False)
    op.create_index('ix_audit_kim_at', 'audit_events', ['kim_id', 'at'], unique=False)
    op.create_index('ix_audit_post_at', 'audit_events', ['post_id', 'at'], unique=False)
    op.create_index('ix_audit_target', 'audit_events', ['target_id'], unique=False)
    op.create_table('engagement_snapshots',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('target_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('likes', sa.BigInteger(), nullable=True),
    sa.Column('comments', sa.BigInteger(), nullable=True),
    sa.Column('shares', sa.BigInteger(), nullable=True),
    sa.Column('views', sa.BigInteger(), nullable=True),
    sa.Column('reach', sa.BigInteger(), nullable=True),
    sa.Column('saves', sa.BigInteger(), nullable=True),
    sa.Column('remote_missing', sa.Boolean(), nullable=False),
    sa.Column('raw', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['target_id'], ['post_targets.id'], name=op.f('fk_engagement_snapshots_target_id_post_targets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_snapshots'))
    )
    op.create_index('ix_snapshots_target_captured', 'engagement_snapshots', ['target_id', 'captured_at'], unique=False)
    op.create_table('publish_attempts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('target_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_token', sa.String(length=64), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('error_code', sa.String(length=64), nullable=True),
    sa.Column('error_message', sa.Text(), nullable=True),
    sa.CheckConstraint('number >= 1', name=op.f('ck_publish_attempts_number')),
    sa.ForeignKeyConstraint(['target_id'], ['post_targets.id'], name=op.f('fk_publish_attempts_target_id_post_targets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publish_attempts')),
    sa.UniqueConstraint('target_id', 'number', name=op.f('uq_publish_attempts_target_id_number'))
    )


def downgrade() -> None:
    # Dropping a table drops its indexes; children before parents.
    op.drop_table('publish_attempts')
    op.drop_table('engagement_snapshots')
    op.drop_table('audit_events')
    op.drop_table('post_targets')
    op.drop_table('post_media')
    op.drop_table('media_variants')
    op.drop_table('products')
    op.drop_table('posts')
    op.drop_table('media_assets')
    op.drop_table('api_tokens')
    op.drop_table('users')
    op.drop_table('umkm')
    op.drop_table('social_accounts')
    op.drop_table('destinations')
    op.drop_table('kims')
    op.drop_table('kelurahan')
    op.drop_table('kecamatan')
    op.drop_table('heartbeats')
