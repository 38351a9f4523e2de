"""Kelurahan coverage: which of Malang's 57 kelurahan have a KIM, since when, how active (staff)."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter

from scheduler.services.engagement.coverage import ACTIVE_DAYS, kelurahan_coverage
from scheduler.services.people.authz import Cap
from scheduler.services.read import post_counts as coverage
from scheduler.web.deps import ActorDep, EngineDep, NowDep, only
from scheduler.web.schemas import OutputModel

router = APIRouter(prefix="/kelurahan", tags=["kelurahan"])


class KelurahanOut(OutputModel):
    code: str
    name: str
    kecamatan: str
    kim: str | None  # the KIM's slug; null: no KIM has formed yet
    kim_name: str | None
    since: date | None  # formed_on, or the day it was registered in Siar
    status: str  # belum_ada_kim / aktif / tidak_aktif
    accounts: int
    posts: int  # since the KIM joined, every state but canceled
    published: int  # published targets since the KIM joined
    published_recent: int  # published targets in the last `active_days` days
    last_published_at: datetime | None


class CoverageOut(OutputModel):
    total: int
    with_kim: int
    active: int
    active_days: int
    items: list[KelurahanOut]


@router.get("", response_model=CoverageOut, **only(Cap.MANAGE_REGISTRY))
def list_kelurahan(actor: ActorDep, engine: EngineDep, now: NowDep) -> CoverageOut:
    """Every kelurahan with its KIM (or none), post counts and recent activity."""
    counts = coverage.post_counts(engine, actor)
    result = kelurahan_coverage(engine, actor, now=now)
    none = coverage.PostCounts(0, 0)
    items = [
        KelurahanOut(
            code=r.kelurahan_code,
            name=r.kelurahan,
            kecamatan=r.kecamatan,
            kim=r.kim,
            kim_name=r.kim_name,
            since=r.since,
            status=r.status,
            accounts=r.accounts,
            posts=counts.get(r.kelurahan_code, none).posts if r.kim else 0,
            published=counts.get(r.kelurahan_code, none).published if r.kim else 0,
            published_recent=r.published_recent,
            last_published_at=r.last_published_at,
        )
        for r in result.rows
    ]
    return CoverageOut(
        total=result.total, with_kim=result.with_kim, active=result.active, active_days=ACTIVE_DAYS, items=items
    )
