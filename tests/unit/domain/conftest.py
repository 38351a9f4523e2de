"""Fixtures for the pure domain tests: a fixed clock, nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

FIXED_NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB


@pytest.fixture
def now() -> datetime:
    return FIXED_NOW
