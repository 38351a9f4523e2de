"""Kelurahan coverage: which of Kota Malang's 57 kelurahan have a KIM, since when, how active."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from scheduler.domain.errors import NotAllowed
from scheduler.services.people.actors import Actor
from scheduler.store import summary_queries as q

ACTIVE_DAYS = 30


@dataclass(frozen=True)
class CoverageRow:
    kelurahan_code: str
    kelurahan: str
    kecamatan: str
    kim: str | None
    kim_name: str | None
    since: date | None  # formed_on, or the day it was registered in Siar
    accounts: int
    published_recent: int  # targets published in the last ACTIVE_DAYS days
    last_published_at: datetime | None

    @property
    def status(self) -> str:
        """ "belum ada KIM" / "aktif" / "tidak aktif" (no KIM / active / inactive)."""
        if self.kim is None:
            return "belum_ada_kim"
        return "aktif" if self.published_recent > 0 else "tidak_aktif"


@dataclass(frozen=True)
class Coverage:
    rows: list[CoverageRow]
    with_kim: int
    active: int
    total: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (``GET /api/v1/kelurahan`` with coverage)."""
        return {
            "total": self.total,
            "with_kim": self.with_kim,
            "active": self.active,
            "active_days": ACTIVE_DAYS,
            "rows": [
                {
                    "kelurahan_code": r.kelurahan_code,
                    "kelurahan": r.kelurahan,
                    "kecamatan": r.kecamatan,
                    "kim": r.kim,
                    "kim_name": r.kim_name,
                    "since": r.since.isoformat() if r.since else None,
                    "accounts": r.accounts,
                    "published_recent": r.published_recent,
                    "last_published_at": r.last_published_at.isoformat() if r.last_published_at else None,
                    "status": r.status,
                }
                for r in self.rows
            ],
        }


def kelurahan_coverage(engine: sa.Engine, actor: Actor, *, now: datetime) -> Coverage:
    """Every kelurahan with its KIM and activity (staff and superadmin only)."""
    if actor.is_kim_bound:
        raise NotAllowed(
            "coverage_not_allowed",
            "Cakupan kelurahan hanya untuk staf Kominfo.",
            "Kelurahan coverage is for Kominfo staff only.",
        )
    with engine.connect() as conn:
        result = conn.execute(q.coverage_query(now - timedelta(days=ACTIVE_DAYS)))
        rows = [
            CoverageRow(
                r.code,
                r.name,
                r.kecamatan,
                r.slug,
                r.kim_name,
                r.formed_on or (r.created_at.date() if r.created_at else None),
                int(r.accounts),
                int(r.published_recent),
                r.last_at,
            )
            for r in result
        ]
    return Coverage(rows, sum(1 for r in rows if r.kim), sum(1 for r in rows if r.status == "aktif"), len(rows))
