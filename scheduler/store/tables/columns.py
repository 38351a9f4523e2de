"""The shared ``metadata`` of the tables and the column shapes they repeat.

Constraint names follow ``NAMING_CONVENTION``, so Alembic (and SQLite batch
mode) can address them.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from scheduler.domain.model import DEFAULT_TIMEZONE
from scheduler.store.types import UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

# Append-only tables that may grow past 2**31 rows get BIGINT ids; SQLite
# only autoincrements a column declared exactly INTEGER PRIMARY KEY.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def utcnow() -> datetime:
    """Default for created_at/updated_at (the store may read the clock; the domain may not)."""
    return datetime.now(UTC)


def id_column(big: bool = False) -> sa.Column[int]:
    """The surrogate primary key ``id`` (BIGINT for append-only tables)."""
    return sa.Column("id", BigId if big else sa.Integer, primary_key=True, autoincrement=True)


def created_at_column() -> sa.Column[datetime]:
    return sa.Column("created_at", UtcDateTime, nullable=False, default=utcnow)


def zone_column() -> sa.Column[str]:
    """``timezone``: an IANA zone name, Asia/Jakarta unless chosen."""
    return sa.Column("timezone", sa.String(64), nullable=False, default=DEFAULT_TIMEZONE)


def fk_column(column: str, target: str, ondelete: str, *, nullable: bool, big: bool = False) -> sa.Column[int]:
    """An integer foreign key to ``target`` (``"table.column"``) with its ON DELETE policy."""
    return sa.Column(
        column,
        BigId if big else sa.Integer,
        sa.ForeignKey(target, ondelete=ondelete),
        nullable=nullable,
    )


def metric_columns() -> list[sa.Column[int]]:
    """The engagement counters of a target or a snapshot (NULL: the platform does not report it)."""
    return [
        sa.Column(name, sa.BigInteger, nullable=True)
        for name in ("likes", "comments", "shares", "views", "reach", "saves")
    ]
