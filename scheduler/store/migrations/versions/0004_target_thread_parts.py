"""Targets keep the parts they publish: an X thread's tweets, as validated.

``post_targets.thread_parts`` is a JSON array of strings; ``[]`` on platforms
without threads and on targets written before this revision (the publish
path then splits their text with the same rules). Plain SQLAlchemy types only.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 09:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('post_targets', sa.Column(
        'thread_parts', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'),
        nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table('post_targets') as batch:
        batch.drop_column('thread_parts')
