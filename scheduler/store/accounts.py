"""Account writes made on a pipeline connection, outside the unit of work.

The use cases change accounts through the unit of work; the publishing
pipeline and engagement collection, which hold a plain connection, keep the
credentials a connector renewed here.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from scheduler.store.tables import social_accounts

A = social_accounts


def store_credentials(conn: sa.Connection, account_id: int, credentials_encrypted: str) -> None:
    """Replace an account's encrypted credentials (a connector renewed them)."""
    conn.execute(sa.update(A).where(A.c.id == account_id).values(credentials_encrypted=credentials_encrypted))


def credentials_store(engine: sa.Engine) -> Callable[[int, str], None]:
    """:func:`store_credentials` in a transaction of its own on ``engine`` (``save(account_id, token)``)."""

    def save(account_id: int, credentials_encrypted: str) -> None:
        with engine.begin() as conn:
            store_credentials(conn, account_id, credentials_encrypted)

    return save
