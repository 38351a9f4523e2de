"""Kelurahan coverage: which of Malang's kelurahan have a KIM (staff, superadmin)."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from scheduler.services import coverage
from scheduler.web.deps import ActorDep, EngineDep
from scheduler.web.schemas import OutputModel

router = APIRouter(prefix="/kelurahan", tags=["kelurahan"])


class CoverageKim(OutputModel):
    id: int
    name: str
    slug: str
    formed_on: date | None


class KelurahanOut(OutputModel):
    code: str
    name: str
    kecamatan_code: str
    kecamatan_name: str
    kim: CoverageKim | None
    posts: int
    published: int


class CoverageOut(OutputModel):
    total: int
    with_kim: int
    items: list[KelurahanOut]


@router.get("", response_model=CoverageOut)
def list_kelurahan(actor: ActorDep, engine: EngineDep) -> CoverageOut:
    """Every kelurahan; ``kim`` is null where none has formed yet."""
    rows = coverage.coverage(engine, actor)
    items = [KelurahanOut(
        code=r.code, name=r.name, kecamatan_code=r.kecamatan_code, kecamatan_name=r.kecamatan_name,
        kim=CoverageKim(id=r.kim_id, name=r.kim_name or "", slug=r.kim_slug or "",
                        formed_on=r.kim_formed_on) if r.kim_id is not None else None,
        posts=r.posts, published=r.published) for r in rows]
    return CoverageOut(total=len(items), with_kim=sum(1 for i in items if i.kim), items=items)
