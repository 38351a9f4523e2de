"""Social accounts: a ``sandbox`` flag instead of a stored ``sandbox_base_url``.

Where a connector sends an account's requests is decided by the site's
configuration alone (``SIAR_SANDBOX_URL`` for training accounts); an address
stored with the account no longer decides anything. The flag keeps which
accounts are training accounts: those that had a sandbox address.

Plain ``ADD COLUMN`` / ``DROP COLUMN`` (SQLite 3.35 or newer, PostgreSQL): no
copy of ``social_accounts``, which other tables reference.

Downgrade: the old column comes back, and training accounts get the default
origin of ``siar sandbox serve`` / ``siar demo`` (the address they had is gone).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 09:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DEFAULT_SANDBOX_ORIGIN = 'http://127.0.0.1:8765'
_accounts = sa.table('social_accounts', sa.column('sandbox', sa.Boolean()),
                     sa.column('sandbox_base_url', sa.String(length=500)))


def upgrade() -> None:
    op.add_column('social_accounts',
                  sa.Column('sandbox', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(_accounts.update().where(_accounts.c.sandbox_base_url.is_not(None))
               .values(sandbox=sa.true()))
    op.drop_column('social_accounts', 'sandbox_base_url')


def downgrade() -> None:
    op.add_column('social_accounts', sa.Column('sandbox_base_url', sa.String(length=500), nullable=True))
    op.execute(_accounts.update().where(_accounts.c.sandbox)
               .values(sandbox_base_url=_DEFAULT_SANDBOX_ORIGIN))
    op.drop_column('social_accounts', 'sandbox')
