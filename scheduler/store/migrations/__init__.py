"""Alembic migrations of Siar's schema, driven from ``scheduler.store.migrate`` (no alembic.ini)."""
