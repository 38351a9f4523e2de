"""Login throttling: too many wrong passwords for one e-mail from one address -> wait.

``MAX_FAILURES`` failures for the same (e-mail, client address) within
``WINDOW`` refuse further attempts with :class:`LoginThrottled` (HTTP 429)
until the oldest failure leaves the window, whether or not the next password
would be right: otherwise the throttle would only slow down wrong guesses.
Failures are stored in the database (``login_failures``), so every web
process shares the count; the key is a hash, so the table holds no e-mail.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa

from scheduler.domain.errors import DomainError
from scheduler.store import web_tables

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


class LoginThrottled(DomainError):
    """Too many failed sign-ins; ``retry_after`` seconds until the next try is allowed."""

    default_code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, -(-retry_after // 60))
        super().__init__(
            None,
            f"Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit.",
            f"Too many failed sign-in attempts. Try again in {minutes} minute(s).",
        )
        self.retry_after = retry_after


def throttle_key(email: str, client: str) -> str:
    """The stored key: SHA-256 of the normalised e-mail and the client address."""
    return hashlib.sha256(f"{(email or '').strip().lower()}|{client}".encode()).hexdigest()


def check(engine: sa.Engine, key: str, now: datetime) -> None:
    """Raise LoginThrottled if ``key`` has used up its failures in the window."""
    since = now - WINDOW
    with engine.connect() as conn:
        rows = (
            conn.execute(
                sa.select(web_tables.login_failures.c.at)
                .where(
                    web_tables.login_failures.c.key_hash == key,
                    web_tables.login_failures.c.at >= since,
                )
                .order_by(web_tables.login_failures.c.at)
            )
            .scalars()
            .all()
        )
    if len(rows) >= MAX_FAILURES:
        oldest = rows[len(rows) - MAX_FAILURES]
        retry_after = max(1, int((oldest + WINDOW - now).total_seconds()) + 1)
        raise LoginThrottled(retry_after)


def record_failure(engine: sa.Engine, key: str, now: datetime) -> None:
    """Count one failure (and forget this key's failures older than the window)."""
    with engine.begin() as conn:
        web_tables.clear_failures(conn, key, before=now - WINDOW)
        web_tables.add_failure(conn, key, now)


def reset(engine: sa.Engine, key: str) -> None:
    """A good sign-in clears the key's failures."""
    with engine.begin() as conn:
        web_tables.clear_failures(conn, key)
