"""The whole schema of record: every table module, and the metadata they fill.

Alembic's ``env.py`` and the migration tests compare against ``ALL_METADATA``,
so a table added in a new module must be imported here or autogenerate (and
the test that migrations equal the code) would not see it.
"""

from __future__ import annotations

from scheduler.store import engagement_tables  # noqa: F401 - registers on tables.metadata
from scheduler.store.tables import metadata
from scheduler.store.web_tables import web_metadata

ALL_METADATA = [metadata, web_metadata]


def table_names() -> set[str]:
    """Every table the migrations must create."""
    return {name for md in ALL_METADATA for name in md.tables}
