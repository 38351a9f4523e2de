"""Helpers shared by the API tests (imported through sys.path set in conftest.py)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from PIL import Image

PASSWORD = "rahasia-kim-123"


def png_bytes(size: tuple[int, int] = (64, 48), color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def future(hours: int = 48) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


def count_rows(engine: sa.Engine) -> dict[str, int]:
    """Rows in every table: "nothing was written" checks."""
    inspector = sa.inspect(engine)
    with engine.connect() as conn:
        return {
            name: conn.execute(sa.text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
            for name in inspector.get_table_names()
            if name != "alembic_version"
        }


def error_of(response: Any) -> dict[str, Any]:
    """The error object of a JSON error answer (checks the envelope)."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "fields"} <= set(body["error"]), body
    return body["error"]
