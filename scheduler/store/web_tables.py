"""Tables of the web sign-in: server-side sessions and failed-login records.

Kept on their own ``web_metadata`` (not ``tables.metadata``) because they are
plumbing of the web layer, not entities of the domain: nothing maps them to a
dataclass, and the queries below are all the web needs. Migration 0002
creates them.

Only hashes are stored: ``web_sessions.token_hash`` is the SHA-256 of the
session id the browser holds (256 random bits, so a fast hash is enough, as
for API tokens), and ``login_failures.key_hash`` the SHA-256 of
"e-mail|client address", so the table holds no e-mail addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from scheduler.store.tables import NAMING_CONVENTION, users
from scheduler.store.types import UtcDateTime

web_metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

web_sessions = sa.Table(
    "web_sessions",
    web_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey(users.c.id, ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("last_seen_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("token_hash"),
    sa.Index(None, "user_id"),
)

login_failures = sa.Table(
    "login_failures",
    web_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Index(None, "key_hash", "at"),
)


@dataclass(frozen=True)
class SessionRow:
    id: int
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


def insert_session(conn: sa.Connection, *, token_hash: str, user_id: int, now: datetime, expires_at: datetime) -> int:
    """Store a new session; returns its row id."""
    result = conn.execute(
        web_sessions.insert().values(
            token_hash=token_hash, user_id=user_id, created_at=now, last_seen_at=now, expires_at=expires_at
        )
    )
    key = result.inserted_primary_key
    if key is None:  # every dialect Siar runs on reports it for a single-row insert
        raise RuntimeError("the database did not report the new session's id")
    return int(key[0])


def find_session(conn: sa.Connection, token_hash: str) -> SessionRow | None:
    """The session with this hash, revoked or not (None: unknown)."""
    row = conn.execute(
        sa.select(
            web_sessions.c.id,
            web_sessions.c.user_id,
            web_sessions.c.created_at,
            web_sessions.c.last_seen_at,
            web_sessions.c.expires_at,
            web_sessions.c.revoked_at,
        ).where(web_sessions.c.token_hash == token_hash)
    ).first()
    return SessionRow(*row) if row else None


def touch_session(conn: sa.Connection, session_id: int, now: datetime) -> None:
    conn.execute(web_sessions.update().where(web_sessions.c.id == session_id).values(last_seen_at=now))


def _revoke_live(conn: sa.Connection, which: sa.ColumnElement[bool], now: datetime) -> int:
    """Revoke the live (not yet revoked) sessions ``which`` selects; returns how many."""
    return conn.execute(
        web_sessions.update().where(which, web_sessions.c.revoked_at.is_(None)).values(revoked_at=now)
    ).rowcount


def revoke_session(conn: sa.Connection, token_hash: str, now: datetime) -> int:
    """Revoke one session; returns how many rows changed (0 or 1)."""
    return _revoke_live(conn, web_sessions.c.token_hash == token_hash, now)


def revoke_user_sessions(conn: sa.Connection, user_id: int, now: datetime) -> int:
    """Revoke every live session of a user ("sign out everywhere")."""
    return _revoke_live(conn, web_sessions.c.user_id == user_id, now)


def count_failures(conn: sa.Connection, key_hash: str, since: datetime) -> int:
    return conn.execute(
        sa.select(sa.func.count())
        .select_from(login_failures)
        .where(login_failures.c.key_hash == key_hash, login_failures.c.at >= since)
    ).scalar_one()


def add_failure(conn: sa.Connection, key_hash: str, now: datetime) -> None:
    conn.execute(login_failures.insert().values(key_hash=key_hash, at=now))


def clear_failures(conn: sa.Connection, key_hash: str, before: datetime | None = None) -> None:
    """Forget a key's failures (after a good sign-in), or only those older than ``before``."""
    stmt = login_failures.delete().where(login_failures.c.key_hash == key_hash)
    if before is not None:
        stmt = stmt.where(login_failures.c.at < before)
    conn.execute(stmt)


def purge(conn: sa.Connection, *, sessions_ended_before: datetime, failures_before: datetime) -> None:
    """Forget sessions that ended (expired or revoked) and failures out of the throttle window."""
    conn.execute(
        web_sessions.delete().where(
            sa.or_(web_sessions.c.expires_at < sessions_ended_before, web_sessions.c.revoked_at < sessions_ended_before)
        )
    )
    conn.execute(login_failures.delete().where(login_failures.c.at < failures_before))
