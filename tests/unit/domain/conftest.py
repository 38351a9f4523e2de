"""Fixtures for the pure domain tests: a fixed clock, nothing else."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

FIXED_NOW = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)  # Monday 09:00 WIB


@pytest.fixture
def now() -> datetime:
    return FIXED_NOW
