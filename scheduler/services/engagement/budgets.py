"""Per-account call budgets in the database (``engagement_budgets``).

Kept in the database, not in Redis, so the budget holds on the server-less
default (SQLite, file broker) and across worker processes. Rows are read
``FOR UPDATE`` on PostgreSQL inside the round's planning transaction; SQLite
serialises writers anyway (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from scheduler.domain.engagement import BudgetState
from scheduler.store.engagement_tables import engagement_budgets

B = engagement_budgets.c


def load(conn: sa.Connection, account_ids: Iterable[int]) -> dict[int, BudgetState]:
    """The budget state of each account (a fresh state for an account never seen)."""
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    query = sa.select(engagement_budgets).where(B.account_id.in_(ids))
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    found = {
        row.account_id: BudgetState(row.window_start, row.calls_used, row.paused_until) for row in conn.execute(query)
    }
    return {i: found.get(i, BudgetState()) for i in ids}


def save(conn: sa.Connection, account_id: int, state: BudgetState, now: datetime) -> None:
    """Store ``state`` for ``account_id`` (insert or update)."""
    values = {
        "window_start": state.window_start,
        "calls_used": state.used,
        "paused_until": state.paused_until,
        "updated_at": now,
    }
    updated = conn.execute(sa.update(engagement_budgets).where(B.account_id == account_id).values(**values)).rowcount
    if not updated:
        conn.execute(sa.insert(engagement_budgets).values(account_id=account_id, **values))


def pause(conn: sa.Connection, account_id: int, until: datetime, now: datetime) -> None:
    """No engagement calls for this account before ``until`` (the platform said "rate limited")."""
    current = load(conn, [account_id])[account_id]
    save(conn, account_id, BudgetState(current.window_start, current.used, until), now)


def refund(conn: sa.Connection, account_id: int, calls: int, now: datetime) -> None:
    """Give back calls reserved but not made (the round stopped early)."""
    if calls <= 0:
        return
    current = load(conn, [account_id])[account_id]
    save(conn, account_id, BudgetState(current.window_start, max(0, current.used - calls), current.paused_until), now)
